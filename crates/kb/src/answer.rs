//! Answers made of the sources' own words: the best passage (a FAQ answer,
//! a paragraph, a product line) with its citation, or nothing when the
//! match is too weak to stand behind.

use serde::Serialize;

use crate::passage::{Kind, Passage};

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit<'a> {
    pub passage: &'a Passage,
    /// BM25F score with product boosts; comparable within one query only.
    pub score: f64,
    pub citation: &'a str,
    /// How surely the passage is about the question, 0 to 1, comparable
    /// across queries: the share of the question's words (weighted by idf)
    /// the passage contains, or 0.8 × the share of the passage's title (FAQ
    /// question, heading, product name) the question contains, whichever is
    /// more; at least 0.75 for a product named by SKU or full name.
    pub confidence: f64,
}

/// What the bot can say, and where each part of it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub text: String,
    /// Sources of the text; a generated text refers to them as [1], [2] in
    /// this order.
    pub citations: Vec<String>,
    /// The best passage's confidence (see [`Hit::confidence`]).
    pub confidence: f64,
    /// Whether a language model wrote the text from the passages; otherwise
    /// it is the passages' own text.
    pub generated: bool,
}

/// Products close to the best one are listed together («какие наушники
/// есть?»), up to this many.
const MAX_PRODUCTS: usize = 3;
/// How close another product's score must be to the best one's to be listed.
const PRODUCT_SCORE_SHARE: f64 = 0.8;

pub(crate) fn extractive(hits: &[Hit<'_>], min_confidence: f64) -> Option<Answer> {
    let best = hits
        .first()
        .filter(|hit| hit.confidence >= min_confidence)?;
    let chosen: Vec<&Hit<'_>> = if best.passage.kind == Kind::Product {
        hits.iter()
            .filter(|hit| {
                hit.passage.kind == Kind::Product
                    && hit.score >= best.score * PRODUCT_SCORE_SHARE
                    && hit.confidence >= min_confidence
            })
            .take(MAX_PRODUCTS)
            .collect()
    } else {
        vec![best]
    };
    Some(Answer {
        text: chosen
            .iter()
            .map(|hit| hit.passage.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        citations: chosen.iter().map(|hit| hit.citation.to_string()).collect(),
        confidence: best.confidence,
        generated: false,
    })
}
