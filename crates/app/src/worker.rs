//! The background worker: claims jobs from the store's durable queue and
//! runs them. Several `serve` processes on one PostgreSQL each run one; a
//! job runs once, and again only if its worker died mid-way.

use std::path::PathBuf;
use std::time::Duration;

use domain::{Id, Role};
use serde_json::{Value as Json, json};
use store::Job;
use tokio::sync::watch;

use crate::{Actor, App, Error, ImportOptions, Permission, Result};

const LEASE: Duration = Duration::from_secs(15 * 60);
const IDLE_POLL: Duration = Duration::from_millis(500);

impl App {
    /// Queues an uploaded file for import by the worker; returns the job id.
    pub async fn enqueue_import(
        &self,
        actor: &Actor,
        path: &std::path::Path,
        options: &ImportOptions,
    ) -> Result<Id> {
        actor.require(Permission::Import)?;
        let payload = json!({
            "path": path.display().to_string(),
            "preset": options.preset,
            "display_name": options.display_name,
            "dry_run": options.dry_run,
            "actor": {"label": actor.label, "role": actor.role.as_str(), "user_id": actor.user_id.map(|id| id.to_string())},
        });
        Ok(self
            .store
            .enqueue_job("import", &payload.to_string(), 3)
            .await?)
    }

    /// A job and its state.
    pub async fn job(&self, id: Id) -> Result<Job> {
        self.store.job(id).await?.ok_or_else(|| Error::NotFound {
            kind: "job".into(),
            id: id.to_string(),
        })
    }

    /// Pushes one deal's score to its CRM: done, or when to try again.
    async fn run_writeback(&self, job: &Job, payload: &Json) -> Result<JobOutcome> {
        let system = payload
            .pointer("/system")
            .and_then(Json::as_str)
            .unwrap_or_default();
        let Some(client) = self.crm.get(system) else {
            return Ok(JobOutcome::Done(
                json!({"error": format!("no CRM connection for {system:?}")}),
            ));
        };
        let update: crm::Update =
            serde_json::from_value(payload.pointer("/update").cloned().unwrap_or_default())
                .map_err(|error| Error::BadRequest(format!("write-back payload: {error}")))?;
        match client.push(&update).await {
            Ok(pushed) => Ok(JobOutcome::Done(
                json!({"crm": pushed.crm.to_string(), "deal": pushed.crm_deal_id, "task": format!("{:?}", pushed.task)}),
            )),
            Err(error) if error.retryable() => Ok(JobOutcome::RetryIn(
                error.retry_in(job.attempts.max(1) as u32),
                error.to_string(),
            )),
            // The CRM refused for good (a wrong field, a deleted deal): recorded, not retried.
            Err(error) => Ok(JobOutcome::Done(json!({"error": error.to_string()}))),
        }
    }

    async fn run_job(&self, job: &Job) -> Result<JobOutcome> {
        let payload: Json = serde_json::from_str(&job.payload)
            .map_err(|error| Error::BadRequest(format!("job payload: {error}")))?;
        let text = |pointer: &str| {
            payload
                .pointer(pointer)
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        match job.kind.as_str() {
            crate::scoring::WRITEBACK_JOB => self.run_writeback(job, &payload).await,
            crate::messaging::SEND_JOB => self.run_send(job, &payload).await,
            "import" => {
                let actor = Actor {
                    label: text("/actor/label").unwrap_or_else(|| "worker".into()),
                    role: Role::parse(&text("/actor/role").unwrap_or_default())
                        .map_err(|error| Error::BadRequest(error.to_string()))?,
                    user_id: text("/actor/user_id")
                        .map(|id| Id::parse(&id))
                        .transpose()
                        .map_err(|error| Error::BadRequest(error.to_string()))?,
                };
                let path = PathBuf::from(text("/path").unwrap_or_default());
                let options = ImportOptions {
                    preset: text("/preset").unwrap_or_default(),
                    display_name: text("/display_name"),
                    dry_run: payload
                        .pointer("/dry_run")
                        .and_then(Json::as_bool)
                        .unwrap_or(false),
                    ..ImportOptions::default()
                };
                let result = self.import_file(&actor, &path, &options, &mut |_| {}).await;
                // The upload has served its purpose whatever the outcome; it may hold personal data.
                let _ = std::fs::remove_file(&path);
                match result {
                    Ok(report) => Ok(JobOutcome::Done(report.to_json())),
                    Err(Error::Store(error)) => Err(Error::Store(error)),
                    Err(other) => Ok(JobOutcome::Done(json!({"error": other.to_string()}))),
                }
            }
            other => Ok(JobOutcome::Done(
                json!({"error": format!("unknown job kind {other:?}")}),
            )),
        }
    }
}

/// How a job ended: with a result, or asking to run again later (a CRM's
/// rate limit or outage is a wait, not an error).
pub(crate) enum JobOutcome {
    Done(Json),
    RetryIn(Duration, String),
}

/// How often an idle worker looks for handoffs past their deadline.
const SLA_CHECK: Duration = Duration::from_secs(60);

/// How often an idle worker asks whether a model is due for retraining.
const RETRAIN_CHECK: Duration = Duration::from_secs(60 * 60);

/// Runs jobs until `shutdown` turns true; when idle, retrains models that are due.
pub async fn run_worker(app: App, worker: String, mut shutdown: watch::Receiver<bool>) {
    let mut next_retrain_check = std::time::Instant::now() + RETRAIN_CHECK;
    let mut next_sla_check = std::time::Instant::now();
    loop {
        if *shutdown.borrow() {
            return;
        }
        match app.store.claim_job(&worker, LEASE).await {
            Ok(Some(job)) => {
                tracing::info!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, "Running job.");
                let outcome = match app.run_job(&job).await {
                    Ok(JobOutcome::Done(result)) => {
                        app.store.complete_job(job.id, &result.to_string()).await
                    }
                    Ok(JobOutcome::RetryIn(after, reason)) => {
                        tracing::info!(job_id = %job.id, retry_in_ms = after.as_millis() as u64, reason = %reason, "Job will be retried.");
                        app.store.fail_job(job.id, &reason, after).await
                    }
                    Err(error) => {
                        tracing::warn!(job_id = %job.id, error = %error, "Job failed; it will be retried.");
                        app.store
                            .fail_job(job.id, &error.to_string(), Duration::from_secs(30))
                            .await
                    }
                };
                if let Err(error) = outcome {
                    tracing::error!(job_id = %job.id, error = %error, "Could not record the job's outcome.");
                }
            }
            Ok(None) => {
                if std::time::Instant::now() >= next_sla_check {
                    next_sla_check = std::time::Instant::now() + SLA_CHECK;
                    match app.escalate_overdue(chrono::Utc::now()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(escalated = n, "Overdue handoffs escalated."),
                        Err(error) => tracing::warn!(error = %error, "SLA check failed."),
                    }
                }
                if std::time::Instant::now() >= next_retrain_check {
                    next_retrain_check = std::time::Instant::now() + RETRAIN_CHECK;
                    match app.retrain_if_due(chrono::Utc::now()).await {
                        Ok(models) => {
                            for model in models {
                                tracing::info!(task = %model.task, version = model.version, status = %model.status, "Model retrained on schedule.");
                            }
                        }
                        Err(error) => {
                            tracing::warn!(error = %error, "Scheduled retraining failed.")
                        }
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = app.jobs_ready.notified() => {}
                    _ = shutdown.changed() => {}
                }
            }
            Err(error) => {
                tracing::error!(error = %error, "Could not claim a job.");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}
