//! The outbox worker: delivers due messages through each platform's front-end, records deliveries
//! by idempotency key, retries transient failures with backoff and gives up on permanent ones, keeping
//! each chat's messages in order.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use super::desk::Desk;
use super::error::DeskError;
use super::frontend::{Delivery, DeliveryError, FailureKind, FrontEnd};
use super::identity::{ChatRef, Platform};
use super::notify::outbox_key;
use super::outbox::{self, DeadLetter, DeliveryRecord, OutboxEntry};
use super::storage::Table;
use super::store::Batch;
use super::time::Span;

/// How long the worker sleeps when nothing is due, at most: new messages wake it at once, so this only
/// bounds how late a retry can be.
const IDLE_WAIT: Span = Span::from_secs(30);
/// Pause after a pass that could make no progress (e.g. a platform with no front-end attached).
const STALLED_WAIT: Span = Span::from_secs(1);

/// Delivers the outbox: sends each due message through the front-end of its recipient's platform,
/// records it as delivered under its idempotency key in the same commit that removes it from the outbox,
/// and retries transient failures with exponential backoff. Per chat, messages go out in order: a later
/// message waits while an earlier one to the same chat is being retried.
///
/// Delivery is exactly-once as far as the desk can make it: a delivered key is never sent again, across
/// restarts. The one window left is a crash after the platform accepted a message and before the record
/// is flushed; then the message is sent again at restart (the key is passed to the front-end so that a
/// platform with idempotent requests can drop the repeat).
pub struct OutboxWorker {
    desk: Desk,
    frontends: HashMap<Platform, Arc<dyn FrontEnd>>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("platforms", &self.frontends.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// What one delivery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryPass {
    /// Messages the platforms accepted.
    pub delivered: usize,
    /// Transient failures, scheduled for another attempt.
    pub retried: usize,
    /// Messages given up on (permanent failure or attempts exhausted).
    pub dead: usize,
    /// Messages not tried: not yet due, behind an earlier message to the same chat, or for a platform
    /// with no front-end attached to this worker.
    pub waiting: usize,
    /// Entries whose key was already delivered, dropped without sending.
    pub duplicates: usize,
}

enum Outcome {
    Sent(String),
    Failed(DeliveryError),
}

impl OutboxWorker {
    /// A worker for `desk` with no front-end yet.
    pub fn new(desk: Desk) -> Self {
        OutboxWorker {
            desk,
            frontends: HashMap::new(),
        }
    }

    /// Routes messages for `frontend.platform()` to `frontend` (replacing any previous one).
    pub fn with_frontend(mut self, frontend: Arc<dyn FrontEnd>) -> Self {
        self.frontends.insert(frontend.platform(), frontend);
        self
    }

    /// Tries every message due now (by the desk's clock) once.
    pub async fn deliver_due(&self) -> Result<DeliveryPass, DeskError> {
        let _single_worker = self.desk.inner.delivery_lock.lock().await;
        let now = self.desk.now();
        let mut pass = DeliveryPass::default();
        let mut blocked: HashSet<ChatRef> = HashSet::new();
        for entry in self.desk.pending_messages()? {
            if blocked.contains(&entry.chat) {
                pass.waiting += 1;
                continue;
            }
            if self
                .desk
                .store()
                .contains(Table::Delivered, entry.key.as_bytes())?
            {
                self.settle(&entry, |batch| {
                    batch.delete(Table::Outbox, &outbox_key(entry.seq));
                    Ok(())
                })?;
                pass.duplicates += 1;
                continue;
            }
            let frontend = match self.frontends.get(&entry.chat.platform) {
                Some(frontend) if entry.next_attempt_at <= now => frontend,
                _ => {
                    blocked.insert(entry.chat.clone());
                    pass.waiting += 1;
                    continue;
                }
            };
            match self.attempt(frontend.as_ref(), &entry).await? {
                Outcome::Sent(message_id) => {
                    self.record_delivered(&entry, message_id)?;
                    pass.delivered += 1;
                }
                Outcome::Failed(error) => {
                    blocked.insert(entry.chat.clone());
                    let attempts = entry.attempts + 1;
                    let config = &self.desk.config().outbox;
                    if error.kind == FailureKind::Transient && attempts < config.max_attempts {
                        let wait = outbox::backoff(config, attempts, error.retry_after);
                        tracing::info!(key = %entry.key, attempts, retry_in = %wait, "delivery failed, will retry");
                        let mut retry = entry.clone();
                        retry.attempts = attempts;
                        // From when the failure came back, not from the pass's start: a platform's
                        // `retry_after` counts from its response.
                        retry.next_attempt_at = self.desk.now().plus(wait);
                        retry.last_error = Some(error.to_string());
                        self.settle(&entry, |batch| {
                            batch.put(Table::Outbox, &outbox_key(entry.seq), &retry)
                        })?;
                        pass.retried += 1;
                    } else {
                        tracing::warn!(key = %entry.key, attempts, %error, "delivery given up");
                        let mut last = entry.clone();
                        last.attempts = attempts;
                        let dead = DeadLetter {
                            entry: last,
                            reason: error.to_string(),
                            at: now,
                        };
                        self.settle(&entry, |batch| {
                            batch.delete(Table::Outbox, &outbox_key(entry.seq));
                            batch.put(Table::DeadLetters, &outbox_key(entry.seq), &dead)?;
                            self.desk.note_undelivered(batch, &entry, &error.reason)
                        })?;
                        self.desk.inner.outbox_signal.notify_one();
                        pass.dead += 1;
                    }
                }
            }
        }
        Ok(pass)
    }

