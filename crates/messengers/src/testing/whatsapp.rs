//! The WhatsApp Cloud API fake: `POST /{phone_number_id}/messages` with a Bearer token and
//! §6.4's text body, answered with §6.4's response and a fresh `wamid`, Graph error
//! envelopes for refusals. Builders of notifications (§6.3) and signed deliveries (§6.2).

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{Delivery, Server, lock};
use crate::config::{Platform, Secret};
use crate::whatsapp::{Config, SIGNATURE_HEADER, signature};

/// How a fake WhatsApp starts.
#[derive(Clone, Debug)]
pub struct WhatsAppSetup {
    pub access_token: String,
    pub phone_number_id: String,
    /// Signs deliveries built by [`FakeWhatsApp::delivery`].
    pub app_secret: String,
    pub verify_token: String,
    /// Messages accepted in any second before a rate-limit refusal. The reference gives
    /// no figure; the client paces at 20 per second.
    pub messages_per_second: usize,
}

impl Default for WhatsAppSetup {
    fn default() -> Self {
        WhatsAppSetup {
            access_token: "EAAG-fake-access-token".to_string(),
            phone_number_id: "106540352242922".to_string(),
            app_secret: "fake-app-secret".to_string(),
            verify_token: "fake-verify-token".to_string(),
            messages_per_second: 20,
        }
    }
}

/// A message the fake accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatsAppSent {
    pub to: String,
    pub body: String,
    /// The `wamid` the fake answered with.
    pub wamid: String,
    /// The whole request body, to check the documented shape.
    pub request: Value,
    pub at: Instant,
}

/// A running fake WhatsApp Cloud API.
pub struct FakeWhatsApp {
    server: Server,
    shared: Arc<Shared>,
}

struct Shared {
    setup: WhatsAppSetup,
    book: Mutex<Book>,
}

#[derive(Default)]
struct Book {
    sent: Vec<WhatsAppSent>,
    injected: VecDeque<Injected>,
    refused_by_limit: usize,
    requests: usize,
    second: VecDeque<Instant>,
    next_id: u64,
}

#[derive(Clone, Copy)]
enum Injected {
    RateLimited,
    ServerError,
}

impl FakeWhatsApp {
    /// Starts with [`WhatsAppSetup::default`].
    pub async fn start() -> io::Result<FakeWhatsApp> {
        FakeWhatsApp::start_with(WhatsAppSetup::default()).await
    }

    pub async fn start_with(setup: WhatsAppSetup) -> io::Result<FakeWhatsApp> {
        let shared = Arc::new(Shared {
            setup,
            book: Mutex::new(Book::default()),
        });
        let app = Router::new()
            .route("/{phone_number_id}/messages", post(send))
            .with_state(Arc::clone(&shared));
        Ok(FakeWhatsApp {
            server: Server::start(app).await?,
            shared,
        })
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A configuration reaching this fake with its token, secrets and phone number id.
    pub fn config(&self) -> Config {
        let setup = &self.shared.setup;
        Config {
            access_token: Secret::new(setup.access_token.clone()),
            app_secret: Secret::new(setup.app_secret.clone()),
            verify_token: Secret::new(setup.verify_token.clone()),
            phone_number_id: setup.phone_number_id.clone(),
            api_base: self.base_url(),
        }
    }

    pub fn platform(&self) -> Platform {
        Platform::WhatsApp(self.config())
    }

    /// Messages accepted, in arrival order.
    pub fn sent(&self) -> Vec<WhatsAppSent> {
        self.book().sent.clone()
    }

    /// Messages refused because they broke the per-second limit.
    pub fn refused_by_limit(&self) -> usize {
        self.book().refused_by_limit
    }

    /// Requests received, whatever their answer.
    pub fn requests(&self) -> usize {
        self.book().requests
    }

    /// Answers the next `times` sends with 429 and Graph error 130429 (throughput).
    pub fn rate_limit_next(&self, times: usize) {
        self.book()
            .injected
            .extend(std::iter::repeat_n(Injected::RateLimited, times));
    }

    /// Answers the next `times` sends with 500 and Graph error 2 (service unavailable).
    pub fn fail_next(&self, times: usize) {
        self.book()
            .injected
            .extend(std::iter::repeat_n(Injected::ServerError, times));
    }

    /// `notification` as Meta would POST it to our webhook, signed with the app secret.
    pub fn delivery(&self, notification: &Value) -> Delivery {
        whatsapp_delivery(&self.shared.setup.app_secret, notification)
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.shared.book)
    }
}

