//! Everything a running desk must do in the background, in one place: deliver the outbox and, on the
//! clock, send reminders and apply the retention rule. Every command that holds the desk —
//! `consulta serve`, and `consulta telegram` or `consulta discord` run alone — runs exactly this, so a
//! front-end started on its own cannot forget the reminders or keep data past retention.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::desk::Desk;
use super::error::DeskError;
use super::frontend::FrontEnd;
use super::time::{Span, Timestamp};
use super::worker::OutboxWorker;

/// The longest the duties sleep between ticks. They sleep until the desk's next duty falls due, but
/// a ticket escalated meanwhile is not announced to them, so its reminder is found within this;
/// reminders count in hours, so a minute late is on time.
pub const TICK_EVERY: Duration = Duration::from_secs(60);

/// The desk's background work: an outbox worker over the attached front-ends, and [`Desk::tick`]
/// when a reminder or the retention rule falls due, waiting on the desk's clock.
#[derive(Debug)]
pub struct DeskDuties {
    /// The desk ticked.
    desk: Desk,
    /// Delivers what the desk enqueues, through the attached front-ends (which are also told what
    /// the retention rule swept, so that their rows go too).
    worker: OutboxWorker,
}

impl DeskDuties {
    /// The duties of `desk`, with no front-end attached yet.
    pub fn new(desk: Desk) -> Self {
        DeskDuties {
            worker: OutboxWorker::new(desk.clone()),
            desk,
        }
    }

    /// Delivers messages for `frontend.platform()` through `frontend`.
    pub fn with_frontend(mut self, frontend: Arc<dyn FrontEnd>) -> Self {
        self.worker = self.worker.with_frontend(frontend);
        self
    }

    /// Delivers and ticks until `shutdown` completes. The first tick runs at once, so reminders that
    /// fell due while the process was down go out at start.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let (stop, stopped) = watch::channel(false);
        let until = |mut stopped: watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stopped| *stopped).await;
        };
        let signal = async move {
            shutdown.await;
            let _ = stop.send(true);
        };
        tokio::join!(
            signal,
            self.worker.run(until(stopped.clone())),
            self.tick_until(until(stopped))
        );
    }

    async fn tick_until(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let wake = self.tick().await;
            // The wait runs from the clock's reading now, not from the tick's: time that passed
            // (or a clock that was moved) since the tick is not waited again.
            let wait = wake.since(self.desk.now());
            tokio::select! {
                () = &mut shutdown => return,
                () = self.desk.inner.clock.sleep(wait) => {}
            }
        }
    }

    /// Hands each attached front-end the retention sweeps it has not confirmed, oldest first, and
    /// tells the desk of each one it dropped its rows for. A front-end that fails keeps its place in
    /// the queue and is asked again at the next tick (at most [`TICK_EVERY`] later), so a platform
    /// that was down, or a bot process not connected through the relay, is not left with rows
    /// about tickets the desk no longer has. Sweeps made while no front-end ran (`consulta tickets
    /// tick`) wait in the same queue.
    async fn sweep_frontends(&self) {
        for frontend in self.worker.frontends() {
            let platform = frontend.platform();
            let pending = match self.desk.pending_sweeps(platform) {
                Ok(pending) => pending,
                Err(error) => {
                    tracing::warn!(%platform, %error, "cannot read the retention sweeps to hand on");
                    continue;
                }
            };
            for sweep in pending {
                if let Err(error) = frontend.forget(&sweep.swept).await {
                    tracing::warn!(%platform, %error, "a front-end kept its rows about swept tickets; asking again at the next tick");
                    break;
                }
                if let Err(error) = self.desk.sweep_done(platform, sweep.seq) {
                    tracing::warn!(%platform, %error, "cannot mark a retention sweep handed on");
                    break;
                }
            }
        }
    }

    /// Runs one [`Desk::tick`] and says when, on the desk's clock, to tick next: when the next duty
    /// falls due, at most [`TICK_EVERY`] after this tick. A duty already due when the tick started
    /// was not cleared by it (the tick failed, or a record is damaged), so the next try waits a whole
    /// [`TICK_EVERY`] rather than spinning.
    async fn tick(&self) -> Timestamp {
        let desk = self.desk.clone();
        let platforms: Vec<_> = self.worker.frontends().map(|f| f.platform()).collect();
        let ticked = tokio::task::spawn_blocking(move || {
            // Before the tick sweeps: what it deletes is queued for these platforms too.
            for platform in platforms {
                desk.front_end_runs(platform)?;
            }
            let started = desk.now();
            let report = desk.tick()?;
            Ok::<_, DeskError>((report, started, desk.next_duty()?, desk.now()))
        })
        .await;
        // Also after a failed tick: sweeps of earlier ticks still wait to be handed on.
        self.sweep_frontends().await;
        let longest = Span::from_duration(TICK_EVERY);
        match ticked {
            Ok(Ok((report, started, next, now))) => {
                tracing::debug!(?report, ?next, "desk tick");
                match next {
                    Some(due) if due > started => due.min(now.plus(longest)),
                    Some(due) => {
                        tracing::warn!(%due, "a desk duty stays due after the tick; trying again at the next tick");
                        now.plus(longest)
                    }
                    None => now.plus(longest),
                }
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "desk tick failed; trying again at the next tick");
                self.desk.now().plus(longest)
            }
            Err(error) => {
                tracing::warn!(%error, "desk tick panicked");
                self.desk.now().plus(longest)
            }
        }
    }
}
