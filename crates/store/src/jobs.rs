//! The durable job queue: long imports, and later retraining and outbound
//! CRM calls. Several `serve` processes on one PostgreSQL share it: a job is
//! claimed with `FOR UPDATE SKIP LOCKED`, so each runs once, and a claim is a
//! lease, so a job whose worker died runs again after the lease expires.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::Id;
use sqlx::Row;

use crate::backend::{Pool, on_pool, on_tx};
use crate::{Error, Result, Store};
use sqlx::AssertSqlSafe;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker whose lease has not expired.
    Running,
    /// Finished.
    Done,
    /// Failed its last attempt.
    Failed,
}

impl JobStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            _ => JobStatus::Queued,
        }
    }
}

/// A job and its state.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its id.
    pub id: Id,
    /// What to do, e.g. `import`.
    pub kind: String,
    /// The job's input, JSON.
    pub payload: String,
    /// Where it is.
    pub status: JobStatus,
    /// How many times a worker has claimed it.
    pub attempts: i32,
    /// The most attempts it gets.
    pub max_attempts: i32,
    /// The last error, if an attempt failed.
    pub last_error: Option<String>,
    /// The job's output, JSON, once done.
    pub result: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

const JOB_COLUMNS: &str = "id, kind, payload, status, attempts, max_attempts, last_error, result, created_at, finished_at";

macro_rules! job_row {
    ($row:expr) => {{
        let row = $row;
        let id: String = row.get(0);
        let status: String = row.get(3);
        Ok::<Job, Error>(Job {
            id: Id::parse(&id).map_err(|error| Error::BadQuery(error.to_string()))?,
            kind: row.get(1),
            payload: row.get(2),
            status: JobStatus::parse(&status),
            attempts: row.get(4),
            max_attempts: row.get(5),
            last_error: row.get(6),
            result: row.get(7),
            created_at: row.get(8),
            finished_at: row.get(9),
        })
    }};
}

const ENQUEUE: &str = "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at) VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5)";

impl crate::Tx {
    /// Queues a job that exists only if the transaction commits: what it
    /// must do and the change that asked for it land together.
    pub async fn enqueue_job(
        &mut self,
        kind: &str,
        payload: &str,
        max_attempts: i32,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Store::now();
        on_tx!(self, conn => sqlx::query(ENQUEUE)
            .bind(id.to_string())
            .bind(kind)
            .bind(payload)
            .bind(max_attempts)
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected());
        Ok(id)
    }
}

impl Store {
    /// Queues a job to run as soon as a worker is free.
    pub async fn enqueue_job(&self, kind: &str, payload: &str, max_attempts: i32) -> Result<Id> {
        let id = Id::new();
        let now = Store::now();
        on_pool!(self, pool => sqlx::query(ENQUEUE)
            .bind(id.to_string())
            .bind(kind)
            .bind(payload)
            .bind(max_attempts)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(id)
    }

    /// Claims the oldest runnable job for `worker` for the length of `lease`;
    /// a job whose previous worker's lease ran out is runnable again.
    pub async fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<Job>> {
        let now = Store::now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
        let lock = match self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2 \
             WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3) \
             ORDER BY run_at, id LIMIT 1 {lock}) RETURNING {JOB_COLUMNS}"
        );
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(worker).bind(until).bind(now).fetch_optional(pool).await? {
            Some(row) => Ok(Some(job_row!(row)?)),
            None => Ok(None),
        })
    }

    /// Marks a job done with its result.
    pub async fn complete_job(&self, id: Id, result: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE jobs SET status = 'done', result = $1, finished_at = $2, locked_by = NULL, locked_until = NULL WHERE id = $3")
            .bind(result)
            .bind(Store::now())
            .bind(id.to_string())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Records a failed attempt: the job runs again after `retry_in` unless
    /// it has used all its attempts, in which case it is failed for good.
    pub async fn fail_job(&self, id: Id, error: &str, retry_in: Duration) -> Result<()> {
        let now = Store::now();
        let retry_at =
            now + chrono::Duration::from_std(retry_in).unwrap_or(chrono::Duration::seconds(30));
        on_pool!(self, pool => sqlx::query(
            "UPDATE jobs SET last_error = $1, locked_by = NULL, locked_until = NULL, \
             status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, \
             finished_at = CASE WHEN attempts >= max_attempts THEN $2 ELSE NULL END, run_at = $3 WHERE id = $4")
            .bind(error)
            .bind(now)
            .bind(retry_at)
            .bind(id.to_string())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// How many jobs of a kind are in each status.
    pub async fn job_counts(&self, kind: &str) -> Result<Vec<(String, i64)>> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT status, COUNT(*) FROM jobs WHERE kind = $1 GROUP BY status ORDER BY status")
                .bind(kind)
                .fetch_all(pool)
                .await?;
            Ok(rows.into_iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    /// A job by id.
    pub async fn job(&self, id: Id) -> Result<Option<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
        on_pool!(self, pool => match sqlx::query(AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(pool).await? {
            Some(row) => Ok(Some(job_row!(row)?)),
            None => Ok(None),
        })
    }
}
