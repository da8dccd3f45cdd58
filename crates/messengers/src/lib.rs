//! The messenger platforms our chatbots speak through: Telegram (Bot API), WhatsApp
//! (Business Cloud API) and VK (Callback API for community bots), as crm-apis.md §5–8
//! documents them.
//!
//! # What it does
//!
//! Inbound, per platform module ([`telegram`], [`whatsapp`], [`vk`]): checks that a webhook
//! delivery really comes from the platform for this bot (a secret header, an HMAC over the
//! raw body, or a secret field, each compared in constant time; WhatsApp's subscription
//! handshake too) and reads it into [`Incoming`] messages: who wrote, in which chat, what,
//! and a delivery id to drop the platform's repeated deliveries by. Telegram can also be
//! read by long polling ([`telegram::poll`]).
//!
//! Outbound, a [`Client`] per configured bot channel ([`Platform`]) sends text replies:
//! split where the platform's length limit requires, paced by an in-process limiter sized
//! to the platform's documented limits and shared by the client's clones. Failures come
//! back as [`SendError`]: rate limits and transient failures are `retryable`, with
//! `retry_in` when the platform said how long to wait; a send makes one attempt per
//! message part, and retrying is the caller's job queue's. The idempotency key makes a
//! retried send safe where the platform allows: VK drops a repeated `random_id` (derived
//! from the key), and parts a client already delivered are not sent again.
//!
//! ```no_run
//! # async fn example(body: &[u8], header: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
//! let platform: messengers::Platform = serde_json::from_str(
//!     r#"{"kind":"telegram","token":"123:ABC","secret_token":"s3cret"}"#,
//! )?;
//! let messengers::Platform::Telegram(config) = &platform else { unreachable!() };
//! messengers::telegram::verify(config, header)?; // Err: answer 403
//! if let Some(message) = messengers::telegram::parse_update(body)? {
//!     let client = messengers::Client::new(&platform)?;
//!     match client.send(&message.chat, "Здравствуйте!", &message.delivery_id).await {
//!         Ok(()) => {}
//!         Err(error) if error.retryable => println!("retry in {:?}", error.retry_in),
//!         Err(error) => return Err(error.into()),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What it must not know
//!
//! Nothing of fundament's store, HTTP server, dialogue engine or job queue: raw bodies and
//! header values come in, plain values and HTTP calls to the platforms go out. It never
//! answers a webhook itself (the caller maps [`Error`] to a status and replies), keeps no
//! conversation state, and does not register webhooks or read the environment.
//!
//! # TLS
//!
//! As in `crm`: HTTPS through the system's OpenSSL from the default `tls` feature (not
//! rustls, whose process-wide provider would make other reqwest clients in a build panic).
//! Built without it, an `https` API base is refused by [`Client::new`].
//!
//! # Testing
//!
//! The `testing` feature adds [`testing`]: one local server per platform speaking the
//! endpoints used here with their documented answers, limits and auth, plus fault
//! injection, and builders of signed webhook deliveries for the server's tests.

mod client;
mod config;
mod error;
mod http;
mod limit;
mod split;
pub mod telegram;
#[cfg(feature = "testing")]
pub mod testing;
mod verify;
pub mod vk;
pub mod whatsapp;

pub use client::Client;
pub use config::{Messenger, Platform, Secret};
pub use error::{Error, SendError, SendErrorKind};

/// One message a customer wrote, as read from a platform's delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// The platform's id of this delivery (Telegram `update_id`, WhatsApp `wamid`, VK
    /// `event_id`): the same message delivered twice carries the same id.
    pub delivery_id: String,
    /// Where to reply: Telegram chat id, WhatsApp `wa_id`, VK `peer_id`; pass it to
    /// [`Client::send`] as it is.
    pub chat: String,
    /// What the customer wrote, or the button they pressed (its data or title).
    pub text: String,
    /// The name the platform shows for the sender, when it tells it.
    pub name: Option<String>,
    /// The sender's own phone in E.164 (`+` and digits), when the platform vouches for it:
    /// WhatsApp always, Telegram when the user shared their own contact.
    pub phone: Option<String>,
}
