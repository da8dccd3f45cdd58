//! Record identifiers.

use std::fmt;

use crate::ValueError;

/// The identifier of a stored record: a UUID v7, so that ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(uuid::Uuid);

impl Id {
    /// A fresh, time-ordered id.
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }

    /// Parses the hyphenated text form.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        uuid::Uuid::parse_str(text.trim()).map(Self).map_err(|_| {
            ValueError::new(
                format!("{text:?} is not an id"),
                "a UUID such as 0190f2c4-7b1e-7cc0-9d8e-1a2b3c4d5e6f",
            )
        })
    }
}

impl Default for Id {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}
