//! A fake Discord HTTP API on 127.0.0.1: the routes Consulta uses, with the documented JSON shapes,
//! scripted failures, and a record of every call. serenity's `Http` reaches it through its proxy
//! setting, which replaces `https://discord.com` in every URL.
//!
//! It refuses what Discord refuses, with Discord's status and JSON error code: an interaction answered
//! after 3 seconds or twice (10062, 40060), a reply to a message that does not exist unless
//! `fail_if_not_exists` is false (50035), a direct message to a user who closed them (50007), a post
//! where the bot lacks permission (50013), a follow-up to an interaction not yet acknowledged (10015).
//! Edits of an interaction's original response keep its id; deleting it leaves nothing to edit.

use std::collections::{HashMap, HashSet, VecDeque};
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
/// The role Discord made for the bot in the guild (managed, tagged with the bot's id).
pub const BOT_ROLE: u64 = 777;
/// How long Discord waits for an interaction's first response.
pub const INTERACTION_DEADLINE: Duration = Duration::from_secs(3);

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

/// An interaction the gateway dispatched, as the HTTP side knows it.
struct Interaction {
    /// When it was dispatched: the 3-second deadline runs from here.
    at: Instant,
    /// Whether it has been answered (a second answer is refused).
    answered: bool,
    /// The channel its response lives in.
    channel: String,
    /// Its original response message, once there is one: the message a button was on, for a deferred
    /// update; otherwise created by the first answer and kept by every edit.
    original: Option<u64>,
}

/// The fake's state, shared with the test.
#[derive(Default)]
pub struct Fake {
    calls: Mutex<Vec<Call>>,
    /// Interactions by token.
    interactions: Mutex<HashMap<String, Interaction>>,
    /// Messages that exist, by id (posted by the bot, or by people in the test).
    messages: Mutex<HashSet<u64>>,
    /// Direct-message channels of users who do not accept messages from the bot.
    closed_dms: Mutex<HashSet<String>>,
    /// Users who do not accept direct messages from the bot.
    dm_refusers: Mutex<HashSet<String>>,
    /// Channels where the bot may not post.
    denied: Mutex<HashSet<String>>,
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

    /// The gateway dispatched interaction `payload` now: its 3-second deadline starts.
    pub fn open_interaction(&self, payload: &Value) {
        let token = payload["token"].as_str().unwrap_or_default().to_string();
        let original = payload["message"]["id"]
            .as_str()
            .and_then(|id| id.parse().ok());
        self.interactions.lock().unwrap().insert(
            token,
            Interaction {
                at: Instant::now(),
                answered: false,
                channel: payload["channel_id"].as_str().unwrap_or("1").to_string(),
                original,
            },
        );
    }

    /// Message `id` exists (someone in the test wrote it).
    pub fn add_message(&self, id: u64) {
        self.messages.lock().unwrap().insert(id);
    }

    /// Message `id` was deleted.
    pub fn delete_message(&self, id: u64) {
        self.messages.lock().unwrap().remove(&id);
    }

    /// `user` does not accept direct messages from the bot (Discord answers 50007).
    pub fn close_dms(&self, user: u64) {
        self.dm_refusers.lock().unwrap().insert(user.to_string());
    }

