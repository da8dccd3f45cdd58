//! Telegram Bot API (crm-apis.md §5): the webhook's secret-token check, reading an
//! `Update`, `sendMessage`, and `getUpdates` long polling.

use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Incoming;
use crate::client::Client;
use crate::config::{Messenger, Secret};
use crate::error::{Error, SendError, SendErrorKind};
use crate::http::{Answer, base_url, cut, endpoint, exchange};
use crate::verify::same_secret;

/// §5.1: `https://api.telegram.org/bot<token>/<method>`.
pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";
/// §5.2: the header every webhook POST carries once `setWebhook` had a `secret_token`.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
/// Longest text of one message, in UTF-16 units as Telegram counts (Bot API sendMessage).
pub(crate) const MAX_TEXT_UNITS: usize = 4096;
/// §5.6: about 30 messages per second in bulk; a tenth slower, because requests spaced
/// here may arrive closer together.
pub(crate) const PACE: Duration = Duration::from_millis(37);
/// §5.6: at most 20 messages a minute to one group, i.e. three times the 1 s per chat.
const GROUP_INTERVAL_FACTOR: u32 = 3;
/// The updates a bot reads; the others (channel posts, inline queries …) are not asked for.
const ALLOWED_UPDATES: [&str; 3] = ["message", "edited_message", "callback_query"];

/// One Telegram bot.
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// The bot token from @BotFather.
    pub token: Secret,
    /// The `secret_token` given to `setWebhook` (1–256 of `A-Z a-z 0-9 _ -`). Webhook
    /// deliveries are refused without it; long polling does not need it.
    #[serde(default)]
    pub secret_token: Option<Secret>,
    #[serde(default = "default_api_base")]
    pub api_base: String,
    /// Least time between two messages to one chat (§5.6: "avoid more than one message per
    /// second"); groups get three times as long (20 a minute).
    #[serde(default = "default_per_chat_interval_ms")]
    pub per_chat_interval_ms: u64,
}

impl Config {
    /// A bot with the default API base and per-chat interval and no webhook secret.
    pub fn new(token: impl Into<String>) -> Config {
        Config {
            token: Secret::new(token),
            secret_token: None,
            api_base: default_api_base(),
            per_chat_interval_ms: default_per_chat_interval_ms(),
        }
    }
}

fn default_api_base() -> String {
    DEFAULT_API_BASE.to_string()
}

fn default_per_chat_interval_ms() -> u64 {
    1000
}

/// Checks a webhook delivery's [`SECRET_HEADER`] value against the configured secret, in
/// constant time (§5.2). Webhook mode requires a configured secret: without one anyone who
/// learns the URL could post updates as any user, so every delivery is refused.
pub fn verify(config: &Config, header: Option<&str>) -> Result<(), Error> {
    let forbidden = |reason| Err(Error::forbidden(Messenger::Telegram, reason));
    let Some(secret) = config
        .secret_token
        .as_ref()
        .filter(|secret| secret.is_set())
    else {
        return forbidden(
            "no secret_token is configured; webhook mode requires one (the same value as in setWebhook)",
        );
    };
    let Some(header) = header else {
        return forbidden("the X-Telegram-Bot-Api-Secret-Token header is missing");
    };
    if same_secret(header.as_bytes(), secret.expose().as_bytes()) {
        Ok(())
    } else {
        forbidden(
            "the X-Telegram-Bot-Api-Secret-Token header does not match the configured secret_token",
        )
    }
}

/// Reads one webhook `Update` (§5.3). A text message (new or edited), a pressed inline
/// button (its `callback_data`) or a shared contact (its number as the text) becomes an
/// [`Incoming`]; other updates (photos, stickers, membership changes …) are `Ok(None)`
/// and need only a 200. `delivery_id` is the `update_id`.
pub fn parse_update(body: &[u8]) -> Result<Option<Incoming>, Error> {
    let update: Update = serde_json::from_slice(body).map_err(|error| {
        Error::malformed(
            Messenger::Telegram,
            "an Update object with an integer update_id",
            &error,
        )
    })?;
    Ok(update.into_incoming())
}

/// What one `getUpdates` call brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Polled {
    /// The messages among the updates, oldest first.
    pub incoming: Vec<Incoming>,
    /// The `offset` for the next call: it confirms every update returned now, including
    /// those that carried no message. `None` only if none was given and none came.
    pub next_offset: Option<i64>,
}

