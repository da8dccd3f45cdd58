//! Phrase lists matched by stems, so a list that says «Нижний Новгород»
//! finds «до Нижнего Новгорода» and gives the canonical name back: lookup
//! tables from the training data, synonyms, and the Russian city gazetteer
//! of the `lexicon` crate (names, aliases like «Питер», «ЕКБ», Latin).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::{Token, fold, is_cyrillic, stem, tokenize};

/// The list name the built-in city gazetteer files its matches under.
pub const CITY: &str = "city";

/// Cities of at least this many people are "big": a small town named like
/// a common word («Находка», «Мирный») says less than Москва does.
const BIG_CITY: u32 = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub list: String,
    pub canonical: String,
    pub big: bool,
}

/// A list phrase found in a message, over tokens `first..last`.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub entry: &'a Entry,
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entries: HashMap<String, Vec<Entry>>,
    longest: usize,
}

/// The key of a phrase: its words as written (case and «ё» folded, slang
/// not spelled out: «Питер» and «Питера» must meet) without case endings.
pub fn key(tokens: &[Token]) -> String {
    let parts: Vec<String> = tokens
        .iter()
        .map(|t| {
            let folded = fold(&t.text);
            if is_cyrillic(&folded) {
                bare(&folded)
            } else {
                stem(&folded)
            }
        })
        .collect();
    parts.join(" ")
}

/// A Russian word without its case ending, found by the ending alone. Not
/// Snowball: it reads «Ростов» as a plural and cuts it to «рост», while
/// «Ростова» keeps «ростов»; names need the nominative and the other cases
/// to meet, and one ending off each does that.
fn bare(word: &str) -> String {
    const ENDINGS: &[&str] = &[
        "ами", "ями", "ого", "ью", "его", "ому", "ему", "ыми", "ими", "ах", "ях", "ам", "ям", "ой",
        "ей", "ом", "ем", "ою", "ею", "ым", "им", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие",
        "ых", "их", "ий", "ый", "а", "я", "у", "ю", "е", "ы", "и", "о", "ь",
    ];
    for ending in ENDINGS {
        if let Some(rest) = word.strip_suffix(ending)
            && rest.chars().count() >= 2
        {
            return rest.to_string();
        }
    }
    word.to_string()
}

impl Gazetteer {
    pub fn add(&mut self, list: &str, phrase: &str, canonical: &str, big: bool) {
        let tokens = tokenize(phrase);
        if tokens.is_empty() {
            return;
        }
        self.longest = self.longest.max(tokens.len());
        let entries = self.entries.entry(key(&tokens)).or_default();
        if !entries.iter().any(|e| e.list == list) {
            entries.push(Entry {
                list: list.to_string(),
                canonical: canonical.to_string(),
                big,
            });
        }
    }

    /// Every list phrase in the message; at each position the longest
    /// phrase wins, and a phrase's words are not matched again inside it.
    pub fn find<'a>(&'a self, tokens: &[Token]) -> Vec<Found<'a>> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut advanced = false;
            for len in (1..=self.longest.min(tokens.len() - i)).rev() {
                if let Some(entries) = self.entries.get(&key(&tokens[i..i + len])) {
                    found.extend(entries.iter().map(|entry| Found {
                        entry,
                        first: i,
                        last: i + len,
                    }));
                    i += len;
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                i += 1;
            }
        }
        found
    }

    /// Russian cities by every spelling the `lexicon` gazetteer knows.
    pub fn cities() -> &'static Gazetteer {
        static CITIES: LazyLock<Gazetteer> = LazyLock::new(|| {
            let mut gazetteer = Gazetteer::default();
            // Larger cities first: where two share a spelling («Ростов»),
            // the first added keeps it, whatever order the lexicon's map has.
            let mut spellings: Vec<_> = lexicon::Places::get().city_spellings().collect();
            spellings.sort_by(|(a, x), (b, y)| {
                y.population
                    .cmp(&x.population)
                    .then_with(|| x.name.cmp(&y.name))
                    .then_with(|| a.cmp(b))
            });
            for (spelling, city) in spellings {
                gazetteer.add(CITY, spelling, &city.name, city.population >= BIG_CITY);
            }
            gazetteer
        });
        &CITIES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cities_in_any_case_and_gives_the_canonical_name() {
        let tokens = tokenize(
            "доставка из Нижнего Новгорода до Ростова-на-Дону через Питер и Екб, под Казанью, в спб",
        );
        let found: Vec<(&str, usize, usize)> = Gazetteer::cities()
            .find(&tokens)
            .iter()
            .map(|f| (f.entry.canonical.as_str(), f.first, f.last))
            .collect();
        assert_eq!(
            found,
            [
                ("Нижний Новгород", 2, 4),
                ("Ростов-на-Дону", 5, 8),
                ("Санкт-Петербург", 9, 10),
                ("Екатеринбург", 11, 12),
                ("Казань", 13, 14),
                ("Санкт-Петербург", 15, 16)
            ]
        );
    }

    #[test]
    fn a_lookup_table_matches_its_case_forms() {
        let mut gazetteer = Gazetteer::default();
        gazetteer.add("level", "продвинутый", "продвинутый", true);
        let tokens = tokenize("для продвинутого уровня");
        let found = gazetteer.find(&tokens);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first, found[0].last), (1, 2));
    }
}
