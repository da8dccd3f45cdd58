//! From a table of text to numbers: which columns are numbers, categories or
//! dates, which are identifiers or free text to set aside, how the outcome is
//! written, and the column-major matrix the models read.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::PredictError;

/// Most frequent levels a category keeps; the rest share one "other" level.
const MAX_LEVELS: usize = 100;

/// What a feature column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Numeric,
    Categorical,
    /// Read as days since 1970-01-01.
    Date,
}

/// Why a column is not a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    Target,
    /// Named as the id, or unique on every row like a key.
    Identifier,
    /// Mostly unique long text: says nothing a category could.
    FreeText,
    /// One value (or none) on every row.
    Constant,
}

/// One input column as the training saw it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnReport {
    pub name: String,
    pub kind: Option<ColumnKind>,
    pub excluded: Option<Exclusion>,
    pub missing_share: f64,
    pub distinct: usize,
}

/// A feature the models use: its column name and how to read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Feature {
    pub name: String,
    pub kind: ColumnKind,
    /// Categorical: kept levels in code order; code `levels.len()` is "other".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// `levels` by text, built once on first use (scoring one row must not rebuild it).
    #[serde(skip)]
    pub index: std::sync::OnceLock<HashMap<String, usize>>,
}

impl Feature {
    pub fn is_categorical(&self) -> bool {
        self.kind == ColumnKind::Categorical
    }

    fn index(&self) -> &HashMap<String, usize> {
        self.index.get_or_init(|| {
            self.levels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), i))
                .collect()
        })
    }

    fn read(&self, cell: &str) -> f64 {
        if is_missing(cell) {
            return f64::NAN;
        }
        match self.kind {
            ColumnKind::Numeric => parse_number(cell).unwrap_or(f64::NAN),
            ColumnKind::Date => parse_date(cell).unwrap_or(f64::NAN),
            ColumnKind::Categorical => self
                .index()
                .get(&cell.trim().to_lowercase())
                .copied()
                .unwrap_or(self.levels.len()) as f64,
        }
    }
}

/// Features in columns: `columns[f][row]`, NaN where missing.
#[derive(Debug, Clone)]
pub(crate) struct Matrix {
    pub rows: usize,
    pub columns: Vec<Vec<f64>>,
}

impl Matrix {
    pub fn row(&self, row: usize) -> Vec<f64> {
        self.columns.iter().map(|column| column[row]).collect()
    }

    /// The rows at `indices`, in that order.
    pub fn take(&self, indices: &[usize]) -> Matrix {
        Matrix {
            rows: indices.len(),
            columns: self
                .columns
                .iter()
                .map(|column| indices.iter().map(|&i| column[i]).collect())
                .collect(),
        }
    }
}

/// How the target column was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub column: String,
    pub positive: String,
    pub negative: String,
}

/// The columns of a training table, judged.
pub(crate) struct Plan {
    pub features: Vec<Feature>,
    pub report: Vec<ColumnReport>,
}

/// Judges every column of the table but the target and the id.
pub(crate) fn plan(
    headers: &[String],
    rows: &[Vec<String>],
    target: usize,
    id: Option<usize>,
) -> Plan {
    let mut features = Vec::new();
    let mut report = Vec::new();
    for (column, name) in headers.iter().enumerate() {
        let cells: Vec<&str> = rows
            .iter()
            .map(|row| row.get(column).map_or("", String::as_str))
            .collect();
        let present: Vec<&str> = cells.iter().copied().filter(|c| !is_missing(c)).collect();
        let distinct = {
            let mut values: Vec<String> = present.iter().map(|c| c.trim().to_lowercase()).collect();
            values.sort_unstable();
            values.dedup();
            values.len()
        };
        let missing_share = 1.0 - present.len() as f64 / cells.len().max(1) as f64;
        let judged = if column == target {
            Err(Exclusion::Target)
        } else if Some(column) == id {
            Err(Exclusion::Identifier)
        } else {
            judge(name, &cells, &present, distinct)
        };
        let (kind, excluded) = match judged {
            Ok(kind) => {
                features.push(Feature {
                    name: name.clone(),
                    kind,
                    levels: if kind == ColumnKind::Categorical {
                        levels(&present)
                    } else {
                        Vec::new()
                    },
                    index: Default::default(),
                });
                (Some(kind), None)
            }
            Err(why) => (None, Some(why)),
        };
        report.push(ColumnReport {
            name: name.clone(),
            kind,
            excluded,
            missing_share,
            distinct,
        });
    }
    Plan { features, report }
}

