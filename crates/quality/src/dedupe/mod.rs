//! Step 4, match and merge: duplicate records within a table (`dedupe`) and
//! the same people across two tables (`link`), with a Fellegi–Sunter model
//! trained without labels and clusters that do not chain strangers together.
//!
//! The path: features (names keyed across scripts, phones, dates) →
//! blocking keys → candidate pairs → comparison levels → u from random pairs,
//! m by EM → match weights → pairs over the threshold → clusters, merged
//! only when no pair across them is a family or namesake conflict and most
//! pairs across them match.

mod blocking;
mod compare;
mod features;
mod index;
mod model;

use std::collections::HashMap;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::Serialize;

pub use compare::Comparison;
pub use index::{Index, Match};
pub use model::{FieldWeight, Model};

use crate::Frame;
use crate::dates::column_order;
use crate::roles::{Role, Roles};
use features::{Features, Present};

/// Settings of matching.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Pairs at or above this match probability are matches.
    pub threshold: f64,
    /// Blocks larger than this are compared by neighbourhood only.
    pub max_block: usize,
    /// Neighbours compared in a large block.
    pub window: usize,
    /// Random pairs drawn to estimate u.
    pub random_pairs: usize,
    pub today: NaiveDate,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 0.5,
            max_block: 30,
            window: 4,
            random_pairs: 200_000,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// Records made ready for matching.
pub struct Prepared {
    pub ids: Vec<String>,
    features: Vec<Features>,
    present: Present,
}

