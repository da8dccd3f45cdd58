//! The in-process rate limiter each client holds, so a burst of pushes stays inside the
//! CRM's documented limit. It only delays requests; it never fails them.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::config::Crm;

/// How one CRM limits callers, as crm-apis.md documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// At most `max` requests in any `window`.
    Window { max: usize, window: Duration },
    /// At most `max` requests in flight at once.
    Concurrent { max: usize },
}

impl Policy {
    /// The documented limit for `crm`.
    pub(crate) fn of(crm: Crm) -> Policy {
        match crm {
            // §1.6: "≤ 7 requests per second" per integration.
            Crm::AmoCrm => Policy::Window {
                max: 7,
                window: Duration::from_secs(1),
            },
            // §2.5: the leaky bucket drains 2/s; staying at the drain rate leaves the
            // 50-request burst to other apps sharing the portal's bucket.
            Crm::Bitrix24 => Policy::Window {
                max: 2,
                window: Duration::from_secs(1),
            },
            // §3.4: 100 per 10 s per app on the lowest tier (190 or 250 on higher ones).
            Crm::HubSpot => Policy::Window {
                max: 100,
                window: Duration::from_secs(10),
            },
            // §4.4: no per-second limit; 25 concurrent long-running requests in production.
            // The 24-hour org allocation is answered with REQUEST_LIMIT_EXCEEDED instead.
            Crm::Salesforce => Policy::Concurrent { max: 25 },
        }
    }
}

/// Enforces a [`Policy`] for every request a client makes, across concurrent pushes.
pub(crate) enum Limiter {
    Window {
        max: usize,
        window: Duration,
        /// When the requests of the current window were let through, oldest first.
        granted: Mutex<VecDeque<Instant>>,
    },
    Concurrent(Arc<Semaphore>),
}

/// Held while a request is in flight.
pub(crate) struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
}

impl Limiter {
    /// A limiter for `policy`. Windows are stretched by a tenth: requests leave here
    /// spaced by the window but may reach the CRM closer together (network jitter).
    pub(crate) fn new(policy: Policy) -> Limiter {
        match policy {
            Policy::Window { max, window } => Limiter::Window {
                max: max.max(1),
                window: window + window / 10,
                granted: Mutex::new(VecDeque::new()),
            },
            Policy::Concurrent { max } => Limiter::Concurrent(Arc::new(Semaphore::new(max.max(1)))),
        }
    }

    /// Waits until one more request fits the policy.
    pub(crate) async fn acquire(&self) -> Permit {
        match self {
            Limiter::Window {
                max,
                window,
                granted,
            } => {
                // Holding the (fair, FIFO) lock while sleeping makes waiters go in order.
                let mut granted = granted.lock().await;
                loop {
                    let now = Instant::now();
                    while granted.front().is_some_and(|&at| at + *window <= now) {
                        granted.pop_front();
                    }
                    if granted.len() < *max {
                        granted.push_back(now);
                        return Permit { _slot: None };
                    }
                    if let Some(&oldest) = granted.front() {
                        tokio::time::sleep_until(oldest + *window).await;
                    }
                }
            }
            Limiter::Concurrent(slots) => {
                // The semaphore is never closed, so acquiring cannot fail; if it somehow
                // did, going ahead unthrottled beats failing the push.
                let slot = Arc::clone(slots).acquire_owned().await.ok();
                Permit { _slot: slot }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest number of instants inside any half-open window of length `window`.
    fn busiest(instants: &[Instant], window: Duration) -> usize {
        instants
            .iter()
            .map(|&start| {
                instants
                    .iter()
                    .filter(|&&at| at >= start && at < start + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_spread_over_windows() {
        // Arrange
        let limiter = Arc::new(Limiter::new(Policy::of(Crm::AmoCrm)));
        let started = Instant::now();

        // Act: 30 concurrent requests.
        let mut handles = Vec::new();
        for _ in 0..30 {
            let limiter = Arc::clone(&limiter);
            handles.push(tokio::spawn(async move {
                let _permit = limiter.acquire().await;
                Instant::now()
            }));
        }
        let mut instants = Vec::new();
        for handle in handles {
            instants.push(handle.await.expect("task"));
        }

        // Assert: never more than 7 in any second; the burst took ⌊29/7⌋ stretched windows.
        assert_eq!(busiest(&instants, Duration::from_secs(1)), 7);
        let last = instants.iter().max().expect("instants");
        assert_eq!(*last - started, Duration::from_millis(4 * 1100));
    }

    #[tokio::test(start_paused = true)]
    async fn hubspot_allows_a_hundred_then_waits_for_the_window() {
        let limiter = Limiter::new(Policy::of(Crm::HubSpot));
        let started = Instant::now();
        for _ in 0..100 {
            let _permit = limiter.acquire().await;
        }
        assert_eq!(Instant::now(), started);
        let _permit = limiter.acquire().await;
        assert_eq!(Instant::now() - started, Duration::from_secs(11));
    }

    #[tokio::test(start_paused = true)]
    async fn salesforce_caps_requests_in_flight() {
        let limiter = Limiter::new(Policy::of(Crm::Salesforce));
        let held: Vec<Permit> = futures_join(&limiter, 25).await;
        let waiting = tokio::time::timeout(Duration::from_secs(60), limiter.acquire()).await;
        assert!(waiting.is_err(), "a 26th request went through");
        drop(held);
        let freed = tokio::time::timeout(Duration::from_secs(1), limiter.acquire()).await;
        assert!(freed.is_ok(), "a freed slot was not reused");
    }

    async fn futures_join(limiter: &Limiter, n: usize) -> Vec<Permit> {
        let mut permits = Vec::new();
        for _ in 0..n {
            permits.push(limiter.acquire().await);
        }
        permits
    }
}