/// Long-polls `getUpdates` (§5.5): waits up to `timeout_secs` for updates after `offset`
/// (pass the previous [`Polled::next_offset`], which confirms the updates it returned).
/// Telegram refuses polling while a webhook is set (a non-retryable error).
pub async fn poll(
    client: &Client,
    offset: Option<i64>,
    timeout_secs: u32,
) -> Result<Polled, SendError> {
    let Some((telegram, http, timeout)) = client.telegram() else {
        return Err(SendError::invalid(format!(
            "getUpdates is Telegram's; this client sends through {}",
            client.messenger()
        )));
    };
    let mut params = json!({ "timeout": timeout_secs, "allowed_updates": ALLOWED_UPDATES });
    if let Some(offset) = offset {
        params["offset"] = json!(offset);
    }
    let request = http.post(telegram.method("getUpdates")).json(&params);
    // The server holds the request for the poll time before answering.
    let wait = timeout + Duration::from_secs(u64::from(timeout_secs));
    let answer = exchange(request, wait, Messenger::Telegram, "getUpdates").await?;
    let result = outcome(&answer, "getUpdates")?;
    let Value::Array(updates) = result else {
        return Err(unexpected("getUpdates", "a list of updates", &answer));
    };
    let mut polled = Polled {
        incoming: Vec::new(),
        next_offset: offset,
    };
    for update in updates {
        let id = update.get("update_id").and_then(Value::as_i64);
        if let Some(id) = id {
            polled.next_offset = Some(polled.next_offset.map_or(id + 1, |next| next.max(id + 1)));
        }
        match serde_json::from_value::<Update>(update) {
            Ok(update) => polled.incoming.extend(update.into_incoming()),
            // Skipped, not fatal: one odd update must not stop the bot reading the rest.
            Err(_) => {
                tracing::warn!(update_id = ?id, "Skipped a Telegram update of unknown shape.")
            }
        }
    }
    Ok(polled)
}

/// The sending side of a [`Config`], checked once.
pub(crate) struct Outbound {
    base: Url,
    token: Secret,
    per_chat: Duration,
}

impl Outbound {
    pub(crate) fn new(config: &Config) -> Result<Outbound, Error> {
        let invalid = |field, expected: &str| Error::Config {
            messenger: Messenger::Telegram,
            field,
            expected: expected.to_string(),
        };
        // Token shape `<bot id>:<secret>`; anything else would only ever earn 401s.
        let token_ok = config
            .token
            .expose()
            .split_once(':')
            .is_some_and(|(id, rest)| {
                !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty()
            });
        if !token_ok {
            return Err(invalid(
                "token",
                "a bot token such as 123456:ABC-DEF from @BotFather",
            ));
        }
        if let Some(secret) = &config.secret_token {
            let secret = secret.expose();
            let valid = (1..=256).contains(&secret.len())
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                return Err(invalid(
                    "secret_token",
                    "1–256 characters of A-Z a-z 0-9 _ - (what setWebhook accepts)",
                ));
            }
        }
        Ok(Outbound {
            base: base_url(Messenger::Telegram, "api_base", &config.api_base)?,
            token: config.token.clone(),
            per_chat: Duration::from_millis(config.per_chat_interval_ms),
        })
    }

    /// `<api_base>/bot<token>/<method>`.
    fn method(&self, method: &str) -> Url {
        endpoint(
            &self.base,
            &[&format!("bot{}", self.token.expose()), method],
        )
    }

    /// Checks `chat` (a numeric id, or `@channelusername`) and returns its pacing interval.
    pub(crate) fn check_chat(&self, chat: &str) -> Result<Duration, SendError> {
        match chat.parse::<i64>() {
            // Groups and supergroups have negative ids.
            Ok(id) if id < 0 => Ok(self.per_chat * GROUP_INTERVAL_FACTOR),
            Ok(_) => Ok(self.per_chat),
            Err(_) if chat.len() > 1 && chat.starts_with('@') => {
                Ok(self.per_chat * GROUP_INTERVAL_FACTOR)
            }
            Err(_) => Err(SendError::invalid(
                "Telegram: expected a numeric chat id or @channelusername",
            )),
        }
    }

    /// One `sendMessage` (§5.4).
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        chat: &str,
        text: &str,
    ) -> Result<(), SendError> {
        let chat_id = chat
            .parse::<i64>()
            .map_or_else(|_| json!(chat), |id| json!(id));
        let request = http
            .post(self.method("sendMessage"))
            .json(&json!({ "chat_id": chat_id, "text": text }));
        let answer = exchange(request, timeout, Messenger::Telegram, "sendMessage").await?;
        outcome(&answer, "sendMessage").map(|_| ())
    }
}

/// `{"ok":true,"result":…}` → the result; anything else → the error it means (§5.1, §5.6).
fn outcome(answer: &Answer, step: &str) -> Result<Value, SendError> {
    let reply: Reply = match serde_json::from_str(&answer.body) {
        Ok(reply) => reply,
        Err(_) if answer.is_success() => {
            return Err(unexpected(step, "{\"ok\":true,\"result\":…}", answer));
        }
        Err(_) => Reply {
            ok: false,
            result: None,
            error_code: None,
            description: Some(cut(&answer.body)),
            parameters: None,
        },
    };
    if reply.ok && answer.is_success() {
        return Ok(reply.result.unwrap_or(Value::Null));
    }
    let code = reply.error_code.unwrap_or(i64::from(answer.status));
    let description = reply.description.unwrap_or_default();
    let parameters = reply.parameters.unwrap_or_default();
    let (kind, retry_in) = match code {
        429 => (
            SendErrorKind::RateLimited,
            parameters
                .retry_after
                .map(Duration::from_secs)
                .or_else(|| answer.retry_after()),
        ),
        401 => (SendErrorKind::Unauthorized, None),
        500..=599 => (SendErrorKind::Transient, None),
        _ => (SendErrorKind::Rejected, None),
    };
    let mut message = format!("Telegram refused {step} (error {code}): {description}");
    if let Some(chat) = parameters.migrate_to_chat_id {
        message.push_str(&format!("; the group is now chat {chat}"));
    }
    Err(SendError::new(kind, retry_in, message))
}

