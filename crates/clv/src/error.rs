//! What can go wrong summarising, fitting or segmenting, named precisely.

use chrono::NaiveDate;

/// A failure that names the row, field or option and what was expected.
///
/// Rows are counted from 1 in the order the caller passed them.
#[derive(Debug, thiserror::Error)]
pub enum ClvError {
    /// A transaction cannot be used.
    #[error("transaction row {row}: {field} {reason}")]
    Transaction {
        row: usize,
        field: &'static str,
        reason: String,
    },
    /// A customer's history or spend given to a model is out of range.
    #[error("customer row {row}: {field} is {value}, expected {expected}")]
    Input {
        row: usize,
        field: &'static str,
        value: f64,
        expected: &'static str,
    },
    /// No transactions were given at all.
    #[error("no transactions given")]
    Empty,
    /// Nothing was bought on or before the end of the observation period.
    #[error("no transactions on or before {end}")]
    NoTransactions { end: NaiveDate },
    /// Too few customers to fit population-level models.
    #[error("only {found} customers bought by {end}; need at least {needed} to fit the models")]
    TooFewCustomers {
        found: usize,
        needed: usize,
        end: NaiveDate,
    },
    /// Too few customers bought again (in a later period than their first).
    #[error(
        "only {found} of {customers} customers bought again in a later {unit}; \
         need at least {needed} repeat buyers (with a positive spend) to fit the models"
    )]
    TooFewRepeatBuyers {
        found: usize,
        customers: usize,
        needed: usize,
        unit: &'static str,
    },
    /// An option is out of range.
    #[error("option {option}: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
    /// The likelihood could not be maximised to finite parameters.
    #[error("{model} fit failed: {reason}")]
    Fit { model: &'static str, reason: String },
    /// The Gauss hypergeometric series did not converge (a horizon far longer than the history).
    #[error("the series 2F1({a}, {b}; {c}; {z}) did not converge; try a shorter horizon")]
    Series { a: f64, b: f64, c: f64, z: f64 },
    /// Clustering needs more customers that differ from one another.
    #[error(
        "clustering needs at least {needed} customers with distinct recency, frequency and spend; found {found}"
    )]
    TooFewToCluster { found: usize, needed: usize },
}
