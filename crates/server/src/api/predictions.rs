//! Predictions over HTTP: a deal's score with its reasons and action, the
//! "call first" list, and the model registry (train, promote, rescore).

use app::{CallFirst, DealScore, ModelSummary};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::records::parse_id;
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/scores/deals/{id}", get(deal_score))
        .route("/api/v1/call-first", get(call_first))
        .route("/api/v1/scores/contacts/{id}", get(churn_score))
        .route("/api/v1/offers/contacts/{id}", get(offers))
        .route("/api/v1/models", get(models))
        .route("/api/v1/models/train", post(train))
        .route("/api/v1/models/score", post(rescore))
        .route("/api/v1/models/drift", get(drift))
        .route("/api/v1/models/{id}/promote", post(promote))
}

#[derive(Deserialize)]
struct LangParams {
    lang: Option<String>,
    limit: Option<usize>,
}

impl LangParams {
    fn russian(&self) -> bool {
        self.lang.as_deref() != Some("en")
    }
}

pub fn score_json(score: &DealScore, russian: bool) -> Value {
    json!({
        "deal_id": score.deal_id,
        "probability": score.probability,
        "interval": score.interval,
        "reasons": score.reasons(russian),
        "factors": score.factors,
        "action": {"code": score.action.code(), "text": score.action.text(russian)},
        "model_id": score.model_id,
        "scored_at": score.scored_at,
    })
}

async fn deal_score(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(params): Query<LangParams>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    match state.app.deal_score(&actor, id).await? {
        Some(score) => Ok(Json(score_json(&score, params.russian()))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_scored",
            "this deal has no score: it is closed, or no model is active yet",
        )),
    }
}

fn call_first_json(item: &CallFirst, russian: bool) -> Value {
    json!({"deal": item.deal, "title": item.title, "score": score_json(&item.score, russian)})
}

async fn call_first(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(params): Query<LangParams>,
) -> ApiResult<Json<Value>> {
    let limit = params.limit.unwrap_or(20).clamp(1, 200);
    let items = state.app.call_first(&actor, limit).await?;
    Ok(Json(
        json!({"items": items.iter().map(|i| call_first_json(i, params.russian())).collect::<Vec<_>>()}),
    ))
}

async fn models(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Value>> {
    let models: Vec<ModelSummary> = state.app.models(&actor).await?;
    Ok(Json(json!({"items": models})))
}

async fn train(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<(StatusCode, Json<ModelSummary>)> {
    let model = state.app.train_lead_model(&actor).await?;
    Ok((StatusCode::CREATED, Json(model)))
}

async fn rescore(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Value>> {
    let scored = state.app.score_open_deals(&actor).await?;
    Ok(Json(json!({"scored": scored})))
}

async fn promote(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.promote_model(&actor, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn drift(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<app::DriftReport>> {
    Ok(Json(state.app.drift(&actor).await?))
}

async fn offers(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let offers = state.app.next_best_offers(&actor, parse_id(&id)?).await?;
    Ok(Json(json!({"items": offers})))
}

async fn churn_score(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(params): Query<LangParams>,
) -> ApiResult<Json<app::ChurnScore>> {
    match state
        .app
        .churn_score(&actor, parse_id(&id)?, params.russian())
        .await?
    {
        Some(score) => Ok(Json(score)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_scored",
            "this contact has no churn score: no purchases yet, or no churn model is active",
        )),
    }
}
