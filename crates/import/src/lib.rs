//! # import
//!
//! Reads the exports people actually have — CSV (any encoding Russian CRMs
//! write, `;` or `,` or tab separated, with or without a BOM), XLSX, JSON and
//! JSON Lines — and turns each row into a [`domain::Draft`] through a mapping
//! [`Preset`]: the real column names of amoCRM, Bitrix24, HubSpot and
//! Salesforce exports, or a user's own mapping file.
//!
//! Every problem is reported with the file, the 1-based data row, the
//! column and what was expected; one bad row does not stop the reading of
//! the others, so a report lists them all.
//!
//! This crate reads files; it never writes to the store (the `app` crate
//! writes what it yields) and knows nothing of HTTP.
//!
//! ```no_run
//! use import::{Preset, Table, TableOptions};
//! let preset = Preset::builtin("bitrix24-contacts").unwrap();
//! let mut table = Table::open("contacts.csv".as_ref(), &TableOptions::default()).unwrap();
//! let mapper = preset.mapper(table.headers()).unwrap();
//! for row in table.rows() {
//!     let mapped = mapper.map(&row.unwrap(), &Default::default());
//! }
//! ```

mod detect;
mod error;
mod mapping;
mod preset;
mod table;

pub use detect::{Encoding, detect_delimiter, detect_encoding};
pub use error::{ImportError, RowIssue};
pub use mapping::{MappedRow, Mapper};
pub use preset::{Preset, PresetSummary};
pub use table::{Format, RawRow, Table, TableOptions};
