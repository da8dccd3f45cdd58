//! Bots at work. Each message a channel delivers goes through its bot in one
//! transaction: the delivery is noted (a repeated or replayed one changes
//! nothing), the chat's conversation is read and saved back, the bot's
//! actions are done on the store (contact, lead or deal, a manager's task,
//! stock and shipment lookups), and a handoff becomes a manager's task that
//! carries the context packet and is due when the SLA says. A restart loses
//! nothing: the state is in the store after every message.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use converse::{ActionKind, Bot, Conversation, Output, Packet};
use domain::{EntityKind, Id, Record};
use serde_json::{Map, Value as Json, json};
use store::{ConversationRow, ListQuery, ReviewRow, Tx};

use crate::records::new_record;
use crate::{Actor, App, Error, Permission, Result};

/// The bots a deployment runs, by name.
#[derive(Clone, Default)]
pub struct Bots(BTreeMap<String, Arc<Bot>>);

impl Bots {
    pub fn new(bots: impl IntoIterator<Item = Bot>) -> Self {
        Bots(
            bots.into_iter()
                .map(|bot| (bot.flow().bot().to_string(), Arc::new(bot)))
                .collect(),
        )
    }

    /// Bots shared with another holder (tests train them once).
    pub fn from_shared(bots: impl IntoIterator<Item = Arc<Bot>>) -> Self {
        Bots(
            bots.into_iter()
                .map(|bot| (bot.flow().bot().to_string(), bot))
                .collect(),
        )
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Bot>> {
        self.0.get(name)
    }
}

impl std::fmt::Debug for Bots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// A customer's message as a channel delivered it.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub bot: String,
    /// `rest`, `widget`, `telegram`, `whatsapp`, `vk`, `call`.
    pub channel: String,
    /// The chat within the channel.
    pub chat: String,
    /// The channel's id of this delivery, when it has one: a repeat is ignored.
    pub delivery_id: Option<String>,
    pub text: String,
    /// What the channel knows of the customer (`name`, `phone`, `vip`).
    pub profile: Map<String, Json>,
}

/// What to send back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reply {
    #[serde(serialize_with = "as_text")]
    pub conversation_id: Id,
    pub messages: Vec<String>,
    /// The delivery was seen before: nothing was done.
    pub duplicate: bool,
    /// A manager has the conversation; the bot stays silent.
    pub with_manager: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Handoff>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Handoff {
    pub reason: String,
    pub summary: String,
    pub sla_deadline: Option<DateTime<Utc>>,
    /// The manager's task that carries the packet.
    #[serde(serialize_with = "as_text")]
    pub task_id: Id,
}

/// Messages read with less confidence than this go to the review queue.
const REVIEW_BELOW: f32 = 0.6;

/// Context keys the runtime keeps in the conversation.
const CONTACT: &str = "contact_id";
const DEAL: &str = "deal_id";
/// When the SLA timer escalated the current handoff.
const ESCALATED: &str = "escalated_at";

impl App {
    /// The bots this deployment runs.
    pub fn bots(&self) -> &Bots {
        &self.config.bots
    }

    /// A bot this deployment runs, by name.
    pub(crate) fn known_bot(&self, bot: &str) -> Result<&std::sync::Arc<converse::Bot>> {
        self.config.bots.get(bot).ok_or_else(|| Error::NotFound {
            kind: "bot".into(),
            id: bot.to_string(),
        })
    }

