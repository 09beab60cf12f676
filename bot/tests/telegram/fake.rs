//! A fake Bot API server on 127.0.0.1: the methods Consulta uses, with the documented JSON shapes,
//! scripted updates and failures, and a record of every call.
//!
//! It refuses what Telegram refuses, the way Telegram does (the HTTP status is the `error_code`): text
//! longer than 4096 characters once parsed, HTML Telegram cannot parse, forum topics in groups that
//! are not forums, sends to topics that do not exist. Sent messages come back with the
//! `entities` Telegram would have parsed out of their HTML.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

/// The bot's user id.
pub const BOT_ID: i64 = 4242;
/// The bot's username.
pub const BOT_USERNAME: &str = "consulta_bot";
/// Telegram's limit on a message's text, in characters after entity parsing.
pub const TEXT_LIMIT: usize = 4096;

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

/// A request the fake keeps unanswered until the test lets it go: a chat whose Telegram hangs.
#[derive(Default)]
pub struct Hold {
    arrived: std::sync::atomic::AtomicBool,
    gate: tokio::sync::Notify,
}

impl Hold {
    /// Whether the held request has reached the fake.
    pub fn arrived(&self) -> bool {
        self.arrived.load(Ordering::SeqCst)
    }

    /// Lets the held request be answered.
    pub fn release(&self) {
        self.gate.notify_one();
    }
}

/// The fake's state, shared with the test.
#[derive(Default)]
pub struct Fake {
    calls: Mutex<Vec<Call>>,
    updates: Mutex<Vec<Value>>,
    failures: Mutex<VecDeque<(String, i64, Value)>>,
    delays: Mutex<VecDeque<(String, i64, Duration)>>,
    holds: Mutex<VecDeque<(String, i64, Arc<Hold>)>>,
    members: Mutex<Vec<(i64, i64)>>,
    /// Supergroups with topics enabled; other groups refuse `createForumTopic`.
    forums: Mutex<HashSet<i64>>,
    /// The topics opened, by chat and thread id.
    topics: Mutex<HashSet<(i64, i64)>>,
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

    /// `user_id` left `chat_id`.
    pub fn remove_member(&self, chat_id: i64, user_id: i64) {
        self.members
            .lock()
            .unwrap()
            .retain(|m| *m != (chat_id, user_id));
    }

    /// `chat_id` is a supergroup with topics enabled.
    pub fn make_forum(&self, chat_id: i64) {
        self.forums.lock().unwrap().insert(chat_id);
    }

    /// The chat object the fake reports for `id`.
    fn chat_of(&self, id: i64) -> Value {
        let mut chat = chat(id);
        if self.forums.lock().unwrap().contains(&id) {
            chat["is_forum"] = json!(true);
        }
        chat
    }

    /// Why Telegram would refuse to send `body` (a `sendMessage` or `editMessageText`), if it would.
    fn refusal(&self, chat_id: i64, body: &Value) -> Option<(i64, String)> {
        let text = body["text"].as_str().unwrap_or_default();
        let visible = if body["parse_mode"] == json!("HTML") {
            match parse_html(text) {
                Ok((visible, _)) => visible,
                Err(why) => {
                    return Some((400, format!("Bad Request: can't parse entities: {why}")));
                }
            }
        } else {
            text.to_string()
        };
        if visible.trim().is_empty() {
            return Some((400, "Bad Request: message text is empty".into()));
        }
        if visible.chars().count() > TEXT_LIMIT {
            return Some((400, "Bad Request: message is too long".into()));
        }
        if let Some(thread) = body["message_thread_id"].as_i64()
            && !self.topics.lock().unwrap().contains(&(chat_id, thread))
        {
            return Some((400, "Bad Request: message thread not found".into()));
        }
        None
    }

    /// The next call of `method` to `chat_id` is answered (and recorded) only after `delay`.
    pub fn delay_next(&self, method: &str, chat_id: i64, delay: Duration) {
        self.delays
            .lock()
            .unwrap()
            .push_back((method.to_lowercase(), chat_id, delay));
    }

