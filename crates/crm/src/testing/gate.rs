//! What happens to every request a fake receives, around its handler: recording, the
//! outage switch, auth, injected faults, the CRM's documented limit, and spoiling the
//! answer of an applied request (lost, or a 5xx).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{FakeSetup, FakeState, FakeTask, Fault, Op, Outcome, Recorded};
use super::{amocrm, bitrix24, hubspot, salesforce};
use crate::config::Crm;

/// A lost answer hangs this long; clients time out long before.
const LOST_ANSWER_HANG: Duration = Duration::from_secs(120);

/// What every handler shares: the setup and the book.
pub(crate) struct Shared {
    pub(super) crm: Crm,
    pub(super) setup: FakeSetup,
    pub(super) book: Mutex<Book>,
}

/// The state tests see plus the fake's own bookkeeping.
#[derive(Default)]
pub(crate) struct Book {
    pub(crate) state: FakeState,
    pub(super) faults: VecDeque<Fault>,
    /// Answers to spoil after applying, by the op of the request.
    pub(super) spoiled: Vec<(Op, Spoil)>,
    pub(super) down: bool,
    /// Admission times inside the current window (amoCRM, HubSpot).
    window: VecDeque<Instant>,
    /// Bitrix24's leaky bucket: level and when it was last drained.
    bucket: (f64, Option<Instant>),
    in_flight: usize,
    admitted: usize,
    next_id: u64,
}

/// How an applied request's answer goes wrong.
#[derive(Clone, Copy, Debug)]
pub(super) enum Spoil {
    Lost,
    ServerError,
}

/// Whether a request reaches its handler.
pub(crate) enum Admission {
    Admitted(Ticket),
    /// The answer to send instead.
    Refused(Response),
}

/// An admitted request; holds its in-flight slot until answered.
pub(crate) struct Ticket {
    shared: Arc<Shared>,
    spoil: Option<Spoil>,
}

impl Shared {
    pub(crate) fn book(&self) -> MutexGuard<'_, Book> {
        lock(&self.book)
    }

    pub(crate) fn token(&self) -> &str {
        &self.setup.token
    }

    /// Records the request and decides whether it reaches the handler, or what to answer
    /// instead (down, unauthorized, injected fault, over the limit).
    pub(crate) fn admit(
        self: &Arc<Self>,
        method: &str,
        path: &str,
        authorized: bool,
        ops: Vec<Op>,
    ) -> Admission {
        let now = Instant::now();
        let mut book = self.book();
        let refusal = if book.down {
            Some((Outcome::Down, down()))
        } else if !authorized {
            Some((Outcome::Unauthorized, self.dialect_unauthorized()))
        } else if let Some(fault) = book.faults.pop_front() {
            Some((Outcome::Injected(fault), self.dialect_fault(fault)))
        } else if !book.within_limit(self.crm, &self.setup, now) {
            Some((Outcome::RateLimited, self.dialect_fault(Fault::RateLimited)))
        } else {
            None
        };
        let spoil = match book.spoiled.iter().position(|(op, _)| ops.contains(op)) {
            Some(index) if refusal.is_none() => Some(book.spoiled.remove(index).1),
            _ => None,
        };
        let outcome = match (&refusal, spoil) {
            (Some((outcome, _)), _) => *outcome,
            (None, Some(Spoil::Lost)) => Outcome::Lost,
            (None, Some(Spoil::ServerError)) => Outcome::FailedAfterApply,
            (None, None) => Outcome::Served,
        };
        book.state.requests.push(Recorded {
            at: now,
            method: method.to_string(),
            path: path.to_string(),
            ops,
            outcome,
        });
        if let Some((_, answer)) = refusal {
            return Admission::Refused(answer);
        }
        book.in_flight += 1;
        book.admitted += 1;
        Admission::Admitted(Ticket {
            shared: Arc::clone(self),
            spoil,
        })
    }

    fn dialect_unauthorized(&self) -> Response {
        match self.crm {
            Crm::AmoCrm => amocrm::unauthorized(),
            Crm::Bitrix24 => bitrix24::unauthorized(),
            Crm::HubSpot => hubspot::unauthorized(),
            Crm::Salesforce => salesforce::unauthorized(),
        }
    }

    fn dialect_fault(&self, fault: Fault) -> Response {
        match (self.crm, fault) {
            (Crm::AmoCrm, Fault::ServerError) => amocrm::server_error(),
            (Crm::AmoCrm, Fault::RateLimited) => amocrm::rate_limited(),
            (Crm::Bitrix24, Fault::ServerError) => bitrix24::server_error(),
            (Crm::Bitrix24, Fault::RateLimited) => bitrix24::rate_limited(),
            (Crm::HubSpot, Fault::ServerError) => hubspot::server_error(),
            (Crm::HubSpot, Fault::RateLimited) => hubspot::rate_limited(),
            (Crm::Salesforce, Fault::ServerError) => salesforce::server_error(),
            (Crm::Salesforce, Fault::RateLimited) => salesforce::rate_limited(),
        }
    }
}

