//! Measuring a model on held-out Rasa data: intent accuracy, macro-F1 and
//! the confusions; entity precision, recall and F1 with exact spans (a
//! found entity counts only with the right name, start and end), and how
//! often the value of a rightly found entity is right too.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{FALLBACK, NluModel};
use crate::rasa::TrainingData;

#[derive(Debug, Clone, Serialize)]
pub struct IntentCounts {
    pub intent: String,
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityScore {
    pub entity: String,
    /// Annotated in the test data.
    pub support: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Of the rightly found, how many have the annotated value.
    pub value_accuracy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub examples: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Accuracy over the examples whose intent is not out of scope.
    pub in_scope_accuracy: f64,
    /// Of the out-of-scope examples (`out_of_scope`, `oos`), how many were
    /// called out of scope; `None` when the test has none.
    pub out_of_scope_recall: Option<f64>,
    pub intents: Vec<IntentCounts>,
    /// (annotated, predicted, count) for every mistaken pair, commonest first.
    pub confusion: Vec<(String, String, usize)>,
    pub entities: EntityScore,
    pub by_entity: Vec<EntityScore>,
}

/// Intents that mean "none of the others" match the fallback.
pub(crate) fn out_of_scope(intent: &str) -> bool {
    matches!(
        intent,
        "out_of_scope" | "oos" | "nlu_fallback" | "outofscope"
    )
}

pub fn evaluate(model: &NluModel, test: &TrainingData, today: NaiveDate) -> Report {
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut entity_counts: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut correct = 0;
    let (mut in_scope, mut in_scope_right, mut outside, mut outside_found) = (0, 0, 0, 0);
    for example in &test.examples {
        let parse = model.parse_at(&example.text, today);
        let predicted = if parse.intent.name == FALLBACK && out_of_scope(&example.intent) {
            example.intent.clone()
        } else {
            parse.intent.name.clone()
        };
        if predicted == example.intent {
            correct += 1;
        }
        if out_of_scope(&example.intent) {
            outside += 1;
            outside_found += usize::from(parse.out_of_scope);
        } else {
            in_scope += 1;
            in_scope_right += usize::from(predicted == example.intent);
        }
        *pairs
            .entry((example.intent.clone(), predicted))
            .or_default() += 1;
        for gold in &example.entities {
            entity_counts.entry(gold.entity.clone()).or_default().0 += 1;
        }
        for found in &parse.entities {
            let counts = entity_counts.entry(found.entity.clone()).or_default();
            counts.1 += 1;
            if let Some(gold) = example
                .entities
                .iter()
                .find(|g| g.entity == found.entity && g.start == found.start && g.end == found.end)
            {
                counts.2 += 1;
                if gold.value.to_lowercase() == found.value.to_lowercase() {
                    counts.3 += 1;
                }
            }
        }
    }
    let mut labels: Vec<String> = pairs
        .keys()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    labels.sort();
    labels.dedup();
    let intents: Vec<IntentCounts> = labels
        .iter()
        .filter(|label| test.examples.iter().any(|e| &e.intent == *label))
        .map(|label| {
            let hit = pairs
                .get(&(label.clone(), label.clone()))
                .copied()
                .unwrap_or(0);
            let support: usize = pairs
                .iter()
                .filter(|((g, _), _)| g == label)
                .map(|(_, n)| n)
                .sum();
            let predicted: usize = pairs
                .iter()
                .filter(|((_, p), _)| p == label)
                .map(|(_, n)| n)
                .sum();
            let (precision, recall, f1) = prf(hit, predicted, support);
            IntentCounts {
                intent: label.clone(),
                support,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let macro_f1 = if intents.is_empty() {
        0.0
    } else {
        intents.iter().map(|i| i.f1).sum::<f64>() / intents.len() as f64
    };
    let mut confusion: Vec<(String, String, usize)> = pairs
        .into_iter()
        .filter(|((g, p), _)| g != p)
        .map(|((g, p), n)| (g, p, n))
        .collect();
    confusion.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let score = |entity: &str, (support, predicted, hit, values): (usize, usize, usize, usize)| {
        let (precision, recall, f1) = prf(hit, predicted, support);
        EntityScore {
            entity: entity.to_string(),
            support,
            predicted,
            correct: hit,
            precision,
            recall,
            f1,
            value_accuracy: if hit == 0 {
                0.0
            } else {
                values as f64 / hit as f64
            },
        }
    };
    let total = entity_counts.values().fold((0, 0, 0, 0), |a, b| {
        (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3)
    });
    Report {
        examples: test.examples.len(),
        accuracy: if test.examples.is_empty() {
            0.0
        } else {
            correct as f64 / test.examples.len() as f64
        },
        macro_f1,
        in_scope_accuracy: if in_scope == 0 {
            0.0
        } else {
            in_scope_right as f64 / in_scope as f64
        },
        out_of_scope_recall: (outside > 0).then(|| outside_found as f64 / outside as f64),
        intents,
        confusion,
        entities: score("all", total),
        by_entity: entity_counts.iter().map(|(e, c)| score(e, *c)).collect(),
    }
}

fn prf(hit: usize, predicted: usize, support: usize) -> (f64, f64, f64) {
    let precision = if predicted == 0 {
        0.0
    } else {
        hit as f64 / predicted as f64
    };
    let recall = if support == 0 {
        0.0
    } else {
        hit as f64 / support as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    (precision, recall, f1)
}
