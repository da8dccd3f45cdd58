//! Errors of value parsing: what was wrong with one value, and with which field.

/// Why one raw value could not become a typed value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}; expected {expected}")]
pub struct ValueError {
    /// What is wrong, e.g. `"\"12-34\" is not a valid phone number"`.
    pub reason: String,
    /// What would have been accepted, e.g. `"a phone number such as +7 916 123-45-67"`.
    pub expected: &'static str,
}

impl ValueError {
    /// A value error with its reason and what was expected instead.
    pub fn new(reason: impl Into<String>, expected: &'static str) -> Self {
        Self {
            reason: reason.into(),
            expected,
        }
    }
}

/// A value error tied to the field it was found in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {error}")]
pub struct FieldError {
    /// The schema name of the field (`phones`, `amount`, ...).
    pub field: String,
    /// What was wrong with its value.
    pub error: ValueError,
}
