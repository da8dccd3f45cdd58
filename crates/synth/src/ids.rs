//! Russian identifiers with their real check digits (ИНН, СНИЛС, ОГРН,
//! ОГРНИП), bank cards with the Luhn digit, passport numbers, and the
//! near-misses used as distractors: numbers of the same length whose check
//! digits are wrong.
//!
//! The validators are public so that a test of any tool can check what it
//! was given; they accept only what the generator writes (digits, plus the
//! usual separators for СНИЛС and cards).

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{digits, pick};

const INN10: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn parse_digits(text: &str, separators: &str) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            out.push(digit);
        } else if !separators.contains(c) {
            return None;
        }
    }
    Some(out)
}

fn weighted_check(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum % 11 % 10
}

/// True for a 10-digit (organisation) or 12-digit (person) ИНН whose check
/// digits are right.
pub fn inn_is_valid(text: &str) -> bool {
    let Some(d) = parse_digits(text, "") else {
        return false;
    };
    match d.len() {
        10 => weighted_check(&d[..9], &INN10) == d[9],
        12 => {
            weighted_check(&d[..10], &INN11) == d[10] && weighted_check(&d[..11], &INN12) == d[11]
        }
        _ => false,
    }
}

/// The two check digits of a СНИЛС from its first nine digits.
pub fn snils_checksum(first_nine: &[u32]) -> u32 {
    let sum: u32 = first_nine
        .iter()
        .enumerate()
        .map(|(i, d)| d * (9 - i as u32))
        .sum();
    match sum {
        0..=99 => sum,
        100 | 101 => 0,
        _ => {
            let rest = sum % 101;
            if rest == 100 { 0 } else { rest }
        }
    }
}

/// True for an 11-digit СНИЛС (`123-456-789 01` or contiguous) whose check
/// number is right.
pub fn snils_is_valid(text: &str) -> bool {
    let Some(d) = parse_digits(text, "- ") else {
        return false;
    };
    d.len() == 11 && snils_checksum(&d[..9]) == d[9] * 10 + d[10]
}

fn number(digits: &[u32]) -> u64 {
    digits.iter().fold(0, |acc, d| acc * 10 + u64::from(*d))
}

/// True for a 13-digit ОГРН (first twelve mod 11, last digit) or a 15-digit
/// ОГРНИП (first fourteen mod 13, last digit).
pub fn ogrn_is_valid(text: &str) -> bool {
    let Some(d) = parse_digits(text, "") else {
        return false;
    };
    match d.len() {
        13 => number(&d[..12]) % 11 % 10 == u64::from(d[12]),
        15 => number(&d[..14]) % 13 % 10 == u64::from(d[14]),
        _ => false,
    }
}

fn luhn_sum(digits: &[u32], double_last: bool) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let doubled = (i % 2 == 0) == double_last;
            if doubled {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum()
}

/// True for a card number (spaces and hyphens allowed) of 13–19 digits that
/// passes the Luhn check.
pub fn luhn_is_valid(text: &str) -> bool {
    let Some(d) = parse_digits(text, " -") else {
        return false;
    };
    (13..=19).contains(&d.len()) && luhn_sum(&d, false).is_multiple_of(10)
}

