//! Step 5, anonymise: a training copy of a table in which direct identifiers
//! are keyed HMAC-SHA256 pseudonyms (the same person gets the same pseudonym
//! under the same key, in every file), quasi-identifiers are generalised
//! (birth date → year, city → region, postcode → first three digits), free
//! text is scrubbed of personal data, and a k-anonymity report says how
//! identifiable the rest still is.

use std::collections::HashMap;

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::dates::{DateKind, Order, parse_date};
use crate::roles::{Role, Roles};
use crate::{Frame, values};

/// The secret a pseudonym is keyed with; at least 16 bytes.
pub struct Key(Vec<u8>);

impl Key {
    /// A key from the bytes of a key file (surrounding whitespace ignored).
    pub fn new(bytes: &[u8]) -> Result<Key, String> {
        let trimmed = bytes.trim_ascii();
        if trimmed.len() < 16 {
            return Err(format!(
                "the key has {} bytes; expected at least 16 (e.g. `openssl rand -hex 32 > key`)",
                trimmed.len()
            ));
        }
        Ok(Key(trimmed.to_vec()))
    }

    /// The pseudonym of a value: the role's name, then 16 hex digits of HMAC-SHA256.
    pub fn pseudonym(&self, role: Role, normalised: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes keys of any length; this branch cannot run.
            return format!("{}_", role.name());
        };
        mac.update(role.name().as_bytes());
        mac.update(&[0]);
        mac.update(normalised.as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("{}_{hex}", role.name())
    }
}

/// What happened to each column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnTreatment {
    pub column: String,
    pub treatment: &'static str,
}

/// How identifiable the anonymised rows still are by their quasi-identifiers.
#[derive(Debug, Clone, Serialize)]
pub struct KAnonymity {
    /// The quasi-identifier columns, after generalisation.
    pub quasi_identifiers: Vec<String>,
    /// The smallest group of rows sharing all quasi-identifier values.
    pub k: usize,
    pub groups: usize,
    /// Rows in groups smaller than 5: the ones most at risk.
    pub rows_in_groups_under_5: usize,
}

/// The outcome of anonymising.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: usize,
    pub columns: Vec<ColumnTreatment>,
    pub text_entities_removed: usize,
    pub k_anonymity: KAnonymity,
}

