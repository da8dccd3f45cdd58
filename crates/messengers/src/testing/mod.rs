//! Local stand-ins for the three platforms, for this crate's tests and the server's: one
//! axum server per platform on `127.0.0.1:0`, speaking the endpoints [`crate::Client`] and
//! [`crate::telegram::poll`] use with the request checks, answers, limits and error bodies
//! of crm-apis.md §5–8, plus builders of the webhook deliveries each platform sends.
//!
//! Each fake checks auth, records what it delivered, enforces the platform's documented
//! limit with its documented refusal, and can be told to refuse the next requests
//! (rate limits, server errors). It is not a messenger: no users, chats or history beyond
//! what the checks need.

mod telegram;
mod vk;
mod whatsapp;

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::http::{HeaderMap, header};
use reqwest::Url;
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use telegram::{
    FakeTelegram, TELEGRAM_JITTER_ALLOWANCE, TELEGRAM_SECRET_TOKEN, TelegramSent, TelegramSetup,
    telegram_callback_update, telegram_contact_update, telegram_text_update, telegram_webhook,
};
pub use vk::{FakeVk, VkSent, VkSetup, vk_confirmation_event, vk_message_event};
pub use whatsapp::{
    FakeWhatsApp, WhatsAppSent, WhatsAppSetup, whatsapp_delivery, whatsapp_status_notification,
    whatsapp_text_notification,
};

/// A webhook delivery as the platform would POST it: the exact body bytes and the one
/// header that authenticates them (absent for VK, whose secret is in the body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub body: Vec<u8>,
    /// Header name and value, e.g. `("X-Hub-Signature-256", "sha256=…")`.
    pub header: Option<(&'static str, String)>,
}

/// A fake's HTTP server; stops when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Server {
    /// Serves `app` on a free loopback port.
    pub(crate) async fn start(app: Router) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, signal) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
        });
        Ok(Server {
            addr,
            shutdown: Some(shutdown),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not make the fake unusable for the assertions after it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A request's parameters as the platforms accept them: the query string, then a JSON or
/// form-encoded body, later ones winning. `None` if the body cannot be read as its type.
pub(crate) fn parameters(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Option<Map<String, Value>> {
    let mut parameters = Map::new();
    if let Some(query) = query {
        parameters.extend(form_pairs(query));
    }
    if body.is_empty() {
        return Some(parameters);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body).ok()? {
            Value::Object(object) => parameters.extend(object),
            _ => return None,
        }
    } else {
        parameters.extend(form_pairs(std::str::from_utf8(body).ok()?));
    }
    Some(parameters)
}

/// Decodes `a=1&b=x+y` as browsers and reqwest encode forms.
fn form_pairs(encoded: &str) -> HashMap<String, Value> {
    Url::parse(&format!("http://form.invalid/?{encoded}"))
        .map(|url| {
            url.query_pairs()
                .map(|(key, value)| (key.into_owned(), Value::String(value.into_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// A parameter as text, whether it came as a JSON number or string.
pub(crate) fn text_of(parameters: &Map<String, Value>, key: &str) -> Option<String> {
    match parameters.get(key)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode_like_browsers_encode_them() {
        let pairs = form_pairs(
            "peer_id=2000000001&message=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%D0%BC%D0%B8%D1%80",
        );
        assert_eq!(pairs["peer_id"], Value::String("2000000001".into()));
        assert_eq!(pairs["message"], Value::String("Привет мир".into()));
    }
}
