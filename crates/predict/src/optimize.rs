//! L-BFGS for smooth convex losses (the logistic regression and Platt
//! scaling), by hand: the well-kept optimisation crates pull in a linear
//! algebra stack for what is forty lines here.

/// Minimises `f` from `x`, where `f` returns the value and writes the gradient.
pub fn lbfgs(x: &mut [f64], mut f: impl FnMut(&[f64], &mut [f64]) -> f64, max_iter: usize) {
    const MEMORY: usize = 10;
    let n = x.len();
    let mut grad = vec![0.0; n];
    let mut value = f(x, &mut grad);
    let mut history: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new();
    let mut next = vec![0.0; n];
    let mut next_grad = vec![0.0; n];
    for iteration in 0..max_iter {
        let norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        if norm < 1e-5 * value.abs().max(1.0) {
            break;
        }
        // Two-loop recursion: direction = −H·grad.
        let mut direction: Vec<f64> = grad.iter().map(|g| -g).collect();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &direction);
            for (d, yi) in direction.iter_mut().zip(y) {
                *d -= alpha * yi;
            }
            alphas.push(alpha);
        }
        if let Some((s, y, _)) = history.last() {
            let gamma = dot(s, y) / dot(y, y);
            direction.iter_mut().for_each(|d| *d *= gamma);
        } else {
            direction.iter_mut().for_each(|d| *d /= norm.max(1.0));
        }
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &direction);
            for (d, si) in direction.iter_mut().zip(s) {
                *d += (alpha - beta) * si;
            }
        }
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // Not a descent direction (curvature lost): restart from the gradient.
            history.clear();
            direction = grad.iter().map(|g| -g / norm.max(1.0)).collect();
            slope = dot(&grad, &direction);
        }
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            for i in 0..n {
                next[i] = x[i] + step * direction[i];
            }
            let candidate = f(&next, &mut next_grad);
            if candidate.is_finite() && candidate <= value + 1e-4 * step * slope {
                let s: Vec<f64> = (0..n).map(|i| next[i] - x[i]).collect();
                let y: Vec<f64> = (0..n).map(|i| next_grad[i] - grad[i]).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 {
                    if history.len() == MEMORY {
                        history.remove(0);
                    }
                    history.push((s, y, 1.0 / sy));
                }
                x.copy_from_slice(&next);
                grad.copy_from_slice(&next_grad);
                let improvement = value - candidate;
                value = candidate;
                accepted = true;
                if improvement < 1e-10 * value.abs().max(1.0) && iteration > 2 {
                    return;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            return;
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_stretched_bowl() {
        let mut x = vec![5.0, -3.0];
        lbfgs(
            &mut x,
            |x, g| {
                g[0] = 2.0 * (x[0] - 1.0);
                g[1] = 200.0 * (x[1] + 2.0);
                (x[0] - 1.0).powi(2) + 100.0 * (x[1] + 2.0).powi(2)
            },
            200,
        );
        assert!(
            (x[0] - 1.0).abs() < 1e-5 && (x[1] + 2.0).abs() < 1e-5,
            "{x:?}"
        );
    }
}
