//! A relay on a loopback port between a chat library's HTTP client and its platform's API, for the
//! answers the library would mishandle as they come.
//!
//! serenity keeps neither the headers nor the body fields of a refused request, so a Discord 429's
//! wait would be lost ([`crate::discord`] moves it into the body); teloxide pauses 10 s of real time
//! after any 5xx before it returns the error (`DELAY_ON_SERVER_ERROR` in teloxide-core's
//! `net/request.rs`), which our own retries, waited on the desk's clock, make needless
//! ([`crate::telegram`] hands a 5xx on as an error body with a status that does not pause). The
//! library talks to the relay; the relay forwards every request to the API and every answer back,
//! rewritten by the platform's [`Api::answer`].
//!
//! The relay holds no credential (the library sends the token with each request), but anything on
//! the machine can reach a loopback port, and the upstream may be slow or hostile. So it listens on
//! 127.0.0.1 only, forwards only the platform's API (its path prefix and methods, no `.` or `..`
//! segment that would leave `api_url`'s path), drops hop-by-hop headers, follows no redirect, bounds
//! the bodies both ways and the time of each request, and stops with the bot that started it. Its
//! connections are served as the service's are ([`crate::service::serve`]): heads read within a
//! timeout, idle connections cut, a cap on connections, a bounded shutdown.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    CONNECTION, CONTENT_LENGTH, HOST, HeaderName, PROXY_AUTHORIZATION, TE, TRAILER,
    TRANSFER_ENCODING, UPGRADE,
};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::{oneshot, watch};

use crate::service::{ConnectionLimits, Metrics, serve};

/// The largest request forwarded: far above a message with embeds or buttons, the only bodies
/// Consulta sends.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// The largest answer relayed: the platforms' answers to Consulta's requests are a few kilobytes; a
/// bigger one is a broken or hostile upstream, and is not held in memory.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// How long reaching the upstream may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a relay's connections are served: the library keeps a few open, sends small heads and bodies,
/// and waits up to its platform's request timeout (25 s) for an answer, so a connection is idle only
/// past that.
pub(crate) const CONNECTIONS: ConnectionLimits = ConnectionLimits {
    header_read_timeout: Duration::from_secs(10),
    body_read_timeout: Duration::from_secs(30),
    idle_timeout: Duration::from_secs(60),
    max_connections: 64,
    shutdown_grace: Duration::from_secs(20),
    max_uri_bytes: 8 * 1024,
    max_header_bytes: 32 * 1024,
    max_header_fields: 100,
};

/// Headers about one connection, not the request (RFC 9110, 7.6.1): not passed on.
const HOP_BY_HOP: [HeaderName; 7] = [
    CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    PROXY_AUTHORIZATION,
    TE,
    TRAILER,
    UPGRADE,
];

/// What a relay knows of the API it stands in front of.
#[derive(Debug)]
pub(crate) struct Api {
    /// The platform's name, in the answers the relay gives itself.
    pub(crate) name: &'static str,
    /// How every path of the API starts (`/api/` for Discord, `/bot` for Telegram).
    pub(crate) prefix: &'static str,
    /// The methods the API uses; others are refused (405).
    pub(crate) methods: &'static [Method],
    /// The upstream's answer (status, headers, whole body) as the library must get it.
    pub(crate) answer: fn(StatusCode, &HeaderMap, Vec<u8>) -> (StatusCode, Bytes),
}

/// Where the relay forwards to.
struct Upstream {
    api: &'static Api,
    client: reqwest::Client,
    /// `api_url`, without a trailing slash; request paths are appended to it.
    base: String,
    /// How long one request may take.
    timeout: Duration,
}

/// A running relay: its URL, for the library to send to instead of the API. It serves until the
/// last holder (the bot, its front-end) drops it, then stops listening and lets the requests in
/// flight finish within its limits' grace.
#[derive(Debug)]
pub(crate) struct Relay {
    url: String,
    /// Dropped with the relay, which starts its shutdown.
    _running: oneshot::Sender<()>,
}

impl Relay {
    /// Where the library sends.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

/// Starts a relay to `api`, at `api_url`, on a loopback port, each request cut after `timeout`, its
/// connections served under `limits`.
pub(crate) async fn start(
    api: &'static Api,
    api_url: &str,
    timeout: Duration,
    limits: ConnectionLimits,
) -> std::io::Result<Relay> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .build()
        .map_err(std::io::Error::other)?;
    let upstream = Arc::new(Upstream {
        api,
        client,
        base: api_url.trim_end_matches('/').to_string(),
        timeout,
    });
    let (_, app) = watch::channel(Router::new().fallback(forward).with_state(upstream));
    let (running, dropped) = oneshot::channel();
    let shutdown = async move {
        let _ = dropped.await;
    };
    tokio::spawn(async move {
        if let Err(error) = serve(listener, app, limits, Metrics::default(), shutdown).await {
            tracing::error!(%error, api = api.name, "the API relay stopped");
        }
    });
    Ok(Relay {
        url,
        _running: running,
    })
}

/// Whether the relay passes `method` and `path` on: the API's own, and no path that could step out
/// of `api_url`'s own path once the upstream resolves dot segments.
fn forwarded(api: &Api, method: &Method, path: &str) -> Result<(), StatusCode> {
    if !api.methods.contains(method) {
        return Err(StatusCode::METHOD_NOT_ALLOWED);
    }
    let dotted = path.split(['/', '?']).any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    });
    if !path.starts_with(api.prefix) || dotted {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(())
}

