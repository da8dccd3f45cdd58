//! Naive Bayes on frequency tables — the crude open model Odoo ships for lead
//! scoring — kept as the baseline every fundament model must beat.

use crate::data::{Feature, Matrix};

/// Numbers are cut into this many equal-count bins.
const BINS: usize = 10;

pub(crate) struct NaiveBayes {
    cuts: Vec<Vec<f64>>,
    /// Per feature, per bin: log P(bin | yes) − log P(bin | no).
    ratios: Vec<Vec<f64>>,
    prior: f64,
}

impl NaiveBayes {
    pub fn fit(features: &[Feature], x: &Matrix, y: &[bool]) -> NaiveBayes {
        let positives = y.iter().filter(|&&l| l).count() as f64;
        let negatives = y.len() as f64 - positives;
        let mut cuts = Vec::new();
        let mut ratios = Vec::new();
        for (feature, column) in features.iter().zip(&x.columns) {
            let feature_cuts = if feature.is_categorical() {
                Vec::new()
            } else {
                let mut present: Vec<f64> =
                    column.iter().copied().filter(|v| !v.is_nan()).collect();
                present.sort_by(f64::total_cmp);
                let mut c: Vec<f64> = (1..BINS)
                    .filter_map(|i| present.get(i * present.len() / BINS).copied())
                    .collect();
                c.dedup();
                c
            };
            let size = if feature.is_categorical() {
                feature.levels.len() + 2
            } else {
                feature_cuts.len() + 2
            };
            let mut counts = vec![[1.0f64, 1.0f64]; size];
            for (&value, &label) in column.iter().zip(y) {
                counts[bin(&feature_cuts, feature.is_categorical(), size, value)]
                    [usize::from(label)] += 1.0;
            }
            ratios.push(
                counts
                    .iter()
                    .map(|c| {
                        (c[1] / (positives + size as f64)).ln()
                            - (c[0] / (negatives + size as f64)).ln()
                    })
                    .collect(),
            );
            cuts.push(feature_cuts);
        }
        NaiveBayes {
            cuts,
            ratios,
            prior: ((positives + 1.0) / (negatives + 1.0)).ln(),
        }
    }

    pub fn logits(&self, features: &[Feature], x: &Matrix) -> Vec<f64> {
        (0..x.rows)
            .map(|row| {
                self.prior
                    + features
                        .iter()
                        .enumerate()
                        .map(|(f, feature)| {
                            let size = self.ratios[f].len();
                            self.ratios[f][bin(
                                &self.cuts[f],
                                feature.is_categorical(),
                                size,
                                x.columns[f][row],
                            )]
                        })
                        .sum::<f64>()
            })
            .collect()
    }
}

fn bin(cuts: &[f64], categorical: bool, size: usize, value: f64) -> usize {
    if value.is_nan() {
        0
    } else if categorical {
        (value as usize + 1).min(size - 1)
    } else {
        cuts.partition_point(|&c| c < value) + 1
    }
}
