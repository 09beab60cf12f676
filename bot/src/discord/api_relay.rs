//! The Discord API relay: the waits of refused requests, kept for the retries when serenity's rate
//! limiter is off.
//!
//! With `discord.api_url` set (a rate-limiting proxy, or a fake in tests), serenity sends there with
//! its own rate limiter off, as that only talks to discord.com, and it keeps neither the headers nor
//! the body fields of a refused request: a 429's `retry_after` would be lost, and the front-end could
//! only guess how long to wait. So serenity talks to an [`crate::api_relay`] on a loopback port,
//! which forwards every request to `api_url` and every answer back as it came, but for a 429: its
//! wait (the body's `retry_after`, in seconds, else the `Retry-After` header) is added to the body
//! as an error of the field `retry_after`, the one place serenity keeps, where [`retry_after`] reads
//! it back.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};
use serenity::http::ErrorResponse;

pub(super) use crate::api_relay::Relay;
use crate::api_relay::{self, Api, CONNECTIONS};

/// How long one relayed request may take, from its body's first byte to the upstream's last: under
/// the front-end's own cut ([`super::frontend::timed`], 30 s), so that a slow upstream is reported
/// as such (504, retried) rather than left holding the relay.
pub(super) const REQUEST_TIMEOUT: Duration = Duration::from_secs(25);

/// The field under which a relayed 429 carries its wait, in seconds.
const WAIT_FIELD: &str = "retry_after";

/// Discord's API as the relay forwards it: the paths under `/api/`, the methods Discord uses.
static DISCORD: Api = Api {
    name: "Discord",
    prefix: "/api/",
    methods: &[
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ],
    answer: with_kept_wait,
};

/// Starts a relay to Discord's API at `api_url` on a loopback port, each request cut after
/// `timeout`.
pub(super) async fn start(api_url: &str, timeout: Duration) -> std::io::Result<Relay> {
    api_relay::start(&DISCORD, api_url, timeout, CONNECTIONS).await
}

