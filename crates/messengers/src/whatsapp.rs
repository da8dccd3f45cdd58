//! WhatsApp Business Cloud API (crm-apis.md §6): the subscription handshake, the
//! `X-Hub-Signature-256` check over the raw body, reading message notifications, and
//! sending text messages.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::Incoming;
use crate::config::{Messenger, Secret};
use crate::error::{Error, SendError, SendErrorKind};
use crate::http::{Answer, base_url, cut, endpoint, exchange};
use crate::verify::same_secret;

/// §6.4: `https://graph.facebook.com/vNN.N`.
pub const DEFAULT_API_BASE: &str = "https://graph.facebook.com/v21.0";
/// §6.2: `sha256=<hex HMAC-SHA256 of the raw body with the App Secret>`.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";
/// §6.4: a text body holds at most 4096 characters.
pub(crate) const MAX_TEXT_CHARS: usize = 4096;
/// The reference sheet gives no send limit for Cloud API numbers, so a conservative 20
/// per second, a tenth slower for jitter, as for VK.
pub(crate) const PACE: Duration = Duration::from_millis(55);
/// Graph error codes that mean "too many requests, later", whatever the HTTP status:
/// 4 (app calls), 80007 (WABA), 130429 (throughput), 131056 (pair rate). From Meta's error
/// code table, not crm-apis.md, which leaves the code list open (§9.4).
const RATE_LIMIT_CODES: [i64; 4] = [4, 80007, 130429, 131056];
/// Graph's "invalid OAuth access token".
const BAD_TOKEN_CODE: i64 = 190;
/// Free-form message outside the 24-hour customer-service window (§6.4; code UNVERIFIED).
const OUTSIDE_WINDOW_CODE: i64 = 131047;

/// One WhatsApp business phone number of a Meta app.
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// System-user or app token, sent as `Authorization: Bearer` (§6.4).
    pub access_token: Secret,
    /// The App Secret that signs webhook deliveries (§6.2).
    pub app_secret: Secret,
    /// The verify token entered next to the callback URL (§6.1).
    pub verify_token: Secret,
    /// The sending number's id; notifications for other numbers of the app are skipped.
    pub phone_number_id: String,
    #[serde(default = "default_api_base")]
    pub api_base: String,
}

impl Config {
    /// A number with the default API base.
    pub fn new(
        access_token: impl Into<String>,
        app_secret: impl Into<String>,
        verify_token: impl Into<String>,
        phone_number_id: impl Into<String>,
    ) -> Config {
        Config {
            access_token: Secret::new(access_token),
            app_secret: Secret::new(app_secret),
            verify_token: Secret::new(verify_token),
            phone_number_id: phone_number_id.into(),
            api_base: default_api_base(),
        }
    }
}

fn default_api_base() -> String {
    DEFAULT_API_BASE.to_string()
}

/// The subscription handshake (§6.1): for `GET ?hub.mode=subscribe&hub.verify_token=…
/// &hub.challenge=…` with the configured verify token (compared in constant time), the
/// challenge to answer with 200 as the raw body; otherwise `None`, to answer 403.
pub fn handshake(
    config: &Config,
    mode: Option<&str>,
    verify_token: Option<&str>,
    challenge: Option<&str>,
) -> Option<String> {
    if !config.verify_token.is_set() {
        return None;
    }
    let token_matches = verify_token.is_some_and(|token| {
        same_secret(token.as_bytes(), config.verify_token.expose().as_bytes())
    });
    if mode == Some("subscribe") && token_matches {
        challenge.map(str::to_string)
    } else {
        None
    }
}

