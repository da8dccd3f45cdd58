//! The Telegram fake: `/bot<token>/sendMessage` and `/bot<token>/getUpdates` (JSON, form or
//! query parameters, §5.1), the `{"ok":false,"error_code",…}` answers, 429 with
//! `parameters.retry_after` past the per-chat and global limits (§5.6), and `getUpdates`
//! offsets confirming updates (§5.5). Builders of `Update` JSON and webhook deliveries.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

use super::{Delivery, Server, lock, parameters, text_of};
use crate::config::{Platform, Secret};
use crate::telegram::{Config, SECRET_HEADER};

/// The `secret_token` [`FakeTelegram::config`] sets, for webhook deliveries.
pub const TELEGRAM_SECRET_TOKEN: &str = "fake-webhook-secret_1";
/// Longest a `getUpdates` is held open, whatever its `timeout`, to keep tests short.
const LONGEST_POLL: Duration = Duration::from_secs(3);
/// Requests leave the client spaced by its interval but may arrive closer together (a
/// busy test machine delays some more than others); the fake calls a gap a flood only
/// below this share of its interval. Telegram itself tolerates short bursts (§5.6).
pub const TELEGRAM_JITTER_ALLOWANCE: f64 = 0.8;

/// How a fake Telegram starts.
#[derive(Clone, Debug)]
pub struct TelegramSetup {
    /// The bot token the fake accepts.
    pub token: String,
    /// Least time between two messages to one chat before a 429 (§5.6: about 1 s).
    pub per_chat_interval: Duration,
    /// Messages accepted in any second across all chats before a 429 (§5.6: about 30).
    pub messages_per_second: usize,
}

impl Default for TelegramSetup {
    fn default() -> Self {
        TelegramSetup {
            token: "123456:TEST-fake-token".to_string(),
            per_chat_interval: Duration::from_secs(1),
            messages_per_second: 30,
        }
    }
}

/// A message the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelegramSent {
    pub chat_id: String,
    pub text: String,
    pub at: Instant,
}

/// A running fake Telegram Bot API.
pub struct FakeTelegram {
    server: Server,
    shared: Arc<Shared>,
}

struct Shared {
    setup: TelegramSetup,
    book: Mutex<Book>,
    /// Wakes long polls when an update is queued.
    arrived: Notify,
}

#[derive(Default)]
struct Book {
    sent: Vec<TelegramSent>,
    updates: VecDeque<Value>,
    injected: VecDeque<Injected>,
    refused_by_limit: usize,
    requests: usize,
    last_by_chat: HashMap<String, Instant>,
    second: VecDeque<Instant>,
    message_id: i64,
}

#[derive(Clone, Copy)]
enum Injected {
    /// Handled normally; lets a refusal be aimed at a later message.
    Pass,
    RateLimited {
        retry_after: u64,
    },
    ServerError,
}

impl FakeTelegram {
    /// Starts with [`TelegramSetup::default`].
    pub async fn start() -> io::Result<FakeTelegram> {
        FakeTelegram::start_with(TelegramSetup::default()).await
    }

