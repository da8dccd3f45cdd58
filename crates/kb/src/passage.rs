//! A passage: the unit the knowledge base searches, answers with and cites.

use serde::Serialize;

/// Where a passage came from, which decides how it is matched and answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Part of a Markdown article, under one heading.
    Article,
    /// A question with its answer.
    Faq,
    /// One row of the product catalogue.
    Product,
}

/// A piece of text with what it is about and where it can be checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    pub kind: Kind,
    /// Where to check the text: `delivery.md#Пункты выдачи`, `faq.yaml#return`,
    /// `catalogue:AP-PRO2`.
    pub citation: String,
    /// What it is about: the heading path of an article passage, the FAQ
    /// question, the product's name. Matched with more weight than `text`.
    pub title: String,
    /// Other ways of saying the title: more phrasings of a FAQ question, a
    /// product's aliases («айфон»). Matched like the title, never shown.
    pub alternatives: Vec<String>,
    /// What the bot may say: the paragraph, the FAQ answer, the product line.
    pub text: String,
    /// A product's SKU; a question naming it exactly gets this product first.
    pub sku: Option<String>,
}