/// Prepares a table's records (in parallel; names are the costly part).
pub fn prepare(frame: &Frame, roles: &Roles, today: NaiveDate) -> Prepared {
    let orders: Vec<_> = roles
        .columns_of(Role::BirthDate)
        .map(|c| {
            (
                c,
                column_order(
                    frame
                        .rows
                        .iter()
                        .map(|r| r.get(c).map_or("", String::as_str)),
                ),
            )
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = frame.rows.len().div_ceil(threads).max(1);
    let features: Vec<Features> = std::thread::scope(|scope| {
        let handles: Vec<_> = frame
            .rows
            .chunks(chunk)
            .map(|rows| {
                let orders = &orders;
                scope.spawn(move || {
                    rows.iter()
                        .map(|row| features::features(row, roles, orders, today))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let ids = frame
        .rows
        .iter()
        .map(|row| row.get(roles.id).cloned().unwrap_or_default())
        .collect();
    Prepared {
        ids,
        features,
        present: Present::of(roles),
    }
}

/// Prepares a file's records without holding the whole table: the rows are
/// read in chunks and only their features kept, so a million records fit in
/// far less memory than their text. Birth-date columns are read once more
/// first, to settle whether they are day-first.
pub fn prepare_file(
    path: &std::path::Path,
    map: &[(String, String)],
    id: Option<&str>,
    today: NaiveDate,
) -> Result<Prepared, crate::QualityError> {
    use import::{Table, TableOptions};
    const CHUNK: usize = 50_000;
    let mut table = Table::open(path, &TableOptions::default())?;
    let mut header = Frame::new(table.headers().to_vec(), Vec::new());
    header.path = path.to_path_buf();
    let roles = Roles::detect(&header, map, id)?;
    let birth_columns: Vec<usize> = roles.columns_of(Role::BirthDate).collect();
    let mut orders = Vec::new();
    if !birth_columns.is_empty() {
        let mut values: Vec<Vec<String>> = vec![Vec::new(); birth_columns.len()];
        for row in table.rows() {
            let row = row?;
            for (slot, column) in birth_columns.iter().enumerate() {
                values[slot].push(
                    row.cells
                        .get(*column)
                        .map_or_else(String::new, |c| c.trim().to_string()),
                );
            }
        }
        orders = birth_columns
            .iter()
            .zip(&values)
            .map(|(c, v)| (*c, column_order(v.iter().map(String::as_str))))
            .collect();
        table = Table::open(path, &TableOptions::default())?;
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let mut ids = Vec::new();
    let mut features = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(CHUNK);
    let mut reader = table.rows();
    loop {
        rows.clear();
        for row in reader.by_ref().take(CHUNK) {
            rows.push(
                row?.cells
                    .into_iter()
                    .map(crate::frame::trim_owned)
                    .collect(),
            );
        }
        if rows.is_empty() {
            break;
        }
        ids.extend(
            rows.iter()
                .map(|row| row.get(roles.id).cloned().unwrap_or_default()),
        );
        let part = rows.len().div_ceil(threads).max(1);
        let roles = &roles;
        let orders = &orders;
        let chunk: Vec<Features> = std::thread::scope(|scope| {
            let handles: Vec<_> = rows
                .chunks(part)
                .map(|slice| {
                    scope.spawn(move || {
                        slice
                            .iter()
                            .map(|row| features::features(row, roles, orders, today))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        features.extend(chunk);
    }
    Ok(Prepared {
        ids,
        features,
        present: Present::of(&roles),
    })
}

/// A scored candidate pair (indices into the prepared records).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
    pub probability: f64,
}

/// The trained model and the pairs it scored.
pub struct Matches {
    pub comparisons: Vec<Comparison>,
    pub model: Model,
    /// Candidate pairs that are not family or namesake conflicts, scored.
    pub pairs: Vec<ScoredPair>,
    /// How many candidate pairs blocking produced.
    pub candidates: usize,
}

struct Engine<'a> {
    features: &'a [Features],
    comparisons: Vec<Comparison>,
    /// Share of records with each record's surname and first name: an exact
    /// match on a rare name says more than one on a common name.
    term_frequency: Vec<(f64, f64)>,
    surname: Option<usize>,
    first_name: Option<usize>,
}

impl<'a> Engine<'a> {
    fn new(features: &'a [Features], comparisons: Vec<Comparison>) -> Engine<'a> {
        let mut last_counts: HashMap<&str, usize> = HashMap::new();
        let mut first_counts: HashMap<&str, usize> = HashMap::new();
        for f in features {
            if let Some(last) = &f.last {
                *last_counts.entry(last.key.as_str()).or_default() += 1;
            }
            if let Some(first) = first_key(f) {
                *first_counts.entry(first).or_default() += 1;
            }
        }
        let n = features.len().max(1) as f64;
        let term_frequency = features
            .iter()
            .map(|f| {
                let last = f
                    .last
                    .as_ref()
                    .map_or(0, |k| last_counts.get(k.key.as_str()).copied().unwrap_or(0));
                let first = first_key(f).map_or(0, |k| first_counts.get(k).copied().unwrap_or(0));
                (last as f64 / n, first as f64 / n)
            })
            .collect();
        let surname = comparisons.iter().position(|c| c.name == "surname");
        let first_name = comparisons.iter().position(|c| c.name == "first name");
        Engine {
            features,
            comparisons,
            term_frequency,
            surname,
            first_name,
        }
    }

    /// The pair's match weight: the model's, with exact name matches weighed
    /// by how rare the name is (u replaced by the name's frequency).
    fn weight(&self, model: &Model, a: u32, b: u32, levels: &[u8]) -> f64 {
        let (ta, tb) = (
            self.term_frequency[a as usize],
            self.term_frequency[b as usize],
        );
        weight_with_frequency(
            model,
            levels,
            [
                (self.surname, ta.0.max(tb.0)),
                (self.first_name, ta.1.max(tb.1)),
            ],
        )
    }

    fn levels(&self, a: u32, b: u32, out: &mut Vec<u8>) {
        compare::levels(
            &self.comparisons,
            &self.features[a as usize],
            &self.features[b as usize],
            out,
        );
    }

    /// Whether the pair is a conflict; if not, its levels in `out`. The
    /// name comparisons both need are made once (the hot path).
    fn evaluate(&self, a: u32, b: u32, out: &mut Vec<u8>) -> bool {
        let (x, y) = (&self.features[a as usize], &self.features[b as usize]);
        let names = compare::names_levels(x, y);
        if compare::conflict_given(x, y, names) {
            return true;
        }
        compare::levels_given(&self.comparisons, x, y, names, out);
        false
    }
}

fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| work(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Finds and scores candidate pairs among `features`; `cross` limits pairs
/// to those with one record on each side of that index (linking two tables).
fn score(
    features: &[Features],
    present: Present,
    cross: Option<usize>,
    settings: &Settings,
    labels: &HashMap<u64, bool>,
) -> Matches {
    let comparisons = compare::comparisons(&present);
    let engine = Engine::new(features, comparisons);
    let record_keys: Vec<Vec<u64>> = parallel(features, |part| {
        part.iter()
            .map(|f| {
                let mut keys = Vec::new();
                blocking::keys(f, &mut keys);
                keys
            })
            .collect()
    });
    let keep = |i: u32, j: u32| match cross {
        Some(split) => {
            (i as usize) < split && (j as usize) >= split
                || (j as usize) < split && (i as usize) >= split
        }
        None => true,
    };
    let sort_keys: Vec<u64> = features.iter().map(blocking::sort_key).collect();
    let candidates = blocking::candidate_pairs(
        &record_keys,
        &sort_keys,
        settings.max_block,
        settings.window,
        keep,
    );
    drop(record_keys);
    let k = engine.comparisons.len();
    // Levels of every candidate that is no family or namesake conflict,
    // flattened: k bytes a pair.
    let chunks: Vec<(Vec<u64>, Vec<u8>)> =
        parallel(&candidates.chunks(65_536).collect::<Vec<_>>(), |part| {
            let mut levels = Vec::with_capacity(k);
            part.iter()
                .map(|chunk| {
                    let mut kept = Vec::with_capacity(chunk.len());
                    let mut flat = Vec::with_capacity(chunk.len() * k);
                    for &pair in *chunk {
                        let (a, b) = ((pair >> 32) as u32, pair as u32);
                        if engine.evaluate(a, b, &mut levels) {
                            continue;
                        }
                        kept.push(pair);
                        flat.extend_from_slice(&levels);
                    }
                    (kept, flat)
                })
                .collect()
        });

    // u from random pairs.
    let n = features.len();
    let mut rng = StdRng::seed_from_u64(0x5EED);
    let total_pairs = match cross {
        Some(split) => split * (n - split),
        None => n * n.saturating_sub(1) / 2,
    };
    let draws = settings.random_pairs.min(total_pairs);
    let mut sample: Vec<(u32, u32)> = Vec::with_capacity(draws);
    if n >= 2 {
        for _ in 0..draws {
            let (a, b) = match cross {
                Some(split) => (rng.random_range(0..split), rng.random_range(split..n)),
                None => {
                    let a = rng.random_range(0..n);
                    let mut b = rng.random_range(0..n - 1);
                    if b >= a {
                        b += 1;
                    }
                    (a, b)
                }
            };
            sample.push((a as u32, b as u32));
        }
    }
    let random: Vec<Vec<u8>> = parallel(&sample, |part| {
        let mut levels = Vec::with_capacity(k);
        part.iter()
            .map(|&(a, b)| {
                engine.levels(a, b, &mut levels);
                levels.clone()
            })
            .collect()
    });
    let u = model::estimate_u(&engine.comparisons, &random);
    let mut patterns: HashMap<Vec<u8>, f64> = HashMap::new();
    let mut labelled: Vec<(Vec<u8>, bool)> = Vec::new();
    for (kept, flat) in &chunks {
        for (pair, levels) in kept.iter().zip(flat.chunks(k.max(1))) {
            if let Some(is_match) = labels.get(pair) {
                labelled.push((levels.to_vec(), *is_match));
            } else if let Some(count) = patterns.get_mut(levels) {
                *count += 1.0;
            } else {
                patterns.insert(levels.to_vec(), 1.0);
            }
        }
    }
    let sessions = compare::sessions(&engine.comparisons);
    let model = model::train(
        &engine.comparisons,
        u,
        &patterns,
        &labelled,
        &sessions,
        total_pairs as f64,
    );
    // Pairs far below any threshold are not kept: at a million records they
    // are most of the candidates.
    let floor = settings.threshold.min(0.05);
    let pairs = parallel(&chunks, |part| {
        let mut out = Vec::new();
        for (kept, flat) in part {
            for (pair, levels) in kept.iter().zip(flat.chunks(k.max(1))) {
                let (a, b) = ((pair >> 32) as u32, *pair as u32);
                let weight = match labels.get(pair) {
                    // A reviewer's verdict is final.
                    Some(true) => f64::MAX,
                    Some(false) => f64::MIN,
                    None => engine.weight(&model, a, b, levels),
                };
                let probability = Model::probability(weight);
                if probability >= floor {
                    out.push(ScoredPair {
                        a,
                        b,
                        weight,
                        probability,
                    });
                }
            }
        }
        out
    });
    Matches {
        comparisons: engine.comparisons,
        model,
        pairs,
        candidates: candidates.len(),
    }
}

/// The model's weight with each exact name match weighed by the name's
/// frequency: `(comparison index, share of records with that name)`.
fn weight_with_frequency(model: &Model, levels: &[u8], names: [(Option<usize>, f64); 2]) -> f64 {
    let mut weight = model.score(levels);
    for (index, frequency) in names {
        if let Some(k) = index
            && levels.get(k) == Some(&1)
            && frequency > 0.0
        {
            let u = model.u[k][1].max(1e-9);
            // Bounded, so one name never outweighs the rest of the record.
            weight += (u / frequency).log2().clamp(-6.0, 6.0);
        }
    }
    weight
}

fn first_key(f: &Features) -> Option<&str> {
    f.first_forms
        .first()
        .map(String::as_str)
        .or(f.first.as_ref().map(|k| k.key.as_str()))
}

/// Duplicates within one table.
pub struct Dedupe {
    pub matches: Matches,
    /// For each record, the index of its cluster's first record.
    pub cluster_of: Vec<usize>,
}

impl Dedupe {
    /// How many clusters hold more than one record, and how many records they hold.
    pub fn duplicate_counts(&self) -> (usize, usize) {
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for cluster in &self.cluster_of {
            *sizes.entry(*cluster).or_default() += 1;
        }
        let multi: Vec<usize> = sizes.values().copied().filter(|s| *s > 1).collect();
        (multi.len(), multi.iter().sum())
    }
}

/// Finds the duplicates in a prepared table and clusters them.
pub fn dedupe(prepared: &Prepared, settings: &Settings) -> Dedupe {
    dedupe_labelled(prepared, settings, &[])
}

/// Finds the duplicates with some pairs labelled by reviewers (record
/// indices, `true` for one entity): the labels train the model alongside
/// the unlabelled pairs, are final for their own pairs, and a pair labelled
/// distinct never ends up in one cluster.
pub fn dedupe_labelled(
    prepared: &Prepared,
    settings: &Settings,
    labels: &[(usize, usize, bool)],
) -> Dedupe {
    let labels: HashMap<u64, bool> = labels
        .iter()
        .filter(|(a, b, _)| a != b)
        .map(|&(a, b, is_match)| {
            let (a, b) = (a.min(b) as u64, a.max(b) as u64);
            (a << 32 | b, is_match)
        })
        .collect();
    let matches = score(
        &prepared.features,
        prepared.present,
        None,
        settings,
        &labels,
    );
    let engine = Engine::new(&prepared.features, matches.comparisons.clone());
    let cluster_of = cluster(&engine, &matches, settings.threshold, &labels);
    Dedupe {
        matches,
        cluster_of,
    }
}

fn cluster(
    engine: &Engine,
    matches: &Matches,
    threshold: f64,
    labels: &HashMap<u64, bool>,
) -> Vec<usize> {
    let n = engine.features.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut order: Vec<&ScoredPair> = matches
        .pairs
        .iter()
        .filter(|p| p.probability >= threshold)
        .collect();
    order.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    let mut levels = Vec::new();
    for pair in order {
        let (ra, rb) = (
            find(&mut parent, pair.a as usize),
            find(&mut parent, pair.b as usize),
        );
        if ra == rb {
            continue;
        }
        let (sa, sb) = (members[ra].len(), members[rb].len());
        if sa * sb > 1 {
            if sa * sb > 2_500 {
                continue;
            }
            // Merge two groups only if no pair across them is a conflict and
            // most pairs across them match on their own: no chaining.
            let mut agreeing = 0;
            let mut total_weight = 0.0;
            let mut blocked = false;
            'check: for &x in &members[ra] {
                for &y in &members[rb] {
                    let key = u64::from(x.min(y)) << 32 | u64::from(x.max(y));
                    if labels.get(&key) == Some(&false) || engine.evaluate(x, y, &mut levels) {
                        blocked = true;
                        break 'check;
                    }
                    let weight = engine.weight(&matches.model, x, y, &levels);
                    total_weight += weight;
                    if Model::probability(weight) >= threshold {
                        agreeing += 1;
                    }
                }
            }
            // Most pairs across agree, or the evidence across is positive on average.
            if blocked || (agreeing * 2 < sa * sb && total_weight <= 0.0) {
                continue;
            }
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[gone] = keep;
        let moved = std::mem::take(&mut members[gone]);
        members[keep].extend(moved);
    }
    (0..n)
        .map(|i| {
            let root = find(&mut parent, i);
            members[root]
                .iter()
                .copied()
                .min()
                .map_or(i, |m| m as usize)
        })
        .collect()
}

/// A matched pair across two tables.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    pub left: usize,
    pub right: usize,
    pub probability: f64,
}

/// The same entities across two prepared tables: each record on the left is
/// linked to at most one on the right and back, best pairs first.
pub fn link(left: &Prepared, right: &Prepared, settings: &Settings) -> (Matches, Vec<Link>) {
    let present = left.present.and(right.present);
    let mut all = left.features.clone();
    all.extend(right.features.iter().cloned());
    let split = left.features.len();
    let matches = score(&all, present, Some(split), settings, &HashMap::new());
    let mut order: Vec<&ScoredPair> = matches
        .pairs
        .iter()
        .filter(|p| p.probability >= settings.threshold)
        .collect();
    order.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    let mut left_used = vec![false; split];
    let mut right_used = vec![false; all.len() - split];
    let mut links = Vec::new();
    for pair in order {
        let (l, r) = if (pair.a as usize) < split {
            (pair.a as usize, pair.b as usize - split)
        } else {
            (pair.b as usize, pair.a as usize - split)
        };
        if left_used[l] || right_used[r] {
            continue;
        }
        left_used[l] = true;
        right_used[r] = true;
        links.push(Link {
            left: l,
            right: r,
            probability: pair.probability,
        });
    }
    (matches, links)
}

/// Each field's part in the weight of the pair (a, b) of a prepared table.
pub fn explain(prepared: &Prepared, matches: &Matches, a: usize, b: usize) -> Vec<FieldWeight> {
    let mut levels = Vec::new();
    compare::levels(
        &matches.comparisons,
        &prepared.features[a],
        &prepared.features[b],
        &mut levels,
    );
    matches.model.explain(&matches.comparisons, &levels)
}

impl Present {
    fn and(self, other: Present) -> Present {
        Present {
            names: self.names && other.names,
            patronymic: self.patronymic && other.patronymic,
            phone: self.phone && other.phone,
            email: self.email && other.email,
            birth: self.birth && other.birth,
            city: self.city && other.city,
            region: self.region && other.region,
            address: self.address && other.address,
            locality: self.locality && other.locality,
            house: self.house && other.house,
            postcode: self.postcode && other.postcode,
            national_id: self.national_id && other.national_id,
            inn: self.inn && other.inn,
            company: self.company && other.company,
            sku: self.sku && other.sku,
            product: self.product && other.product,
        }
    }
}