    /// The bot lacks permission to post in `channel` (Discord answers 50013).
    pub fn deny(&self, channel: u64) {
        self.denied.lock().unwrap().insert(channel.to_string());
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

impl Fake {
    /// Why Discord would refuse to post `body` in `channel`, if it would: status and error.
    fn refusal(&self, channel: &str, body: &Value) -> Option<(u16, Value)> {
        if self.closed_dms.lock().unwrap().contains(channel) {
            let error = json!({"message": "Cannot send messages to this user", "code": 50007});
            return Some((403, error));
        }
        if self.denied.lock().unwrap().contains(channel) {
            return Some((
                403,
                json!({"message": "Missing Permissions", "code": 50013}),
            ));
        }
        let reference = &body["message_reference"];
        if let Some(id) = reference["message_id"]
            .as_str()
            .and_then(|id| id.parse().ok())
        {
            let exists = self.messages.lock().unwrap().contains(&id);
            if !exists && reference["fail_if_not_exists"] != json!(false) {
                let error = json!({"message": "Invalid Form Body", "code": 50035, "errors": {
                    "message_reference": {"_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]}
                }});
                return Some((400, error));
            }
        }
        None
    }

    /// Takes the first answer to the interaction with `token`, within its deadline.
    fn answer_interaction(&self, token: &str, body: &Value) -> Result<(), (u16, Value)> {
        if body["type"] == json!(9) {
            modal_within_limits(&body["data"])?;
        }
        let mut interactions = self.interactions.lock().unwrap();
        let unknown = || {
            (
                404,
                json!({"message": "Unknown interaction", "code": 10062}),
            )
        };
        let interaction = interactions.get_mut(token).ok_or_else(unknown)?;
        if interaction.answered {
            let error =
                json!({"message": "Interaction has already been acknowledged.", "code": 40060});
            return Err((400, error));
        }
        if interaction.at.elapsed() > INTERACTION_DEADLINE {
            return Err(unknown());
        }
        interaction.answered = true;
        // A deferred update (6) or an update (7) responds on the button's message; anything else
        // is a new message.
        let updates_message = matches!(body["type"].as_u64(), Some(6) | Some(7));
        if !updates_message || interaction.original.is_none() {
            let id = self.id();
            self.messages.lock().unwrap().insert(id);
            interaction.original = Some(id);
        }
        Ok(())
    }
}

fn error_response(status: u16, error: Value) -> Response {
    (StatusCode::from_u16(status).unwrap(), axum::Json(error)).into_response()
}

/// A role object; `bot` makes it the managed role of that bot.
fn role(id: u64, name: &str, bot: Option<u64>) -> Value {
    let mut role = json!({
        "id": id.to_string(), "name": name, "color": 0, "hoist": false, "icon": null,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "unicode_emoji": null, "position": 0, "permissions": "0", "managed": bot.is_some(),
        "mentionable": false, "flags": 0
    });
    if let Some(bot) = bot {
        role["tags"] = json!({"bot_id": bot.to_string()});
    }
    role
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
        ("GET", ["guilds", guild, "roles"]) => json!([
            role(guild.parse().unwrap_or(1), "@everyone", None),
            role(BOT_ROLE, "Consulta", Some(BOT_ID)),
        ]),
        ("POST", ["channels", _, "typing"]) => {
            record(204, &Value::Null);
            return StatusCode::NO_CONTENT.into_response();
        }
        ("POST", ["channels", channel, "messages"]) => {
            if let Some((status, error)) = fake.refusal(channel, &body) {
                record(status, &error);
                return error_response(status, error);
            }
            let id = fake.id();
            fake.messages.lock().unwrap().insert(id);
            fake.message(channel, id, &body)
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            fake.message(channel, id.parse().unwrap_or(1), &body)
        }
        ("POST", ["channels", channel, "messages", _, "threads"]) => json!({
            "id": fake.id().to_string(), "type": 11, "guild_id": "1", "parent_id": channel,
            "name": body["name"].clone(), "owner_id": BOT_ID.to_string()
        }),
        ("POST", ["users", "@me", "channels"]) => {
            let channel = fake.id().to_string();
            let recipient = body["recipient_id"].as_str().unwrap_or_default();
            if fake.dm_refusers.lock().unwrap().contains(recipient) {
                fake.closed_dms.lock().unwrap().insert(channel.clone());
            }
            json!({
                "id": channel, "type": 1,
                "recipients": [{"id": recipient, "username": "someone", "discriminator": "0", "global_name": null, "avatar": null}]
            })
        }
        ("POST", ["interactions", _, token, "callback"]) => {
            if let Err((status, error)) = fake.answer_interaction(token, &body) {
                record(status, &error);
                return error_response(status, error);
            }
            record(204, &Value::Null);
            return StatusCode::NO_CONTENT.into_response();
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            let known = fake
                .interactions
                .lock()
                .unwrap()
                .get(*token)
                .map(|i| (i.answered, i.channel.clone(), i.original));
            match known {
                Some((true, channel, Some(id))) => fake.message(&channel, id, &body),
                _ => {
                    let error = json!({"message": "Unknown Message", "code": 10008});
                    record(404, &error);
                    return error_response(404, error);
                }
            }
        }
        ("DELETE", ["webhooks", _, token, "messages", "@original"]) => {
            let mut interactions = fake.interactions.lock().unwrap();
            let original = interactions
                .get_mut(*token)
                .filter(|i| i.answered)
                .and_then(|i| i.original.take());
            drop(interactions);
            match original {
                Some(id) => {
                    fake.messages.lock().unwrap().remove(&id);
                    record(204, &Value::Null);
                    return StatusCode::NO_CONTENT.into_response();
                }
                None => {
                    let error = json!({"message": "Unknown Message", "code": 10008});
                    record(404, &error);
                    return error_response(404, error);
                }
            }
        }
        ("POST", ["webhooks", _, token]) => {
            let channel = fake
                .interactions
                .lock()
                .unwrap()
                .get(*token)
                .filter(|i| i.answered)
                .map(|i| i.channel.clone());
            match channel {
                Some(channel) => {
                    let id = fake.id();
                    fake.messages.lock().unwrap().insert(id);
                    fake.message(&channel, id, &body)
                }
                None => {
                    // A follow-up needs the interaction acknowledged first.
                    let error = json!({"message": "Unknown Webhook", "code": 10015});
                    record(404, &error);
                    return error_response(404, error);
                }
            }
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

/// Discord refuses a form (a modal) whose title or field labels pass 45 characters, whose
/// placeholders pass 100, or that has more than five rows: 400 with 50035, as the real API does.
fn modal_within_limits(modal: &Value) -> Result<(), (u16, Value)> {
    let chars = |value: &Value| value.as_str().map_or(0, |text| text.chars().count());
    let rows = modal["components"].as_array().cloned().unwrap_or_default();
    let over = chars(&modal["title"]) > 45
        || rows.len() > 5
        || rows
            .iter()
            .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
            .any(|field| chars(&field["label"]) > 45 || chars(&field["placeholder"]) > 100);
    if over {
        let error = json!({"message": "Invalid Form Body", "code": 50035, "errors": {
            "data": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 45 or fewer in length."}]}
        }});
        return Err((400, error));
    }
    Ok(())
}
