//! Gradient-boosted trees on histograms, for the interactions and bends a
//! linear model misses. Written here rather than taken from forust-ml or
//! perpetual: it learns categories as sets (LightGBM's sorted-gradient
//! split), steps one tree at a time so cross-validation folds stop together,
//! and gives exact TreeSHAP parts per row — together more than either offers.
//!
//! Numbers are cut into at most 255 bins by quantiles, categories keep their
//! codes as bins, bin 0 is "missing" and each split learns which side missing
//! goes to. Trees grow leaf-wise (best gain first) up to `max_leaves`.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index::sample;
use serde::{Deserialize, Serialize};

use crate::data::{ColumnKind, Feature, Matrix};
use crate::linear::{log_loss_of_logit, sigmoid};

const MAX_BINS: usize = 255;
/// Added to a category's hessian when ordering categories by gradient ratio,
/// so a category seen a few times is not ranked on noise (LightGBM's cat_smooth).
const CATEGORY_SMOOTHING: f64 = 10.0;
/// A category seen fewer times never gets a side of its own.
const CATEGORY_MIN_ROWS: f64 = 10.0;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    pub learning_rate: f64,
    pub max_leaves: usize,
    pub min_leaf: usize,
    pub lambda: f64,
    pub feature_fraction: f64,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            learning_rate: 0.1,
            max_leaves: 31,
            min_leaf: 20,
            lambda: 1.0,
            feature_fraction: 0.8,
            seed: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Node {
    /// `usize::MAX` on leaves.
    feature: usize,
    /// Numbers: values at or below go left.
    #[serde(default)]
    threshold: f64,
    /// Categories: the codes that go left (numbers: empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    left_codes: Vec<u32>,
    missing_left: bool,
    left: usize,
    right: usize,
    /// Leaf value (already scaled by the learning rate).
    value: f64,
    /// Training rows that reached the node (TreeSHAP's weights).
    cover: f64,
}

impl Node {
    fn is_leaf(&self) -> bool {
        self.feature == usize::MAX
    }

    fn goes_left(&self, value: f64) -> bool {
        if value.is_nan() {
            self.missing_left
        } else if self.left_codes.is_empty() {
            value <= self.threshold
        } else {
            self.left_codes.contains(&(value as u32))
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn predict(&self, row: &[f64]) -> f64 {
        let mut node = &self.nodes[0];
        while !node.is_leaf() {
            node = &self.nodes[if node.goes_left(row[node.feature]) {
                node.left
            } else {
                node.right
            }];
        }
        node.value
    }
}

/// A fitted ensemble: logit = base + Σ trees.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Gbm {
    base: f64,
    trees: Vec<Tree>,
}

/// How each feature's values map to bins; training rows binned column-wise.
struct Binned {
    /// Numbers: the upper bounds of bins 1..; categories: empty.
    bounds: Vec<Vec<f64>>,
    categorical: Vec<bool>,
    /// Bins per feature, including the missing bin 0.
    sizes: Vec<usize>,
    offsets: Vec<usize>,
    bins: Vec<Vec<u8>>,
}

impl Binned {
    fn new(features: &[Feature], x: &Matrix) -> Binned {
        let mut bounds = Vec::new();
        let mut sizes = Vec::new();
        let mut categorical = Vec::new();
        for (feature, column) in features.iter().zip(&x.columns) {
            if feature.kind == ColumnKind::Categorical {
                bounds.push(Vec::new());
                sizes.push((feature.levels.len() + 2).min(MAX_BINS + 1));
                categorical.push(true);
                continue;
            }
            let mut present: Vec<f64> = column.iter().copied().filter(|v| !v.is_nan()).collect();
            present.sort_by(f64::total_cmp);
            let mut distinct = present.clone();
            distinct.dedup();
            let cuts: Vec<f64> = if distinct.len() <= MAX_BINS {
                distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
            } else {
                let mut cuts: Vec<f64> = (1..MAX_BINS)
                    .map(|i| present[i * present.len() / MAX_BINS])
                    .collect();
                cuts.dedup();
                cuts
            };
            sizes.push(cuts.len() + 2);
            bounds.push(cuts);
            categorical.push(false);
        }
        let mut offsets = Vec::with_capacity(sizes.len());
        let mut total = 0;
        for size in &sizes {
            offsets.push(total);
            total += size;
        }
        let bins = x
            .columns
            .iter()
            .enumerate()
            .map(|(f, column)| {
                column
                    .iter()
                    .map(|&v| bin_of(&bounds[f], categorical[f], sizes[f], v))
                    .collect()
            })
            .collect();
        Binned {
            bounds,
            categorical,
            sizes,
            offsets,
            bins,
        }
    }

