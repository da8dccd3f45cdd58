//! Why an inbound delivery was refused or unreadable, why a configuration cannot work, and
//! why a send failed and whether (and when) to try again. Nothing here sleeps or retries:
//! that is the caller's job queue's part.

use std::time::Duration;

use crate::config::Messenger;

/// An inbound delivery or a configuration that cannot be accepted.
///
/// Messages never repeat a request body or a credential: bodies carry customers' personal
/// data and end up in logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The delivery did not prove it comes from the platform for this bot. Answer 403 (or
    /// 401) and process nothing.
    #[error("{messenger} delivery refused: {reason}")]
    Forbidden {
        messenger: Messenger,
        reason: &'static str,
    },
    /// The body is not what the platform sends. Answer 400.
    #[error("{messenger} sent a body we cannot read: expected {expected} ({detail})")]
    Malformed {
        messenger: Messenger,
        expected: &'static str,
        /// Where reading stopped (line and column), never the content found there.
        detail: String,
    },
    /// The configuration cannot work; fix it before serving this channel.
    #[error("{messenger} {field}: expected {expected}")]
    Config {
        messenger: Messenger,
        field: &'static str,
        expected: String,
    },
}

impl Error {
    /// Whether the delivery must be refused as not authentic (rather than unreadable).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Error::Forbidden { .. })
    }

    pub(crate) fn forbidden(messenger: Messenger, reason: &'static str) -> Error {
        Error::Forbidden { messenger, reason }
    }

    /// A body that failed to deserialize. serde's own message can quote the offending
    /// value (personal data), so only its category and position are kept.
    pub(crate) fn malformed(
        messenger: Messenger,
        expected: &'static str,
        error: &serde_json::Error,
    ) -> Error {
        let category = match error.classify() {
            serde_json::error::Category::Io => "could not read",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "unexpected fields or types",
            serde_json::error::Category::Eof => "the body ends early",
        };
        Error::Malformed {
            messenger,
            expected,
            detail: format!(
                "{category} at line {} column {}",
                error.line(),
                error.column()
            ),
        }
    }
}

/// What kind of failure a [`SendError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendErrorKind {
    /// The platform, or our own pacing after its last refusal, asks us to slow down.
    RateLimited,
    /// No usable answer (timeout, connection failure, 5xx): the message may or may not
    /// have been delivered.
    Transient,
    /// The platform refused the credentials. Fix the token; retrying will not help.
    Unauthorized,
    /// The platform refused this message (unknown chat, bot blocked, outside WhatsApp's
    /// 24-hour window, …).
    Rejected,
    /// A success status with a body we cannot read: the platform probably delivered.
    Unexpected,
    /// The message cannot be sent as it is (checked before any request).
    Invalid,
}

/// Why a call to a platform failed.
///
/// `retryable` is true for rate limits and transient failures; `retry_in` is how long the
/// platform (or our limiter) asked us to wait, when it said so, otherwise the caller's own
/// backoff applies. `message` names the platform and step, never the text or a credential.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub kind: SendErrorKind,
    pub retryable: bool,
    pub retry_in: Option<Duration>,
    pub message: String,
}

impl SendError {
    pub(crate) fn new(
        kind: SendErrorKind,
        retry_in: Option<Duration>,
        message: impl Into<String>,
    ) -> SendError {
        SendError {
            kind,
            retryable: matches!(kind, SendErrorKind::RateLimited | SendErrorKind::Transient),
            retry_in,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> SendError {
        SendError::new(SendErrorKind::Invalid, None, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rate_limits_and_transient_failures_are_retryable() {
        let retryable = |kind| SendError::new(kind, None, "x").retryable;
        assert!(retryable(SendErrorKind::RateLimited));
        assert!(retryable(SendErrorKind::Transient));
        for kind in [
            SendErrorKind::Unauthorized,
            SendErrorKind::Rejected,
            SendErrorKind::Unexpected,
            SendErrorKind::Invalid,
        ] {
            assert!(!retryable(kind), "{kind:?}");
        }
    }

    #[test]
    fn malformed_bodies_are_described_without_their_content() {
        let body = r#"{"update_id": "Иван Петров +79161234567"}"#;
        let error = serde_json::from_str::<i64>(body).expect_err("not a number");
        let error = Error::malformed(Messenger::Telegram, "an Update", &error);
        let text = error.to_string();
        assert!(text.contains("expected an Update"), "{text}");
        assert!(text.contains("line 1 column"), "{text}");
        assert!(!text.contains("Иван") && !text.contains("7916"), "{text}");
    }
}
