//! The packet a manager gets with a handed-over conversation: why, one
//! sentence on what the customer wants, the slots, the transcript and the
//! time by which someone should answer. Deciding *when* to hand over is the
//! dialogue's job; notifying anyone is the caller's.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::conversation::{Conversation, Speaker};
use crate::flow::Flow;
use crate::output::Packet;
use crate::steps::Instruction;
use crate::template;

/// Said to the customer when the flow file gives no `handoff.message`.
pub(crate) const DEFAULT_MESSAGE: &str = "Передаю вас менеджеру, он скоро ответит.";

pub(crate) fn packet(
    flow: &Flow,
    conversation: &Conversation,
    reason: &str,
    now: DateTime<Utc>,
) -> Packet {
    Packet {
        reason: reason.to_string(),
        summary: summary(flow, conversation, reason),
        slots: conversation.slots.clone(),
        transcript: conversation.transcript.clone(),
        sla_deadline: flow
            .handoff
            .sla_minutes
            .map(|minutes| now + Duration::minutes(i64::from(minutes))),
    }
}

/// The last flow's `summary` template once the slots it asks and the
/// template shows are filled; else its title (or what the reason means)
/// with the values of the slots it asks, in its order; else that label with
/// the customer's last words.
fn summary(flow: &Flow, conversation: &Conversation, reason: &str) -> String {
    let dialogue = conversation
        .last_flow
        .as_deref()
        .and_then(|name| flow.dialogue(name));
    let mut asked: Vec<&str> = Vec::new();
    for instruction in dialogue.map(|it| it.program.as_slice()).unwrap_or_default() {
        if let Instruction::Ask(name) = instruction
            && !asked.contains(&name.as_str())
        {
            asked.push(name);
        }
    }
    if let Some(source) = dialogue.and_then(|it| it.summary.as_deref()) {
        let shown = template::variables_in(source);
        let complete = asked
            .iter()
            .filter(|name| shown.iter().any(|it| it == *name))
            .all(|name| conversation.slots.contains_key(*name));
        let text = one_line(&template::render(source, &conversation.variables()));
        if complete && !text.is_empty() {
            return text;
        }
    }
    let label = dialogue
        .and_then(|it| it.title.clone())
        .unwrap_or_else(|| meaning(reason).to_string());
    let values: Vec<String> = asked
        .iter()
        .filter_map(|name| conversation.slots.get(*name))
        .map(display)
        .collect();
    if !values.is_empty() {
        return format!("{label}: {}", values.join(", "));
    }
    let last_words = conversation
        .transcript
        .iter()
        .rev()
        .find(|line| line.who == Speaker::Customer)
        .map(|line| line.text.trim());
    match last_words {
        Some(words) if !words.is_empty() => format!("{label}: «{words}»"),
        _ => label,
    }
}

/// What a reason means to a manager reading the queue.
fn meaning(reason: &str) -> &str {
    match reason {
        "request_human" => "Клиент просит соединить с менеджером",
        "complaint" => "Жалоба клиента",
        "negative_sentiment" => "Клиент недоволен",
        "low_confidence" => "Бот не понял клиента",
        "cannot_fill_slot" => "Бот не получил нужный ответ",
        "vip" => "VIP-клиент",
        "complex" => "Сложный запрос",
        "hot_lead" => "Горячий лид",
        other => other,
    }
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(true) => "да".into(),
        Value::Bool(false) => "нет".into(),
        other => other.to_string(),
    }
}

/// A template's lines and runs of spaces (left by `{% if %}`) as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}