    fn total(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0) + self.sizes.last().copied().unwrap_or(0)
    }
}

fn bin_of(bounds: &[f64], categorical: bool, size: usize, value: f64) -> u8 {
    if value.is_nan() {
        0
    } else if categorical {
        (value as usize + 1).min(size - 1) as u8
    } else {
        (bounds.partition_point(|&b| b < value) + 1) as u8
    }
}

#[derive(Clone, Copy, Default)]
struct Stat {
    g: f64,
    h: f64,
    n: f64,
}

impl Stat {
    fn add(&mut self, other: Stat) {
        self.g += other.g;
        self.h += other.h;
        self.n += other.n;
    }
    fn minus(self, other: Stat) -> Stat {
        Stat {
            g: self.g - other.g,
            h: self.h - other.h,
            n: self.n - other.n,
        }
    }
    fn score(self, lambda: f64) -> f64 {
        self.g * self.g / (self.h + lambda)
    }
}

struct Split {
    gain: f64,
    feature: usize,
    /// Numbers: bins 1..=cut go left; categories: the bins in `left_bins`.
    cut: usize,
    left_bins: Vec<usize>,
    missing_left: bool,
    left: Stat,
    right: Stat,
}

struct Leaf {
    rows: Vec<u32>,
    histogram: Vec<Stat>,
    split: Option<Split>,
    node: usize,
}

/// Boosting state, one tree per `step`, so folds can advance in lockstep.
pub(crate) struct Booster {
    binned: Binned,
    labels: Vec<bool>,
    weights: Vec<f64>,
    logits: Vec<f64>,
    params: Params,
    rng: StdRng,
    pub model: Gbm,
}

impl Booster {
    pub fn new(features: &[Feature], x: &Matrix, y: &[bool], w: &[f64], params: Params) -> Booster {
        let total: f64 = w.iter().sum();
        let positive: f64 = y.iter().zip(w).filter(|(l, _)| **l).map(|(_, w)| w).sum();
        let rate = (positive / total.max(1e-12)).clamp(1e-6, 1.0 - 1e-6);
        let base = (rate / (1.0 - rate)).ln();
        Booster {
            binned: Binned::new(features, x),
            labels: y.to_vec(),
            weights: w.to_vec(),
            logits: vec![base; y.len()],
            params,
            rng: StdRng::seed_from_u64(params.seed),
            model: Gbm {
                base,
                trees: Vec::new(),
            },
        }
    }

