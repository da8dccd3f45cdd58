//! Reference dictionaries (справочники) for categorical fields: each value
//! people write is mapped to one canonical name («директ», «yandex direct»
//! → «Яндекс Директ»); a value the dictionary does not know gets a
//! suggestion, never a silent guess. Users edit the dictionaries as YAML.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::QualityError;

const SOURCES: &str = include_str!("../data/sources.yaml");

/// A dictionary: canonical values and the spellings that mean them.
#[derive(Debug, Clone)]
pub struct Dictionary {
    canonical: Vec<String>,
    /// Key of a spelling → index of its canonical value.
    index: HashMap<String, usize>,
}

/// The key every spelling is compared by: tokens folded, punctuation gone,
/// transliterated to one Latin key, so «Яндекс.Директ» and «yandex direct» meet.
fn key(text: &str) -> String {
    let folded = lexicon::fold(text);
    let tokens: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(lexicon::latin_key)
        .collect();
    tokens.join(" ")
}

impl Dictionary {
    /// The built-in dictionary of lead sources.
    pub fn lead_sources() -> Dictionary {
        // The built-in file is part of the binary and covered by tests.
        Dictionary::parse(SOURCES).unwrap_or(Dictionary {
            canonical: Vec::new(),
            index: HashMap::new(),
        })
    }

    /// Reads a dictionary: YAML mapping each canonical value to its spellings.
    pub fn read(path: &Path) -> Result<Dictionary, QualityError> {
        let text = std::fs::read_to_string(path).map_err(|source| QualityError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        Dictionary::parse(&text).map_err(|reason| QualityError::Config {
            file: path.to_path_buf(),
            reason,
        })
    }

    fn parse(text: &str) -> Result<Dictionary, String> {
        let entries: BTreeMap<String, Vec<String>> = serde_norway::from_str(text).map_err(|e| {
            format!("{e}; expected `Canonical name: [spelling, spelling, ...]` per line")
        })?;
        let mut dictionary = Dictionary {
            canonical: Vec::new(),
            index: HashMap::new(),
        };
        for (canonical, spellings) in entries {
            let i = dictionary.canonical.len();
            dictionary.index.insert(key(&canonical), i);
            for spelling in spellings {
                dictionary.index.entry(key(&spelling)).or_insert(i);
            }
            dictionary.canonical.push(canonical);
        }
        Ok(dictionary)
    }

    /// The canonical value `text` is a known spelling of.
    pub fn lookup(&self, text: &str) -> Option<&str> {
        self.index
            .get(&key(text))
            .and_then(|&i| self.canonical.get(i))
            .map(String::as_str)
    }

    /// The canonical value `text` most probably means, for a person to
    /// confirm: a known spelling inside it («реклама в яндекс директ»), or one
    /// close to it (typos).
    pub fn suggest(&self, text: &str) -> Option<&str> {
        let wanted = key(text);
        if wanted.is_empty() {
            return None;
        }
        let padded = format!(" {wanted} ");
        let contained = self
            .index
            .iter()
            .filter(|(spelling, _)| {
                spelling.len() >= 4 && padded.contains(&format!(" {spelling} "))
            })
            .max_by_key(|(spelling, _)| spelling.len());
        if let Some((_, &i)) = contained {
            return self.canonical.get(i).map(String::as_str);
        }
        self.index
            .iter()
            .map(|(spelling, i)| (strsim::jaro_winkler(spelling, &wanted), *i))
            .filter(|(similarity, _)| *similarity >= 0.9)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, i)| self.canonical.get(i))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_source_meet() {
        let sources = Dictionary::lead_sources();
        for text in [
            "Яндекс Директ",
            "директ",
            "yandex direct",
            "Яндекс.Директ",
            "YANDEX DIRECT",
            "яндекс директ",
        ] {
            assert_eq!(sources.lookup(text), Some("Яндекс Директ"), "{text}");
        }
        assert_eq!(sources.lookup("сарафанное радио"), Some("Рекомендация"));
        assert_eq!(sources.lookup("что-то своё"), None);
    }

    #[test]
    fn unknown_values_get_a_suggestion_not_a_mapping() {
        let sources = Dictionary::lead_sources();
        assert_eq!(sources.lookup("реклама в яндекс директ"), None);
        assert_eq!(
            sources.suggest("реклама в яндекс директ"),
            Some("Яндекс Директ")
        );
        assert_eq!(sources.suggest("Авитто"), Some("Авито"));
        assert_eq!(sources.suggest("совсем другое"), None);
    }

    #[test]
    fn a_broken_dictionary_file_says_what_was_expected() {
        let error = Dictionary::parse("Яндекс: [директ\n").unwrap_err();
        assert!(error.contains("expected `Canonical name:"), "{error}");
    }
}
