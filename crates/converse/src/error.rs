//! What can go wrong loading a bot: reading its flow file, the flow file's
//! shape and meaning, and the NLU data it names. A running conversation has
//! no errors: whatever the customer writes gets an answer.

use std::fmt;

/// Why a bot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The flow file could not be read.
    // Causes are in the messages, not `source`s: printed as a chain they
    // would be said twice.
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    /// The flow file is not YAML of the expected shape (a misspelt key, a
    /// list where a text belongs); the message names the line.
    #[error("{origin}: not a flow file: {message}")]
    Syntax { origin: String, message: String },
    /// The flow file is well formed but says something impossible; every
    /// problem found is listed, each with its field path.
    #[error("{origin}: {}", list(.issues))]
    Invalid { origin: String, issues: Vec<Issue> },
    /// The bot's knowledge files could not be read.
    #[error("{origin}: knowledge: {error}")]
    Knowledge {
        origin: String,
        error: kb::LoadError,
    },
    /// The NLU files the flow names could not be read or trained on.
    #[error("{origin}: NLU data: {error}")]
    Nlu {
        origin: String,
        error: nlu::NluError,
    },
}

/// One problem in a flow file, at a field path such as
/// `flows[0].steps[3].ask`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub field: String,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn list(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(Issue::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