    /// Grows one tree; returns it so callers can update held-out logits.
    pub fn step(&mut self) -> usize {
        let n = self.labels.len();
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n];
        for i in 0..n {
            let p = sigmoid(self.logits[i]);
            g[i] = self.weights[i] * (p - f64::from(u8::from(self.labels[i])));
            h[i] = (self.weights[i] * p * (1.0 - p)).max(1e-16);
        }
        let features = self.binned.bins.len();
        let chosen =
            ((features as f64 * self.params.feature_fraction).ceil() as usize).clamp(1, features);
        let mut allowed = vec![chosen == features; features];
        if chosen < features {
            for f in sample(&mut self.rng, features, chosen) {
                allowed[f] = true;
            }
        }
        let tree = self.grow(&g, &h, &allowed);
        for i in 0..n {
            self.logits[i] += self.leaf_value_of_row(&tree, i);
        }
        self.model.trees.push(tree);
        self.model.trees.len()
    }

    /// The leaf value for a training row, walking the tree on bins.
    fn leaf_value_of_row(&self, tree: &Tree, row: usize) -> f64 {
        let mut node = &tree.nodes[0];
        while !node.is_leaf() {
            let f = node.feature;
            let bin = self.binned.bins[f][row];
            let left = if bin == 0 {
                node.missing_left
            } else if self.binned.categorical[f] {
                node.left_codes.contains(&(u32::from(bin) - 1))
            } else {
                bin as usize - 1 < self.binned.bounds[f].len()
                    && self.binned.bounds[f][bin as usize - 1] <= node.threshold
            };
            node = &tree.nodes[if left { node.left } else { node.right }];
        }
        node.value
    }

    fn histogram(&self, rows: &[u32], g: &[f64], h: &[f64], allowed: &[bool]) -> Vec<Stat> {
        let mut histogram = vec![Stat::default(); self.binned.total()];
        for (f, column) in self.binned.bins.iter().enumerate() {
            if !allowed[f] {
                continue;
            }
            let slots = &mut histogram
                [self.binned.offsets[f]..self.binned.offsets[f] + self.binned.sizes[f]];
            for &r in rows {
                let r = r as usize;
                let slot = &mut slots[column[r] as usize];
                slot.g += g[r];
                slot.h += h[r];
                slot.n += 1.0;
            }
        }
        histogram
    }

    fn best_split(&self, histogram: &[Stat], total: Stat, allowed: &[bool]) -> Option<Split> {
        let lambda = self.params.lambda;
        let min_leaf = self.params.min_leaf as f64;
        let parent = total.score(lambda);
        let mut best: Option<Split> = None;
        let mut consider = |split: Split| {
            if split.left.n >= min_leaf
                && split.right.n >= min_leaf
                && split.left.h > 1e-3
                && split.right.h > 1e-3
                && split.gain > best.as_ref().map_or(1e-9, |b| b.gain)
            {
                best = Some(split);
            }
        };
        for f in 0..self.binned.bins.len() {
            if !allowed[f] {
                continue;
            }
            let slots =
                &histogram[self.binned.offsets[f]..self.binned.offsets[f] + self.binned.sizes[f]];
            let missing = slots[0];
            if self.binned.categorical[f] {
                let mut order: Vec<usize> = (1..slots.len())
                    .filter(|&b| slots[b].n >= CATEGORY_MIN_ROWS)
                    .collect();
                order.sort_by(|&a, &b| {
                    let ra = slots[a].g / (slots[a].h + CATEGORY_SMOOTHING);
                    let rb = slots[b].g / (slots[b].h + CATEGORY_SMOOTHING);
                    ra.total_cmp(&rb)
                });
                let mut left = Stat::default();
                for (i, &b) in order.iter().enumerate().take(order.len().saturating_sub(1)) {
                    left.add(slots[b]);
                    let right = total.minus(left);
                    consider(Split {
                        gain: left.score(lambda) + right.score(lambda) - parent,
                        feature: f,
                        cut: 0,
                        left_bins: order[..=i].to_vec(),
                        missing_left: false,
                        left,
                        right,
                    });
                }
                continue;
            }
            let mut left = Stat::default();
            for (cut, &slot) in slots.iter().enumerate().take(slots.len() - 1).skip(1) {
                left.add(slot);
                for missing_left in [false, true] {
                    if missing_left && missing.n == 0.0 {
                        continue;
                    }
                    let mut l = left;
                    if missing_left {
                        l.add(missing);
                    }
                    let r = total.minus(l);
                    consider(Split {
                        gain: l.score(lambda) + r.score(lambda) - parent,
                        feature: f,
                        cut,
                        left_bins: Vec::new(),
                        missing_left,
                        left: l,
                        right: r,
                    });
                }
            }
        }
        best
    }

    fn leaf_value(&self, stat: Stat) -> f64 {
        -stat.g / (stat.h + self.params.lambda) * self.params.learning_rate
    }

    fn grow(&mut self, g: &[f64], h: &[f64], allowed: &[bool]) -> Tree {
        let rows: Vec<u32> = (0..g.len() as u32).collect();
        let histogram = self.histogram(&rows, g, h, allowed);
        let total = rows.iter().fold(Stat::default(), |mut s, &r| {
            s.add(Stat {
                g: g[r as usize],
                h: h[r as usize],
                n: 1.0,
            });
            s
        });
        let mut nodes = vec![Node {
            feature: usize::MAX,
            threshold: 0.0,
            left_codes: Vec::new(),
            missing_left: false,
            left: 0,
            right: 0,
            value: self.leaf_value(total),
            cover: total.n,
        }];
        let split = self.best_split(&histogram, total, allowed);
        let mut leaves = vec![Leaf {
            rows,
            histogram,
            split,
            node: 0,
        }];
        while leaves.len() < self.params.max_leaves {
            let Some((index, _)) = leaves
                .iter()
                .enumerate()
                .filter_map(|(i, leaf)| leaf.split.as_ref().map(|s| (i, s.gain)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            else {
                break;
            };
            let leaf = leaves.swap_remove(index);
            let Some(split) = leaf.split else { break };
            let f = split.feature;
            let column = &self.binned.bins[f];
            let goes_left = |bin: u8| {
                if bin == 0 {
                    split.missing_left
                } else if self.binned.categorical[f] {
                    split.left_bins.contains(&(bin as usize))
                } else {
                    (bin as usize) <= split.cut
                }
            };
            let (left_rows, right_rows): (Vec<u32>, Vec<u32>) = leaf
                .rows
                .iter()
                .partition(|&&r| goes_left(column[r as usize]));
            let small = if left_rows.len() <= right_rows.len() {
                &left_rows
            } else {
                &right_rows
            };
            let small_histogram = self.histogram(small, g, h, allowed);
            let large_histogram: Vec<Stat> = leaf
                .histogram
                .iter()
                .zip(&small_histogram)
                .map(|(p, s)| p.minus(*s))
                .collect();
            let (left_histogram, right_histogram) = if left_rows.len() <= right_rows.len() {
                (small_histogram, large_histogram)
            } else {
                (large_histogram, small_histogram)
            };
            let left_node = nodes.len();
            let right_node = left_node + 1;
            for stat in [split.left, split.right] {
                nodes.push(Node {
                    feature: usize::MAX,
                    threshold: 0.0,
                    left_codes: Vec::new(),
                    missing_left: false,
                    left: 0,
                    right: 0,
                    value: self.leaf_value(stat),
                    cover: stat.n,
                });
            }
            let parent = &mut nodes[leaf.node];
            parent.feature = f;
            parent.missing_left = split.missing_left;
            parent.left = left_node;
            parent.right = right_node;
            if self.binned.categorical[f] {
                parent.left_codes = split.left_bins.iter().map(|&b| b as u32 - 1).collect();
                parent.left_codes.sort_unstable();
            } else {
                parent.threshold = self.binned.bounds[f][split.cut - 1];
            }
            let left_split = self.best_split(&left_histogram, split.left, allowed);
            let right_split = self.best_split(&right_histogram, split.right, allowed);
            leaves.push(Leaf {
                rows: left_rows,
                histogram: left_histogram,
                split: left_split,
                node: left_node,
            });
            leaves.push(Leaf {
                rows: right_rows,
                histogram: right_histogram,
                split: right_split,
                node: right_node,
            });
        }
        Tree { nodes }
    }
}

impl Gbm {
    pub fn trees(&self) -> usize {
        self.trees.len()
    }

    /// Keeps the first `rounds` trees.
    pub fn truncate(&mut self, rounds: usize) {
        self.trees.truncate(rounds);
    }

    pub fn logit(&self, row: &[f64]) -> f64 {
        self.base + self.trees.iter().map(|t| t.predict(row)).sum::<f64>()
    }

    /// The last tree's output on a row (to update held-out logits one tree at a time).
    pub fn last_tree(&self, row: &[f64]) -> f64 {
        self.trees.last().map_or(0.0, |t| t.predict(row))
    }

    /// TreeSHAP (Lundberg et al. 2018): each feature's exact Shapley part of
    /// the logit, relative to the trees' expected value.
    pub fn contributions(&self, row: &[f64], features: usize) -> Vec<f64> {
        let mut phi = vec![0.0; features];
        // One path buffer per depth, reused across trees: no allocation per node.
        let mut paths: Vec<Vec<PathElement>> = Vec::new();
        for tree in &self.trees {
            shap_recurse(tree, 0, 0, &mut paths, 1.0, 1.0, usize::MAX, row, &mut phi);
        }
        phi
    }
}

/// The mean log-loss of logits against labels.
pub(crate) fn mean_log_loss(logits: &[f64], y: &[bool]) -> f64 {
    logits
        .iter()
        .zip(y)
        .map(|(&z, &l)| log_loss_of_logit(z, l))
        .sum::<f64>()
        / y.len().max(1) as f64
}

#[derive(Clone, Copy)]
struct PathElement {
    feature: usize,
    zero: f64,
    one: f64,
    weight: f64,
}

fn extend(path: &mut Vec<PathElement>, zero: f64, one: f64, feature: usize) {
    let depth = path.len();
    path.push(PathElement {
        feature,
        zero,
        one,
        weight: if depth == 0 { 1.0 } else { 0.0 },
    });
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / (depth + 1) as f64;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / (depth + 1) as f64;
    }
}