/// Sends `request` on to the upstream, and its answer back.
async fn forward(State(upstream): State<Arc<Upstream>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    if let Err(refused) = forwarded(upstream.api, &parts.method, path) {
        let only = format!("the relay forwards the {} API only", upstream.api.name);
        return (refused, only).into_response();
    }
    let relayed = tokio::time::timeout(upstream.timeout, async {
        let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        let mut headers = parts.headers;
        // reqwest frames the body, for the upstream's host.
        for header in HOP_BY_HOP
            .iter()
            .chain(&[HOST, CONTENT_LENGTH, TRANSFER_ENCODING])
        {
            headers.remove(header);
        }
        let sent = upstream
            .client
            .request(parts.method, format!("{}{path}", upstream.base))
            .headers(headers)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(answer) => relay_back(upstream.api, answer).await,
            // The library sees a failed gateway, which the front-end retries like the API's own 5xx.
            Err(error) if error.is_timeout() => {
                (StatusCode::GATEWAY_TIMEOUT, error.to_string()).into_response()
            }
            Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
        }
    })
    .await;
    relayed.unwrap_or_else(|_| {
        let late = format!("the {} API did not answer in time", upstream.api.name);
        (StatusCode::GATEWAY_TIMEOUT, late).into_response()
    })
}

/// The upstream's `answer`, read up to [`MAX_RESPONSE_BYTES`], as [`Api::answer`] rewrites it.
async fn relay_back(api: &Api, mut answer: reqwest::Response) -> Response {
    let status = answer.status();
    let mut headers = answer.headers().clone();
    let too_large = || {
        let refused = format!("the {} API sent an answer too large to relay", api.name);
        (StatusCode::BAD_GATEWAY, refused).into_response()
    };
    if answer
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
    {
        return too_large();
    }
    let mut body = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() > MAX_RESPONSE_BYTES => return too_large(),
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
        }
    }
    let (status, body) = (api.answer)(status, &headers, body);
    // The body may have changed, and axum frames it anew.
    for header in HOP_BY_HOP
        .iter()
        .chain(&[CONTENT_LENGTH, TRANSFER_ENCODING])
    {
        headers.remove(header);
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use std::io::{ErrorKind, Read, Write};
    use std::net::TcpStream;

    use super::*;

    /// An API that takes everything under `/api/` and hands answers back as they came.
    static PASSING: Api = Api {
        name: "Test",
        prefix: "/api/",
        methods: &[Method::GET],
        answer: |status, _, body| (status, Bytes::from(body)),
    };

    /// Two connections at most, heads cut after a second.
    const TIGHT: ConnectionLimits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(1),
        body_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(60),
        max_connections: 2,
        shutdown_grace: Duration::from_secs(1),
        max_uri_bytes: 8 * 1024,
        max_header_bytes: 32 * 1024,
        max_header_fields: 100,
    };

    /// A connection to `relay` that sends the start of a request's head and never its end.
    fn half_sent(relay: &Relay) -> TcpStream {
        let mut stream = TcpStream::connect(relay.url().trim_start_matches("http://")).unwrap();
        stream
            .write_all(b"GET /api/v10/gateway HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        stream
    }

    /// Whether the relay has closed `stream` already (its end of file is there to read), asked
    /// without waiting.
    fn closed_now(stream: &TcpStream) -> bool {
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        let closed = match (&*stream).read(&mut byte) {
            Ok(0) => true,
            Err(error) => error.kind() != ErrorKind::WouldBlock,
            Ok(_) => false,
        };
        stream.set_nonblocking(false).unwrap();
        closed
    }

    /// Whether the relay closes `stream`: a read that ends or fails, within a bound far past the
    /// header timeout (a relay that never closes fails the test there).
    fn closed(stream: &TcpStream) -> bool {
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut buffer = [0u8; 256];
        loop {
            match (&*stream).read(&mut buffer) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(error) => {
                    return !matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
                }
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn half_sent_heads_are_cut_and_connections_over_the_cap_wait_for_them() {
        let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_url = format!("http://{}", upstream.local_addr().unwrap());
        tokio::spawn(async move {
            let app = Router::new().fallback(|| async { "upstream" });
            axum::serve(upstream, app).await
        });
        let relay = start(&PASSING, &api_url, Duration::from_secs(10), TIGHT)
            .await
            .unwrap();
        let slow: Vec<TcpStream> = (0..2).map(|_| half_sent(&relay)).collect();
        let address = relay.url().trim_start_matches("http://").to_string();
        let answered = tokio::task::spawn_blocking(move || {
            let mut third = TcpStream::connect(address).unwrap();
            third
                .write_all(b"GET /api/v10/gateway HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            third.read_to_string(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap();
        assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
        assert!(answered.ends_with("upstream"), "{answered}");
        // The third connection was served only once a slot was free: after a half-sent head was cut.
        assert!(
            slow.iter().any(closed_now),
            "a connection over the cap of two waited for a half-sent head to be cut"
        );
        assert!(
            slow.iter().all(closed),
            "every half-sent head is cut after the header timeout"
        );
    }
}
