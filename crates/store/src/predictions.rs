//! Predictions: the model registry (every trained model kept with its data
//! hash and figures; one active per task, promoted and rolled back by name)
//! and each record's latest score with its reasons and recommended action.

use chrono::{DateTime, Utc};
use domain::Id;
use sqlx::{AssertSqlSafe, Row};

use crate::backend::{on_pool, on_tx};
use crate::{Error, Result, Store, Tx};

/// A trained model as stored.
#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: Id,
    /// `lead` or `churn`.
    pub task: String,
    pub version: i64,
    /// `candidate`, `active` or `retired`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub data_hash: String,
    /// JSON: held-out figures.
    pub metrics: String,
    /// JSON: the model; empty in listings.
    pub body: String,
    pub promoted_at: Option<DateTime<Utc>>,
    pub promoted_by: Option<String>,
}

/// A record's latest score.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub kind: String,
    pub record_id: Id,
    pub model_id: Id,
    pub probability: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// JSON: the factors, largest first.
    pub reasons: String,
    pub action: String,
    pub scored_at: DateTime<Utc>,
}

const MODEL_LIST: &str = "id, task, version, status, created_at, created_by, data_hash, metrics, '' AS body, promoted_at, promoted_by";
const MODEL_FULL: &str = "id, task, version, status, created_at, created_by, data_hash, metrics, body, promoted_at, promoted_by";
const SCORE_COLUMNS: &str =
    "kind, record_id, model_id, probability, low, high, reasons, action, scored_at";

fn parse_id(text: String) -> Result<Id> {
    Id::parse(&text).map_err(|error| Error::BadQuery(error.to_string()))
}

macro_rules! model_row {
    ($row:expr) => {{
        let row = $row;
        Ok::<ModelRow, Error>(ModelRow {
            id: parse_id(row.get(0))?,
            task: row.get(1),
            version: row.get(2),
            status: row.get(3),
            created_at: row.get(4),
            created_by: row.get(5),
            data_hash: row.get(6),
            metrics: row.get(7),
            body: row.get(8),
            promoted_at: row.get(9),
            promoted_by: row.get(10),
        })
    }};
}

macro_rules! score_row {
    ($row:expr) => {{
        let row = $row;
        Ok::<ScoreRow, Error>(ScoreRow {
            kind: row.get(0),
            record_id: parse_id(row.get(1))?,
            model_id: parse_id(row.get(2))?,
            probability: row.get(3),
            low: row.get(4),
            high: row.get(5),
            reasons: row.get(6),
            action: row.get(7),
            scored_at: row.get(8),
        })
    }};
}

impl Tx {
    /// Registers a trained model as a candidate with the task's next version.
    pub async fn insert_model(&mut self, model: &ModelRow) -> Result<i64> {
        let version: i64 = on_tx!(self, conn => sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE task = $1")
            .bind(&model.task)
            .fetch_one(&mut *conn)
            .await?
            .get(0));
        on_tx!(self, conn => sqlx::query("INSERT INTO models (id, task, version, status, created_at, created_by, data_hash, metrics, body) VALUES ($1, $2, $3, 'candidate', $4, $5, $6, $7, $8)")
            .bind(model.id.to_string())
            .bind(&model.task)
            .bind(version)
            .bind(model.created_at)
            .bind(&model.created_by)
            .bind(&model.data_hash)
            .bind(&model.metrics)
            .bind(&model.body)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(version)
    }

    /// Makes `id` the active model of its task; the one before is retired.
    /// `false` when there is no such model.
    pub async fn promote_model(&mut self, id: Id, by: &str) -> Result<bool> {
        let task: Option<String> = on_tx!(self, conn => sqlx::query("SELECT task FROM models WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.get(0)));
        let Some(task) = task else {
            return Ok(false);
        };
        on_tx!(self, conn => sqlx::query("UPDATE models SET status = 'retired' WHERE task = $1 AND status = 'active'")
            .bind(&task)
            .execute(conn)
            .await?
            .rows_affected());
        on_tx!(self, conn => sqlx::query("UPDATE models SET status = 'active', promoted_at = $1, promoted_by = $2 WHERE id = $3")
            .bind(Store::now())
            .bind(by)
            .bind(id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(true)
    }

    /// Replaces the scores of these records (one row per record).
    pub async fn upsert_scores(&mut self, scores: &[ScoreRow]) -> Result<()> {
        for score in scores {
            on_tx!(self, conn => sqlx::query("INSERT INTO scores (kind, record_id, model_id, probability, low, high, reasons, action, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                ON CONFLICT (kind, record_id) DO UPDATE SET model_id = excluded.model_id, probability = excluded.probability, low = excluded.low, high = excluded.high, reasons = excluded.reasons, action = excluded.action, scored_at = excluded.scored_at")
                .bind(&score.kind)
                .bind(score.record_id.to_string())
                .bind(score.model_id.to_string())
                .bind(score.probability)
                .bind(score.low)
                .bind(score.high)
                .bind(&score.reasons)
                .bind(&score.action)
                .bind(score.scored_at)
                .execute(conn)
                .await?
                .rows_affected());
        }
        Ok(())
    }

    /// Forgets the score of a record (it was closed, deleted or erased).
    pub async fn delete_score(&mut self, kind: &str, record_id: Id) -> Result<()> {
        on_tx!(self, conn => sqlx::query("DELETE FROM scores WHERE kind = $1 AND record_id = $2")
            .bind(kind)
            .bind(record_id.to_string())
            .execute(conn)
            .await?
            .rows_affected());
        Ok(())
    }
}

impl Store {
    /// Every model of a task, newest version first, without their bodies.
    pub async fn models(&self, task: &str) -> Result<Vec<ModelRow>> {
        let sql = format!("SELECT {MODEL_LIST} FROM models WHERE task = $1 ORDER BY version DESC");
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(task).fetch_all(pool).await?;
            rows.into_iter().map(|row| model_row!(row)).collect()
        })
    }

    /// One model with its body.
    pub async fn model(&self, id: Id) -> Result<Option<ModelRow>> {
        let sql = format!("SELECT {MODEL_FULL} FROM models WHERE id = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(model_row!(row)?)),
            None => Ok(None),
        })
    }

    /// The active model of a task, with its body.
    pub async fn active_model(&self, task: &str) -> Result<Option<ModelRow>> {
        let sql = format!("SELECT {MODEL_FULL} FROM models WHERE task = $1 AND status = 'active'");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(task).fetch_optional(pool).await? {
            Some(row) => Ok(Some(model_row!(row)?)),
            None => Ok(None),
        })
    }

    /// A record's latest score.
    pub async fn score(&self, kind: &str, record_id: Id) -> Result<Option<ScoreRow>> {
        let sql = format!("SELECT {SCORE_COLUMNS} FROM scores WHERE kind = $1 AND record_id = $2");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(kind).bind(record_id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(score_row!(row)?)),
            None => Ok(None),
        })
    }

    /// The scores of a kind, highest probability first.
    pub async fn top_scores(&self, kind: &str, limit: i64) -> Result<Vec<ScoreRow>> {
        let sql = format!(
            "SELECT {SCORE_COLUMNS} FROM scores WHERE kind = $1 ORDER BY probability DESC, record_id LIMIT $2"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(kind).bind(limit).fetch_all(pool).await?;
            rows.into_iter().map(|row| score_row!(row)).collect()
        })
    }
}
