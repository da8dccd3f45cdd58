//! Local stand-ins for the four CRMs, for this crate's tests and the app's: one axum server
//! per CRM on `127.0.0.1:0`, speaking exactly the endpoints [`crate::Client`] uses with the
//! request and response shapes of crm-apis.md (and the vendor pages cited next to them).
//!
//! Each fake checks auth (Bearer token, or the webhook code in Bitrix24's path), enforces
//! the CRM's documented limit with its documented error answer, records every request and
//! every applied change, and can be told to fail: injected 5xx or rate-limit answers, an
//! answer lost or turned into a 5xx after the change was applied, or an outage ([`FakeCrm::stop`] and
//! [`FakeCrm::restart`] on the same port and state). It is not a CRM: no pipelines,
//! users or permissions, and only the fields the client writes.

mod amocrm;
mod bitrix24;
mod gate;
mod hubspot;
mod salesforce;

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::{Connection, Crm, Secret};
pub(crate) use gate::{Admission, bearer, json, unix_now};
use gate::{Book, Shared, Spoil, lock};

/// The amoCRM fake's custom field ids for the score and the reasons.
pub const AMO_SCORE_FIELD_ID: i64 = 1001;
pub const AMO_REASONS_FIELD_ID: i64 = 1002;
/// The Bitrix24 fake's deal user fields.
pub const BITRIX_SCORE_FIELD: &str = "UF_CRM_FUNDAMENT_SCORE";
pub const BITRIX_REASONS_FIELD: &str = "UF_CRM_FUNDAMENT_REASONS";
/// The HubSpot fake's deal properties.
pub const HUBSPOT_SCORE_PROPERTY: &str = "fundament_score";
pub const HUBSPOT_REASONS_PROPERTY: &str = "fundament_reasons";
/// The Salesforce fake's Opportunity fields.
pub const SALESFORCE_SCORE_FIELD: &str = "Fundament_Score__c";
pub const SALESFORCE_REASONS_FIELD: &str = "Fundament_Reasons__c";

/// How a fake starts.
#[derive(Clone, Debug)]
pub struct FakeSetup {
    /// The token (Bitrix24: the webhook code) the fake accepts.
    pub token: String,
    /// Deal ids that exist; others are "not found".
    pub deals: Vec<String>,
    /// Added to every admitted request, so concurrency limits can actually be reached.
    pub latency: Duration,
    /// Requests admitted in total before the fake answers with its rate-limit error
    /// (Salesforce's 24-hour allocation, HubSpot's daily limit). `None`: unlimited.
    pub allocation: Option<usize>,
}

impl FakeSetup {
    /// Token `test-token`, no latency, no allocation.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(deals: I) -> FakeSetup {
        FakeSetup {
            token: "test-token".to_string(),
            deals: deals.into_iter().map(Into::into).collect(),
            latency: Duration::ZERO,
            allocation: None,
        }
    }
}

/// What the fake holds and saw. Field values are kept as the CRM received them.
#[derive(Clone, Debug, Default)]
pub struct FakeState {
    /// Deal id → field (amoCRM: the field id as text) → value.
    pub deals: BTreeMap<String, BTreeMap<String, Value>>,
    /// Tasks (Bitrix24: activities) in creation order.
    pub tasks: Vec<FakeTask>,
    /// Every request that reached the fake, in arrival order.
    pub requests: Vec<Recorded>,
}

/// A task on a deal.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeTask {
    pub id: String,
    pub deal: String,
    /// Title or subject, where the CRM has one.
    pub title: String,
    /// Text, body or description.
    pub text: String,
    /// Due time or date, as sent.
    pub due: String,
}

/// One request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// What it asked for (several for a Bitrix24 batch).
    pub ops: Vec<Op>,
    pub outcome: Outcome,
}

/// What the fake did with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Handled; the answer may still be an error about the request itself (e.g. 400).
    Served,
    /// Applied, but the answer was never sent.
    Lost,
    /// Applied, then answered with the CRM's 5xx (a gateway failing after the commit).
    FailedAfterApply,
    Unauthorized,
    /// Refused by the CRM's documented limit.
    RateLimited,
    /// Answered with an injected fault, nothing applied.
    Injected(Fault),
    /// Arrived on a connection open from before [`FakeCrm::stop`]; answered 503.
    Down,
}

/// A failure the fake answers the next request with, before applying anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The CRM's 5xx answer.
    ServerError,
    /// The CRM's rate-limit answer (status and body as documented).
    RateLimited,
}

/// What a request does, for recording and for choosing which answer to lose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    UpdateDeal,
    FindTask,
    CreateTask,
}

/// A running fake CRM.
pub struct FakeCrm {
    crm: Crm,
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Mutex<Option<oneshot::Sender<()>>>,
}