    /// Answers one customer message (see the module doc).
    pub async fn converse(&self, actor: &Actor, inbound: &Inbound) -> Result<Reply> {
        actor.require(Permission::Write(EntityKind::Activity))?;
        let bot = self.known_bot(&inbound.bot)?.clone();
        let now = store::Store::now();
        // The bot thinks outside the write transaction (on SQLite one writer
        // at a time would otherwise wait for every other's NLU), from the
        // state it last saved for this chat; the save checks that state is
        // still the latest, and if another message of the chat came first,
        // the turn is taken again under the row's lock.
        let cache_key = format!(
            "{}\u{1f}{}\u{1f}{}",
            inbound.channel, inbound.bot, inbound.chat
        );
        let cached = self.cached_conversation(&cache_key);
        let seen = match cached {
            Some(row) => Some(row),
            None => {
                self.store
                    .conversation_by_chat(&inbound.bot, &inbound.channel, &inbound.chat)
                    .await?
            }
        };
        let seen_at = seen.as_ref().map(|row| row.updated_at);
        let mut prepared = prepare(&bot, inbound, seen, now)?;
        let mut turn = bot.turn(&mut prepared.conversation, &inbound.text, now);
        self.phrase_with_model(&bot, inbound, &mut turn).await;
        let mut tx = self.store.begin().await?;
        if !self.first_delivery(&mut tx, inbound).await? {
            tx.rollback().await?;
            return Ok(duplicate(prepared.row.id));
        }
        let mut done = self
            .apply_turn(actor, &mut tx, inbound, prepared, turn, now)
            .await?;
        if !tx.save_conversation_if(&done.row, seen_at).await? {
            tx.rollback().await?;
            self.forget_conversation(&cache_key);
            tx = self.store.begin().await?;
            if !self.first_delivery(&mut tx, inbound).await? {
                tx.rollback().await?;
                return Ok(duplicate(done.row.id));
            }
            let stored = tx
                .conversation_for_update(&inbound.bot, &inbound.channel, &inbound.chat)
                .await?;
            let mut prepared = prepare(&bot, inbound, stored, now)?;
            let turn = bot.turn(&mut prepared.conversation, &inbound.text, now);
            done = self
                .apply_turn(actor, &mut tx, inbound, prepared, turn, now)
                .await?;
            tx.save_conversation(&done.row).await?;
        }
        tx.commit().await?;
        self.remember_conversation(cache_key, &done.row);
        let Done {
            row,
            conversation,
            messages,
            handoff,
        } = done;
        Ok(Reply {
            conversation_id: row.id,
            messages,
            duplicate: false,
            with_manager: conversation.is_paused(),
            handoff,
        })
    }

    /// With a language model configured, a knowledge-base answer is phrased
    /// by it from the same passages (the customer's personal data masked
    /// first); any failure keeps the passage's own words. Outside the
    /// transaction: a model takes seconds.
    async fn phrase_with_model(&self, bot: &Bot, inbound: &Inbound, turn: &mut converse::Turn) {
        let (Some(generator), Some(knowledge), Some(said)) = (
            &self.config.generator,
            bot.knowledge(),
            turn.knowledge.as_ref(),
        ) else {
            return;
        };
        let Some(answer) = knowledge.answer_with(&inbound.text, generator).await else {
            return;
        };
        if !answer.generated {
            return;
        }
        let phrased = converse::cited(&answer);
        for output in &mut turn.outputs {
            if output.text() == Some(said.as_str()) {
                *output = Output::Say(phrased.clone());
            }
        }
    }

    /// Notes the delivery; `false` when it was seen before.
    async fn first_delivery(&self, tx: &mut Tx, inbound: &Inbound) -> Result<bool> {
        match &inbound.delivery_id {
            Some(delivery) => Ok(tx
                .record_delivery(
                    &format!("{}:{}:{}", inbound.channel, inbound.bot, inbound.chat),
                    delivery,
                )
                .await?),
            None => Ok(true),
        }
    }

