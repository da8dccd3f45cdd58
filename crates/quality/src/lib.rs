//! # quality
//!
//! The six steps that make CRM data fit for machine learning, on tables from
//! files or from the store: profile, standardise, validate, match and merge
//! (master data), anonymise, and a readiness report with a fix-list.
//!
//! Columns get a [`Role`] from their header in Russian or English (`ФИО`,
//! `Телефон`, `date_of_birth`) or from the user; each step works by role.
//!
//! # What it must not know
//!
//! Stores, HTTP, terminals. It takes a [`Frame`] (rows of text cells) and
//! returns values and reports; the `app` crate brings the store's records
//! and the `cli` crate the files.

pub mod anonymize;
mod dates;
pub mod dedupe;
pub mod dictionary;
mod error;
mod frame;
mod person;
pub mod readiness;
mod roles;
pub mod standardize;
pub mod validate;
mod values;

pub use dates::{DateKind, Order, column_order, parse_date};
pub use error::QualityError;
pub use frame::{Frame, write_atomically, write_csv};
pub use person::{PersonName, parse_full_name};
pub use roles::{ROLE_NAMES, Role, Roles, parse_map, role_of_header};
