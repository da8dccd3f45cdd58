//! # server
//!
//! fundament over HTTP: the JSON API under `/api/v1`, its OpenAPI document
//! and reference page, health and Prometheus endpoints, and the
//! server-rendered web UI (Russian and English) with every asset served by
//! the binary — no CDN.
//!
//! Handlers are thin: they authenticate, turn the request into an `app`
//! call and render the result. Errors leave as JSON `{code, message,
//! details}` with a stable code per [`app::Error`] variant.
//!
//! This crate does not touch the database directly and holds no business rules.
//!
//! ```no_run
//! # async fn demo(app: app::App) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! server::serve(listener, server::AppState::new(app), std::future::pending()).await
//! # }
//! ```

mod api;
mod auth;
mod channels;
mod error;
mod metrics;
mod openapi;
mod state;
mod ui;

pub use state::AppState;

use std::future::Future;

use axum::Router;

/// Every route of the product.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(ui::router())
        .merge(channels::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
