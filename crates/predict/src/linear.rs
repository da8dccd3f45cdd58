//! Regularised logistic regression: the explainable default that holds up on
//! small data. Numbers are imputed (median, with a missing flag), clipped to
//! the training range and standardised; categories are one-hot. Each
//! feature's part of a score is its term minus the term's training mean.

use serde::{Deserialize, Serialize};

use crate::data::{ColumnKind, Feature, Matrix};
use crate::optimize::lbfgs;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Slot {
    Numeric {
        offset: usize,
        fill: f64,
        mean: f64,
        scale: f64,
        low: f64,
        high: f64,
        /// The weight index of the "was missing" flag, when training saw gaps.
        missing: Option<usize>,
    },
    Categorical {
        offset: usize,
        /// Levels plus "other"; missing has no weight of its own (the baseline).
        count: usize,
    },
}

/// A fitted logistic regression over the features.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Linear {
    slots: Vec<Slot>,
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// The training mean of each feature's term, so parts are relative to the average row.
    baselines: Vec<f64>,
}

/// Rows as sparse (index, value) lists, ready for the loss.
struct Design {
    starts: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
}

impl Linear {
    /// Learns the encoding from training columns (no weights yet).
    fn encoding(features: &[Feature], x: &Matrix) -> (Vec<Slot>, usize) {
        let mut width = 0;
        let slots = features
            .iter()
            .zip(&x.columns)
            .map(|(feature, column)| match feature.kind {
                ColumnKind::Categorical => {
                    let slot = Slot::Categorical {
                        offset: width,
                        count: feature.levels.len() + 1,
                    };
                    width += feature.levels.len() + 1;
                    slot
                }
                ColumnKind::Numeric | ColumnKind::Date => {
                    let mut present: Vec<f64> =
                        column.iter().copied().filter(|v| !v.is_nan()).collect();
                    present.sort_by(f64::total_cmp);
                    let quantile = |q: f64| {
                        present
                            .get(((present.len() as f64 - 1.0) * q).round() as usize)
                            .copied()
                            .unwrap_or(0.0)
                    };
                    let (low, high, fill) = (quantile(0.001), quantile(0.999), quantile(0.5));
                    let clipped = column
                        .iter()
                        .map(|&v| if v.is_nan() { fill } else { v.clamp(low, high) });
                    let n = x.rows.max(1) as f64;
                    let mean = clipped.clone().sum::<f64>() / n;
                    let variance = clipped.map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                    let has_missing = present.len() < column.len();
                    let slot = Slot::Numeric {
                        offset: width,
                        fill,
                        mean,
                        scale: if variance > 0.0 { variance.sqrt() } else { 1.0 },
                        low,
                        high,
                        missing: has_missing.then_some(width + 1),
                    };
                    width += 1 + usize::from(has_missing);
                    slot
                }
            })
            .collect();
        (slots, width)
    }

    /// One feature's terms: (weight index, value) pairs, at most two (a
    /// fixed array: scoring one row must not allocate per feature).
    fn terms(slot: &Slot, value: f64) -> ([(u32, f64); 2], usize) {
        let mut out = [(0, 0.0); 2];
        let mut count = 0;
        let mut push = |term: (u32, f64)| {
            out[count] = term;
            count += 1;
        };
        match *slot {
            Slot::Numeric {
                offset,
                fill,
                mean,
                scale,
                low,
                high,
                missing,
            } => {
                let v = if value.is_nan() {
                    fill
                } else {
                    value.clamp(low, high)
                };
                push((offset as u32, (v - mean) / scale));
                if let (Some(flag), true) = (missing, value.is_nan()) {
                    push((flag as u32, 1.0));
                }
            }
            Slot::Categorical {
                offset,
                count: levels,
            } => {
                if !value.is_nan() {
                    let code = (value as usize).min(levels - 1);
                    push(((offset + code) as u32, 1.0));
                }
            }
        }
        (out, count)
    }

    fn design(slots: &[Slot], x: &Matrix) -> Design {
        let mut design = Design {
            starts: Vec::with_capacity(x.rows + 1),
            indices: Vec::new(),
            values: Vec::new(),
        };
        for row in 0..x.rows {
            design.starts.push(design.indices.len());
            for (slot, column) in slots.iter().zip(&x.columns) {
                let (terms, count) = Self::terms(slot, column[row]);
                for &(i, v) in &terms[..count] {
                    design.indices.push(i);
                    design.values.push(v);
                }
            }
        }
        design.starts.push(design.indices.len());
        design
    }

