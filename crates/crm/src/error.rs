//! Why a push or a client setup failed, and how long a caller should wait before retrying.
//! The caller (fundament's job queue) retries; nothing here sleeps.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Crm;

/// Why a push did not complete. Every variant names the CRM, the deal and the step.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PushError {
    /// The CRM (or its documented limit) asked us to slow down. Retryable.
    #[error(
        "{crm} is rate-limiting requests ({step}, deal {deal}); expected to be allowed again in {retry_after:?}"
    )]
    RateLimited {
        crm: Crm,
        deal: String,
        step: &'static str,
        retry_after: Duration,
    },
    /// 5xx, timeout or connection failure: the CRM may or may not have applied the step.
    /// Retryable; pushes are safe to repeat.
    #[error("{crm} gave no usable answer while {step} for deal {deal}: {detail}")]
    Transient {
        crm: Crm,
        deal: String,
        step: &'static str,
        detail: String,
    },
    /// The CRM refused the credentials (HTTP 401). Not retryable until the token is fixed.
    #[error(
        "{crm} refused the credentials while {step} for deal {deal}: expected a valid token; {body}"
    )]
    Auth {
        crm: Crm,
        deal: String,
        step: &'static str,
        body: String,
    },
    /// The CRM refused the request itself (a 4xx other than 401 and rate limits),
    /// e.g. an unknown field or deal. Not retryable; `body` is the CRM's error body.
    #[error("{crm} rejected {step} for deal {deal} with HTTP {status}: {body}")]
    Rejected {
        crm: Crm,
        deal: String,
        step: &'static str,
        status: u16,
        body: String,
    },
    /// A success status with a body we cannot read. Not retryable: the contract changed.
    #[error(
        "{crm} answered {step} for deal {deal} with an unexpected body; expected {expected}: {body}"
    )]
    Unexpected {
        crm: Crm,
        deal: String,
        step: &'static str,
        expected: &'static str,
        body: String,
    },
    /// The update cannot be sent as it is (checked before any request). Not retryable.
    #[error("cannot push to {crm} deal {deal:?}: expected {expected}")]
    Invalid {
        crm: Crm,
        deal: String,
        expected: String,
    },
}

/// Why a [`crate::Client`] could not be built from a [`crate::Connection`].
#[derive(Clone, Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{crm} {field} is not an absolute http(s) URL: {reason}")]
    BadUrl {
        crm: Crm,
        field: &'static str,
        reason: String,
    },
    #[error("{crm} {field} uses https, but this build of `crm` lacks the `tls` feature")]
    TlsDisabled { crm: Crm, field: &'static str },
    #[error("{crm} api_version {value:?}: expected a version such as 61.0")]
    BadApiVersion { crm: Crm, value: String },
    #[error("could not build the HTTP client for {crm}: {reason}")]
    Http { crm: Crm, reason: String },
}

/// First retry delay for transient failures.
const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest delay `retry_in` suggests for transient failures.
const BACKOFF_CAP: Duration = Duration::from_secs(300);

impl PushError {
    /// Whether repeating the same push later can succeed.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            PushError::RateLimited { .. } | PushError::Transient { .. }
        )
    }

    /// How long to wait before attempt `attempt + 1`, where `attempt` counts the attempts
    /// made so far (1 after the first failure).
    ///
    /// Transient: exponential from 1 s, capped at 5 min, with "equal jitter" (between half
    /// and all of the step). Rate-limited: never sooner than the CRM asked, plus up to a
    /// quarter more so many waiting jobs do not return together, and no sooner than the
    /// transient backoff for this attempt. Not retryable: zero; check
    /// [`PushError::retryable`] first.
    pub fn retry_in(&self, attempt: u32) -> Duration {
        match self {
            PushError::Transient { .. } => backoff(attempt),
            PushError::RateLimited { retry_after, .. } => {
                let asked = *retry_after + retry_after.mul_f64(0.25 * jitter());
                asked.max(backoff(attempt))
            }
            _ => Duration::ZERO,
        }
    }

    /// The CRM this error came from.
    pub fn crm(&self) -> Crm {
        match self {
            PushError::RateLimited { crm, .. }
            | PushError::Transient { crm, .. }
            | PushError::Auth { crm, .. }
            | PushError::Rejected { crm, .. }
            | PushError::Unexpected { crm, .. }
            | PushError::Invalid { crm, .. } => *crm,
        }
    }

    /// The same error, attributed to another deal and step (one batch call serves many).
    pub(crate) fn rebind(mut self, deal_id: &str, to_step: &'static str) -> Self {
        match &mut self {
            PushError::RateLimited { deal, step, .. }
            | PushError::Transient { deal, step, .. }
            | PushError::Auth { deal, step, .. }
            | PushError::Rejected { deal, step, .. }
            | PushError::Unexpected { deal, step, .. } => {
                *deal = deal_id.to_string();
                *step = to_step;
            }
            PushError::Invalid { deal, .. } => *deal = deal_id.to_string(),
        }
        self
    }
}

