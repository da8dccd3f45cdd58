//! Client companies of the B2B side: ООО, АО and sole proprietors (ИП) with
//! valid ИНН and ОГРН check digits, an industry and a city.
//!
//! Names are written as Russian CRMs hold them, quotes and all. A few
//! companies have no ИНН, as in real data. Their people are made in `contacts`.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Id, Record};
use rand::Rng;
use serde_json::json;

use crate::chance::{chance, moment_between, pick, pick_weighted};
use crate::factory::Factory;
use crate::names::{latin, person};
use crate::places::{CITIES, city_index};

/// What other generators need to know about a company.
#[derive(Debug, Clone)]
pub(crate) struct CompanyInfo {
    /// Its id.
    pub(crate) id: Id,
    /// The name as stored.
    pub(crate) name: String,
    /// Its city, an index into [`CITIES`].
    pub(crate) city: usize,
}

#[rustfmt::skip]
const FIRST_PARTS: &[&str] = &[
    "Спорт", "Техно", "Торг", "Профи", "Сиб", "Урал", "Волга", "Нева", "Восток", "Мега", "Гранд", "Евро", "Бизнес",
    "Стиль", "Кросс", "Дальне", "Транс", "Опт", "Смарт", "Фит",
];
#[rustfmt::skip]
const SECOND_PARTS: &[&str] = &[
    "Лайн", "Маркет", "Трейд", "Снаб", "Групп", "Логистик", "Сервис", "Ком", "Шуз", "Строй", "Импорт", "Старт",
];
#[rustfmt::skip]
const WHOLE_NAMES: &[&str] = &[
    "Вектор", "Меридиан", "Атлант", "Горизонт", "Альфа", "Орион", "Магистраль", "Полюс", "Каскад", "Ритм",
];
#[rustfmt::skip]
const INDUSTRIES: &[&str] = &[
    "Розничная торговля обувью", "Спортивные товары", "Фитнес-клуб", "Логистика", "Оптовая торговля", "Электроника",
    "Интернет-магазин", "Корпоративные подарки", "Грузоперевозки", "Школа танцев", "Маркетплейс-селлер",
];

/// Makes `count` companies, all added before the first contact (who may
/// work for one) in the year before `now`.
pub(crate) fn generate_companies(
    factory: &mut Factory,
    count: usize,
    now: DateTime<Utc>,
) -> (Vec<Record>, Vec<CompanyInfo>) {
    let mut records = Vec::with_capacity(count);
    let mut infos = Vec::with_capacity(count);
    let mut taken = BTreeSet::new();
    for index in 0..count {
        let rng = &mut factory.rng;
        let city = city_index(rng);
        let legal_form = pick_weighted(
            rng,
            &[
                ("ООО", 62.0),
                ("ИП", 26.0),
                ("АО", 8.0),
                ("ПАО", 1.0),
                ("ЗАО", 3.0),
            ],
        );
        let (name, brand) = company_name(factory, legal_form, &mut taken);
        let rng = &mut factory.rng;
        let is_sole = legal_form == "ИП";
        let inn = chance(rng, 0.9).then(|| {
            if is_sole {
                inn_12(rng, CITIES[city].tax_region)
            } else {
                inn_10(rng, CITIES[city].tax_region)
            }
        });
        let ogrn = chance(rng, 0.6).then(|| ogrn(rng, CITIES[city].tax_region, is_sole));
        let area_code = pick(rng, CITIES[city].area_codes);
        let phone = format!(
            "+7 ({area_code}) {}-{:02}-{:02}",
            rng.random_range(200..1000),
            rng.random_range(0..100),
            rng.random_range(0..100)
        );
        let domain = format!("{}.ru", latin(&brand));
        let created_at =
            moment_between(rng, now - TimeDelta::days(362), now - TimeDelta::days(345));
        let raw = json!({
            "name": name, "legal_form": legal_form, "inn": inn, "ogrn": ogrn,
            "industry": pick(rng, INDUSTRIES), "city": CITIES[city].name, "phones": phone,
            "emails": if is_sole { None } else { Some(format!("info@{domain}")) },
            "website": (!is_sole && chance(rng, 0.7)).then(|| format!("https://{domain}")),
            "source_system": "bitrix24", "external_id": format!("CO-{}", 300 + index * 7),
        });
        let mut record = factory.make(EntityKind::Company, raw, created_at);
        record.updated_at = moment_between(&mut factory.rng, created_at, now);
        infos.push(CompanyInfo {
            id: record.id,
            name,
            city,
        });
        records.push(record);
    }
    (records, infos)
}