fn normalised(role: Role, value: &str) -> String {
    match role {
        Role::Phone => values::parse_phones(value)
            .map(|phones| {
                phones
                    .iter()
                    .map(|(p, _)| p.as_e164().to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_else(|_| value.chars().filter(char::is_ascii_digit).collect()),
        Role::Email => values::standard_email(value)
            .map(|(e, _)| e)
            .unwrap_or_else(|_| lexicon::fold(value)),
        Role::FullName => crate::person::parse_full_name(value)
            .to_standard()
            .to_lowercase(),
        Role::Inn | Role::Snils | Role::Passport | Role::NationalId => {
            value.chars().filter(|c| c.is_alphanumeric()).collect()
        }
        _ => lexicon::fold(value),
    }
}

/// Anonymises `frame` in place and reports what was done.
pub fn anonymize(frame: &mut Frame, roles: &Roles, key: &Key) -> Report {
    let today = chrono::Local::now().date_naive();
    let places = lexicon::Places::get();
    let mut treatments = Vec::new();
    let mut quasi = Vec::new();
    let mut text_entities_removed = 0;
    for &(column, role) in &roles.columns {
        let treatment = match role {
            Role::FullName
            | Role::LastName
            | Role::FirstName
            | Role::Patronymic
            | Role::Phone
            | Role::Email
            | Role::Snils
            | Role::Passport
            | Role::NationalId
            | Role::Address
            | Role::HouseNumber => "pseudonym",
            Role::Inn => "pseudonym (12-digit personal ИНН only)",
            Role::BirthDate => "year only",
            Role::City => "region",
            Role::Postcode => "first three digits",
            Role::Text => "personal data removed",
            _ => continue,
        };
        for row in &mut frame.rows {
            let Some(cell) = row.get_mut(column) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            *cell = match role {
                Role::Inn if cell.chars().filter(char::is_ascii_digit).count() == 10 => continue,
                Role::BirthDate => parse_date(cell, Order::DayFirst, DateKind::Birth, today)
                    .map_or_else(String::new, |d| d.format("%Y").to_string()),
                Role::City => places
                    .city(cell)
                    .map_or_else(String::new, |c| c.region.clone()),
                Role::Postcode => cell.chars().filter(char::is_ascii_digit).take(3).collect(),
                Role::Text => {
                    let entities = pii::detect(cell);
                    text_entities_removed += entities.len();
                    pii::redact(cell, &entities)
                }
                _ => key.pseudonym(role, &normalised(role, cell)),
            };
        }
        treatments.push(ColumnTreatment {
            column: frame.headers.get(column).cloned().unwrap_or_default(),
            treatment,
        });
        if matches!(
            role,
            Role::BirthDate | Role::City | Role::Postcode | Role::Region | Role::Gender
        ) {
            quasi.push(column);
        }
    }
    for &(column, role) in &roles.columns {
        if matches!(role, Role::Region | Role::Gender) && !quasi.contains(&column) {
            quasi.push(column);
        }
    }
    let mut groups: HashMap<Vec<&str>, usize> = HashMap::new();
    for row in &frame.rows {
        let key: Vec<&str> = quasi
            .iter()
            .map(|c| row.get(*c).map_or("", String::as_str))
            .collect();
        *groups.entry(key).or_default() += 1;
    }
    let k_anonymity = KAnonymity {
        quasi_identifiers: quasi
            .iter()
            .filter_map(|c| frame.headers.get(*c).cloned())
            .collect(),
        k: groups.values().copied().min().unwrap_or(0),
        groups: groups.len(),
        rows_in_groups_under_5: groups.values().filter(|n| **n < 5).sum(),
    };
    Report {
        rows: frame.rows.len(),
        columns: treatments,
        text_entities_removed,
        k_anonymity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_become_stable_pseudonyms_and_quasi_identifiers_coarse() {
        let mut frame = Frame::new(
            [
                "id",
                "ФИО",
                "Телефон",
                "Дата рождения",
                "Город",
                "Комментарий",
            ]
            .map(String::from)
            .to_vec(),
            vec![
                [
                    "1",
                    "Иванов Иван",
                    "8 916 123-45-67",
                    "12.03.1985",
                    "ЕКБ",
                    "Позвонить Ивану, тел. +7 916 123 45 67",
                ]
                .map(String::from)
                .to_vec(),
                [
                    "2",
                    "иванов иван",
                    "+7 (916) 123-45-67",
                    "1985-03-12",
                    "Екатеринбург",
                    "ок",
                ]
                .map(String::from)
                .to_vec(),
            ],
        );
        let roles = Roles::detect(&frame, &[], None).unwrap();
        let key = Key::new(b"0123456789abcdef-secret").unwrap();
        let report = anonymize(&mut frame, &roles, &key);
        let (a, b) = (&frame.rows[0], &frame.rows[1]);
        assert!(
            a[1].starts_with("name_") && a[1] == b[1],
            "same person, same pseudonym: {a:?} {b:?}"
        );
        assert!(a[2].starts_with("phone_") && a[2] == b[2]);
        assert_eq!(
            (a[3].as_str(), a[4].as_str()),
            ("1985", "Свердловская область")
        );
        assert!(
            !a[5].contains("916") && a[5].contains("[PHONE]"),
            "{}",
            a[5]
        );
        assert_eq!(report.k_anonymity.k, 2);
        let other_key = Key::new(b"another-key-of-16-bytes").unwrap();
        assert_ne!(
            other_key.pseudonym(Role::Phone, "+79161234567"),
            key.pseudonym(Role::Phone, "+79161234567")
        );
        assert!(Key::new(b"short").is_err());
    }
}