impl Book {
    /// The CRM's documented limit, counted on admitted requests.
    fn within_limit(&mut self, crm: Crm, setup: &FakeSetup, now: Instant) -> bool {
        if setup
            .allocation
            .is_some_and(|allocation| self.admitted >= allocation)
        {
            return false;
        }
        let (max, window) = match crm {
            // crm-apis.md §1.6: 7 requests per second.
            Crm::AmoCrm => (7, Duration::from_secs(1)),
            // §3.4: 100 per 10 seconds (Free/Starter).
            Crm::HubSpot => (100, Duration::from_secs(10)),
            // §2.5: leaky bucket, +1 per request, drains 2/s, 50 requests of headroom.
            Crm::Bitrix24 => {
                let (level, drained_at) = self.bucket;
                let elapsed = drained_at.map_or(0.0, |at| (now - at).as_secs_f64());
                let level = (level - 2.0 * elapsed).max(0.0);
                self.bucket = (level, Some(now));
                if level + 1.0 > 50.0 {
                    return false;
                }
                self.bucket.0 = level + 1.0;
                return true;
            }
            // §4.4: 25 concurrent requests.
            Crm::Salesforce => return self.in_flight < 25,
        };
        while self
            .window
            .front()
            .is_some_and(|&at| now.duration_since(at) >= window)
        {
            self.window.pop_front();
        }
        if self.window.len() >= max {
            return false;
        }
        self.window.push_back(now);
        true
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Adds a task with an id in the CRM's style; returns the id.
    pub(crate) fn add_task(
        &mut self,
        crm: Crm,
        deal: &str,
        title: &str,
        text: &str,
        due: &str,
    ) -> String {
        let number = self.next_id();
        let id = match crm {
            // Salesforce Task ids start with the key prefix 00T.
            Crm::Salesforce => format!("00T{number:015}"),
            _ => (1000 + number).to_string(),
        };
        self.state.tasks.push(FakeTask {
            id: id.clone(),
            deal: deal.to_string(),
            title: title.to_string(),
            text: text.to_string(),
            due: due.to_string(),
        });
        id
    }
}

impl Ticket {
    /// Sends `answer` after the configured latency, or spoils it as told.
    pub(crate) async fn answer(self, answer: Response) -> Response {
        tokio::time::sleep(self.shared.setup.latency).await;
        match self.spoil {
            None => answer,
            Some(Spoil::ServerError) => self.shared.dialect_fault(Fault::ServerError),
            Some(Spoil::Lost) => {
                tokio::time::sleep(LOST_ANSWER_HANG).await;
                answer
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut book = self.shared.book();
        book.in_flight = book.in_flight.saturating_sub(1);
    }
}

/// The bearer token of a request, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// A JSON answer with the CRM's content type.
pub(crate) fn json(status: StatusCode, content_type: &'static str, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response()
}

/// A live connection to a stopped fake: close it.
fn down() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONNECTION, "close")],
        "",
    )
        .into_response()
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not make the fake unusable for the assertions after it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Seconds since the Unix epoch, for timestamps in answers.
pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
