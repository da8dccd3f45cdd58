//! Master data over HTTP: the duplicates queue with field weights, merges
//! into golden records with lineage, undo, and the readiness report.

use app::{CandidatePair, Merge};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::records::{kind_of, parse_id};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/{collection}/duplicates", get(duplicates))
        .route("/api/v1/{collection}/merge", post(merge))
        .route("/api/v1/{collection}/distinct", post(distinct))
        .route("/api/v1/{collection}/match", post(match_record))
        .route("/api/v1/merges/{id}", get(read_merge))
        .route("/api/v1/merges/{id}/undo", post(undo))
        .route("/api/v1/readiness", get(readiness))
}

#[derive(Deserialize)]
struct QueueParams {
    threshold: Option<f64>,
    limit: Option<usize>,
}

pub fn pair_json(pair: &CandidatePair) -> Value {
    json!({
        "a": pair.a.to_json(),
        "b": pair.b.to_json(),
        "match_probability": pair.probability,
        "fields": pair.fields.iter().map(|f| json!({"field": f.field, "level": f.level, "weight": f.weight})).collect::<Vec<_>>(),
    })
}

pub fn merge_json(merge: &Merge) -> Value {
    json!({
        "id": merge.id.to_string(),
        "kind": merge.kind.as_str(),
        "golden_id": merge.golden_id.to_string(),
        "members": merge.members.iter().map(domain::Record::to_json).collect::<Vec<_>>(),
        "lineage": merge.lineage.iter().map(|l| json!({"field": l.field, "value": l.value, "from": l.from.iter().map(ToString::to_string).collect::<Vec<_>>(), "rule": l.rule})).collect::<Vec<_>>(),
        "moved_references": merge.moved.iter().map(|(kind, id, field, from)| json!({"kind": kind.as_str(), "id": id.to_string(), "field": field, "from": from.to_string()})).collect::<Vec<_>>(),
        "created_at": merge.created_at,
        "created_by": merge.created_by,
        "undone_at": merge.undone_at,
        "undone_by": merge.undone_by,
    })
}

async fn duplicates(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    Query(params): Query<QueueParams>,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&collection)?;
    let threshold = params.threshold.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "threshold must be between 0 and 1",
        ));
    }
    let limit = params.limit.unwrap_or(50).clamp(1, 500);
    let pairs = state
        .app
        .duplicate_candidates(&actor, kind, threshold, limit)
        .await?;
    Ok(Json(
        json!({"items": pairs.iter().map(pair_json).collect::<Vec<_>>()}),
    ))
}

fn ids_of(body: &Value, key: &str) -> ApiResult<Vec<domain::Id>> {
    let list = body.get(key).and_then(Value::as_array).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("`{key}` must be a list of record ids"),
        )
    })?;
    list.iter()
        .map(|v| {
            v.as_str()
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!("`{key}` holds a non-string"),
                    )
                })
                .and_then(parse_id)
        })
        .collect()
}

async fn merge(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    body: Json<Value>,
) -> ApiResult<impl IntoResponse> {
    let kind = kind_of(&collection)?;
    let ids = ids_of(&body.0, "ids")?;
    let merge = state.app.merge_records(&actor, kind, &ids).await?;
    Ok((StatusCode::CREATED, Json(merge_json(&merge))))
}

async fn distinct(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    body: Json<Value>,
) -> ApiResult<StatusCode> {
    let kind = kind_of(&collection)?;
    let ids = ids_of(&body.0, "ids")?;
    let [a, b] = ids[..] else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "`ids` must hold exactly two record ids",
        ));
    };
    state.app.mark_distinct(&actor, kind, a, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The existing records a new one probably is, without storing it.
async fn match_record(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(collection): Path<String>,
    body: Json<Value>,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&collection)?;
    let raw = body.0.as_object().cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the body must be a JSON object",
        )
    })?;
    let found = state.app.match_record(&actor, kind, &raw).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|m| json!({
            "record": m.record.to_json(),
            "match_probability": m.probability,
            "fields": m.fields.iter().map(|f| json!({"field": f.field, "level": f.level, "weight": f.weight})).collect::<Vec<_>>(),
        }))
        .collect();
    Ok(Json(json!({"items": items})))
}

async fn read_merge(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(merge_json(
        &state.app.merge(&actor, parse_id(&id)?).await?,
    )))
}

async fn undo(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(merge_json(
        &state.app.undo_merge(&actor, parse_id(&id)?).await?,
    )))
}

async fn readiness(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Value>> {
    let report = state.app.readiness(&actor).await?;
    Ok(Json(serde_json::to_value(&report).map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    })?))
}
