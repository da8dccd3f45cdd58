//! What can be wrong with a source file, each problem naming the file and,
//! where there is one, the row and the column or field, so that whoever
//! keeps the knowledge base can fix it without reading code.

use std::fmt;

/// One problem in one source.
///
/// Rows count as a spreadsheet shows them: the header is row 1, so the first
/// product or question is row 2. FAQ items in YAML count from 1.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    // The cause is in the message, not a `source` (it would print twice).
    #[error("{file}: cannot read it: {error}")]
    Read { file: String, error: std::io::Error },
    #[error("{file}: not UTF-8 text at byte {offset}; save the file as UTF-8")]
    Encoding { file: String, offset: usize },
    #[error(
        "{file}: unknown kind of source; expected .md or .markdown (articles), .yaml or .yml (FAQ), .csv (FAQ or catalogue)"
    )]
    UnknownKind { file: String },
    #[error("{file}, line {line}: not valid YAML: {message}")]
    Yaml {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: expected a list of FAQ items (`- q: … a: …`)")]
    FaqNotAList { file: String },
    #[error("{file}, item {item}: expected a mapping with a question and an answer")]
    FaqItem { file: String, item: usize },
    #[error("{file}, item {item}, field `{field}`: {message}")]
    FaqField {
        file: String,
        item: usize,
        field: &'static str,
        message: &'static str,
    },
    #[error("{file}, row {row}: {message}")]
    Csv {
        file: String,
        row: u64,
        message: String,
    },
    #[error(
        "{file}: the columns ({}) are neither a FAQ (question, answer) nor a catalogue (sku, name)",
        .found.join(", ")
    )]
    UnknownTable { file: String, found: Vec<String> },
    #[error("{file}, column `{column}` appears twice (also as `{other}`)")]
    DuplicateColumn {
        file: String,
        column: String,
        other: String,
    },
    #[error("{file}, row {row}, column `{column}`: {message} (found «{value}»)")]
    Value {
        file: String,
        row: u64,
        column: String,
        value: String,
        message: &'static str,
    },
    #[error("{file}, row {row}, column `{column}`: SKU {sku} is already used by {first}")]
    DuplicateSku {
        file: String,
        row: u64,
        column: String,
        sku: String,
        first: String,
    },
    #[error("SKU {sku} is in two catalogue files: {first} and {second}")]
    SkuInTwoFiles {
        sku: String,
        first: String,
        second: String,
    },
}

/// Every problem found while loading, so that one pass shows them all.
#[derive(Debug)]
pub struct LoadError {
    pub problems: Vec<SourceError>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems in the knowledge base sources:", many.len())?;
                for problem in many {
                    write!(f, "\n  {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

impl From<SourceError> for LoadError {
    fn from(problem: SourceError) -> Self {
        LoadError {
            problems: vec![problem],
        }
    }
}

/// Why a generated answer was not used (the extractive one is given instead).
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("generation endpoint `{url}` is not a usable http(s) URL: {reason}")]
    Url { url: String, reason: String },
    #[error("HTTP client could not be built: {0}")]
    Client(String),
    #[error("generation endpoint gave no answer: {0}")]
    Transport(String),
    #[error("generation endpoint answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("generation endpoint's answer is not a chat completion: {0}")]
    Shape(String),
    #[error("the generated answer cites none of the passages it was given")]
    Uncited,
}
