//! VK community bots (crm-apis.md §7): reading Callback API events after checking their
//! community and secret, and `messages.send` with a `random_id` derived from the
//! idempotency key, so that VK itself drops a retried send.

use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Incoming;
use crate::config::{Messenger, Secret};
use crate::error::{Error, SendError, SendErrorKind};
use crate::http::{Answer, base_url, cut, endpoint, exchange};
use crate::verify::same_secret;

/// §7.4: `https://api.vk.com/method/<method>`.
pub const DEFAULT_API_BASE: &str = "https://api.vk.com/method";
/// The API version requests name (§7.2's example).
pub const DEFAULT_VERSION: &str = "5.199";
/// What every event other than `confirmation` must be answered with (§7.1).
pub const OK_REPLY: &str = "ok";
/// §7.4: `message` holds at most 9000 characters.
pub(crate) const MAX_TEXT_CHARS: usize = 9000;
/// §7.4: a community token makes at most 20 requests per second; a tenth slower, because
/// requests spaced here may arrive closer together.
pub(crate) const PACE: Duration = Duration::from_millis(55);
/// VK's "too many requests per second": the limit is per second, so a second is enough.
const TOO_MANY_PER_SECOND_WAIT: Duration = Duration::from_secs(1);

/// One VK community's bot.
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// The community's id (positive), as events carry it in `group_id`.
    pub group_id: i64,
    /// The Callback API "secret key". Optional in VK's settings, required here: events are
    /// refused without one, since anyone who learns the URL could post as any user.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// The string VK shows (or `groups.getCallbackConfirmationCode` returns) to answer
    /// the `confirmation` event with.
    pub confirmation: String,
    /// A community access token with the messages scope.
    pub access_token: Secret,
    #[serde(default = "default_api_base")]
    pub api_base: String,
    #[serde(default = "default_version")]
    pub version: String,
}

impl Config {
    /// A community bot with the default API base and version and no secret key.
    pub fn new(
        group_id: i64,
        confirmation: impl Into<String>,
        access_token: impl Into<String>,
    ) -> Config {
        Config {
            group_id,
            secret: None,
            confirmation: confirmation.into(),
            access_token: Secret::new(access_token),
            api_base: default_api_base(),
            version: default_version(),
        }
    }
}

fn default_api_base() -> String {
    DEFAULT_API_BASE.to_string()
}

fn default_version() -> String {
    DEFAULT_VERSION.to_string()
}

/// What a Callback API event asks of the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Answer with [`Config::confirmation`] as `text/plain`, status 200 (§7.1).
    Confirmation,
    /// A customer's text message (`message_new`). Answer [`OK_REPLY`].
    Message(Incoming),
    /// Anything else (typing, edits, our own replies, messages without text …). Answer
    /// [`OK_REPLY`], or VK will deliver it again.
    Other,
}

/// Reads a Callback API event (§7.2) after checking that it is for this community and
/// carries the configured secret key (compared in constant time), `confirmation` included.
/// A wrong community or secret is [`Error::Forbidden`]. For a message, `delivery_id` is
/// the `event_id` (or `group_id:peer_id:conversation_message_id` when absent, §7.3) and
/// `chat` the `peer_id`. VK sends no names or phones in events.
pub fn parse(config: &Config, body: &[u8]) -> Result<Event, Error> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|error| {
        Error::malformed(
            Messenger::Vk,
            "an event {\"type\":…,\"group_id\":…,\"object\":…}",
            &error,
        )
    })?;
    let forbidden = |reason| Err(Error::forbidden(Messenger::Vk, reason));
    if envelope.group_id != config.group_id {
        return forbidden("the event is for another community (group_id)");
    }
    let Some(secret) = config.secret.as_ref().filter(|secret| secret.is_set()) else {
        return forbidden(
            "no secret key is configured; set one in the Callback API settings and here",
        );
    };
    let Some(presented) = envelope.secret.as_deref() else {
        return forbidden("the event carries no secret");
    };
    if !same_secret(presented.as_bytes(), secret.expose().as_bytes()) {
        return forbidden("the event's secret does not match the configured secret key");
    }
    match envelope.kind.as_str() {
        "confirmation" => Ok(Event::Confirmation),
        "message_new" => message(config.group_id, envelope.event_id, envelope.object),
        _ => Ok(Event::Other),
    }
}

fn message(group_id: i64, event_id: Option<String>, object: Value) -> Result<Event, Error> {
    let malformed = |error: &serde_json::Error| {
        Error::malformed(
            Messenger::Vk,
            "message_new's object.message with peer_id and text",
            error,
        )
    };
    // API ≥ 5.103 wraps the message with client_info; older versions send it bare.
    let object: MessageObject =
        serde_json::from_value(object).map_err(|error| malformed(&error))?;
    let message = match object.message {
        Some(message) => message,
        None => {
            serde_json::from_value(Value::Object(object.bare)).map_err(|error| malformed(&error))?
        }
    };
    if message.text.trim().is_empty() {
        return Ok(Event::Other);
    }
    let delivery_id = match event_id.filter(|id| !id.is_empty()) {
        Some(id) => id,
        None => {
            let number = message
                .conversation_message_id
                .or(message.id)
                .ok_or_else(|| Error::Malformed {
                    messenger: Messenger::Vk,
                    expected: "an event_id or the message's conversation_message_id",
                    detail: "neither is present".to_string(),
                })?;
            format!("{group_id}:{}:{number}", message.peer_id)
        }
    };
    Ok(Event::Message(Incoming {
        delivery_id,
        chat: message.peer_id.to_string(),
        text: message.text,
        name: None,
        phone: None,
    }))
}