    async fn attempt(
        &self,
        frontend: &dyn FrontEnd,
        entry: &OutboxEntry,
    ) -> Result<Outcome, DeskError> {
        let delivery = Delivery {
            key: &entry.key,
            chat_id: &entry.chat.chat_id,
            message: &entry.message,
        };
        let original = match &entry.edit_of {
            Some(of) => self
                .desk
                .store()
                .get::<DeliveryRecord>(Table::Delivered, of.as_bytes())?,
            None => None,
        };
        // An edit whose original never went out (given up) is sent as a new message: the chat still
        // learns the ticket's state.
        let result = match &original {
            Some(original) => frontend.edit(delivery, &original.message_id).await,
            None => frontend.send(delivery).await,
        };
        Ok(match result {
            Ok(id) => Outcome::Sent(id),
            Err(error) => Outcome::Failed(error),
        })
    }

    fn record_delivered(&self, entry: &OutboxEntry, message_id: String) -> Result<(), DeskError> {
        let record = DeliveryRecord {
            message_id,
            at: self.desk.now(),
        };
        self.settle(entry, |batch| {
            batch.put(Table::Delivered, entry.key.as_bytes(), &record)?;
            if let Some(of) = &entry.edit_of {
                // Later edits of the card address whatever message now shows it.
                batch.put(Table::Delivered, of.as_bytes(), &record)?;
            }
            batch.delete(Table::Outbox, &outbox_key(entry.seq));
            Ok(())
        })
    }

    /// Commits the outcome for `entry` unless the entry vanished meanwhile (a newer edit superseded it, or
    /// the asker was forgotten): then the outbox must not be written back.
    fn settle(
        &self,
        entry: &OutboxEntry,
        write: impl FnOnce(&mut Batch) -> Result<(), super::storage::StorageError>,
    ) -> Result<(), DeskError> {
        let _guard = self.desk.lock();
        let store = self.desk.store();
        if !store.contains(Table::Outbox, &outbox_key(entry.seq))? {
            return Ok(());
        }
        let mut batch = Batch::default();
        write(&mut batch)?;
        store.commit(batch)?;
        Ok(())
    }

    /// Delivers until `shutdown` completes: a pass whenever messages are enqueued or a retry falls due.
    /// Storage errors are logged and retried, so a full disk does not stop notifications for good.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let wait = match self.deliver_due().await {
                Ok(pass) => {
                    let progressed =
                        pass.delivered + pass.retried + pass.dead + pass.duplicates > 0;
                    let next = self.next_due().unwrap_or(IDLE_WAIT).min(IDLE_WAIT);
                    if progressed {
                        next
                    } else {
                        next.max(STALLED_WAIT)
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "outbox pass failed; retrying");
                    STALLED_WAIT
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = self.desk.inner.outbox_signal.notified() => {}
                () = tokio::time::sleep(wait.to_duration()) => {}
            }
        }
    }

    fn next_due(&self) -> Option<Span> {
        let now = self.desk.now();
        self.desk
            .pending_messages()
            .ok()?
            .iter()
            .map(|e| e.next_attempt_at.since(now))
            .min()
    }
}
