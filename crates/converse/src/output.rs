//! What a turn asks of the caller: messages to send, actions to execute in
//! the CRM or shop, and a conversation to hand to a manager. The engine
//! sends, executes and notifies nothing itself.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::conversation::Line;
use crate::flow::ActionKind;

/// One thing the caller does, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Send this text to the customer.
    Say(String),
    /// Execute this action; its parameters are rendered from the slots.
    Action {
        kind: ActionKind,
        params: Map<String, Value>,
    },
    /// Give the conversation to a manager; the bot is paused until `release`.
    Handoff(Packet),
}

/// What a manager gets with a handed-over conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Packet {
    /// `request_human`, `negative_sentiment`, `low_confidence`,
    /// `cannot_fill_slot`, `vip`, `complex`, an intent listed in
    /// `handoff.intents`, or a flow's own (`hot_lead`).
    pub reason: String,
    /// One sentence: «Заявка на доставку: Владивосток → Екатеринбург, 15 тонн, срочно».
    pub summary: String,
    pub slots: BTreeMap<String, Value>,
    pub transcript: Vec<Line>,
    /// When a manager should have answered (`handoff.sla_minutes`).
    pub sla_deadline: Option<DateTime<Utc>>,
}

/// The answer to one customer message.
#[derive(Debug, Clone)]
pub struct Turn {
    pub outputs: Vec<Output>,
    /// How the NLU read the message.
    pub parse: nlu::Parse,
    /// The message answered from the knowledge base, if one was: the caller
    /// may have a language model phrase the answer from the same passages.
    pub knowledge: Option<String>,
}

impl Output {
    /// The text, if this output is a message.
    pub fn text(&self) -> Option<&str> {
        match self {
            Output::Say(text) => Some(text),
            _ => None,
        }
    }
}

impl Turn {
    /// The messages of this turn, in order.
    pub fn said(&self) -> Vec<&str> {
        self.outputs.iter().filter_map(Output::text).collect()
    }

    /// The actions of this turn, in order.
    pub fn actions(&self) -> Vec<(ActionKind, &Map<String, Value>)> {
        self.outputs
            .iter()
            .filter_map(|it| match it {
                Output::Action { kind, params } => Some((*kind, params)),
                _ => None,
            })
            .collect()
    }

    /// The handoff of this turn, if any.
    pub fn handoff(&self) -> Option<&Packet> {
        self.outputs.iter().find_map(|it| match it {
            Output::Handoff(packet) => Some(packet),
            _ => None,
        })
    }
}
