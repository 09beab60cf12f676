//! Per-user flood control: a few questions per window, then a polite "please wait" (once per window,
//! so the notice itself cannot flood a group).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use consulta_desk::Span;

/// What to do with one more question from a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it.
    Allow,
    /// Refuse it and say why (first refusal in the window).
    Warn,
    /// Refuse it silently (already warned in this window).
    Drop,
}

/// The flood control's settings, the same piece of every chat platform's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodConfig {
    /// Questions one user may ask per `window` before being asked to wait; 0 turns it off.
    pub max_questions: u32,
    /// The window.
    pub window: Span,
}

/// Counts each user's questions in a fixed window.
pub struct FloodControl {
    max: u32,
    window: Duration,
    users: Mutex<HashMap<String, (Instant, u32, bool)>>,
}

impl FloodControl {
    /// At most `max` questions per user per `window`; `max == 0` turns the control off.
    pub fn new(max: u32, window: Duration) -> Self {
        FloodControl {
            max,
            window,
            users: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a question from `user` (their platform user id) now.
    pub fn check(&self, user: &str) -> Verdict {
        if self.max == 0 {
            return Verdict::Allow;
        }
        let now = Instant::now();
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        users.retain(|_, (start, _, _)| now.duration_since(*start) < self.window);
        let (_, count, warned) = users.entry(user.to_string()).or_insert((now, 0, false));
        *count += 1;
        if *count <= self.max {
            Verdict::Allow
        } else if *warned {
            Verdict::Drop
        } else {
            *warned = true;
            Verdict::Warn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_once_then_drops_until_the_window_passes() {
        let flood = FloodControl::new(2, Duration::from_millis(50));
        assert_eq!(flood.check("1"), Verdict::Allow);
        assert_eq!(flood.check("1"), Verdict::Allow);
        assert_eq!(flood.check("2"), Verdict::Allow, "users are counted apart");
        assert_eq!(flood.check("1"), Verdict::Warn);
        assert_eq!(flood.check("1"), Verdict::Drop);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(flood.check("1"), Verdict::Allow);
    }
}
