//! From received update to handler: every update is first kept in the [`Inbox`], then handled in its
//! chat's queue, then marked handled. Both ways of receiving (long polling, webhook) go through here,
//! and so do the updates a crash left pending, at the next start.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use teloxide::types::Update;

use super::ChatQueues;
use super::handler::{self, Context};
use super::inbox::Inbox;
use super::store::StoreError;

/// How often handled update ids older than a day are swept out of the inbox.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Accepts updates into the inbox and hands them to the handler, one chat's updates in order.
pub(super) struct Intake {
    /// What the handler needs.
    ctx: Arc<Context>,
    /// Where updates wait until handled.
    inbox: Inbox,
    /// The updates in hand, per chat.
    queues: Mutex<ChatQueues>,
    /// When handled ids were last swept.
    swept: Mutex<Option<Instant>>,
}

impl Intake {
    /// An intake for the bot behind `ctx`, keeping updates in its database.
    pub(super) fn new(ctx: Arc<Context>) -> Intake {
        Intake {
            inbox: ctx.store.inbox.clone(),
            ctx,
            queues: Mutex::new(ChatQueues::default()),
            swept: Mutex::new(None),
        }
    }

    /// Hands the updates a previous run accepted and did not finish to the handler.
    pub(super) fn resume(&self) {
        let pending = match self.inbox.pending() {
            Ok(pending) => pending,
            Err(error) => {
                tracing::error!(%error, "the Telegram updates left from the last run cannot be read");
                return;
            }
        };
        if !pending.is_empty() {
            tracing::info!(
                updates = pending.len(),
                "handling Telegram updates left from the last run"
            );
        }
        for (id, json) in pending {
            match serde_json::from_slice::<Update>(&json) {
                Ok(update) => self.dispatch(id, update),
                Err(error) => {
                    tracing::warn!(%error, update = id, "a kept Telegram update is unreadable; dropped");
                    self.mark_handled(id);
                }
            }
        }
    }

    /// Keeps `update` (whose JSON is `json`) and starts handling it; `Ok(false)` for a repeat of an
    /// update already kept. Only after `Ok` may Telegram be told the update arrived.
    pub(super) fn receive(&self, update: Update, json: &[u8]) -> Result<bool, StoreError> {
        self.sweep();
        let id = update.id.0;
        if !self.inbox.accept(id, json)? {
            tracing::debug!(update = id, "a repeated Telegram update was dropped");
            return Ok(false);
        }
        self.dispatch(id, update);
        Ok(true)
    }

    /// Waits for the updates in hand.
    pub(super) async fn drain(&self) {
        let mut queues = std::mem::take(&mut *self.queues());
        queues.drain().await;
    }

    fn dispatch(&self, id: u32, update: Update) {
        let ctx = self.ctx.clone();
        let inbox = self.inbox.clone();
        let chat_of = update.clone();
        let work = async move {
            handler::handle(ctx, update).await;
            if let Err(error) = inbox.handled(id, SystemTime::now()) {
                tracing::warn!(%error, update = id, "a handled Telegram update could not be marked; it is handled again at the next start");
            }
        };
        let mut queues = self.queues();
        queues.forget_finished();
        queues.push(work, &chat_of);
    }

    fn mark_handled(&self, id: u32) {
        if let Err(error) = self.inbox.handled(id, SystemTime::now()) {
            tracing::warn!(%error, update = id, "a Telegram update could not be marked handled");
        }
    }

    /// Forgets old handled ids, at most once per [`SWEEP_EVERY`].
    fn sweep(&self) {
        let mut swept = self.swept.lock().unwrap_or_else(|p| p.into_inner());
        if swept.is_some_and(|at| at.elapsed() < SWEEP_EVERY) {
            return;
        }
        *swept = Some(Instant::now());
        if let Err(error) = self.inbox.forget_old(SystemTime::now()) {
            tracing::warn!(%error, "old Telegram update ids could not be swept");
        }
    }

    fn queues(&self) -> MutexGuard<'_, ChatQueues> {
        self.queues.lock().unwrap_or_else(|p| p.into_inner())
    }
}
