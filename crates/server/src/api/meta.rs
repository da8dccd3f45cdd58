//! Health, readiness, metrics and the API's own description.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route(
            "/api/openapi.json",
            get(|| async { Json(crate::openapi::document()) }),
        )
        .route("/api/docs", get(docs))
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.app.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

async fn docs(State(state): State<AppState>) -> Html<String> {
    Html(crate::ui::render(
        &state,
        "docs.html",
        serde_json::json!({ "spec": crate::openapi::document(), "lang": "en" }),
    ))
}
