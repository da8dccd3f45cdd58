//! `POST /model/parse`: Rasa's endpoint, so a Rasa client (or a bot
//! framework that calls Rasa NLU) can point at fundament unchanged.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiResult;

pub fn router() -> Router<AppState> {
    Router::new().route("/model/parse", post(parse))
}

#[derive(Deserialize)]
struct Message {
    text: String,
}

async fn parse(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Json(message): Json<Message>,
) -> ApiResult<Json<app::MessageParse>> {
    Ok(Json(state.app.parse_message(&actor, &message.text)?))
}
