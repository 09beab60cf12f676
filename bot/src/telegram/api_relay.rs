//! The Telegram API relay: a server error answered at once, not 10 s later.
//!
//! teloxide-core pauses 10 s of real time after any 5xx before it returns the error
//! (`DELAY_ON_SERVER_ERROR` in its `net/request.rs`, taken whenever the status `is_server_error()`,
//! with no setting to turn it off), so an answer that meets one Telegram 5xx reached the asker 10 s
//! late even though our own retries ([`crate::chat::with_retry`]) wait a bounded backoff on the
//! desk's clock. teloxide's HTTP path cannot be replaced short of a fork (its `Requester` types send
//! through `Bot`'s private request functions), so teloxide talks to an [`crate::api_relay`] on a
//! loopback port that forwards to the Bot API and hands every answer back as it came, but a 5xx: that
//! one comes back as `200` with Telegram's error body (or one made from the status, when a proxy sent
//! a page), which teloxide returns at once as the `ApiError` it is, and which
//! [`super::frontend::classify`] counts as transient, so it is retried on our backoff.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

pub(super) use crate::api_relay::Relay;
use crate::api_relay::{self, Api, CONNECTIONS};

/// Telegram's Bot API, where teloxide sends unless `telegram.api_url` names another server.
pub(super) const TELEGRAM_API: &str = "https://api.telegram.org";

/// How long one relayed request may take: past teloxide's own cut (17 s, which also bounds the long
/// polls), so that teloxide, not the relay, decides when a request took too long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(25);

/// Telegram's API as the relay forwards it: `/bot<token>/<method>`, by GET or POST.
static TELEGRAM: Api = Api {
    name: "Telegram",
    prefix: "/bot",
    methods: &[Method::GET, Method::POST],
    answer: without_pause,
};

/// Starts a relay to the Bot API at `api_url` on a loopback port.
pub(super) async fn start(api_url: &str) -> std::io::Result<Relay> {
    api_relay::start(&TELEGRAM, api_url, REQUEST_TIMEOUT, CONNECTIONS).await
}

/// Telegram's answer as teloxide must get it to return at once: a 5xx as `200` with an error body
/// (`"ok": false`, the `error_code` and a `description`, Telegram's own when it sent one), the rest
/// as it came.
fn without_pause(status: StatusCode, _: &HeaderMap, body: Vec<u8>) -> (StatusCode, Bytes) {
    if !status.is_server_error() {
        return (status, Bytes::from(body));
    }
    let error = match serde_json::from_slice::<Value>(&body) {
        Ok(error) if error["ok"] == false && error["description"].is_string() => error,
        _ => json!({
            "ok": false,
            "error_code": status.as_u16(),
            "description": format!("{status} from the Telegram Bot API"),
        }),
    };
    (StatusCode::OK, Bytes::from(error.to_string()))
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::response::IntoResponse;
    use axum::routing::post;
    use consulta_desk::FailureKind;
    use teloxide::prelude::*;

    use super::*;
    use crate::telegram::frontend::classify;

    /// A Bot API server that answers every method with `status` and `body`, behind a relay.
    async fn relayed(status: StatusCode, body: &'static str) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = format!("http://{}", listener.local_addr().unwrap());
        let app =
            Router::new().fallback(post(move || async move { (status, body).into_response() }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        start(&api).await.unwrap()
    }

    #[tokio::test]
    async fn a_server_error_comes_back_with_a_status_teloxide_does_not_pause_on() {
        for (status, body, description) in [
            (
                StatusCode::BAD_GATEWAY,
                "<html><h1>502 Bad Gateway</h1></html>",
                "502 Bad Gateway from the Telegram Bot API",
            ),
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"ok":false,"error_code":500,"description":"Internal Server Error: restart"}"#,
                "Internal Server Error: restart",
            ),
        ] {
            let relay = relayed(status, body).await;
            let answer = reqwest::Client::new()
                .post(format!("{}/bot123:T/getMe", relay.url()))
                .send()
                .await
                .unwrap();
            // teloxide-core pauses exactly when the status is a server error.
            assert!(
                !answer.status().is_server_error(),
                "{status}: {}",
                answer.status()
            );
            let error: Value = answer.json().await.unwrap();
            assert_eq!(error["ok"], false);
            assert_eq!(error["description"], description);

            let bot = Bot::new("123:T").set_api_url(relay.url().parse().unwrap());
            let failed = classify(&bot.get_me().send().await.unwrap_err());
            assert_eq!(failed.kind, FailureKind::Transient, "{status}: {failed}");
            assert!(failed.to_string().contains(description), "{failed}");
        }
    }

    #[tokio::test]
    async fn other_answers_come_back_as_they_were() {
        let refusal = r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#;
        let relay = relayed(StatusCode::FORBIDDEN, refusal).await;
        let answer = reqwest::Client::new()
            .post(format!("{}/bot123:T/getMe", relay.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
        assert_eq!(answer.text().await.unwrap(), refusal);
    }
}
