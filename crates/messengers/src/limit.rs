//! The in-process pacing each client holds, so a burst of replies stays inside the
//! platform's documented limits (crm-apis.md §8): a minimum interval between any two
//! sends, another between two sends to the same chat, and a hold after the platform said
//! to wait. It delays requests; it fails one only while such a hold lasts.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Chats remembered before the ones whose interval has passed are forgotten.
const CHATS_KEPT: usize = 10_000;

/// Paces one client's sends. Shared by the client's clones through its `Arc`.
pub(crate) struct Limiter {
    /// Minimum time between any two sends: a token bucket holding one token.
    global: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// When the next send of any chat may go.
    next: Option<Instant>,
    /// When the next send to each chat may go.
    chats: HashMap<String, Instant>,
    /// Until when the platform asked us to send nothing.
    hold: Option<Instant>,
}

impl Limiter {
    /// At most one send per `global`.
    pub(crate) fn new(global: Duration) -> Limiter {
        Limiter {
            global,
            state: Mutex::new(State::default()),
        }
    }

    /// Waits until a send to `chat` fits both intervals (`chat_interval` zero: no per-chat
    /// limit) and takes its slot. `Err(remaining)` while a hold lasts: waiting that out
    /// here would tie up the caller's worker, so the caller's queue waits instead.
    pub(crate) async fn acquire(
        &self,
        chat: &str,
        chat_interval: Duration,
    ) -> Result<(), Duration> {
        loop {
            // The lock is never held across the sleep; each pass re-reads the state, so
            // concurrent senders cannot both take the same slot.
            let ready_at = {
                let mut state = self.lock();
                let now = Instant::now();
                if let Some(until) = state.hold {
                    if until > now {
                        return Err(until - now);
                    }
                    state.hold = None;
                }
                let chat_ready = state.chats.get(chat).copied().filter(|&at| at > now);
                let global_ready = state.next.filter(|&at| at > now);
                match chat_ready.max(global_ready) {
                    Some(at) => at,
                    None => {
                        state.next = Some(now + self.global);
                        if !chat_interval.is_zero() {
                            if state.chats.len() >= CHATS_KEPT {
                                state.chats.retain(|_, at| *at > now);
                            }
                            state.chats.insert(chat.to_string(), now + chat_interval);
                        }
                        return Ok(());
                    }
                }
            };
            tokio::time::sleep_until(ready_at).await;
        }
    }

    /// Sends nothing for `wait` (the platform's `retry_after`), extending any hold.
    pub(crate) fn hold(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut state = self.lock();
        state.hold = Some(state.hold.map_or(until, |held| held.max(until)));
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere must not
        // stop every later send.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    async fn times(limiter: Arc<Limiter>, chats: &[&str], interval: Duration) -> Vec<Instant> {
        let mut handles = Vec::new();
        for chat in chats {
            let limiter = Arc::clone(&limiter);
            let chat = chat.to_string();
            handles.push(tokio::spawn(async move {
                limiter.acquire(&chat, interval).await.expect("no hold");
                Instant::now()
            }));
        }
        let mut instants = Vec::new();
        for handle in handles {
            instants.push(handle.await.expect("task"));
        }
        instants.sort();
        instants
    }

    #[tokio::test(start_paused = true)]
    async fn sends_to_one_chat_are_spaced_by_the_chat_interval() {
        let limiter = Arc::new(Limiter::new(Duration::from_millis(34)));
        let started = Instant::now();

        let instants = times(limiter, &["111"; 5], Duration::from_secs(1)).await;

        for pair in instants.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_secs(1), "{instants:?}");
        }
        assert_eq!(instants[4] - started, Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn different_chats_only_share_the_global_pace() {
        // Telegram: ~30 messages per second overall.
        let limiter = Arc::new(Limiter::new(Duration::from_millis(34)));
        let started = Instant::now();
        let chats: Vec<String> = (0..60).map(|chat| chat.to_string()).collect();
        let chats: Vec<&str> = chats.iter().map(String::as_str).collect();

        let instants = times(limiter, &chats, Duration::from_secs(1)).await;

        let in_first_second = instants
            .iter()
            .filter(|&&at| at < started + Duration::from_secs(1))
            .count();
        assert_eq!(in_first_second, 30);
        assert_eq!(instants[59] - started, Duration::from_millis(59 * 34));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_refuses_sends_until_it_ends() {
        let limiter = Limiter::new(Duration::ZERO);
        limiter.hold(Duration::from_secs(35));

        let refused = limiter.acquire("1", Duration::ZERO).await;
        assert_eq!(refused, Err(Duration::from_secs(35)));

        tokio::time::advance(Duration::from_secs(35)).await;
        assert_eq!(limiter.acquire("1", Duration::ZERO).await, Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_hold_does_not_cut_a_longer_one() {
        let limiter = Limiter::new(Duration::ZERO);
        limiter.hold(Duration::from_secs(10));
        limiter.hold(Duration::from_secs(2));
        assert_eq!(
            limiter.acquire("1", Duration::ZERO).await,
            Err(Duration::from_secs(10))
        );
    }
}
