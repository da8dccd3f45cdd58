//! Conversations with the bots (state as the dialogue engine's JSON, the
//! customer's contact, handoff and its deadline), the channel deliveries
//! already processed, so a webhook delivered twice is handled once, and the
//! review queue of messages a bot was unsure of.

use chrono::{DateTime, Utc};
use domain::Id;
use sqlx::{AssertSqlSafe, Row};

use crate::backend::{on_pool, on_tx};
use crate::{Error, Result, Store, Tx};

/// A conversation as stored.
#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: Id,
    pub bot: String,
    pub channel: String,
    /// The channel's chat: a Telegram chat id, a widget visitor, a phone.
    pub chat: String,
    pub contact_id: Option<Id>,
    /// `bot` or `handoff`.
    pub status: String,
    /// JSON: the dialogue engine's state.
    pub state: String,
    pub handoff_reason: Option<String>,
    pub sla_deadline: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, bot, channel, chat, contact_id, status, state, handoff_reason, sla_deadline, created_at, updated_at";

fn parse_id(text: String) -> Result<Id> {
    Id::parse(&text).map_err(|error| Error::BadQuery(error.to_string()))
}

macro_rules! conversation_row {
    ($row:expr) => {{
        let row = $row;
        let contact: Option<String> = row.get(4);
        Ok::<ConversationRow, Error>(ConversationRow {
            id: parse_id(row.get(0))?,
            bot: row.get(1),
            channel: row.get(2),
            chat: row.get(3),
            contact_id: contact.map(parse_id).transpose()?,
            status: row.get(5),
            state: row.get(6),
            handoff_reason: row.get(7),
            sla_deadline: row.get(8),
            created_at: row.get(9),
            updated_at: row.get(10),
        })
    }};
}

