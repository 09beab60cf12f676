//! Exactly-once handling across gateway reconnects, a count of the events in hand for a clean
//! shutdown, and of the gateway sessions the bot is ready in.
//!
//! After a reconnect, serenity resumes the session and Discord replays the events the bot missed; an
//! event it had already received before the connection dropped can come again. Events carry unique
//! ids (snowflakes), so the recent ones are remembered and a repeat is dropped.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Events remembered; Discord replays at most what it buffered for the session, far fewer.
const REMEMBERED: usize = 4096;

/// The ids of recently handled events.
#[derive(Default)]
pub struct Seen {
    ids: Mutex<(HashSet<u64>, VecDeque<u64>)>,
}

impl Seen {
    /// True the first time `id` is seen, false for a repeat.
    pub fn first_time(&self, id: u64) -> bool {
        let mut guard = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(id) {
            return false;
        }
        order.push_back(id);
        if order.len() > REMEMBERED
            && let Some(old) = order.pop_front()
        {
            set.remove(&old);
        }
        true
    }
}

/// How many events are being handled, so shutdown can wait for them, and how many are done (handled
/// or dropped as repeats), so an operator, or a test, can tell the bot has caught up with the gateway.
#[derive(Default)]
pub struct InFlight {
    count: AtomicUsize,
    settled: AtomicU64,
    /// Gateway sessions the bot became ready in (READY) or resumed (RESUMED): after the n-th, what the
    /// gateway dispatches next is handled, so a test waits for it instead of for a pause.
    sessions: AtomicU64,
    idle: Notify,
}

/// Held while one event is handled.
pub struct Handling<'a>(&'a InFlight);

impl InFlight {
    /// Counts one more event until the guard is dropped.
    pub fn start(&self) -> Handling<'_> {
        self.count.fetch_add(1, Ordering::SeqCst);
        Handling(self)
    }

    /// Events received and done with since start: handled, ignored, or dropped as repeats.
    pub fn settled(&self) -> u64 {
        self.settled.load(Ordering::SeqCst)
    }

    /// The gateway sent READY or RESUMED and serenity handed it over: one more session to serve.
    pub fn session_ready(&self) {
        self.sessions.fetch_add(1, Ordering::SeqCst);
    }

    /// Gateway sessions started or resumed since start.
    pub fn sessions(&self) -> u64 {
        self.sessions.load(Ordering::SeqCst)
    }

    /// Returns once no event is in hand.
    pub async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        self.0.settled.fetch_add(1, Ordering::SeqCst);
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_event_is_dropped() {
        let seen = Seen::default();
        assert!(seen.first_time(1));
        assert!(seen.first_time(2));
        assert!(!seen.first_time(1));
    }

    #[tokio::test]
    async fn idle_waits_for_the_events_in_hand() {
        let inflight = std::sync::Arc::new(InFlight::default());
        let guard = inflight.start();
        let waiter = {
            let inflight = inflight.clone();
            tokio::spawn(async move { inflight.idle().await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        assert_eq!(inflight.settled(), 0);
        drop(guard);
        waiter.await.unwrap();
        assert_eq!(inflight.settled(), 1);
    }
}