/// The `random_id` of part `part` of the reply under `idempotency_key`: the first bytes of
/// SHA-256 over both, as a positive 32-bit integer. The same key always gives the same id,
/// so VK drops a retried part it already has (§7.4); 0 is avoided.
pub fn random_id(idempotency_key: &str, part: usize) -> i64 {
    let mut hasher = Sha256::new();
    hasher.update(idempotency_key.as_bytes());
    hasher.update([0]);
    hasher.update((part as u64).to_be_bytes());
    let digest = hasher.finalize();
    let id = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) & 0x7FFF_FFFF;
    i64::from(id.max(1))
}

/// The sending side of a [`Config`], checked once.
pub(crate) struct Outbound {
    send: Url,
    token: Secret,
    version: String,
}

impl Outbound {
    pub(crate) fn new(config: &Config) -> Result<Outbound, Error> {
        let version = config.version.trim();
        let valid = version.split_once('.').is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && minor.chars().all(|c| c.is_ascii_digit())
        });
        if !valid {
            return Err(Error::Config {
                messenger: Messenger::Vk,
                field: "version",
                expected: "an API version such as 5.199".to_string(),
            });
        }
        let base = base_url(Messenger::Vk, "api_base", &config.api_base)?;
        Ok(Outbound {
            send: endpoint(&base, &["messages.send"]),
            token: config.access_token.clone(),
            version: version.to_string(),
        })
    }

    /// Checks `chat` (a `peer_id`). No per-chat interval: the limit is per token.
    pub(crate) fn check_chat(&self, chat: &str) -> Result<Duration, SendError> {
        match chat.parse::<i64>() {
            Ok(peer) if peer != 0 => Ok(Duration::ZERO),
            _ => Err(SendError::invalid("VK: expected a numeric peer_id")),
        }
    }

    /// One `messages.send` (§7.4), the token in the form body rather than the URL.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        chat: &str,
        text: &str,
        random_id: i64,
    ) -> Result<(), SendError> {
        let random_id = random_id.to_string();
        let form = [
            ("peer_id", chat),
            ("random_id", random_id.as_str()),
            ("message", text),
            ("access_token", self.token.expose()),
            ("v", self.version.as_str()),
        ];
        let request = http.post(self.send.clone()).form(&form);
        let answer = exchange(request, timeout, Messenger::Vk, "messages.send").await?;
        outcome(&answer)
    }
}

/// VK answers 200 with `{"response":<message id>}` or `{"error":{…}}` (§7.4).
fn outcome(answer: &Answer) -> Result<(), SendError> {
    if !answer.is_success() {
        let kind = match answer.status {
            429 => SendErrorKind::RateLimited,
            500..=599 => SendErrorKind::Transient,
            _ => SendErrorKind::Rejected,
        };
        return Err(SendError::new(
            kind,
            answer.retry_after(),
            format!(
                "VK answered messages.send with HTTP {}: {}",
                answer.status,
                cut(&answer.body)
            ),
        ));
    }
    let reply: Reply = serde_json::from_str(&answer.body).map_err(|_| unexpected(answer))?;
    if let Some(error) = reply.error {
        // request_params is never copied: it echoes the message and the token.
        let (kind, retry_in) = match error.error_code {
            // 6: too many requests per second; 9: flood control; 10: internal error.
            6 => (SendErrorKind::RateLimited, Some(TOO_MANY_PER_SECOND_WAIT)),
            9 => (SendErrorKind::RateLimited, None),
            10 => (SendErrorKind::Transient, None),
            // 5: user authorization failed (a bad or revoked token).
            5 => (SendErrorKind::Unauthorized, None),
            _ => (SendErrorKind::Rejected, None),
        };
        return Err(SendError::new(
            kind,
            retry_in,
            format!(
                "VK refused messages.send (error {}): {}",
                error.error_code,
                error.error_msg.unwrap_or_default()
            ),
        ));
    }
    match reply.response {
        Some(Value::Number(_)) => Ok(()),
        _ => Err(unexpected(answer)),
    }
}

fn unexpected(answer: &Answer) -> SendError {
    SendError::new(
        SendErrorKind::Unexpected,
        None,
        format!(
            "VK answered messages.send with an unexpected body; expected {{\"response\":<message id>}}: {}",
            cut(&answer.body)
        ),
    )
}

#[derive(Deserialize)]
struct Reply {
    response: Option<Value>,
    error: Option<VkError>,
}

#[derive(Deserialize)]
struct VkError {
    error_code: i64,
    error_msg: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    group_id: i64,
    secret: Option<String>,
    event_id: Option<String>,
    #[serde(default)]
    object: Value,
}

#[derive(Deserialize)]
struct MessageObject {
    message: Option<Message>,
    #[serde(flatten)]
    bare: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
struct Message {
    id: Option<i64>,
    peer_id: i64,
    #[serde(default)]
    text: String,
    conversation_message_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_stable_positive_int32_and_differ_by_key_and_part() {
        let id = random_id("reply:42", 0);
        assert_eq!(id, random_id("reply:42", 0));
        assert!((1..=i64::from(i32::MAX)).contains(&id));
        assert_ne!(id, random_id("reply:43", 0));
        assert_ne!(id, random_id("reply:42", 1));
    }

    #[test]
    fn api_versions_are_checked() {
        let mut config = Config::new(1, "c", "t");
        assert!(Outbound::new(&config).is_ok());
        config.version = "latest".into();
        assert!(Outbound::new(&config).is_err());
    }
}
