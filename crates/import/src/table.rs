//! Reading a file as a table: a header and rows of text cells, whatever the
//! format. CSV and JSON Lines are streamed, so memory does not grow with the
//! file; XLSX and JSON documents are read whole (their formats require it).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use crate::ImportError;
use crate::detect::{Encoding, detect_delimiter, detect_encoding};

/// A file format fundament reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-, semicolon-, tab- or pipe-separated text.
    Csv,
    /// An Excel workbook (first sheet).
    Xlsx,
    /// A JSON array of objects (or an object holding one, as REST APIs answer).
    Json,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format a file name implies.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_lowercase();
        match extension.as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "xlsx" | "xlsm" | "xls" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// How to read a file; everything left `None` is detected.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// The format; by default from the file's extension.
    pub format: Option<Format>,
    /// The text encoding of CSV files.
    pub encoding: Option<Encoding>,
    /// The CSV delimiter.
    pub delimiter: Option<u8>,
}

/// One data row: its 1-based number and one cell per header.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// The 1-based data row (the header is not counted).
    pub row: usize,
    /// The cells, aligned with [`Table::headers`]; missing cells are empty.
    pub cells: Vec<String>,
}

/// An open file, read as a table.
pub struct Table {
    path: PathBuf,
    headers: Vec<String>,
    source: Source,
    /// What was detected, for the import report.
    pub detected: String,
}

enum Source {
    Csv(csv::Reader<Box<dyn Read + Send>>, bool),
    Lines(std::io::Lines<BufReader<File>>),
    Rows(std::vec::IntoIter<Vec<String>>),
}

impl Table {
    /// Opens a file and reads its header.
    pub fn open(path: &Path, options: &TableOptions) -> Result<Self, ImportError> {
        let format = options
            .format
            .or_else(|| Format::from_path(path))
            .ok_or_else(|| ImportError::Format {
                file: path.to_path_buf(),
                reason: "unknown file type; expected .csv, .tsv, .xlsx, .json or .jsonl".into(),
            })?;
        match format {
            Format::Csv => open_csv(path, options),
            Format::JsonLines => open_json_lines(path),
            Format::Json => open_json(path),
            Format::Xlsx => open_xlsx(path),
        }
    }

    /// The column headers, trimmed, BOM removed.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data rows, in order. A row that cannot be read at all is an error
    /// naming it; reading goes on after it.
    pub fn rows(&mut self) -> impl Iterator<Item = Result<RawRow, ImportError>> + '_ {
        let width = self.headers.len();
        let path = self.path.clone();
        let mut row_number = 0_usize;
        std::iter::from_fn(move || {
            loop {
                row_number += 1;
                let row_error = |reason: String| ImportError::Row {
                    file: path.clone(),
                    row: row_number,
                    reason,
                };
                let cells = match &mut self.source {
                    Source::Csv(reader, utf8) => {
                        let mut record = csv::StringRecord::new();
                        match reader.read_record(&mut record) {
                            Ok(false) => return None,
                            Ok(true) => {}
                            Err(error) => {
                                return Some(Err(row_error(format!(
                                    "cannot be read as CSV: {error}"
                                ))));
                            }
                        }
                        if record.iter().all(|cell| cell.trim().is_empty()) {
                            row_number -= 1;
                            continue;
                        }
                        if record.len() != width {
                            return Some(Err(row_error(format!(
                                "has {} cells but the header has {width}; check quoting and the delimiter",
                                record.len()
                            ))));
                        }
                        if *utf8 && record.iter().any(|cell| cell.contains('\u{FFFD}')) {
                            return Some(Err(row_error("contains bytes that are not UTF-8; pass the file's encoding, e.g. --encoding windows-1251".into())));
                        }
                        record.iter().map(str::to_string).collect()
                    }
                    Source::Lines(lines) => {
                        let line = match lines.next()? {
                            Ok(line) => line,
                            Err(error) => {
                                return Some(Err(row_error(format!("cannot be read: {error}"))));
                            }
                        };
                        if line.trim().is_empty() {
                            row_number -= 1;
                            continue;
                        }
                        match serde_json::from_str::<Json>(&line) {
                            Ok(Json::Object(object)) => cells_of(&flatten(object), &self.headers),
                            Ok(_) => return Some(Err(row_error("is not a JSON object".into()))),
                            Err(error) => {
                                return Some(Err(row_error(format!("is not valid JSON: {error}"))));
                            }
                        }
                    }
                    Source::Rows(rows) => rows.next()?,
                };
                return Some(Ok(RawRow {
                    row: row_number,
                    cells,
                }));
            }
        })
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        file: path.to_path_buf(),
        source,
    }
}

