//! FAQ pairs as passages. YAML is a list of `- q: … a: …` items (also
//! `question`/`answer`, `вопрос`/`ответ`); a question may be a list of
//! phrasings, and an optional `id` names the pair in citations
//! (`faq.yaml#return`), otherwise its number does (`faq.yaml#3`).

use std::collections::HashSet;

use serde_norway::{Mapping, Value};

use crate::error::SourceError;
use crate::passage::{Kind, Passage};

pub(crate) const QUESTION_KEYS: [&str; 3] = ["q", "question", "вопрос"];
pub(crate) const ANSWER_KEYS: [&str; 3] = ["a", "answer", "ответ"];
pub(crate) const ID_KEYS: [&str; 1] = ["id"];

pub(super) fn from_yaml(
    shown: &str,
    cited: &str,
    text: &str,
) -> Result<Vec<Passage>, Vec<SourceError>> {
    let value: Value = serde_norway::from_str(text).map_err(|error| {
        vec![SourceError::Yaml {
            file: shown.to_string(),
            line: error.location().map_or(1, |location| location.line()),
            message: error.to_string(),
        }]
    })?;
    let items = match value {
        Value::Sequence(items) => items,
        // An empty file is an empty FAQ, not a mistake.
        Value::Null => Vec::new(),
        _ => {
            return Err(vec![SourceError::FaqNotAList {
                file: shown.to_string(),
            }]);
        }
    };
    let mut passages = Vec::new();
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let number = index + 1;
        match read_item(shown, number, item) {
            Ok((id, questions, answer)) => {
                let id = id.unwrap_or_else(|| number.to_string());
                if ids.insert(id.clone()) {
                    passages.push(passage(cited, &id, questions, answer));
                } else {
                    problems.push(field_error(shown, number, "id", "is used by another item"));
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(passages)
    } else {
        Err(problems)
    }
}

type Item = (Option<String>, Vec<String>, String);

fn read_item(file: &str, item: usize, value: &Value) -> Result<Item, SourceError> {
    let Value::Mapping(map) = value else {
        return Err(SourceError::FaqItem {
            file: file.to_string(),
            item,
        });
    };
    let questions = match lookup(map, &QUESTION_KEYS) {
        None => return Err(field_error(file, item, "q", "is missing")),
        Some(Value::Sequence(list)) => list
            .iter()
            .map(scalar)
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| field_error(file, item, "q", "must be text or a list of texts"))?,
        Some(value) => vec![
            scalar(value)
                .ok_or_else(|| field_error(file, item, "q", "must be text or a list of texts"))?,
        ],
    };
    let questions: Vec<String> = questions.into_iter().filter(|q| !q.is_empty()).collect();
    if questions.is_empty() {
        return Err(field_error(file, item, "q", "is empty"));
    }
    let answer = match lookup(map, &ANSWER_KEYS) {
        None => return Err(field_error(file, item, "a", "is missing")),
        Some(value) => scalar(value).ok_or_else(|| field_error(file, item, "a", "must be text"))?,
    };
    if answer.is_empty() {
        return Err(field_error(file, item, "a", "is empty"));
    }
    let id = match lookup(map, &ID_KEYS) {
        None => None,
        Some(value) => Some(
            scalar(value)
                .filter(|id| !id.is_empty())
                .ok_or_else(|| field_error(file, item, "id", "must be a short text"))?,
        ),
    };
    Ok((id, questions, answer))
}

fn lookup<'a>(map: &'a Mapping, keys: &[&str]) -> Option<&'a Value> {
    map.iter().find_map(|(key, value)| {
        let key = key.as_str()?.trim().to_lowercase();
        keys.contains(&key.as_str()).then_some(value)
    })
}

/// Text, or a number or yes/no written where text was meant («a: 14»).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn field_error(file: &str, item: usize, field: &'static str, message: &'static str) -> SourceError {
    SourceError::FaqField {
        file: file.to_string(),
        item,
        field,
        message,
    }
}

/// One FAQ pair: the first phrasing is the title, the others alternatives.
pub(super) fn passage(
    cited: &str,
    id: &str,
    mut questions: Vec<String>,
    answer: String,
) -> Passage {
    let title = questions.remove(0);
    Passage {
        kind: Kind::Faq,
        citation: format!("{cited}#{id}"),
        title,
        alternatives: questions,
        text: answer,
        sku: None,
    }
}
