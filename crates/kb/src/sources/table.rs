//! CSV sources: the delimiter is guessed from the header (Russian Excel
//! writes `;`), and the header says whether the table is a FAQ (question,
//! answer) or the catalogue (sku, name).

use crate::error::SourceError;
use crate::passage::Passage;

use super::{catalogue, faq};

/// A CSV file read whole: its header and its rows, each with the number a
/// spreadsheet shows for it (the header is row 1).
pub(super) struct Table {
    pub(super) file: String,
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// The column whose header, folded, is one of `names`.
    pub(super) fn column(&self, names: &[&str]) -> Result<Option<usize>, SourceError> {
        let mut found: Option<usize> = None;
        for (index, header) in self.header.iter().enumerate() {
            if names.contains(&key(header).as_str()) {
                if let Some(first) = found {
                    return Err(SourceError::DuplicateColumn {
                        file: self.file.clone(),
                        column: self.header[first].clone(),
                        other: header.clone(),
                    });
                }
                found = Some(index);
            }
        }
        Ok(found)
    }
}

pub(super) fn passages(
    shown: &str,
    cited: &str,
    text: &str,
) -> Result<Vec<Passage>, Vec<SourceError>> {
    let table = read(shown, text)?;
    let faq_columns = (
        table.column(&faq::QUESTION_KEYS).map_err(|e| vec![e])?,
        table.column(&faq::ANSWER_KEYS).map_err(|e| vec![e])?,
    );
    if let (Some(question), Some(answer)) = faq_columns {
        return faq_rows(&table, cited, question, answer);
    }
    if catalogue::is_catalogue(&table) {
        return catalogue::passages(&table);
    }
    Err(vec![SourceError::UnknownTable {
        file: shown.to_string(),
        found: table.header.clone(),
    }])
}

fn faq_rows(
    table: &Table,
    cited: &str,
    question: usize,
    answer: usize,
) -> Result<Vec<Passage>, Vec<SourceError>> {
    let id = table.column(&faq::ID_KEYS).map_err(|e| vec![e])?;
    let mut passages = Vec::new();
    let mut problems = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (number, (row, cells)) in table.rows.iter().enumerate() {
        let cell = |index: usize| cells.get(index).map_or("", |c| c.as_str());
        let mut missing = |column: usize, what: &'static str| {
            problems.push(SourceError::Value {
                file: table.file.clone(),
                row: *row,
                column: table.header[column].clone(),
                value: String::new(),
                message: what,
            });
        };
        if cell(question).is_empty() {
            missing(question, "the question is empty");
            continue;
        }
        if cell(answer).is_empty() {
            missing(answer, "the answer is empty");
            continue;
        }
        let name = match id.map(cell).filter(|id| !id.is_empty()) {
            Some(given) => given.to_string(),
            None => (number + 1).to_string(),
        };
        if !ids.insert(name.clone()) {
            if let Some(column) = id {
                problems.push(SourceError::Value {
                    file: table.file.clone(),
                    row: *row,
                    column: table.header[column].clone(),
                    value: name,
                    message: "this id is used by another row",
                });
            }
            continue;
        }
        passages.push(faq::passage(
            cited,
            &name,
            vec![cell(question).to_string()],
            cell(answer).to_string(),
        ));
    }
    if problems.is_empty() {
        Ok(passages)
    } else {
        Err(problems)
    }
}

fn read(shown: &str, text: &str) -> Result<Table, Vec<SourceError>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let csv_error = |row: u64, error: csv::Error| SourceError::Csv {
        file: shown.to_string(),
        row,
        message: error.to_string(),
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| vec![csv_error(1, error)])?
        .iter()
        .map(|cell| cell.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index as u64 + 2;
        match record {
            Ok(record) => {
                let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                if cells.len() > header.len() {
                    problems.push(SourceError::Csv {
                        file: shown.to_string(),
                        row,
                        message: format!(
                            "{} cells, but the header has {} columns",
                            cells.len(),
                            header.len()
                        ),
                    });
                    continue;
                }
                rows.push((row, cells));
            }
            Err(error) => problems.push(csv_error(row, error)),
        }
    }
    if problems.is_empty() {
        Ok(Table {
            file: shown.to_string(),
            header,
            rows,
        })
    } else {
        Err(problems)
    }
}

/// The most frequent of `;`, `,` and tab in the header line outside quotes.
fn delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        if byte == b'\n' && !quoted {
            break;
        }
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (delimiter, count) in counts.iter_mut() {
                if byte == *delimiter {
                    *count += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(delimiter, count)| (*count, *delimiter == b','))
        .map_or(b',', |(delimiter, _)| *delimiter)
}

/// Headers compare without case, «ё» and surrounding spaces.
pub(super) fn fold(header: &str) -> String {
    header.trim().to_lowercase().replace('ё', "е")
}

/// A header's name without the unit after a comma or in brackets: «Цена,
/// руб.» and «Price (RUB)» are the price column.
fn key(header: &str) -> String {
    let folded = fold(header);
    match folded.split_once([',', '(']) {
        Some((name, _)) => name.trim().to_string(),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_most() {
        assert_eq!(delimiter("sku;name;\"a,b\"\n1;2;3"), b';');
        assert_eq!(delimiter("sku,name\n"), b',');
        assert_eq!(delimiter("sku\tname\tprice"), b'\t');
        assert_eq!(delimiter("sku"), b',');
    }
}
