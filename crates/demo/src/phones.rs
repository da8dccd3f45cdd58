//! Phone numbers and e-mail addresses written the many ways people and
//! exports write them.
//!
//! Russian numbers are made as ten national digits and written in one of
//! [`PHONE_STYLES`] styles; the domain parses each back to the same E.164.
//! Uniqueness across contacts is the caller's concern.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, pick, pick_copy, pick_weighted};
use crate::names::{Person, latin};

/// How many ways [`write_phone`] writes a Russian number.
pub(crate) const PHONE_STYLES: usize = 10;

#[rustfmt::skip]
const MOBILE_CODES: &[&str] = &[
    "903", "905", "906", "909", "910", "911", "912", "913", "915", "916", "917", "919", "921", "925", "926", "927",
    "929", "950", "951", "952", "953", "960", "961", "962", "964", "965", "967", "968", "977", "980", "981", "985",
    "987", "995", "999",
];

#[rustfmt::skip]
const EMAIL_DOMAINS: &[(&str, f64)] = &[
    ("mail.ru", 30.0), ("yandex.ru", 22.0), ("gmail.com", 20.0), ("bk.ru", 6.0), ("inbox.ru", 5.0), ("list.ru", 5.0),
    ("ya.ru", 5.0), ("rambler.ru", 4.0), ("icloud.com", 3.0),
];

/// Ten national digits of a Russian mobile number, e.g. `9161234567`.
pub(crate) fn mobile_number(rng: &mut StdRng) -> String {
    format!(
        "{}{:07}",
        pick(rng, MOBILE_CODES),
        rng.random_range(0..10_000_000)
    )
}

/// Ten national digits of a landline number in one of the area codes.
pub(crate) fn landline_number(rng: &mut StdRng, area_codes: &[&str]) -> String {
    format!(
        "{}{}{:04}",
        pick(rng, area_codes),
        rng.random_range(200..1000),
        rng.random_range(0..10_000)
    )
}

/// A Russian number (ten national digits) written in style `style` (taken
/// modulo [`PHONE_STYLES`]): `8 (916) 123-45-67`, `+7 916 1234567`,
/// `89161234567`, `8-916-123-45-67` and six more.
pub(crate) fn write_phone(national: &str, style: usize) -> String {
    let (code, first, second, third) = (
        &national[..3],
        &national[3..6],
        &national[6..8],
        &national[8..10],
    );
    match style % PHONE_STYLES {
        0 => format!("8 ({code}) {first}-{second}-{third}"),
        1 => format!("+7 {code} {first}{second}{third}"),
        2 => format!("8{national}"),
        3 => format!("8-{code}-{first}-{second}-{third}"),
        4 => format!("+7 ({code}) {first}-{second}-{third}"),
        5 => format!("+7{national}"),
        6 => format!("7 {code} {first} {second} {third}"),
        7 => national.to_string(),
        8 => format!("8 {code} {first} {second} {third}"),
        _ => format!("+7-{code}-{first}-{second}-{third}"),
    }
}

/// A foreign number an English-speaking client might give, written as they would.
pub(crate) fn foreign_phone(rng: &mut StdRng) -> String {
    match rng.random_range(0..3) {
        0 => format!("+44 20 7946 {:04}", rng.random_range(0..1000)),
        1 => format!("+49 30 {:08}", rng.random_range(10_000_000..100_000_000)),
        _ => format!(
            "+375 29 {}-{:02}-{:02}",
            rng.random_range(100..1000),
            rng.random_range(0..100),
            rng.random_range(0..100)
        ),
    }
}

/// A personal address built from the person's name, sometimes with
/// capitals in the local part (`Ivan.Petrov@mail.ru`), as people type it.
pub(crate) fn personal_email(rng: &mut StdRng, person: &Person) -> String {
    let first = latin(&person.first_name);
    let last = latin(&person.last_name);
    let initial = first.chars().next().unwrap_or('x');
    let year = rng.random_range(70..=105) % 100;
    let local = match rng.random_range(0..7) {
        0 => format!("{first}.{last}"),
        1 => format!("{last}.{first}"),
        2 => format!("{initial}{last}"),
        3 => format!("{last}{year:02}"),
        4 => format!("{first}_{last}{}", rng.random_range(1..100)),
        5 => format!("{first}{last}"),
        _ => format!("{initial}.{last}"),
    };
    let domain = if person.is_english {
        pick_copy(
            rng,
            &["gmail.com", "outlook.com", "yahoo.com", "icloud.com"],
        )
    } else {
        pick_weighted(rng, EMAIL_DOMAINS)
    };
    let local = if chance(rng, 0.1) {
        capitalise_parts(&local)
    } else {
        local
    };
    format!("{local}@{domain}")
}

/// The same address with the case of its local part changed, as a second
/// system that capitalises or lower-cases it would hold it.
pub(crate) fn change_case(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let changed = if local.chars().any(char::is_uppercase) {
        local.to_lowercase()
    } else {
        capitalise_parts(local)
    };
    let domain = if domain.len() % 2 == 0 {
        domain.to_uppercase()
    } else {
        domain.to_string()
    };
    format!("{changed}@{domain}")
}

/// `ivan.petrov` as `Ivan.Petrov`.
fn capitalise_parts(local: &str) -> String {
    let mut out = String::with_capacity(local.len());
    let mut at_start = true;
    for letter in local.chars() {
        out.extend(if at_start {
            letter.to_uppercase().collect::<Vec<_>>()
        } else {
            vec![letter]
        });
        at_start = !letter.is_alphanumeric();
    }
    out
}

#[cfg(test)]
mod tests {
    use domain::Phone;
    use rand::SeedableRng;

    use super::*;

    fn check(written: &str, expected: &str) {
        let phone =
            Phone::parse(written, "RU").unwrap_or_else(|error| panic!("{written:?}: {error}"));
        assert_eq!(phone.as_e164(), expected, "written {written:?}");
    }

    #[test]
    fn every_phone_style_parses_to_the_same_e164_number() {
        for style in 0..PHONE_STYLES {
            check(&write_phone("9161234567", style), "+79161234567");
            check(&write_phone("8123092525", style), "+78123092525");
        }
        assert_eq!(write_phone("9161234567", 0), "8 (916) 123-45-67");
        assert_eq!(write_phone("9161234567", 1), "+7 916 1234567");
        assert_eq!(write_phone("9161234567", 2), "89161234567");
        assert_eq!(write_phone("9161234567", 3), "8-916-123-45-67");
    }

    #[test]
    fn generated_numbers_are_valid_phones() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..300 {
            let national = mobile_number(&mut rng);
            check(&write_phone(&national, 0), &format!("+7{national}"));
            let landline = landline_number(&mut rng, &["495", "812", "423"]);
            check(&write_phone(&landline, 4), &format!("+7{landline}"));
            let foreign = foreign_phone(&mut rng);
            assert!(Phone::parse(&foreign, "RU").is_ok(), "{foreign}");
        }
    }

    #[test]
    fn changing_case_keeps_the_address_equal_when_lower_cased() {
        for email in [
            "ivan.petrov@mail.ru",
            "Anna_Smirnova7@Yandex.ru",
            "kim@ya.ru",
        ] {
            let changed = change_case(email);
            assert_ne!(changed, email);
            assert_eq!(changed.to_lowercase(), email.to_lowercase());
            assert!(domain::Email::parse(&changed).is_ok(), "{changed}");
        }
    }
}
