//! The client the app holds per bot channel: checks the message, splits it to the
//! platform's length limit, paces each part through the shared limiter, and remembers
//! which parts of which idempotency key it already delivered.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::config::{Messenger, Platform};
use crate::error::{Error, SendError, SendErrorKind};
use crate::limit::Limiter;
use crate::split::split;
use crate::{telegram, vk, whatsapp};

/// Idempotency keys whose delivered parts a client remembers; the oldest are forgotten.
const KEYS_REMEMBERED: usize = 10_000;

/// Sends replies through one bot channel. Cheap to clone; clones share the rate limiter
/// and the memory of delivered parts, so concurrent sends from many tasks respect the
/// platform's limits together.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    messenger: Messenger,
    http: reqwest::Client,
    timeout: Duration,
    limiter: Limiter,
    target: Target,
    delivered: Mutex<Delivered>,
}

enum Target {
    Telegram(telegram::Outbound),
    WhatsApp(whatsapp::Outbound),
    Vk(vk::Outbound),
}

/// How many parts of each idempotency key's message went out, so a retry after a failed
/// later part does not repeat the earlier ones.
#[derive(Default)]
struct Delivered {
    parts: HashMap<String, usize>,
    order: VecDeque<String>,
}

impl Client {
    /// How long one request may take before it counts as a transient failure.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// A client for `platform` with [`Client::DEFAULT_TIMEOUT`].
    pub fn new(platform: &Platform) -> Result<Client, Error> {
        Client::with_timeout(platform, Client::DEFAULT_TIMEOUT)
    }

    /// A client whose requests time out after `timeout` (a timeout is a transient error;
    /// long polls get their poll time on top).
    pub fn with_timeout(platform: &Platform, timeout: Duration) -> Result<Client, Error> {
        let messenger = platform.messenger();
        let target = match platform {
            Platform::Telegram(config) => Target::Telegram(telegram::Outbound::new(config)?),
            Platform::WhatsApp(config) => Target::WhatsApp(whatsapp::Outbound::new(config)?),
            Platform::Vk(config) => Target::Vk(vk::Outbound::new(config)?),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .user_agent(concat!("fundament-messengers/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Config {
                messenger,
                field: "http client",
                expected: format!("a usable HTTP client ({error})"),
            })?;
        let pace = match &target {
            Target::Telegram(_) => telegram::PACE,
            Target::WhatsApp(_) => whatsapp::PACE,
            Target::Vk(_) => vk::PACE,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                messenger,
                http,
                timeout,
                limiter: Limiter::new(pace),
                target,
                delivered: Mutex::new(Delivered::default()),
            }),
        })
    }

    /// The platform this client sends through.
    pub fn messenger(&self) -> Messenger {
        self.inner.messenger
    }

    /// Sends `text` to `chat` (an [`crate::Incoming::chat`]), in several messages if it
    /// is longer than the platform accepts.
    ///
    /// `idempotency_key` names this reply (e.g. the job's id): parts this client already
    /// delivered under it are not sent again, and VK drops a repeat of a part it has.
    /// After a transient failure the part in flight may have arrived; on Telegram and
    /// WhatsApp, which have no deduplication for bots, retrying it may show it twice.
    /// The caller runs one send per key at a time.
    pub async fn send(
        &self,
        chat: &str,
        text: &str,
        idempotency_key: &str,
    ) -> Result<(), SendError> {
        let inner = &*self.inner;
        let messenger = inner.messenger;
        if idempotency_key.is_empty() {
            return Err(SendError::invalid(format!(
                "{messenger}: expected a non-empty idempotency key"
            )));
        }
        let chat = chat.trim();
        let (chat_interval, max_units) = match &inner.target {
            Target::Telegram(telegram) => (telegram.check_chat(chat)?, telegram::MAX_TEXT_UNITS),
            Target::WhatsApp(whatsapp) => (whatsapp.check_chat(chat)?, whatsapp::MAX_TEXT_CHARS),
            Target::Vk(vk) => (vk.check_chat(chat)?, vk::MAX_TEXT_CHARS),
        };
        let parts = split(text, max_units);
        if parts.is_empty() {
            return Err(SendError::invalid(format!(
                "{messenger}: expected a non-empty message text"
            )));
        }
        let done = inner.delivered().done(idempotency_key);
        if done >= parts.len() {
            tracing::debug!(%messenger, "Already delivered under this key; not sent again.");
            return Ok(());
        }
        for (index, part) in parts.iter().enumerate().skip(done) {
            if let Err(wait) = inner.limiter.acquire(chat, chat_interval).await {
                return Err(SendError::new(
                    SendErrorKind::RateLimited,
                    Some(wait),
                    format!("{messenger} asked us to pause sending; {wait:?} left"),
                ));
            }
            let sent = match &inner.target {
                Target::Telegram(telegram) => {
                    telegram.send(&inner.http, inner.timeout, chat, part).await
                }
                Target::WhatsApp(whatsapp) => {
                    whatsapp.send(&inner.http, inner.timeout, chat, part).await
                }
                Target::Vk(vk) => {
                    let random_id = vk::random_id(idempotency_key, index);
                    vk.send(&inner.http, inner.timeout, chat, part, random_id)
                        .await
                }
            };
            if let Err(error) = sent {
                if error.kind == SendErrorKind::RateLimited
                    && let Some(wait) = error.retry_in
                {
                    // Telegram: "wait retry_after seconds before any call" (§5.6).
                    inner.limiter.hold(wait);
                }
                return Err(error);
            }
            inner.delivered().record(idempotency_key, index + 1);
        }
        Ok(())
    }

    /// The Telegram side of this client, for [`telegram::poll`].
    pub(crate) fn telegram(&self) -> Option<(&telegram::Outbound, &reqwest::Client, Duration)> {
        match &self.inner.target {
            Target::Telegram(telegram) => Some((telegram, &self.inner.http, self.inner.timeout)),
            _ => None,
        }
    }
}

impl Inner {
    fn delivered(&self) -> MutexGuard<'_, Delivered> {
        // Only counters live here; a panic elsewhere leaves them usable.
        self.delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Delivered {
    fn done(&self, key: &str) -> usize {
        self.parts.get(key).copied().unwrap_or(0)
    }

    fn record(&mut self, key: &str, parts: usize) {
        if self.parts.insert(key.to_string(), parts).is_none() {
            self.order.push_back(key.to_string());
            while self.order.len() > KEYS_REMEMBERED {
                if let Some(oldest) = self.order.pop_front() {
                    self.parts.remove(&oldest);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_parts_are_remembered_per_key_and_the_oldest_keys_forgotten() {
        let mut delivered = Delivered::default();
        delivered.record("job-1", 1);
        delivered.record("job-1", 2);
        assert_eq!(delivered.done("job-1"), 2);
        assert_eq!(delivered.done("job-2"), 0);
        for index in 0..KEYS_REMEMBERED {
            delivered.record(&format!("other-{index}"), 1);
        }
        assert_eq!(delivered.done("job-1"), 0);
        assert_eq!(delivered.parts.len(), KEYS_REMEMBERED);
    }
}