/// Checks `X-Hub-Signature-256` (§6.2): HMAC-SHA256 of exactly these body bytes with the
/// App Secret, compared in constant time. Pass the body as received: a re-serialised one
/// does not match.
pub fn verify(config: &Config, body: &[u8], header: Option<&str>) -> Result<(), Error> {
    let forbidden = |reason| Err(Error::forbidden(Messenger::WhatsApp, reason));
    if !config.app_secret.is_set() {
        return forbidden("no app_secret is configured; deliveries cannot be checked");
    }
    let Some(header) = header else {
        return forbidden("the X-Hub-Signature-256 header is missing");
    };
    let Some(signature) = header
        .trim()
        .strip_prefix("sha256=")
        .and_then(|hex_digits| hex::decode(hex_digits).ok())
    else {
        return forbidden("the X-Hub-Signature-256 header is not sha256=<hex>");
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(config.app_secret.expose().as_bytes()) else {
        return forbidden("the app_secret cannot key HMAC-SHA256");
    };
    mac.update(body);
    // verify_slice compares in constant time.
    match mac.verify_slice(&signature) {
        Ok(()) => Ok(()),
        Err(_) => forbidden("the X-Hub-Signature-256 signature does not match the body"),
    }
}

/// The `X-Hub-Signature-256` value Meta would send for `body`.
#[cfg(feature = "testing")]
pub(crate) fn signature(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Reads a notification (§6.3): every text message, and the title of every interactive
/// (button or list) reply and template quick-reply button, of every entry and change, in
/// order. Status updates, media and other types are skipped, as are messages to another
/// phone number of the app. `delivery_id` is the `wamid`, `chat` and the phone the
/// sender's `wa_id`, `name` their profile name.
pub fn parse(config: &Config, body: &[u8]) -> Result<Vec<Incoming>, Error> {
    let notification: Notification = serde_json::from_slice(body).map_err(|error| {
        Error::malformed(
            Messenger::WhatsApp,
            "a notification {\"object\":\"whatsapp_business_account\",\"entry\":[…]}",
            &error,
        )
    })?;
    if notification.object != "whatsapp_business_account" {
        return Err(Error::Malformed {
            messenger: Messenger::WhatsApp,
            expected: "object \"whatsapp_business_account\"",
            detail: "another object kind".to_string(),
        });
    }
    let mut incoming = Vec::new();
    for change in notification
        .entry
        .into_iter()
        .flat_map(|entry| entry.changes)
    {
        if change.field != "messages" {
            continue;
        }
        let Ok(value) = serde_json::from_value::<ChangeValue>(change.value) else {
            tracing::warn!("Skipped a WhatsApp messages change of unknown shape.");
            continue;
        };
        if value
            .metadata
            .as_ref()
            .is_some_and(|metadata| metadata.phone_number_id != config.phone_number_id)
        {
            tracing::debug!("Skipped a WhatsApp change for another phone number.");
            continue;
        }
        for message in value.messages {
            // One odd message must not hide the others of the same delivery.
            let Ok(message) = serde_json::from_value::<Message>(message) else {
                tracing::warn!("Skipped a WhatsApp message of unknown shape.");
                continue;
            };
            let Some(text) = message.text().filter(|text| !text.trim().is_empty()) else {
                continue;
            };
            let name = value
                .contacts
                .iter()
                .find(|contact| contact.wa_id.as_deref() == Some(message.from.as_str()))
                .or_else(|| (value.contacts.len() == 1).then(|| &value.contacts[0]))
                .and_then(|contact| contact.profile.as_ref()?.name.clone())
                .filter(|name| !name.trim().is_empty());
            let digits =
                message.from.chars().all(|c| c.is_ascii_digit()) && !message.from.is_empty();
            incoming.push(Incoming {
                delivery_id: message.id,
                phone: digits.then(|| format!("+{}", message.from)),
                chat: message.from,
                text,
                name,
            });
        }
    }
    Ok(incoming)
}

/// The sending side of a [`Config`], checked once.
pub(crate) struct Outbound {
    messages: Url,
    token: Secret,
}

impl Outbound {
    pub(crate) fn new(config: &Config) -> Result<Outbound, Error> {
        let phone_number_id = config.phone_number_id.trim();
        if phone_number_id.is_empty() || !phone_number_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::Config {
                messenger: Messenger::WhatsApp,
                field: "phone_number_id",
                expected: "the numeric id of the sending phone number".to_string(),
            });
        }
        let base = base_url(Messenger::WhatsApp, "api_base", &config.api_base)?;
        Ok(Outbound {
            messages: endpoint(&base, &[phone_number_id, "messages"]),
            token: config.access_token.clone(),
        })
    }

    /// Checks `chat` (a `wa_id`: the number's digits; a leading `+` is tolerated). No
    /// per-chat interval: the reference documents none.
    pub(crate) fn check_chat(&self, chat: &str) -> Result<Duration, SendError> {
        let digits = chat.strip_prefix('+').unwrap_or(chat);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Duration::ZERO)
        } else {
            Err(SendError::invalid(
                "WhatsApp: expected the recipient's wa_id (the phone number's digits)",
            ))
        }
    }

    /// One text message (§6.4).
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        chat: &str,
        text: &str,
    ) -> Result<(), SendError> {
        let to = chat.strip_prefix('+').unwrap_or(chat);
        let request = http
            .post(self.messages.clone())
            .bearer_auth(self.token.expose())
            .json(&json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": { "preview_url": false, "body": text },
            }));
        let answer = exchange(request, timeout, Messenger::WhatsApp, "sending a message").await?;
        outcome(&answer)
    }
}

