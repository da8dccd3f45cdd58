//! Nelder–Mead minimisation, written here because no well-kept pure-Rust
//! optimiser crate is among the workspace's dependencies.

/// Where a minimisation ended.
pub(crate) struct Minimum {
    pub point: Vec<f64>,
    pub value: f64,
    pub evaluations: usize,
    pub converged: bool,
}

/// Per run. A well-posed fit of 3–4 parameters settles in well under 1,000;
/// one still going after this many is drifting toward an infinite parameter.
const MAX_EVALUATIONS: usize = 5_000;
/// The simplex has collapsed when its values and points are this close.
const VALUE_TOLERANCE: f64 = 1e-13;
const POINT_TOLERANCE: f64 = 1e-9;
/// Restarts from a converged point: a single run can stall on a ridge.
const RESTARTS: usize = 4;

/// Minimises `f` from `start`; NaN counts as +∞ so the simplex moves away from it.
///
/// A run that spends its budget without converging is not restarted: the
/// likelihood then has its supremum at infinity (e.g. nobody seems to drop
/// out), and more steps would only push a parameter further out.
pub(crate) fn minimize(f: impl Fn(&[f64]) -> f64, start: &[f64]) -> Minimum {
    let f = |x: &[f64]| {
        let value = f(x);
        if value.is_nan() { f64::INFINITY } else { value }
    };
    let mut best = run(&f, start, 0.5);
    for _ in 0..RESTARTS {
        if !best.converged {
            break;
        }
        let again = run(&f, &best.point, 0.05);
        let evaluations = best.evaluations + again.evaluations;
        let gain = best.value - again.value;
        if again.value <= best.value {
            best = Minimum {
                evaluations,
                ..again
            };
        } else {
            best.evaluations = evaluations;
        }
        if gain.abs() <= VALUE_TOLERANCE * (1.0 + best.value.abs()) {
            break;
        }
    }
    best
}

fn run(f: &impl Fn(&[f64]) -> f64, start: &[f64], step: f64) -> Minimum {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((start.to_vec(), f(start)));
    for i in 0..n {
        let mut point = start.to_vec();
        point[i] += step;
        let value = f(&point);
        simplex.push((point, value));
    }
    let mut evaluations = n + 1;
    let mut converged = false;
    while evaluations < MAX_EVALUATIONS {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let best = simplex[0].1;
        let worst = simplex[n].1;
        let spread = simplex[1..]
            .iter()
            .flat_map(|(p, _)| p.iter().zip(&simplex[0].0).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if worst - best <= VALUE_TOLERANCE * (1.0 + best.abs()) && spread <= POINT_TOLERANCE {
            converged = true;
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|(p, _)| p[j]).sum::<f64>() / n as f64)
            .collect();
        let toward = |coefficient: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&simplex[n].0)
                .map(|(c, w)| c + coefficient * (c - w))
                .collect()
        };
        let reflected = toward(1.0);
        let reflected_value = f(&reflected);
        evaluations += 1;
        if reflected_value < best {
            let expanded = toward(2.0);
            let expanded_value = f(&expanded);
            evaluations += 1;
            simplex[n] = if expanded_value < reflected_value {
                (expanded, expanded_value)
            } else {
                (reflected, reflected_value)
            };
            continue;
        }
        if reflected_value < simplex[n - 1].1 {
            simplex[n] = (reflected, reflected_value);
            continue;
        }
        let (contracted, limit) = if reflected_value < worst {
            (toward(0.5), reflected_value)
        } else {
            (toward(-0.5), worst)
        };
        let contracted_value = f(&contracted);
        evaluations += 1;
        if contracted_value < limit {
            simplex[n] = (contracted, contracted_value);
            continue;
        }
        // Shrink everything toward the best point.
        let anchor = simplex[0].0.clone();
        for (point, value) in simplex.iter_mut().skip(1) {
            for (x, a) in point.iter_mut().zip(&anchor) {
                *x = a + 0.5 * (*x - a);
            }
            *value = f(point);
        }
        evaluations += n;
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (point, value) = simplex.swap_remove(0);
    Minimum {
        point,
        value,
        evaluations,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let minimum = minimize(rosenbrock, &[-1.2, 1.0]);
        assert!(minimum.converged);
        assert!((minimum.point[0] - 1.0).abs() < 1e-6, "{:?}", minimum.point);
        assert!((minimum.point[1] - 1.0).abs() < 1e-6, "{:?}", minimum.point);
    }

    #[test]
    fn steps_away_from_undefined_regions() {
        let minimum = minimize(
            |x: &[f64]| {
                if x[0] < 0.0 {
                    f64::NAN
                } else {
                    (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2)
                }
            },
            &[0.1, 0.0],
        );
        assert!((minimum.point[0] - 2.0).abs() < 1e-6);
        assert!((minimum.point[1] + 1.0).abs() < 1e-6);
    }
}
