//! Calls as a channel: a telephony system posts a call's transcript, the
//! customer's lines go through the bot as messages of the caller's
//! conversation (so a request said on the phone becomes a lead like one
//! typed in a chat), and the call is kept as an activity with its
//! transcript and the customer's tone. Posting the same call again changes
//! nothing.

use chrono::Utc;
use domain::EntityKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

use crate::{Actor, App, Error, Inbound, Permission, Result};

/// A transcribed call.
#[derive(Debug, Clone, Deserialize)]
pub struct Call {
    /// The telephony system's id of the call.
    pub call_id: String,
    /// The customer's number, any common spelling.
    pub phone: String,
    pub transcript: Vec<Utterance>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Utterance {
    /// `customer` (`client`, `клиент`) or anyone else (the operator, a robot).
    pub speaker: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    /// The call was posted before: nothing was done.
    pub duplicate: bool,
    /// Customer lines the bot read.
    pub turns: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<crate::Handoff>,
    /// The call's activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<String>,
}

fn is_customer(speaker: &str) -> bool {
    matches!(
        speaker.trim().to_lowercase().as_str(),
        "customer" | "client" | "caller" | "клиент" | "абонент" | "покупатель"
    )
}

impl App {
    /// Takes a call's transcript (see the module doc).
    pub async fn take_call(&self, actor: &Actor, bot: &str, call: &Call) -> Result<CallReport> {
        actor.require(Permission::Write(EntityKind::Activity))?;
        let phone = domain::Phone::parse(&call.phone, &self.config.parse.default_region)
            .map_err(|e| Error::BadRequest(format!("phone: {e}")))?;
        if call.call_id.trim().is_empty() || call.transcript.is_empty() {
            return Err(Error::BadRequest(
                "call_id and a transcript of at least one line are required".into(),
            ));
        }
        let mut profile = Map::new();
        profile.insert("phone".into(), json!(phone.as_e164()));
        let mut report = CallReport {
            duplicate: false,
            turns: 0,
            handoff: None,
            activity_id: None,
        };
        let mut conversation_id = None;
        for (i, line) in call.transcript.iter().enumerate() {
            if !is_customer(&line.speaker) || line.text.trim().is_empty() {
                continue;
            }
            let reply = self
                .converse(
                    actor,
                    &Inbound {
                        bot: bot.to_string(),
                        channel: "call".into(),
                        chat: phone.as_e164().to_string(),
                        delivery_id: Some(format!("{}:{i}", call.call_id)),
                        text: line.text.clone(),
                        profile: profile.clone(),
                    },
                )
                .await?;
            conversation_id = Some(reply.conversation_id);
            if !reply.duplicate {
                report.turns += 1;
            }
            report.handoff = reply.handoff.or(report.handoff);
        }
        let Some(conversation_id) = conversation_id else {
            return Err(Error::BadRequest(
                "transcript: no line of the customer (speaker \"customer\")".into(),
            ));
        };
        // The activity once per call, whatever happened to the lines before.
        let mut tx = self.store.begin().await?;
        if !tx.record_delivery("call-activity", &call.call_id).await? {
            tx.rollback().await?;
            report.duplicate = report.turns == 0;
            return Ok(report);
        }
        let contact = self
            .store
            .conversation(conversation_id)
            .await?
            .and_then(|c| c.contact_id);
        let customer_words: Vec<&str> = call
            .transcript
            .iter()
            .filter(|l| is_customer(&l.speaker))
            .map(|l| l.text.as_str())
            .collect();
        let tone = self
            .bots()
            .get(bot)
            .map(|b| b.nlu().parse(&customer_words.join(". ")).sentiment);
        let mut text = String::new();
        for line in &call.transcript {
            let who = if is_customer(&line.speaker) {
                "Клиент"
            } else {
                "Оператор"
            };
            text.push_str(&format!("{who}: {}\n", line.text.trim()));
        }
        if let Some(tone) = tone {
            text.push_str(&format!(
                "\nТон клиента: {} ({:+.2})",
                tone.label, tone.score
            ));
        }
        let mut raw = Map::new();
        raw.insert("kind".into(), json!("call"));
        raw.insert("direction".into(), json!("inbound"));
        raw.insert("channel".into(), json!("phone"));
        raw.insert("text".into(), json!(text));
        raw.insert("author".into(), json!("telephony"));
        raw.insert("occurred_at".into(), json!(Utc::now().to_rfc3339()));
        if let Some(contact) = contact {
            raw.insert("contact_id".into(), json!(contact.to_string()));
        }
        let activity = self
            .create_in(actor, &mut tx, EntityKind::Activity, &raw)
            .await?;
        tx.commit().await?;
        report.activity_id = Some(activity.id.to_string());
        Ok(report)
    }
}
