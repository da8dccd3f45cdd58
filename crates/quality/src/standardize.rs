//! Step 2, standardise: every value of a known column to its standard form,
//! in place; what cannot be read stays as written and is counted.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::Frame;
use crate::dates::{self, DateKind, Order};
use crate::dictionary::Dictionary;
use crate::person::{PersonName, parse_full_name, title_case};
use crate::roles::{Role, Roles};
use crate::values;

/// How phones are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhoneFormat {
    /// `+79161234567`.
    #[default]
    E164,
    /// `+7-916-123-45-67`.
    Display,
}

/// Options of standardisation.
#[derive(Debug, Clone)]
pub struct Options {
    pub phone_format: PhoneFormat,
    /// The date two-digit years and "never in the future" are judged against.
    pub today: NaiveDate,
    /// Reference dictionaries for categorical columns, by role (lead
    /// sources have a built-in one).
    pub dictionaries: Vec<(Role, Dictionary)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            phone_format: PhoneFormat::E164,
            today: chrono::Local::now().date_naive(),
            dictionaries: vec![(Role::Source, Dictionary::lead_sources())],
        }
    }
}

/// What happened to one column.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ColumnSummary {
    pub column: String,
    pub role: String,
    /// Non-empty values seen.
    pub values: usize,
    /// Values rewritten to their standard form.
    pub changed: usize,
    /// Values already standard.
    pub unchanged: usize,
    /// Values that could not be read and were left as written.
    pub unparsed: usize,
}

impl ColumnSummary {
    /// The share of non-empty values now in standard form.
    pub fn coverage(&self) -> f64 {
        if self.values == 0 {
            1.0
        } else {
            (self.changed + self.unchanged) as f64 / self.values as f64
        }
    }
}

/// One value that needs a person's eye: unreadable, or readable but suspicious.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flag {
    pub record_id: String,
    pub column: String,
    pub value: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The outcome of standardising a table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub columns: Vec<ColumnSummary>,
    pub flags: Vec<Flag>,
}

/// Flags kept per column and worker: the counts stay exact, the list of
/// examples stops growing (a million unreadable cells help nobody read).
const MAX_FLAGS_PER_COLUMN: usize = 5_000;

#[derive(Clone)]
enum Outcome {
    Standard(String),
    /// Why not, and a suggestion for a person to confirm.
    Unparsed(String, Option<String>),
}

