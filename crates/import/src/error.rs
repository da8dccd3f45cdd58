//! Errors of reading a file, and issues with one row.

use std::path::PathBuf;

/// A problem that stops a whole file from being read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file's format is not one fundament reads.
    #[error("{file}: {reason}")]
    Format {
        /// The file.
        file: PathBuf,
        /// What is wrong, and what was expected.
        reason: String,
    },
    /// A row of the file is malformed beyond one field (wrong number of cells, broken quoting).
    #[error("{file}: row {row}: {reason}")]
    Row {
        /// The file.
        file: PathBuf,
        /// The 1-based data row (the header is row 0).
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// No preset has that name.
    #[error("no preset named {name:?}; available: {available}")]
    UnknownPreset {
        /// The name asked for.
        name: String,
        /// The names there are.
        available: String,
    },
    /// A preset or mapping file is invalid.
    #[error("preset {name}: {reason}")]
    Preset {
        /// The preset or file name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// An issue with one cell of one row: the row is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// The 1-based data row.
    pub row: usize,
    /// The column header in the file (or the field, when no column fed it).
    pub column: String,
    /// The field of the entity the column maps to.
    pub field: String,
    /// What is wrong and what was expected.
    pub reason: String,
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {:?}: {}",
            self.row, self.column, self.reason
        )
    }
}