    /// Carries out a turn's outputs inside the transaction: the review
    /// item, the actions, the handoff, the replies' jobs; the row is ready
    /// to save.
    async fn apply_turn(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        inbound: &Inbound,
        prepared: Prepared,
        turn: converse::Turn,
        now: DateTime<Utc>,
    ) -> Result<Done> {
        let Prepared {
            mut row,
            mut conversation,
            mut outputs,
            for_manager,
        } = prepared;
        outputs.extend(turn.outputs);
        // What the bot was unsure of goes to a person (not what a manager read).
        if !for_manager && (turn.parse.out_of_scope || turn.parse.intent.confidence < REVIEW_BELOW)
        {
            let entities = serde_json::to_string(&turn.parse.entities)
                .map_err(|e| Error::BadRequest(format!("entities: {e}")))?;
            tx.insert_review(&ReviewRow {
                id: Id::new(),
                bot: inbound.bot.clone(),
                conversation_id: row.id,
                text: inbound.text.clone(),
                intent: turn.parse.intent.name.clone(),
                confidence: f64::from(turn.parse.intent.confidence),
                entities,
                status: "pending".into(),
                corrected_intent: None,
                corrected_entities: None,
                reviewed_by: None,
                reviewed_at: None,
                created_at: now,
            })
            .await?;
        }
        let mut messages = Vec::new();
        let mut handoff = None;
        for output in outputs {
            match output {
                Output::Say(text) => messages.push(text),
                Output::Action { kind, params } => {
                    if let Some(answer) = self
                        .act(
                            actor,
                            tx,
                            &mut conversation,
                            &inbound.channel,
                            kind,
                            &params,
                            now,
                        )
                        .await?
                    {
                        messages.push(answer);
                    }
                }
                Output::Handoff(packet) => {
                    let task = self
                        .hand_over(actor, tx, &mut conversation, &inbound.channel, &packet, now)
                        .await?;
                    row.status = "handoff".into();
                    row.handoff_reason = Some(packet.reason.clone());
                    row.sla_deadline = packet.sla_deadline;
                    handoff = Some(Handoff {
                        reason: packet.reason,
                        summary: packet.summary,
                        sla_deadline: packet.sla_deadline,
                        task_id: task,
                    });
                }
            }
        }
        let key = format!(
            "{}:{}",
            row.id,
            inbound
                .delivery_id
                .clone()
                .unwrap_or_else(|| Id::new().to_string())
        );
        self.queue_replies(tx, inbound, &key, &messages).await?;
        row.contact_id = context_id(&conversation, CONTACT);
        row.state = state_text(&conversation)?;
        row.updated_at = now;
        Ok(Done {
            row,
            conversation,
            messages,
            handoff,
        })
    }

