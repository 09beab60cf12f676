//! Telegram's answer to "is this person a present member of this group?", remembered for a short
//! while. Every expert action in a group chat needs it (a desk group working there admits its
//! members); asking `getChatMember` each time costs a request against the bot's limits and a round
//! trip before the expert hears back. A `chat_member` update (sent to bots that are the group's
//! administrators) drops the remembered answer at once, so someone who left is asked about again.

use std::collections::HashMap;
use std::sync::Mutex;

use consulta_desk::{Span, Timestamp};

/// Remembered memberships, by (chat, user), each with when Telegram was asked.
pub struct Membership {
    trusted_for: Span,
    known: Mutex<HashMap<(i64, u64), (bool, Timestamp)>>,
}

impl Membership {
    /// Answers trusted for `trusted_for` after Telegram gave them; zero asks Telegram every time.
    pub fn new(trusted_for: Span) -> Self {
        Membership {
            trusted_for,
            known: Mutex::default(),
        }
    }

    /// Whether `user` is a present member of `chat`, when Telegram said so less than the trusted
    /// time before `now`.
    pub fn get(&self, chat: i64, user: u64, now: Timestamp) -> Option<bool> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let (present, asked) = known.get(&(chat, user))?;
        (now.since(*asked) < self.trusted_for).then_some(*present)
    }

    /// Remembers Telegram's answer, given at `now`. Answers past their time are dropped here, so the
    /// map holds only the members who acted recently.
    pub fn put(&self, chat: i64, user: u64, present: bool, now: Timestamp) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.retain(|_, (_, asked)| now.since(*asked) < self.trusted_for);
        if self.trusted_for > Span::from_millis(0) {
            known.insert((chat, user), (present, now));
        }
    }

    /// Forgets what Telegram said about `user` in `chat`: their standing there changed.
    pub fn changed(&self, chat: i64, user: u64) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.remove(&(chat, user));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_trusted_for_a_while_and_dropped_when_the_standing_changes() {
        let start = Timestamp::from_millis(1_000_000);
        let members = Membership::new(Span::from_mins(5));
        assert_eq!(members.get(-100, 7, start), None);
        members.put(-100, 7, true, start);
        let later = start.plus(Span::from_mins(4));
        assert_eq!(members.get(-100, 7, later), Some(true));
        assert_eq!(members.get(-200, 7, later), None, "another chat");
        assert_eq!(members.get(-100, 7, start.plus(Span::from_mins(5))), None);
        members.put(-100, 7, true, later);
        members.changed(-100, 7);
        assert_eq!(members.get(-100, 7, later), None);
        let never = Membership::new(Span::from_millis(0));
        never.put(-100, 7, true, start);
        assert_eq!(never.get(-100, 7, start), None);
    }
}