fn unexpected(step: &str, expected: &str, answer: &Answer) -> SendError {
    SendError::new(
        SendErrorKind::Unexpected,
        None,
        format!(
            "Telegram answered {step} with HTTP {} and an unexpected body; expected {expected}: {}",
            answer.status,
            cut(&answer.body)
        ),
    )
}

#[derive(Deserialize)]
struct Reply {
    #[serde(default)]
    ok: bool,
    result: Option<Value>,
    error_code: Option<i64>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Default, Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
    migrate_to_chat_id: Option<i64>,
}

/// The subset of §5.3's `Update` a bot reads; unknown fields are ignored.
#[derive(Deserialize)]
struct Update {
    update_id: i64,
    message: Option<Message>,
    edited_message: Option<Message>,
    callback_query: Option<CallbackQuery>,
}

#[derive(Deserialize)]
struct Message {
    chat: Chat,
    from: Option<User>,
    text: Option<String>,
    contact: Option<Contact>,
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
}

#[derive(Deserialize)]
struct User {
    id: i64,
    #[serde(default)]
    first_name: String,
    last_name: Option<String>,
}

#[derive(Deserialize)]
struct Contact {
    phone_number: String,
    user_id: Option<i64>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    from: User,
    /// Absent for buttons under inline-mode messages.
    message: Option<CallbackMessage>,
    data: Option<String>,
}

#[derive(Deserialize)]
struct CallbackMessage {
    chat: Chat,
}

impl Update {
    fn into_incoming(self) -> Option<Incoming> {
        let delivery_id = self.update_id.to_string();
        if let Some(message) = self.message.or(self.edited_message) {
            let name = message.from.as_ref().and_then(User::name);
            if let Some(text) = message.text.filter(|text| !text.trim().is_empty()) {
                return Some(Incoming {
                    delivery_id,
                    chat: message.chat.id.to_string(),
                    text,
                    name,
                    phone: None,
                });
            }
            let contact = message.contact?;
            // A contact is the user's own phone only when it is their own card (the
            // "share phone" button); anyone's card can be forwarded.
            let own = message
                .from
                .as_ref()
                .is_some_and(|from| contact.user_id == Some(from.id));
            return Some(Incoming {
                delivery_id,
                chat: message.chat.id.to_string(),
                phone: own.then(|| e164(&contact.phone_number)).flatten(),
                text: contact.phone_number,
                name,
            });
        }
        let callback = self.callback_query?;
        let data = callback.data.filter(|data| !data.is_empty())?;
        let chat = callback
            .message
            .map_or(callback.from.id, |message| message.chat.id);
        Some(Incoming {
            delivery_id,
            chat: chat.to_string(),
            text: data,
            name: callback.from.name(),
            phone: None,
        })
    }
}

impl User {
    fn name(&self) -> Option<String> {
        let name = match &self.last_name {
            Some(last) => format!("{} {}", self.first_name.trim(), last.trim()),
            None => self.first_name.clone(),
        };
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_string())
    }
}

/// Telegram sends contact numbers with or without `+`; E.164 always has it.
fn e164(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_numbers_become_e164() {
        assert_eq!(e164("79161234567").as_deref(), Some("+79161234567"));
        assert_eq!(e164("+7 916 123-45-67").as_deref(), Some("+79161234567"));
        assert_eq!(e164("n/a"), None);
    }

    #[test]
    fn groups_and_channels_are_paced_as_groups() {
        let mut config = Config::new("1:x");
        config.per_chat_interval_ms = 100;
        let outbound = Outbound::new(&config).expect("valid");
        assert_eq!(outbound.check_chat("111"), Ok(Duration::from_millis(100)));
        assert_eq!(
            outbound.check_chat("-1001234"),
            Ok(Duration::from_millis(300))
        );
        assert_eq!(outbound.check_chat("@news"), Ok(Duration::from_millis(300)));
        assert!(outbound.check_chat("ann").is_err());
        assert!(outbound.check_chat("").is_err());
    }

    #[test]
    fn the_token_goes_into_the_path() {
        let mut config = Config::new("123:AA-bb");
        config.api_base = "http://127.0.0.1:9".into();
        let outbound = Outbound::new(&config).expect("valid");
        assert_eq!(
            outbound.method("sendMessage").as_str(),
            "http://127.0.0.1:9/bot123:AA-bb/sendMessage"
        );
    }
}