async fn send(
    State(shared): State<Arc<Shared>>,
    Path(phone_number_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let mut book = lock(&shared.book);
    book.requests += 1;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if token != Some(shared.setup.access_token.as_str()) {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            190,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    if phone_number_id != shared.setup.phone_number_id {
        return graph_error(
            StatusCode::BAD_REQUEST,
            100,
            "GraphMethodException",
            "Unsupported post request. Object does not exist or cannot be loaded",
        );
    }
    match book.injected.pop_front() {
        Some(Injected::RateLimited) => {
            return graph_error(
                StatusCode::TOO_MANY_REQUESTS,
                130429,
                "OAuthException",
                "Rate limit hit",
            );
        }
        Some(Injected::ServerError) => {
            return graph_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                2,
                "OAuthException",
                "Service temporarily unavailable",
            );
        }
        None => {}
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return invalid_parameter("the body is not JSON");
    };
    let field = |pointer: &str| request.pointer(pointer).and_then(Value::as_str);
    if field("/messaging_product") != Some("whatsapp") {
        return invalid_parameter("The parameter messaging_product is required.");
    }
    if field("/type").is_some_and(|kind| kind != "text") {
        return invalid_parameter("This fake only accepts type text.");
    }
    let (Some(to), Some(text)) = (field("/to"), field("/text/body")) else {
        return invalid_parameter("The parameters to and text.body are required.");
    };
    if to.is_empty() || !to.chars().all(|c| c.is_ascii_digit()) {
        return invalid_parameter("to must be the recipient's phone number.");
    }
    if text.trim().is_empty() || text.chars().count() > 4096 {
        return invalid_parameter("text.body must hold 1 to 4096 characters.");
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
        return graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            130429,
            "OAuthException",
            "Rate limit hit",
        );
    }
    book.second.push_back(now);
    book.next_id += 1;
    let wamid = format!("wamid.FAKE{:016X}", book.next_id);
    book.sent.push(WhatsAppSent {
        to: to.to_string(),
        body: text.to_string(),
        wamid: wamid.clone(),
        request: request.clone(),
        at: now,
    });
    // §6.4's response.
    answer(
        StatusCode::OK,
        json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": to, "wa_id": to }],
            "messages": [{ "id": wamid }],
        }),
    )
}

fn invalid_parameter(message: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        100,
        "OAuthException",
        &format!("(#100) {message}"),
    )
}

/// §6.4's Graph error envelope.
fn graph_error(status: StatusCode, code: i64, kind: &str, message: &str) -> Response {
    answer(
        status,
        json!({ "error": { "message": message, "type": kind, "code": code, "fbtrace_id": "AFakeTraceId" } }),
    )
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A notification shaped like §6.3's example: one text message from `wa_id` (whose
/// profile name is `name`) to `phone_number_id`.
pub fn whatsapp_text_notification(
    phone_number_id: &str,
    wa_id: &str,
    name: &str,
    wamid: &str,
    text: &str,
) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": phone_number_id },
                    "contacts": [{ "profile": { "name": name }, "wa_id": wa_id }],
                    "messages": [{ "from": wa_id, "id": wamid, "timestamp": "1739321024",
                                   "type": "text", "text": { "body": text } }],
                },
            }],
        }],
    })
}

/// A status notification (§6.3): our message `wamid` reached `status` for `recipient`.
pub fn whatsapp_status_notification(
    phone_number_id: &str,
    recipient: &str,
    wamid: &str,
    status: &str,
) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": phone_number_id },
                    "statuses": [{ "id": wamid, "status": status, "timestamp": "1739321090",
                                   "recipient_id": recipient }],
                },
            }],
        }],
    })
}

/// `notification` as Meta POSTs it: the serialised body and its `X-Hub-Signature-256`
/// (HMAC-SHA256 with `app_secret`, §6.2).
pub fn whatsapp_delivery(app_secret: &str, notification: &Value) -> Delivery {
    let body = notification.to_string().into_bytes();
    let header = (SIGNATURE_HEADER, signature(app_secret, &body));
    Delivery {
        body,
        header: Some(header),
    }
}