fn unwind(path: &mut Vec<PathElement>, index: usize) {
    let depth = path.len() - 1;
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let kept = path[i].weight;
            path[i].weight = next * (depth + 1) as f64 / ((i + 1) as f64 * one);
            next = kept - path[i].weight * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else {
            path[i].weight = path[i].weight * (depth + 1) as f64 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero = path[i + 1].zero;
        path[i].one = path[i + 1].one;
    }
    path.pop();
}

fn unwound_sum(path: &[PathElement], index: usize) -> f64 {
    let depth = path.len() - 1;
    let (one, zero) = (path[index].one, path[index].zero);
    let mut next = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let part = next * (depth + 1) as f64 / ((i + 1) as f64 * one);
            total += part;
            next = path[i].weight - part * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else if zero != 0.0 {
            total += path[i].weight / zero / ((depth - i) as f64 / (depth + 1) as f64);
        }
    }
    total
}

#[allow(clippy::too_many_arguments)] // The recursion's state is the algorithm's, named as in the paper.
fn shap_recurse(
    tree: &Tree,
    node: usize,
    depth: usize,
    paths: &mut Vec<Vec<PathElement>>,
    zero: f64,
    one: f64,
    feature: usize,
    row: &[f64],
    phi: &mut [f64],
) {
    if paths.len() <= depth {
        paths.resize_with(depth + 1, Vec::new);
    }
    let (parents, rest) = paths.split_at_mut(depth);
    let path = &mut rest[0];
    path.clear();
    if let Some(parent) = parents.last() {
        path.extend_from_slice(parent);
    }
    extend(path, zero, one, feature);
    let current = &tree.nodes[node];
    if current.is_leaf() {
        for i in 1..path.len() {
            let w = unwound_sum(path, i);
            let element = path[i];
            phi[element.feature] += w * (element.one - element.zero) * current.value;
        }
        return;
    }
    let (hot, cold) = if current.goes_left(row[current.feature]) {
        (current.left, current.right)
    } else {
        (current.right, current.left)
    };
    let cover = current.cover.max(1e-12);
    let hot_zero = tree.nodes[hot].cover / cover;
    let cold_zero = tree.nodes[cold].cover / cover;
    let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
    if let Some(index) = path.iter().position(|e| e.feature == current.feature) {
        incoming_zero = path[index].zero;
        incoming_one = path[index].one;
        unwind(path, index);
    }
    shap_recurse(
        tree,
        hot,
        depth + 1,
        paths,
        hot_zero * incoming_zero,
        incoming_one,
        current.feature,
        row,
        phi,
    );
    shap_recurse(
        tree,
        cold,
        depth + 1,
        paths,
        cold_zero * incoming_zero,
        0.0,
        current.feature,
        row,
        phi,
    );
}

