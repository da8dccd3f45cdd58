//! A bot as its flow file describes it, once checked: what it says, which
//! slots it fills, which flows intents start, when it hands a customer
//! over. The YAML shape and its checks live in `check`, the compiling of
//! steps in `steps`. Knows nothing of the NLU model; `Bot` checks the
//! intent and entity names against it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::check::{RawFile, check};
use crate::error::{Error, Result};
use crate::steps::Instruction;

/// What the bot does with a customer's answer before it keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotType {
    /// Any non-empty answer, or one of `choices`.
    #[default]
    Text,
    /// A phone number, kept in E.164 (`+79123456789`).
    Phone,
    Email,
    /// A date, kept as ISO `2026-12-03`; «завтра» is read against today.
    Date,
    /// A weight as written (`15 тонн`), plus `<slot>_kg`.
    Weight,
    /// An amount as written, plus `<slot>_amount` and `<slot>_currency`.
    Money,
    /// A number («2», «две»).
    Number,
}

/// What an action asks the caller to do; the engine only names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    CreateContact,
    UpdateContact,
    CreateLead,
    CreateDeal,
    CreateTask,
    CheckStock,
    PlaceOrder,
    LookupShipment,
}

impl ActionKind {
    pub(crate) const ALL: [(ActionKind, &'static str); 8] = [
        (ActionKind::CreateContact, "create_contact"),
        (ActionKind::UpdateContact, "update_contact"),
        (ActionKind::CreateLead, "create_lead"),
        (ActionKind::CreateDeal, "create_deal"),
        (ActionKind::CreateTask, "create_task"),
        (ActionKind::CheckStock, "check_stock"),
        (ActionKind::PlaceOrder, "place_order"),
        (ActionKind::LookupShipment, "lookup_shipment"),
    ];

    /// The name flow files use (`create_deal`).
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("", |(_, name)| name)
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, it)| *it == name)
            .map(|(kind, _)| *kind)
    }
}

/// A checked flow file.
#[derive(Debug, Clone)]
pub struct Flow {
    pub(crate) bot: String,
    pub(crate) language: String,
    pub(crate) nlu: Vec<String>,
    pub(crate) knowledge: Vec<String>,
    pub(crate) greeting: Option<String>,
    pub(crate) fallback: String,
    pub(crate) answers: BTreeMap<String, String>,
    pub(crate) slots: BTreeMap<String, Slot>,
    pub(crate) flows: Vec<Dialogue>,
    pub(crate) handoff: Handoff,
}

#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub question: Option<String>,
    pub entity: Option<String>,
    pub role: Option<String>,
    pub kind: SlotType,
    /// Each allowed value with the words that mean it (the value among them).
    pub choices: Vec<(String, Vec<String>)>,
    pub reask: Option<String>,
    pub attempts: u32,
}

/// One flow: the intents that start it and its compiled steps.
#[derive(Debug, Clone)]
pub(crate) struct Dialogue {
    pub name: String,
    pub when: Vec<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub program: Vec<Instruction>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Handoff {
    pub intents: Vec<String>,
    pub negative_sentiment: Option<f32>,
    pub low_confidence: Option<LowConfidence>,
    pub vip: Option<String>,
    pub complex: Option<String>,
    pub sla_minutes: Option<u32>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LowConfidence {
    pub below: f32,
    pub times: u32,
}

impl Flow {
    /// Parses and checks a flow file's text; `origin` (its path) names it in
    /// errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self> {
        let raw: RawFile = serde_norway::from_str(text).map_err(|e| Error::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut issues = Vec::new();
        let flow = check(raw, &mut issues);
        if issues.is_empty() {
            Ok(flow)
        } else {
            Err(Error::Invalid {
                origin: origin.to_string(),
                issues,
            })
        }
    }

    /// The bot's name (`bot:`).
    pub fn bot(&self) -> &str {
        &self.bot
    }

    /// The language the bot speaks (`language:`, `ru` unless given); the
    /// replies are written in it, so this is for the caller's records.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The NLU files as the flow file lists them (relative to it).
    pub fn nlu_files(&self) -> &[String] {
        &self.nlu
    }

    /// Every intent the flow file names, with the field that names it.
    pub(crate) fn intents(&self) -> Vec<(String, &str)> {
        let mut named = Vec::new();
        for (index, flow) in self.flows.iter().enumerate() {
            for (at, intent) in flow.when.iter().enumerate() {
                named.push((format!("flows[{index}].when[{at}]"), intent.as_str()));
            }
        }
        for intent in self.answers.keys() {
            named.push((format!("answers.{intent}"), intent.as_str()));
        }
        for (at, intent) in self.handoff.intents.iter().enumerate() {
            named.push((format!("handoff.intents[{at}]"), intent.as_str()));
        }
        named
    }

    pub(crate) fn dialogue(&self, name: &str) -> Option<&Dialogue> {
        self.flows.iter().find(|flow| flow.name == name)
    }
}
