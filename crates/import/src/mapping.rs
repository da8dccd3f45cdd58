//! Applying a preset to a file's rows: cells → raw values → a typed draft.

use domain::{Draft, EntityKind, FieldType, ParseContext, SourceRef, parse_value};
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::{ImportError, Preset, RawRow, RowIssue};

/// A preset bound to one file's headers.
#[derive(Debug, Clone)]
pub struct Mapper {
    entity: EntityKind,
    system: String,
    headers: Vec<String>,
    targets: Vec<Target>,
    external_id: Vec<usize>,
    owner: Vec<usize>,
    constant: Map<String, Json>,
    unmapped: Vec<String>,
}

#[derive(Debug, Clone)]
struct Target {
    field: String,
    lenient: bool,
    columns: Vec<usize>,
}

/// A row that mapped cleanly.
#[derive(Debug, Clone)]
pub struct MappedRow {
    /// The 1-based data row.
    pub row: usize,
    /// The record's fields, with its source set.
    pub draft: Draft,
    /// The responsible manager as the file names them, to be matched to a user.
    pub owner: Option<String>,
}

impl Mapper {
    pub(crate) fn new(preset: &Preset, headers: &[String]) -> Result<Self, ImportError> {
        let normalized: Vec<String> = headers
            .iter()
            .map(|header| normalize_header(header))
            .collect();
        let find = |aliases: &[String]| -> Vec<usize> {
            let mut columns = Vec::new();
            for alias in aliases {
                let alias = normalize_header(alias);
                for (index, header) in normalized.iter().enumerate() {
                    if *header == alias && !columns.contains(&index) {
                        columns.push(index);
                    }
                }
            }
            columns
        };
        let targets: Vec<Target> = preset
            .fields
            .iter()
            .map(|(target, aliases)| Target {
                field: target.trim_end_matches('?').to_string(),
                lenient: target.ends_with('?'),
                columns: find(aliases),
            })
            .filter(|target| !target.columns.is_empty())
            .collect();
        if targets.is_empty() {
            return Err(ImportError::Preset {
                name: preset.name.clone(),
                reason: format!(
                    "none of its columns is in the file; the file's columns are: {}",
                    headers.join(", ")
                ),
            });
        }
        let external_id = find(&preset.external_id);
        let owner = find(&preset.owner);
        let used: Vec<usize> = targets
            .iter()
            .flat_map(|target| target.columns.iter().copied())
            .chain(external_id.iter().copied())
            .chain(owner.iter().copied())
            .collect();
        let unmapped = headers
            .iter()
            .enumerate()
            .filter(|(index, header)| !used.contains(index) && !header.is_empty())
            .map(|(_, header)| header.clone())
            .collect();
        let constant = preset
            .constant
            .iter()
            .map(|(field, value)| (field.clone(), Json::String(value.clone())))
            .collect();
        Ok(Self {
            entity: preset.entity,
            system: preset.system.clone(),
            headers: headers.to_vec(),
            targets,
            external_id,
            owner,
            constant,
            unmapped,
        })
    }

    /// The kind of record rows become.
    pub fn entity(&self) -> EntityKind {
        self.entity
    }

    /// The file's columns that no field takes (shown in the report, so nothing is dropped silently).
    pub fn unmapped_columns(&self) -> &[String] {
        &self.unmapped
    }

    /// The field (or `external_id`, `owner`) a column of the file feeds, if any.
    pub fn target_of(&self, header: &str) -> Option<String> {
        let index = self
            .headers
            .iter()
            .position(|candidate| candidate == header)?;
        if self.external_id.contains(&index) {
            return Some("external_id".into());
        }
        if self.owner.contains(&index) {
            return Some("owner".into());
        }
        self.targets
            .iter()
            .find(|target| target.columns.contains(&index))
            .map(|target| target.field.clone())
    }