    /// Fits with L2 strength `lambda` (on the summed log-loss, as
    /// scikit-learn's `C = 1/lambda`), starting from `warm` when given.
    pub fn fit(
        features: &[Feature],
        x: &Matrix,
        y: &[bool],
        weights: &[f64],
        lambda: f64,
        warm: Option<&Linear>,
    ) -> Linear {
        let (slots, width) = Self::encoding(features, x);
        let design = Self::design(&slots, x);
        let mut params = vec![0.0; width + 1];
        match warm {
            Some(previous) if previous.weights.len() == width => {
                params[..width].copy_from_slice(&previous.weights);
                params[width] = previous.intercept;
            }
            _ => {
                let total: f64 = weights.iter().sum();
                let positive: f64 = y
                    .iter()
                    .zip(weights)
                    .filter(|(l, _)| **l)
                    .map(|(_, w)| w)
                    .sum();
                let rate = (positive / total.max(1e-12)).clamp(1e-6, 1.0 - 1e-6);
                params[width] = (rate / (1.0 - rate)).ln();
            }
        }
        if width > NEWTON_MAX_WIDTH || !newton(&design, y, weights, lambda, &mut params) {
            lbfgs(
                &mut params,
                |p, grad| objective(&design, y, weights, lambda, p, Some(grad)),
                500,
            );
        }
        let intercept = params[width];
        params.truncate(width);
        let mut model = Linear {
            slots,
            weights: params,
            intercept,
            baselines: Vec::new(),
        };
        model.baselines = (0..features.len())
            .map(|f| {
                (0..x.rows)
                    .map(|row| model.part(f, x.columns[f][row]))
                    .sum::<f64>()
                    / x.rows.max(1) as f64
            })
            .collect();
        model
    }

    /// The raw term of feature `f` at `value`.
    fn part(&self, f: usize, value: f64) -> f64 {
        let (terms, count) = Self::terms(&self.slots[f], value);
        terms[..count]
            .iter()
            .map(|&(i, v)| self.weights[i as usize] * v)
            .sum()
    }

    /// The logit of one row.
    pub fn logit(&self, row: &[f64]) -> f64 {
        self.intercept
            + (0..self.slots.len())
                .map(|f| self.part(f, row[f]))
                .sum::<f64>()
    }

    pub fn logits(&self, x: &Matrix) -> Vec<f64> {
        (0..x.rows).map(|row| self.logit(&x.row(row))).collect()
    }

    /// Each feature's part of the logit, relative to the average training row.
    pub fn contributions(&self, row: &[f64]) -> Vec<f64> {
        (0..self.slots.len())
            .map(|f| self.part(f, row[f]) - self.baselines[f])
            .collect()
    }
}

/// Up to this many weights, Newton's method (a d×d solve per step, a handful
/// of steps) beats L-BFGS (hundreds of cheap steps on correlated columns).
const NEWTON_MAX_WIDTH: usize = 400;

/// The penalised log-loss at `p` (weights then intercept), and its gradient.
fn objective(
    design: &Design,
    y: &[bool],
    weights: &[f64],
    lambda: f64,
    p: &[f64],
    mut grad: Option<&mut [f64]>,
) -> f64 {
    let width = p.len() - 1;
    if let Some(grad) = grad.as_deref_mut() {
        grad.iter_mut().for_each(|g| *g = 0.0);
    }
    let mut loss = 0.0;
    for row in 0..y.len() {
        let span = design.starts[row]..design.starts[row + 1];
        let z = p[width]
            + design.indices[span.clone()]
                .iter()
                .zip(&design.values[span.clone()])
                .map(|(&i, &v)| p[i as usize] * v)
                .sum::<f64>();
        let weight = weights[row];
        loss += weight * log_loss_of_logit(z, y[row]);
        if let Some(grad) = grad.as_deref_mut() {
            let residual = weight * (sigmoid(z) - f64::from(u8::from(y[row])));
            for (&i, &v) in design.indices[span.clone()]
                .iter()
                .zip(&design.values[span])
            {
                grad[i as usize] += residual * v;
            }
            grad[width] += residual;
        }
    }
    for i in 0..width {
        loss += 0.5 * lambda * p[i] * p[i];
        if let Some(grad) = grad.as_deref_mut() {
            grad[i] += lambda * p[i];
        }
    }
    loss
}

