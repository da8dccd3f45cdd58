//! How good a set of probabilities is: ranking (AUC, PR-AUC), honesty
//! (log-loss, Brier, the calibration curve), usefulness (lift by decile), and
//! how sure we are of each figure (bootstrap intervals).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Bootstrap resamples behind each interval.
const RESAMPLES: usize = 200;

/// A figure with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Figure {
    /// Widens the interval about the value by `factor`, clipped to `[min, max]`.
    pub fn widen(self, factor: f64, min: f64, max: f64) -> Figure {
        Figure {
            value: self.value,
            low: (self.value - (self.value - self.low) * factor).max(min),
            high: (self.value + (self.high - self.value) * factor).min(max),
        }
    }
}

/// One bin of the calibration curve: rows whose predicted probability fell in it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub predicted: f64,
    pub observed: f64,
    pub rows: usize,
}

/// The figures of one set of predictions against outcomes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    pub positives: usize,
    pub auc: Figure,
    pub pr_auc: Figure,
    pub log_loss: f64,
    pub brier: Figure,
    pub calibration: Vec<CalibrationBin>,
    /// Outcome rate in each score decile over the overall rate, best decile first.
    pub lift: Vec<f64>,
}

/// Evaluates probabilities `p` against outcomes `y`.
pub fn evaluate(p: &[f64], y: &[bool], seed: u64) -> Evaluation {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = p.len();
    let mut aucs = Vec::with_capacity(RESAMPLES);
    let mut prs = Vec::with_capacity(RESAMPLES);
    let mut briers = Vec::with_capacity(RESAMPLES);
    let mut sample_p = vec![0.0; n];
    let mut sample_y = vec![false; n];
    for _ in 0..RESAMPLES {
        for i in 0..n {
            let j = rng.random_range(0..n);
            sample_p[i] = p[j];
            sample_y[i] = y[j];
        }
        aucs.push(auc(&sample_p, &sample_y));
        prs.push(average_precision(&sample_p, &sample_y));
        briers.push(brier(&sample_p, &sample_y));
    }
    Evaluation {
        rows: n,
        positives: y.iter().filter(|&&l| l).count(),
        auc: figure(auc(p, y), aucs),
        pr_auc: figure(average_precision(p, y), prs),
        log_loss: log_loss(p, y),
        brier: figure(brier(p, y), briers),
        calibration: calibration(p, y, 10),
        lift: lift(p, y),
    }
}

fn figure(value: f64, mut samples: Vec<f64>) -> Figure {
    samples.retain(|v| v.is_finite());
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(value)
    };
    Figure {
        value,
        low: at(0.025),
        high: at(0.975),
    }
}

/// Area under the ROC curve (ties count half); NaN without both outcomes.
pub fn auc(p: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let positives = y.iter().filter(|&&l| l).count() as f64;
    let negatives = y.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return f64::NAN;
    }
    // Mann–Whitney U with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && p[order[j + 1]] == p[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if y[k] {
                rank_sum += rank;
            }
        }
        i = j + 1;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Average precision (the PR-AUC scikit-learn reports).
pub fn average_precision(p: &[f64], y: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let positives = y.iter().filter(|&&l| l).count() as f64;
    if positives == 0.0 {
        return f64::NAN;
    }
    let (mut hits, mut seen, mut total) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && p[order[j + 1]] == p[order[i]] {
            j += 1;
        }
        let new_hits = order[i..=j].iter().filter(|&&k| y[k]).count() as f64;
        hits += new_hits;
        seen += (j - i + 1) as f64;
        total += new_hits / positives * (hits / seen);
        i = j + 1;
    }
    total
}

pub fn log_loss(p: &[f64], y: &[bool]) -> f64 {
    p.iter()
        .zip(y)
        .map(|(&q, &l)| {
            let q = q.clamp(1e-15, 1.0 - 1e-15);
            -if l { q.ln() } else { (1.0 - q).ln() }
        })
        .sum::<f64>()
        / p.len().max(1) as f64
}

pub fn brier(p: &[f64], y: &[bool]) -> f64 {
    p.iter()
        .zip(y)
        .map(|(&q, &l)| (q - f64::from(u8::from(l))).powi(2))
        .sum::<f64>()
        / p.len().max(1) as f64
}

/// Equal-count bins of predicted probability: mean predicted vs observed rate.
pub fn calibration(p: &[f64], y: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let bins = bins.min(p.len()).max(1);
    (0..bins)
        .filter_map(|b| {
            let members = &order[b * order.len() / bins..(b + 1) * order.len() / bins];
            (!members.is_empty()).then(|| CalibrationBin {
                predicted: members.iter().map(|&i| p[i]).sum::<f64>() / members.len() as f64,
                observed: members.iter().filter(|&&i| y[i]).count() as f64 / members.len() as f64,
                rows: members.len(),
            })
        })
        .collect()
}

/// The outcome rate of each score decile over the overall rate, best first.
pub fn lift(p: &[f64], y: &[bool]) -> Vec<f64> {
    let rate = y.iter().filter(|&&l| l).count() as f64 / y.len().max(1) as f64;
    let mut bins = calibration(p, y, 10);
    bins.reverse();
    bins.iter()
        .map(|bin| if rate > 0.0 { bin.observed / rate } else { 0.0 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_pairs_in_order_and_ties_as_half() {
        assert_eq!(
            auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]),
            0.75
        );
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
        assert!(auc(&[0.5, 0.6], &[true, true]).is_nan());
    }

    #[test]
    fn average_precision_matches_scikit_learn() {
        // sklearn.metrics.average_precision_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.8333…
        let ap = average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
        assert!((ap - 0.833_333).abs() < 1e-6, "{ap}");
    }

    #[test]
    fn a_perfect_ranking_has_auc_one_and_lift_at_the_top() {
        let p: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        let y: Vec<bool> = (0..100).map(|i| i >= 90).collect();
        let evaluation = evaluate(&p, &y, 1);
        assert_eq!(evaluation.auc.value, 1.0);
        assert!((evaluation.lift[0] - 10.0).abs() < 1e-9);
        assert_eq!(evaluation.lift[9], 0.0);
        assert!(
            evaluation.brier.low <= evaluation.brier.value
                && evaluation.brier.value <= evaluation.brier.high
        );
    }
}