    /// Maps one row; every bad cell is reported with its column.
    pub fn map(&self, row: &RawRow, context: &ParseContext) -> Result<MappedRow, Vec<RowIssue>> {
        let cell = |index: usize| {
            row.cells
                .get(index)
                .map(|text| text.trim())
                .filter(|text| !text.is_empty())
        };
        let mut raw = self.constant.clone();
        let mut fed_by: Vec<(String, String)> = Vec::new();
        let mut lenient: Vec<(&Target, String)> = Vec::new();
        let mut currencies: Vec<(String, String)> = Vec::new();
        let mut full_name: Option<String> = None;
        for target in &self.targets {
            let values: Vec<(usize, &str)> = target
                .columns
                .iter()
                .filter_map(|index| cell(*index).map(|text| (*index, text)))
                .collect();
            let Some(&(first_column, first_value)) = values.first() else {
                continue;
            };
            let is_list = matches!(
                self.entity.field(&target.field).map(|def| def.ty),
                Some(FieldType::Phones | FieldType::Emails)
            );
            let value = if is_list {
                values
                    .iter()
                    .map(|(_, text)| *text)
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                first_value.to_string()
            };
            let header = self.headers[first_column].clone();
            if target.field == "full_name" {
                full_name = Some(value);
            } else if let Some((money, _)) = target.field.split_once('.') {
                currencies.push((money.to_string(), value));
            } else if target.lenient {
                lenient.push((target, value));
            } else {
                fed_by.push((target.field.clone(), header));
                raw.insert(target.field.clone(), Json::String(value));
            }
        }
        if let Some(full_name) = full_name {
            for (field, part) in split_full_name(&full_name) {
                raw.entry(field.to_string()).or_insert(Json::String(part));
            }
        }
        for (money, currency) in currencies {
            if let Some(Json::String(amount)) = raw.get(&money).cloned() {
                raw.insert(
                    money,
                    serde_json::json!({"amount": amount, "currency": currency}),
                );
            }
        }
        let mut issues = Vec::new();
        let mut draft = match self.entity.parse_draft(&raw, context) {
            Ok(draft) => Some(draft),
            Err(errors) => {
                issues.extend(errors.into_iter().map(|error| {
                    let column = fed_by
                        .iter()
                        .find(|(field, _)| *field == error.field)
                        .map_or_else(|| error.field.clone(), |(_, header)| header.clone());
                    RowIssue {
                        row: row.row,
                        column,
                        field: error.field,
                        reason: error.error.to_string(),
                    }
                }));
                None
            }
        };
        if let Some(draft) = &mut draft {
            for (target, value) in lenient {
                if draft.fields.contains_key(target.field.as_str()) {
                    continue;
                }
                if let Some(def) = self.entity.field(&target.field)
                    && let Ok(Some(parsed)) = parse_value(def, &Json::String(value), context)
                {
                    draft.fields.insert(def.name, Some(parsed));
                }
            }
            draft.source = Some(SourceRef {
                system: self.system.clone(),
                external_id: self.external_id_of(row),
            });
        }
        match draft {
            Some(draft) if issues.is_empty() => Ok(MappedRow {
                row: row.row,
                draft,
                owner: self
                    .owner
                    .iter()
                    .find_map(|index| cell(*index))
                    .map(str::to_string),
            }),
            _ => Err(issues),
        }
    }

    /// The row's id in the source system; a row without one gets a stable id
    /// made from its cells, so re-importing the same file still updates.
    fn external_id_of(&self, row: &RawRow) -> String {
        let parts: Vec<&str> = self
            .external_id
            .iter()
            .filter_map(|index| row.cells.get(*index))
            .map(|text| text.trim())
            .filter(|text| !text.is_empty())
            .collect();
        if !parts.is_empty() {
            return parts.join("/");
        }
        let mut hasher = Sha256::new();
        for cell in &row.cells {
            hasher.update(cell.trim().as_bytes());
            hasher.update([0x1f]);
        }
        format!("row:{}", &hex::encode(hasher.finalize())[..16])
    }
}

fn normalize_header(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
        .trim_end_matches([':', '*'])
        .to_string()
}

/// Splits a full name into surname, given name and patronymic. Russian
/// order is «Фамилия Имя Отчество»; two Latin words are "First Last"; two
/// Cyrillic words are read as «Имя Фамилия» only when the second looks like
/// a surname and the first does not.
fn split_full_name(full_name: &str) -> Vec<(&'static str, String)> {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let looks_like_surname = |word: &str| {
        let lower = word.to_lowercase();
        [
            "ов",
            "ев",
            "ёв",
            "ин",
            "ына",
            "ова",
            "ева",
            "ина",
            "ский",
            "ская",
            "цкий",
            "цкая",
            "ко",
            "ук",
            "юк",
            "ян",
            "дзе",
            "швили",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
    };
    match words.as_slice() {
        [] => Vec::new(),
        [single] => vec![("first_name", (*single).to_string())],
        [first, second] => {
            let latin = first
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\'');
            if latin || (looks_like_surname(second) && !looks_like_surname(first)) {
                vec![
                    ("first_name", (*first).to_string()),
                    ("last_name", (*second).to_string()),
                ]
            } else {
                vec![
                    ("last_name", (*first).to_string()),
                    ("first_name", (*second).to_string()),
                ]
            }
        }
        [last, first, rest @ ..] => vec![
            ("last_name", (*last).to_string()),
            ("first_name", (*first).to_string()),
            ("middle_name", rest.join(" ")),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_split_in_russian_and_english_order() {
        let check = |input: &str, expected: &[(&str, &str)]| {
            let got: Vec<(&str, String)> = split_full_name(input);
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|(field, value)| (*field, value.as_str()))
                .collect();
            assert_eq!(got, expected, "input {input:?}");
        };
        check(
            "Иванов Иван Иванович",
            &[
                ("last_name", "Иванов"),
                ("first_name", "Иван"),
                ("middle_name", "Иванович"),
            ],
        );
        check(
            "Иванов Иван",
            &[("last_name", "Иванов"), ("first_name", "Иван")],
        );
        check(
            "Анна Петрова",
            &[("first_name", "Анна"), ("last_name", "Петрова")],
        );
        check(
            "John Smith",
            &[("first_name", "John"), ("last_name", "Smith")],
        );
        check("Мария", &[("first_name", "Мария")]);
    }
}
