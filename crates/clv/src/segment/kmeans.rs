//! k-means clusters of customers on recency, frequency and spend, with k
//! chosen by silhouette and each cluster labelled in words.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::{ClvError, CustomerSummary};

/// Largest k tried when k is chosen.
const MAX_K: usize = 8;
/// Silhouette is quadratic in points; a fixed sample keeps it cheap.
const SILHOUETTE_SAMPLE: usize = 2_000;
/// Restarts per k: one unlucky start can merge two clusters.
const RUNS: usize = 4;
const MAX_ITERATIONS: usize = 300;
/// Lloyd stops once the centres move less than this in total (squared,
/// standardised units; scikit-learn's default `tol`): the last few label
/// flips on a large data set change nothing that matters and cost many passes.
const SHIFT_TOLERANCE: f64 = 1e-4;
/// How far (in standard deviations) a centroid must sit from the mean to be called high or low.
const NOTABLE: f64 = 0.3;

/// How to cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterOptions {
    /// Clusters wanted; `None` chooses 2..=8 by silhouette.
    pub k: Option<usize>,
    /// Seed for k-means++ starts; the same seed gives the same clusters.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions { k: None, seed: 42 }
    }
}

/// Mean silhouette of one candidate k.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub k: usize,
    pub silhouette: f64,
}

/// One cluster, described by its centre in original units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// 1 is the largest cluster.
    pub cluster: usize,
    pub size: usize,
    /// The centre mapped back from log scale: a typical member, less pulled by
    /// outliers than the arithmetic mean.
    pub recency_days: f64,
    pub frequency: f64,
    pub monetary: f64,
    /// E.g. "недавние, частые, высокие траты".
    pub label_ru: String,
    /// E.g. "recent, frequent, high spend".
    pub label_en: String,
}

/// Which cluster a customer is in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Membership {
    pub customer_id: String,
    pub cluster: usize,
}

/// Clusters, their members, and how k was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clustering {
    pub k: usize,
    /// Whether k was chosen by silhouette rather than given.
    pub k_chosen: bool,
    /// Mean silhouette of the result (on the sample); none for k = 1.
    pub silhouette: Option<f64>,
    /// Every k tried, when k was chosen.
    pub candidates: Vec<Candidate>,
    pub clusters: Vec<Cluster>,
    /// In the customers' order.
    pub members: Vec<Membership>,
}

type Point = [f64; 3];

