//! The VK fake: `messages.send` (§7.4) with the token and version as parameters, 20
//! requests a second per token, `random_id` deduplication (a repeat is dropped and answered
//! with the first message's id), and the `{"error":{…}}` answers with HTTP 200. Builders
//! of Callback API events (§7.1, §7.2).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value, json};

use super::{Server, lock, parameters, text_of};
use crate::config::{Platform, Secret};
use crate::vk::{Config, DEFAULT_VERSION};

/// How a fake VK starts.
#[derive(Clone, Debug)]
pub struct VkSetup {
    pub access_token: String,
    pub group_id: i64,
    /// The Callback API secret key [`FakeVk::config`] carries.
    pub secret: String,
    pub confirmation: String,
    /// §7.4: 20 requests per second per community token.
    pub requests_per_second: usize,
}

impl Default for VkSetup {
    fn default() -> Self {
        VkSetup {
            access_token: "vk1.a.fake-community-token".to_string(),
            group_id: 12345,
            secret: "MySecret".to_string(),
            confirmation: "1a2b3c4d".to_string(),
            requests_per_second: 20,
        }
    }
}

/// A message the fake accepted (a dropped repeat is not one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VkSent {
    pub peer_id: String,
    pub random_id: i64,
    pub message: String,
    pub message_id: i64,
    pub at: Instant,
}

/// A running fake VK API.
pub struct FakeVk {
    server: Server,
    shared: Arc<Shared>,
}

struct Shared {
    setup: VkSetup,
    book: Mutex<Book>,
}

#[derive(Default)]
struct Book {
    sent: Vec<VkSent>,
    /// random_id → the message id it was answered with.
    seen: HashMap<i64, i64>,
    dropped_repeats: usize,
    injected: VecDeque<i64>,
    refused_by_limit: usize,
    requests: usize,
    second: VecDeque<Instant>,
    message_id: i64,
}

impl FakeVk {
    /// Starts with [`VkSetup::default`].
    pub async fn start() -> io::Result<FakeVk> {
        FakeVk::start_with(VkSetup::default()).await
    }

    pub async fn start_with(setup: VkSetup) -> io::Result<FakeVk> {
        let shared = Arc::new(Shared {
            setup,
            book: Mutex::new(Book::default()),
        });
        let app = Router::new()
            .route("/messages.send", any(send))
            .with_state(Arc::clone(&shared));
        Ok(FakeVk {
            server: Server::start(app).await?,
            shared,
        })
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A configuration reaching this fake with its community, token, secret key and
    /// confirmation string.
    pub fn config(&self) -> Config {
        let setup = &self.shared.setup;
        Config {
            group_id: setup.group_id,
            secret: Some(Secret::new(setup.secret.clone())),
            confirmation: setup.confirmation.clone(),
            access_token: Secret::new(setup.access_token.clone()),
            api_base: self.base_url(),
            version: DEFAULT_VERSION.to_string(),
        }
    }

    pub fn platform(&self) -> Platform {
        Platform::Vk(self.config())
    }

    /// Messages accepted, in arrival order.
    pub fn sent(&self) -> Vec<VkSent> {
        self.book().sent.clone()
    }

    /// Sends dropped because their `random_id` was already used.
    pub fn dropped_repeats(&self) -> usize {
        self.book().dropped_repeats
    }

    /// Requests refused by the 20-per-second limit.
    pub fn refused_by_limit(&self) -> usize {
        self.book().refused_by_limit
    }

    /// Requests received, whatever their answer.
    pub fn requests(&self) -> usize {
        self.book().requests
    }

    /// Answers the next `times` requests with VK error `code` (6: too many requests per
    /// second, 9: flood control, 10: internal error …), sending nothing.
    pub fn error_next(&self, times: usize, code: i64) {
        self.book()
            .injected
            .extend(std::iter::repeat_n(code, times));
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.shared.book)
    }
}

