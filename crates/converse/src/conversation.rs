//! One customer's conversation with a bot, as data: where it is in which
//! flow, what it has learnt (slots), whether a manager has it, what was said
//! and the figures quality reports count. The caller keeps it (as JSON,
//! after every turn), so a restart loses nothing; the engine holds no state
//! of its own between turns.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A conversation's whole state. Fields missing from saved JSON take their
/// defaults, so state saved by an older version still loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conversation {
    /// What the customer said, by slot name; typed slots add derived values
    /// (`weight_kg` beside `weight`).
    pub(crate) slots: BTreeMap<String, Value>,
    /// What the caller knows of the customer (`vip`, `name` from the CRM);
    /// templates and conditions see it beneath the slots.
    pub(crate) context: BTreeMap<String, Value>,
    /// The flow being followed, if any.
    pub(crate) position: Option<Position>,
    /// The flow started last, whose summary a later handoff uses.
    pub(crate) last_flow: Option<String>,
    /// Consecutive turns the bot did not understand.
    pub(crate) unsure_turns: u32,
    /// A manager has the conversation: the bot says nothing until `release`.
    pub(crate) paused: bool,
    pub(crate) handoffs: Vec<HandoffRecord>,
    pub(crate) transcript: Vec<Line>,
    pub(crate) counters: Counters,
}

/// Where a conversation is in a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Position {
    pub flow: String,
    /// Index into the flow's compiled program (branches included).
    pub step: usize,
    /// The slot whose question awaits an answer.
    pub asking: Option<String>,
    /// Answers to that question that could not be used so far.
    pub attempts: u32,
}

/// When and why a conversation was handed to a manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffRecord {
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Who said a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Customer,
    Bot,
    /// A manager who took the conversation over.
    Manager,
}

/// How many of the latest lines the transcript keeps.
const TRANSCRIPT_LINES: usize = 100;

/// One message of the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub who: Speaker,
    pub text: String,
    /// The intent the NLU read in a customer's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    pub at: DateTime<Utc>,
}

/// Figures for quality reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Customer messages the bot answered (not those a manager had).
    pub turns: u32,
    /// Turns answered with the fallback message.
    pub fallbacks: u32,
    pub handoffs: u32,
    /// Flows the bot carried to their end without a manager.
    pub contained: u32,
}

impl Conversation {
    /// A conversation that has not started.
    pub fn new() -> Self {
        Self::default()
    }

    /// A conversation about a customer the caller knows something of
    /// (`{"vip": true, "name": "Анна"}`).
    pub fn with_context(context: BTreeMap<String, Value>) -> Self {
        Self {
            context,
            ..Self::default()
        }
    }

    /// Sets one fact of the caller's context.
    pub fn set_context(&mut self, key: &str, value: Value) {
        self.context.insert(key.to_string(), value);
    }

    pub fn slots(&self) -> &BTreeMap<String, Value> {
        &self.slots
    }

    pub fn context(&self) -> &BTreeMap<String, Value> {
        &self.context
    }

    /// The flow being followed.
    pub fn active_flow(&self) -> Option<&str> {
        self.position.as_ref().map(|it| it.flow.as_str())
    }

    /// The slot whose question awaits an answer.
    pub fn asking(&self) -> Option<&str> {
        self.position.as_ref().and_then(|it| it.asking.as_deref())
    }

    /// Whether a manager has the conversation.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Every handoff so far, oldest first.
    pub fn handoffs(&self) -> &[HandoffRecord] {
        &self.handoffs
    }

    pub fn transcript(&self) -> &[Line] {
        &self.transcript
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// A manager's message to the customer, kept in the transcript so the
    /// channel can deliver it and the next manager can read it.
    pub fn record_manager(&mut self, text: &str, at: DateTime<Utc>) {
        self.record(Speaker::Manager, text, None, at);
    }

    pub(crate) fn record(
        &mut self,
        who: Speaker,
        text: &str,
        intent: Option<&str>,
        at: DateTime<Utc>,
    ) {
        // The state is saved after every message: an endless chat must not
        // make every save slower. A manager gets the latest lines.
        if self.transcript.len() >= TRANSCRIPT_LINES {
            self.transcript
                .drain(..self.transcript.len() + 1 - TRANSCRIPT_LINES);
        }
        self.transcript.push(Line {
            who,
            text: text.to_string(),
            intent: intent.map(str::to_string),
            at,
        });
    }

    pub(crate) fn fill(&mut self, values: Vec<(String, Value)>) {
        self.slots.extend(values);
    }

    pub(crate) fn variables(&self) -> minijinja::Value {
        crate::template::variables(&self.context, &self.slots)
    }

    pub(crate) fn handed_over_for(&self, reason: &str) -> bool {
        self.handoffs.iter().any(|it| it.reason == reason)
    }
}
