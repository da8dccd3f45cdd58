//! Rasa NLU training data (YAML, formats 2.0–3.1) read as Rasa 3 reads it,
//! so a Rasa user's files train here unchanged: intents with examples and
//! inline entity annotations, synonyms, lookup tables and regexes; every
//! other section (stories, rules, responses, domain keys) is left alone.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_norway::Value;

use crate::NluError;

/// One annotated entity of an example; offsets in Unicode characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub start: usize,
    pub end: usize,
    pub entity: String,
    /// The annotated text unless the annotation gives a value.
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// One training sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The sentence with annotations replaced by their text.
    pub text: String,
    /// The intent (for a retrieval intent `faq/ask_name`, `faq`).
    pub intent: String,
    pub entities: Vec<Annotation>,
}

/// Everything a set of Rasa NLU files teaches.
#[derive(Debug, Clone, Default)]
pub struct TrainingData {
    pub examples: Vec<Example>,
    /// Surface text (lower case) → the value it stands for.
    pub synonyms: BTreeMap<String, String>,
    /// Lookup table name → its elements.
    pub lookups: BTreeMap<String, Vec<String>>,
    /// Regex name → its patterns.
    pub regexes: BTreeMap<String, Vec<String>>,
    /// Lines Rasa would skip, with where they are (`file: intent greet: …`).
    pub warnings: Vec<String>,
}

impl TrainingData {
    /// Reads and merges several files, naming the file in any error.
    pub fn load(paths: &[impl AsRef<Path>]) -> Result<Self, NluError> {
        let mut data = TrainingData::default();
        for path in paths {
            let path = path.as_ref();
            let text = std::fs::read_to_string(path).map_err(|error| NluError::Io {
                path: path.display().to_string(),
                error,
            })?;
            data.add(&path.display().to_string(), &text)?;
        }
        Ok(data)
    }

    /// Parses one file's text (`origin` names it in messages).
    pub fn parse(origin: &str, text: &str) -> Result<Self, NluError> {
        let mut data = TrainingData::default();
        data.add(origin, text)?;
        Ok(data)
    }