fn open_csv(path: &Path, options: &TableOptions) -> Result<Table, ImportError> {
    let mut sample = Vec::with_capacity(64 * 1024);
    File::open(path)
        .map_err(io_error(path))?
        .take(64 * 1024)
        .read_to_end(&mut sample)
        .map_err(io_error(path))?;
    let encoding = options.encoding.unwrap_or_else(|| detect_encoding(&sample));
    let decoded_sample = encoding.codec().decode(&sample).0;
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| detect_delimiter(&decoded_sample));
    let file = File::open(path).map_err(io_error(path))?;
    let decoder: Box<dyn Read + Send> = Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding.codec()))
            .bom_override(true)
            .build(BufReader::with_capacity(256 * 1024, file)),
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(decoder);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| ImportError::Format {
            file: path.to_path_buf(),
            reason: format!("cannot read the header row: {error}"),
        })?
        .iter()
        .map(clean_header)
        .collect();
    check_headers(path, &headers)?;
    let delimiter_name = match delimiter {
        b'\t' => "tab".to_string(),
        other => format!("{:?}", char::from(other)),
    };
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        source: Source::Csv(reader, encoding == Encoding::Utf8),
        detected: format!("CSV, {}, delimiter {delimiter_name}", encoding.name()),
    })
}

fn open_json_lines(path: &Path) -> Result<Table, ImportError> {
    // A first pass collects every key, so rows can be aligned to one header.
    let mut headers: Vec<String> = Vec::new();
    let reader = BufReader::new(File::open(path).map_err(io_error(path))?);
    for line in reader.lines() {
        let line = line.map_err(io_error(path))?;
        if let Ok(Json::Object(object)) = serde_json::from_str::<Json>(&line) {
            for key in flatten(object).keys() {
                if !headers.contains(key) {
                    headers.push(key.clone());
                }
            }
        }
    }
    check_headers(path, &headers)?;
    let lines = BufReader::new(File::open(path).map_err(io_error(path))?).lines();
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        source: Source::Lines(lines),
        detected: "JSON Lines".into(),
    })
}

fn open_json(path: &Path) -> Result<Table, ImportError> {
    let file = BufReader::new(File::open(path).map_err(io_error(path))?);
    let format_error = |reason: String| ImportError::Format {
        file: path.to_path_buf(),
        reason,
    };
    let document: Json = serde_json::from_reader(file)
        .map_err(|error| format_error(format!("is not valid JSON: {error}")))?;
    let items = match document {
        Json::Array(items) => items,
        // REST answers wrap the list: {"result": [...]}, {"items": [...]}, {"records": [...]}.
        Json::Object(object) => object
            .into_iter()
            .find_map(|(_, value)| match value {
                Json::Array(items) => Some(items),
                _ => None,
            })
            .ok_or_else(|| format_error("holds no array of records".into()))?,
        _ => return Err(format_error("expected an array of objects".into())),
    };
    let objects: Vec<Map<String, Json>> = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item {
            Json::Object(object) => Ok(flatten(object)),
            _ => Err(ImportError::Row {
                file: path.to_path_buf(),
                row: index + 1,
                reason: "is not a JSON object".into(),
            }),
        })
        .collect::<Result<_, _>>()?;
    let mut headers: Vec<String> = Vec::new();
    for object in &objects {
        for key in object.keys() {
            if !headers.contains(key) {
                headers.push(key.clone());
            }
        }
    }
    check_headers(path, &headers)?;
    let rows: Vec<Vec<String>> = objects
        .iter()
        .map(|object| cells_of(object, &headers))
        .collect();
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        source: Source::Rows(rows.into_iter()),
        detected: "JSON".into(),
    })
}