/// A 2xx naming the message's `wamid` is success; anything else is the error it means.
fn outcome(answer: &Answer) -> Result<(), SendError> {
    if answer.is_success() {
        return match serde_json::from_str::<Sent>(&answer.body) {
            Ok(sent) if !sent.messages.is_empty() => Ok(()),
            _ => Err(SendError::new(
                SendErrorKind::Unexpected,
                None,
                format!(
                    "WhatsApp answered a send with HTTP {} and an unexpected body; expected {{\"messages\":[{{\"id\":\"wamid…\"}}]}}: {}",
                    answer.status,
                    cut(&answer.body)
                ),
            )),
        };
    }
    let error = serde_json::from_str::<GraphFailure>(&answer.body)
        .ok()
        .map(|failure| failure.error);
    let code = error.as_ref().and_then(|error| error.code);
    let kind = if answer.status == 429 || code.is_some_and(|code| RATE_LIMIT_CODES.contains(&code))
    {
        SendErrorKind::RateLimited
    } else if answer.status == 401 || code == Some(BAD_TOKEN_CODE) {
        SendErrorKind::Unauthorized
    } else if answer.status >= 500 {
        SendErrorKind::Transient
    } else {
        SendErrorKind::Rejected
    };
    let retry_in = (kind == SendErrorKind::RateLimited)
        .then(|| answer.retry_after())
        .flatten();
    let detail = match &error {
        Some(error) => format!(
            "(#{}) {}",
            error
                .code
                .map_or_else(|| "?".to_string(), |code| code.to_string()),
            error.message.as_deref().unwrap_or("")
        ),
        None => cut(&answer.body),
    };
    let mut message = format!(
        "WhatsApp refused a send with HTTP {}: {detail}",
        answer.status
    );
    if code == Some(OUTSIDE_WINDOW_CODE) {
        message.push_str("; outside the 24-hour window only approved templates may be sent");
    }
    Err(SendError::new(kind, retry_in, message))
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default)]
    messages: Vec<Value>,
}

/// §6.4: `{"error":{"message","type","code","error_subcode",…}}` (shape UNVERIFIED for the
/// Cloud API; every field optional here).
#[derive(Deserialize)]
struct GraphFailure {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    message: Option<String>,
    code: Option<i64>,
}

#[derive(Deserialize)]
struct Notification {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
struct ChangeValue {
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    /// Kept raw so that each message is read on its own; `statuses` are not read at all.
    #[serde(default)]
    messages: Vec<Value>,
}

#[derive(Deserialize)]
struct Metadata {
    phone_number_id: String,
}

#[derive(Deserialize)]
struct Contact {
    wa_id: Option<String>,
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    from: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    text: Option<Text>,
    interactive: Option<Interactive>,
    button: Option<Button>,
}

#[derive(Deserialize)]
struct Text {
    body: String,
}

#[derive(Deserialize)]
struct Interactive {
    button_reply: Option<Reply>,
    list_reply: Option<Reply>,
}

#[derive(Deserialize)]
struct Reply {
    title: String,
}

/// A template's quick-reply button.
#[derive(Deserialize)]
struct Button {
    text: Option<String>,
}

impl Message {
    fn text(&self) -> Option<String> {
        match self.kind.as_str() {
            "text" => self.text.as_ref().map(|text| text.body.clone()),
            "interactive" => {
                let interactive = self.interactive.as_ref()?;
                let reply = interactive
                    .button_reply
                    .as_ref()
                    .or(interactive.list_reply.as_ref())?;
                Some(reply.title.clone())
            }
            "button" => self.button.as_ref()?.text.clone(),
            _ => None,
        }
    }
}
