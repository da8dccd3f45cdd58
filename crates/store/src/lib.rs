//! # store
//!
//! Where fundament keeps everything: records of every entity kind, the
//! audit log, API keys, user credentials and sessions, and the durable job
//! queue. Two backends sit behind one [`Store`]: embedded SQLite (the
//! default, one file, WAL) and PostgreSQL (for several `serve` processes
//! sharing one database). The same contract tests run against both.
//!
//! Writes go through a [`Tx`]: a batch is all or nothing. Backend-specific
//! failures become [`Error::NotFound`], [`Error::Conflict`] or
//! [`Error::Database`]; nothing above this crate sees how the two differ.
//! The store knows which columns hold personal data ([`personal_data_map`]),
//! so that encryption, export and erasure can reach every copy.
//!
//! This crate knows nothing of HTTP, files to import, roles or templates.
//!
//! ```no_run
//! # async fn demo() -> store::Result<()> {
//! let store = store::Store::connect("sqlite::memory:").await?;
//! store.migrate().await?;
//! # Ok(()) }
//! ```

mod access;
mod audit;
mod backend;
mod conversations;
mod error;
mod jobs;
mod layout;
mod merges;
mod personal;
mod predictions;
mod records;

pub use access::{ApiKeyRow, SessionRow};
pub use audit::{AuditEntry, AuditVerification, NewAuditEntry};
pub use backend::{Store, Tx};
pub use conversations::{ConversationRow, ReviewRow};
pub use error::{Error, Result};
pub use jobs::{Job, JobStatus};
pub use layout::{COMMON_COLUMNS, ColumnType, columns};
pub use merges::MergeRow;
pub use personal::{PersonalColumn, personal_data_map};
pub use predictions::{ModelRow, ScoreRow};
pub use records::{Filter, FilterOp, ListQuery, MAX_LIMIT as MAX_PAGE, Page, Sort};