    fn add(&mut self, origin: &str, text: &str) -> Result<(), NluError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let document: Value = serde_norway::from_str(text).map_err(|e| NluError::Data {
            origin: origin.to_string(),
            message: format!("not valid YAML: {e}"),
        })?;
        let Some(items) = document.get("nlu") else {
            return Ok(());
        };
        let items = match items {
            Value::Null => return Ok(()),
            Value::Sequence(items) => items,
            _ => {
                return Err(NluError::Data {
                    origin: origin.to_string(),
                    message: "`nlu` must be a list of items (`- intent: …`)".into(),
                });
            }
        };
        for (index, item) in items.iter().enumerate() {
            let place = format!("{origin}: nlu item {}", index + 1);
            let Value::Mapping(_) = item else {
                self.warnings
                    .push(format!("{place}: not a mapping, skipped"));
                continue;
            };
            if let Some(name) = item.get("intent") {
                let name = scalar(name).unwrap_or_default();
                if name.is_empty() {
                    self.warnings
                        .push(format!("{place}: empty intent name, skipped"));
                    continue;
                }
                let place = format!("{origin}: intent {name}");
                if name.matches('/').count() > 1 {
                    return Err(NluError::Data {
                        origin: place,
                        message:
                            "an intent name may hold one `/` (retrieval intent `faq/ask_name`)"
                                .into(),
                    });
                }
                let intent = name.split('/').next().unwrap_or(&name).to_string();
                for line in self.example_lines(&place, item.get("examples")) {
                    let (plain, entities) =
                        annotations(&line).map_err(|message| NluError::Data {
                            origin: format!("{place}: example «{line}»"),
                            message,
                        })?;
                    for entity in &entities {
                        let surface: String = plain
                            .chars()
                            .skip(entity.start)
                            .take(entity.end - entity.start)
                            .collect();
                        if surface != entity.value {
                            self.synonyms
                                .insert(surface.to_lowercase(), entity.value.clone());
                        }
                    }
                    self.examples.push(Example {
                        text: plain,
                        intent: intent.clone(),
                        entities,
                    });
                }
            } else if let Some(name) = item.get("synonym") {
                let name = scalar(name).unwrap_or_default();
                let place = format!("{origin}: synonym {name}");
                for line in self.example_lines(&place, item.get("examples")) {
                    self.synonyms.insert(line.to_lowercase(), name.clone());
                }
            } else if let Some(name) = item.get("regex") {
                let name = scalar(name).unwrap_or_default();
                let place = format!("{origin}: regex {name}");
                let lines = self.example_lines(&place, item.get("examples"));
                for pattern in &lines {
                    Regex::new(pattern).map_err(|e| NluError::Data {
                        origin: place.clone(),
                        message: format!("pattern `{pattern}` does not compile: {e}"),
                    })?;
                }
                self.regexes.entry(name).or_default().extend(lines);
            } else if let Some(name) = item.get("lookup") {
                let name = scalar(name).unwrap_or_default();
                let place = format!("{origin}: lookup {name}");
                let lines = self.example_lines(&place, item.get("examples"));
                self.lookups.entry(name).or_default().extend(lines);
            } else {
                self.warnings.push(format!(
                    "{place}: none of intent, synonym, regex, lookup; skipped"
                ));
            }
        }
        Ok(())
    }

    /// The example lines of an item: a block string of `- ` lines (other
    /// lines skipped with a warning, as Rasa does), or a list of `text:`
    /// entries.
    fn example_lines(&mut self, place: &str, examples: Option<&Value>) -> Vec<String> {
        let mut lines = Vec::new();
        match examples {
            Some(Value::String(block)) => {
                for line in block.lines() {
                    match line.strip_prefix('-') {
                        Some(rest) => {
                            let rest = rest.trim_matches(|c| matches!(c, ' ' | '\r' | '\n'));
                            if !rest.is_empty() {
                                lines.push(rest.to_string());
                            }
                        }
                        None if line.trim().is_empty() => {}
                        None => self.warnings.push(format!(
                            "{place}: line «{line}» does not start with `-`, skipped"
                        )),
                    }
                }
            }
            Some(Value::Sequence(entries)) => {
                for entry in entries {
                    let text = entry.get("text").and_then(scalar).unwrap_or_default();
                    let text = text.trim_matches(|c| matches!(c, ' ' | '\r' | '\n'));
                    if !text.is_empty() {
                        lines.push(text.to_string());
                    }
                }
            }
            None | Some(Value::Null) => {
                self.warnings.push(format!("{place}: no examples"));
            }
            Some(_) => self.warnings.push(format!(
                "{place}: `examples` is neither a `|` block nor a list; skipped"
            )),
        }
        lines
    }

    /// Intent names, sorted.
    pub fn intents(&self) -> Vec<String> {
        let mut names: Vec<String> = self.examples.iter().map(|e| e.intent.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Rasa 3.1's annotation grammar: `[text](entity)`, `[text](entity:value)`,
/// `[text]{"entity": …}` and `[text][{…}, {…}]`.
static ANNOTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\[(?P<text>[^\]]+?)\](?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<dict>[^}]+?)\}|\[(?P<list>.*?)\])",
    )
    .unwrap_or_else(|e| panic!("annotation pattern: {e}"))
});

static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{(?P<dict>[^}]+?)\}").unwrap_or_else(|e| panic!("list item pattern: {e}"))
});

#[derive(Deserialize)]
struct EntityDict {
    entity: String,
    value: Option<String>,
    role: Option<String>,
    group: Option<String>,
}

