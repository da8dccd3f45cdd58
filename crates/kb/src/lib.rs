//! # kb
//!
//! The chatbot's knowledge base: what the bot may tell a customer, and
//! where each answer comes from. Sources are Markdown articles, FAQ pairs
//! (YAML or CSV) and the product catalogue (CSV); each becomes passages that
//! cite their origin (`delivery.md#Пункты выдачи`, `faq.yaml#return`,
//! `catalogue:AP-PRO2`).
//!
//! ```
//! let passages = kb::parse_source(
//!     "faq.yaml",
//!     "- q: Как вернуть товар?\n  a: В течение 14 дней с чеком.\n",
//! )?;
//! let kb = kb::KnowledgeBase::from_passages(passages);
//! let answer = kb.answer("можно вернуть товары?").expect("answered");
//! assert_eq!(answer.text, "В течение 14 дней с чеком.");
//! assert_eq!(answer.citations, ["faq.yaml#1"]);
//! assert!(kb.answer("какая погода в Сочи?").is_none());
//! # Ok::<(), kb::LoadError>(())
//! ```
//!
//! # How it answers
//!
//! Search is BM25F (k1 = 1.2, b = 0.75) over `nlu`'s stems, so Russian case
//! forms meet («доставки», «доставкой»), with a passage's title field (the
//! FAQ question, heading, product name) weighing twice its text; unknown
//! words are matched to known ones by edit distance (typos), and products
//! named by SKU or full name come first. Answers are extractive by default:
//! the best passage's own text with its citation, or `None` when too little
//! of the question is covered, so the bot says it does not know or hands
//! over. A [`Generator`] may instead have a language model phrase the answer
//! from the best passages, with the customer's personal data masked by
//! `pii` before anything leaves; any failure falls back to the extractive
//! answer.
//!
//! # What it must not know
//!
//! Stores, the HTTP server, conversations: the caller gives the source
//! files (or texts) and, if it wants generation, the endpoint. The only
//! network call is to that endpoint.

mod answer;
mod error;
mod generate;
mod index;
mod mask;
mod passage;
mod sources;
mod terms;

use std::path::Path;

pub use answer::{Answer, Hit};
pub use error::{GenerateError, LoadError, SourceError};
pub use generate::{Generator, GeneratorConfig, NO_ANSWER};
pub use mask::mask_personal_data;
pub use passage::{Kind, Passage};
pub use sources::parse_source;

use index::Index;

/// Below this confidence of the best passage (see [`Hit::confidence`]) the
/// bot does not answer. Chosen on `tests/data`: the out-of-scope questions
/// there reach at most 0.26, while nine in ten in-scope ones reach 0.3; raise
/// it for a bot that should rather hand over than risk a wrong answer.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.3;

/// Passages and their index; immutable once built, so one can serve every
/// conversation from behind an `Arc`.
pub struct KnowledgeBase {
    passages: Vec<Passage>,
    index: Index,
    min_confidence: f64,
}

impl KnowledgeBase {
    /// Reads every file named and every `.md`, `.markdown`, `.yaml`, `.yml`
    /// and `.csv` under every directory named. Fails with all the problems
    /// found, each naming its file, row and column or field.
    pub fn load<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<KnowledgeBase, LoadError> {
        Ok(KnowledgeBase::from_passages(sources::load_paths(paths)?))
    }

    pub fn from_passages(passages: Vec<Passage>) -> KnowledgeBase {
        let index = Index::build(&passages);
        KnowledgeBase {
            passages,
            index,
            min_confidence: DEFAULT_MIN_CONFIDENCE,
        }
    }

    /// The confidence below which [`answer`](Self::answer) gives `None`.
    pub fn with_min_confidence(mut self, min_confidence: f64) -> KnowledgeBase {
        self.min_confidence = min_confidence;
        self
    }

    pub fn passages(&self) -> &[Passage] {
        &self.passages
    }

    /// The `k` passages that best match `query`, best first. Personal data
    /// in the query (names, phones, addresses …) is not searched for.
    pub fn search(&self, query: &str, k: usize) -> Vec<Hit<'_>> {
        self.index
            .search(&mask::without_personal_data(query, |name| {
                self.index.mentions(name)
            }))
            .into_iter()
            .take(k)
            .filter_map(|scored| {
                let passage = self.passages.get(scored.doc)?;
                Some(Hit {
                    passage,
                    score: scored.score,
                    citation: &passage.citation,
                    confidence: scored.coverage,
                })
            })
            .collect()
    }

    /// The sources' own answer to `query`, or `None` when nothing matches it
    /// well enough to say.
    pub fn answer(&self, query: &str) -> Option<Answer> {
        answer::extractive(&self.search(query, SEARCHED), self.min_confidence)
    }

    /// An answer written by `generator`'s model from the best passages, or
    /// the extractive one when the endpoint fails or its answer cites none of
    /// them. `None` without asking the model when the extractive answer would
    /// be `None`, and `None` when the model says the passages do not answer.
    pub async fn answer_with(&self, query: &str, generator: &Generator) -> Option<Answer> {
        let hits = self.search(query, SEARCHED.max(generator.passages()));
        let extractive = answer::extractive(&hits, self.min_confidence)?;
        let best = hits.first().map_or(0.0, |hit| hit.score);
        // Passages far below the best add noise, not facts.
        let shown: Vec<Hit<'_>> = hits
            .into_iter()
            .filter(|hit| hit.score >= best * CONTEXT_SCORE_SHARE)
            .take(generator.passages())
            .collect();
        match generator.generate(query, &shown).await {
            Ok(generated) => generated,
            Err(error) => {
                tracing::warn!(%error, "generated answer unavailable; answering from the sources");
                Some(extractive)
            }
        }
    }
}

/// A pattern written in this crate; each is compiled by its module's tests.
fn compiled(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("a constant pattern")
}

/// Hits looked at for an answer: enough for a few close products.
const SEARCHED: usize = 5;
/// A passage is shown to the model when it scores at least this share of the best.
const CONTEXT_SCORE_SHARE: f64 = 0.25;
