//! Channels customers write in, each verified as its platform documents
//! and answered through `app::App::converse`: the website widget and the
//! messengers' webhooks (Telegram, WhatsApp, VK). The REST channel is in
//! `api::bots`.

mod messengers;
mod widget;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(widget::router())
        .merge(messengers::router())
}
