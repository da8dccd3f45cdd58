//! # synth
//!
//! A seeded generator of messy Russian CRM data with ground truth, used to
//! measure data-quality tools: deduplication and record linkage (pairwise
//! precision, recall, F1), standardisation of phones, e-mails, cities, dates
//! and names (accuracy against the truth columns), and PII detection in free
//! text (span precision and recall).
//!
//! - [`contacts`]: people shown as one row or as clusters of 2–5 rows from
//!   different sources with independent corruptions, plus hard negatives
//!   (families, twins, a father and son, namesakes) that must stay apart.
//! - [`link`]: a FEBRL4-style two-file linkage task with its true pairs.
//! - [`pii`]: CRM texts with exact character spans of personal data among
//!   look-alike distractors.
//! - [`ids`]: the check-digit rules (ИНН, СНИЛС, ОГРН/ОГРНИП, Luhn).
//!
//! What it must not know: this crate is an oracle, so it shares nothing with
//! the product. It carries its own name, surname, city and alias lists, its
//! own transliteration and declension, and depends on no workspace crate, so
//! a tool cannot score well merely by sharing the generator's dictionaries.
//! The same tools will later be judged on other people's exports, so the
//! data is meant to be realistic and hard rather than convenient.
//!
//! Everything is deterministic for a given seed.

pub mod contacts;
pub mod ids;
pub mod link;
pub mod pii;

mod addresses;
mod chance;
mod cities;
mod companies;
mod dates;
mod emails;
mod names;
mod people;
mod phones;
mod render;
mod translit;
mod typos;
