//! Cities as people write them: one city under several spellings
//! ("Москва", "г. Москва", "МСК", "Moscow"), with its region, phone code and
//! tax region.
//!
//! The aliases are the point: later standardisation work must fold them into
//! one city. This module does not decide who lives where.

use rand::rngs::StdRng;

use crate::chance::{chance, pick, pick_weighted};

/// A city and the ways it is written.
#[derive(Debug)]
pub(crate) struct City {
    /// The standard Russian name.
    pub(crate) name: &'static str,
    /// Other spellings met in CRM data, the standard one excluded.
    pub(crate) aliases: &'static [&'static str],
    /// The English name, when people write one.
    pub(crate) english: Option<&'static str>,
    /// Regions as people write them.
    pub(crate) regions: &'static [&'static str],
    /// Landline area codes (three digits after +7).
    pub(crate) area_codes: &'static [&'static str],
    /// The first two digits of ИНН issued there.
    pub(crate) tax_region: &'static str,
    /// How often contacts live there, relative to the others.
    weight: f64,
}

/// Every city the demo shop sells to.
pub(crate) const CITIES: &[City] = &[
    City {
        name: "Москва",
        aliases: &["г. Москва", "МСК", "москва", "г.Москва", "Мск"],
        english: Some("Moscow"),
        regions: &["Москва", "Московская обл.", "Московская область"],
        area_codes: &["495", "499"],
        tax_region: "77",
        weight: 38.0,
    },
    City {
        name: "Санкт-Петербург",
        aliases: &["СПб", "Питер", "г. Санкт-Петербург", "спб", "С.-Петербург"],
        english: Some("Saint Petersburg"),
        regions: &[
            "Санкт-Петербург",
            "Ленинградская обл.",
            "Ленинградская область",
        ],
        area_codes: &["812"],
        tax_region: "78",
        weight: 18.0,
    },
    City {
        name: "Екатеринбург",
        aliases: &["Екб", "г. Екатеринбург", "екатеринбург", "ЕКБ"],
        english: Some("Yekaterinburg"),
        regions: &["Свердловская область", "Свердловская обл."],
        area_codes: &["343"],
        tax_region: "66",
        weight: 8.0,
    },
    City {
        name: "Казань",
        aliases: &["г. Казань", "казань"],
        english: Some("Kazan"),
        regions: &["Республика Татарстан", "Татарстан", "РТ"],
        area_codes: &["843"],
        tax_region: "16",
        weight: 7.0,
    },
    City {
        name: "Новосибирск",
        aliases: &["Нск", "г. Новосибирск", "новосибирск", "НСК"],
        english: Some("Novosibirsk"),
        regions: &["Новосибирская область", "Новосибирская обл."],
        area_codes: &["383"],
        tax_region: "54",
        weight: 7.0,
    },
    City {
        name: "Владивосток",
        aliases: &["г. Владивосток", "Влад", "владивосток"],
        english: Some("Vladivostok"),
        regions: &["Приморский край", "Приморье"],
        area_codes: &["423"],
        tax_region: "25",
        weight: 4.0,
    },
    City {
        name: "Нижний Новгород",
        aliases: &["Н. Новгород", "г. Нижний Новгород", "Нижний", "НН"],
        english: Some("Nizhny Novgorod"),
        regions: &["Нижегородская область", "Нижегородская обл."],
        area_codes: &["831"],
        tax_region: "52",
        weight: 5.0,
    },
    City {
        name: "Краснодар",
        aliases: &["г. Краснодар", "КРД", "краснодар"],
        english: None,
        regions: &["Краснодарский край", "Кубань"],
        area_codes: &["861"],
        tax_region: "23",
        weight: 5.0,
    },
    City {
        name: "Ростов-на-Дону",
        aliases: &["Ростов", "г. Ростов-на-Дону", "Ростов-на-дону"],
        english: Some("Rostov-on-Don"),
        regions: &["Ростовская область", "Ростовская обл."],
        area_codes: &["863"],
        tax_region: "61",
        weight: 4.0,
    },
    City {
        name: "Самара",
        aliases: &["г. Самара", "самара"],
        english: Some("Samara"),
        regions: &["Самарская область", "Самарская обл."],
        area_codes: &["846"],
        tax_region: "63",
        weight: 4.0,
    },
];

/// The index in [`CITIES`] of a city drawn by how many customers live there.
pub(crate) fn city_index(rng: &mut StdRng) -> usize {
    let weighted: Vec<(usize, f64)> = CITIES
        .iter()
        .enumerate()
        .map(|(index, city)| (index, city.weight))
        .collect();
    pick_weighted(rng, &weighted)
}

/// How a person writes their city: usually the standard name, often an
/// alias, and in English for English speakers when there is an English name.
pub(crate) fn written_city(rng: &mut StdRng, city: &City, prefers_english: bool) -> String {
    if let Some(english) = city.english
        && (prefers_english && chance(rng, 0.7) || chance(rng, 0.03))
    {
        return english.to_string();
    }
    if chance(rng, 0.55) {
        city.name.to_string()
    } else {
        (*pick(rng, city.aliases)).to_string()
    }
}

/// A different spelling of the city than `previous`, when the city has one.
pub(crate) fn other_spelling(rng: &mut StdRng, city: &City, previous: &str) -> String {
    let spellings: Vec<&str> = std::iter::once(city.name)
        .chain(city.aliases.iter().copied())
        .filter(|it| *it != previous)
        .collect();
    (*pick(rng, &spellings)).to_string()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn moscow_and_st_petersburg_are_written_several_ways() {
        // Arrange
        let mut rng = StdRng::seed_from_u64(11);
        // Act
        let moscow: std::collections::BTreeSet<String> = (0..300)
            .map(|_| written_city(&mut rng, &CITIES[0], false))
            .collect();
        let petersburg: std::collections::BTreeSet<String> = (0..300)
            .map(|_| written_city(&mut rng, &CITIES[1], true))
            .collect();
        // Assert
        for expected in ["Москва", "г. Москва", "МСК", "москва", "Moscow"] {
            assert!(
                moscow.contains(expected),
                "{expected} missing from {moscow:?}"
            );
        }
        for expected in ["Санкт-Петербург", "СПб", "Питер", "Saint Petersburg"]
        {
            assert!(
                petersburg.contains(expected),
                "{expected} missing from {petersburg:?}"
            );
        }
    }

    #[test]
    fn another_spelling_is_never_the_same_one() {
        let mut rng = StdRng::seed_from_u64(2);
        for city in CITIES {
            for _ in 0..10 {
                assert_ne!(other_spelling(&mut rng, city, city.name), city.name);
            }
        }
    }
}