    pub async fn start_with(setup: TelegramSetup) -> io::Result<FakeTelegram> {
        let shared = Arc::new(Shared {
            setup,
            book: Mutex::new(Book::default()),
            arrived: Notify::new(),
        });
        let app = Router::new()
            .route("/{bot}/{method}", any(handle))
            .with_state(Arc::clone(&shared));
        Ok(FakeTelegram {
            server: Server::start(app).await?,
            shared,
        })
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A bot configuration reaching this fake: its token, [`TELEGRAM_SECRET_TOKEN`], and
    /// the fake's per-chat interval.
    pub fn config(&self) -> Config {
        Config {
            token: Secret::new(self.shared.setup.token.clone()),
            secret_token: Some(Secret::new(TELEGRAM_SECRET_TOKEN)),
            api_base: self.base_url(),
            per_chat_interval_ms: self.shared.setup.per_chat_interval.as_millis() as u64,
        }
    }

    pub fn platform(&self) -> Platform {
        Platform::Telegram(self.config())
    }

    /// Messages accepted, in arrival order.
    pub fn sent(&self) -> Vec<TelegramSent> {
        self.book().sent.clone()
    }

    /// Messages refused because they broke the per-chat or global limit.
    pub fn refused_by_limit(&self) -> usize {
        self.book().refused_by_limit
    }

    /// Requests received, whatever their answer.
    pub fn requests(&self) -> usize {
        self.book().requests
    }

    /// Answers the next `times` sendMessage calls with 429 and `retry_after`.
    pub fn rate_limit_next(&self, times: usize, retry_after_secs: u64) {
        let injected = Injected::RateLimited {
            retry_after: retry_after_secs,
        };
        self.book()
            .injected
            .extend(std::iter::repeat_n(injected, times));
    }

    /// Answers the next `times` sendMessage calls with 502 Bad Gateway.
    pub fn fail_next(&self, times: usize) {
        self.book()
            .injected
            .extend(std::iter::repeat_n(Injected::ServerError, times));
    }

    /// Accepts the next `accepted` sendMessage calls as usual, then answers `times` with
    /// 502: a reply split in parts that fails halfway.
    pub fn fail_after(&self, accepted: usize, times: usize) {
        let mut book = self.book();
        book.injected
            .extend(std::iter::repeat_n(Injected::Pass, accepted));
        book.injected
            .extend(std::iter::repeat_n(Injected::ServerError, times));
    }

    /// Queues an update for `getUpdates` (build one with [`telegram_text_update`] …).
    pub fn queue_update(&self, update: Value) {
        self.book().updates.push_back(update);
        self.shared.arrived.notify_waiters();
    }

    /// `update_id`s queued and not yet confirmed by an `offset`.
    pub fn pending_update_ids(&self) -> Vec<i64> {
        self.book().updates.iter().map(update_id).collect()
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.shared.book)
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    lock(&shared.book).requests += 1;
    if bot.strip_prefix("bot") != Some(shared.setup.token.as_str()) {
        return failure(StatusCode::UNAUTHORIZED, "Unauthorized", None);
    }
    let Some(parameters) = parameters(&headers, query.as_deref(), &body) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "Bad Request: can't parse request body",
            None,
        );
    };
    match method.as_str() {
        "sendMessage" => send_message(&shared, &parameters),
        "getUpdates" => get_updates(&shared, &parameters).await,
        _ => failure(StatusCode::NOT_FOUND, "Not Found", None),
    }
}

fn send_message(shared: &Shared, parameters: &Map<String, Value>) -> Response {
    let now = Instant::now();
    let mut book = lock(&shared.book);
    match book.injected.pop_front() {
        Some(Injected::RateLimited { retry_after }) => return too_many(retry_after),
        Some(Injected::ServerError) => {
            return failure(StatusCode::BAD_GATEWAY, "Bad Gateway", None);
        }
        Some(Injected::Pass) | None => {}
    }
    let Some(chat_id) = text_of(parameters, "chat_id").filter(|chat| !chat.is_empty()) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "Bad Request: chat_id is empty",
            None,
        );
    };
    let text = text_of(parameters, "text").unwrap_or_default();
    if text.trim().is_empty() {
        return failure(
            StatusCode::BAD_REQUEST,
            "Bad Request: message text is empty",
            None,
        );
    }
    if text.encode_utf16().count() > 4096 {
        return failure(
            StatusCode::BAD_REQUEST,
            "Bad Request: message is too long",
            None,
        );
    }
    let per_chat = shared
        .setup
        .per_chat_interval
        .mul_f64(TELEGRAM_JITTER_ALLOWANCE);
    if let Some(&last) = book.last_by_chat.get(&chat_id)
        && now.duration_since(last) < per_chat
    {
        book.refused_by_limit += 1;
        let left = per_chat - now.duration_since(last);
        return too_many(left.as_secs_f64().ceil().max(1.0) as u64);
    }
    while book
        .second
        .front()
        .is_some_and(|&at| now.duration_since(at) >= Duration::from_secs(1))
    {
        book.second.pop_front();
    }
    if book.second.len() >= shared.setup.messages_per_second {
        book.refused_by_limit += 1;
        return too_many(1);
    }
    book.second.push_back(now);
    book.last_by_chat.insert(chat_id.clone(), now);
    book.message_id += 1;
    let message_id = book.message_id;
    book.sent.push(TelegramSent {
        chat_id: chat_id.clone(),
        text: text.clone(),
        at: now,
    });
    let chat = chat_id
        .parse::<i64>()
        .map_or_else(|_| json!(chat_id), |id| json!(id));
    success(json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": { "id": chat, "type": "private" },
        "text": text,
    }))
}

