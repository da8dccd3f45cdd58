//! Turning scores into probabilities that mean what they say: Platt scaling
//! (a logistic curve on the logit) or isotonic regression (a monotone step
//! function), whichever predicts held-out halves better.

use serde::{Deserialize, Serialize};

use crate::linear::{log_loss_of_logit, sigmoid};
use crate::metrics::brier;
use crate::optimize::lbfgs;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub(crate) enum Calibration {
    Platt {
        slope: f64,
        intercept: f64,
    },
    /// Logit knots and the probability at each, interpolated between.
    Isotonic {
        knots: Vec<f64>,
        values: Vec<f64>,
    },
}

impl Calibration {
    pub fn probability(&self, logit: f64) -> f64 {
        match self {
            Calibration::Platt { slope, intercept } => sigmoid(slope * logit + intercept),
            Calibration::Isotonic { knots, values } => {
                let i = knots.partition_point(|&k| k < logit);
                if i == 0 {
                    values[0]
                } else if i == knots.len() {
                    values[knots.len() - 1]
                } else {
                    let t = (logit - knots[i - 1]) / (knots[i] - knots[i - 1]).max(1e-12);
                    values[i - 1] + t * (values[i] - values[i - 1])
                }
            }
        }
    }

    /// Picks Platt or isotonic by a two-fold check on the held-out scores
    /// (isotonic needs many outcomes to beat Platt; with few it overfits).
    pub fn fit(logits: &[f64], y: &[bool]) -> Calibration {
        let positives = y.iter().filter(|&&l| l).count();
        if positives < 200 || y.len() - positives < 200 {
            return Calibration::platt(logits, y);
        }
        let halves: [Vec<usize>; 2] = [
            (0..y.len()).filter(|i| i % 2 == 0).collect(),
            (0..y.len()).filter(|i| i % 2 == 1).collect(),
        ];
        let mut scores = [0.0, 0.0];
        for (a, b) in [(0, 1), (1, 0)] {
            let (fit_z, fit_y) = pick(logits, y, &halves[a]);
            let (test_z, test_y) = pick(logits, y, &halves[b]);
            for (k, calibration) in [Calibration::platt(&fit_z, &fit_y), isotonic(&fit_z, &fit_y)]
                .iter()
                .enumerate()
            {
                let p: Vec<f64> = test_z.iter().map(|&z| calibration.probability(z)).collect();
                scores[k] += brier(&p, &test_y);
            }
        }
        if scores[1] < scores[0] * 0.995 {
            isotonic(logits, y)
        } else {
            Calibration::platt(logits, y)
        }
    }
}

fn pick(logits: &[f64], y: &[bool], rows: &[usize]) -> (Vec<f64>, Vec<bool>) {
    (
        rows.iter().map(|&i| logits[i]).collect(),
        rows.iter().map(|&i| y[i]).collect(),
    )
}

impl Calibration {
    /// A logistic curve on the logit, fitted by maximum likelihood.
    pub fn platt(logits: &[f64], y: &[bool]) -> Calibration {
        let mut params = vec![1.0, 0.0];
        lbfgs(
            &mut params,
            |p, grad| {
                grad[0] = 1e-6 * (p[0] - 1.0);
                grad[1] = 0.0;
                let mut loss = 0.5e-6 * (p[0] - 1.0).powi(2);
                for (&z, &label) in logits.iter().zip(y) {
                    let t = p[0] * z + p[1];
                    loss += log_loss_of_logit(t, label);
                    let residual = sigmoid(t) - f64::from(u8::from(label));
                    grad[0] += residual * z;
                    grad[1] += residual;
                }
                loss
            },
            200,
        );
        Calibration::Platt {
            slope: params[0],
            intercept: params[1],
        }
    }
}

/// Pool-adjacent-violators on the scores sorted by logit.
fn isotonic(logits: &[f64], y: &[bool]) -> Calibration {
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[a].total_cmp(&logits[b]));
    // Blocks: (sum of outcomes, count, sum of logits).
    let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
    for &i in &order {
        blocks.push((f64::from(u8::from(y[i])), 1.0, logits[i]));
        while blocks.len() > 1 {
            let last = blocks[blocks.len() - 1];
            let previous = blocks[blocks.len() - 2];
            if previous.0 / previous.1 >= last.0 / last.1 {
                blocks.pop();
                let merged = blocks.len() - 1;
                blocks[merged] = (
                    previous.0 + last.0,
                    previous.1 + last.1,
                    previous.2 + last.2,
                );
            } else {
                break;
            }
        }
    }
    // Keep probabilities off 0 and 1: a step seen on few rows is not certainty.
    let knots = blocks.iter().map(|b| b.2 / b.1).collect();
    let values = blocks
        .iter()
        .map(|b| ((b.0 + 0.5) / (b.1 + 1.0)).clamp(1e-4, 1.0 - 1e-4))
        .collect();
    Calibration::Isotonic { knots, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_undoes_an_overconfident_scale() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut logits = Vec::new();
        let mut y = Vec::new();
        for _ in 0..5000 {
            let true_logit: f64 = rng.random_range(-3.0..3.0);
            logits.push(3.0 * true_logit);
            y.push(rng.random::<f64>() < sigmoid(true_logit));
        }
        let Calibration::Platt { slope, .. } = Calibration::platt(&logits, &y) else {
            panic!("platt");
        };
        assert!((slope - 1.0 / 3.0).abs() < 0.05, "{slope}");
    }

    #[test]
    fn isotonic_is_monotone() {
        let logits = [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0];
        let y = [false, true, false, false, true, true];
        let calibration = isotonic(&logits, &y);
        let p: Vec<f64> = (-30..30)
            .map(|z| calibration.probability(z as f64 / 10.0))
            .collect();
        assert!(p.windows(2).all(|w| w[0] <= w[1]));
    }
}
