//! The HTTP server loop: accepts connections up to a cap, bounds how long a client may take to send
//! its headers or stay silent, and stops within a bounded time.
//!
//! `axum::serve` has none of these bounds: a slow client (slowloris) holds a connection for ever,
//! enough of them exhaust the file descriptors, and a graceful shutdown waits for every one of them
//! — longer than a service manager waits before it kills the process. Here each connection runs
//! under hyper's header-read timeout and an [`IdleTimeout`]; a semaphore caps how many run at once
//! (the rest wait in the listen backlog); on shutdown the listener closes, idle connections are
//! closed, requests in flight get `shutdown_grace` to finish, and whatever is left is dropped.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::head_errors::{HeadErrors, MAX_HEAD_BYTES, MAX_HEADERS};
use super::idle::IdleTimeout;

/// The bounds one server runs under, from `[service]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to send a request's headers (slowloris).
    pub header_read_timeout: Duration,
    /// How long a connection may go without a byte in either direction.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before dropping them.
    pub shutdown_grace: Duration,
}

/// Serves `routers`' current router on `listener` until `shutdown` completes, then stops within
/// `limits.shutdown_grace`. The router is looked up per request, so a service that starts in a
/// waiting state (the vector store not reachable yet) can swap in its full routes without a restart.
pub async fn serve(
    listener: TcpListener,
    routers: watch::Receiver<Router>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
            // Reaps finished connections, so the set holds only live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, or a connection reset before it was accepted: wait a
                // moment rather than spin, and keep serving the connections already open.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let routers = routers.clone();
        let stopping = stopping.clone();
        connections.spawn(async move {
            connection(stream, peer, routers, limits, stopping).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    if open > 0 {
        tracing::info!(
            connections = open,
            "waiting for the requests in flight to finish"
        );
    }
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            grace = ?limits.shutdown_grace,
            "connections still open after service.shutdown_grace_secs: closing them"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one connection until the client closes it, a timeout cuts it, or the shutdown closes it.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    routers: watch::Receiver<Router>,
    limits: ConnectionLimits,
    stopping: watch::Receiver<bool>,
) {
    let io = TokioIo::new(HeadErrors::new(IdleTimeout::new(
        stream,
        limits.idle_timeout,
    )));
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let router = routers.borrow().clone();
        async move { Ok::<_, Infallible>(router.oneshot(request).await.unwrap_or_else(|e| match e {})) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let served = builder.serve_connection(io, service);
    tokio::pin!(served);
    tokio::select! {
        result = served.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "connection ended");
            }
        }
        () = stopped(stopping) => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
}

/// Completes when the server starts stopping.
async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
