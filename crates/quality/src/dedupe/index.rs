//! Incremental matching: a trained model and a blocking index over existing
//! records, against which one new record (from an import or a webhook) is
//! matched in milliseconds without retraining.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::features::{self, Features};
use super::{
    FieldWeight, Matches, Model, Prepared, Settings, blocking, compare, first_key, score,
    weight_with_frequency,
};
use crate::roles::Roles;

/// Existing records, ready to be matched against.
pub struct Index {
    prepared: Prepared,
    matches: Matches,
    blocks: HashMap<u64, Vec<u32>>,
    surnames: HashMap<String, usize>,
    first_names: HashMap<String, usize>,
    threshold: f64,
    today: NaiveDate,
}

/// An existing record a new one probably is.
#[derive(Debug, Clone)]
pub struct Match {
    /// Index into the records the index was built from.
    pub record: usize,
    pub id: String,
    pub probability: f64,
    pub fields: Vec<FieldWeight>,
}

/// More candidates than this under one key are not compared: such a key
/// (a very common name) says nothing alone.
const MAX_BLOCK: usize = 500;

impl Index {
    /// Trains the model on the records and indexes them by their blocking keys.
    pub fn build(prepared: Prepared, settings: &Settings) -> Index {
        let matches = score(
            &prepared.features,
            prepared.present,
            None,
            settings,
            &HashMap::new(),
        );
        let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut keys = Vec::new();
        let mut surnames = HashMap::new();
        let mut first_names = HashMap::new();
        for (i, f) in prepared.features.iter().enumerate() {
            blocking::keys(f, &mut keys);
            for key in &keys {
                blocks.entry(*key).or_default().push(i as u32);
            }
            if let Some(last) = &f.last {
                *surnames.entry(last.key.clone()).or_default() += 1;
            }
            if let Some(first) = first_key(f) {
                *first_names.entry(first.to_string()).or_default() += 1;
            }
        }
        Index {
            prepared,
            matches,
            blocks,
            surnames,
            first_names,
            threshold: settings.threshold,
            today: settings.today,
        }
    }

    /// How many records the index holds.
    pub fn len(&self) -> usize {
        self.prepared.features.len()
    }

    /// Whether the index holds no records.
    pub fn is_empty(&self) -> bool {
        self.prepared.features.is_empty()
    }

    /// The existing records `row` (read with `roles`) probably is, most
    /// likely first; families and namesakes are never offered.
    pub fn find(&self, row: &[String], roles: &Roles) -> Vec<Match> {
        let new = features::features(row, roles, &[], self.today);
        let mut keys = Vec::new();
        blocking::keys(&new, &mut keys);
        let mut candidates: Vec<u32> = keys
            .iter()
            .filter_map(|key| self.blocks.get(key))
            .filter(|block| block.len() <= MAX_BLOCK)
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let n = self.len().max(1) as f64;
        let frequency = |f: &Features| {
            (
                f.last.as_ref().map_or(0.0, |k| {
                    self.surnames.get(&k.key).copied().unwrap_or(0) as f64 / n
                }),
                first_key(f).map_or(0.0, |k| {
                    self.first_names.get(k).copied().unwrap_or(0) as f64 / n
                }),
            )
        };
        let comparisons = &self.matches.comparisons;
        let surname = comparisons.iter().position(|c| c.name == "surname");
        let first_name = comparisons.iter().position(|c| c.name == "first name");
        let tf_new = frequency(&new);
        let mut levels = Vec::new();
        let mut found: Vec<Match> = candidates
            .into_iter()
            .filter_map(|i| {
                let existing = &self.prepared.features[i as usize];
                if compare::conflict(&new, existing) {
                    return None;
                }
                compare::levels(comparisons, &new, existing, &mut levels);
                let tf_old = frequency(existing);
                let weight = weight_with_frequency(
                    &self.matches.model,
                    &levels,
                    [
                        (surname, tf_new.0.max(tf_old.0)),
                        (first_name, tf_new.1.max(tf_old.1)),
                    ],
                );
                let probability = Model::probability(weight);
                (probability >= self.threshold).then(|| Match {
                    record: i as usize,
                    id: self.prepared.ids[i as usize].clone(),
                    probability,
                    fields: self.matches.model.explain(comparisons, &levels),
                })
            })
            .collect();
        found.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        found
    }
}
