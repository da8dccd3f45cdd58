//! A record-linkage task in the shape of FEBRL4: every person appears once in
//! the left file, written with light formatting noise; a share of them also
//! appear once in the right file, corrupted more heavily. The truth lists
//! the matching `left_id,right_id` pairs; every other pair is a non-match,
//! including family members and namesakes present on both sides.

use std::io::{self, Write};
use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::chance::{chance, pick};
use crate::contacts::{ContactRow, Shown, Source, Truth, row_ids, write_records};
use crate::people::{Mix, populate};
use crate::render::{Noise, World, row};

/// What to generate.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// Distinct people, all in the left file.
    pub entities: usize,
    pub seed: u64,
    /// Share of people also in the right file.
    pub overlap: f64,
}

impl LinkConfig {
    /// Half of the people in the right file, as in FEBRL-style benchmarks.
    pub fn new(entities: usize, seed: u64) -> Self {
        LinkConfig {
            entities,
            seed,
            overlap: 0.5,
        }
    }
}

/// The two files and the true matches.
#[derive(Debug, Clone)]
pub struct LinkDataset {
    /// Rows `a000001`…, one per person.
    pub left: Vec<ContactRow>,
    /// Rows `b000001`…, one per person in the overlap.
    pub right: Vec<ContactRow>,
    /// `(left_id, right_id)` of every true match, sorted by left id.
    pub pairs: Vec<(String, String)>,
}

fn with_ids(rows: Vec<(Shown, Truth)>, prefix: char) -> Vec<ContactRow> {
    let count = rows.len();
    rows.into_iter()
        .zip(row_ids(prefix, count))
        .map(|((shown, truth), id)| ContactRow { id, shown, truth })
        .collect()
}

/// Generates the linkage task for `config`; the same config gives the same files.
pub fn generate(config: &LinkConfig) -> LinkDataset {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mix = Mix {
        family: 0.065,
        namesakes: 0.03,
    };
    let mut population = populate(&mut rng, config.entities, mix);
    let mut world = World {
        registry: &mut population.registry,
        companies: &population.companies,
    };
    let (light, heavy) = (Noise::light(), Noise::heavy());
    let mut left = Vec::with_capacity(config.entities);
    let mut right = Vec::new();
    for person in &population.people {
        let left_source = *pick(&mut rng, &[Source::OneC, Source::Bitrix24, Source::AmoCrm]);
        left.push(row(&mut rng, &mut world, person, left_source, &light));
        if chance(&mut rng, config.overlap) {
            let right_source = *pick(&mut rng, &Source::ALL);
            right.push(row(&mut rng, &mut world, person, right_source, &heavy));
        }
    }
    left.shuffle(&mut rng);
    right.shuffle(&mut rng);
    let left = with_ids(left, 'a');
    let right = with_ids(right, 'b');
    let mut left_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for row in &left {
        left_of.insert(&row.truth.entity_id, &row.id);
    }
    let mut pairs: Vec<(String, String)> = right
        .iter()
        .filter_map(|row| {
            left_of
                .get(row.truth.entity_id.as_str())
                .map(|left_id| ((*left_id).to_string(), row.id.clone()))
        })
        .collect();
    pairs.sort();
    LinkDataset { left, right, pairs }
}

/// Writes the true pairs as CSV (`left_id,right_id`) to `out`.
pub fn write_pairs<W: Write>(pairs: &[(String, String)], out: W) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["left_id", "right_id"])?;
    for (left, right) in pairs {
        writer.write_record([left, right])?;
    }
    writer.flush()
}

/// Writes the left file, the right file (records headers) and the pairs.
pub fn write_csv(dataset: &LinkDataset, left: &Path, right: &Path, pairs: &Path) -> io::Result<()> {
    write_records(&dataset.left, std::fs::File::create(left)?)?;
    write_records(&dataset.right, std::fs::File::create(right)?)?;
    write_pairs(&dataset.pairs, std::fs::File::create(pairs)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_row_has_one_left_match() {
        let data = generate(&LinkConfig::new(1_000, 9));
        assert_eq!(data.left.len(), 1_000);
        assert_eq!(data.pairs.len(), data.right.len());
        let share = data.right.len() as f64 / 1_000.0;
        assert!((0.44..=0.56).contains(&share), "{share}");
        let again = generate(&LinkConfig::new(1_000, 9));
        assert_eq!(data.pairs, again.pairs);
        assert_eq!(data.right, again.right);
    }
}