async fn get_updates(shared: &Shared, parameters: &Map<String, Value>) -> Response {
    let number = |key| text_of(parameters, key).and_then(|value| value.parse::<i64>().ok());
    let offset = number("offset");
    let limit = number("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(number("timeout").unwrap_or(0).max(0) as u64);
    // Registered before looking, so an update queued in between still wakes this poll.
    let arrived = shared.arrived.notified();
    tokio::pin!(arrived);
    arrived.as_mut().enable();
    let mut updates = take(shared, offset, limit);
    if updates.is_empty() && !timeout.is_zero() {
        let _ = tokio::time::timeout(timeout.min(LONGEST_POLL), arrived).await;
        updates = take(shared, offset, limit);
    }
    success(Value::Array(updates))
}

/// §5.5: an `offset` forgets every update before it; a negative one keeps only that many
/// of the latest. Returns up to `limit` of the rest, oldest first.
fn take(shared: &Shared, offset: Option<i64>, limit: usize) -> Vec<Value> {
    let mut book = lock(&shared.book);
    match offset {
        Some(offset) if offset < 0 => {
            let keep = offset.unsigned_abs() as usize;
            while book.updates.len() > keep {
                book.updates.pop_front();
            }
        }
        Some(offset) => book.updates.retain(|update| update_id(update) >= offset),
        None => {}
    }
    book.updates.iter().take(limit).cloned().collect()
}

fn update_id(update: &Value) -> i64 {
    update.get("update_id").and_then(Value::as_i64).unwrap_or(0)
}

fn success(result: Value) -> Response {
    answer(StatusCode::OK, json!({ "ok": true, "result": result }))
}

/// §5.6's 429 body.
fn too_many(retry_after: u64) -> Response {
    failure(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("Too Many Requests: retry after {retry_after}"),
        Some(json!({ "retry_after": retry_after })),
    )
}

/// §5.1's error shape.
fn failure(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body =
        json!({ "ok": false, "error_code": status.as_u16(), "description": description });
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    answer(status, body)
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// A private-chat text message update shaped like §5.3's example (the chat is the user's).
pub fn telegram_text_update(update_id: i64, chat_id: i64, first_name: &str, text: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100_000 + 1,
            "date": unix_now(),
            "from": { "id": chat_id, "is_bot": false, "first_name": first_name, "language_code": "ru" },
            "chat": { "id": chat_id, "type": "private", "first_name": first_name },
            "text": text,
        }
    })
}

/// A pressed inline button (§5.3's `callback_query` example) carrying `data`.
pub fn telegram_callback_update(update_id: i64, chat_id: i64, data: &str) -> Value {
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("cb{update_id}"),
            "from": { "id": chat_id, "is_bot": false, "first_name": "Ann" },
            "message": { "message_id": 43, "chat": { "id": chat_id, "type": "private" }, "date": unix_now() },
            "chat_instance": "-8412000000000000000",
            "data": data,
        }
    })
}

/// A contact message: the user's own card (`request_contact` button) when `own`,
/// otherwise someone else's card they forwarded.
pub fn telegram_contact_update(
    update_id: i64,
    chat_id: i64,
    phone_number: &str,
    own: bool,
) -> Value {
    let card_owner = if own { chat_id } else { chat_id + 1 };
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100_000 + 1,
            "date": unix_now(),
            "from": { "id": chat_id, "is_bot": false, "first_name": "Ann" },
            "chat": { "id": chat_id, "type": "private" },
            "contact": { "phone_number": phone_number, "first_name": "Ann", "user_id": card_owner },
        }
    })
}

/// The webhook POST Telegram would make with `update`, carrying `secret` in
/// [`SECRET_HEADER`] (pass [`TELEGRAM_SECRET_TOKEN`] for [`FakeTelegram::config`]).
pub fn telegram_webhook(update: &Value, secret: Option<&str>) -> Delivery {
    Delivery {
        body: update.to_string().into_bytes(),
        header: secret.map(|secret| (SECRET_HEADER, secret.to_string())),
    }
}
