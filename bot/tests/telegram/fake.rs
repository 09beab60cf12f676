//! A fake Bot API server on 127.0.0.1: the methods Consulta uses, with the documented JSON shapes,
//! scripted updates and failures, and a record of every call.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};

/// The bot's user id.
pub const BOT_ID: i64 = 4242;
/// The bot's username.
pub const BOT_USERNAME: &str = "consulta_bot";

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method, lower case (teloxide writes `SendMessage`; Telegram ignores case).
    pub method: String,
    /// The JSON body.
    pub body: Value,
    /// When it arrived.
    pub at: Instant,
    /// Whether the fake answered with a failure.
    pub failed: bool,
    /// What the fake answered (`result`), e.g. the sent message with the id it was given.
    pub result: Value,
}

/// The fake's state, shared with the test.
#[derive(Default)]
pub struct Fake {
    calls: Mutex<Vec<Call>>,
    updates: Mutex<Vec<Value>>,
    failures: Mutex<VecDeque<(String, i64, Value)>>,
    delays: Mutex<VecDeque<(String, i64, Duration)>>,
    members: Mutex<Vec<(i64, i64)>>,
    next_update: AtomicI64,
    next_message: AtomicI64,
    url: Mutex<String>,
}

impl Fake {
    /// Starts the server on a free port.
    pub async fn start() -> Arc<Fake> {
        let fake = Arc::new(Fake {
            next_update: AtomicI64::new(1),
            next_message: AtomicI64::new(1000),
            ..Fake::default()
        });
        let app = axum::Router::new()
            .route("/{token}/{method}", post(serve))
            .with_state(fake.clone());
        let addr = super::kb::serve(app).await;
        *fake.url.lock().unwrap() = format!("http://{addr}/");
        fake
    }

    /// The base URL to give the bot.
    pub fn url(&self) -> String {
        self.url.lock().unwrap().clone()
    }

    /// Queues an update (`{"message": ...}` or `{"callback_query": ...}`); returns its id.
    pub fn push(&self, mut update: Value) -> i64 {
        let id = self.next_update.fetch_add(1, Ordering::SeqCst);
        update["update_id"] = json!(id);
        self.updates.lock().unwrap().push(update);
        id
    }

    /// The id of the last queued update.
    pub fn last_update(&self) -> i64 {
        self.next_update.load(Ordering::SeqCst) - 1
    }

    /// A fresh message id, for messages the test makes up.
    pub fn message_id(&self) -> i64 {
        self.next_message.fetch_add(1, Ordering::SeqCst)
    }

    /// The next call of `method` to `chat_id` fails with `error` (a Bot API error object).
    pub fn fail_next(&self, method: &str, chat_id: i64, error: Value) {
        self.failures
            .lock()
            .unwrap()
            .push_back((method.to_lowercase(), chat_id, error));
    }

    /// `user_id` is a member of `chat_id` (others are reported as having left it).
    pub fn add_member(&self, chat_id: i64, user_id: i64) {
        self.members.lock().unwrap().push((chat_id, user_id));
    }

    /// The next call of `method` to `chat_id` is answered (and recorded) only after `delay`.
    pub fn delay_next(&self, method: &str, chat_id: i64, delay: Duration) {
        self.delays
            .lock()
            .unwrap()
            .push_back((method.to_lowercase(), chat_id, delay));
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Successful calls of `method` to `chat_id`.
    pub fn sent(&self, method: &str, chat_id: i64) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method && !c.failed && c.body["chat_id"] == json!(chat_id))
            .collect()
    }

    /// Waits until `check` finds something in the calls, failing the test after `timeout`.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&[Call]) -> Option<T>,
    ) -> T {
        let describe = || {
            let calls = self.calls();
            let shown: Vec<_> = calls.iter().map(|c| (&c.method, &c.body)).collect();
            format!("calls: {shown:#?}")
        };
        super::kb::eventually(what, timeout, || check(&self.calls()), describe).await
    }

    /// Waits for the first successful `method` call to `chat_id` after the first `skip` ones.
    pub async fn wait_sent(&self, method: &str, chat_id: i64, skip: usize) -> Call {
        self.wait_for(
            &format!("{method} #{} to {chat_id}", skip + 1),
            Duration::from_secs(60),
            |_| self.sent(method, chat_id).into_iter().nth(skip),
        )
        .await
    }

    /// The bot's answerCallbackQuery for the button press `pressed` (its callback query id).
    pub async fn wait_callback_answer(&self, pressed: &str) -> Call {
        self.wait_for(
            &format!("the answer to button press {pressed}"),
            Duration::from_secs(60),
            |calls| {
                calls
                    .iter()
                    .find(|c| {
                        c.method == "answercallbackquery"
                            && c.body["callback_query_id"] == serde_json::json!(pressed)
                    })
                    .cloned()
            },
        )
        .await
    }

    fn record(&self, method: &str, body: &Value, failed: bool, result: &Value) {
        self.calls.lock().unwrap().push(Call {
            method: method.to_string(),
            body: body.clone(),
            at: Instant::now(),
            failed,
            result: result.clone(),
        });
    }
}