/// A name not yet taken, as stored, and the brand word used for its domain.
/// Legal entities get distinct brands, so no two share an e-mail domain.
fn company_name(
    factory: &mut Factory,
    legal_form: &str,
    taken: &mut BTreeSet<String>,
) -> (String, String) {
    for attempt in 0_u32.. {
        let rng = &mut factory.rng;
        if legal_form == "ИП" {
            let owner = person(rng, 0.0);
            let initials: Vec<String> = [
                owner.first_name.as_str(),
                owner.middle_name.as_deref().unwrap_or(""),
            ]
            .iter()
            .filter_map(|part| part.chars().next())
            .map(|letter| format!("{letter}."))
            .collect();
            let name = format!("ИП {} {}", owner.last_name, initials.join(" "));
            if taken.insert(name.clone()) {
                return (name, owner.last_name);
            }
            continue;
        }
        let mut brand = if chance(rng, 0.3) {
            (*pick(rng, WHOLE_NAMES)).to_string()
        } else {
            let second = pick(rng, SECOND_PARTS).to_string();
            format!(
                "{}{}",
                pick(rng, FIRST_PARTS),
                if chance(rng, 0.5) {
                    second
                } else {
                    second.to_lowercase()
                }
            )
        };
        if attempt > 50 {
            brand = format!("{brand}-{attempt}");
        }
        if !taken.insert(latin(&brand)) {
            continue;
        }
        let written = match rng.random_range(0..10) {
            0..=5 => format!("{legal_form} «{brand}»"),
            6 | 7 => format!("{legal_form} \"{brand}\""),
            8 => format!("{brand} {legal_form}"),
            _ => format!("{legal_form} ТД «{brand}»"),
        };
        return (written, brand);
    }
    unreachable!("the attempt counter outlasts any catalogue of names")
}

/// An organisation's 10-digit ИНН: tax region, office, serial, check digit.
pub(crate) fn inn_10(rng: &mut impl Rng, tax_region: &str) -> String {
    let mut digits = region_digits(tax_region);
    digits.extend((0..2).map(|_| rng.random_range(0..10)));
    digits.extend((0..5).map(|_| rng.random_range(0..10)));
    digits.push(check_digit(&digits, &[2, 4, 10, 3, 5, 9, 4, 6, 8]));
    to_text(&digits)
}

/// A sole proprietor's 12-digit ИНН with both check digits.
pub(crate) fn inn_12(rng: &mut impl Rng, tax_region: &str) -> String {
    let mut digits = region_digits(tax_region);
    digits.extend((0..8).map(|_| rng.random_range(0..10)));
    digits.push(check_digit(&digits, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
    digits.push(check_digit(&digits, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
    to_text(&digits)
}

/// An ОГРН (13 digits) or, for a sole proprietor, an ОГРНИП (15 digits).
fn ogrn(rng: &mut impl Rng, tax_region: &str, is_sole: bool) -> String {
    let kind = if is_sole {
        3
    } else if rng.random_bool(0.8) {
        1
    } else {
        5
    };
    let mut digits = vec![kind];
    let year = rng.random_range(3..25_u32);
    digits.extend([year / 10, year % 10]);
    digits.extend(region_digits(tax_region));
    digits.extend((0..if is_sole { 9 } else { 7 }).map(|_| rng.random_range(0..10)));
    let number = digits
        .iter()
        .fold(0_u64, |acc, digit| acc * 10 + u64::from(*digit));
    let check = if is_sole {
        number % 13 % 10
    } else {
        number % 11 % 10
    };
    digits.push(u32::try_from(check).expect("a digit fits in u32"));
    to_text(&digits)
}

fn region_digits(tax_region: &str) -> Vec<u32> {
    tax_region
        .chars()
        .filter_map(|letter| letter.to_digit(10))
        .collect()
}

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    weights
        .iter()
        .zip(digits)
        .map(|(weight, digit)| weight * digit)
        .sum::<u32>()
        % 11
        % 10
}

fn to_text(digits: &[u32]) -> String {
    digits
        .iter()
        .filter_map(|digit| char::from_digit(*digit, 10))
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn generated_inns_and_ogrns_pass_the_domain_checksums() {
        let mut rng = StdRng::seed_from_u64(4);
        for _ in 0..200 {
            let inn = inn_10(&mut rng, "77");
            assert!(
                domain::Inn::parse(&inn).is_ok() && inn.starts_with("77"),
                "{inn}"
            );
            let inn = inn_12(&mut rng, "66");
            assert!(domain::Inn::parse(&inn).is_ok(), "{inn}");
            for is_sole in [false, true] {
                let number = ogrn(&mut rng, "78", is_sole);
                assert!(domain::Ogrn::parse(&number).is_ok(), "{number}");
            }
        }
    }

    #[test]
    fn the_check_digit_of_a_known_inn_is_recomputed() {
        // Sberbank: 770708389 and check digit 3.
        let digits: Vec<u32> = "770708389"
            .chars()
            .filter_map(|it| it.to_digit(10))
            .collect();
        assert_eq!(check_digit(&digits, &[2, 4, 10, 3, 5, 9, 4, 6, 8]), 3);
    }

    #[test]
    fn most_companies_have_an_inn_and_names_are_unique() {
        // Arrange
        let mut factory = Factory::new(8);
        // Act
        let (records, infos) = generate_companies(&mut factory, 150, Utc::now());
        // Assert
        let with_inn = records
            .iter()
            .filter(|record| record.fields.contains_key("inn"))
            .count();
        assert!(
            (120..150).contains(&with_inn),
            "{with_inn} of 150 have an ИНН"
        );
        let names: BTreeSet<&str> = infos.iter().map(|info| info.name.as_str()).collect();
        assert_eq!(names.len(), 150);
        assert!(
            names.iter().any(|name| name.starts_with("ООО «"))
                && names.iter().any(|name| name.starts_with("ИП "))
        );
    }
}