    fn cached_conversation(&self, key: &str) -> Option<ConversationRow> {
        self.conversation_cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(key).cloned())
    }

    fn remember_conversation(&self, key: String, row: &ConversationRow) {
        if let Ok(mut cache) = self.conversation_cache.lock() {
            // A bound, not an eviction policy: the cache only saves a read.
            if cache.len() >= CACHED_CONVERSATIONS {
                cache.clear();
            }
            cache.insert(key, row.clone());
        }
    }

    fn forget_conversation(&self, key: &str) {
        if let Ok(mut cache) = self.conversation_cache.lock() {
            cache.remove(key);
        }
    }

    /// A manager gives the conversation back to the bot.
    pub async fn release_conversation(&self, actor: &Actor, id: Id) -> Result<()> {
        actor.require(Permission::Write(EntityKind::Activity))?;
        let mut tx = self.store.begin().await?;
        let row = self
            .store
            .conversation(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "conversation".into(),
                id: id.to_string(),
            })?;
        let bot = self.known_bot(&row.bot)?.clone();
        let mut row = tx
            .conversation_for_update(&row.bot, &row.channel, &row.chat)
            .await?
            .unwrap_or(row);
        let mut conversation: Conversation = state_of(&row)?;
        bot.release(&mut conversation);
        conversation.set_context(ESCALATED, Json::Null);
        row.status = "bot".into();
        row.sla_deadline = None;
        row.state = state_text(&conversation)?;
        row.updated_at = Utc::now();
        tx.save_conversation(&row).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A manager writes to the customer of a conversation they took over:
    /// the line joins the transcript (the widget shows it) and, in a
    /// messenger, leaves through the job queue.
    pub async fn manager_reply(&self, actor: &Actor, id: Id, text: &str) -> Result<()> {
        actor.require(Permission::Write(EntityKind::Activity))?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 4000 {
            return Err(Error::BadRequest(
                "text: a message of 1 to 4000 characters".into(),
            ));
        }
        let seen = self
            .store
            .conversation(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "conversation".into(),
                id: id.to_string(),
            })?;
        let mut tx = self.store.begin().await?;
        let mut row = tx
            .conversation_for_update(&seen.bot, &seen.channel, &seen.chat)
            .await?
            .unwrap_or(seen);
        let mut conversation: Conversation = state_of(&row)?;
        let now = Utc::now();
        conversation.record_manager(text, now);
        let inbound = Inbound {
            bot: row.bot.clone(),
            channel: row.channel.clone(),
            chat: row.chat.clone(),
            delivery_id: None,
            text: String::new(),
            profile: Map::new(),
        };
        let key = format!("{}:manager:{}", row.id, conversation.transcript().len());
        self.queue_replies(&mut tx, &inbound, &key, &[text.to_string()])
            .await?;
        row.state = state_text(&conversation)?;
        row.updated_at = now;
        tx.save_conversation(&row).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The SLA timer: handed-over conversations nobody answered by their
    /// deadline get one escalation task each (due at once); returns how many.
    pub async fn escalate_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let actor = Actor::system("sla-timer");
        let mut escalated = 0;
        for seen in self
            .store
            .conversations(None, Some("handoff"), 1000)
            .await?
        {
            if seen.sla_deadline.is_none_or(|deadline| deadline > now) {
                continue;
            }
            let mut tx = self.store.begin().await?;
            let Some(mut row) = tx
                .conversation_for_update(&seen.bot, &seen.channel, &seen.chat)
                .await?
            else {
                continue;
            };
            let mut conversation: Conversation = state_of(&row)?;
            let already = conversation
                .context()
                .get(ESCALATED)
                .is_some_and(|at| !at.is_null());
            if row.status != "handoff" || already {
                continue;
            }
            let late = (now - row.sla_deadline.unwrap_or(now)).num_minutes();
            let text = format!(
                "Просрочен ответ клиенту ({}, {}): менеджер не ответил, срок истёк {late} мин назад. Причина передачи: {}.",
                row.bot,
                row.channel,
                reason_text(row.handoff_reason.as_deref().unwrap_or_default())
            );
            self.task(
                &actor,
                &mut tx,
                &mut conversation,
                &row.channel.clone(),
                &text,
                Some(now),
            )
            .await?;
            conversation.set_context(ESCALATED, json!(now.to_rfc3339()));
            row.state = state_text(&conversation)?;
            row.contact_id = context_id(&conversation, CONTACT);
            tx.save_conversation(&row).await?;
            tx.commit().await?;
            escalated += 1;
        }
        Ok(escalated)
    }

    /// What managers wrote in a chat after its `after`-th transcript line,
    /// for a channel that fetches rather than receives (the widget).
    pub async fn manager_lines(
        &self,
        bot: &str,
        channel: &str,
        chat: &str,
        after: usize,
    ) -> Result<(Vec<String>, usize)> {
        let Some(row) = self.store.conversation_by_chat(bot, channel, chat).await? else {
            return Ok((Vec::new(), 0));
        };
        let conversation: Conversation = state_of(&row)?;
        let lines = conversation.transcript();
        let new = lines
            .iter()
            .skip(after)
            .filter(|line| line.who == converse::Speaker::Manager)
            .map(|line| line.text.clone())
            .collect();
        Ok((new, lines.len()))
    }

    /// Conversations, latest first: all, or those a manager has (`handoff`).
    pub async fn conversations(
        &self,
        actor: &Actor,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ConversationRow>> {
        actor.require(Permission::Read(EntityKind::Activity))?;
        Ok(self.store.conversations(None, status, limit).await?)
    }

    /// Does one action of a bot; returns what to tell the customer, if anything.
    #[allow(clippy::too_many_arguments)]
    async fn act(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        conversation: &mut Conversation,
        channel: &str,
        kind: ActionKind,
        params: &Map<String, Json>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        match kind {
            ActionKind::CreateContact | ActionKind::UpdateContact => {
                self.contact(actor, tx, conversation, params).await?;
                Ok(None)
            }
            ActionKind::CreateLead | ActionKind::CreateDeal | ActionKind::PlaceOrder => {
                let contact = self.contact(actor, tx, conversation, params).await?;
                let deal_kind = if kind == ActionKind::CreateLead {
                    "lead"
                } else {
                    "deal"
                };
                let mut raw = Map::new();
                let title = text(params, "title").unwrap_or_else(|| match kind {
                    ActionKind::CreateLead => "Заявка из чат-бота".into(),
                    ActionKind::PlaceOrder => {
                        format!("Заказ: {}", text(params, "product").unwrap_or_default())
                    }
                    _ => "Сделка из чат-бота".into(),
                });
                raw.insert("title".into(), json!(title));
                raw.insert("kind".into(), json!(deal_kind));
                raw.insert("status".into(), json!("open"));
                raw.insert("source".into(), json!("chatbot"));
                raw.insert("channel".into(), json!(channel));
                raw.insert("contact_id".into(), json!(contact.to_string()));
                raw.insert("opened_at".into(), json!(now.to_rfc3339()));
                for field in ["pipeline", "stage"] {
                    if let Some(value) = text(params, field) {
                        raw.insert(field.into(), json!(value));
                    }
                }
                if let Some(amount) = params.get("amount").and_then(number) {
                    raw.insert("amount".into(), json!(amount));
                } else if kind == ActionKind::PlaceOrder
                    && let Some(product) = self
                        .product(&text(params, "product").unwrap_or_default())
                        .await?
                {
                    let quantity = params.get("quantity").and_then(number).unwrap_or(1.0);
                    if let Some(price) = product.fields.get("price").and_then(money) {
                        raw.insert("amount".into(), json!(price * quantity));
                    }
                }
                // Everything else the bot collected goes into the comment.
                let comment: Vec<String> = params
                    .iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "title" | "pipeline" | "stage" | "amount")
                    })
                    .filter_map(|(k, v)| shown(v).map(|v| format!("{k}: {v}")))
                    .collect();
                if !comment.is_empty() {
                    raw.insert("comment".into(), json!(comment.join("\n")));
                }
                let deal = self.create_in(actor, tx, EntityKind::Deal, &raw).await?;
                conversation.set_context(DEAL, json!(deal.id.to_string()));
                Ok(None)
            }
            ActionKind::CreateTask => {
                let due = params
                    .get("due_minutes")
                    .and_then(number)
                    .map(|m| now + Duration::minutes(m as i64));
                let title = text(params, "title").unwrap_or_else(|| "Задача из чат-бота".into());
                self.task(actor, tx, conversation, channel, &title, due)
                    .await?;
                Ok(None)
            }
            ActionKind::CheckStock => {
                let asked = text(params, "product").unwrap_or_default();
                Ok(Some(match self.product(&asked).await? {
                    Some(product) => {
                        let name = product.text("name").unwrap_or(&asked).to_string();
                        let stock = product
                            .fields
                            .get("stock")
                            .and_then(|v| v.to_json().as_i64());
                        let price = product
                            .fields
                            .get("price")
                            .and_then(money)
                            .map(|p| format!(", цена {} ₽", group_thousands(p)))
                            .unwrap_or_default();
                        match stock {
                            Some(n) if n > 0 => format!("{name}: в наличии {n} шт.{price}"),
                            Some(_) => format!(
                                "{name}: сейчас нет в наличии{price}. Могу предложить похожие или сообщить о поступлении."
                            ),
                            // The catalogue does not say: better a manager than a wrong "no".
                            None => format!("{name}{price}. Наличие уточнит менеджер."),
                        }
                    }
                    None => format!("Не нашёл «{asked}» в каталоге. Уточните название или модель?"),
                }))
            }
            ActionKind::LookupShipment => {
                let number = text(params, "order_number")
                    .or_else(|| text(params, "number"))
                    .unwrap_or_default();
                let query = ListQuery {
                    search: Some(number.clone()),
                    limit: 5,
                    ..ListQuery::default()
                };
                let page = self.store.list(EntityKind::Order, &query).await?;
                let order = page
                    .items
                    .iter()
                    .find(|o| o.text("number") == Some(number.as_str()));
                Ok(Some(match order {
                    Some(order) => format!(
                        "Заказ {number}: {}",
                        order
                            .text("status")
                            .map(order_status)
                            .unwrap_or("в обработке")
                    ),
                    None => format!("Заказ {number} не найден. Проверьте номер, пожалуйста."),
                }))
            }
        }
    }

    /// The conversation's contact, created (from the slots and what the
    /// channel knows) on first need and updated with new details.
    async fn contact(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        conversation: &mut Conversation,
        params: &Map<String, Json>,
    ) -> Result<Id> {
        let pick = |key: &str| -> Option<String> {
            text(params, key)
                .or_else(|| conversation.slots().get(key).and_then(shown))
                .or_else(|| conversation.context().get(key).and_then(shown))
        };
        let mut raw = Map::new();
        if let Some(name) = pick("name") {
            raw.insert("first_name".into(), json!(name));
        }
        if let Some(phone) = pick("phone") {
            raw.insert("phones".into(), json!([phone]));
        }
        if let Some(email) = pick("email") {
            raw.insert("emails".into(), json!([email]));
        }
        if let Some(city) = pick("city").or_else(|| pick("from_city")) {
            raw.insert("city".into(), json!(city));
        }
        if let Some(id) = context_id(conversation, CONTACT) {
            if !raw.is_empty() {
                let draft = EntityKind::Contact
                    .parse_draft(&raw, &self.config.parse)
                    .map_err(Error::Invalid)?;
                if let Some(mut record) = tx.get(EntityKind::Contact, id).await? {
                    record
                        .apply(draft, store::Store::now())
                        .map_err(Error::Invalid)?;
                    tx.update(&record).await?;
                }
            }
            return Ok(id);
        }
        if !raw.contains_key("first_name") {
            raw.insert("first_name".into(), json!("Клиент из чат-бота"));
        }
        raw.insert("source".into(), json!("chatbot"));
        let contact = self.create_in(actor, tx, EntityKind::Contact, &raw).await?;
        conversation.set_context(CONTACT, json!(contact.id.to_string()));
        Ok(contact.id)
    }

    async fn task(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        conversation: &mut Conversation,
        channel: &str,
        text: &str,
        due: Option<DateTime<Utc>>,
    ) -> Result<Id> {
        let contact = self.contact(actor, tx, conversation, &Map::new()).await?;
        let mut raw = Map::new();
        raw.insert("kind".into(), json!("task"));
        raw.insert("channel".into(), json!(channel));
        raw.insert("text".into(), json!(text));
        raw.insert("author".into(), json!("chatbot"));
        raw.insert("contact_id".into(), json!(contact.to_string()));
        raw.insert("done".into(), json!(false));
        if let Some(deal) = context_id(conversation, DEAL) {
            raw.insert("deal_id".into(), json!(deal.to_string()));
        }
        if let Some(due) = due {
            raw.insert("due_at".into(), json!(due.to_rfc3339()));
        }
        Ok(self
            .create_in(actor, tx, EntityKind::Activity, &raw)
            .await?
            .id)
    }

    /// The manager's task for a handed-over conversation: why, the summary,
    /// what was collected, the transcript; due at the SLA deadline.
    async fn hand_over(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        conversation: &mut Conversation,
        channel: &str,
        packet: &Packet,
        now: DateTime<Utc>,
    ) -> Result<Id> {
        let mut text = format!(
            "Передано ботом ({}): {}\n",
            reason_text(&packet.reason),
            packet.summary
        );
        if !packet.slots.is_empty() {
            text.push_str("\nСобрано:\n");
            for (key, value) in &packet.slots {
                if let Some(value) = shown(value) {
                    text.push_str(&format!("• {key}: {value}\n"));
                }
            }
        }
        if let Some(score) = self.conversation_deal_score(conversation).await? {
            text.push_str(&format!("\nВероятность сделки: {:.0}%\n", score * 100.0));
        }
        text.push_str("\nПереписка:\n");
        for line in &packet.transcript {
            let who = match line.who {
                converse::Speaker::Customer => "Клиент",
                converse::Speaker::Bot => "Бот",
                converse::Speaker::Manager => "Менеджер",
            };
            text.push_str(&format!(
                "{} {who}: {}\n",
                line.at.format("%H:%M"),
                line.text
            ));
        }
        let due = packet.sla_deadline.or(Some(now + Duration::minutes(15)));
        self.task(actor, tx, conversation, channel, &text, due)
            .await
    }

    /// The lead score of the deal this conversation made, if it has one.
    async fn conversation_deal_score(&self, conversation: &Conversation) -> Result<Option<f64>> {
        let Some(deal) = context_id(conversation, DEAL) else {
            return Ok(None);
        };
        Ok(self.store.score("deal", deal).await?.map(|s| s.probability))
    }

    /// A catalogue product named like `asked` (its words, best match first).
    async fn product(&self, asked: &str) -> Result<Option<Record>> {
        let asked = asked.trim();
        if asked.is_empty() {
            return Ok(None);
        }
        let words: Vec<String> = nlu::tokenize(asked)
            .into_iter()
            .filter(|t| t.text.chars().count() >= 2)
            .map(|t| t.text)
            .collect();
        let mut best: Option<(usize, Record)> = None;
        for word in std::iter::once(asked.to_string()).chain(words.iter().cloned()) {
            let query = ListQuery {
                search: Some(word),
                limit: 50,
                ..ListQuery::default()
            };
            for product in self.store.list(EntityKind::Product, &query).await?.items {
                let name = product.text("name").unwrap_or_default().to_lowercase();
                let hits = words
                    .iter()
                    .filter(|w| name.contains(&w.to_lowercase()))
                    .count();
                if best.as_ref().is_none_or(|(n, _)| hits > *n) {
                    best = Some((hits, product));
                }
            }
            if best.as_ref().is_some_and(|(n, _)| *n == words.len()) {
                break;
            }
        }
        Ok(best.filter(|(n, _)| *n > 0).map(|(_, p)| p))
    }

    /// Creates a record inside a transaction, with the checks and audit of `create`.
    pub(crate) async fn create_in(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        kind: EntityKind,
        raw: &Map<String, Json>,
    ) -> Result<Record> {
        actor.require(Permission::Write(kind))?;
        let draft = kind
            .parse_draft(raw, &self.config.parse)
            .map_err(Error::Invalid)?;
        let record = new_record(actor, draft, tx).await?;
        tx.insert(&record).await?;
        tx.append_audit(crate::records::audit(actor, "create", None, Some(&record)))
            .await?;
        Ok(record)
    }
}

