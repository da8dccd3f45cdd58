//! Importing over HTTP: upload a file, get a job, poll the job for the report.

use std::path::PathBuf;

use app::{Actor, ImportOptions, Job};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Id;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};

/// The largest file an upload may carry.
pub const MAX_UPLOAD: usize = 256 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports", post(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .route("/api/v1/jobs/{id}", get(job))
}

/// A file received from a form or the API, saved where the worker can read it.
pub struct Upload {
    /// Where it was saved.
    pub path: PathBuf,
    /// Its name on the sender's machine.
    pub original_name: String,
    /// The other form fields.
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// A form field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Saves the `file` part of a multipart body into the uploads directory.
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    mut multipart: Multipart,
) -> ApiResult<Upload> {
    actor.require(app::Permission::Import)?;
    let dir = state
        .app
        .config()
        .uploads_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("fundament-uploads"));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|error| io_error("creating the uploads directory", error))?;
    let mut saved: Option<(PathBuf, String)> = None;
    let mut fields = Vec::new();
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| bad(format!("unreadable form: {error}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let original_name = field.file_name().unwrap_or("upload.csv").to_string();
            // Keep only the extension from the sender's name: it decides the format.
            let extension = std::path::Path::new(&original_name)
                .extension()
                .and_then(|ext| ext.to_str())
                .filter(|ext| ext.chars().all(char::is_alphanumeric))
                .unwrap_or("csv")
                .to_lowercase();
            let path = dir.join(format!("{}.{extension}", uuid::Uuid::now_v7()));
            let bytes = field
                .bytes()
                .await
                .map_err(|error| bad(format!("the upload broke off: {error}")))?;
            tokio::fs::write(&path, &bytes)
                .await
                .map_err(|error| io_error("saving the upload", error))?;
            saved = Some((path, original_name));
        } else {
            fields.push((name, field.text().await.unwrap_or_default()));
        }
    }
    let (path, original_name) = saved.ok_or_else(|| bad("the form has no `file` part".into()))?;
    Ok(Upload {
        path,
        original_name,
        fields,
    })
}

async fn upload(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let upload = receive(&state, &actor, multipart).await?;
    let options = ImportOptions {
        preset: upload
            .field("preset")
            .unwrap_or("generic-contacts")
            .to_string(),
        dry_run: matches!(upload.field("dry_run"), Some("true" | "1" | "on")),
        display_name: Some(upload.original_name.clone()),
        ..ImportOptions::default()
    };
    let job_id = state
        .app
        .enqueue_import(&actor, &upload.path, &options)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"job_id": job_id.to_string(), "status_url": format!("/api/v1/jobs/{job_id}")})),
    ))
}

async fn job(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    actor.require(app::Permission::Import)?;
    let id = Id::parse(&id).map_err(|error| {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", error.to_string())
    })?;
    Ok(Json(job_json(&state.app.job(id).await?)))
}

/// A job as the API shows it.
pub fn job_json(job: &Job) -> Value {
    json!({
        "id": job.id.to_string(), "kind": job.kind, "status": job.status.as_str(), "attempts": job.attempts,
        "last_error": job.last_error, "created_at": job.created_at, "finished_at": job.finished_at,
        "result": job.result.as_deref().and_then(|text| serde_json::from_str::<Value>(text).ok()),
    })
}

fn io_error(context: &str, source: std::io::Error) -> ApiError {
    app::Error::Io {
        context: context.into(),
        source,
    }
    .into()
}
