//! The flow file's YAML shape and the checks that run over the whole of it
//! before a bot exists: names that must exist, texts that must be templates,
//! conditions that must be expressions, limits that must make sense. Every
//! problem is collected with its field path (`flows[0].steps[3].ask`), so a
//! business user fixes them all in one pass.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::Issue;
use crate::flow::{Dialogue, Flow, Handoff, LowConfidence, Slot, SlotType};
use crate::steps::{Instruction, RawStep, compile};
use crate::template;

/// How many times a slot's question is asked again before a handoff.
const DEFAULT_ATTEMPTS: u32 = 2;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    bot: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    nlu: Vec<String>,
    /// Articles, FAQ and catalogue files the bot answers questions from.
    #[serde(default)]
    knowledge: Vec<String>,
    #[serde(default)]
    greeting: Option<String>,
    #[serde(default)]
    fallback: Option<String>,
    #[serde(default)]
    answers: BTreeMap<String, String>,
    #[serde(default)]
    slots: BTreeMap<String, RawSlot>,
    #[serde(default)]
    flows: Vec<RawFlow>,
    #[serde(default)]
    handoff: Option<RawHandoff>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlot {
    question: Option<String>,
    entity: Option<String>,
    role: Option<String>,
    #[serde(rename = "type", default)]
    kind: SlotType,
    choices: Option<RawChoices>,
    reask: Option<String>,
    attempts: Option<u32>,
}