/// The expected logit over the training rows (what SHAP parts are relative to).
pub(crate) fn expected_logit(model: &Gbm) -> f64 {
    model.base
        + model
            .trees
            .iter()
            .map(|tree| {
                let root = tree.nodes[0].cover.max(1e-12);
                tree.nodes
                    .iter()
                    .filter(|n| n.is_leaf())
                    .map(|n| n.value * n.cover / root)
                    .sum::<f64>()
            })
            .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn xor_data(n: usize, seed: u64) -> (Vec<Feature>, Matrix, Vec<bool>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut a = Vec::new();
        let mut b = Vec::new();
        let mut c = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let x1: f64 = rng.random_range(-1.0..1.0);
            let x2: f64 = rng.random_range(-1.0..1.0);
            let level = rng.random_range(0..5usize);
            let z = if (x1 > 0.0) == (x2 > 0.0) { 2.0 } else { -2.0 }
                + if level == 3 { 1.5 } else { 0.0 };
            a.push(if rng.random::<f64>() < 0.05 {
                f64::NAN
            } else {
                x1
            });
            b.push(x2);
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
                name: "b".into(),
                kind: ColumnKind::Numeric,
                levels: vec![],
                index: Default::default(),
            },
            Feature {
                name: "c".into(),
                kind: ColumnKind::Categorical,
                levels: (0..5).map(|i| i.to_string()).collect(),
                index: Default::default(),
            },
        ];
        (
            features,
            Matrix {
                rows: n,
                columns: vec![a, b, c],
            },
            y,
        )
    }

    fn fit(features: &[Feature], x: &Matrix, y: &[bool], rounds: usize) -> Gbm {
        let mut booster = Booster::new(features, x, y, &vec![1.0; y.len()], Params::default());
        for _ in 0..rounds {
            booster.step();
        }
        booster.model
    }

    #[test]
    fn learns_an_interaction_a_line_cannot() {
        let (features, x, y) = xor_data(4000, 1);
        let model = fit(&features, &x, &y, 200);
        let (_, test, test_y) = xor_data(2000, 2);
        let accuracy = (0..test.rows)
            .filter(|&r| (model.logit(&test.row(r)) > 0.0) == test_y[r])
            .count() as f64
            / test.rows as f64;
        // The Bayes rate here is about 0.85.
        assert!(accuracy > 0.8, "{accuracy}");
    }

    #[test]
    fn shap_parts_add_up_to_the_prediction() {
        let (features, x, y) = xor_data(1500, 3);
        let model = fit(&features, &x, &y, 40);
        let expected = expected_logit(&model);
        for r in 0..20 {
            let row = x.row(r);
            let parts = model.contributions(&row, 3);
            let total = expected + parts.iter().sum::<f64>();
            assert!(
                (total - model.logit(&row)).abs() < 1e-9,
                "{total} vs {}",
                model.logit(&row)
            );
        }
        // The category that adds 1.5 to the logit gets a positive part.
        let row = [0.5, 0.5, 3.0];
        assert!(model.contributions(&row, 3)[2] > 0.3);
    }

    #[test]
    fn training_rows_walk_the_same_path_on_bins_and_on_values() {
        let (features, x, y) = xor_data(800, 4);
        let mut booster = Booster::new(&features, &x, &y, &vec![1.0; 800], Params::default());
        for _ in 0..10 {
            booster.step();
        }
        for r in 0..800 {
            let on_values = booster.model.logit(&x.row(r));
            assert!((booster.logits[r] - on_values).abs() < 1e-9, "row {r}");
        }
    }
}
