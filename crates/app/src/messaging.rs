//! Bots in messengers: the channels configured per bot (Telegram, WhatsApp,
//! VK), replies sent through the durable job queue (written in the same
//! transaction as the conversation, so an answer is never lost and never
//! sent twice for one message), and Telegram long polling for bots without
//! a public webhook.

use std::collections::HashMap;
use std::time::Duration;

use messengers::{Client, Incoming, Messenger, Platform};
use serde_json::{Map, Value as Json, json};
use store::{Job, Tx};
use tokio::sync::watch;

use crate::{Actor, App, Error, Inbound, Result};

/// The job that sends one bot reply through a messenger.
pub(crate) const SEND_JOB: &str = "send_message";

/// A message's replies wait this long at most before the first try again.
const FIRST_RETRY: Duration = Duration::from_secs(2);

/// One outbound client per (bot, channel), built from the configuration.
pub(crate) fn clients(channels: &[(String, Platform)]) -> HashMap<(String, String), Client> {
    let mut clients = HashMap::new();
    for (bot, platform) in channels {
        match Client::new(platform) {
            Ok(client) => {
                clients.insert(
                    (bot.clone(), channel_name(platform.messenger()).to_string()),
                    client,
                );
            }
            Err(error) => {
                tracing::error!(bot = %bot, error = %error, "Messenger channel not usable.");
            }
        }
    }
    clients
}

/// The channel name conversations of a messenger are kept under.
pub fn channel_name(messenger: Messenger) -> &'static str {
    match messenger {
        Messenger::Telegram => "telegram",
        Messenger::WhatsApp => "whatsapp",
        Messenger::Vk => "vk",
    }
}

impl App {
    /// The configuration of a bot's channel on a messenger, for verifying
    /// its deliveries.
    pub fn channel(&self, bot: &str, messenger: Messenger) -> Option<&Platform> {
        self.config
            .channels
            .iter()
            .find(|(name, platform)| name == bot && platform.messenger() == messenger)
            .map(|(_, platform)| platform)
    }

    /// Answers a message a messenger delivered; the replies go out through
    /// the job queue. A delivery seen before does nothing.
    pub async fn converse_in(
        &self,
        bot: &str,
        messenger: Messenger,
        incoming: Incoming,
    ) -> Result<()> {
        let mut profile = Map::new();
        if let Some(name) = incoming.name {
            profile.insert("name".into(), json!(name));
        }
        if let Some(phone) = incoming.phone {
            profile.insert("phone".into(), json!(phone));
        }
        let actor = Actor {
            label: format!("{}:{bot}", channel_name(messenger)),
            role: domain::Role::Bot,
            user_id: None,
        };
        let inbound = Inbound {
            bot: bot.to_string(),
            channel: channel_name(messenger).to_string(),
            chat: incoming.chat,
            delivery_id: Some(incoming.delivery_id),
            text: incoming.text,
            profile,
        };
        self.converse(&actor, &inbound).await.map(|_| ())
    }

    /// Queues the replies of one message, inside its transaction.
    pub(crate) async fn queue_replies(
        &self,
        tx: &mut Tx,
        inbound: &Inbound,
        key: &str,
        messages: &[String],
    ) -> Result<bool> {
        if !self
            .messengers
            .contains_key(&(inbound.bot.clone(), inbound.channel.clone()))
        {
            return Ok(false);
        }
        for (i, text) in messages.iter().enumerate() {
            let payload = json!({
                "bot": inbound.bot,
                "channel": inbound.channel,
                "chat": inbound.chat,
                "text": text,
                "key": format!("{key}:{i}"),
            });
            tx.enqueue_job(SEND_JOB, &payload.to_string(), 20).await?;
        }
        self.jobs_ready.notify_one();
        Ok(true)
    }

    /// Sends one queued reply: done, or when to try again.
    pub(crate) async fn run_send(
        &self,
        job: &Job,
        payload: &Json,
    ) -> Result<crate::worker::JobOutcome> {
        use crate::worker::JobOutcome;
        let field = |name: &str| {
            payload
                .get(name)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let Some(client) = self.messengers.get(&(field("bot"), field("channel"))) else {
            return Ok(JobOutcome::Done(
                json!({"error": "the channel is no longer configured"}),
            ));
        };
        match client
            .send(&field("chat"), &field("text"), &field("key"))
            .await
        {
            Ok(()) => Ok(JobOutcome::Done(json!({"sent": true}))),
            Err(error) if error.retryable => {
                let backoff = FIRST_RETRY * 2u32.saturating_pow(job.attempts.clamp(0, 8) as u32);
                Ok(JobOutcome::RetryIn(
                    error.retry_in.unwrap_or(backoff),
                    error.message,
                ))
            }
            // The platform refused for good (a blocked bot, a wrong chat): recorded, not retried.
            Err(error) => Ok(JobOutcome::Done(json!({"error": error.message}))),
        }
    }
}

/// Long-polls Telegram for a bot configured without a webhook secret, until
/// `shutdown`. Updates Telegram hands out again after a restart are
/// deliveries already seen, so nothing is answered twice.
pub async fn poll_telegram(app: App, bot: String, mut shutdown: watch::Receiver<bool>) {
    let Some(client) = app
        .messengers
        .get(&(bot.clone(), "telegram".to_string()))
        .cloned()
    else {
        return;
    };
    let mut offset = None;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let polled = tokio::select! {
            polled = messengers::telegram::poll(&client, offset, 25) => polled,
            _ = shutdown.changed() => return,
        };
        match polled {
            Ok(polled) => {
                for incoming in polled.incoming {
                    if let Err(error) = app.converse_in(&bot, Messenger::Telegram, incoming).await {
                        // The update is confirmed below anyway: a message the bot
                        // cannot take would otherwise block every later one.
                        tracing::warn!(bot = %bot, error = %error, "A Telegram message was not answered.");
                    }
                }
                offset = polled.next_offset.or(offset);
            }
            Err(error) => {
                tracing::warn!(bot = %bot, error = %error.message, "Telegram polling failed; retrying.");
                let wait = error.retry_in.unwrap_or(Duration::from_secs(5));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

impl From<messengers::Error> for Error {
    fn from(error: messengers::Error) -> Self {
        if error.is_forbidden() {
            Error::Forbidden(error.to_string())
        } else {
            Error::BadRequest(error.to_string())
        }
    }
}