    /// The next call of `method` to `chat_id` is held unanswered (and unrecorded) until the returned
    /// [`Hold`] is released.
    pub fn hold_next(&self, method: &str, chat_id: i64) -> Arc<Hold> {
        let hold = Arc::new(Hold::default());
        self.holds
            .lock()
            .unwrap()
            .push_back((method.to_lowercase(), chat_id, hold.clone()));
        hold
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

/// A chat object for `id`: negative ids are supergroups (without topics: see [`Fake::make_forum`]).
pub fn chat(id: i64) -> Value {
    if id < 0 {
        json!({"id": id, "type": "supergroup", "title": "Group"})
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
) -> (StatusCode, Json<Value>) {
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
    if let Some(error) = take(&fake.failures, &method, chat_id) {
        fake.record(&method, &body, true, &error);
        return refused(&error);
    }
    if let Some(delay) = take(&fake.delays, &method, chat_id) {
        tokio::time::sleep(delay).await;
    }
    if let Some(hold) = take(&fake.holds, &method, chat_id) {
        hold.arrived.store(true, Ordering::SeqCst);
        hold.gate.notified().await;
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
        "deletewebhook"
        | "setwebhook"
        | "answercallbackquery"
        | "setmycommands"
        | "sendchataction" => json!(true),
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
            if let Some((code, description)) = fake.refusal(chat_id, &body) {
                let error = json!({"ok": false, "error_code": code, "description": description});
                fake.record(&method, &body, true, &error);
                return refused(&error);
            }
            let id = body["message_id"]
                .as_i64()
                .unwrap_or_else(|| fake.message_id());
            let raw = body["text"].as_str().unwrap_or_default();
            let (text, entities) = if body["parse_mode"] == json!("HTML") {
                parse_html(raw).unwrap_or_default()
            } else {
                (raw.to_string(), Vec::new())
            };
            let mut message = json!({
                "message_id": id, "date": 1_764_000_000, "chat": fake.chat_of(chat_id),
                "from": bot_user(), "text": text
            });
            if !entities.is_empty() {
                message["entities"] = json!(entities);
            }
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
        "createforumtopic" => {
            if !fake.forums.lock().unwrap().contains(&chat_id) {
                let error = json!({"ok": false, "error_code": 400, "description": "Bad Request: the chat is not a forum"});
                fake.record(&method, &body, true, &error);
                return refused(&error);
            }
            let thread = fake.message_id();
            fake.topics.lock().unwrap().insert((chat_id, thread));
            json!({"message_thread_id": thread, "name": body["name"].clone(), "icon_color": 7_322_096})
        }
        _ => {
            let error = json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"});
            fake.record(&method, &body, true, &error);
            return refused(&error);
        }
    };
    if method != "getupdates" {
        fake.record(&method, &body, false, &result);
    }
    (StatusCode::OK, Json(json!({"ok": true, "result": result})))
}

/// Takes the first scripted entry for `method` to `chat_id` out of `queue`.
fn take<T>(queue: &Mutex<VecDeque<(String, i64, T)>>, method: &str, chat_id: i64) -> Option<T> {
    let mut queue = queue.lock().unwrap();
    let at = queue
        .iter()
        .position(|(m, c, _)| m == method && *c == chat_id)?;
    queue.remove(at).map(|(_, _, value)| value)
}

/// An error answer, with the HTTP status Telegram gives it: the `error_code`.
fn refused(error: &Value) -> (StatusCode, Json<Value>) {
    let status = error["error_code"]
        .as_u64()
        .and_then(|code| StatusCode::from_u16(u16::try_from(code).ok()?).ok())
        .unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(error.clone()))
}

/// One entity Telegram parses out of HTML: its type, where it is in the visible text (in UTF-16 code
/// units, as Telegram counts) and, for links, the URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entity {
    #[serde(rename = "type")]
    kind: &'static str,
    offset: usize,
    length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The tags Telegram's HTML parse mode accepts, and the entity each one makes.
const TAGS: &[(&str, &str)] = &[
    ("b", "bold"),
    ("strong", "bold"),
    ("i", "italic"),
    ("em", "italic"),
    ("u", "underline"),
    ("ins", "underline"),
    ("s", "strikethrough"),
    ("strike", "strikethrough"),
    ("del", "strikethrough"),
    ("code", "code"),
    ("pre", "pre"),
    ("a", "text_link"),
    ("blockquote", "blockquote"),
    ("tg-spoiler", "spoiler"),
];

/// Parses Telegram HTML as the Bot API does: the visible text and its entities, or the reason it
/// cannot be parsed (in Telegram's words).
pub fn parse_html(html: &str) -> Result<(String, Vec<Entity>), String> {
    let mut text = String::new();
    let mut units = 0usize;
    let mut open: Vec<(String, usize, Option<String>)> = Vec::new();
    let mut entities = Vec::new();
    let mut rest = html;
    let mut at = 0usize;
    while let Some(found) = rest.find(['<', '&', '>']) {
        let plain = &rest[..found];
        text.push_str(plain);
        units += plain.encode_utf16().count();
        at += found;
        let tail = &rest[found..];
        if let Some(after) = tail.strip_prefix('>') {
            text.push('>');
            units += 1;
            rest = after;
            at += 1;
            continue;
        }
        if tail.starts_with('&') {
            let end = tail.find(';').filter(|end| *end <= 10).ok_or(format!(
                "Can't find end of the entity starting at byte offset {at}"
            ))?;
            let decoded = match &tail[1..end] {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                numeric if numeric.starts_with('#') => numeric[1..]
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or(format!("Unsupported HTML entity at byte offset {at}"))?,
                _ => return Err(format!("Unsupported HTML entity at byte offset {at}")),
            };
            text.push(decoded);
            units += decoded.len_utf16();
            rest = &tail[end + 1..];
            at += end + 1;
            continue;
        }
        let end = tail
            .find('>')
            .ok_or(format!("Can't find end of the tag at byte offset {at}"))?;
        let tag = &tail[1..end];
        if let Some(name) = tag.strip_prefix('/') {
            let Some((open_name, offset, url)) = open.pop() else {
                return Err(format!("Unexpected end tag at byte offset {at}"));
            };
            if open_name != name.trim() {
                return Err(format!(
                    "Can't find end tag corresponding to start tag \"{open_name}\""
                ));
            }
            let kind = TAGS.iter().find(|(t, _)| *t == open_name).map(|(_, k)| *k);
            entities.push(Entity {
                kind: kind.unwrap_or("bold"),
                offset,
                length: units - offset,
                url,
            });
        } else {
            let name = tag.split(' ').next().unwrap_or_default().to_string();
            if !TAGS.iter().any(|(t, _)| *t == name) {
                return Err(format!(
                    "Unsupported start tag \"{name}\" at byte offset {at}"
                ));
            }
            let url = (name == "a").then(|| {
                tag.split("href=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_default()
                    .replace("&amp;", "&")
            });
            open.push((name, units, url));
        }
        rest = &tail[end + 1..];
        at += end + 1;
    }
    text.push_str(rest);
    if let Some((name, _, _)) = open.pop() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{name}\""
        ));
    }
    entities.sort_by_key(|e| e.offset);
    Ok((text, entities))
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
