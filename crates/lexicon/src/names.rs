//! Russian first names, patronymics and surnames: gender, everyday forms,
//! feminine surname forms.

use std::collections::HashMap;
use std::io::Read;
use std::sync::LazyLock;

use crate::{Gender, fold, latin_key};

/// A first name as the name lists know it.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstName {
    /// The full form, as written (`Александр`).
    pub name: String,
    pub gender: Gender,
    /// How often it occurs in the source lists: a tie-breaker, not a probability.
    pub count: u32,
}

/// A patronymic: whose child, and the child's gender.
#[derive(Debug, Clone, PartialEq)]
pub struct Patronymic {
    pub gender: Gender,
    /// The father's first name (`Илья` for `Ильинична`).
    pub father: String,
}

/// A surname form: the gender it marks, if any, and its masculine form
/// (`Иванова` → `Иванов`; `Ковальчук` marks none and is its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Surname {
    pub gender: Option<Gender>,
    pub masculine: String,
    pub count: u32,
}

/// The name lists, loaded once (see [`Names::get`]).
pub struct Names {
    first: HashMap<String, FirstName>,
    /// Folded everyday, foreign or transliterated form → full forms it can stand for.
    forms: HashMap<String, Vec<String>>,
    patronymics: HashMap<String, Patronymic>,
    surnames: HashMap<String, Surname>,
}

static NAMES: LazyLock<Names> = LazyLock::new(Names::load);

const FIRST_NAMES: &str = include_str!("../data/first_names.tsv");
const PATRONYMICS: &str = include_str!("../data/patronymics.tsv");
const DIMINUTIVES: &str = include_str!("../data/diminutives.tsv");
const SURNAMES_GZ: &[u8] = include_bytes!("../data/surnames.tsv.gz");

fn tsv(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').collect())
}

