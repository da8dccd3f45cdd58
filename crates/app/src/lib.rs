//! # app
//!
//! fundament's use cases, and the only crate that combines the others:
//! records with roles and ownership, API keys, users and sessions, importing
//! files, exporting, the audit log, the demo data set and the background
//! worker. The HTTP server and the CLI are thin shells around [`App`].
//!
//! Every write checks the actor's role, lands in one transaction together
//! with its audit entry, and either happens whole or not at all.
//!
//! This crate knows nothing of HTTP, terminals or templates.
//!
//! ```no_run
//! # async fn demo() -> Result<(), app::Error> {
//! let app = app::App::open("sqlite::memory:", app::AppConfig::default()).await?;
//! let (key, _row) = app.create_key(&app::Actor::system("cli"), domain::Role::Analyst, "bi", None).await?;
//! let actor = app.authenticate_key(&key).await?;
//! # Ok(()) }
//! ```

mod access;
mod actor;
mod audit;
mod bot_quality;
mod calls;
mod churn;
mod conversations;
mod demo_data;
mod error;
mod export;
mod importing;
mod master;
mod messages;
mod messaging;
mod offers;
mod records;
mod scoring;
mod worker;

pub use access::{KEY_PREFIX, LoginSession};
pub use actor::{Actor, Permission};
pub use bot_quality::{BotQuality, CorrectedEntity, Correction};
pub use calls::{Call, CallReport, Utterance};
pub use churn::{CHURN_TASK, ChurnScore};
pub use conversations::{Bots, Handoff, Inbound, Reply};
pub use converse::Bot;
pub use crm::Connection as CrmConnection;
pub use demo_data::DemoSummary;
pub use error::{Error, Result};
pub use export::ExportFormat;
pub use importing::{ImportOptions, ImportPreview, ImportProgress, ImportReport, presets};
pub use kb::{Generator, GeneratorConfig};
pub use master::{CandidatePair, Lineage, MERGEABLE, Merge, ProbableMatch};
pub use messaging::{channel_name, poll_telegram};
/// The messenger protocols, for the server's channel endpoints.
pub use messengers;
pub use nlu::{NluModel, Parse as MessageParse};
pub use offers::Offer;
pub use quality::dedupe::FieldWeight;
pub use quality::readiness::Report as ReadinessReport;
pub use records::BulkOutcome;
pub use scoring::{Action, CallFirst, DealScore, DriftReport, LEAD_TASK, ModelSummary, recommend};
pub use store::ReviewRow;
pub use worker::run_worker;

/// The store's and the importer's types that callers need, re-exported so
/// that the server and the CLI depend on `app` alone.
pub use import::{Encoding, Format, PresetSummary, TableOptions};
pub use store::{
    ApiKeyRow, AuditEntry, AuditVerification, Filter, FilterOp, Job, JobStatus, ListQuery,
    MAX_PAGE, Page, Sort,
};

use std::path::PathBuf;
use std::sync::Arc;

use domain::ParseContext;
use store::Store;

/// Settings of the use cases.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// How to read phones, amounts and times that leave something implicit.
    pub parse: ParseContext,
    /// A directory of the user's own mapping presets (`<name>.toml`).
    pub presets_dir: Option<PathBuf>,
    /// Where uploaded files wait for the import worker.
    pub uploads_dir: Option<PathBuf>,
    /// CRMs to write scores and tasks back to, by the source system name
    /// their records carry (`amocrm`, `bitrix24`, `hubspot`, `salesforce`).
    pub crm: Vec<(String, crm::Connection)>,
    /// The NLU model `POST /model/parse` answers with (`fundament nlu train`).
    pub nlu: Option<Arc<nlu::NluModel>>,
    /// The chatbots, by name.
    pub bots: Bots,
    /// Messenger channels of the bots: (bot name, platform and credentials).
    pub channels: Vec<(String, messengers::Platform)>,
    /// A language model that phrases the bots' knowledge-base answers from
    /// the passages found (OpenAI-compatible; off unless configured).
    pub generator: Option<kb::Generator>,
}

/// The application: a store plus the rules for using it.
#[derive(Clone)]
pub struct App {
    store: Store,
    config: Arc<AppConfig>,
    keys: Arc<access::KeyCache>,
    /// Matching indexes by kind, rebuilt when the kind's records change.
    indexes: Arc<tokio::sync::Mutex<master::Indexes>>,
    /// One write-back client per CRM, shared so that its rate limit is too.
    crm: Arc<std::collections::HashMap<String, crm::Client>>,
    /// One client per (bot, messenger channel), shared likewise.
    messengers: Arc<std::collections::HashMap<(String, String), messengers::Client>>,
    /// Wakes an idle worker when a job is queued that should not wait.
    jobs_ready: Arc<tokio::sync::Notify>,
    /// The latest saved state of recent chats (see `conversations.rs`).
    conversation_cache:
        Arc<std::sync::Mutex<std::collections::HashMap<String, store::ConversationRow>>>,
}

impl App {
    /// Connects to a database URL and applies pending migrations.
    pub async fn open(url: &str, config: AppConfig) -> Result<Self> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(Self::new(store, config))
    }

    /// Wraps an open, migrated store.
    pub fn new(store: Store, config: AppConfig) -> Self {
        let mut crm = std::collections::HashMap::new();
        for (system, connection) in &config.crm {
            match crm::Client::new(connection) {
                Ok(client) => {
                    crm.insert(system.to_lowercase(), client);
                }
                Err(error) => {
                    tracing::error!(system = %system, error = %error, "CRM connection not usable; scores stay local.");
                }
            }
        }
        Self {
            messengers: Arc::new(messaging::clients(&config.channels)),
            jobs_ready: Arc::default(),
            conversation_cache: Arc::default(),
            crm: Arc::new(crm),
            store,
            config: Arc::new(config),
            keys: Arc::new(access::KeyCache::default()),
            indexes: Arc::default(),
        }
    }

    /// The store, for health checks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
}
