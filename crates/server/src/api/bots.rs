//! The bots over HTTP: the generic REST channel (a customer's message in,
//! the bot's answers out) and the conversations managers take over.

use app::{Inbound, Reply};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::records::parse_id;
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/bots", get(bots))
        .route("/api/v1/bots/{bot}/messages", post(message))
        .route("/api/v1/conversations", get(conversations))
        .route("/api/v1/conversations/{id}/release", post(release))
        .route("/api/v1/conversations/{id}/messages", post(manager_message))
        .route("/api/v1/bots/{bot}/quality", get(quality))
        .route("/api/v1/bots/{bot}/reviews", get(reviews))
        .route("/api/v1/bots/{bot}/training-data", get(training_data))
        .route("/api/v1/reviews/{id}", post(correct))
        .route("/api/v1/bots/{bot}/calls", post(call))
}

/// A telephony system posts a transcribed call.
async fn call(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(bot): Path<String>,
    Json(call): Json<app::Call>,
) -> ApiResult<Json<app::CallReport>> {
    Ok(Json(state.app.take_call(&actor, &bot, &call).await?))
}

async fn quality(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(bot): Path<String>,
) -> ApiResult<Json<app::BotQuality>> {
    Ok(Json(state.app.bot_quality(&actor, &bot).await?))
}

#[derive(Deserialize)]
struct ReviewListing {
    status: Option<String>,
}

pub fn review_json(r: &app::ReviewRow) -> Value {
    json!({
        "id": r.id.to_string(),
        "conversation_id": r.conversation_id.to_string(),
        "text": r.text,
        "intent": r.intent,
        "confidence": r.confidence,
        "entities": serde_json::from_str::<Value>(&r.entities).unwrap_or(Value::Null),
        "status": r.status,
        "corrected_intent": r.corrected_intent,
        "corrected_entities": r.corrected_entities.as_deref().and_then(|e| serde_json::from_str::<Value>(e).ok()),
        "reviewed_by": r.reviewed_by,
        "created_at": r.created_at,
    })
}

async fn reviews(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(bot): Path<String>,
    Query(listing): Query<ReviewListing>,
) -> ApiResult<Json<Value>> {
    let status = listing.status.as_deref().unwrap_or("pending");
    let rows = state.app.reviews(&actor, &bot, status).await?;
    Ok(Json(
        json!({ "items": rows.iter().map(review_json).collect::<Vec<_>>() }),
    ))
}

async fn correct(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(correction): Json<app::Correction>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    state.app.correct_review(&actor, id, correction).await?;
    Ok(Json(json!({ "id": id.to_string() })))
}

async fn training_data(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(bot): Path<String>,
) -> ApiResult<impl axum::response::IntoResponse> {
    let yaml = state.app.training_data(&actor, &bot).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/yaml; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{bot}-corrections.yml\""),
            ),
        ],
        yaml,
    ))
}

async fn bots(State(state): State<AppState>, Authenticated(_): Authenticated) -> Json<Value> {
    Json(json!({ "bots": state.app.bots().names() }))
}

#[derive(Deserialize)]
struct Message {
    /// The chat within the caller's system.
    chat: String,
    text: String,
    /// The caller's id of this message: sending it again changes nothing.
    message_id: Option<String>,
    #[serde(default)]
    profile: Map<String, Value>,
}

async fn message(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(bot): Path<String>,
    Json(message): Json<Message>,
) -> ApiResult<Json<Reply>> {
    let inbound = Inbound {
        bot,
        channel: "rest".into(),
        chat: checked_chat(&message.chat)?,
        delivery_id: message.message_id,
        text: checked_text(&message.text)?,
        profile: message.profile,
    };
    Ok(Json(state.app.converse(&actor, &inbound).await?))
}

/// A chat id names a conversation: short, printable, no spaces.
pub fn checked_chat(chat: &str) -> Result<String, ApiError> {
    let ok = (1..=128).contains(&chat.len())
        && chat
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '+' | '@'));
    if ok {
        Ok(chat.to_string())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_request",
            "chat: 1 to 128 characters of letters, digits and - _ : . + @",
        ))
    }
}

/// A message a customer typed: not empty, not a document.
pub fn checked_text(text: &str) -> Result<String, ApiError> {
    let length = text.chars().count();
    if text.trim().is_empty() || length > 4000 {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_request",
            "text: a message of 1 to 4000 characters",
        ));
    }
    Ok(text.to_string())
}

#[derive(Deserialize)]
struct Listing {
    status: Option<String>,
    limit: Option<i64>,
}

async fn conversations(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Query(listing): Query<Listing>,
) -> ApiResult<Json<Value>> {
    let rows = state
        .app
        .conversations(
            &actor,
            listing.status.as_deref(),
            listing.limit.unwrap_or(100).clamp(1, 1000),
        )
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|c| {
            json!({
                "id": c.id.to_string(),
                "bot": c.bot,
                "channel": c.channel,
                "chat": c.chat,
                "contact_id": c.contact_id.map(|id| id.to_string()),
                "status": c.status,
                "handoff_reason": c.handoff_reason,
                "sla_deadline": c.sla_deadline,
                "updated_at": c.updated_at,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct ManagerMessage {
    text: String,
}

async fn manager_message(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(message): Json<ManagerMessage>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    state.app.manager_reply(&actor, id, &message.text).await?;
    Ok(Json(json!({ "id": id.to_string() })))
}

async fn release(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id)?;
    state.app.release_conversation(&actor, id).await?;
    Ok(Json(json!({ "id": id.to_string(), "status": "bot" })))
}
