//! Why a model could not be trained or used, said so a person can fix it.

/// What went wrong; each names the column, row or count at fault.
#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error("no column named `{0}` (columns: {1})")]
    NoColumn(String, String),
    #[error(
        "target column `{column}`, row {row}: `{value}` is not an outcome; expected 1/0, yes/no, true/false, да/нет (or name the positive value)"
    )]
    BadTarget {
        column: String,
        row: usize,
        value: String,
    },
    #[error(
        "target column `{column}` has the values {values}; name the one that means success or churn (`--positive VALUE`)"
    )]
    AmbiguousTarget { column: String, values: String },
    #[error("not enough data to learn from: {0}")]
    TooFewOutcomes(String),
    #[error("no usable feature columns: {0}")]
    NoFeatures(String),
    #[error("the model file is not a fundament model: {0}")]
    BadModel(String),
}
