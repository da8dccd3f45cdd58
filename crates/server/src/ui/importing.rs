//! The import page: upload a file, preview how its columns map, import it
//! in the background and read the report.

use std::path::PathBuf;

use app::{ImportOptions, JobStatus};
use axum::Router;
use axum::extract::{Form, Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::Id;
use serde::Deserialize;
use serde_json::{Value, json};

use super::pages::error_page;
use super::{Lang, render_page};
use crate::AppState;
use crate::api::imports::{job_json, receive};
use crate::auth::Browser;
use crate::error::ApiError;

const PREVIEW_ROWS: usize = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/import", get(form).post(preview))
        .route("/import/start", post(start))
        .route("/import/jobs/{id}", get(job))
}

fn presets(state: &AppState) -> Vec<Value> {
    state.app.presets().iter().map(|preset| json!({"name": preset.name, "title": preset.title, "entity": preset.entity.collection()})).collect()
}

async fn form(lang: Lang, State(state): State<AppState>, browser: Browser) -> Response {
    if let Err(error) = browser.actor.require(app::Permission::Import) {
        return error_page(&state, lang, error.into());
    }
    Html(render_page(
        &state,
        "import.html",
        lang,
        &browser.user,
        "import",
        json!({ "presets": presets(&state) }),
    ))
    .into_response()
}

async fn preview(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    multipart: Multipart,
) -> Response {
    let result = async {
        let upload = receive(&state, &browser.actor, multipart).await?;
        let options = ImportOptions {
            preset: upload
                .field("preset")
                .unwrap_or("generic-contacts")
                .to_string(),
            ..ImportOptions::default()
        };
        let preview =
            state
                .app
                .preview_import(&browser.actor, &upload.path, &options, PREVIEW_ROWS);
        Ok::<_, ApiError>((upload, options, preview))
    };
    match result.await {
        Ok((upload, options, Ok(preview))) => {
            let rows: Vec<Value> = preview
                .rows
                .iter()
                .map(|(row, outcome)| match outcome {
                    Ok(record) => json!({"row": row, "ok": true, "values": preview.columns.iter().filter_map(|(_, field)| field.as_ref()).filter_map(|field| record.get(field).map(|value| json!({"field": field, "value": display(value)}))).collect::<Vec<_>>()}),
                    Err(issues) => json!({"row": row, "ok": false, "issues": issues.iter().map(|issue| format!("{}: {}", issue.column, issue.reason)).collect::<Vec<_>>()}),
                })
                .collect();
            let file_name = upload
                .path
                .file_name()
                .map(|name| name.to_string_lossy().to_string())
                .unwrap_or_default();
            Html(render_page(&state, "import_preview.html", lang, &browser.user, "import", json!({ "original_name": upload.original_name, "upload": file_name, "preset": options.preset, "detected": preview.detected, "entity": preview.entity,
                "columns": preview.columns.iter().map(|(column, field)| json!({"column": column, "field": field })).collect::<Vec<_>>(),
                "rows": rows, "dry_run": matches!(upload.field("dry_run"), Some("on" | "true")),
            })))
            .into_response()
        }
        Ok((upload, _, Err(error))) => {
            let _ = std::fs::remove_file(&upload.path);
            error_page(&state, lang, error.into())
        }
        Err(error) => error_page(&state, lang, error),
    }
}

#[derive(Deserialize)]
struct StartForm {
    upload: String,
    preset: String,
    original_name: String,
    dry_run: Option<String>,
}

async fn start(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Form(form): Form<StartForm>,
) -> Response {
    // Only a bare name from our own uploads directory: never a path the browser chose.
    if form.upload.contains(['/', '\\']) || form.upload.starts_with('.') {
        return error_page(
            &state,
            lang,
            app::Error::BadRequest("not an upload of this server".into()).into(),
        );
    }
    let dir = state
        .app
        .config()
        .uploads_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("fundament-uploads"));
    let path: PathBuf = dir.join(&form.upload);
    if !path.is_file() {
        return error_page(
            &state,
            lang,
            app::Error::NotFound {
                kind: "upload".into(),
                id: form.upload,
            }
            .into(),
        );
    }
    let options = ImportOptions {
        preset: form.preset,
        dry_run: form.dry_run.is_some(),
        display_name: Some(form.original_name),
        ..ImportOptions::default()
    };
    match state
        .app
        .enqueue_import(&browser.actor, &path, &options)
        .await
    {
        Ok(id) => Redirect::to(&format!("/import/jobs/{id}")).into_response(),
        Err(error) => error_page(&state, lang, error.into()),
    }
}

async fn job(
    lang: Lang,
    State(state): State<AppState>,
    browser: Browser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        browser.actor.require(app::Permission::Import)?;
        let id = Id::parse(&id).map_err(|error| app::Error::BadRequest(error.to_string()))?;
        state.app.job(id).await
    };
    match result.await {
        Ok(job) => {
            let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
            Html(render_page(
                &state,
                "import_job.html",
                lang,
                &browser.user,
                "import",
                json!({ "job": job_json(&job), "running": running, }),
            ))
            .into_response()
        }
        Err(error) => error_page(&state, lang, error.into()),
    }
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(object) if object.contains_key("amount") => format!(
            "{} {}",
            display(&object["amount"]),
            display(&object["currency"])
        ),
        other => other.to_string(),
    }
}
