//! The store's errors, the same whichever backend answered.

use domain::EntityKind;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No record with that id.
    #[error("{kind} {id} not found")]
    NotFound {
        /// The kind looked up.
        kind: String,
        /// The id looked up.
        id: String,
    },
    /// A unique value is already taken.
    #[error("{entity}: {field} already exists")]
    Conflict {
        /// The table.
        entity: String,
        /// The column or constraint.
        field: String,
    },
    /// A stored row no longer parses (edited behind fundament's back).
    #[error("stored {kind} has a bad `{column}`: {reason}")]
    Corrupt {
        /// The kind of record.
        kind: EntityKind,
        /// The column.
        column: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A list request the store cannot answer (unknown field, bad cursor).
    #[error("{0}")]
    BadQuery(String),
    /// The database URL is not one fundament can use.
    #[error("unsupported database URL {0:?}; expected sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A failure of the database itself.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(database_error) = &error
            && database_error.is_unique_violation()
        {
            return Error::Conflict {
                entity: database_error.table().unwrap_or("record").to_string(),
                field: database_error
                    .constraint()
                    .unwrap_or("a unique value")
                    .to_string(),
            };
        }
        Error::Database(error)
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
