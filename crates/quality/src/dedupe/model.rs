//! The Fellegi–Sunter model: for each comparison level, how likely it is
//! among true matches (m) and among non-matches (u); a pair's match weight is
//! the sum of log2(m/u), explainable field by field. u comes from random
//! pairs, m and the prior from expectation–maximisation over candidate
//! pairs, without labels; labelled pairs, when given, pin their posteriors.

use std::collections::HashMap;

use serde::Serialize;

use super::compare::Comparison;

/// A trained model.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// The prior share of matches among candidate pairs.
    pub lambda: f64,
}

/// One field's part in a pair's weight.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldWeight {
    pub field: &'static str,
    pub level: &'static str,
    /// log2(m/u): positive for evidence of a match.
    pub weight: f64,
}

const FLOOR: f64 = 1e-6;

impl Model {
    /// Starting values: agreement is likely among matches.
    fn initial(comparisons: &[Comparison], u: Vec<Vec<f64>>) -> Model {
        let m = comparisons
            .iter()
            .map(|c| {
                let n = c.levels.len();
                let mut levels = vec![0.0; n];
                // Best level gets most mass, decreasing after.
                let mut rest = 1.0;
                for (i, level) in levels.iter_mut().enumerate().skip(1) {
                    let share = if i + 1 == n { rest } else { rest * 0.8 };
                    *level = share;
                    rest -= share;
                }
                levels
            })
            .collect();
        Model { m, u, lambda: 0.1 }
    }

    /// The weight of one comparison at one level.
    pub fn weight(&self, comparison: usize, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let level = usize::from(level);
        let m = self.m[comparison]
            .get(level)
            .copied()
            .unwrap_or(FLOOR)
            .max(FLOOR);
        let u = self.u[comparison]
            .get(level)
            .copied()
            .unwrap_or(FLOOR)
            .max(FLOOR);
        (m / u).log2()
    }

    /// The match weight of a pair with these levels (the prior included).
    pub fn score(&self, levels: &[u8]) -> f64 {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
        prior
            + levels
                .iter()
                .enumerate()
                .map(|(k, level)| self.weight(k, *level))
                .sum::<f64>()
    }

    /// The match probability of a weight.
    pub fn probability(weight: f64) -> f64 {
        1.0 / (1.0 + 2f64.powf(-weight))
    }

    /// Each field's part in the weight.
    pub fn explain(&self, comparisons: &[Comparison], levels: &[u8]) -> Vec<FieldWeight> {
        comparisons
            .iter()
            .zip(levels)
            .enumerate()
            .map(|(k, (comparison, level))| FieldWeight {
                field: comparison.name,
                level: comparison
                    .levels
                    .get(usize::from(*level))
                    .copied()
                    .unwrap_or("?"),
                weight: self.weight(k, *level),
            })
            .collect()
    }
}

/// u: level frequencies among random pairs (nearly all non-matches).
pub fn estimate_u(comparisons: &[Comparison], random_levels: &[Vec<u8>]) -> Vec<Vec<f64>> {
    comparisons
        .iter()
        .enumerate()
        .map(|(k, comparison)| {
            let n = comparison.levels.len();
            let mut counts = vec![0.0; n];
            for levels in random_levels {
                counts[usize::from(levels[k])] += 1.0;
            }
            let seen: f64 = counts[1..].iter().sum();
            // Add-one smoothing: a level never seen at random is rare, not impossible.
            (0..n)
                .map(|l| {
                    if l == 0 {
                        0.0
                    } else {
                        (counts[l] + 0.5) / (seen + 0.5 * (n - 1) as f64)
                    }
                })
                .collect()
        })
        .collect()
}

/// A level pattern, how many candidate pairs show it, and a reviewer's
/// verdict when the pair was labelled (1 match, 0 not).
type Pattern<'a> = (&'a Vec<u8>, f64, Option<f64>);

/// Trains m and the prior by EM over the distinct level patterns of the
/// candidate pairs (with their counts). Comparisons in `fixed` keep their m;
/// those in `ignored` do not count in a pair's score (a session's own field).
fn expectation_maximisation(
    model: &mut Model,
    patterns: &[Pattern],
    fixed: &[usize],
    ignored: &[usize],
) {
    let total: f64 = patterns.iter().map(|(_, n, _)| n).sum();
    if total == 0.0 {
        return;
    }
    for _ in 0..100 {
        let mut m_counts: Vec<Vec<f64>> = model
            .m
            .iter()
            .map(|levels| vec![0.0; levels.len()])
            .collect();
        let mut matches = 0.0;
        for (pattern, count, known) in patterns {
            let score = model.score(pattern)
                - ignored
                    .iter()
                    .map(|k| model.weight(*k, pattern[*k]))
                    .sum::<f64>();
            // A reviewer's verdict replaces the model's guess for that pair.
            let expected = known.unwrap_or_else(|| Model::probability(score)) * count;
            matches += expected;
            for (k, level) in pattern.iter().enumerate() {
                m_counts[k][usize::from(*level)] += expected;
            }
        }
        let lambda = (matches / total).clamp(1e-6, 1.0 - 1e-6);
        let mut change = (lambda - model.lambda).abs();
        for (k, counts) in m_counts.iter().enumerate() {
            let seen: f64 = counts[1..].iter().sum();
            if seen <= 0.0 || fixed.contains(&k) {
                continue;
            }
            for (count, old) in counts.iter().zip(model.m[k].iter_mut()).skip(1) {
                let m = (count / seen).max(FLOOR);
                change = change.max((m - *old).abs());
                *old = m;
            }
        }
        model.lambda = lambda;
        if change < 1e-6 {
            break;
        }
    }
}

