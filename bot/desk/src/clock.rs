//! Where the desk gets the time. Reminders, backoff, retention and resolution windows all depend on
//! "now", and the outbox worker and the front-ends' retries wait on it; reading and waiting through a
//! [`Clock`] lets tests and simulations move time instead of sleeping.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use super::frontend::BoxFuture;
use super::time::{Span, Timestamp};

/// Where the desk reads the time and waits. Injected so that reminders, backoff, retry waits and
/// resolution windows can be tested by moving time explicitly instead of sleeping.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// Completes once `span` has passed on this clock: the outbox worker's wait for the next due
    /// message, a front-end's wait before retrying a platform request.
    fn sleep(&self, span: Span) -> BoxFuture<'_, ()>;
}

/// The machine's clock: what production uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_millis(millis)
    }

    fn sleep(&self, span: Span) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(span.to_duration()))
    }
}

/// A clock that only moves when told to, for tests and simulations of days of desk activity. Its
/// sleepers wake when it is moved past their wake time, and it keeps those wake times, so that a test
/// can see what a wait was scheduled for before it moves the clock.
#[derive(Debug)]
pub struct ManualClock {
    /// The current instant, in milliseconds; sleepers watch it.
    now: watch::Sender<i64>,
    /// When each sleeper waiting now wakes, one entry per sleeper.
    sleepers: Mutex<Vec<Timestamp>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new(Timestamp::from_millis(0))
    }
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: watch::Sender::new(start.as_millis()),
            sleepers: Mutex::new(Vec::new()),
        }
    }

    /// Moves the clock to `to`, waking the sleepers whose time has come.
    pub fn set(&self, to: Timestamp) {
        self.now.send_replace(to.as_millis());
    }

    /// Moves the clock forward by `span`.
    pub fn advance(&self, span: Span) {
        self.set(self.now().plus(span));
    }

    /// When the sleepers waiting now wake, soonest first.
    pub fn wake_times(&self) -> Vec<Timestamp> {
        let mut times = self.sleepers().clone();
        times.sort();
        times
    }

    fn sleepers(&self) -> std::sync::MutexGuard<'_, Vec<Timestamp>> {
        self.sleepers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(*self.now.borrow())
    }

    fn sleep(&self, span: Span) -> BoxFuture<'_, ()> {
        let wake = self.now().plus(span);
        let mut moved = self.now.subscribe();
        self.sleepers().push(wake);
        // Forgets the wake time however the sleep ends: woken, or dropped by a `select!`.
        let asleep = Asleep { clock: self, wake };
        Box::pin(async move {
            let _asleep = asleep;
            // The sender lives as long as the clock, which outlives this borrow of it.
            let _ = moved.wait_for(|&now| now >= wake.as_millis()).await;
        })
    }
}

/// One sleeper of a [`ManualClock`], listed until it ends.
struct Asleep<'a> {
    clock: &'a ManualClock,
    wake: Timestamp,
}

impl Drop for Asleep<'_> {
    fn drop(&mut self) {
        let mut sleepers = self.clock.sleepers();
        if let Some(at) = sleepers.iter().position(|&wake| wake == self.wake) {
            sleepers.swap_remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    #[test]
    fn a_manual_sleep_ends_when_the_clock_reaches_its_wake_time() {
        let start = Timestamp::from_millis(1_000);
        let clock = ManualClock::new(start);
        let mut sleep = pin!(clock.sleep(Span::from_millis(500)));
        let mut context = Context::from_waker(Waker::noop());
        assert!(sleep.as_mut().poll(&mut context).is_pending());
        assert_eq!(clock.wake_times(), [start.plus(Span::from_millis(500))]);
        clock.advance(Span::from_millis(499));
        assert!(sleep.as_mut().poll(&mut context).is_pending(), "1 ms early");
        clock.advance(Span::from_millis(1));
        assert_eq!(sleep.as_mut().poll(&mut context), Poll::Ready(()));
        assert!(clock.wake_times().is_empty(), "the sleeper is forgotten");
    }

    #[test]
    fn a_dropped_sleep_is_forgotten() {
        let clock = ManualClock::new(Timestamp::from_millis(0));
        let kept = clock.sleep(Span::from_secs(2));
        drop(clock.sleep(Span::from_secs(1)));
        assert_eq!(clock.wake_times(), [Timestamp::from_millis(2_000)]);
        drop(kept);
        assert!(clock.wake_times().is_empty());
    }
}