/// A chat object for `id`: negative ids are supergroups (forums when `forum`).
pub fn chat(id: i64) -> Value {
    if id < 0 {
        json!({"id": id, "type": "supergroup", "title": "Group", "is_forum": true})
    } else {
        json!({"id": id, "type": "private", "first_name": "Person"})
    }
}

/// The bot as a user object.
pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Consulta", "username": BOT_USERNAME})
}

/// A person.
pub fn user(id: i64, name: &str, lang: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": name, "language_code": lang})
}

async fn serve(
    State(fake): State<Arc<Fake>>,
    Path((_token, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Json<Value> {
    let method = method.to_lowercase();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let body: Value = match content_type.split_once("boundary=") {
        Some((_, boundary)) => form_fields(boundary, &body),
        None => serde_json::from_slice(&body).unwrap_or(json!({})),
    };
    let chat_id = body["chat_id"].as_i64().unwrap_or_default();
    let failure = {
        let mut failures = fake.failures.lock().unwrap();
        let at = failures
            .iter()
            .position(|(m, c, _)| *m == method && *c == chat_id);
        at.and_then(|at| failures.remove(at))
    };
    if let Some((_, _, error)) = failure {
        fake.record(&method, &body, true, &error);
        return Json(error);
    }
    let delay = {
        let mut delays = fake.delays.lock().unwrap();
        let at = delays
            .iter()
            .position(|(m, c, _)| *m == method && *c == chat_id);
        at.and_then(|at| delays.remove(at))
    };
    if let Some((_, _, delay)) = delay {
        tokio::time::sleep(delay).await;
    }
    let result = match method.as_str() {
        "getme" => json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Consulta", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false
        }),
        "getwebhookinfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "deletewebhook" | "setwebhook" | "answercallbackquery" => json!(true),
        "getupdates" => {
            fake.record(&method, &body, false, &Value::Null);
            let offset = body["offset"].as_i64().unwrap_or(0);
            let timeout = body["timeout"].as_u64().unwrap_or(0).min(1);
            let deadline = Instant::now() + Duration::from_secs(timeout);
            loop {
                let ready: Vec<Value> = fake
                    .updates
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= offset)
                    .cloned()
                    .collect();
                if !ready.is_empty() || Instant::now() >= deadline {
                    break json!(ready);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        "sendmessage" | "editmessagetext" => {
            let id = body["message_id"]
                .as_i64()
                .unwrap_or_else(|| fake.message_id());
            let mut message = json!({
                "message_id": id, "date": 1_764_000_000, "chat": chat(chat_id),
                "from": bot_user(), "text": body["text"].clone()
            });
            if let Some(thread) = body["message_thread_id"].as_i64() {
                message["message_thread_id"] = json!(thread);
                message["is_topic_message"] = json!(true);
            }
            message
        }
        "getchatmember" => {
            let user_id = body["user_id"].as_i64().unwrap_or_default();
            let member = fake.members.lock().unwrap().contains(&(chat_id, user_id));
            json!({
                "status": if member { "member" } else { "left" },
                "user": user(user_id, "Someone", "en")
            })
        }
        "createforumtopic" => json!({
            "message_thread_id": fake.message_id(), "name": body["name"].clone(), "icon_color": 7_322_096
        }),
        _ => {
            return Json(
                json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"}),
            );
        }
    };
    if method != "getupdates" {
        fake.record(&method, &body, false, &result);
    }
    Json(json!({"ok": true, "result": result}))
}

/// The text fields of a `multipart/form-data` body (teloxide sends `setWebhook` that way), as JSON.
fn form_fields(boundary: &str, body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.trim_end_matches("\r\n");
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        fields.insert(name.to_string(), parsed);
    }
    Value::Object(fields)
}
