//! A fake Discord HTTP API on 127.0.0.1: the routes Consulta uses, with the documented JSON shapes,
//! scripted failures, and a record of every call. serenity's `Http` reaches it through its proxy
//! setting, which replaces `https://discord.com` in every URL.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The bot's user id.
pub const BOT_ID: u64 = 4242;
/// The application id (the same as the bot's, as on Discord).
pub const APP_ID: u64 = 4242;

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// GET, POST, PATCH, PUT.
    pub method: String,
    /// The path, from `/api/v10/` on.
    pub path: String,
    /// The JSON body (`null` when none).
    pub body: Value,
    /// When it arrived.
    pub at: Instant,
    /// The status the fake answered.
    pub status: u16,
    /// What the fake answered.
    pub result: Value,
}

impl Call {
    /// Whether the fake accepted it.
    pub fn ok(&self) -> bool {
        self.status < 300
    }
}

/// A failure to answer the next matching request with.
struct Failure {
    method: String,
    path: String,
    status: u16,
    body: Value,
    headers: Vec<(&'static str, String)>,
}

/// The fake's state, shared with the test.
#[derive(Default)]
pub struct Fake {
    calls: Mutex<Vec<Call>>,
    failures: Mutex<VecDeque<Failure>>,
    next_id: AtomicU64,
    url: Mutex<String>,
    gateway_url: Mutex<String>,
}

impl Fake {
    /// Starts the server on a free port; `gateway_url` is what `GET /gateway` answers.
    pub async fn start(gateway_url: String) -> Arc<Fake> {
        let fake = Arc::new(Fake {
            next_id: AtomicU64::new(900_000_000_000_000_000),
            gateway_url: Mutex::new(gateway_url),
            ..Fake::default()
        });
        let app = axum::Router::new().fallback(serve).with_state(fake.clone());
        let addr = super::kb::serve(app).await;
        *fake.url.lock().unwrap() = format!("http://{addr}");
        fake
    }

    /// The base URL to give the bot.
    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    /// A fresh snowflake.
    pub fn id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::SeqCst)
    }

    /// The next `method` request whose path contains `path` gets `status` with `body` and `headers`.
    pub fn fail_next(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: Value,
        headers: Vec<(&'static str, String)>,
    ) {
        self.failures.lock().unwrap().push_back(Failure {
            method: method.to_string(),
            path: path.to_string(),
            status,
            body,
            headers,
        });
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Accepted `method` calls whose path contains `path`.
    pub fn sent(&self, method: &str, path: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && c.path.contains(path) && c.ok())
            .collect()
    }

    /// Waits until `check` finds something in the calls, failing the test after a minute.
    pub async fn wait_for<T>(&self, what: &str, check: impl Fn(&[Call]) -> Option<T>) -> T {
        let describe = || {
            let calls = self.calls();
            let shown: Vec<_> = calls
                .iter()
                .map(|c| (&c.method, &c.path, c.status, &c.body))
                .collect();
            format!("calls: {shown:#?}")
        };
        let minute = Duration::from_secs(60);
        super::kb::eventually(what, minute, || check(&self.calls()), describe).await
    }

    /// Waits for the accepted `method` call to a path containing `path`, after the first `skip` ones.
    pub async fn wait_sent(&self, method: &str, path: &str, skip: usize) -> Call {
        self.wait_for(&format!("{method} {path} #{}", skip + 1), |_| {
            self.sent(method, path).into_iter().nth(skip)
        })
        .await
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap().push(call);
    }

    /// A message object as Discord returns it for a message the bot posted in `channel`.
    fn message(&self, channel: &str, id: u64, body: &Value) -> Value {
        json!({
            "id": id.to_string(), "channel_id": channel, "author": bot_user(),
            "content": body["content"].as_str().unwrap_or_default(),
            "timestamp": "2026-12-01T12:00:00.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": body["embeds"].as_array().cloned().unwrap_or_default(),
            "components": body["components"].as_array().cloned().unwrap_or_default(),
            "pinned": false, "type": 0, "flags": body["flags"].as_u64().unwrap_or(0)
        })
    }
}

/// The bot as a user object.
pub fn bot_user() -> Value {
    json!({"id": BOT_ID.to_string(), "username": "consulta", "discriminator": "0",
           "global_name": "Consulta", "avatar": null, "bot": true})
}

async fn serve(
    State(fake): State<Arc<Fake>>,
    method: Method,
    uri: Uri,
    body: axum::body::Bytes,
) -> Response {
    let method = method.as_str().to_string();
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let failure = {
        let mut failures = fake.failures.lock().unwrap();
        let at = failures
            .iter()
            .position(|f| f.method == method && path.contains(&f.path));
        at.and_then(|at| failures.remove(at))
    };
    let record = |status: u16, result: &Value| {
        fake.record(Call {
            method: method.clone(),
            path: path.clone(),
            body: body.clone(),
            at: Instant::now(),
            status,
            result: result.clone(),
        });
    };
    if let Some(failure) = failure {
        record(failure.status, &failure.body);
        let mut response = (
            StatusCode::from_u16(failure.status).unwrap(),
            axum::Json(failure.body),
        )
            .into_response();
        for (name, value) in failure.headers {
            response.headers_mut().insert(name, value.parse().unwrap());
        }
        return response;
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let result = match (method.as_str(), parts.as_slice()) {
        ("GET", ["users", "@me"]) => bot_user(),
        ("GET", ["oauth2", "applications", "@me"]) => json!({
            "id": APP_ID.to_string(), "name": "Consulta", "icon": null, "description": "",
            "bot_public": false, "bot_require_code_grant": false, "verify_key": "00",
            "team": null, "owner": null, "flags": 0
        }),
        ("GET", ["gateway"]) => json!({"url": fake.gateway_url.lock().unwrap().clone()}),
        ("PUT", ["applications", _, "guilds", _, "commands"]) => json!([]),
        ("POST", ["channels", channel, "messages"]) => {
            let id = fake.id();
            fake.message(channel, id, &body)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            fake.message(channel, id.parse().unwrap_or(1), &body)
        }
        ("POST", ["channels", channel, "messages", _, "threads"]) => json!({
            "id": fake.id().to_string(), "type": 11, "guild_id": "1", "parent_id": channel,
            "name": body["name"].clone(), "owner_id": BOT_ID.to_string()
        }),
        ("POST", ["users", "@me", "channels"]) => json!({
            "id": fake.id().to_string(), "type": 1,
            "recipients": [{"id": body["recipient_id"].clone(), "username": "someone", "discriminator": "0", "global_name": null, "avatar": null}]
        }),
        ("POST", ["interactions", _, _, "callback"]) => {
            record(204, &Value::Null);
            return StatusCode::NO_CONTENT.into_response();
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            // Test tokens are `CHANNEL-N`: the response message is in the interaction's channel.
            let channel = token.split('-').next().unwrap_or("1");
            let id = fake.id();
            fake.message(channel, id, &body)
        }
        _ => {
            let error = json!({"message": "404: Not Found", "code": 0});
            record(404, &error);
            return (StatusCode::NOT_FOUND, axum::Json(error)).into_response();
        }
    };
    record(200, &result);
    axum::Json(result).into_response()
}
