//! The audit log: the newest entries, and verification of the chain.

use app::AuditVerification;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(entries))
        .route("/api/v1/audit/verify", get(verify))
}

#[derive(Deserialize)]
struct AuditParams {
    limit: Option<i64>,
    entity_id: Option<String>,
}

async fn entries(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<Value>> {
    let limit = params.limit.unwrap_or(100).clamp(1, 1000);
    let entries = state
        .app
        .audit_entries(&actor, limit, params.entity_id.as_deref())
        .await?;
    let items: Vec<Value> = entries
        .iter()
        .map(|entry| json!({"seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id}))
        .collect();
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

async fn verify(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Value>> {
    Ok(Json(match state.app.verify_audit(&actor).await? {
        AuditVerification::Intact { entries } => json!({"intact": true, "entries": entries}),
        AuditVerification::Broken { seq, reason } => {
            json!({"intact": false, "seq": seq, "reason": reason})
        }
    }))
}
