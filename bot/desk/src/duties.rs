//! Everything a running desk must do in the background, in one place: deliver the outbox and, on the
//! clock, send reminders and apply the retention rule. Every command that holds the desk —
//! `consulta serve`, and `consulta telegram` or `consulta discord` run alone — runs exactly this, so a
//! front-end started on its own cannot forget the reminders or keep data past retention.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::desk::Desk;
use super::frontend::FrontEnd;
use super::worker::OutboxWorker;

/// How often reminders and the retention rule run in production: reminders count in hours, so a
/// minute late is on time.
pub const TICK_EVERY: Duration = Duration::from_secs(60);

/// The desk's background work: an outbox worker over the attached front-ends, and the periodic
/// [`Desk::tick`].
#[derive(Debug)]
pub struct DeskDuties {
    /// The desk ticked.
    desk: Desk,
    /// Delivers what the desk enqueues, through the attached front-ends.
    worker: OutboxWorker,
    /// Time between ticks ([`TICK_EVERY`] unless a test shortens it).
    tick_every: Duration,
}

impl DeskDuties {
    /// The duties of `desk`, with no front-end attached yet and the production tick interval.
    pub fn new(desk: Desk) -> Self {
        DeskDuties {
            worker: OutboxWorker::new(desk.clone()),
            desk,
            tick_every: TICK_EVERY,
        }
    }

    /// Delivers messages for `frontend.platform()` through `frontend`.
    pub fn with_frontend(mut self, frontend: Arc<dyn FrontEnd>) -> Self {
        self.worker = self.worker.with_frontend(frontend);
        self
    }

    /// Ticks every `every` instead of every minute (tests moving a manual clock).
    pub fn tick_every(mut self, every: Duration) -> Self {
        self.tick_every = every;
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
            let desk = self.desk.clone();
            match tokio::task::spawn_blocking(move || desk.tick()).await {
                Ok(Ok(report)) => tracing::debug!(?report, "desk tick"),
                Ok(Err(error)) => {
                    tracing::warn!(%error, "desk tick failed; trying again at the next tick")
                }
                Err(error) => tracing::warn!(%error, "desk tick panicked"),
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(self.tick_every) => {}
            }
        }
    }
}
