//! The JSON API: `/api/v1/<collection>` for every entity kind, imports and
//! jobs, the audit log, plus health, metrics and the OpenAPI document.

mod audit;
pub(crate) mod bots;
pub(crate) mod imports;
mod master;
mod predictions;
pub(crate) use predictions::score_json;
mod meta;
mod nlu;
mod records;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::AppState;

/// The largest JSON body the API accepts.
pub const MAX_JSON_BODY: usize = 4 * 1024 * 1024;

/// The API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(records::router())
        .merge(master::router())
        .merge(predictions::router())
        .merge(nlu::router())
        .merge(bots::router())
        .merge(audit::router())
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .merge(imports::router())
        .merge(meta::router())
}
