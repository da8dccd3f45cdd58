//! What can go wrong reading, checking or writing a table, named precisely.

use std::path::PathBuf;

/// A failure that names the file and, where it applies, the row and column.
#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    /// The file could not be read as a table, or a row of it could not.
    #[error(transparent)]
    Read(#[from] import::ImportError),
    /// A column the command needs is missing or ambiguous.
    #[error("{file}: {reason}")]
    Columns { file: PathBuf, reason: String },
    /// A rules or settings file is wrong.
    #[error("{file}: {reason}")]
    Config { file: PathBuf, reason: String },
    /// Reading or writing failed (the cause follows in the error chain).
    #[error("{file}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing CSV failed (the cause follows in the error chain).
    #[error("{file}")]
    Csv {
        file: PathBuf,
        #[source]
        source: csv::Error,
    },
}