/// Newton's method with a backtracking line search; false when the Hessian
/// cannot be factored (the caller falls back to L-BFGS).
fn newton(design: &Design, y: &[bool], weights: &[f64], lambda: f64, params: &mut [f64]) -> bool {
    let d = params.len();
    let width = d - 1;
    let mut grad = vec![0.0; d];
    let mut trial = vec![0.0; d];
    let mut terms: Vec<(usize, f64)> = Vec::new();
    for _ in 0..50 {
        let loss = objective(design, y, weights, lambda, params, Some(&mut grad));
        let mut hessian = vec![0.0; d * d];
        for (row, &weight) in weights.iter().enumerate() {
            let span = design.starts[row]..design.starts[row + 1];
            terms.clear();
            terms.extend(
                design.indices[span.clone()]
                    .iter()
                    .zip(&design.values[span])
                    .map(|(&i, &v)| (i as usize, v)),
            );
            terms.push((width, 1.0));
            let z: f64 = terms.iter().map(|&(i, v)| params[i] * v).sum();
            let q = sigmoid(z);
            let curvature = weight * q * (1.0 - q);
            if curvature == 0.0 {
                continue;
            }
            // Terms come in increasing index order: fill the lower triangle only.
            for (k, &(a, va)) in terms.iter().enumerate() {
                let scaled = curvature * va;
                let line = &mut hessian[a * d..a * d + a + 1];
                for &(b, vb) in &terms[..=k] {
                    line[b] += scaled * vb;
                }
            }
        }
        for a in 0..d {
            for b in 0..a {
                hessian[b * d + a] = hessian[a * d + b];
            }
        }
        for i in 0..width {
            hessian[i * d + i] += lambda;
        }
        for i in 0..d {
            hessian[i * d + i] += 1e-9;
        }
        let Some(step) = cholesky_solve(&mut hessian, &grad, d) else {
            return false;
        };
        // `step` solves H·s = g; the Newton direction is −s.
        let decrement: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        if decrement < 1e-10 * loss.max(1.0) {
            return true;
        }
        let mut t = 1.0;
        loop {
            for i in 0..d {
                trial[i] = params[i] - t * step[i];
            }
            let candidate = objective(design, y, weights, lambda, &trial, None);
            if candidate <= loss - 1e-4 * t * decrement {
                params.copy_from_slice(&trial);
                break;
            }
            t *= 0.5;
            if t < 1e-8 {
                return true;
            }
        }
    }
    true
}

/// Solves `a·x = b` for a symmetric positive definite `a` (overwritten by its factor).
fn cholesky_solve(a: &mut [f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut diagonal = a[j * n + j];
        for k in 0..j {
            diagonal -= a[j * n + k] * a[j * n + k];
        }
        if diagonal <= 0.0 || !diagonal.is_finite() {
            return None;
        }
        let diagonal = diagonal.sqrt();
        a[j * n + j] = diagonal;
        for i in j + 1..n {
            let mut value = a[i * n + j];
            for k in 0..j {
                value -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = value / diagonal;
        }
    }
    let mut x = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            x[i] -= a[i * n + k] * x[k];
        }
        x[i] /= a[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            x[i] -= a[k * n + i] * x[k];
        }
        x[i] /= a[i * n + i];
    }
    Some(x)
}

pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// −log p(label) for a logit, stable for large |z|.
pub(crate) fn log_loss_of_logit(z: f64, label: bool) -> f64 {
    let z = if label { z } else { -z };
    if z > 0.0 {
        (-z).exp().ln_1p()
    } else {
        -z + z.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_the_direction_of_each_feature() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let n = 4000;
        let mut a = Vec::new();
        let mut c = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let x: f64 = rng.random_range(-2.0..2.0);
            let level = rng.random_range(0..3);
            let z = 1.5 * x + [0.0, 1.0, -1.0][level];
            a.push(x);
            c.push(level as f64);
            y.push(rng.random::<f64>() < sigmoid(z));
        }
        let features = vec![
            Feature {
                name: "a".into(),
                kind: ColumnKind::Numeric,
                levels: vec![],
                index: Default::default(),
            },
            Feature {
                name: "c".into(),
                kind: ColumnKind::Categorical,
                levels: vec!["x".into(), "y".into(), "z".into()],
                index: Default::default(),
            },
        ];
        let x = Matrix {
            rows: n,
            columns: vec![a, c],
        };
        let model = Linear::fit(&features, &x, &y, &vec![1.0; n], 1.0, None);
        let high = model.contributions(&[1.5, 1.0]);
        let low = model.contributions(&[-1.5, 2.0]);
        assert!(high[0] > 1.0 && low[0] < -1.0, "{high:?} {low:?}");
        assert!(high[1] > 0.5 && low[1] < -0.5, "{high:?} {low:?}");
        // The slope on the raw scale is close to the true 1.5.
        let slope = (model.logit(&[1.0, 0.0]) - model.logit(&[0.0, 0.0])) / 1.0;
        assert!((slope - 1.5).abs() < 0.2, "{slope}");
    }
}
