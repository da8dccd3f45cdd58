//! What one capitalised word can be in a name: a first name, a patronymic,
//! a surname (each with the genders and cases its form allows), or a word
//! that only looks like one (a month, a city, a brand, a common noun).
//!
//! It judges a word alone; what its neighbours say is the matcher's job.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use lexicon::{Gender, Names, Places};

use super::inflection::{ANY_CASE, Cases, Declension, NOM, Role, nominatives};

/// Genders × cases a form allows: masculine cases in the low byte, feminine in the high.
pub(crate) type Forms = u16;

pub(crate) const ANY_FORM: Forms = 0x7f7f;

/// How a word stands to the gazetteer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Place {
    #[default]
    None,
    /// A town of 50 000 people or more: a name alone only where a person is
    /// clearly meant («позвоните Королёву»).
    Town,
    /// A city of 250 000 or more: a place, whatever stands around it.
    City,
}

/// Everything a word can be.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Readings {
    pub first: Forms,
    /// How common the first name is (0 for everyday forms and Latin spellings).
    pub first_count: u32,
    /// An everyday or foreign form of a first name (Маша, Sergey).
    pub diminutive: bool,
    pub patronymic: Forms,
    /// The patronymic is in the lists, not only shaped like one.
    pub patronymic_listed: bool,
    pub surname: Forms,
    pub surname_listed: bool,
    /// How common the listed surname is (0 when known only by its ending).
    pub surname_count: u32,
    /// Ends like a Russian family name (-ов, -ин, -ский, -енко, -ук …).
    pub surname_typical: bool,
    /// An ordinary word as well (Спасибо, Готов, Вера).
    pub common: bool,
    /// Never part of a name (months, countries, brands, «Вы»).
    pub never: bool,
    /// A name only beside another name part (Лада, May, Will).
    pub not_alone: bool,
    pub place: Place,
    pub latin: bool,
}

impl Readings {
    pub(crate) fn is_first(&self) -> bool {
        self.first != 0
    }

    pub(crate) fn is_patronymic(&self) -> bool {
        self.patronymic != 0
    }

    pub(crate) fn is_surname(&self) -> bool {
        self.surname != 0
    }
}

/// Reads `word` (as written, any case).
pub(crate) fn analyze(word: &str, latin: bool) -> Readings {
    let folded = fold(word);
    if latin {
        return analyze_latin(&folded);
    }
    let vocabulary = &*VOCABULARY;
    let mut readings = Readings {
        never: vocabulary.never.contains(folded.as_str()),
        not_alone: vocabulary.not_alone.contains(folded.as_str()),
        common: vocabulary.common.contains(folded.as_str()),
        ..Readings::default()
    };
    let names = Names::get();
    nominatives(&folded, |nominative, rule| {
        let (cases, role, declension) = rule.map_or((NOM, None, Declension::Either), |rule| {
            (rule.cases, Some(rule.role), rule.declension)
        });
        if role != Some(Role::Surname) {
            read_first_name(&mut readings, names, nominative, cases, declension);
        }
        if matches!(role, None | Some(Role::Noun)) {
            if let Some(patronymic) = names.patronymic(nominative)
                && fits(declension, Some(patronymic.gender), nominative)
            {
                readings.patronymic |= forms(Some(patronymic.gender), cases);
                readings.patronymic_listed |= !patronymic.father.is_empty();
            }
            if vocabulary.regions.contains(nominative) {
                readings.place = Place::City;
            }
            if let Some(&population) = vocabulary.places.get(nominative) {
                let place = match population {
                    250_000.. => Place::City,
                    50_000.. => Place::Town,
                    _ => Place::None,
                };
                readings.place = readings.place.max(place);
            }
        }
        if role != Some(Role::FirstName)
            && let Some(surname) = names.surname(nominative)
            && fits_surname(declension, surname.gender)
        {
            let cases =
                if rule.is_none() && indeclinable(surname.gender, &surname.masculine, nominative) {
                    ANY_CASE
                } else {
                    cases
                };
            readings.surname |= forms(surname.gender, cases);
            readings.surname_listed |= surname.count > 0;
            readings.surname_count = readings.surname_count.max(surname.count);
            readings.surname_typical |= typical_surname(&surname.masculine);
        }
    });
    readings
}

