//! Webhooks of the messengers, each checked as its platform documents
//! (Telegram's secret token header, WhatsApp's `X-Hub-Signature-256` over
//! the raw body and its verification handshake, VK's `secret` field and
//! confirmation string) before anything is read. A forged delivery is
//! refused and changes nothing; a repeated one is answered 200 and changes
//! nothing (the delivery id was seen). The message is in the store before
//! the platform hears 200; the bot's replies leave through the job queue.
//! A failure of the store answers 500, so the platform delivers again.

use std::collections::HashMap;

use app::messengers::{Messenger, Platform, telegram, vk, whatsapp};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/channels/telegram/{bot}", post(telegram_webhook))
        .route(
            "/channels/whatsapp/{bot}",
            post(whatsapp_webhook).get(whatsapp_handshake),
        )
        .route("/channels/vk/{bot}", post(vk_callback))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn no_channel(bot: &str, messenger: Messenger) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("no {messenger} channel for a bot named {bot}"),
    )
        .into_response()
}

fn refused(bot: &str, messenger: Messenger, error: &app::messengers::Error) -> Response {
    // The reason, never the body: it may hold a customer's message.
    tracing::warn!(bot = %bot, messenger = %messenger, reason = %error, "Webhook delivery refused.");
    let status = if error.is_forbidden() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::BAD_REQUEST
    };
    (status, error.to_string()).into_response()
}

/// Answers one message; only a store failure asks the platform to retry.
async fn answer(
    state: &AppState,
    bot: &str,
    messenger: Messenger,
    incoming: app::messengers::Incoming,
) -> Result<(), Response> {
    match state.app.converse_in(bot, messenger, incoming).await {
        Ok(()) => Ok(()),
        Err(app::Error::Store(error)) => {
            tracing::error!(bot = %bot, messenger = %messenger, error = %error, "Message not stored; the platform will deliver it again.");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Err(error) => {
            // Delivering it again would fail the same way.
            tracing::warn!(bot = %bot, messenger = %messenger, error = %error, "Message not answered.");
            Ok(())
        }
    }
}

async fn telegram_webhook(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(Platform::Telegram(config)) = state.app.channel(&bot, Messenger::Telegram) else {
        return no_channel(&bot, Messenger::Telegram);
    };
    if let Err(error) = telegram::verify(config, header(&headers, telegram::SECRET_HEADER)) {
        return refused(&bot, Messenger::Telegram, &error);
    }
    match telegram::parse_update(&body) {
        Ok(Some(incoming)) => match answer(&state, &bot, Messenger::Telegram, incoming).await {
            Ok(()) => StatusCode::OK.into_response(),
            Err(response) => response,
        },
        Ok(None) => StatusCode::OK.into_response(),
        Err(error) => refused(&bot, Messenger::Telegram, &error),
    }
}

async fn whatsapp_handshake(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(Platform::WhatsApp(config)) = state.app.channel(&bot, Messenger::WhatsApp) else {
        return no_channel(&bot, Messenger::WhatsApp);
    };
    let get = |name: &str| query.get(name).map(String::as_str);
    match whatsapp::handshake(
        config,
        get("hub.mode"),
        get("hub.verify_token"),
        get("hub.challenge"),
    ) {
        Some(challenge) => (StatusCode::OK, challenge).into_response(),
        None => StatusCode::FORBIDDEN.into_response(),
    }
}

async fn whatsapp_webhook(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(Platform::WhatsApp(config)) = state.app.channel(&bot, Messenger::WhatsApp) else {
        return no_channel(&bot, Messenger::WhatsApp);
    };
    if let Err(error) =
        whatsapp::verify(config, &body, header(&headers, whatsapp::SIGNATURE_HEADER))
    {
        return refused(&bot, Messenger::WhatsApp, &error);
    }
    match whatsapp::parse(config, &body) {
        Ok(messages) => {
            for incoming in messages {
                if let Err(response) = answer(&state, &bot, Messenger::WhatsApp, incoming).await {
                    return response;
                }
            }
            StatusCode::OK.into_response()
        }
        Err(error) => refused(&bot, Messenger::WhatsApp, &error),
    }
}

async fn vk_callback(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    body: Bytes,
) -> Response {
    let Some(Platform::Vk(config)) = state.app.channel(&bot, Messenger::Vk) else {
        return no_channel(&bot, Messenger::Vk);
    };
    match vk::parse(config, &body) {
        Ok(vk::Event::Confirmation) => {
            (StatusCode::OK, config.confirmation.clone()).into_response()
        }
        Ok(vk::Event::Message(incoming)) => {
            match answer(&state, &bot, Messenger::Vk, incoming).await {
                Ok(()) => (StatusCode::OK, vk::OK_REPLY).into_response(),
                Err(response) => response,
            }
        }
        Ok(vk::Event::Other) => (StatusCode::OK, vk::OK_REPLY).into_response(),
        Err(error) => refused(&bot, Messenger::Vk, &error),
    }
}
