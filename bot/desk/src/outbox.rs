//! The durable outbox's records: messages waiting for delivery, proof of delivery by idempotency key,
//! dead letters, and the retry backoff. They outlive restarts, which is what makes an acknowledged
//! ticket's notifications impossible to lose.

use serde::{Deserialize, Serialize};

use super::config::OutboxConfig;
use super::identity::ChatRef;
use super::message::Message;
use super::time::{Span, Timestamp};

/// A message waiting in the outbox. It is written in the same commit as the change it reports, so a
/// crash can never keep the change and lose the notification (or the reverse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Enqueue order; per chat, messages are delivered in this order.
    pub seq: u64,
    /// Idempotency key: once recorded as delivered, a message with this key is never sent again.
    pub key: String,
    /// Where it goes; the platform picks the front-end.
    pub chat: ChatRef,
    /// What to show.
    pub message: Message,
    /// For an edit, the key of the message to edit (its platform id is looked up once that message is
    /// delivered).
    pub edit_of: Option<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this instant (backoff).
    pub next_attempt_at: Timestamp,
    /// When the change that caused it was committed.
    pub created_at: Timestamp,
    /// The last failure, for `consulta tickets show` and the operator.
    pub last_error: Option<String>,
}

/// Proof that a message went out, kept by idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The platform's id of the message, for later edits.
    pub message_id: String,
    /// When the platform accepted it.
    pub at: Timestamp,
}

/// A message the worker gave up on, kept for the operator to inspect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The message as it was last tried.
    pub entry: OutboxEntry,
    /// Why it was given up.
    pub reason: String,
    /// When.
    pub at: Timestamp,
}

/// The wait before retry number `attempts` (1-based): `initial · 2^(attempts-1)`, capped at the maximum,
/// and never shorter than what the platform asked for.
pub(crate) fn backoff(config: &OutboxConfig, attempts: u32, retry_after: Option<Span>) -> Span {
    let mut wait = config.backoff_initial;
    for _ in 1..attempts {
        wait = wait.doubled();
        if wait >= config.backoff_max {
            break;
        }
    }
    let wait = wait.min(config.backoff_max);
    retry_after.map_or(wait, |asked| wait.max(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_honours_retry_after() {
        let config = OutboxConfig {
            backoff_initial: Span::from_secs(5),
            backoff_max: Span::from_secs(60),
            max_attempts: 10,
            parallel_chats: 1,
        };
        let waits: Vec<u64> = (1..=6)
            .map(|n| backoff(&config, n, None).as_millis() / 1000)
            .collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(
            backoff(&config, 1, Some(Span::from_secs(30))),
            Span::from_secs(30)
        );
        assert_eq!(
            backoff(&config, 3, Some(Span::from_secs(1))),
            Span::from_secs(20)
        );
    }
}
