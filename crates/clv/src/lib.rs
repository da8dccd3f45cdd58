//! # clv
//!
//! Customer lifetime value and segments from purchase histories: per-customer
//! RFM summaries, the BG/NBD purchase model and the Gamma-Gamma spend model
//! (fitted by maximum likelihood, matching Python `lifetimes`), discounted
//! value over a horizon, a calibration/holdout check of the forecast, RFM
//! scores with named segments (RU/EN), and k-means clusters.
//!
//! The usual path: [`Transaction`]s ─► [`summary`] ─► [`analyse`] (or
//! [`holdout`]) for value, and [`segment::rfm`] / [`segment::clusters`] on the
//! summaries for segments. Everything returned is `serde::Serialize`.
//!
//! # What it must not know
//!
//! HTTP, databases, terminals and files. Inputs are plain Rust values
//! (transactions, histories, options); outputs are values and reports. The
//! caller reads the data and writes the results.

mod bgnbd;
mod error;
mod gamma_gamma;
mod optimize;
pub mod segment;
mod special;
mod summary;
mod value;

pub use bgnbd::{BgNbd, Fit, History};
pub use error::ClvError;
pub use gamma_gamma::{GammaGamma, Spend};
pub use summary::{CustomerSummary, TimeUnit, Transaction, summary};
pub use value::{
    CustomerValue, HoldoutReport, HoldoutRow, MIN_CUSTOMERS, MIN_REPEAT_BUYERS, Options, Report,
    analyse, holdout, lifetime_value,
};
