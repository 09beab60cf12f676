//! Keeping under Telegram's send limits instead of running into them: at most so many messages a
//! minute to one group (Telegram documents 20) and so many a second overall (about 30). A send that
//! would exceed a limit waits for its slot; Telegram's own `429 retry_after` stays the last word.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sliding window: at most `limit` events in any `span`.
#[derive(Debug)]
struct Window {
    /// Events allowed per `span`; 0 means no limit.
    limit: usize,
    /// The window's length.
    span: Duration,
    /// When the recent events happen (some may be reserved for the future), oldest first.
    times: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, span: Duration) -> Window {
        Window {
            limit: limit as usize,
            span,
            times: VecDeque::new(),
        }
    }

    /// The earliest instant from `now` at which one more event keeps the window within its limit.
    fn earliest(&mut self, now: Instant) -> Instant {
        while self.times.front().is_some_and(|&at| at + self.span <= now) {
            self.times.pop_front();
        }
        if self.limit == 0 || self.times.len() < self.limit {
            return now;
        }
        let bound = self.times[self.times.len() - self.limit] + self.span;
        bound.max(now)
    }

    fn record(&mut self, at: Instant) {
        if self.limit > 0 {
            self.times.push_back(at);
        }
    }
}

/// Telegram's send limits, shared by everything that sends through one bot.
#[derive(Debug)]
pub(super) struct Pace {
    /// Messages per minute allowed to one group.
    group_per_minute: u32,
    /// Every group's recent sends.
    groups: Mutex<HashMap<i64, Window>>,
    /// All sends.
    overall: Mutex<Window>,
}

impl Pace {
    /// At most `group_per_minute` messages a minute to one group and `per_second` a second in all;
    /// 0 turns a limit off.
    pub(super) fn new(group_per_minute: u32, per_second: u32) -> Pace {
        Pace {
            group_per_minute,
            groups: Mutex::new(HashMap::new()),
            overall: Mutex::new(Window::new(per_second, Duration::from_secs(1))),
        }
    }

    /// Reserves the slot of one message to `chat_id` asked for at `now`; returns how long to wait for
    /// it. Groups (negative chat ids) count against their own limit as well as the overall one.
    pub(super) fn reserve(&self, chat_id: i64, now: Instant) -> Duration {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        let mut overall = self.overall.lock().unwrap_or_else(|p| p.into_inner());
        let mut group = (chat_id < 0).then(|| {
            groups
                .entry(chat_id)
                .or_insert_with(|| Window::new(self.group_per_minute, Duration::from_secs(60)))
        });
        let mut slot = overall.earliest(now);
        if let Some(group) = group.as_mut() {
            slot = slot.max(group.earliest(now));
            group.record(slot);
        }
        overall.record(slot);
        // Groups with nothing recent are forgotten, so the map holds only the busy ones.
        groups.retain(|_, window| {
            window
                .times
                .back()
                .is_some_and(|&at| at + window.span > now)
        });
        slot - now
    }

    /// Waits for the slot of one message to `chat_id`.
    pub(super) async fn wait(&self, chat_id: i64) {
        let wait = self.reserve(chat_id, Instant::now());
        if !wait.is_zero() {
            tracing::debug!(
                chat = chat_id,
                ?wait,
                "pacing a send to stay within Telegram's limits"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: i64 = -100200;
    const OTHER_GROUP: i64 = -100300;
    const PERSON: i64 = 501;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_group_gets_twenty_messages_a_minute_and_the_twenty_first_waits_for_the_first_to_age_out() {
        let pace = Pace::new(20, 0);
        let start = Instant::now();
        for n in 0..20 {
            assert_eq!(
                pace.reserve(GROUP, start + secs(n)),
                Duration::ZERO,
                "message {n}"
            );
        }
        // At 0:20 the window holds 20 sends since 0:00: the next one goes at 1:00.
        assert_eq!(pace.reserve(GROUP, start + secs(20)), secs(40));
        // The one after waits for the second send to age out (0:01 + 1:00), behind the 21st.
        assert_eq!(pace.reserve(GROUP, start + secs(21)), secs(40));
        // Other groups and private chats are not held back by this group.
        assert_eq!(pace.reserve(OTHER_GROUP, start + secs(21)), Duration::ZERO);
        assert_eq!(pace.reserve(PERSON, start + secs(21)), Duration::ZERO);
        // Once the minute has passed, the group sends at once again.
        assert_eq!(pace.reserve(GROUP, start + secs(200)), Duration::ZERO);
    }

    #[test]
    fn all_chats_together_keep_to_the_overall_rate() {
        let pace = Pace::new(0, 30);
        let start = Instant::now();
        for chat in 0..30 {
            assert_eq!(pace.reserve(PERSON + chat, start), Duration::ZERO);
        }
        assert_eq!(pace.reserve(PERSON + 30, start), secs(1));
        assert_eq!(
            pace.reserve(PERSON + 31, start + Duration::from_millis(500)),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn zero_turns_the_limits_off() {
        let pace = Pace::new(0, 0);
        let start = Instant::now();
        for _ in 0..1000 {
            assert_eq!(pace.reserve(GROUP, start), Duration::ZERO);
        }
    }
}