fn to_digits(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn push_digit(text: &mut String, digit: u32) {
    text.push(char::from_digit(digit, 10).unwrap_or('0'));
}

/// A tax-inspection number: two digits, 01–49.
fn inspection(rng: &mut StdRng) -> String {
    format!("{:02}", rng.random_range(1..50))
}

/// A valid 10-digit ИНН of an organisation registered in `region`.
pub(crate) fn inn10(rng: &mut StdRng, region: u8) -> String {
    let mut inn = format!("{region:02}{}{}", inspection(rng), digits(rng, 5));
    let check = weighted_check(&to_digits(&inn), &INN10);
    push_digit(&mut inn, check);
    inn
}

/// A valid 12-digit ИНН of a person registered in `region`.
pub(crate) fn inn12(rng: &mut StdRng, region: u8) -> String {
    let mut inn = format!("{region:02}{}{}", inspection(rng), digits(rng, 6));
    let first = weighted_check(&to_digits(&inn), &INN11);
    push_digit(&mut inn, first);
    let second = weighted_check(&to_digits(&inn), &INN12);
    push_digit(&mut inn, second);
    inn
}

/// A valid СНИЛС as 11 contiguous digits (above 001-001-998, where check
/// digits begin).
pub(crate) fn snils(rng: &mut StdRng) -> String {
    let body = rng.random_range(1_001_999..1_000_000_000u32);
    let body = format!("{body:09}");
    let check = snils_checksum(&to_digits(&body));
    format!("{body}{check:02}")
}

fn registration_year(rng: &mut StdRng) -> String {
    format!("{:02}", rng.random_range(2..25))
}

/// A valid 13-digit ОГРН of an organisation registered in `region`.
pub(crate) fn ogrn(rng: &mut StdRng, region: u8) -> String {
    let sign = if rng.random_bool(0.8) { '1' } else { '5' };
    let body = format!(
        "{sign}{}{region:02}{}{}",
        registration_year(rng),
        inspection(rng),
        digits(rng, 5)
    );
    let check = number(&to_digits(&body)) % 11 % 10;
    format!("{body}{check}")
}

/// A valid 15-digit ОГРНИП of a sole trader registered in `region`.
pub(crate) fn ogrnip(rng: &mut StdRng, region: u8) -> String {
    let body = format!("3{}{region:02}{}", registration_year(rng), digits(rng, 9));
    let check = number(&to_digits(&body)) % 13 % 10;
    format!("{body}{check}")
}

/// The issuer prefixes of cards common in Russia: Visa, MasterCard, Мир.
const CARD_PREFIXES: &[&str] = &[
    "4276", "4279", "4274", "4154", "4377", "4475", "4817", "4", "4", "51", "52", "53", "54", "55",
    "5536", "5469", "2200", "2201", "2202", "2203", "2204", "2202", "2200",
];

/// A Luhn-valid 16-digit card number of Visa, MasterCard or Мир.
pub(crate) fn card(rng: &mut StdRng) -> String {
    let prefix = *pick(rng, CARD_PREFIXES);
    let mut body = format!("{prefix}{}", digits(rng, 15 - prefix.len()));
    let sum = luhn_sum(&to_digits(&body), true);
    push_digit(&mut body, (10 - sum % 10) % 10);
    body
}

/// A passport series (two region digits and two year digits) and number.
pub(crate) fn passport(rng: &mut StdRng) -> (String, String) {
    const REGIONS: &[&str] = &[
        "45", "46", "40", "41", "50", "65", "92", "60", "22", "36", "52", "57", "80", "03", "04",
        "08", "12", "14", "18", "20", "24", "25", "28", "32", "34", "37", "38", "53", "56", "63",
        "64", "71", "73", "75", "78", "86", "97", "98",
    ];
    let year = *pick(
        rng,
        &[
            "97", "98", "99", "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
            "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
        ],
    );
    let series = format!("{}{year}", pick(rng, REGIONS));
    let number = format!("{}", rng.random_range(100_000..1_000_000u32));
    (series, number)
}

/// A number of `len` digits (10 or 12) that looks like an ИНН but fails its
/// check. It never starts with 7, 8 or 9, so it does not read as a phone.
pub(crate) fn bad_inn(rng: &mut StdRng, len: usize) -> String {
    loop {
        let first = rng.random_range(1..7u8);
        let candidate = format!("{first}{}", digits(rng, len - 1));
        if !inn_is_valid(&candidate) {
            return candidate;
        }
    }
}

/// A 16-digit number with a card prefix that fails the Luhn check.
pub(crate) fn bad_card(rng: &mut StdRng) -> String {
    let valid = card(rng);
    let mut digits = to_digits(&valid);
    let shift = rng.random_range(1..10);
    if let Some(last) = digits.last_mut() {
        *last = (*last + shift) % 10;
    }
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
        .collect()
}

/// An 11-digit number shaped like a СНИЛС whose check number is wrong.
pub(crate) fn bad_snils(rng: &mut StdRng) -> String {
    let valid = snils(rng);
    let body = &valid[..9];
    let check: u32 = valid[9..].parse().unwrap_or(0);
    let wrong = (check + rng.random_range(1..99)) % 100;
    format!("{body}{wrong:02}")
}

/// A 13-digit number that fails the ОГРН check.
pub(crate) fn bad_ogrn(rng: &mut StdRng) -> String {
    let valid = ogrn(rng, 77);
    let (body, check) = valid.split_at(12);
    let check: u32 = check.parse().unwrap_or(0);
    format!("{body}{}", (check + rng.random_range(1..10)) % 10)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn known_identifiers_pass_their_checks() {
        // Sberbank's ИНН and ОГРН, a published example СНИЛС and a test card.
        assert!(inn_is_valid("7707083893"));
        assert!(!inn_is_valid("7707083894"));
        assert!(inn_is_valid("500100732259"));
        assert!(ogrn_is_valid("1027700132195"));
        assert!(ogrn_is_valid("304500116000157"));
        assert!(snils_is_valid("112-233-445 95"));
        assert!(!snils_is_valid("112-233-445 96"));
        assert!(luhn_is_valid("4111 1111 1111 1111"));
        assert!(!luhn_is_valid("4111 1111 1111 1112"));
    }

    #[test]
    fn generated_identifiers_pass_and_distractors_fail() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..2_000 {
            let region = rng.random_range(1..99u8);
            let inn10 = inn10(&mut rng, region);
            assert!(inn_is_valid(&inn10) && inn10.len() == 10, "{inn10}");
            let inn12 = inn12(&mut rng, region);
            assert!(inn_is_valid(&inn12) && inn12.len() == 12, "{inn12}");
            let snils = snils(&mut rng);
            assert!(snils_is_valid(&snils) && snils.len() == 11, "{snils}");
            let ogrn = ogrn(&mut rng, region);
            assert!(ogrn_is_valid(&ogrn) && ogrn.len() == 13, "{ogrn}");
            let ogrnip = ogrnip(&mut rng, region);
            assert!(ogrn_is_valid(&ogrnip) && ogrnip.len() == 15, "{ogrnip}");
            let card = card(&mut rng);
            assert!(luhn_is_valid(&card) && card.len() == 16, "{card}");

            for bad in [bad_inn(&mut rng, 10), bad_inn(&mut rng, 12)] {
                assert!(!inn_is_valid(&bad), "{bad}");
            }
            let bad = bad_card(&mut rng);
            assert!(!luhn_is_valid(&bad) && bad.len() == 16, "{bad}");
            let bad = bad_snils(&mut rng);
            assert!(!snils_is_valid(&bad), "{bad}");
            let bad = bad_ogrn(&mut rng);
            assert!(!ogrn_is_valid(&bad), "{bad}");
        }
    }

    #[test]
    fn snils_checksum_edge_cases() {
        // Sums of exactly 100 and 101 give 00; above 101 the rest mod 101.
        assert_eq!(snils_checksum(&[0, 0, 0, 0, 0, 0, 0, 0, 0]), 0);
        assert_eq!(snils_checksum(&[1, 1, 1, 1, 1, 1, 1, 1, 1]), 45);
        assert_eq!(snils_checksum(&[9, 9, 9, 9, 9, 9, 9, 9, 9]), 405 % 101);
    }
}
