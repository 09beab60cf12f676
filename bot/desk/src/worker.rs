//! The outbox worker: delivers due messages through each platform's front-end, one round per chat.
//! Rounds of different chats run side by side (up to `outbox.parallel_chats` at once), so a chat whose
//! platform is slow or times out does not hold back the others; within a chat, messages keep their
//! order (see [`super::courier`]).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::ops::AddAssign;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::task::{Id, JoinError, JoinSet};

use super::claim::ChatClaim;
use super::courier::ChatRound;
use super::desk::Desk;
use super::error::DeskError;
use super::frontend::FrontEnd;
use super::identity::{ChatRef, Platform};
use super::time::{Span, Timestamp};

/// How long the worker sleeps when nothing is due, at most: new messages wake it at once, so this only
/// bounds how late a retry can be. The worker waits on the desk's clock, so a test that moves a manual
/// clock past a retry's time wakes it at once.
const IDLE_WAIT: Span = Span::from_secs(30);
/// Pause before trying again after a storage failure, or while another worker on the same desk holds a
/// chat.
const STALLED_WAIT: Span = Span::from_secs(1);
/// How long a shutting-down worker lets the rounds in hand finish their current message: longer than a
/// platform request may take, so that a message is not cut off between being sent and being recorded.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Delivers the outbox: sends each due message through the front-end of its recipient's platform,
/// records it as delivered under its idempotency key in the same commit that removes it from the outbox,
/// and retries transient failures with exponential backoff. Per chat, messages go out in order: a later
/// message waits while an earlier one to the same chat is being retried. Different chats are delivered
/// to concurrently, so one chat's slow platform does not delay the rest.
///
/// Delivery is exactly-once as far as the desk can make it: a delivered key is never sent again, across
/// restarts. The one window left is a crash after the platform accepted a message and before the record
/// is flushed; then the message is sent again at restart (the key is passed to the front-end so that a
/// platform with idempotent requests can drop the repeat).
pub struct OutboxWorker {
    /// The desk whose outbox is delivered.
    desk: Desk,
    /// One front-end per platform, shared with the rounds in flight.
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
    /// Messages not tried: not yet due, behind an earlier message to the same chat, for a chat another
    /// worker is delivering to, or for a platform with no front-end attached to this worker.
    pub waiting: usize,
    /// Entries whose key was already delivered, dropped without sending.
    pub duplicates: usize,
}

impl AddAssign for DeliveryPass {
    fn add_assign(&mut self, other: DeliveryPass) {
        self.delivered += other.delivered;
        self.retried += other.retried;
        self.dead += other.dead;
        self.waiting += other.waiting;
        self.duplicates += other.duplicates;
    }
}

/// The outbox as one worker sees it at an instant: a round per chat whose oldest message is due, and
/// what waits.
#[derive(Default)]
struct Plan {
    /// Chats with due messages, in the order of their oldest message.
    rounds: Vec<ChatRound>,
    /// Messages not due, behind one that is not due, or without a front-end.
    waiting: usize,
    /// Time until the soonest message that is not due yet falls due.
    next_due: Option<Span>,
}