fn read_first_name(
    readings: &mut Readings,
    names: &Names,
    nominative: &str,
    cases: Cases,
    declension: Declension,
) {
    if let Some(first) = names.first_name(nominative)
        && fits(declension, Some(first.gender), nominative)
    {
        readings.first |= forms(Some(first.gender), cases);
        readings.first_count = readings.first_count.max(first.count);
    }
    // Everyday forms are -а/-я words (Маша, Серёжа, Дима); only they are looked up.
    if nominative.ends_with(['а', 'я'])
        && names
            .full_forms(nominative)
            .iter()
            .any(|full| *full != nominative)
    {
        let gender = names.first_name_gender(nominative);
        if gender.is_none() || fits(declension, gender, nominative) {
            readings.first |= forms(gender, cases);
            readings.diminutive = true;
        }
    }
}

fn analyze_latin(folded: &str) -> Readings {
    let vocabulary = &*VOCABULARY;
    let english_first = vocabulary.english_first.contains(folded);
    let english_surname = vocabulary.english_surnames.contains(folded);
    let russian_first =
        !english_first && folded.len() >= 3 && !Names::get().full_forms(folded).is_empty();
    let russian_surname = !english_first
        && folded.len() >= 5
        && LATIN_SURNAME_ENDINGS
            .iter()
            .any(|ending| folded.ends_with(ending));
    let patronymic = folded.len() >= 7
        && LATIN_PATRONYMIC_ENDINGS
            .iter()
            .any(|ending| folded.ends_with(ending));
    let all = |yes: bool| if yes { ANY_FORM } else { 0 };
    Readings {
        first: all(english_first || russian_first),
        first_count: if english_first { 1000 } else { 0 },
        diminutive: russian_first,
        patronymic: all(patronymic),
        patronymic_listed: patronymic,
        surname: all(english_surname || russian_surname),
        surname_listed: english_surname,
        surname_count: if english_surname { 1000 } else { 0 },
        surname_typical: russian_surname,
        common: vocabulary.english_common.contains(folded),
        never: vocabulary.english_never.contains(folded),
        not_alone: vocabulary.english_not_alone.contains(folded),
        place: Place::None,
        latin: true,
    }
}

const LATIN_SURNAME_ENDINGS: &[&str] = &[
    "ov", "ova", "ev", "eva", "in", "ina", "yn", "yna", "sky", "skiy", "skii", "skij", "skaya",
    "skaja", "enko", "chuk", "yuk", "yan", "shvili", "dze", "ykh", "ikh",
];
const LATIN_PATRONYMIC_ENDINGS: &[&str] =
    &["ovich", "evich", "ovna", "evna", "ichna", "yevich", "yevna"];

/// Whether a rule's declension can produce a form of a name of `gender`.
fn fits(declension: Declension, gender: Option<Gender>, nominative: &str) -> bool {
    match (declension, gender) {
        (Declension::Either, _) | (_, None) => true,
        (Declension::Masculine, Some(gender)) => gender == Gender::Male,
        // Никита and Илья decline like Анна.
        (Declension::Feminine, Some(gender)) => {
            gender == Gender::Female || nominative.ends_with(['а', 'я'])
        }
    }
}

fn fits_surname(declension: Declension, gender: Option<Gender>) -> bool {
    match declension {
        Declension::Either => true,
        Declension::Masculine => gender != Some(Gender::Female),
        Declension::Feminine => gender != Some(Gender::Male),
    }
}