/// Trains the model without labels, as Splink does: one EM session per
/// strong field, on the candidate pairs that agree exactly on it, learning
/// m for every other field (the session's own field says nothing there, as
/// every pair agrees on it). A field's m is the mean of its sessions'
/// estimates; then the prior is fitted on all candidate pairs. One global
/// session would let a frequent coincidence (same first name and birth
/// year) pass for the match class.
pub fn train(
    comparisons: &[Comparison],
    u: Vec<Vec<f64>>,
    patterns: &HashMap<Vec<u8>, f64>,
    labelled: &[(Vec<u8>, bool)],
    sessions: &[Vec<usize>],
    total_pairs: f64,
) -> Model {
    let initial = Model::initial(comparisons, u);
    let all: Vec<Pattern> = patterns
        .iter()
        .map(|(p, n)| (p, *n, None))
        .chain(
            labelled
                .iter()
                .map(|(p, is_match)| (p, 1.0, Some(if *is_match { 1.0 } else { 0.0 }))),
        )
        .collect();
    let mut sums: Vec<Vec<f64>> = initial
        .m
        .iter()
        .map(|levels| vec![0.0; levels.len()])
        .collect();
    let mut weights = vec![0.0; comparisons.len()];
    for keys in sessions {
        let members: Vec<Pattern> = all
            .iter()
            .copied()
            .filter(|(p, _, _)| keys.iter().all(|k| p[*k] == 1))
            .collect();
        let size: f64 = members.iter().map(|(_, n, _)| n).sum();
        if size < 30.0 {
            continue;
        }
        let mut model = initial.clone();
        expectation_maximisation(&mut model, &members, keys, keys);
        for k in (0..comparisons.len()).filter(|k| !keys.contains(k)) {
            // A field never observed in the session learns nothing there.
            let observed: f64 = members
                .iter()
                .filter(|(p, _, _)| p[k] != 0)
                .map(|(_, n, _)| n)
                .sum();
            if observed < 10.0 {
                continue;
            }
            for (sum, m) in sums[k].iter_mut().zip(&model.m[k]) {
                *sum += m;
            }
            weights[k] += 1.0;
        }
    }
    let mut model = initial;
    let mut untrained = Vec::new();
    for k in 0..comparisons.len() {
        if weights[k] > 0.0 {
            model.m[k] = sums[k].iter().map(|s| s / weights[k]).collect();
        } else {
            untrained.push(k);
        }
    }
    // Fields no session could judge learn on all pairs; then the prior.
    let trained: Vec<usize> = (0..comparisons.len())
        .filter(|k| !untrained.contains(k))
        .collect();
    if !untrained.is_empty() {
        expectation_maximisation(&mut model, &all, &trained, &[]);
    }
    // A table with no duplicates at all would drive the prior to nothing and
    // make every later match impossible: assume at least one record in a
    // hundred has a twin somewhere.
    let records = (2.0 * total_pairs).sqrt().max(1.0);
    let floor = (0.01 * records / total_pairs.max(1.0)).min(0.5);
    model.lambda = population_prior(&model, &all, total_pairs).max(floor);
    model
}

/// The prior that two records drawn at random match, fitted by EM over all
/// pairs: pairs blocking did not propose count as non-matches. Scoring every
/// pair against this prior with its full weight is the Fellegi–Sunter rule;
/// a prior fitted on candidate pairs alone would be inflated by blocking.
fn population_prior(model: &Model, patterns: &[Pattern], total_pairs: f64) -> f64 {
    let weights: Vec<(f64, f64)> = patterns
        .iter()
        .map(|(pattern, count, _)| {
            let without_prior = pattern
                .iter()
                .enumerate()
                .map(|(k, l)| model.weight(k, *l))
                .sum::<f64>();
            (without_prior, *count)
        })
        .collect();
    let total = total_pairs.max(1.0);
    let mut lambda = (weights.iter().map(|(_, n)| n).sum::<f64>() / total).clamp(1e-12, 0.5);
    for _ in 0..200 {
        let prior = (lambda / (1.0 - lambda)).log2();
        let matches: f64 = weights
            .iter()
            .map(|(w, n)| Model::probability(prior + w) * n)
            .sum();
        let next = (matches / total).clamp(1e-12, 0.5);
        if (next - lambda).abs() <= lambda * 1e-6 {
            return next;
        }
        lambda = next;
    }
    lambda
}
