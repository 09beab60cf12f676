//! The waits of refused requests, kept for the retries when serenity's rate limiter is off.
//!
//! With `discord.api_url` set (a rate-limiting proxy, or a fake in tests), serenity sends there with
//! its own rate limiter off, as that only talks to discord.com, and it keeps neither the headers nor
//! the body fields of a refused request: a 429's `retry_after` would be lost, and the front-end could
//! only guess how long to wait. So serenity talks to this relay, on a loopback port, which forwards
//! every request to `api_url` and every answer back as it came, but for a 429: its wait (the body's
//! `retry_after`, in seconds, else the `Retry-After` header) is added to the body as an error of
//! the field `retry_after`, the one place serenity keeps, where [`retry_after`] reads it back.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, HOST, RETRY_AFTER, TRANSFER_ENCODING};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use serenity::http::ErrorResponse;

/// The largest request forwarded: far above a message with embeds, the only bodies Consulta sends.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// The field under which a relayed 429 carries its wait, in seconds.
const WAIT_FIELD: &str = "retry_after";

/// Where the relay forwards to.
struct Upstream {
    client: reqwest::Client,
    /// `api_url`, without a trailing slash; request paths are appended to it.
    base: String,
}

/// Starts a relay to `api_url` on a loopback port and returns its URL, for serenity to send to
/// instead. It runs as long as the runtime does, like the bot it serves.
pub(super) async fn start(api_url: &str) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let upstream = Arc::new(Upstream {
        client: reqwest::Client::new(),
        base: api_url.trim_end_matches('/').to_string(),
    });
    let app = Router::new().fallback(forward).with_state(upstream);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the Discord API relay stopped");
        }
    });
    Ok(url)
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

/// Sends `request` on to the upstream, and its answer back.
async fn forward(State(upstream): State<Arc<Upstream>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |path| path.as_str());
    let mut headers = parts.headers;
    // reqwest frames the body, for the upstream's host.
    headers.remove(HOST);
    headers.remove(CONTENT_LENGTH);
    let sent = upstream
        .client
        .request(parts.method, format!("{}{path}", upstream.base))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        // serenity sees a failed gateway, which the front-end retries like Discord's own 5xx.
        Err(error) => return (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    };
    let status = answer.status();
    let mut headers = answer.headers().clone();
    let Ok(body) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let body = if status == StatusCode::TOO_MANY_REQUESTS {
        with_wait(&body, &headers)
    } else {
        body
    };
    // The body may have changed, and axum frames it anew.
    for header in [CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION] {
        headers.remove(header);
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// A 429's body with its wait added where serenity keeps it, and the `code` serenity needs to read
/// the body at all (Discord's 429 has none). A body that is not a JSON object (a proxy's page) is
/// replaced by one.
fn with_wait(body: &[u8], headers: &HeaderMap) -> Bytes {
    let mut error = match serde_json::from_slice::<Value>(body) {
        Ok(object @ Value::Object(_)) => object,
        _ => json!({"message": String::from_utf8_lossy(body)}),
    };
    let wait = error[WAIT_FIELD].as_f64().or_else(|| {
        headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse().ok())
    });
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
    use axum::routing::get;
    use serenity::http::HttpBuilder;

    use super::*;
    use crate::discord::frontend::classify;

    /// An API server that refuses every request with `status`, `body` and `headers`, behind a relay;
    /// returns the relay's URL.
    async fn refusing(
        status: StatusCode,
        body: &'static str,
        headers: &'static [(&'static str, &'static str)],
    ) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = format!("http://{}", listener.local_addr().unwrap());
        let refuse = move || async move {
            let mut response = (status, body).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(*name, value.parse().unwrap());
            }
            response
        };
        let app = Router::new().route("/api/v10/users/@me", get(refuse));
        tokio::spawn(async move { axum::serve(listener, app).await });
        start(&api).await.unwrap()
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
        let refused = classified(&relay).await;
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
        let refused = classified(&relay).await;
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
        let refused = classified(&relay).await;
        assert!(
            refused.to_string().contains("Missing Permissions") && refused.retry_after.is_none(),
            "{refused}"
        );
    }
}
