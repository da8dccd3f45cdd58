//! Predictions on tables: will this lead buy, will this customer leave.
//!
//! Given rows with a yes/no outcome, [`train`] learns which columns matter
//! (numbers, categories and dates are told apart by themselves; identifiers and
//! free text are set aside), fits a regularised logistic regression and
//! gradient-boosted trees on cross-validation folds, blends them as the folds
//! say, calibrates the blend (Platt) and keeps the folds' honest figures: AUC,
//! PR-AUC, log-loss, Brier, a calibration curve, lift by decile and bootstrap
//! intervals, with naive Bayes (the crude open model CRMs ship) as the baseline
//! to beat. Too few outcomes are refused with what is missing; few outcomes
//! switch to the small-data mode (the linear model alone, its prior chosen by
//! the folds, intervals from bootstrap refits). [`Model::score`] gives each row
//! a calibrated probability and the factors that moved it, in points.
//!
//! This crate knows nothing of files, databases, HTTP or CRMs: a table is
//! headers and rows of text, and a model is a serde value the caller keeps.

mod bayes;
mod calibrate;
mod data;
mod error;
mod explain;
mod gbm;
mod linear;
pub mod metrics;
mod model;
pub mod optimize;
mod split;

pub use data::{ColumnKind, ColumnReport, Exclusion, Outcome};
pub use error::PredictError;
pub use explain::{Factor, Language};
pub use metrics::Evaluation;
pub use model::{Mode, Model, Options, Score, Task, TrainReport, train};
pub use split::stratified_split;
