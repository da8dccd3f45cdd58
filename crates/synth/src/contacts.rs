//! Contacts with duplicates: a population of people, each shown as one row
//! or as a cluster of 2–5 rows from different sources with independent
//! corruptions, shuffled, with the truth for every row.
//!
//! What the truth columns mean:
//! - `entity_id`, `last_name`, `first_name`, `patronymic`, `gender` name the
//!   person behind the row, in full and spelt canonically (with ё), even when
//!   the row shows a diminutive, initials, a typo or nothing.
//! - `phone_e164`, `email`, `city`, `birth_date` are what a perfect
//!   standardiser would read from this row: the first number of the cell in
//!   E.164, the address lowercased with a mistyped domain repaired, the
//!   canonical city, the date as `YYYY-MM-DD`; empty when the row does not
//!   say it or says only junk.

use std::io::{self, Write};
use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::chance::{chance, weighted};
pub use crate::names::Gender;
pub use crate::people::RelationKind;
use crate::people::{Mix, populate};
use crate::render::{Noise, World, entity_id, row};

/// Where a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Bitrix24,
    AmoCrm,
    Site,
    OneC,
    Excel,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 5] = [
        Source::Bitrix24,
        Source::AmoCrm,
        Source::Site,
        Source::OneC,
        Source::Excel,
    ];

    /// The value of the `Источник` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Bitrix24 => "bitrix24",
            Source::AmoCrm => "amocrm",
            Source::Site => "site",
            Source::OneC => "1c",
            Source::Excel => "excel",
        }
    }
}

/// The cells of a row as an export holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// `ФИО`
    pub fio: String,
    /// `Телефон`
    pub phone: String,
    /// `Email`
    pub email: String,
    /// `Город`
    pub city: String,
    /// `Дата рождения`
    pub birth_date: String,
    /// `Компания`
    pub company: String,
    /// `ИНН`
    pub inn: String,
    /// `Адрес`
    pub address: String,
    /// `Источник`
    pub source: Source,
}

/// What the row really says and who it is (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    pub entity_id: String,
    pub phone_e164: String,
    pub email: String,
    pub city: String,
    pub birth_date: String,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: String,
    pub gender: Gender,
}

/// One row: its id, its cells and its truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// `r000123`; rows are shuffled, so ids say nothing about the person.
    pub id: String,
    pub shown: Shown,
    pub truth: Truth,
}

/// Distinct people whose records look alike: families, twins, a father and
/// son, namesakes. They are separate entities a deduplicator must not merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub kind: RelationKind,
    /// Entity ids, as in `Truth::entity_id`.
    pub entities: Vec<String>,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct ContactsConfig {
    /// Distinct people.
    pub entities: usize,
    pub seed: u64,
    /// Share of people with 2–5 rows.
    pub duplicate_share: f64,
    /// Share of people who live in a family with another person in the set.
    pub family_share: f64,
    /// Share of people who have a namesake in the set.
    pub namesake_share: f64,
}

impl ContactsConfig {
    /// The defaults: 35% of people duplicated, 6.5% in families, 3% namesakes.
    pub fn new(entities: usize, seed: u64) -> Self {
        ContactsConfig {
            entities,
            seed,
            duplicate_share: 0.35,
            family_share: 0.065,
            namesake_share: 0.03,
        }
    }
}

/// Generated rows and the relations among their people.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub records: Vec<ContactRow>,
    pub relations: Vec<Relation>,
}

/// The header of the records file.
pub const RECORDS_HEADER: [&str; 10] = [
    "id",
    "ФИО",
    "Телефон",
    "Email",
    "Город",
    "Дата рождения",
    "Компания",
    "ИНН",
    "Адрес",
    "Источник",
];

/// The header of the truth file.
pub const TRUTH_HEADER: [&str; 10] = [
    "id",
    "entity_id",
    "phone_e164",
    "email",
    "city",
    "birth_date",
    "last_name",
    "first_name",
    "patronymic",
    "gender",
];

fn cluster_size(rng: &mut StdRng, share: f64) -> usize {
    if chance(rng, share) {
        weighted(rng, &[(2, 60), (3, 25), (4, 10), (5, 5)])
    } else {
        1
    }
}

fn sources(rng: &mut StdRng, count: usize) -> Vec<Source> {
    if count == 1 {
        return vec![weighted(
            rng,
            &[
                (Source::Bitrix24, 30),
                (Source::AmoCrm, 25),
                (Source::Site, 20),
                (Source::OneC, 15),
                (Source::Excel, 10),
            ],
        )];
    }
    let mut all = Source::ALL.to_vec();
    all.shuffle(rng);
    all.truncate(count);
    all
}

