//! How well each bot does its job, and the loop that makes it better:
//! containment, fallback and handoff rates with reasons, overdue handoffs,
//! satisfaction when the flow asks for it; a review queue of the messages
//! the bot was unsure of, where a person sets the right intent and
//! entities, and the corrections exported as Rasa NLU training data.

use std::collections::BTreeMap;

use chrono::Utc;
use domain::{EntityKind, Id};
use serde::{Deserialize, Serialize};
use store::ReviewRow;

use crate::{Actor, App, Error, Permission, Result};

/// One bot's figures over its conversations.
#[derive(Debug, Clone, Serialize)]
pub struct BotQuality {
    pub bot: String,
    pub conversations: usize,
    /// Customer messages the bot answered.
    pub turns: u64,
    /// Share of conversations no manager had to take.
    pub containment: Option<f64>,
    /// Share of turns answered with the fallback message.
    pub fallback_rate: Option<f64>,
    /// Share of conversations handed to a manager.
    pub handoff_rate: Option<f64>,
    /// Handoffs by reason, commonest first.
    pub handoff_reasons: Vec<(String, usize)>,
    /// Conversations a manager has now, and those past their deadline.
    pub with_manager: usize,
    pub overdue: usize,
    /// Mean of the `satisfaction` (or `rating`) answers, 1–5, and how many.
    pub satisfaction: Option<f64>,
    pub satisfaction_answers: usize,
    /// Median minutes from a handoff to the manager's first message, over
    /// the handoffs a manager has answered in the chat, and how many.
    pub manager_first_reply_minutes: Option<f64>,
    pub manager_replies: usize,
    pub reviews_pending: usize,
}

/// A reviewer's verdict on a message.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Correction {
    /// The message means `intent`, with these entities.
    Correct {
        intent: String,
        #[serde(default)]
        entities: Vec<CorrectedEntity>,
    },
    /// The message teaches nothing (noise, a test, personal chatter).
    Dismiss,
}

/// An entity as a reviewer marks it: by offsets, or by the words (the first
/// place they occur in the message).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorrectedEntity {
    pub entity: String,
    #[serde(default)]
    pub start: Option<usize>,
    #[serde(default)]
    pub end: Option<usize>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// How many conversations the figures read at most (the latest).
const QUALITY_WINDOW: i64 = 10_000;

impl App {
    /// The figures of one bot.
    pub async fn bot_quality(&self, actor: &Actor, bot: &str) -> Result<BotQuality> {
        actor.require(Permission::Read(EntityKind::Activity))?;
        self.known_bot(bot)?;
        let rows = self
            .store
            .conversations(Some(bot), None, QUALITY_WINDOW)
            .await?;
        let now = Utc::now();
        let (mut turns, mut fallbacks, mut handed, mut with_manager, mut overdue) =
            (0u64, 0u64, 0, 0, 0);
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut ratings = Vec::new();
        let mut waits = Vec::new();
        for row in &rows {
            let Ok(conversation) = crate::conversations::state_of(row) else {
                continue;
            };
            let counters = conversation.counters();
            turns += u64::from(counters.turns);
            fallbacks += u64::from(counters.fallbacks);
            if !conversation.handoffs().is_empty() {
                handed += 1;
            }
            for handoff in conversation.handoffs() {
                *reasons.entry(handoff.reason.clone()).or_default() += 1;
            }
            if row.status == "handoff" {
                with_manager += 1;
                if row.sla_deadline.is_some_and(|d| d < now) {
                    overdue += 1;
                }
            }
            let slots = conversation.slots();
            if let Some(rating) = slots
                .get("satisfaction")
                .or_else(|| slots.get("rating"))
                .and_then(|v| {
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                })
                .filter(|r| (1.0..=5.0).contains(r))
            {
                ratings.push(rating);
            }
            for handoff in conversation.handoffs() {
                if let Some(reply) = conversation
                    .transcript()
                    .iter()
                    .find(|line| line.who == converse::Speaker::Manager && line.at >= handoff.at)
                {
                    waits.push((reply.at - handoff.at).num_seconds() as f64 / 60.0);
                }
            }
        }
        let share = |part: f64, whole: f64| (whole > 0.0).then(|| part / whole);
        let mut handoff_reasons: Vec<(String, usize)> = reasons.into_iter().collect();
        handoff_reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let n = rows.len() as f64;
        Ok(BotQuality {
            bot: bot.to_string(),
            conversations: rows.len(),
            turns,
            containment: share(n - handed as f64, n),
            fallback_rate: share(fallbacks as f64, turns as f64),
            handoff_rate: share(handed as f64, n),
            handoff_reasons,
            with_manager,
            overdue,
            satisfaction: (!ratings.is_empty())
                .then(|| ratings.iter().sum::<f64>() / ratings.len() as f64),
            satisfaction_answers: ratings.len(),
            manager_first_reply_minutes: median(&mut waits),
            manager_replies: waits.len(),
            reviews_pending: self
                .store
                .reviews(bot, "pending", QUALITY_WINDOW)
                .await?
                .len(),
        })
    }

    /// A bot's review items (`pending`, `corrected` or `dismissed`).
    pub async fn reviews(&self, actor: &Actor, bot: &str, status: &str) -> Result<Vec<ReviewRow>> {
        actor.require(Permission::Read(EntityKind::Activity))?;
        self.known_bot(bot)?;
        if !matches!(status, "pending" | "corrected" | "dismissed") {
            return Err(Error::BadRequest(format!(
                "status: {status:?}; expected pending, corrected or dismissed"
            )));
        }
        Ok(self.store.reviews(bot, status, 500).await?)
    }