async fn send(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let mut book = lock(&shared.book);
    book.requests += 1;
    let Some(parameters) = parameters(&headers, query.as_deref(), &body) else {
        return error(8, "Invalid request: could not read the parameters", None);
    };
    let version = text_of(&parameters, "v");
    if text_of(&parameters, "access_token").as_deref() != Some(shared.setup.access_token.as_str()) {
        return error(
            5,
            "User authorization failed: invalid access_token (4).",
            version.as_deref(),
        );
    }
    let Some(version) = version else {
        return error(8, "Invalid request: v (version) is required", None);
    };
    if let Some(code) = book.injected.pop_front() {
        return error(code, injected_message(code), Some(&version));
    }
    while book
        .second
        .front()
        .is_some_and(|&at| now.duration_since(at) >= Duration::from_secs(1))
    {
        book.second.pop_front();
    }
    if book.second.len() >= shared.setup.requests_per_second {
        book.refused_by_limit += 1;
        return error(6, "Too many requests per second", Some(&version));
    }
    book.second.push_back(now);
    let Some(peer_id) = text_of(&parameters, "peer_id").filter(|peer| peer.parse::<i64>().is_ok())
    else {
        return error(
            100,
            "One of the parameters specified was missing or invalid: peer_id",
            Some(&version),
        );
    };
    let Some(random_id) = text_of(&parameters, "random_id").and_then(|id| id.parse::<i64>().ok())
    else {
        return error(
            100,
            "One of the parameters specified was missing or invalid: random_id is undefined",
            Some(&version),
        );
    };
    let message = text_of(&parameters, "message").unwrap_or_default();
    if message.trim().is_empty() || message.chars().count() > 9000 {
        return error(
            100,
            "One of the parameters specified was missing or invalid: message",
            Some(&version),
        );
    }
    // §7.4: a repeated random_id is dropped; the answer names the message already sent.
    if let Some(&message_id) = book.seen.get(&random_id) {
        book.dropped_repeats += 1;
        return answer(json!({ "response": message_id }));
    }
    book.message_id += 1;
    let message_id = book.message_id;
    book.seen.insert(random_id, message_id);
    book.sent.push(VkSent {
        peer_id,
        random_id,
        message,
        message_id,
        at: now,
    });
    answer(json!({ "response": message_id }))
}

fn injected_message(code: i64) -> &'static str {
    match code {
        6 => "Too many requests per second",
        9 => "Flood control",
        10 => "Internal server error",
        901 => "Can't send messages for users without permission",
        _ => "Injected error",
    }
}

/// §7.4's error envelope; `request_params` never echoes the token.
fn error(code: i64, message: &str, version: Option<&str>) -> Response {
    let mut params = vec![json!({ "key": "method", "value": "messages.send" })];
    if let Some(version) = version {
        params.push(json!({ "key": "v", "value": version }));
    }
    answer(
        json!({ "error": { "error_code": code, "error_msg": message, "request_params": params } }),
    )
}

/// VK answers API calls with 200 whatever happened.
fn answer(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The `confirmation` event VK POSTs when the server is confirmed (§7.1).
pub fn vk_confirmation_event(group_id: i64, secret: Option<&str>) -> Value {
    let mut event = Map::new();
    event.insert("type".into(), json!("confirmation"));
    event.insert("group_id".into(), json!(group_id));
    if let Some(secret) = secret {
        event.insert("secret".into(), json!(secret));
    }
    Value::Object(event)
}

/// A `message_new` event shaped like §7.2's example: `text` from user `from_id` in
/// `peer_id` (the user's id for a private dialogue).
pub fn vk_message_event(
    group_id: i64,
    secret: Option<&str>,
    event_id: &str,
    peer_id: i64,
    conversation_message_id: i64,
    text: &str,
) -> Value {
    let from_id = if peer_id >= 2_000_000_000 {
        111
    } else {
        peer_id
    };
    let mut event = json!({
        "type": "message_new",
        "event_id": event_id,
        "v": DEFAULT_VERSION,
        "group_id": group_id,
        "object": {
            "message": {
                "id": conversation_message_id + 1000, "date": 1732700000, "peer_id": peer_id, "from_id": from_id,
                "text": text, "conversation_message_id": conversation_message_id,
                "attachments": [], "fwd_messages": [],
            },
            "client_info": {
                "button_actions": ["text", "vkpay", "open_app", "location", "open_link", "callback"],
                "keyboard": true, "inline_keyboard": true, "carousel": true, "lang_id": 0,
            },
        },
    });
    if let Some(secret) = secret {
        event["secret"] = json!(secret);
    }
    event
}