/// Row ids `{prefix}000001`…, wide enough for `count`.
pub(crate) fn row_ids(prefix: char, count: usize) -> impl Iterator<Item = String> {
    let width = count.to_string().len().max(6);
    (1..=count).map(move |n| format!("{prefix}{n:0width$}"))
}

/// Generates the rows for `config`; the same config gives the same rows.
pub fn generate(config: &ContactsConfig) -> Dataset {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mix = Mix {
        family: config.family_share,
        namesakes: config.namesake_share,
    };
    let mut population = populate(&mut rng, config.entities, mix);
    let mut world = World {
        registry: &mut population.registry,
        companies: &population.companies,
    };
    let noise = Noise::standard();
    let mut rows: Vec<(Shown, Truth)> = Vec::new();
    for person in &population.people {
        let count = cluster_size(&mut rng, config.duplicate_share);
        for source in sources(&mut rng, count) {
            rows.push(row(&mut rng, &mut world, person, source, &noise));
        }
    }
    rows.shuffle(&mut rng);
    let total = rows.len();
    let records = rows
        .into_iter()
        .zip(row_ids('r', total))
        .map(|((shown, truth), id)| ContactRow { id, shown, truth })
        .collect();
    let relations = population
        .relations
        .iter()
        .map(|(kind, ids)| Relation {
            kind: *kind,
            entities: ids.iter().map(|id| entity_id(*id)).collect(),
        })
        .collect();
    Dataset { records, relations }
}

/// Writes rows as the records CSV (Russian header) to `out`.
pub fn write_records<W: Write>(rows: &[ContactRow], out: W) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(RECORDS_HEADER)?;
    for row in rows {
        let s = &row.shown;
        writer.write_record([
            row.id.as_str(),
            &s.fio,
            &s.phone,
            &s.email,
            &s.city,
            &s.birth_date,
            &s.company,
            &s.inn,
            &s.address,
            s.source.as_str(),
        ])?;
    }
    writer.flush()
}

/// Writes the truth of rows as CSV to `out`.
pub fn write_truth<W: Write>(rows: &[ContactRow], out: W) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(TRUTH_HEADER)?;
    for row in rows {
        let t = &row.truth;
        writer.write_record([
            row.id.as_str(),
            &t.entity_id,
            &t.phone_e164,
            &t.email,
            &t.city,
            &t.birth_date,
            &t.last_name,
            &t.first_name,
            &t.patronymic,
            t.gender.as_str(),
        ])?;
    }
    writer.flush()
}

/// Writes the relations as CSV (`kind,entity_ids`, ids separated by spaces).
pub fn write_relations<W: Write>(relations: &[Relation], out: W) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["kind", "entity_ids"])?;
    for relation in relations {
        writer.write_record([relation.kind.as_str(), &relation.entities.join(" ")])?;
    }
    writer.flush()
}

