//! # lexicon
//!
//! What Russian people and places are called, as data a program can ask:
//! first names with gender and everyday forms (Саша → Александр), patronymics,
//! surnames with their feminine forms, the cities and regions of Russia with
//! the aliases people type («МСК», «Питер», «ЕКБ», Latin spellings), and a
//! transliteration key that makes `Юлия`, `Yuliya` and `Iuliia` compare equal.
//!
//! # What it is for
//!
//! Standardising, matching and finding names and places in CRM data
//! (the `quality` and `pii` crates). Lookups take any case and `ё`/`е`.
//!
//! # What it must not know
//!
//! Records, files, stores: it is data and lookups, nothing else. The data
//! comes from public sets (see `data/README.md` for sources and licences)
//! and is loaded once, on first use.

mod names;
mod places;
mod translit;

pub use names::{FirstName, Names, Patronymic, Surname};
pub use places::{City, Places, Region, transposition_distance};
pub use translit::{latin_key, to_latin};

/// A person's grammatical gender, as names and patronymics mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    fn from_code(code: &str) -> Option<Gender> {
        match code {
            "m" => Some(Gender::Male),
            "f" => Some(Gender::Female),
            _ => None,
        }
    }

    /// `m` or `f`.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "m",
            Gender::Female => "f",
        }
    }
}

/// Lower case, `ё` as `е`, surrounding space trimmed: the form every lookup
/// key is kept in.
pub fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}