/// The wait a relayed 429 carries: what Discord (or the proxy) asked for.
pub(super) fn retry_after(response: &ErrorResponse) -> Option<Duration> {
    let seconds: f64 = response
        .error
        .errors
        .iter()
        .find(|error| error.path == WAIT_FIELD)?
        .message
        .parse()
        .ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// Discord's answer as serenity must get it: a 429 with its wait kept ([`with_wait`]), the rest as
/// it came.
fn with_kept_wait(status: StatusCode, headers: &HeaderMap, body: Vec<u8>) -> (StatusCode, Bytes) {
    if status == StatusCode::TOO_MANY_REQUESTS {
        (status, with_wait(&body, headers))
    } else {
        (status, Bytes::from(body))
    }
}

/// A 429's body with its wait added where serenity keeps it, and the `code` serenity needs to read
/// the body at all (Discord's 429 has none). A body that is not a JSON object (a proxy's page) is
/// replaced by one. A wait that is not a number of seconds (negative, not finite) is left out: the
/// front-end then waits its own backoff.
fn with_wait(body: &[u8], headers: &HeaderMap) -> Bytes {
    let mut error = match serde_json::from_slice::<Value>(body) {
        Ok(object @ Value::Object(_)) => object,
        _ => json!({"message": String::from_utf8_lossy(body)}),
    };
    let wait = error[WAIT_FIELD]
        .as_f64()
        .or_else(|| {
            headers
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok())
        })
        .filter(|wait: &f64| wait.is_finite() && *wait >= 0.0);
    if error["code"].as_i64().is_none() {
        error["code"] = json!(0);
    }
    if !error["message"].is_string() {
        error["message"] = json!("rate limited");
    }
    if let Some(wait) = wait {
        error["errors"] = json!({
            WAIT_FIELD: {"_errors": [{"code": "RATE_LIMITED", "message": wait.to_string()}]}
        });
    }
    Bytes::from(error.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::extract::Request;
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use serenity::http::HttpBuilder;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::discord::frontend::classify;

    /// Serves `app` on a loopback port; returns its URL.
    async fn serve(app: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    /// An upstream that answers every request with `answer`, counting the requests it gets.
    async fn upstream<F, Fut>(answer: F) -> (String, Arc<AtomicUsize>)
    where
        F: Fn(Request) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        let count = Arc::new(AtomicUsize::new(0));
        let counted = count.clone();
        let app = Router::new().fallback(move |request: Request| {
            counted.fetch_add(1, Ordering::SeqCst);
            answer(request)
        });
        (serve(app).await, count)
    }

    /// The status line of `request`, sent as written to the relay at `url`: clients would tidy
    /// up the dot segments and methods that these tests need sent.
    async fn raw_status(url: &str, request: &str) -> String {
        let address = url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = vec![0; 1024];
        let read = stream.read(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer[..read])
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    #[tokio::test]
    async fn only_discords_api_is_forwarded() {
        let (api, requests) = upstream(|_| async { StatusCode::OK.into_response() }).await;
        let relay = start(&api, REQUEST_TIMEOUT).await.unwrap();
        assert!(
            relay.url().starts_with("http://127.0.0.1:"),
            "loopback only"
        );
        for (request, refused) in [
            ("GET /admin HTTP/1.1\r\nHost: x\r\n\r\n", "404"),
            (
                "GET /api/v10/../../admin HTTP/1.1\r\nHost: x\r\n\r\n",
                "404",
            ),
            (
                "GET /api/v10/%2E%2e/admin HTTP/1.1\r\nHost: x\r\n\r\n",
                "404",
            ),
            (
                "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
                "40",
            ),
            (
                "OPTIONS /api/v10/users/@me HTTP/1.1\r\nHost: x\r\n\r\n",
                "405",
            ),
        ] {
            let status = raw_status(relay.url(), request).await;
            assert!(
                status.contains(&format!(" {refused}")),
                "{request:?}: {status}"
            );
        }
        assert_eq!(requests.load(Ordering::SeqCst), 0, "nothing was forwarded");
        let status = raw_status(
            relay.url(),
            "GET /api/v10/users/@me HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await;
        assert!(status.contains(" 200"), "{status}");
        assert_eq!(requests.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn connection_headers_stay_here_and_redirects_go_back_unfollowed() {
        let (elsewhere, followed) = upstream(|_| async { StatusCode::OK.into_response() }).await;
        let (api, _) = upstream(move |request: Request| {
            let elsewhere = elsewhere.clone();
            async move {
                let passed = |name: &str| request.headers().contains_key(name);
                assert!(passed("authorization"), "the token goes on");
                assert!(!passed("proxy-authorization") && !passed("upgrade"));
                (
                    StatusCode::FOUND,
                    [("location", format!("{elsewhere}/api/v10/users/@me"))],
                )
                    .into_response()
            }
        })
        .await;
        let relay = start(&api, REQUEST_TIMEOUT).await.unwrap();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = client
            .get(format!("{}/api/v10/users/@me", relay.url()))
            .header("authorization", "Bot TEST.TOKEN")
            .header("proxy-authorization", "Basic c2VjcmV0")
            .header("upgrade", "websocket")
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::FOUND,
            "the upstream's redirect"
        );
        assert_eq!(
            followed.load(Ordering::SeqCst),
            0,
            "not followed by the relay"
        );
    }

    #[tokio::test]
    async fn an_answer_too_large_is_refused_and_a_slow_one_cut() {
        let (api, _) = upstream(|request: Request| async move {
            if request.uri().path().ends_with("/slow") {
                std::future::pending::<()>().await;
            }
            vec![b'x'; 8 * 1024 * 1024 + 1].into_response()
        })
        .await;
        let relay = start(&api, Duration::from_millis(200)).await.unwrap();
        let status = |path: &'static str| {
            let url = format!("{}{path}", relay.url());
            async move { reqwest::get(url).await.unwrap().status() }
        };
        assert_eq!(status("/api/v10/big").await, StatusCode::BAD_GATEWAY);
        assert_eq!(status("/api/v10/slow").await, StatusCode::GATEWAY_TIMEOUT);
    }

    #[tokio::test]
    async fn the_relay_stops_when_its_last_holder_drops_it() {
        let (api, _) = upstream(|_| async { StatusCode::OK.into_response() }).await;
        let relay = start(&api, REQUEST_TIMEOUT).await.unwrap();
        let address = relay.url().trim_start_matches("http://").to_string();
        tokio::net::TcpStream::connect(&address).await.unwrap();
        drop(relay);
        for _ in 0..500 {
            if tokio::net::TcpStream::connect(&address).await.is_err() {
                return;
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the relay still listens on {address}");
    }

    #[test]
    fn a_wait_that_is_not_a_number_of_seconds_is_left_out() {
        for bad in ["inf", "-3", "NaN", "soon"] {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, bad.parse().unwrap());
            let body: Value = serde_json::from_slice(&with_wait(b"{}", &headers)).unwrap();
            assert!(body["errors"].is_null(), "{bad}: {body}");
        }
    }

    /// An API server that refuses every request with `status`, `body` and `headers`, behind a relay.
    async fn refusing(
        status: StatusCode,
        body: &'static str,
        headers: &'static [(&'static str, &'static str)],
    ) -> Relay {
        let refuse = move || async move {
            let mut response = (status, body).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(*name, value.parse().unwrap());
            }
            response
        };
        let api = serve(Router::new().route("/api/v10/users/@me", get(refuse))).await;
        start(&api, REQUEST_TIMEOUT).await.unwrap()
    }

    /// What the front-end makes of serenity's error for a request through `relay`.
    async fn classified(relay: &str) -> consulta_desk::DeliveryError {
        let http = HttpBuilder::new("Bot TEST.TOKEN")
            .proxy(relay)
            .ratelimiter_disabled(true)
            .build();
        classify(&http.get_current_user().await.unwrap_err())
    }

    #[tokio::test]
    async fn a_429_keeps_the_wait_in_its_body() {
        let relay = refusing(
            StatusCode::TOO_MANY_REQUESTS,
            r#"{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}"#,
            &[("retry-after", "3")],
        )
        .await;
        let refused = classified(relay.url()).await;
        assert_eq!(
            refused.retry_after.map(consulta_desk::Span::as_millis),
            Some(2_500),
            "the body's wait, to the millisecond: {refused}"
        );
    }

    #[tokio::test]
    async fn a_429_without_a_body_keeps_the_headers_wait() {
        let relay = refusing(
            StatusCode::TOO_MANY_REQUESTS,
            "<html>slow down</html>",
            &[("retry-after", "4")],
        )
        .await;
        let refused = classified(relay.url()).await;
        assert_eq!(
            refused.retry_after.map(consulta_desk::Span::as_millis),
            Some(4_000),
            "{refused}"
        );
    }

    #[tokio::test]
    async fn other_refusals_come_back_as_they_were() {
        let relay = refusing(
            StatusCode::FORBIDDEN,
            r#"{"code": 50013, "message": "Missing Permissions"}"#,
            &[],
        )
        .await;
        let refused = classified(relay.url()).await;
        assert!(
            refused.to_string().contains("Missing Permissions") && refused.retry_after.is_none(),
            "{refused}"
        );
    }
}