impl Names {
    /// The lists, parsed on first use (about 0.2 s; 150k surnames).
    pub fn get() -> &'static Names {
        &NAMES
    }

    fn load() -> Names {
        let mut first: HashMap<String, FirstName> = HashMap::new();
        for cols in tsv(FIRST_NAMES) {
            let (Some(name), Some(gender), Some(count)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let Some(gender) = Gender::from_code(gender) else {
                continue;
            };
            let count = count.parse().unwrap_or(0);
            let entry = FirstName {
                name: (*name).to_string(),
                gender,
                count,
            };
            let key = fold(name);
            // The same spelling for both genders (Саша, Женя) keeps the commoner.
            if first.get(&key).is_none_or(|old| old.count < count) {
                first.insert(key, entry);
            }
        }

        let mut forms: HashMap<String, Vec<String>> = HashMap::new();
        for cols in tsv(DIMINUTIVES) {
            let (Some(full), Some(list)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let full = fold(full);
            for form in list.split('|').chain(std::iter::once(full.as_str())) {
                for key in [fold(form), latin_key(form)] {
                    let targets = forms.entry(key).or_default();
                    if !targets.contains(&full) {
                        targets.push(full.clone());
                    }
                }
            }
        }
        // Every full name under its Latin key too (Latin records meet Cyrillic ones),
        // unless a hand-written form already claims that key.
        let mut by_count: Vec<&FirstName> = first.values().collect();
        by_count.sort_by_key(|name| std::cmp::Reverse(name.count));
        for name in by_count {
            forms
                .entry(latin_key(&name.name))
                .or_insert_with(|| vec![fold(&name.name)]);
        }

        let mut patronymics = HashMap::new();
        for cols in tsv(PATRONYMICS) {
            let (Some(text), Some(gender), Some(father)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let Some(gender) = Gender::from_code(gender) else {
                continue;
            };
            patronymics.entry(fold(text)).or_insert(Patronymic {
                gender,
                father: (*father).to_string(),
            });
        }

        let mut surnames = HashMap::new();
        let mut text = String::new();
        // The data is compiled in; a corrupt archive is a build defect that tests catch.
        if flate2::read::GzDecoder::new(SURNAMES_GZ)
            .read_to_string(&mut text)
            .is_err()
        {
            text.clear();
        }
        for cols in tsv(&text) {
            let (Some(surname), Some(gender)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let feminine = cols.get(2).copied().unwrap_or("");
            let count = cols.get(3).and_then(|c| c.parse().ok()).unwrap_or(0);
            let key = fold(surname);
            match Gender::from_code(gender) {
                Some(Gender::Male) => {
                    surnames.insert(
                        key,
                        Surname {
                            gender: Some(Gender::Male),
                            masculine: fold(surname),
                            count,
                        },
                    );
                    if !feminine.is_empty() {
                        surnames.insert(
                            fold(feminine),
                            Surname {
                                gender: Some(Gender::Female),
                                masculine: fold(surname),
                                count,
                            },
                        );
                    }
                }
                Some(Gender::Female) => {
                    let masculine = masculine_of(&key).unwrap_or_else(|| key.clone());
                    surnames.entry(key).or_insert(Surname {
                        gender: Some(Gender::Female),
                        masculine,
                        count,
                    });
                }
                None => {
                    surnames.entry(key.clone()).or_insert(Surname {
                        gender: None,
                        masculine: key,
                        count,
                    });
                }
            }
        }
        Names {
            first,
            forms,
            patronymics,
            surnames,
        }
    }

    /// The first name spelled exactly so (any case, `ё`/`е`).
    pub fn first_name(&self, word: &str) -> Option<&FirstName> {
        self.first.get(&fold(word))
    }

    /// The full first names `word` can stand for, folded: itself if it is one,
    /// and what it is an everyday, foreign or transliterated form of
    /// (`Саша` → `александр`, `александра`; `Yuliya` → `юлия`).
    pub fn full_forms(&self, word: &str) -> Vec<&str> {
        let key = fold(word);
        let mut out: Vec<&str> = Vec::new();
        if let Some((full, _)) = self.first.get_key_value(&key) {
            out.push(full);
        }
        for lookup in [key.clone(), latin_key(&key)] {
            if let Some(targets) = self.forms.get(&lookup) {
                for target in targets {
                    if !out.contains(&target.as_str()) {
                        out.push(target);
                    }
                }
            }
        }
        out
    }

    /// The gender a first name marks, through its full forms when they agree.
    pub fn first_name_gender(&self, word: &str) -> Option<Gender> {
        let mut genders = self
            .full_forms(word)
            .into_iter()
            .filter_map(|full| self.first.get(full).map(|name| name.gender));
        let first = genders.next()?;
        genders.all(|g| g == first).then_some(first)
    }

    /// The patronymic spelled so, or one that looks like a patronymic by its
    /// ending (-ович, -евич, -ична, -инична, -овна, -евна; also -оглы, -кызы).
    pub fn patronymic(&self, word: &str) -> Option<Patronymic> {
        let key = fold(word);
        if let Some(found) = self.patronymics.get(&key) {
            return Some(found.clone());
        }
        let char_count = key.chars().count();
        if char_count < 5 {
            return None;
        }
        let gender = if ["ович", "евич", "ьич"].iter().any(|end| key.ends_with(end))
            || key.ends_with("оглы")
        {
            Gender::Male
        } else if ["овна", "евна", "ична"]
            .iter()
            .any(|end| key.ends_with(end))
            || key.ends_with("кызы")
        {
            Gender::Female
        } else {
            return None;
        };
        Some(Patronymic {
            gender,
            father: String::new(),
        })
    }

    /// The surname spelled so, or one that looks like a Russian surname by its
    /// ending (-ов/-ова, -ев/-ева, -ин/-ина, -ский/-ская, ...).
    pub fn surname(&self, word: &str) -> Option<Surname> {
        let key = fold(word);
        if let Some(found) = self.surnames.get(&key) {
            return Some(found.clone());
        }
        if key.chars().count() < 4 || !key.chars().all(|c| c.is_alphabetic() || c == '-') {
            return None;
        }
        if let Some(masculine) = masculine_of(&key) {
            return Some(Surname {
                gender: Some(Gender::Female),
                masculine,
                count: 0,
            });
        }
        ["ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ской"]
            .iter()
            .any(|end| key.ends_with(end))
            .then(|| Surname {
                gender: Some(Gender::Male),
                masculine: key.clone(),
                count: 0,
            })
    }

    /// How many surnames the lists hold (both gender forms counted).
    pub fn surname_count(&self) -> usize {
        self.surnames.len()
    }
}

/// The masculine form of a feminine surname by its ending, if it has one.
fn masculine_of(feminine: &str) -> Option<String> {
    for (end, masculine_end) in [
        ("ова", "ов"),
        ("ева", "ев"),
        ("ёва", "ёв"),
        ("ина", "ин"),
        ("ына", "ын"),
        ("ская", "ский"),
        ("цкая", "цкий"),
    ] {
        if let Some(stem) = feminine.strip_suffix(end)
            && stem.chars().count() >= 2
        {
            return Some(format!("{stem}{masculine_end}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_names_know_gender_and_everyday_forms() {
        let names = Names::get();
        assert_eq!(
            names.first_name("СВЕТЛАНА").map(|n| n.gender),
            Some(Gender::Female)
        );
        let sasha = names.full_forms("Саша");
        assert!(sasha.contains(&"александр") && sasha.contains(&"александра"));
        assert_eq!(names.full_forms("Дима"), vec!["дмитрий"]);
        assert!(names.full_forms("Yuliya").contains(&"юлия"));
        assert!(names.full_forms("Alexander").contains(&"александр"));
        assert!(names.full_forms("Артем").contains(&"артем"));
        assert_eq!(names.first_name_gender("Саша"), None);
        assert_eq!(names.first_name_gender("Ваня"), Some(Gender::Male));
        assert!(names.full_forms("Стол").is_empty());
    }

    #[test]
    fn patronymics_mark_gender_even_when_unlisted() {
        let names = Names::get();
        assert_eq!(
            names.patronymic("Ильинична").map(|p| p.gender),
            Some(Gender::Female)
        );
        assert_eq!(
            names.patronymic("Ильинична").map(|p| p.father),
            Some("Илья".into())
        );
        assert_eq!(
            names.patronymic("Зурабович").map(|p| p.gender),
            Some(Gender::Male)
        );
        assert_eq!(names.patronymic("Иванов"), None);
    }

    #[test]
    fn surnames_pair_their_gender_forms() {
        let names = Names::get();
        assert!(names.surname_count() > 100_000);
        let ivanova = names.surname("Иванова").expect("listed");
        assert_eq!(
            (ivanova.gender, ivanova.masculine.as_str()),
            (Some(Gender::Female), "иванов")
        );
        assert_eq!(names.surname("Ковальчук").map(|s| s.gender), Some(None));
        let unlisted = names.surname("Пупырышкина").expect("by ending");
        assert_eq!(unlisted.masculine, "пупырышкин");
        assert_eq!(names.surname("и"), None);
        assert_eq!(names.surname("Ли").map(|s| s.gender), Some(None));
    }
}