impl FakeCrm {
    /// Starts a fake of `crm` on a free loopback port.
    pub async fn start(crm: Crm, setup: FakeSetup) -> io::Result<FakeCrm> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let mut book = Book::default();
        for deal in &setup.deals {
            book.state.deals.insert(deal.clone(), BTreeMap::new());
        }
        let shared = Arc::new(Shared {
            crm,
            setup,
            book: Mutex::new(book),
        });
        let fake = FakeCrm {
            crm,
            addr,
            shared,
            server: Mutex::new(None),
        };
        fake.serve(listener);
        Ok(fake)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A connection that reaches this fake with its token and fields.
    pub fn connection(&self) -> Connection {
        let base_url = self.base_url();
        let token = Secret::new(self.shared.setup.token.clone());
        match self.crm {
            Crm::AmoCrm => Connection::AmoCrm {
                base_url,
                access_token: token,
                score_field_id: AMO_SCORE_FIELD_ID,
                reasons_field_id: Some(AMO_REASONS_FIELD_ID),
            },
            Crm::Bitrix24 => Connection::Bitrix24 {
                webhook_url: Secret::new(format!("{base_url}/rest/1/{}/", token.expose())),
                score_field: BITRIX_SCORE_FIELD.to_string(),
                reasons_field: Some(BITRIX_REASONS_FIELD.to_string()),
            },
            Crm::HubSpot => Connection::HubSpot {
                base_url,
                token,
                score_property: HUBSPOT_SCORE_PROPERTY.to_string(),
                reasons_property: Some(HUBSPOT_REASONS_PROPERTY.to_string()),
            },
            Crm::Salesforce => Connection::Salesforce {
                instance_url: base_url,
                access_token: token,
                api_version: "61.0".to_string(),
                score_field: SALESFORCE_SCORE_FIELD.to_string(),
                reasons_field: Some(SALESFORCE_REASONS_FIELD.to_string()),
            },
        }
    }

    /// The keys under which [`FakeState::deals`] holds the score and the reasons.
    pub fn fields(&self) -> (String, String) {
        match self.crm {
            Crm::AmoCrm => (
                AMO_SCORE_FIELD_ID.to_string(),
                AMO_REASONS_FIELD_ID.to_string(),
            ),
            Crm::Bitrix24 => (BITRIX_SCORE_FIELD.into(), BITRIX_REASONS_FIELD.into()),
            Crm::HubSpot => (
                HUBSPOT_SCORE_PROPERTY.into(),
                HUBSPOT_REASONS_PROPERTY.into(),
            ),
            Crm::Salesforce => (
                SALESFORCE_SCORE_FIELD.into(),
                SALESFORCE_REASONS_FIELD.into(),
            ),
        }
    }

    /// A copy of what the fake holds and saw.
    pub fn state(&self) -> FakeState {
        self.shared.book().state.clone()
    }

    /// Answers the next requests with `faults`, in order, applying nothing.
    pub fn inject(&self, faults: &[Fault]) {
        self.shared.book().faults.extend(faults.iter().copied());
    }

    /// Applies the next request doing `op`, then never answers it (a lost response).
    pub fn lose_answer(&self, op: Op) {
        self.shared.book().spoiled.push((op, Spoil::Lost));
    }

    /// Applies the next request doing `op`, then answers it with the CRM's 5xx.
    pub fn fail_after_apply(&self, op: Op) {
        self.shared.book().spoiled.push((op, Spoil::ServerError));
    }

    /// Adds a task to `deal` as if someone had created it by hand; returns its id.
    pub fn seed_task(&self, deal: &str, text: &str) -> String {
        self.shared.book().add_task(self.crm, deal, "", text, "")
    }

    /// Takes the CRM down: the port refuses connections until [`FakeCrm::restart`].
    pub async fn stop(&self) {
        self.shared.book().down = true;
        if let Some(shutdown) = lock(&self.server).take() {
            let _ = shutdown.send(());
        }
        // axum drops the listener shortly after the signal; wait until the port is free so
        // that "stopped" really means refused.
        for _ in 0..500 {
            if std::net::TcpListener::bind(self.addr).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Serves again on the same port with the same state.
    pub async fn restart(&self) -> io::Result<()> {
        self.stop().await;
        let mut last_error = None;
        for _ in 0..500 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => {
                    self.shared.book().down = false;
                    self.serve(listener);
                    return Ok(());
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("could not rebind the port")))
    }

    fn serve(&self, listener: TcpListener) {
        let routes = match self.crm {
            Crm::AmoCrm => amocrm::router(),
            Crm::Bitrix24 => bitrix24::router(),
            Crm::HubSpot => hubspot::router(),
            Crm::Salesforce => salesforce::router(),
        };
        let app: Router = routes.with_state(Arc::clone(&self.shared));
        let (shutdown, signal) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
        });
        *lock(&self.server) = Some(shutdown);
    }
}

impl Drop for FakeCrm {
    fn drop(&mut self) {
        if let Some(shutdown) = lock(&self.server).take() {
            let _ = shutdown.send(());
        }
    }
}
