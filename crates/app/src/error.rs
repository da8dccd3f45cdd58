//! The use cases' errors: each maps to one stable code for clients.

use domain::FieldError;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No credentials, or credentials that are wrong, expired or revoked.
    #[error("authentication required: {0}")]
    Unauthorized(String),
    /// The actor's role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such record (or none the actor may see).
    #[error("{kind} {id} not found")]
    NotFound {
        /// What was looked for.
        kind: String,
        /// Its id.
        id: String,
    },
    /// The input has invalid fields; all of them are listed.
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Some items of a batch are invalid; nothing was written.
    #[error("{} of the items are invalid; nothing was written", .0.len())]
    InvalidBatch(Vec<(usize, Vec<FieldError>)>),
    /// A unique value is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A request the store cannot answer (unknown filter field, bad cursor).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A file could not be imported.
    #[error(transparent)]
    Import(#[from] import::ImportError),
    /// A part the request needs is not set up (no NLU model configured).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A failure of the store itself.
    #[error(transparent)]
    Store(store::Error),
    /// Reading or writing a local file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl From<store::Error> for Error {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::NotFound { kind, id } => Error::NotFound { kind, id },
            store::Error::Conflict { entity, field } => {
                Error::Conflict(format!("{entity}: {field} already exists"))
            }
            store::Error::BadQuery(reason) => Error::BadRequest(reason),
            other => Error::Store(other),
        }
    }
}

/// The use cases' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