fn judge(
    name: &str,
    cells: &[&str],
    present: &[&str],
    distinct: usize,
) -> Result<ColumnKind, Exclusion> {
    if distinct <= 1 {
        return Err(Exclusion::Constant);
    }
    let unique = distinct == present.len() && present.len() > 20;
    let numbers: Vec<f64> = present.iter().filter_map(|c| parse_number(c)).collect();
    // A few stray cells (" ", "n/a", "-") do not make a number column text.
    let numeric = numbers.len() as f64 >= 0.98 * present.len() as f64;
    let long = present
        .iter()
        .filter(|c| c.split_whitespace().count() > 3)
        .count();
    if distinct as f64 > 0.5 * present.len() as f64 && long * 2 > present.len() {
        return Err(Exclusion::FreeText);
    }
    if unique && (looks_like_id(name) || !numeric || counts_rows(cells)) {
        return Err(Exclusion::Identifier);
    }
    if numeric {
        return Ok(ColumnKind::Numeric);
    }
    let dates = present.iter().filter(|c| parse_date(c).is_some()).count();
    if dates as f64 >= 0.98 * present.len() as f64 {
        return Ok(ColumnKind::Date);
    }
    // Mostly distinct text (e-mails, phones, names) is a key, not a category.
    if distinct as f64 > 0.5 * present.len() as f64 && present.len() > 50 {
        return Err(Exclusion::Identifier);
    }
    Ok(ColumnKind::Categorical)
}

pub(crate) fn looks_like_id(name: &str) -> bool {
    let name = name.trim().to_lowercase();
    let compact: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
    const OWNERS: [&str; 9] = [
        "customer", "client", "user", "lead", "deal", "account", "row", "record", "contact",
    ];
    compact == "id"
        || name == "№"
        || name.ends_with("_id")
        || name.ends_with(" id")
        || name.starts_with("id_")
        || compact.ends_with("id") && OWNERS.iter().any(|owner| compact.starts_with(owner))
        || compact.starts_with("ид")
        || compact == "index"
        || name == "unnamed: 0"
}

/// A column of whole numbers that rise by one on every row is a row counter.
fn counts_rows(cells: &[&str]) -> bool {
    let numbers: Vec<f64> = cells.iter().filter_map(|c| parse_number(c)).collect();
    numbers.len() == cells.len() && numbers.windows(2).all(|pair| pair[1] - pair[0] == 1.0)
}

fn levels(present: &[&str]) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for cell in present {
        *counts.entry(cell.trim().to_lowercase()).or_default() += 1;
    }
    let mut levels: Vec<(String, usize)> = counts.into_iter().collect();
    levels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    levels
        .into_iter()
        .take(MAX_LEVELS)
        .map(|(level, _)| level)
        .collect()
}

/// Reads the features out of any table that has their columns (by name,
/// case-insensitively); a column the table lacks is missing on every row.
/// Returns the matrix and the names of the absent columns.
pub(crate) fn encode(
    features: &[Feature],
    headers: &[String],
    rows: &[Vec<String>],
) -> (Matrix, Vec<String>) {
    let positions: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_lowercase(), i))
        .collect();
    let mut absent = Vec::new();
    let columns = features
        .iter()
        .map(|feature| {
            let Some(&column) = positions.get(&feature.name.trim().to_lowercase()) else {
                absent.push(feature.name.clone());
                return vec![f64::NAN; rows.len()];
            };
            rows.iter()
                .map(|row| feature.read(row.get(column).map_or("", String::as_str)))
                .collect()
        })
        .collect();
    (
        Matrix {
            rows: rows.len(),
            columns,
        },
        absent,
    )
}

