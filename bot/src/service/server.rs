//! The HTTP server loop: accepts connections up to a cap, bounds how long a client may take to send
//! its headers or stay silent, and stops within a bounded time.
//!
//! `axum::serve` has none of these bounds: a slow client (slowloris) holds a connection for ever,
//! enough of them exhaust the file descriptors, and a graceful shutdown waits for every one of them
//! — longer than a service manager waits before it kills the process. Here each connection runs
//! under hyper's header-read timeout and an [`IdleTimeout`], with the request head bounded in bytes
//! and fields and the URL in bytes (414 and 431 in the API's JSON shape, counted in `/metrics`); a
//! semaphore caps how many run at once (the rest wait in the listen backlog); on shutdown the
//! listener closes, idle connections are closed, requests in flight get `shutdown_grace` to finish,
//! and whatever is left is dropped.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Sleep;
use tower::ServiceExt;

use super::error::ApiError;
use super::head_errors::{HeadErrors, uri_too_long};
use super::idle::IdleTimeout;
use super::metrics::Metrics;

/// The smallest read buffer hyper accepts; the head limit below it is enforced by
/// `max_header_size`.
const HYPER_MIN_BUFFER: usize = 8192;

/// The bounds one server runs under, from `[service]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to send a request's headers (slowloris).
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body, after its headers (slow bodies).
    pub body_read_timeout: Duration,
    /// How long a connection may go without a byte in either direction.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before dropping them.
    pub shutdown_grace: Duration,
    /// The longest URL (request target) served; longer: 414.
    pub max_uri_bytes: usize,
    /// The largest request head (request line and headers) read; larger: 431.
    pub max_header_bytes: usize,
    /// The most header fields a request may have; more: 431.
    pub max_header_fields: usize,
}

/// Serves `routers`' current router on `listener` until `shutdown` completes, then stops within
/// `limits.shutdown_grace`. The router is looked up per request, so a service that starts in a
/// waiting state (the vector store not reachable yet) can swap in its full routes without a restart.
/// The answers refused before the router (414, 431) are counted in `metrics`.
pub async fn serve(
    listener: TcpListener,
    routers: watch::Receiver<Router>,
    limits: ConnectionLimits,
    metrics: Metrics,
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
        let metrics = metrics.clone();
        connections.spawn(async move {
            connection(stream, peer, routers, limits, metrics, stopping).await;
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
    metrics: Metrics,
    stopping: watch::Receiver<bool>,
) {
    let io = TokioIo::new(HeadErrors::new(
        IdleTimeout::new(stream, limits.idle_timeout),
        limits,
        metrics.clone(),
    ));
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let mut request =
            request.map(|body| Body::new(Deadline::new(body, limits.body_read_timeout)));
        request.extensions_mut().insert(ConnectInfo(peer));
        let router = routers.borrow().clone();
        let refused = (target_bytes(request.uri()) > limits.max_uri_bytes).then(|| {
            metrics.response(StatusCode::URI_TOO_LONG.as_u16());
            uri_refused(&limits)
        });
        async move {
            Ok::<_, Infallible>(match refused {
                Some(response) => response,
                None => router.oneshot(request).await.unwrap_or_else(|e| match e {}),
            })
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(HYPER_MIN_BUFFER))
        .max_header_size(limits.max_header_bytes)
        .max_headers(limits.max_header_fields);
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

/// The length of the request target as the client sent it (a path and query, or a whole URL).
fn target_bytes(uri: &Uri) -> usize {
    let path = uri.path_and_query().map_or(0, |p| p.as_str().len());
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => {
            scheme.len() + "://".len() + authority.as_str().len() + path
        }
        _ => path,
    }
}

/// The 414 for a URL over `service.max_uri_bytes`, as hyper's own is rewritten.
fn uri_refused(limits: &ConnectionLimits) -> Response {
    let mut response = ApiError::new(
        StatusCode::URI_TOO_LONG,
        "uri_too_long",
        uri_too_long(limits),
    )
    .into_response();
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    response
}

/// A request body that must arrive whole within a deadline from its headers. The idle timeout does
/// not bound a body: each byte pushes it back, so a client trickling a byte a minute would hold a
/// connection, and with enough of them every connection slot. Past the deadline the body fails,
/// the handler refuses the request, and hyper closes the connection, whose body was not read.
struct Deadline {
    body: Incoming,
    /// Set only once the body is polled, so a request without a body arms no timer.
    deadline: Option<Pin<Box<Sleep>>>,
    timeout: Duration,
}

impl Deadline {
    fn new(body: Incoming, timeout: Duration) -> Self {
        Deadline {
            body,
            deadline: None,
            timeout,
        }
    }
}

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(
                "the request body did not arrive within service.body_read_timeout_secs".into(),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Completes when the server starts stopping.
async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}