/// Writes the records file and the truth file.
pub fn write_csv(dataset: &Dataset, records_path: &Path, truth_path: &Path) -> io::Result<()> {
    write_records(&dataset.records, std::fs::File::create(records_path)?)?;
    write_truth(&dataset.records, std::fs::File::create(truth_path)?)
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::ids::inn_is_valid;

    fn dataset(seed: u64, entities: usize) -> Dataset {
        generate(&ContactsConfig::new(entities, seed))
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let (a, b, c) = (dataset(1, 500), dataset(1, 500), dataset(2, 500));
        assert_eq!(a.records, b.records);
        assert_eq!(a.relations, b.relations);
        assert_ne!(a.records, c.records);
    }

    #[test]
    fn about_a_third_of_people_have_duplicates_from_different_sources() {
        let data = dataset(3, 1_500);
        let mut rows_of: HashMap<&str, Vec<&ContactRow>> = HashMap::new();
        for row in &data.records {
            rows_of.entry(&row.truth.entity_id).or_default().push(row);
        }
        assert_eq!(rows_of.len(), 1_500);
        let clustered = rows_of.values().filter(|rows| rows.len() > 1).count();
        let share = clustered as f64 / rows_of.len() as f64;
        assert!((0.30..=0.40).contains(&share), "{share}");
        for rows in rows_of.values() {
            assert!(rows.len() <= 5);
            let sources: HashSet<Source> = rows.iter().map(|row| row.shown.source).collect();
            assert_eq!(sources.len(), rows.len(), "a cluster repeats a source");
            let names: HashSet<(&str, &str, &str)> = rows
                .iter()
                .map(|r| {
                    (
                        r.truth.last_name.as_str(),
                        r.truth.first_name.as_str(),
                        r.truth.patronymic.as_str(),
                    )
                })
                .collect();
            assert_eq!(names.len(), 1, "one entity, one true name");
        }
    }

    #[test]
    fn rows_are_shuffled_and_ids_unique() {
        let data = dataset(4, 800);
        let ids: HashSet<&str> = data.records.iter().map(|row| row.id.as_str()).collect();
        assert_eq!(ids.len(), data.records.len());
        assert_eq!(data.records[0].id, "r000001");
        let neighbours = data
            .records
            .windows(2)
            .filter(|pair| pair[0].truth.entity_id == pair[1].truth.entity_id)
            .count();
        assert!(neighbours < 20, "{neighbours}");
    }

    #[test]
    fn truth_values_are_canonical() {
        let data = dataset(5, 800);
        for row in &data.records {
            let t = &row.truth;
            if !t.phone_e164.is_empty() {
                assert!(
                    t.phone_e164.starts_with("+7") && t.phone_e164.len() == 12,
                    "{}",
                    t.phone_e164
                );
                assert!(t.phone_e164[1..].chars().all(|c| c.is_ascii_digit()));
            } else {
                let digits = row.shown.phone.chars().filter(char::is_ascii_digit).count();
                assert!(
                    digits < 10 || row.shown.phone.contains("000"),
                    "{}",
                    row.shown.phone
                );
            }
            assert_eq!(t.email, t.email.to_lowercase());
            assert!(t.email.is_empty() == row.shown.email.is_empty());
            assert!(t.birth_date.is_empty() || t.birth_date.len() == 10);
            assert!(
                t.city.is_empty() || crate::cities::by_name(&t.city).is_some(),
                "{}",
                t.city
            );
            assert!(!t.last_name.is_empty() && !t.first_name.is_empty());
            let inn: String = row.shown.inn.chars().filter(char::is_ascii_digit).collect();
            if !inn.is_empty() {
                let padded = format!(
                    "{inn:0>width$}",
                    width = if inn.len() <= 10 { 10 } else { 12 }
                );
                assert!(inn_is_valid(&padded), "{}", row.shown.inn);
            }
        }
    }

    #[test]
    fn rows_are_messy_in_the_ways_the_brief_lists() {
        let data = generate(&ContactsConfig::new(2_500, 6));
        let shown = |f: fn(&Shown) -> &str| data.records.iter().map(move |row| f(&row.shown));
        let share = |count: usize| count as f64 / data.records.len() as f64;
        let latin_names = shown(|s| &s.fio)
            .filter(|fio| fio.chars().any(|c| c.is_ascii_alphabetic()))
            .count();
        assert!(share(latin_names) > 0.03, "latin names {latin_names}");
        let initials = shown(|s| &s.fio).filter(|fio| fio.contains('.')).count();
        assert!(share(initials) > 0.05, "initials {initials}");
        let two_phones = shown(|s| &s.phone)
            .filter(|p| p.chars().filter(char::is_ascii_digit).count() >= 20)
            .count();
        assert!(two_phones > 50, "two phones {two_phones}");
        let aliases = data
            .records
            .iter()
            .filter(|row| !row.shown.city.is_empty() && row.shown.city != row.truth.city)
            .count();
        assert!(share(aliases) > 0.25, "aliases {aliases}");
        let serials = shown(|s| &s.birth_date)
            .filter(|d| d.len() == 5 && d.chars().all(|c| c.is_ascii_digit()))
            .count();
        assert!(serials > 50, "excel dates {serials}");
        let companies = shown(|s| &s.company)
            .filter(|c| c.starts_with("ИП "))
            .count();
        assert!(companies > 50, "sole traders {companies}");
    }

    #[test]
    fn csv_files_have_the_promised_headers() {
        let data = generate(&ContactsConfig::new(50, 1));
        let mut records = Vec::new();
        write_records(&data.records, &mut records).expect("write records");
        let mut truth = Vec::new();
        write_truth(&data.records, &mut truth).expect("write truth");
        let records = String::from_utf8(records).expect("utf-8");
        let truth = String::from_utf8(truth).expect("utf-8");
        assert!(
            records.starts_with(
                "id,ФИО,Телефон,Email,Город,Дата рождения,Компания,ИНН,Адрес,Источник\n"
            )
        );
        assert!(truth.starts_with(
            "id,entity_id,phone_e164,email,city,birth_date,last_name,first_name,patronymic,gender\n"
        ));
        let mut reader = csv::Reader::from_reader(records.as_bytes());
        assert_eq!(reader.records().count(), data.records.len());
    }
}