/// `[a, b]`, or `{a: [words meaning a], b: [...]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawChoices {
    List(Vec<String>),
    Words(BTreeMap<String, Vec<String>>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    name: String,
    #[serde(default)]
    when: Vec<String>,
    title: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandoff {
    #[serde(default)]
    intents: Vec<String>,
    negative_sentiment: Option<f32>,
    low_confidence: Option<LowConfidence>,
    vip: Option<String>,
    complex: Option<String>,
    sla_minutes: Option<u32>,
    message: Option<String>,
}

/// The message said when nothing in the file fits.
const DEFAULT_FALLBACK: &str = "Не совсем понял. Можете переформулировать?";

pub(crate) fn check(raw: RawFile, issues: &mut Vec<Issue>) -> Flow {
    let mut problem = |field: String, message: String| issues.push(Issue { field, message });
    if raw.bot.trim().is_empty() {
        problem(
            "bot".into(),
            "is empty; name the bot (`bot: online-school`)".into(),
        );
    }
    let mut texts: Vec<(String, String)> = Vec::new();
    if let Some(greeting) = &raw.greeting {
        texts.push(("greeting".into(), greeting.clone()));
    }
    if let Some(fallback) = &raw.fallback {
        texts.push(("fallback".into(), fallback.clone()));
    }
    for (intent, answer) in &raw.answers {
        texts.push((format!("answers.{intent}"), answer.clone()));
    }
    let mut slots = BTreeMap::new();
    for (name, slot) in raw.slots {
        let at = format!("slots.{name}");
        if !is_identifier(&name) {
            problem(at.clone(), "a slot name is letters, digits and `_`, starting with a letter (templates use it as `{{ name }}`)".into());
        }
        let choices = match slot.choices {
            None => Vec::new(),
            Some(RawChoices::List(values)) => {
                values.into_iter().map(|v| (v.clone(), vec![v])).collect()
            }
            Some(RawChoices::Words(words)) => words
                .into_iter()
                .map(|(value, mut synonyms)| {
                    synonyms.insert(0, value.clone());
                    (value, synonyms)
                })
                .collect(),
        };
        if !choices.is_empty() && slot.kind != SlotType::Text {
            problem(
                format!("{at}.choices"),
                "only a text slot has choices; remove `type` or `choices`".into(),
            );
        }
        if slot.role.is_some() && slot.entity.is_none() {
            problem(
                format!("{at}.role"),
                "a role belongs to an entity; add `entity`".into(),
            );
        }
        for (field, text) in [("question", &slot.question), ("reask", &slot.reask)] {
            if let Some(text) = text {
                texts.push((format!("{at}.{field}"), text.clone()));
            }
        }
        slots.insert(
            name,
            Slot {
                question: slot.question,
                entity: slot.entity,
                role: slot.role,
                kind: slot.kind,
                choices,
                reask: slot.reask,
                attempts: slot.attempts.unwrap_or(DEFAULT_ATTEMPTS),
            },
        );
    }
    let mut flows: Vec<Dialogue> = Vec::new();
    for (index, flow) in raw.flows.into_iter().enumerate() {
        let at = format!("flows[{index}]");
        if flow.name.trim().is_empty() {
            problem(format!("{at}.name"), "is empty".into());
        } else if flows.iter().any(|other| other.name == flow.name) {
            problem(
                format!("{at}.name"),
                format!("another flow is named \"{}\"", flow.name),
            );
        }
        if flow.when.is_empty() {
            problem(
                format!("{at}.when"),
                "lists no intent, so nothing would start this flow".into(),
            );
        }
        if flow.steps.is_empty() {
            problem(format!("{at}.steps"), "is empty".into());
        }
        if let Some(summary) = &flow.summary {
            texts.push((format!("{at}.summary"), summary.clone()));
        }
        let mut program = Vec::new();
        compile(
            &flow.steps,
            &format!("{at}.steps"),
            &slots,
            &mut program,
            &mut texts,
            &mut problem,
        );
        flows.push(Dialogue {
            name: flow.name,
            when: flow.when,
            title: flow.title,
            summary: flow.summary,
            program,
        });
    }
    for (name, slot) in &slots {
        if slot.question.is_none()
            && let Some(asker) = asked_by(&flows, name)
        {
            problem(
                format!("slots.{name}.question"),
                format!("is missing, and {asker} asks this slot"),
            );
        }
    }
    let handoff = raw.handoff.map_or_else(Handoff::default, |raw| {
        if let Some(score) = raw.negative_sentiment
            && !(-1.0..=1.0).contains(&score)
        {
            problem(
                "handoff.negative_sentiment".into(),
                format!("{score} is outside the sentiment scale, -1 (furious) to 1"),
            );
        }
        if let Some(low) = raw.low_confidence {
            if !(0.0..=1.0).contains(&low.below) {
                problem(
                    "handoff.low_confidence.below".into(),
                    format!("{} is not a confidence between 0 and 1", low.below),
                );
            }
            if low.times == 0 {
                problem(
                    "handoff.low_confidence.times".into(),
                    "must be at least 1".into(),
                );
            }
        }
        for (field, expression) in [("vip", &raw.vip), ("complex", &raw.complex)] {
            if let Some(expression) = expression
                && let Err(message) = template::check_expression(expression)
            {
                problem(
                    format!("handoff.{field}"),
                    format!("not an expression: {message}"),
                );
            }
        }
        if let Some(message) = &raw.message {
            texts.push(("handoff.message".into(), message.clone()));
        }
        Handoff {
            intents: raw.intents,
            negative_sentiment: raw.negative_sentiment,
            low_confidence: raw.low_confidence,
            vip: raw.vip,
            complex: raw.complex,
            sla_minutes: raw.sla_minutes,
            message: raw.message,
        }
    });
    for (field, text) in texts {
        if let Err(message) = template::check_template(&text) {
            problem(field, format!("not a template: {message}"));
        }
    }
    Flow {
        bot: raw.bot,
        language: raw.language.unwrap_or_else(|| "ru".to_string()),
        nlu: raw.nlu,
        knowledge: raw.knowledge,
        greeting: raw.greeting,
        fallback: raw.fallback.unwrap_or_else(|| DEFAULT_FALLBACK.to_string()),
        answers: raw.answers,
        slots,
        flows,
        handoff,
    }
}

/// The first step (as a field path) that asks `slot`, if any.
fn asked_by(flows: &[Dialogue], slot: &str) -> Option<String> {
    flows.iter().find_map(|flow| {
        flow.program
            .iter()
            .any(|it| matches!(it, Instruction::Ask(asked) if asked == slot))
            .then(|| format!("flow \"{}\"", flow.name))
    })
}

/// `; did you mean "goal"?` when a known name is one or two edits away.
pub(crate) fn suggestion<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> String {
    known
        .filter(|candidate| edits(name, candidate) <= 2)
        .min_by_key(|candidate| edits(name, candidate))
        .map(|candidate| format!("; did you mean \"{candidate}\"?"))
        .unwrap_or_default()
}

/// Levenshtein distance in characters.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