/// What a finished round did.
type Finished = Result<DeliveryPass, DeskError>;

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

    /// The attached front-ends, one per platform.
    pub(crate) fn frontends(&self) -> impl Iterator<Item = &Arc<dyn FrontEnd>> {
        self.frontends.values()
    }

    /// Tries every message due now (by the desk's clock) once, chats side by side, and waits for all.
    pub async fn deliver_due(&self) -> Result<DeliveryPass, DeskError> {
        let plan = self.plan(self.desk.now(), &HashSet::new())?;
        let mut pass = DeliveryPass {
            waiting: plan.waiting,
            ..DeliveryPass::default()
        };
        let stopping = Arc::new(AtomicBool::new(false));
        let mut running = JoinSet::new();
        let mut outcome = Ok(());
        let mut add =
            |pass: &mut DeliveryPass, done: Result<Finished, JoinError>| match joined(done) {
                Ok(done) => *pass += done,
                Err(error) => outcome = Err(error),
            };
        for round in plan.rounds {
            while running.len() >= self.parallel_chats() {
                if let Some(done) = running.join_next().await {
                    add(&mut pass, done);
                }
            }
            match ChatClaim::take(&self.desk.inner.claims, &round.chat) {
                Some(claim) => {
                    let (desk, stopping) = (self.desk.clone(), stopping.clone());
                    running.spawn(round.deliver(desk, claim, stopping));
                }
                None => pass.waiting += round.entries.len(),
            }
        }
        while let Some(done) = running.join_next().await {
            add(&mut pass, done);
        }
        outcome.map(|()| pass)
    }

    /// Delivers until `shutdown` completes: starts a round for each chat with due messages whenever
    /// messages are enqueued, a retry falls due or a round finishes. At shutdown the rounds in hand
    /// finish their current message. Storage errors are logged and retried, so a full disk does not stop
    /// notifications for good.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let stopping = Arc::new(AtomicBool::new(false));
        let mut running: JoinSet<Finished> = JoinSet::new();
        let mut in_flight: HashMap<Id, ChatRef> = HashMap::new();
        loop {
            let wait = match self.start_due(&mut running, &mut in_flight, &stopping) {
                Ok(wait) => wait,
                Err(error) => {
                    tracing::warn!(%error, "reading the outbox failed; retrying");
                    STALLED_WAIT
                }
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = self.desk.inner.outbox_signal.notified() => {}
                Some(done) = running.join_next_with_id() => report(done, &mut in_flight),
                () = self.desk.inner.clock.sleep(wait) => {}
            }
        }
        stopping.store(true, Ordering::SeqCst);
        let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while let Some(done) = running.join_next_with_id().await {
                report(done, &mut in_flight);
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                rounds = running.len(),
                "deliveries still in hand at shutdown were cut off; they are retried at the next start"
            );
            running.shutdown().await;
        }
    }

    /// Starts a round for each chat with due messages that has none in flight, up to the limit;
    /// returns how long to wait before looking again if nothing else wakes the worker.
    fn start_due(
        &self,
        running: &mut JoinSet<Finished>,
        in_flight: &mut HashMap<Id, ChatRef>,
        stopping: &Arc<AtomicBool>,
    ) -> Result<Span, DeskError> {
        let busy: HashSet<ChatRef> = in_flight.values().cloned().collect();
        let plan = self.plan(self.desk.now(), &busy)?;
        let mut wait = plan.next_due.unwrap_or(IDLE_WAIT).min(IDLE_WAIT);
        for round in plan.rounds {
            // A round that finishes wakes the worker, which then starts the next chats.
            if running.len() >= self.parallel_chats() {
                break;
            }
            let Some(claim) = ChatClaim::take(&self.desk.inner.claims, &round.chat) else {
                // Another worker on this desk is delivering to the chat.
                wait = wait.min(STALLED_WAIT);
                continue;
            };
            let chat = round.chat.clone();
            let (desk, stopping) = (self.desk.clone(), stopping.clone());
            let clock = desk.inner.clock.clone();
            let started = running.spawn(async move {
                let result = round.deliver(desk, claim, stopping).await;
                if result.is_err() {
                    // The chat stays claimed a moment: a failing disk is not hammered.
                    clock.sleep(STALLED_WAIT).await;
                }
                result
            });
            in_flight.insert(started.id(), chat);
        }
        Ok(wait)
    }

    /// Groups the messages due at `now` into one round per chat, leaving out the chats in `skip`.
    fn plan(&self, now: Timestamp, skip: &HashSet<ChatRef>) -> Result<Plan, DeskError> {
        let mut plan = Plan::default();
        let mut round_of: HashMap<ChatRef, usize> = HashMap::new();
        let mut held: HashSet<ChatRef> = HashSet::new();
        for entry in self.desk.pending_messages()? {
            if skip.contains(&entry.chat) {
                continue;
            }
            if held.contains(&entry.chat) {
                plan.waiting += 1;
                continue;
            }
            let Some(frontend) = self.frontends.get(&entry.chat.platform) else {
                // Another command delivers to that platform; its enqueue wakes this worker anyway.
                plan.waiting += 1;
                held.insert(entry.chat.clone());
                continue;
            };
            if entry.next_attempt_at > now {
                plan.waiting += 1;
                let due_in = entry.next_attempt_at.since(now);
                plan.next_due = Some(plan.next_due.map_or(due_in, |soonest| soonest.min(due_in)));
                held.insert(entry.chat.clone());
                continue;
            }
            match round_of.get(&entry.chat) {
                Some(&at) => plan.rounds[at].entries.push(entry),
                None => {
                    round_of.insert(entry.chat.clone(), plan.rounds.len());
                    plan.rounds.push(ChatRound {
                        chat: entry.chat.clone(),
                        frontend: frontend.clone(),
                        entries: vec![entry],
                    });
                }
            }
        }
        Ok(plan)
    }

    /// How many chats are delivered to at once.
    fn parallel_chats(&self) -> usize {
        self.desk.config().outbox.parallel_chats.max(1)
    }
}

/// A finished round's result; a round that panicked panics the caller too, as it would have inline.
fn joined(done: Result<Finished, JoinError>) -> Finished {
    match done {
        Ok(finished) => finished,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("a delivery round was cancelled: {error}"),
    }
}

/// Logs a finished round's failure and forgets it was in flight.
fn report(done: Result<(Id, Finished), JoinError>, in_flight: &mut HashMap<Id, ChatRef>) {
    let (id, failure) = match done {
        Ok((id, result)) => (id, result.err().map(|e| e.to_string())),
        Err(error) => (error.id(), Some(error.to_string())),
    };
    let chat = in_flight.remove(&id);
    if let Some(error) = failure {
        tracing::warn!(%error, ?chat, "a delivery round failed; its messages are tried again");
    }
}