/// Reads the outcome column: `None` where the cell is empty (such rows are
/// not trained on).
pub(crate) fn outcomes(
    rows: &[Vec<String>],
    column: usize,
    name: &str,
    positive: Option<&str>,
) -> Result<(Vec<Option<bool>>, Outcome), PredictError> {
    let cells: Vec<&str> = rows
        .iter()
        .map(|row| row.get(column).map_or("", |c| c.trim()))
        .collect();
    let mut values: Vec<String> = Vec::new();
    for (row, cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let folded = cell.to_lowercase();
        if !values.contains(&folded) {
            if values.len() == 2 {
                return Err(PredictError::BadTarget {
                    column: name.to_string(),
                    row: row + 2,
                    value: (*cell).to_string(),
                });
            }
            values.push(folded);
        }
    }
    let positive = match positive {
        Some(value) => value.trim().to_lowercase(),
        None => {
            let known = values.iter().find(|v| is_yes(v));
            let all_known = values.iter().all(|v| is_yes(v) || is_no(v));
            match known {
                Some(yes) if all_known => yes.clone(),
                _ if values.len() == 1 && is_no(&values[0]) => "1".to_string(),
                _ => {
                    return Err(match values.iter().position(|v| !is_yes(v) && !is_no(v)) {
                        Some(_) if values.len() == 2 => PredictError::AmbiguousTarget {
                            column: name.to_string(),
                            values: values.join(", "),
                        },
                        _ => {
                            let row = cells
                                .iter()
                                .position(|c| {
                                    !c.is_empty()
                                        && !is_yes(&c.to_lowercase())
                                        && !is_no(&c.to_lowercase())
                                })
                                .unwrap_or(0);
                            PredictError::BadTarget {
                                column: name.to_string(),
                                row: row + 2,
                                value: cells.get(row).copied().unwrap_or_default().to_string(),
                            }
                        }
                    });
                }
            }
        }
    };
    let negative = values
        .iter()
        .find(|v| **v != positive)
        .cloned()
        .unwrap_or_default();
    let read = cells
        .iter()
        .map(|cell| (!cell.is_empty()).then(|| cell.to_lowercase() == positive))
        .collect();
    Ok((
        read,
        Outcome {
            column: name.to_string(),
            positive,
            negative,
        },
    ))
}

fn is_yes(value: &str) -> bool {
    matches!(
        value,
        "1" | "1.0" | "yes" | "y" | "true" | "t" | "да" | "д" | "истина" | "+"
    )
}

fn is_no(value: &str) -> bool {
    matches!(
        value,
        "0" | "0.0" | "no" | "n" | "false" | "f" | "нет" | "н" | "ложь" | "-"
    )
}

/// Empty cells and the usual spellings of "no value".
pub(crate) fn is_missing(cell: &str) -> bool {
    let cell = cell.trim();
    cell.is_empty()
        || matches!(
            cell.to_lowercase().as_str(),
            "na" | "n/a" | "nan" | "null" | "none" | "?" | "#н/д" | "н/д" | "-" | "—"
        )
}