fn backoff(attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let step = BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_CAP);
    step / 2 + step.mul_f64(0.5 * jitter())
}

/// A number in `[0, 1)`, different on every call. Jitter only needs to spread retries,
/// not resist prediction, so a clock-seeded splitmix64 is enough (no `rand` dependency).
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    let mut z = nanos
        .wrapping_add(COUNTER.fetch_add(1, Ordering::Relaxed))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient() -> PushError {
        PushError::Transient {
            crm: Crm::AmoCrm,
            deal: "1".into(),
            step: "updating the deal's fields",
            detail: "HTTP 502".into(),
        }
    }

    fn rate_limited(retry_after: Duration) -> PushError {
        PushError::RateLimited {
            crm: Crm::HubSpot,
            deal: "1".into(),
            step: "creating the task",
            retry_after,
        }
    }

    #[test]
    fn only_rate_limits_and_transient_failures_are_retryable() {
        let rejected = PushError::Rejected {
            crm: Crm::Salesforce,
            deal: "1".into(),
            step: "updating the deal's fields",
            status: 400,
            body: "[]".into(),
        };
        let auth = PushError::Auth {
            crm: Crm::Bitrix24,
            deal: "1".into(),
            step: "updating the deal's fields",
            body: String::new(),
        };
        assert!(transient().retryable());
        assert!(rate_limited(Duration::from_secs(1)).retryable());
        assert!(!rejected.retryable());
        assert!(!auth.retryable());
        assert_eq!(rejected.retry_in(3), Duration::ZERO);
    }

    #[test]
    fn transient_backoff_grows_with_jitter_and_stops_at_the_cap() {
        for attempt in 1..=40u32 {
            let step = BACKOFF_BASE
                .saturating_mul(1 << attempt.saturating_sub(1).min(16))
                .min(BACKOFF_CAP);
            for _ in 0..50 {
                let wait = transient().retry_in(attempt);
                assert!(
                    wait >= step / 2 && wait <= step,
                    "attempt {attempt}: {wait:?} outside {step:?}"
                );
            }
        }
        assert!(transient().retry_in(30) <= BACKOFF_CAP);
    }

    #[test]
    fn jitter_actually_varies() {
        let waits: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| transient().retry_in(5)).collect();
        assert!(waits.len() > 1, "{waits:?}");
    }

    #[test]
    fn rate_limited_waits_at_least_what_the_crm_asked() {
        let asked = Duration::from_secs(10);
        for attempt in 1..=3 {
            let wait = rate_limited(asked).retry_in(attempt);
            assert!(wait >= asked && wait <= asked + asked / 4, "{wait:?}");
        }
        // After many refusals the transient backoff takes over, so a short Retry-After
        // does not make a queue hammer the CRM.
        assert!(rate_limited(Duration::from_secs(1)).retry_in(12) >= BACKOFF_CAP / 2);
    }

    #[test]
    fn messages_name_the_crm_deal_and_expectation() {
        let invalid = PushError::Invalid {
            crm: Crm::AmoCrm,
            deal: "abc".into(),
            expected: "a numeric lead id".into(),
        };
        assert_eq!(
            invalid.to_string(),
            "cannot push to amoCRM deal \"abc\": expected a numeric lead id"
        );
        let moved = transient().rebind("77", "creating the task");
        assert!(
            moved.to_string().contains("creating the task for deal 77"),
            "{moved}"
        );
    }
}