/// Standardises `frame` in place, column by column according to `roles`.
pub fn standardize(frame: &mut Frame, roles: &Roles, options: &Options) -> Summary {
    let orders: BTreeMap<usize, Order> = roles
        .columns
        .iter()
        .filter(|(_, role)| matches!(role, Role::BirthDate | Role::Date))
        .map(|(column, _)| {
            (
                *column,
                dates::column_order(
                    frame
                        .rows
                        .iter()
                        .map(|row| row.get(*column).map_or("", String::as_str)),
                ),
            )
        })
        .collect();
    let work: Vec<(usize, Role)> = roles
        .columns
        .iter()
        .copied()
        .filter(|(_, role)| {
            standardizable(*role) || options.dictionaries.iter().any(|(r, _)| r == role)
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = frame.rows.len().div_ceil(threads).max(1);
    let id = roles.id;
    let partials: Vec<(Vec<ColumnSummary>, Vec<Flag>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = frame
            .rows
            .chunks_mut(chunk)
            .map(|rows| {
                let work = &work;
                let orders = &orders;
                scope.spawn(move || {
                    let mut summaries = vec![ColumnSummary::default(); work.len()];
                    let mut flags = Vec::new();
                    let mut flagged = vec![0usize; work.len()];
                    // Categorical columns repeat a few values: read each once.
                    let mut seen: HashMap<(usize, String), (Outcome, Suspicion)> = HashMap::new();
                    for row in rows.iter_mut() {
                        let record_id = row.get(id).cloned().unwrap_or_default();
                        for (slot, &(column, role)) in work.iter().enumerate() {
                            let Some(cell) = row.get_mut(column) else {
                                continue;
                            };
                            if cell.is_empty() {
                                continue;
                            }
                            let summary = &mut summaries[slot];
                            summary.values += 1;
                            let order = orders.get(&column).copied().unwrap_or_default();
                            let categorical = options.dictionaries.iter().any(|(r, _)| *r == role);
                            let (outcome, flag) = if categorical {
                                seen.entry((slot, cell.clone()))
                                    .or_insert_with(|| standard_value(role, cell, order, options))
                                    .clone()
                            } else {
                                standard_value(role, cell, order, options)
                            };
                            let keep_flag = flagged[slot] < MAX_FLAGS_PER_COLUMN;
                            match outcome {
                                Outcome::Standard(value) if value == *cell => {
                                    summary.unchanged += 1
                                }
                                Outcome::Standard(value) => {
                                    summary.changed += 1;
                                    *cell = value;
                                }
                                Outcome::Unparsed(_, _) if !keep_flag => summary.unparsed += 1,
                                Outcome::Unparsed(message, suggestion) => {
                                    summary.unparsed += 1;
                                    flagged[slot] += 1;
                                    flags.push(Flag {
                                        record_id: record_id.clone(),
                                        column: String::new(),
                                        value: cell.clone(),
                                        message,
                                        suggestion,
                                    });
                                    if let Some(last) = flags.last_mut() {
                                        last.column = column.to_string();
                                    }
                                }
                            }
                            if let Some((message, suggestion)) = flag.filter(|_| keep_flag) {
                                flagged[slot] += 1;
                                flags.push(Flag {
                                    record_id: record_id.clone(),
                                    column: column.to_string(),
                                    value: cell.clone(),
                                    message,
                                    suggestion,
                                });
                            }
                        }
                    }
                    (summaries, flags)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut columns: Vec<ColumnSummary> = work
        .iter()
        .map(|(column, role)| ColumnSummary {
            column: frame.headers.get(*column).cloned().unwrap_or_default(),
            role: role.name().to_string(),
            ..ColumnSummary::default()
        })
        .collect();
    let mut flags = Vec::new();
    for (summaries, partial_flags) in partials {
        for (total, part) in columns.iter_mut().zip(summaries) {
            total.values += part.values;
            total.changed += part.changed;
            total.unchanged += part.unchanged;
            total.unparsed += part.unparsed;
        }
        flags.extend(partial_flags);
    }
    // Flags carry the column index while threads run; name them now.
    for flag in &mut flags {
        if let Ok(index) = flag.column.parse::<usize>() {
            flag.column = frame.headers.get(index).cloned().unwrap_or_default();
        }
    }
    Summary {
        rows: frame.rows.len(),
        columns,
        flags,
    }
}

fn standardizable(role: Role) -> bool {
    matches!(
        role,
        Role::Phone
            | Role::Email
            | Role::BirthDate
            | Role::Date
            | Role::FullName
            | Role::LastName
            | Role::FirstName
            | Role::Patronymic
            | Role::City
            | Role::Region
            | Role::Company
            | Role::Inn
            | Role::Ogrn
            | Role::Snils
    )
}

type Suspicion = Option<(String, Option<String>)>;

fn standard_value(role: Role, cell: &str, order: Order, options: &Options) -> (Outcome, Suspicion) {
    if let Some((_, dictionary)) = options.dictionaries.iter().find(|(r, _)| *r == role) {
        return match dictionary.lookup(cell) {
            Some(canonical) => (Outcome::Standard(canonical.to_string()), None),
            None => (
                Outcome::Unparsed(
                    "not in the reference dictionary; add it there or confirm the suggestion"
                        .into(),
                    dictionary.suggest(cell).map(str::to_string),
                ),
                None,
            ),
        };
    }
    let unparsed = |what: &str| (Outcome::Unparsed(format!("not {what}"), None), None);
    match role {
        Role::Phone => match values::parse_phones(cell) {
            Ok(phones) => {
                let written: Vec<String> = phones
                    .iter()
                    .map(|(phone, _)| match options.phone_format {
                        PhoneFormat::E164 => phone.as_e164().to_string(),
                        PhoneFormat::Display => phone.to_display(),
                    })
                    .collect();
                (Outcome::Standard(written.join(", ")), None)
            }
            Err(part) => (
                Outcome::Unparsed(
                    format!(
                        "{part:?} is not a valid phone number; expected e.g. 8 (916) 123-45-67"
                    ),
                    None,
                ),
                None,
            ),
        },
        Role::Email => match values::standard_email(cell) {
            Ok((email, suggestion)) => {
                let flag = suggestion.map(|s| ("the domain looks mistyped".to_string(), Some(s)));
                (Outcome::Standard(email), flag)
            }
            Err(reason) => (Outcome::Unparsed(reason, None), None),
        },
        Role::BirthDate | Role::Date => {
            let kind = if role == Role::BirthDate {
                DateKind::Birth
            } else {
                DateKind::Event
            };
            match dates::parse_date(cell, order, kind, options.today) {
                Some(date) => (Outcome::Standard(date.format("%Y-%m-%d").to_string()), None),
                None => unparsed("a date (expected e.g. 12.03.1985 or 1985-03-12)"),
            }
        }
        Role::FullName => {
            let name = parse_full_name(cell);
            if name.last.is_none() && name.first.is_none() {
                return unparsed("a person's name");
            }
            (Outcome::Standard(name.to_standard()), None)
        }
        Role::LastName | Role::FirstName | Role::Patronymic => {
            if !cell.chars().any(char::is_alphabetic) {
                return unparsed("a name");
            }
            (
                Outcome::Standard(
                    cell.split_whitespace()
                        .map(title_case)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                None,
            )
        }
        Role::City => match lexicon::Places::get().city(cell) {
            Some(city) => (Outcome::Standard(city.name.clone()), None),
            None => unparsed("a known Russian city"),
        },
        Role::Region => match lexicon::Places::get().region(cell) {
            Some(region) => (Outcome::Standard(region.name.clone()), None),
            None => unparsed("a known Russian region"),
        },
        Role::Company => {
            let (form, name) = values::standard_company(cell);
            if name.is_empty() {
                return unparsed("a company name");
            }
            (Outcome::Standard(values::format_company(form, &name)), None)
        }
        Role::Inn => result(values::standard_inn(cell)),
        Role::Ogrn => result(values::standard_ogrn(cell)),
        Role::Snils => result(values::standard_snils(cell)),
        _ => (Outcome::Standard(cell.to_string()), None),
    }
}

fn result(parsed: Result<String, String>) -> (Outcome, Suspicion) {
    match parsed {
        Ok(value) => (Outcome::Standard(value), None),
        Err(reason) => (Outcome::Unparsed(reason, None), None),
    }
}

/// A name from a row: the full-name column, or the separate parts.
pub fn person_of(row: &[String], roles: &Roles) -> Option<PersonName> {
    let cell = |role: Role| {
        roles
            .column_of(role)
            .and_then(|c| row.get(c))
            .map_or("", String::as_str)
    };
    if let Some(column) = roles.column_of(Role::FullName)
        && let Some(text) = row.get(column)
        && !text.is_empty()
    {
        return Some(parse_full_name(text));
    }
    let (last, first, patronymic) = (
        cell(Role::LastName),
        cell(Role::FirstName),
        cell(Role::Patronymic),
    );
    (!(last.is_empty() && first.is_empty()))
        .then(|| PersonName::from_parts(last, first, patronymic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_messy_table_comes_out_standard() {
        let mut frame = Frame::new(
            ["id", "ФИО", "Телефон", "Email", "Город", "Дата рождения"]
                .map(String::from)
                .to_vec(),
            vec![
                [
                    "1",
                    "иванов иван",
                    "8 (916) 123-45-67",
                    " Ivan@Mail.RU",
                    "г. Москва",
                    "12.03.85",
                ]
                .map(String::from)
                .to_vec(),
                [
                    "2",
                    "Мария Петрова",
                    "12-34",
                    "maria@gmial.com",
                    "Питер",
                    "12 марта 1985 г.",
                ]
                .map(String::from)
                .to_vec(),
                ["3", "", "", "", "Неизвестноград", ""]
                    .map(String::from)
                    .to_vec(),
            ],
        );
        let roles = Roles::detect(&frame, &[], None).unwrap();
        let options = Options {
            today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            ..Options::default()
        };
        let summary = standardize(&mut frame, &roles, &options);
        assert_eq!(
            frame.rows[0],
            [
                "1",
                "Иванов Иван",
                "+79161234567",
                "ivan@mail.ru",
                "Москва",
                "1985-03-12"
            ]
        );
        assert_eq!(
            frame.rows[1],
            [
                "2",
                "Петрова Мария",
                "12-34",
                "maria@gmial.com",
                "Санкт-Петербург",
                "1985-03-12"
            ]
        );
        assert_eq!(frame.rows[2][4], "Неизвестноград");
        let phone = summary.columns.iter().find(|c| c.role == "phone").unwrap();
        assert_eq!((phone.values, phone.changed, phone.unparsed), (2, 1, 1));
        assert!(
            summary
                .flags
                .iter()
                .any(|f| f.suggestion.as_deref() == Some("maria@gmail.com"))
        );
        assert!(
            summary
                .flags
                .iter()
                .any(|f| f.column == "Телефон" && f.record_id == "2")
        );
    }
}
