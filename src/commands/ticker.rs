//! The desk's clock work, run by every command that runs the desk: reminders for tickets left waiting
//! and the retention rule, once a minute until shutdown. `consulta serve` runs it, and so do
//! `consulta telegram` and `consulta discord` when they hold the desk themselves.

use std::time::Duration;

use consulta_bot::desk::Desk;

/// How often reminders and the retention rule run.
const TICK_EVERY: Duration = Duration::from_secs(60);

/// Reminders and retention, every minute until shutdown.
pub(crate) async fn tick(desk: Desk, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(TICK_EVERY) => {}
        }
        let desk = desk.clone();
        match tokio::task::spawn_blocking(move || desk.tick()).await {
            Ok(Ok(report)) => tracing::debug!(?report, "desk tick"),
            Ok(Err(error)) => tracing::warn!(%error, "desk tick failed; trying again in a minute"),
            Err(error) => tracing::warn!(%error, "desk tick panicked"),
        }
    }
}