/// A number as people write it: `1 234,5`, `1,234.5`, `12%`, `₽ 500`.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let cleaned: String = cell
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '₽' | '$' | '€' | '\'' | '\u{202f}'))
        .collect();
    let cleaned = cleaned
        .trim_end_matches("руб.")
        .trim_end_matches("руб")
        .trim_end_matches("р.");
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    let commas = cleaned.matches(',').count();
    let normal = match (cleaned.rfind(','), cleaned.rfind('.')) {
        (Some(comma), Some(dot)) if comma > dot => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        (Some(_), None) if commas == 1 => cleaned.replace(',', "."),
        (Some(_), None) => cleaned.replace(',', ""),
        _ => cleaned.to_string(),
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A calendar date (ISO, `dd.mm.yyyy`, with or without a time) as days since 1970.
pub(crate) fn parse_date(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    let day = cell.get(..10).unwrap_or(cell);
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(day, "%d.%m.%Y"))
        .or_else(|_| chrono::NaiveDate::parse_from_str(day, "%Y/%m/%d"))
        .ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    Some((date - epoch).num_days() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str], rows: &[&[&str]]) -> (Vec<String>, Vec<Vec<String>>) {
        (
            headers.iter().map(|h| h.to_string()).collect(),
            rows.iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        )
    }

    #[test]
    fn numbers_are_read_as_people_write_them() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("12%"), Some(12.0));
        assert_eq!(parse_number("500 руб."), Some(500.0));
        assert_eq!(parse_number("-3e2"), Some(-300.0));
        assert_eq!(parse_number("Yes"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn columns_are_told_apart() {
        let mut rows = Vec::new();
        for i in 0..40 {
            rows.push(vec![
                format!("C-{i:04}"),
                format!("{}", i % 7),
                if i % 2 == 0 {
                    "Москва"
                } else {
                    "Казань"
                }
                .to_string(),
                format!("2024-01-{:02}", i % 28 + 1),
                "same".to_string(),
                if i % 3 == 0 { "Yes" } else { "No" }.to_string(),
                if i == 5 {
                    " ".to_string()
                } else {
                    format!("{}.5", i)
                },
            ]);
        }
        let headers: Vec<String> = [
            "customerID",
            "visits",
            "city",
            "signed",
            "flag",
            "churn",
            "charges",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect();
        let plan = plan(&headers, &rows, 5, None);
        let kinds: Vec<_> = plan.report.iter().map(|c| (c.kind, c.excluded)).collect();
        assert_eq!(kinds[0], (None, Some(Exclusion::Identifier)));
        assert_eq!(kinds[1], (Some(ColumnKind::Numeric), None));
        assert_eq!(kinds[2], (Some(ColumnKind::Categorical), None));
        assert_eq!(kinds[3], (Some(ColumnKind::Date), None));
        assert_eq!(kinds[4], (None, Some(Exclusion::Constant)));
        assert_eq!(kinds[5], (None, Some(Exclusion::Target)));
        assert_eq!(
            kinds[6],
            (Some(ColumnKind::Numeric), None),
            "one blank cell keeps it numeric"
        );
    }

    #[test]
    fn outcomes_accept_the_usual_spellings_and_name_the_bad_row() {
        let (_, rows) = table(&["t"], &[&["Yes"], &["No"], &[""], &["yes"]]);
        let (read, outcome) = outcomes(&rows, 0, "t", None).expect("readable");
        assert_eq!(read, vec![Some(true), Some(false), None, Some(true)]);
        assert_eq!(outcome.positive, "yes");

        let (_, rows) = table(&["t"], &[&["да"], &["нет"]]);
        assert_eq!(
            outcomes(&rows, 0, "t", None).expect("Russian").0,
            vec![Some(true), Some(false)]
        );

        let (_, rows) = table(&["t"], &[&["1"], &["0"], &["maybe"]]);
        let error = outcomes(&rows, 0, "t", None).expect_err("three values");
        assert!(error.to_string().contains("row 4"), "{error}");

        let (_, rows) = table(&["t"], &[&["won"], &["lost"]]);
        let error = outcomes(&rows, 0, "t", None).expect_err("which is positive?");
        assert!(error.to_string().contains("--positive"), "{error}");
        let (read, _) = outcomes(&rows, 0, "t", Some("won")).expect("named");
        assert_eq!(read, vec![Some(true), Some(false)]);
    }

    #[test]
    fn unseen_categories_and_absent_columns_are_read_as_missing_or_other() {
        let feature = Feature {
            name: "City".to_string(),
            kind: ColumnKind::Categorical,
            levels: vec!["москва".to_string()],
            index: Default::default(),
        };
        let (headers, rows) = table(&["city"], &[&["Москва"], &["Тула"], &[""]]);
        let (matrix, absent) = encode(std::slice::from_ref(&feature), &headers, &rows);
        assert!(absent.is_empty());
        assert_eq!(matrix.columns[0][0], 0.0);
        assert_eq!(matrix.columns[0][1], 1.0, "unseen is 'other'");
        assert!(matrix.columns[0][2].is_nan());
        let (matrix, absent) = encode(&[feature], &["x".to_string()], &rows);
        assert_eq!(absent, vec!["City".to_string()]);
        assert!(matrix.columns[0].iter().all(|v| v.is_nan()));
    }
}
