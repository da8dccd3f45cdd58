//! # nlu
//!
//! Understanding what a customer wrote, in Russian or English: which intent
//! (trained from Rasa NLU YAML, so Rasa users bring their data unchanged),
//! which entities (a trained tagger helped by rules for phones, dates,
//! money, weights and order numbers, and by gazetteers that know Russian case
//! forms: «до Нижнего Новгорода» → «Нижний Новгород»), how the customer feels
//! (negative / neutral / positive with a strength), and whether the message
//! is out of scope (`nlu_fallback`). `parse` answers in Rasa's `/model/parse`
//! shape.
//!
//! # What it is for
//!
//! The chatbot's dialogue and the managers' assistant (`converse`), the CLI
//! (`nlu train | parse | test`) and the HTTP `POST /model/parse`.
//!
//! # What it must not know
//!
//! Stores, channels, HTTP, conversations: it turns text into structure and
//! nothing else. Models live in a directory of files the caller chooses.

mod eval;
mod gazetteer;
mod intent;
mod model;
mod rasa;
mod rules;
mod sentiment;
mod tagger;
mod text;

pub use eval::{EntityScore, IntentCounts, Report, evaluate};
pub use model::{Entity, FALLBACK, IntentScore, NluModel, Options, Parse};
pub use rasa::{Annotation, Example, TrainingData};
pub use rules::{KINDS as RULE_KINDS, Match as RuleMatch, find as find_by_rules};
pub use sentiment::Sentiment;
pub use text::{language, tokenize};

/// What can go wrong reading data or a model.
#[derive(Debug, thiserror::Error)]
pub enum NluError {
    // The cause is in the message, not a `source`: printed as a chain it
    // would be said twice.
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{origin}: {message}")]
    Data { origin: String, message: String },
    #[error("{path}: {message}")]
    Model { path: String, message: String },
}
