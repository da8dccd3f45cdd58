//! Pushes lead scores and recommended tasks back into the CRM the sales team works in:
//! amoCRM, Bitrix24, HubSpot and Salesforce, through their REST APIs.
//!
//! # What it does
//!
//! A [`Client`] is built from a [`Connection`] (loaded from the app's configuration) and
//! given [`Update`]s: a deal's probability, the reasons and next action, optionally a
//! [`Task`], and an idempotency key. [`Client::push`] writes the score and reasons into the
//! deal's custom fields and creates the task unless one carrying the key exists, so a
//! retry after a lost answer does not duplicate it. [`Client::push_many`] does the same
//! for many updates (Bitrix24 through `batch`, the others one by one).
//!
//! Every request waits for an in-process rate limiter sized to the CRM's documented limit
//! (`/work/shared/reference/crm-apis.md`, cited by section in the code). Failures come back
//! as [`PushError`]: rate-limited and transient ones are [`PushError::retryable`] with a
//! suggested [`PushError::retry_in`]; bad credentials and rejected requests are not. A
//! push makes one attempt per request; retrying is the caller's job queue's.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let connection: crm::Connection = serde_json::from_str(
//!     r#"{"kind":"hubspot","token":"pat-...","score_property":"fundament_score"}"#,
//! )?;
//! let client = crm::Client::new(&connection)?;
//! let update = crm::Update {
//!     crm_deal_id: "1234567".into(),
//!     probability: 0.73,
//!     reasons: "Replied within a day; budget confirmed".into(),
//!     action: "Send the proposal".into(),
//!     task: None,
//!     key: "score:1234567:v3".into(),
//! };
//! match client.push(&update).await {
//!     Ok(pushed) => println!("{:?}", pushed.task),
//!     Err(error) if error.retryable() => println!("retry in {:?}", error.retry_in(1)),
//!     Err(error) => return Err(error.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What it must not know
//!
//! Nothing of fundament's store, HTTP server, CLI, files or job queue: plain values come
//! in, HTTP calls go out. It does not read the environment or refresh OAuth tokens; the
//! caller passes a valid token in the [`Connection`].
//!
//! # TLS
//!
//! HTTPS comes from the default `tls` feature: reqwest over the system's OpenSSL
//! (`native-tls`). Not rustls: reqwest's rustls without aws-lc (which does not build on
//! these machines) needs a process-wide crypto provider, and cargo's feature
//! unification would make every other `reqwest::Client` in a workspace build panic
//! without one. Built without `tls`, an `https` URL is refused by [`Client::new`] with
//! [`ConfigError::TlsDisabled`].
//!
//! # Testing
//!
//! The `testing` feature adds [`testing`]: one local server per CRM speaking the
//! endpoints used here, with the documented limits, error bodies and auth, plus fault
//! injection (5xx, rate limits, lost answers, outages).

mod amocrm;
mod bitrix24;
mod client;
mod config;
mod error;
mod hubspot;
mod limit;
mod salesforce;
#[cfg(feature = "testing")]
pub mod testing;
mod transport;
mod update;

pub use client::Client;
pub use config::{Connection, Crm, Secret};
pub use error::{ConfigError, PushError};
pub use update::{Pushed, Task, TaskOutcome, Update};