/// A turn carried out, its conversation ready to save.
struct Done {
    row: ConversationRow,
    conversation: Conversation,
    messages: Vec<String>,
    handoff: Option<Handoff>,
}

fn duplicate(conversation_id: Id) -> Reply {
    Reply {
        conversation_id,
        messages: Vec::new(),
        duplicate: true,
        with_manager: false,
        handoff: None,
    }
}

/// How many chats' latest state the process keeps to skip a read per message.
const CACHED_CONVERSATIONS: usize = 10_000;

/// A conversation ready for a turn: as stored, or new with its greeting.
struct Prepared {
    row: ConversationRow,
    conversation: Conversation,
    /// What the bot says before the turn (the greeting of a new chat).
    outputs: Vec<Output>,
    /// A manager has it: the message is theirs, not the bot's to learn from.
    for_manager: bool,
}

fn prepare(
    bot: &Bot,
    inbound: &Inbound,
    stored: Option<ConversationRow>,
    now: DateTime<Utc>,
) -> Result<Prepared> {
    Ok(match stored {
        Some(row) => {
            let conversation: Conversation = state_of(&row)?;
            Prepared {
                for_manager: conversation.is_paused(),
                row,
                conversation,
                outputs: Vec::new(),
            }
        }
        None => {
            let mut conversation = Conversation::new();
            for (key, value) in &inbound.profile {
                conversation.set_context(key, value.clone());
            }
            let outputs = bot.start(&mut conversation, now);
            Prepared {
                row: ConversationRow {
                    id: Id::new(),
                    bot: inbound.bot.clone(),
                    channel: inbound.channel.clone(),
                    chat: inbound.chat.clone(),
                    contact_id: None,
                    status: "bot".into(),
                    state: String::new(),
                    handoff_reason: None,
                    sla_deadline: None,
                    created_at: now,
                    updated_at: now,
                },
                conversation,
                outputs,
                for_manager: false,
            }
        }
    })
}