/// Surnames that do not decline: feminine ones on a consonant (Ковальчук),
/// and -о, -их/-ых, -е, -и, -у (Шевченко, Черных, Дюма) for both genders.
fn indeclinable(gender: Option<Gender>, masculine: &str, nominative: &str) -> bool {
    gender.is_none()
        || (gender == Some(Gender::Female) && masculine == nominative)
        || ["о", "их", "ых", "е", "и", "у", "ю"]
            .iter()
            .any(|ending| nominative.ends_with(ending))
}

fn typical_surname(masculine: &str) -> bool {
    [
        "ов",
        "ев",
        "ин",
        "ын",
        "ский",
        "цкий",
        "ской",
        "цкой",
        "енко",
        "ук",
        "юк",
        "ян",
        "дзе",
        "швили",
        "ых",
        "их",
        "ович",
        "евич",
    ]
    .iter()
    .any(|ending| masculine.ends_with(ending))
}

fn forms(gender: Option<Gender>, cases: Cases) -> Forms {
    let cases = Forms::from(cases);
    match gender {
        Some(Gender::Male) => cases,
        Some(Gender::Female) => cases << 8,
        None => cases | (cases << 8),
    }
}

/// Lower case with ё as е: the form every list is kept in.
pub(crate) fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

struct Vocabulary {
    never: HashSet<&'static str>,
    not_alone: HashSet<&'static str>,
    common: HashSet<&'static str>,
    english_first: HashSet<&'static str>,
    english_surnames: HashSet<&'static str>,
    english_not_alone: HashSet<&'static str>,
    english_never: HashSet<&'static str>,
    english_common: HashSet<&'static str>,
    /// Regions and countries, by nominative.
    regions: HashSet<&'static str>,
    /// Folded city names (50 000 people or more) → population.
    places: HashMap<String, u32>,
}

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| Vocabulary {
    never: words(include_str!("../../data/ru_never.txt")),
    not_alone: words(include_str!("../../data/ru_not_alone.txt")),
    common: words(include_str!("../../data/ru_common.txt")),
    english_first: words(include_str!("../../data/en_first_names.txt")),
    english_surnames: words(include_str!("../../data/en_surnames.txt")),
    english_not_alone: words(include_str!("../../data/en_not_alone.txt")),
    english_never: words(include_str!("../../data/en_never.txt")),
    english_common: words(include_str!("../../data/en_common.txt")),
    regions: words(include_str!("../../data/ru_places.txt")),
    places: Places::get()
        .cities()
        .iter()
        .filter(|city| city.population >= 50_000)
        .map(|city| (fold(&city.name), city.population))
        .collect(),
});

/// The words of a list file: whitespace-separated, `#` lines are comments.
fn words(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::inflection::{DAT, GEN, INS};

    const FEMININE: u32 = 8;

    fn has(forms: Forms, cases: Cases, feminine: bool) -> bool {
        let shifted = if feminine {
            forms >> FEMININE
        } else {
            forms & 0xff
        };
        shifted & Forms::from(cases) != 0
    }

    #[test]
    fn case_forms_of_names_are_recognised_with_gender() {
        let maria = analyze("Марии", false);
        assert!(has(maria.first, GEN | DAT, true), "{maria:?}");
        let ivanovoi = analyze("Ивановой", false);
        assert!(
            has(ivanovoi.surname, DAT, true) && ivanovoi.surname_listed && ivanovoi.surname_typical
        );
        let petrovym = analyze("Петровым", false);
        assert!(has(petrovym.surname, INS, false));
        let sergeevne = analyze("Сергеевне", false);
        assert!(has(sergeevne.patronymic, DAT, true));
        assert!(analyze("Маше", false).diminutive);
        assert!(analyze("Ильёй", false).is_first());
    }

    #[test]
    fn places_and_months_are_marked() {
        assert_eq!(analyze("Екатеринбурге", false).place, Place::City);
        assert!(analyze("Января", false).never);
        assert!(analyze("Марта", false).not_alone);
        assert!(analyze("Sergey", true).is_first());
        assert!(analyze("Ivanov", true).is_surname());
    }
}