impl Tx {
    /// Notes a delivery; `false` when it was seen before (do nothing then).
    pub async fn record_delivery(&mut self, channel: &str, delivery_id: &str) -> Result<bool> {
        let inserted = on_tx!(self, conn => sqlx::query("INSERT INTO deliveries (channel, delivery_id, received_at) VALUES ($1, $2, $3) ON CONFLICT (channel, delivery_id) DO NOTHING")
            .bind(channel)
            .bind(delivery_id)
            .bind(Store::now())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(inserted == 1)
    }

    /// A chat's conversation with a bot, locked until the transaction ends
    /// on PostgreSQL (SQLite serialises writers anyway), so two messages of
    /// one chat are never answered from the same state.
    pub async fn conversation_for_update(
        &mut self,
        bot: &str,
        channel: &str,
        chat: &str,
    ) -> Result<Option<ConversationRow>> {
        let lock = if self.is_postgres() {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations WHERE bot = $1 AND channel = $2 AND chat = $3{lock}"
        );
        on_tx!(self, conn => match sqlx::query(AssertSqlSafe(sql)).bind(bot).bind(channel).bind(chat).fetch_optional(conn).await? {
            Some(row) => Ok(Some(conversation_row!(row)?)),
            None => Ok(None),
        })
    }

    /// Inserts or replaces a conversation.
    pub async fn save_conversation(&mut self, c: &ConversationRow) -> Result<()> {
        on_tx!(self, conn => sqlx::query("INSERT INTO conversations (id, bot, channel, chat, contact_id, status, state, handoff_reason, sla_deadline, created_at, updated_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
            ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, status = excluded.status, state = excluded.state, \
            handoff_reason = excluded.handoff_reason, sla_deadline = excluded.sla_deadline, updated_at = excluded.updated_at")
            .bind(c.id.to_string())
            .bind(&c.bot)
            .bind(&c.channel)
            .bind(&c.chat)
            .bind(c.contact_id.map(|id| id.to_string()))
            .bind(&c.status)
            .bind(&c.state)
            .bind(&c.handoff_reason)
            .bind(c.sla_deadline)
            .bind(c.created_at)
            .bind(c.updated_at)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Saves a conversation only if it is still as it was read (`seen`:
    /// its `updated_at` then, or `None` for one not stored yet); `false`
    /// when another message of the chat was saved first.
    pub async fn save_conversation_if(
        &mut self,
        c: &ConversationRow,
        seen: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let changed = match seen {
            None => {
                on_tx!(self, conn => sqlx::query("INSERT INTO conversations (id, bot, channel, chat, contact_id, status, state, handoff_reason, sla_deadline, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (bot, channel, chat) DO NOTHING")
                .bind(c.id.to_string())
                .bind(&c.bot)
                .bind(&c.channel)
                .bind(&c.chat)
                .bind(c.contact_id.map(|id| id.to_string()))
                .bind(&c.status)
                .bind(&c.state)
                .bind(&c.handoff_reason)
                .bind(c.sla_deadline)
                .bind(c.created_at)
                .bind(c.updated_at)
                .execute(conn)
                .await?
                .rows_affected())
            }
            Some(seen) => {
                on_tx!(self, conn => sqlx::query("UPDATE conversations SET contact_id = $1, status = $2, state = $3, handoff_reason = $4, sla_deadline = $5, updated_at = $6 \
                WHERE id = $7 AND updated_at = $8")
                .bind(c.contact_id.map(|id| id.to_string()))
                .bind(&c.status)
                .bind(&c.state)
                .bind(&c.handoff_reason)
                .bind(c.sla_deadline)
                .bind(c.updated_at)
                .bind(c.id.to_string())
                .bind(seen)
                .execute(conn)
                .await?
                .rows_affected())
            }
        };
        Ok(changed == 1)
    }

    /// Forgets a contact's conversations and their review items (the
    /// transcripts and messages are personal data).
    pub async fn delete_conversations_of(&mut self, contact_id: Id) -> Result<u64> {
        on_tx!(self, conn => sqlx::query("DELETE FROM nlu_reviews WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = $1)")
            .bind(contact_id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        let deleted = on_tx!(self, conn => sqlx::query("DELETE FROM conversations WHERE contact_id = $1")
            .bind(contact_id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(deleted)
    }
}

/// A message a bot was unsure of.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub id: Id,
    pub bot: String,
    pub conversation_id: Id,
    pub text: String,
    pub intent: String,
    pub confidence: f64,
    /// JSON: the entities the NLU found.
    pub entities: String,
    /// `pending`, `corrected` or `dismissed`.
    pub status: String,
    pub corrected_intent: Option<String>,
    /// JSON: the entities as the reviewer left them.
    pub corrected_entities: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const REVIEW_COLUMNS: &str = "id, bot, conversation_id, text, intent, confidence, entities, status, corrected_intent, corrected_entities, reviewed_by, reviewed_at, created_at";

macro_rules! review_row {
    ($row:expr) => {{
        let row = $row;
        Ok::<ReviewRow, Error>(ReviewRow {
            id: parse_id(row.get(0))?,
            bot: row.get(1),
            conversation_id: parse_id(row.get(2))?,
            text: row.get(3),
            intent: row.get(4),
            confidence: row.get(5),
            entities: row.get(6),
            status: row.get(7),
            corrected_intent: row.get(8),
            corrected_entities: row.get(9),
            reviewed_by: row.get(10),
            reviewed_at: row.get(11),
            created_at: row.get(12),
        })
    }};
}

impl Tx {
    /// Queues a message for review.
    pub async fn insert_review(&mut self, r: &ReviewRow) -> Result<()> {
        on_tx!(self, conn => sqlx::query("INSERT INTO nlu_reviews (id, bot, conversation_id, text, intent, confidence, entities, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)")
            .bind(r.id.to_string())
            .bind(&r.bot)
            .bind(r.conversation_id.to_string())
            .bind(&r.text)
            .bind(&r.intent)
            .bind(r.confidence)
            .bind(&r.entities)
            .bind(r.created_at)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Records a reviewer's verdict: the right intent and entities
    /// (`corrected`), or that the message teaches nothing (`dismissed`).
    /// `false` when there is no such item.
    pub async fn resolve_review(
        &mut self,
        id: Id,
        status: &str,
        intent: Option<&str>,
        entities: Option<&str>,
        by: &str,
    ) -> Result<bool> {
        let changed = on_tx!(self, conn => sqlx::query("UPDATE nlu_reviews SET status = $1, corrected_intent = $2, corrected_entities = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $6")
            .bind(status)
            .bind(intent)
            .bind(entities)
            .bind(by)
            .bind(Store::now())
            .bind(id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }
}

impl Store {
    /// A bot's review items with a status, oldest first.
    pub async fn reviews(&self, bot: &str, status: &str, limit: i64) -> Result<Vec<ReviewRow>> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM nlu_reviews WHERE bot = $1 AND status = $2 ORDER BY created_at, id LIMIT $3"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(bot).bind(status).bind(limit).fetch_all(pool).await?;
            rows.into_iter().map(|row| review_row!(row)).collect()
        })
    }

    /// One review item.
    pub async fn review(&self, id: Id) -> Result<Option<ReviewRow>> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM nlu_reviews WHERE id = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(review_row!(row)?)),
            None => Ok(None),
        })
    }

    /// A chat's conversation with a bot, read without a transaction.
    pub async fn conversation_by_chat(
        &self,
        bot: &str,
        channel: &str,
        chat: &str,
    ) -> Result<Option<ConversationRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations WHERE bot = $1 AND channel = $2 AND chat = $3"
        );
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(bot).bind(channel).bind(chat).fetch_optional(pool).await? {
            Some(row) => Ok(Some(conversation_row!(row)?)),
            None => Ok(None),
        })
    }

    /// One conversation.
    pub async fn conversation(&self, id: Id) -> Result<Option<ConversationRow>> {
        let sql = format!("SELECT {COLUMNS} FROM conversations WHERE id = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(conversation_row!(row)?)),
            None => Ok(None),
        })
    }

    /// Conversations of a bot (all bots when `bot` is `None`), with a status
    /// if given, latest first.
    pub async fn conversations(
        &self,
        bot: Option<&str>,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ConversationRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations WHERE ($1 IS NULL OR bot = $1) AND ($2 IS NULL OR status = $2) ORDER BY updated_at DESC LIMIT $3"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(bot).bind(status).bind(limit).fetch_all(pool).await?;
            rows.into_iter().map(|row| conversation_row!(row)).collect()
        })
    }
}
