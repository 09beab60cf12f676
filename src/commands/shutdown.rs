//! Stopping long-running commands: one signal, seen by every task of the process.

use tokio::sync::watch;

/// Fires once on Ctrl-C or SIGTERM; every task waits on its own clone of the receiver.
pub struct Shutdown {
    sender: watch::Sender<bool>,
}

impl Shutdown {
    /// A shutdown nobody has asked for yet.
    pub fn new() -> Shutdown {
        Shutdown {
            sender: watch::channel(false).0,
        }
    }

    /// A future that completes when the shutdown starts.
    pub fn signalled(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut receiver = self.sender.subscribe();
        async move {
            let _ = receiver.wait_for(|stop| *stop).await;
        }
    }

    /// Waits for Ctrl-C or SIGTERM, then starts the shutdown; returns at once if something else
    /// started it (see [`Shutdown::start`]).
    pub async fn on_signal(&self) {
        tokio::select! {
            () = signal() => {}
            () = self.signalled() => return,
        }
        tracing::info!("shutting down: finishing the work in hand");
        self.sender.send_replace(true);
    }

    /// Starts the shutdown without a signal: a part the process cannot do without has stopped.
    pub fn start(&self) {
        self.sender.send_replace(true);
    }
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