    /// Records a reviewer's verdict; a correction names an intent the bot knows
    /// and entities that lie inside the message.
    pub async fn correct_review(
        &self,
        actor: &Actor,
        id: Id,
        correction: Correction,
    ) -> Result<()> {
        actor.require(Permission::Write(EntityKind::Activity))?;
        let review = self
            .store
            .review(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "review".into(),
                id: id.to_string(),
            })?;
        let (status, intent, entities) = match correction {
            Correction::Dismiss => ("dismissed", None, None),
            Correction::Correct { intent, entities } => {
                let bot = self.known_bot(&review.bot)?;
                if !bot.nlu().intents().contains(&intent) {
                    return Err(Error::BadRequest(format!(
                        "intent: the bot {} has no intent {intent:?}; one of {}",
                        review.bot,
                        bot.nlu().intents().join(", ")
                    )));
                }
                let placed = place(&review.text, entities)?;
                let json = serde_json::to_string(&placed)
                    .map_err(|e| Error::BadRequest(format!("entities: {e}")))?;
                ("corrected", Some(intent), Some(json))
            }
        };
        let mut tx = self.store.begin().await?;
        tx.resolve_review(
            id,
            status,
            intent.as_deref(),
            entities.as_deref(),
            &actor.label,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The corrected messages as Rasa NLU YAML: append to the bot's training
    /// data and retrain.
    pub async fn training_data(&self, actor: &Actor, bot: &str) -> Result<String> {
        actor.require(Permission::Read(EntityKind::Activity))?;
        self.known_bot(bot)?;
        let rows = self.store.reviews(bot, "corrected", QUALITY_WINDOW).await?;
        let mut by_intent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in rows {
            let entities: Vec<CorrectedEntity> = row
                .corrected_entities
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok())
                .unwrap_or_default();
            if let Some(intent) = row.corrected_intent {
                by_intent
                    .entry(intent)
                    .or_default()
                    .push(annotate(&row.text, &entities));
            }
        }
        let mut yaml = format!(
            "# Corrections of the bot {bot}'s unsure messages, from fundament's review queue.\nversion: \"3.1\"\nnlu:\n"
        );
        for (intent, examples) in by_intent {
            yaml.push_str(&format!("- intent: {intent}\n  examples: |\n"));
            for example in examples {
                yaml.push_str(&format!("    - {example}\n"));
            }
        }
        Ok(yaml)
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

/// Entities with offsets inside the message (located by their words when
/// given so), checked and sorted.
fn place(text: &str, entities: Vec<CorrectedEntity>) -> Result<Vec<CorrectedEntity>> {
    let chars: Vec<char> = text.chars().collect();
    let mut placed = Vec::new();
    for (i, mut entity) in entities.into_iter().enumerate() {
        if entity.entity.trim().is_empty() {
            return Err(Error::BadRequest(format!("entities[{i}].entity: empty")));
        }
        let (start, end) = match (entity.start, entity.end, &entity.text) {
            (Some(start), Some(end), _) => (start, end),
            (_, _, Some(words)) => {
                let at = text.find(words.as_str()).ok_or_else(|| {
                    Error::BadRequest(format!(
                        "entities[{i}].text: «{words}» is not in the message"
                    ))
                })?;
                let start = text[..at].chars().count();
                (start, start + words.chars().count())
            }
            _ => {
                return Err(Error::BadRequest(format!(
                    "entities[{i}]: give start and end, or the text"
                )));
            }
        };
        if start >= end || end > chars.len() {
            return Err(Error::BadRequest(format!(
                "entities[{i}]: {start}..{end} is not inside the message of {} characters",
                chars.len()
            )));
        }
        entity.start = Some(start);
        entity.end = Some(end);
        entity.text = Some(chars[start..end].iter().collect());
        placed.push(entity);
    }
    placed.sort_by_key(|e| e.start);
    if placed.windows(2).any(|w| w[0].end > w[1].start) {
        return Err(Error::BadRequest("entities: two of them overlap".into()));
    }
    Ok(placed)
}

/// A message with Rasa's inline annotations: `[text](entity)`, or
/// `[text]{"entity": …, "value": …}` when the value differs.
fn annotate(text: &str, entities: &[CorrectedEntity]) -> String {
    // Brackets outside entities would read as annotations; line breaks end an example.
    let clean = |s: &str| {
        s.replace('[', "(")
            .replace(']', ")")
            .replace(['\n', '\r'], " ")
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for entity in entities {
        let (Some(start), Some(end)) = (entity.start, entity.end) else {
            continue;
        };
        out.push_str(&clean(&chars[at..start].iter().collect::<String>()));
        let surface = clean(&chars[start..end].iter().collect::<String>());
        match entity.value.as_deref().filter(|v| *v != surface) {
            Some(value) => out.push_str(&format!(
                "[{surface}]{}",
                serde_json::json!({"entity": entity.entity, "value": value})
            )),
            None => out.push_str(&format!("[{surface}]({})", entity.entity)),
        }
        at = end;
    }
    out.push_str(&clean(&chars[at..].iter().collect::<String>()));
    out.trim().to_string()
}