/// A stored conversation's state.
pub(crate) fn state_of(row: &ConversationRow) -> Result<Conversation> {
    serde_json::from_str(&row.state)
        .map_err(|e| Error::BadRequest(format!("conversation {}: state unreadable: {e}", row.id)))
}

fn state_text(conversation: &Conversation) -> Result<String> {
    serde_json::to_string(conversation)
        .map_err(|e| Error::BadRequest(format!("conversation state: {e}")))
}

fn as_text<S: serde::Serializer>(id: &Id, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

fn context_id(conversation: &Conversation, key: &str) -> Option<Id> {
    conversation
        .context()
        .get(key)
        .and_then(Json::as_str)
        .and_then(|s| Id::parse(s).ok())
}

fn text(params: &Map<String, Json>, key: &str) -> Option<String> {
    params.get(key).and_then(shown)
}

/// A value as a person reads it; nothing for empty ones.
fn shown(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(s) if s.trim().is_empty() => None,
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(if *b { "да" } else { "нет" }.to_string()),
        other => Some(other.to_string()),
    }
}

fn number(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s
            .trim()
            .replace([' ', '\u{a0}'], "")
            .replace(',', ".")
            .parse()
            .ok(),
        _ => None,
    }
}

fn money(value: &domain::Value) -> Option<f64> {
    match value.to_json() {
        Json::Object(m) => m.get("amount").and_then(number),
        other => number(&other),
    }
}

fn group_thousands(amount: f64) -> String {
    let whole = format!("{:.0}", amount);
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

fn order_status(status: &str) -> &'static str {
    match status {
        "new" => "принят, готовится к отправке",
        "paid" => "оплачен, готовится к отправке",
        "shipped" => "отправлен, в пути",
        "delivered" => "доставлен",
        "cancelled" => "отменён",
        "returned" => "возвращён",
        _ => "в обработке",
    }
}

fn reason_text(reason: &str) -> &str {
    match reason {
        "request_human" => "клиент просит человека",
        "negative_sentiment" => "клиент недоволен",
        "complaint" => "жалоба",
        "low_confidence" => "бот не понимает клиента",
        "cannot_fill_slot" => "бот не смог получить ответ",
        "vip" => "VIP-клиент",
        "complex" => "сложная заявка",
        "hot_lead" => "горячий лид",
        other => other,
    }
}