/// k-means on standardised ln(1 + days since last purchase), ln(1 + transactions)
/// and ln(1 + total spend), from k-means++ starts with Lloyd iterations.
///
/// Unless `options.k` is given, k is the one in 2..=8 with the best mean
/// silhouette, measured on an evenly spaced sample of at most 2,000 customers.
/// Negative total spend (returns) counts as 0.
pub fn clusters(
    customers: &[CustomerSummary],
    options: &ClusterOptions,
) -> Result<Clustering, ClvError> {
    let raw: Vec<Point> = customers
        .iter()
        .map(|c| {
            [
                (c.days_since_last.max(0) as f64).ln_1p(),
                f64::from(c.transactions).ln_1p(),
                c.total_spend.max(0.0).ln_1p(),
            ]
        })
        .collect();
    let (mean, sd) = moments(&raw);
    let points: Vec<Point> = raw
        .iter()
        .map(|p| {
            std::array::from_fn(|j| {
                if sd[j] > 0.0 {
                    (p[j] - mean[j]) / sd[j]
                } else {
                    0.0
                }
            })
        })
        .collect();
    let distinct = distinct(&points);
    let mut rng = StdRng::seed_from_u64(options.seed);
    let n = points.len();
    let sample: Vec<usize> = if n <= SILHOUETTE_SAMPLE {
        (0..n).collect()
    } else {
        (0..SILHOUETTE_SAMPLE)
            .map(|i| i * n / SILHOUETTE_SAMPLE)
            .collect()
    };
    let (k, labels, centroids, candidates) = match options.k {
        Some(k) => {
            if k == 0 || k > distinct {
                return Err(ClvError::TooFewToCluster {
                    found: distinct,
                    needed: k.max(1),
                });
            }
            let (centroids, labels) = best_of_runs(&points, k, &mut rng);
            (k, labels, centroids, Vec::new())
        }
        None => {
            if distinct < 2 {
                return Err(ClvError::TooFewToCluster {
                    found: distinct,
                    needed: 2,
                });
            }
            let mut candidates = Vec::new();
            let mut best: Option<(f64, usize, Vec<usize>, Vec<Point>)> = None;
            for k in 2..=MAX_K.min(distinct) {
                let (centroids, labels) = best_of_runs(&points, k, &mut rng);
                let score = silhouette(&points, &labels, &sample, k);
                candidates.push(Candidate {
                    k,
                    silhouette: score,
                });
                if best.as_ref().is_none_or(|(top, ..)| score > *top) {
                    best = Some((score, k, labels, centroids));
                }
            }
            let Some((_, k, labels, centroids)) = best else {
                return Err(ClvError::TooFewToCluster {
                    found: distinct,
                    needed: 2,
                });
            };
            (k, labels, centroids, candidates)
        }
    };
    let silhouette = (k > 1).then(|| silhouette(&points, &labels, &sample, k));
    // Number clusters by size, largest first.
    let mut sizes = vec![0_usize; k];
    for &label in &labels {
        sizes[label] += 1;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut number = vec![0_usize; k];
    for (position, &label) in order.iter().enumerate() {
        number[label] = position + 1;
    }
    let clusters = order
        .iter()
        .map(|&label| {
            let centre = centroids[label];
            let original: Point = std::array::from_fn(|j| (centre[j] * sd[j] + mean[j]).exp_m1());
            let (label_ru, label_en) = describe(&centre);
            Cluster {
                cluster: number[label],
                size: sizes[label],
                recency_days: original[0],
                frequency: original[1],
                monetary: original[2],
                label_ru,
                label_en,
            }
        })
        .collect();
    let members = customers
        .iter()
        .zip(&labels)
        .map(|(c, &label)| Membership {
            customer_id: c.customer_id.clone(),
            cluster: number[label],
        })
        .collect();
    Ok(Clustering {
        k,
        k_chosen: options.k.is_none(),
        silhouette,
        candidates,
        clusters,
        members,
    })
}

fn moments(points: &[Point]) -> (Point, Point) {
    let n = points.len().max(1) as f64;
    let mean: Point = std::array::from_fn(|j| points.iter().map(|p| p[j]).sum::<f64>() / n);
    let sd: Point = std::array::from_fn(|j| {
        (points.iter().map(|p| (p[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt()
    });
    (mean, sd)
}

fn distinct(points: &[Point]) -> usize {
    let mut keys: Vec<[u64; 3]> = points.iter().map(|p| p.map(f64::to_bits)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

/// Written out: this is the inner loop, and iterator adapters are slow in debug builds.
fn distance2(a: &Point, b: &Point) -> f64 {
    let (x, y, z) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    x * x + y * y + z * z
}

fn nearest(point: &Point, centroids: &[Point]) -> usize {
    let mut best = 0;
    let mut best_distance = f64::INFINITY;
    for (i, centroid) in centroids.iter().enumerate() {
        let d = distance2(point, centroid);
        if d < best_distance {
            best = i;
            best_distance = d;
        }
    }
    best
}

/// The lowest-inertia result of several seeded runs: (centroids, labels).
fn best_of_runs(points: &[Point], k: usize, rng: &mut StdRng) -> (Vec<Point>, Vec<usize>) {
    let mut best: Option<(f64, Vec<Point>, Vec<usize>)> = None;
    for _ in 0..RUNS {
        let (centroids, labels) = lloyd(points, plus_plus(points, k, rng));
        let inertia: f64 = points
            .iter()
            .zip(&labels)
            .map(|(p, &l)| distance2(p, &centroids[l]))
            .sum();
        if best.as_ref().is_none_or(|(top, ..)| inertia < *top) {
            best = Some((inertia, centroids, labels));
        }
    }
    best.map(|(_, c, l)| (c, l)).unwrap_or_default()
}

/// k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen one.
fn plus_plus(points: &[Point], k: usize, rng: &mut StdRng) -> Vec<Point> {
    let mut centroids = vec![points[rng.random_range(0..points.len())]];
    let mut distances: Vec<f64> = points.iter().map(|p| distance2(p, &centroids[0])).collect();
    while centroids.len() < k {
        let total: f64 = distances.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut target = rng.random::<f64>() * total;
        let mut chosen = points.len() - 1;
        for (i, d) in distances.iter().enumerate() {
            if target < *d {
                chosen = i;
                break;
            }
            target -= d;
        }
        let centre = points[chosen];
        for (d, p) in distances.iter_mut().zip(points) {
            *d = d.min(distance2(p, &centre));
        }
        centroids.push(centre);
    }
    centroids
}

fn lloyd(points: &[Point], mut centroids: Vec<Point>) -> (Vec<Point>, Vec<usize>) {
    let k = centroids.len();
    let mut labels: Vec<usize> = points.iter().map(|p| nearest(p, &centroids)).collect();
    for _ in 0..MAX_ITERATIONS {
        let mut sums = vec![[0.0; 3]; k];
        let mut counts = vec![0_usize; k];
        for (p, &l) in points.iter().zip(&labels) {
            counts[l] += 1;
            for j in 0..3 {
                sums[l][j] += p[j];
            }
        }
        let mut shift = 0.0;
        for c in 0..k {
            let previous = centroids[c];
            if counts[c] > 0 {
                centroids[c] = sums[c].map(|s| s / counts[c] as f64);
            } else {
                // An emptied cluster restarts at the point worst served by its centre.
                let far = (0..points.len())
                    .max_by(|&a, &b| {
                        distance2(&points[a], &centroids[labels[a]])
                            .total_cmp(&distance2(&points[b], &centroids[labels[b]]))
                    })
                    .unwrap_or(0);
                centroids[c] = points[far];
            }
            shift += distance2(&previous, &centroids[c]);
        }
        let next: Vec<usize> = points.iter().map(|p| nearest(p, &centroids)).collect();
        let settled = next == labels || shift <= SHIFT_TOLERANCE;
        labels = next;
        if settled {
            break;
        }
    }
    (centroids, labels)
}

/// Mean silhouette over the sampled points, distances taken within the sample.
fn silhouette(points: &[Point], labels: &[usize], sample: &[usize], k: usize) -> f64 {
    let mut total = 0.0;
    for &i in sample {
        let mut sums = vec![0.0; k];
        let mut counts = vec![0_usize; k];
        for &j in sample {
            if i != j {
                sums[labels[j]] += distance2(&points[i], &points[j]).sqrt();
                counts[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if counts[own] == 0 {
            continue; // alone in its cluster: silhouette 0
        }
        let a = sums[own] / counts[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / sample.len().max(1) as f64
}

/// A word pair (RU, EN).
type Words = (&'static str, &'static str);

/// Low, middle or high by where a standardised value sits against the mean (0).
fn pick(z: f64, low: Words, middle: Words, high: Words) -> Words {
    if z < -NOTABLE {
        low
    } else if z > NOTABLE {
        high
    } else {
        middle
    }
}

/// A short label from where the centre sits against the overall mean.
fn describe(centre: &Point) -> (String, String) {
    let words = [
        pick(
            centre[0],
            ("недавние", "recent"),
            ("средняя давность", "mid recency"),
            ("давно не покупали", "lapsed"),
        ),
        pick(
            centre[1],
            ("редкие", "infrequent"),
            ("средняя частота", "average frequency"),
            ("частые", "frequent"),
        ),
        pick(
            centre[2],
            ("низкие траты", "low spend"),
            ("средние траты", "average spend"),
            ("высокие траты", "high spend"),
        ),
    ];
    (words.map(|w| w.0).join(", "), words.map(|w| w.1).join(", "))
}