#[cfg(feature = "xlsx")]
fn open_xlsx(path: &Path) -> Result<Table, ImportError> {
    use calamine::{Data, Reader};
    let format_error = |reason: String| ImportError::Format {
        file: path.to_path_buf(),
        reason,
    };
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|error| format_error(format!("is not a readable workbook: {error}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| format_error("has no sheets".into()))?
        .map_err(|error| format_error(format!("cannot read the first sheet: {error}")))?;
    let text = |cell: &Data| -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(text) => text.clone(),
            // Excel keeps phones and ids as numbers: 79161234567.0 must not gain a ".0".
            Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e17 => {
                format!("{number:.0}")
            }
            Data::Float(number) => number.to_string(),
            Data::Int(number) => number.to_string(),
            Data::Bool(flag) => flag.to_string(),
            Data::DateTime(at) => at.as_datetime().map_or_else(
                || at.to_string(),
                |at| at.format("%Y-%m-%d %H:%M:%S").to_string(),
            ),
            Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
            Data::Error(error) => format!("#ERROR {error:?}"),
        }
    };
    let mut rows = range.rows();
    let headers: Vec<String> = rows
        .next()
        .map(|row| row.iter().map(|cell| clean_header(&text(cell))).collect())
        .unwrap_or_default();
    check_headers(path, &headers)?;
    let data: Vec<Vec<String>> = rows
        .map(|row| row.iter().map(text).collect::<Vec<_>>())
        .filter(|cells| cells.iter().any(|cell| !cell.trim().is_empty()))
        .collect();
    Ok(Table {
        path: path.to_path_buf(),
        headers,
        source: Source::Rows(data.into_iter()),
        detected: "XLSX, first sheet".into(),
    })
}

#[cfg(not(feature = "xlsx"))]
fn open_xlsx(path: &Path) -> Result<Table, ImportError> {
    Err(ImportError::Format {
        file: path.to_path_buf(),
        reason: "this build has no XLSX support (feature `xlsx`); save the sheet as CSV".into(),
    })
}

fn clean_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .replace('\u{a0}', " ")
        .trim()
        .to_string()
}

fn check_headers(path: &Path, headers: &[String]) -> Result<(), ImportError> {
    if headers.iter().all(String::is_empty) {
        return Err(ImportError::Format {
            file: path.to_path_buf(),
            reason: "has no header row; the first row must name the columns".into(),
        });
    }
    Ok(())
}

/// Flattens an exported object into one level: HubSpot's `properties` and
/// Salesforce's `attributes`-style nesting become plain keys, nested objects
/// become `a.b`, and Bitrix24 multi-fields (`[{"VALUE": ...}]`) become their values.
fn flatten(object: Map<String, Json>) -> Map<String, Json> {
    let mut flat = Map::new();
    for (key, value) in object {
        match value {
            Json::Object(inner) if key == "properties" || key == "fields" => {
                flat.extend(flatten(inner))
            }
            Json::Object(inner) => {
                for (inner_key, inner_value) in flatten(inner) {
                    flat.insert(format!("{key}.{inner_key}"), inner_value);
                }
            }
            other => {
                flat.insert(key, other);
            }
        }
    }
    flat
}

fn cells_of(object: &Map<String, Json>, headers: &[String]) -> Vec<String> {
    headers
        .iter()
        .map(|header| object.get(header).map(json_text).unwrap_or_default())
        .collect()
}

fn json_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(text) => text.clone(),
        Json::Array(items) => items
            .iter()
            .map(|item| match item {
                Json::Object(object) => object
                    .get("VALUE")
                    .or_else(|| object.get("value"))
                    .map(json_text)
                    .unwrap_or_default(),
                other => json_text(other),
            })
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