/// The plain text of an annotated example and its entities.
pub fn annotations(line: &str) -> Result<(String, Vec<Annotation>), String> {
    let mut plain = String::with_capacity(line.len());
    let mut plain_chars = 0;
    let mut entities = Vec::new();
    let mut last = 0;
    for found in ANNOTATION.captures_iter(line) {
        let (Some(whole), Some(text)) = (found.get(0), found.name("text")) else {
            continue;
        };
        let before = &line[last..whole.start()];
        plain.push_str(before);
        plain_chars += before.chars().count();
        let text = text.as_str();
        let start = plain_chars;
        let end = start + text.chars().count();
        plain.push_str(text);
        plain_chars = end;
        last = whole.end();
        let mut dicts = Vec::new();
        if let Some(entity) = found.name("entity") {
            dicts.push(EntityDict {
                entity: entity.as_str().to_string(),
                value: found.name("value").map(|v| v.as_str().to_string()),
                role: None,
                group: None,
            });
        } else if let Some(dict) = found.name("dict") {
            dicts.push(entity_dict(dict.as_str())?);
        } else if let Some(list) = found.name("list") {
            for item in LIST_ITEM.captures_iter(list.as_str()) {
                if let Some(dict) = item.name("dict") {
                    dicts.push(entity_dict(dict.as_str())?);
                }
            }
        }
        for dict in dicts {
            entities.push(Annotation {
                start,
                end,
                entity: dict.entity,
                value: dict.value.unwrap_or_else(|| text.to_string()),
                role: dict.role.filter(|r| !r.is_empty()),
                group: dict.group.filter(|g| !g.is_empty()),
            });
        }
    }
    plain.push_str(&line[last..]);
    Ok((plain, entities))
}

fn entity_dict(body: &str) -> Result<EntityDict, String> {
    serde_json::from_str(&format!("{{{body}}}")).map_err(|e| {
        format!("`{{{body}}}` is not an entity annotation (JSON with string \"entity\", \"value\", \"role\", \"group\"): {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_annotation_form_gives_character_offsets_into_the_plain_text() {
        let (plain, entities) = annotations(
            r#"доставка из [Москвы]{"entity": "city", "value": "Москва"} в [Казань](city), [15 тонн](weight:15000) [Питер][{"entity": "city"}, {"entity": "hub", "role": "to"}]"#,
        )
        .expect("parses");
        assert_eq!(plain, "доставка из Москвы в Казань, 15 тонн Питер");
        let got: Vec<(usize, usize, &str, &str)> = entities
            .iter()
            .map(|e| (e.start, e.end, e.entity.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (12, 18, "city", "Москва"),
                (21, 27, "city", "Казань"),
                (29, 36, "weight", "15000"),
                (37, 42, "city", "Питер"),
                (37, 42, "hub", "Питер")
            ]
        );
        assert_eq!(entities[4].role.as_deref(), Some("to"));
    }

    #[test]
    fn a_file_teaches_intents_synonyms_lookups_and_regexes_and_ignores_the_rest() {
        let data = TrainingData::parse(
            "t.yml",
            r#"version: "3.1"
nlu:
- intent: greet
  examples: |
    - привет
    # не пример
    - [Москва](city) на связи
- intent: faq/ask_name
  examples:
  - text: как тебя зовут
- synonym: Санкт-Петербург
  examples: |
    - питер
    - СПб
- lookup: city
  examples: |
    - Казань
- regex: order
  examples: |
    - \d{5}
stories:
- story: x
  steps: []
"#,
        )
        .expect("parses");
        assert_eq!(data.examples.len(), 3);
        assert_eq!(data.intents(), ["faq", "greet"]);
        assert_eq!(data.synonyms["спб"], "Санкт-Петербург");
        assert_eq!(data.lookups["city"], ["Казань"]);
        assert_eq!(data.regexes["order"], [r"\d{5}"]);
        assert_eq!(data.warnings.len(), 1, "{:?}", data.warnings);
    }

    #[test]
    fn a_broken_annotation_names_the_intent_and_the_example() {
        let error = TrainingData::parse(
            "t.yml",
            "nlu:\n- intent: a\n  examples: |\n    - в [Москву]{'entity': 'city'}\n",
        )
        .expect_err("single quotes are not JSON");
        let message = error.to_string();
        assert!(
            message.contains("t.yml: intent a: example «в [Москву]{'entity': 'city'}»"),
            "{message}"
        );
    }
}
