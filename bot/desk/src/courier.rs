//! One chat's round of deliveries: its due messages, in order, by one task holding the chat's claim.
//! A transient failure schedules a retry and holds back the chat's later messages; a permanent one
//! sets the message aside as a dead letter. Other chats are not waited for: each has its own round.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::claim::ChatClaim;
use super::desk::Desk;
use super::error::DeskError;
use super::frontend::{Delivery, DeliveryError, FailureKind, FrontEnd};
use super::identity::ChatRef;
use super::index;
use super::notify::{dequeue, outbox_key};
use super::outbox::{self, DeadLetter, DeliveryRecord, OutboxEntry};
use super::storage::{StorageError, Table};
use super::store::Batch;
use super::worker::DeliveryPass;

/// The messages due for one chat, in enqueue order, and the front-end of its platform.
pub(crate) struct ChatRound {
    /// The chat delivered to.
    pub(crate) chat: ChatRef,
    /// Its platform's front-end.
    pub(crate) frontend: Arc<dyn FrontEnd>,
    /// Its due messages, oldest first.
    pub(crate) entries: Vec<OutboxEntry>,
}

impl ChatRound {
    /// Delivers the round's messages one after the other while `claim` is held, stopping at the first
    /// failure (later messages wait behind it) or when `stopping` is set (the worker shuts down).
    pub(crate) async fn deliver(
        self,
        desk: Desk,
        claim: ChatClaim,
        stopping: Arc<AtomicBool>,
    ) -> Result<DeliveryPass, DeskError> {
        let _claim = claim;
        let mut pass = DeliveryPass::default();
        let mut entries = self.entries.into_iter();
        while let Some(entry) = entries.next() {
            if stopping.load(Ordering::SeqCst) {
                pass.waiting += 1 + entries.len();
                break;
            }
            let store = desk.store();
            // Superseded by a newer edit, or the asker was forgotten, since the round was planned.
            if !store.contains(Table::Outbox, &outbox_key(entry.seq))? {
                continue;
            }
            if store.contains(Table::Delivered, entry.key.as_bytes())? {
                settle(&desk, &entry, |batch| {
                    dequeue(batch, &entry);
                    Ok(())
                })?;
                pass.duplicates += 1;
                continue;
            }
            match attempt(&desk, self.frontend.as_ref(), &entry).await? {
                Ok(message_id) => {
                    record_delivered(&desk, &entry, message_id)?;
                    pass.delivered += 1;
                }
                Err(error) => {
                    if failed(&desk, &entry, &error)? {
                        pass.retried += 1;
                    } else {
                        pass.dead += 1;
                    }
                    pass.waiting += entries.len();
                    break;
                }
            }
        }
        Ok(pass)
    }
}

/// Sends `entry` (or edits the message it replaces) through `frontend`.
async fn attempt(
    desk: &Desk,
    frontend: &dyn FrontEnd,
    entry: &OutboxEntry,
) -> Result<Result<String, DeliveryError>, DeskError> {
    let delivery = Delivery {
        key: &entry.key,
        chat_id: &entry.chat.chat_id,
        message: &entry.message,
    };
    let original = match &entry.edit_of {
        Some(of) => desk
            .store()
            .get::<DeliveryRecord>(Table::Delivered, of.as_bytes())?,
        None => None,
    };
    // An edit whose original never went out (given up) is sent as a new message: the chat still
    // learns the ticket's state.
    Ok(match &original {
        Some(original) => frontend.edit(delivery, &original.message_id).await,
        None => frontend.send(delivery).await,
    })
}

/// Records a failed attempt: a retry after the backoff (`true`), or a dead letter when the failure is
/// permanent or the attempts are spent (`false`).
fn failed(desk: &Desk, entry: &OutboxEntry, error: &DeliveryError) -> Result<bool, DeskError> {
    let attempts = entry.attempts + 1;
    let config = &desk.config().outbox;
    if error.kind == FailureKind::Transient && attempts < config.max_attempts {
        let wait = outbox::backoff(config, attempts, error.retry_after);
        tracing::info!(key = %entry.key, attempts, retry_in = %wait, "delivery failed, will retry");
        let mut retry = entry.clone();
        retry.attempts = attempts;
        // From when the failure came back, not from the round's start: a platform's `retry_after`
        // counts from its response.
        retry.next_attempt_at = desk.now().plus(wait);
        retry.last_error = Some(error.to_string());
        settle(desk, entry, |batch| {
            batch.put(Table::Outbox, &outbox_key(entry.seq), &retry)
        })?;
        return Ok(true);
    }
    tracing::warn!(key = %entry.key, attempts, %error, "delivery given up");
    let mut last = entry.clone();
    last.attempts = attempts;
    let dead = DeadLetter {
        entry: last,
        reason: error.to_string(),
        at: desk.now(),
    };
    settle(desk, entry, |batch| {
        dequeue(batch, entry);
        index::add_dead_letter(batch, &dead)?;
        desk.note_undelivered(batch, entry, &error.reason)
    })?;
    // The note to the experts about the undelivered message is itself in the outbox now.
    desk.inner.outbox_signal.notify_one();
    Ok(false)
}

fn record_delivered(desk: &Desk, entry: &OutboxEntry, message_id: String) -> Result<(), DeskError> {
    let record = DeliveryRecord {
        message_id,
        at: desk.now(),
    };
    settle(desk, entry, |batch| {
        batch.put(Table::Delivered, entry.key.as_bytes(), &record)?;
        if let Some(of) = &entry.edit_of {
            // Later edits of the card address whatever message now shows it.
            batch.put(Table::Delivered, of.as_bytes(), &record)?;
        }
        dequeue(batch, entry);
        Ok(())
    })
}

/// Commits the outcome for `entry` unless the entry vanished meanwhile (a newer edit superseded it, or
/// the asker was forgotten): then the outbox must not be written back.
fn settle(
    desk: &Desk,
    entry: &OutboxEntry,
    write: impl FnOnce(&mut Batch) -> Result<(), StorageError>,
) -> Result<(), DeskError> {
    let _guard = desk.lock();
    let store = desk.store();
    if !store.contains(Table::Outbox, &outbox_key(entry.seq))? {
        return Ok(());
    }
    let mut batch = Batch::default();
    write(&mut batch)?;
    store.commit(batch)?;
    Ok(())
}
