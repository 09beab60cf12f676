//! The real serenity client against a fake Discord HTTP API and gateway on 127.0.0.1, answering from
//! a small knowledge base with the real model, escalating to a real desk.

mod alone;
mod experts;
mod fake;
mod gateway;
#[path = "../support/kb.rs"]
mod kb;

use std::sync::Arc;
use std::time::Duration;

use consulta_bot::assistant::{Assistant, EscalateRequest, LocalAssistant};
use consulta_bot::chat::Languages;
use consulta_bot::discord::{DiscordBot, DiscordConfig, DiscordError, InFlight};
use consulta_corpus::Lang;
use consulta_desk::{
    Asker, Clock, Desk, DeskConfig, DeskDuties, ManualClock, MessageKind, Platform,
    RecordingFrontEnd, Span, Status, SystemClock, Timestamp,
};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::watch;

use fake::{APP_ID, Call, Fake, bot_user};
use gateway::Gateway;

/// The workspace.
const GUILD: u64 = 1_000;
/// A channel where mentions are answered.
const ALLOWED: u64 = 300;
/// A channel where they are not.
const ELSEWHERE: u64 = 301;
/// The experts' channel (`discord:experts` in the desk).
const EXPERTS: u64 = 600;
/// The experts role.
const EXPERT_ROLE: u64 = 555;
/// Ana, a configured expert with the role.
const ANA: u64 = 7;
/// Marta, who asks.
const MARTA: u64 = 501;
/// Someone without the role, and not in the desk.
const INTRUDER: u64 = 99;
/// Rui, who has the role but is not in the desk's configuration.
const RUI: u64 = 98;

const DESK: &str = r#"
[[groups]]
name = "andes"
chats = ["discord:experts"]

[[experts]]
name = "Ana"
identities = ["discord:7", "telegram:7"]
groups = ["andes"]

[outbox]
backoff_initial = "1s"
backoff_max = "2s"
max_attempts = 5
"#;

/// The bot, the desk's duties (deliveries through Discord and a recording Telegram front-end,
/// reminders, retention), and the fakes.
struct Harness {
    fake: Arc<Fake>,
    gateway: Arc<Gateway>,
    desk: Desk,
    assistant: Arc<LocalAssistant>,
    telegram: Arc<RecordingFrontEnd>,
    /// How many gateway events the bot is done with.
    events: Arc<InFlight>,
    stop: watch::Sender<bool>,
    /// The bot's run, which ends at shutdown or when Discord refuses it for good.
    bot: tokio::task::JoinHandle<Result<(), DiscordError>>,
    /// The duties' run.
    duties: tokio::task::JoinHandle<()>,
    _dir: TempDir,
}

/// A future that completes once `stop` is set.
async fn until(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

impl Harness {
    /// Waits until the worker has tried every message the desk queued at least once. The fake
    /// records a message when it arrives, before the bot has stored which ticket it belongs to; a
    /// reply to it sent in between would find no ticket, so a test replying to a desk message waits
    /// for this first.
    async fn settled(&self) {
        self.fake
            .wait_for("the desk's queued messages to be tried", |_| {
                let pending = self.desk.pending_messages().expect("the desk reads");
                pending.iter().all(|m| m.attempts > 0).then_some(())
            })
            .await;
    }

    async fn start() -> Harness {
        Harness::start_with(|_| {}).await
    }

    /// Starts after `prepare` has set up the gateway (to refuse the bot, say).
    async fn start_with(prepare: impl FnOnce(&Gateway)) -> Harness {
        Harness::start_on(prepare, None, DESK).await
    }

    /// Starts with the desk configured by `desk` (TOML) on `clock`, which the test moves instead of
    /// waiting.
    async fn start_with_clock(clock: Arc<ManualClock>, desk: &str) -> Harness {
        Harness::start_on(|_| {}, Some(clock), desk).await
    }

    /// Starts with the desk configured by `desk` (TOML).
    async fn start_with_desk(desk: &str) -> Harness {
        Harness::start_on(|_| {}, None, desk).await
    }

    async fn start_on(
        prepare: impl FnOnce(&Gateway),
        clock: Option<Arc<ManualClock>>,
        desk: &str,
    ) -> Harness {
        let gateway = Gateway::start().await;
        prepare(&gateway);
        let fake = Fake::start(gateway.url()).await;
        let dir = tempfile::tempdir().expect("temporary directory");
        let engine = kb::engine(&dir.path().join("index"));
        let config: DeskConfig = toml::from_str(desk).expect("the desk config parses");
        // What `consulta` gives the bot: the service's language (Spanish here) and the desk's.
        let languages = Languages {
            askers: Lang::Es,
            desk: config.clone(),
        };
        // The desk and the bot wait on the same clock, as in production (the system's).
        let clock: Arc<dyn Clock> = match clock {
            Some(clock) => clock,
            None => Arc::new(SystemClock),
        };
        let desk = Desk::builder(config)
            .clock(clock.clone())
            .open(&dir.path().join("desk"))
            .expect("the desk opens");
        let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
        let discord = DiscordConfig {
            token: "TEST.TOKEN.discord".to_string(),
            guild_ids: vec![GUILD],
            allowed_channels: vec![ALLOWED],
            experts_channel_id: Some(EXPERTS),
            experts_role_id: Some(EXPERT_ROLE),
            api_url: Some(fake.url()),
            flood_max_questions: 20,
            languages,
            ..DiscordConfig::default()
        };
        let bot = DiscordBot::connect(
            &discord,
            assistant.clone(),
            &dir.path().join("discord"),
            clock,
        )
        .await
        .expect("the bot connects to the fake");
        let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
        let events = bot.events();
        // What `consulta discord` runs beside the bot when it holds the desk itself.
        let duties = DeskDuties::new(desk.clone())
            .with_frontend(bot.frontend())
            .with_frontend(telegram.clone());
        let (stop, stopped) = watch::channel(false);
        let bot = {
            let stopped = stopped.clone();
            tokio::spawn(async move { bot.run(until(stopped)).await })
        };
        let duties = tokio::spawn(async move { duties.run(until(stopped)).await });
        let h = Harness {
            fake,
            gateway,
            desk,
            assistant,
            telegram,
            events,
            stop,
            bot,
            duties,
            _dir: dir,
        };
        h.wait_identified(1).await;
        h
    }

    /// Waits until the client has sent `n` IDENTIFY or RESUME payloads in all, and the bot took the
    /// READY or RESUMED of each (unless the gateway refuses it): what the gateway dispatches next is
    /// handled.
    async fn wait_identified(&self, n: usize) {
        self.fake
            .wait_for("the client to identify and be ready on the gateway", |_| {
                let count = self
                    .gateway
                    .received()
                    .iter()
                    .filter(|p| matches!(p["op"].as_u64(), Some(2) | Some(6)))
                    .count();
                let ready = self.gateway.refusing() || self.events.sessions() >= n as u64;
                (count >= n && ready).then_some(())
            })
            .await;
    }

    /// Waits until the bot is done with every event the gateway sent (replays included): after this,
    /// whatever the bot did not do, it will not do.
    async fn caught_up(&self) {
        self.fake
            .wait_for("the bot to settle every dispatched event", |_| {
                let sent = self.gateway.dispatched();
                (sent >= self.gateway.sequence() && self.events.settled() >= sent as u64)
                    .then_some(())
            })
            .await;
    }

    /// Stops the bot and checks that nothing it sent broke Discord's limits; returns the data
    /// directory, for a test that reads what the bot left there.
    async fn stop(self) -> TempDir {
        self.stop.send(true).expect("the bot is running");
        let minute = Duration::from_secs(60);
        tokio::time::timeout(minute, self.bot)
            .await
            .expect("the bot shuts down")
            .expect("the bot task did not panic")
            .expect("the bot ran until shutdown");
        tokio::time::timeout(minute, self.duties)
            .await
            .expect("the duties stop")
            .expect("the duties did not panic");
        for call in self.fake.calls() {
            assert_within_limits(&call);
        }
        self._dir
    }

    /// `from` writes `text` in `channel` (of the guild); returns the message id.
    fn say(&self, channel: u64, from: u64, roles: &[u64], text: &str) -> u64 {
        let (id, message) = self.message(channel, from, roles, text);
        self.gateway.push("MESSAGE_CREATE", message);
        id
    }

    /// A message by `from` in `channel`, known to the fake: its id and its MESSAGE_CREATE payload.
    fn message(&self, channel: u64, from: u64, roles: &[u64], text: &str) -> (u64, Value) {
        let id = self.fake.id();
        self.fake.add_message(id);
        let mentions: Vec<Value> = if text.contains(&format!("<@{}>", fake::BOT_ID)) {
            vec![bot_user()]
        } else {
            vec![]
        };
        let message = json!({
            "id": id.to_string(), "channel_id": channel.to_string(), "guild_id": GUILD.to_string(),
            "author": user(from), "member": partial_member(roles),
            "content": text, "timestamp": "2026-12-01T12:00:00.000000+00:00",
            "edited_timestamp": null, "tts": false, "mention_everyone": false,
            "mentions": mentions, "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": false, "type": 0
        });
        (id, message)
    }

    /// `from` runs slash command `name` in `channel`; returns the interaction id.
    fn command(&self, channel: u64, from: u64, roles: &[u64], name: &str, options: Value) -> u64 {
        let id = self.fake.id();
        let mut interaction = interaction(id, channel, from, roles, 2);
        interaction["data"] = json!({"id": "1", "name": name, "type": 1, "options": options});
        self.dispatch(interaction);
        id
    }

    /// Marta runs slash command `name` in the allowed channel.
    fn marta(&self, name: &str, options: Value) -> u64 {
        self.command(ALLOWED, MARTA, &[], name, options)
    }

    /// `from` presses button `custom_id` under `message` (a message object as the fake returned it).
    fn press(&self, from: u64, roles: &[u64], message: &Value, custom_id: &str) -> u64 {
        let id = self.fake.id();
        let channel = message["channel_id"]
            .as_str()
            .and_then(|c| c.parse().ok())
            .unwrap_or(ALLOWED);
        let mut interaction = interaction(id, channel, from, roles, 3);
        interaction["data"] = json!({"custom_id": custom_id, "component_type": 2});
        interaction["message"] = message.clone();
        self.dispatch(interaction);
        id
    }

    /// Ana, the expert, presses the card's button whose custom id starts with `verb`.
    fn expert_presses(&self, card: &Call, verb: &str) -> u64 {
        self.press(ANA, &[EXPERT_ROLE], &card.result, &button(&card.body, verb))
    }

    /// `from` submits the answer form of `custom_id` with `text`.
    fn submit(&self, channel: u64, from: u64, roles: &[u64], custom_id: &str, text: &str) -> u64 {
        self.submit_fields(channel, from, roles, custom_id, &[("answer", text)])
    }

    /// `from` submits the form of `custom_id` with these (field id, value) pairs.
    fn submit_fields(
        &self,
        channel: u64,
        from: u64,
        roles: &[u64],
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> u64 {
        let id = self.fake.id();
        let mut interaction = interaction(id, channel, from, roles, 5);
        let rows: Vec<Value> = fields
            .iter()
            .map(|(field, value)| {
                json!({"type": 1, "components": [{"type": 4, "custom_id": field, "value": value}]})
            })
            .collect();
        interaction["data"] = json!({"custom_id": custom_id, "components": rows});
        self.dispatch(interaction);
        id
    }

    /// Dispatches an interaction: its 3-second deadline starts now.
    fn dispatch(&self, interaction: Value) {
        self.fake.open_interaction(&interaction);
        self.gateway.push("INTERACTION_CREATE", interaction);
    }

    /// `from` replies in `channel` to `to` (a message object as the fake returned it).
    fn reply(&self, channel: u64, from: u64, roles: &[u64], text: &str, to: &Value) -> u64 {
        let (id, mut message) = self.message(channel, from, roles, text);
        message["type"] = json!(19);
        message["message_reference"] =
            json!({"message_id": to["id"].clone(), "channel_id": to["channel_id"].clone()});
        message["referenced_message"] = to.clone();
        self.gateway.push("MESSAGE_CREATE", message);
        id
    }

    /// The outcome put into the deferred response of interaction `id`.
    async fn outcome(&self, id: u64) -> Call {
        self.fake
            .wait_sent("PATCH", &format!("-{id}/messages/@original"), 0)
            .await
    }

    /// The follow-up message sent for interaction `id`.
    async fn follow_up(&self, id: u64) -> Call {
        self.fake
            .wait_for(&format!("a follow-up to interaction {id}"), |calls| {
                calls
                    .iter()
                    .find(|c| {
                        c.method == "POST"
                            && c.path.starts_with("/webhooks/")
                            && c.path.ends_with(&format!("-{id}"))
                            && c.ok()
                    })
                    .cloned()
            })
            .await
    }

    /// The response callback to interaction `id`.
    async fn callback(&self, id: u64) -> Call {
        self.fake
            .wait_sent("POST", &format!("/interactions/{id}/"), 0)
            .await
    }
}

fn user(id: u64) -> Value {
    let name = match id {
        ANA => "ana",
        MARTA => "marta",
        _ => "someone",
    };
    json!({"id": id.to_string(), "username": name, "discriminator": "0", "global_name": name, "avatar": null})
}

fn partial_member(roles: &[u64]) -> Value {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    json!({"roles": roles, "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0})
}

/// A complete interaction payload of `kind` (2 command, 3 button, 5 form) in the guild. The token
/// starts with the channel id, so the fake knows where the response message lives.
fn interaction(id: u64, channel: u64, from: u64, roles: &[u64], kind: u8) -> Value {
    let mut member = partial_member(roles);
    member["user"] = user(from);
    member["permissions"] = json!("0");
    json!({
        "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind,
        "guild_id": GUILD.to_string(), "channel_id": channel.to_string(),
        "channel": {"id": channel.to_string(), "type": 0, "name": "general", "permissions": "0"},
        "member": member, "token": format!("{channel}-{id}"), "version": 1,
        "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD.to_string()}, "context": 0,
        "attachment_size_limit": 8_388_608, "app_permissions": "0"
    })
}

/// Discord's limits on what a bot sends.
fn assert_within_limits(call: &Call) {
    let body = match call.body.get("data") {
        Some(data) => data,
        None => &call.body,
    };
    if let Some(content) = body["content"].as_str() {
        assert!(
            content.chars().count() <= 2000,
            "content too long: {}",
            content.len()
        );
    }
    for embed in body["embeds"].as_array().into_iter().flatten() {
        let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
        assert!(len(&embed["title"]) <= 256);
        assert!(len(&embed["description"]) <= 4096);
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= 25);
        let mut total =
            len(&embed["title"]) + len(&embed["description"]) + len(&embed["footer"]["text"]);
        for field in &fields {
            assert!(
                len(&field["name"]) <= 256 && len(&field["value"]) <= 1024,
                "{field}"
            );
            total += len(&field["name"]) + len(&field["value"]);
        }
        assert!(total <= 6000, "embed of {total} characters");
    }
    for row in body["components"].as_array().into_iter().flatten() {
        for component in row["components"].as_array().into_iter().flatten() {
            if let Some(id) = component["custom_id"].as_str() {
                assert!(id.len() <= 100, "{id}");
            }
        }
    }
}

/// `key` (`label`, `value`) of each field of a form (a modal's `data`) that has one, in order.
fn form_fields<'a>(form: &'a Value, key: &str) -> Vec<&'a str> {
    form["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["components"][0][key].as_str())
        .collect()
}

/// The custom ids of the buttons in a message body (or interaction response data).
fn buttons(body: &Value) -> Vec<String> {
    button_fields(body, "custom_id")
}

/// The labels of the buttons in a message body (or interaction response data).
fn button_labels(body: &Value) -> Vec<String> {
    button_fields(body, "label")
}

/// One field of every button in a message body (or interaction response data).
fn button_fields(body: &Value, field: &str) -> Vec<String> {
    let body = body.get("data").unwrap_or(body);
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b[field].as_str().map(str::to_string))
        .collect()
}

fn button(body: &Value, verb: &str) -> String {
    buttons(body)
        .into_iter()
        .find(|b| b.starts_with(verb))
        .unwrap_or_else(|| panic!("a {verb} button in {body}"))
}

fn content(call: &Call) -> String {
    let body = call.body.get("data").unwrap_or(&call.body);
    body["content"].as_str().unwrap_or_default().to_string()
}

fn ephemeral(call: &Call) -> bool {
    call.body["data"]["flags"].as_u64().unwrap_or(0) & 64 != 0
}

/// Whether a follow-up message is ephemeral (its flags are at the top of the body).
fn followed_up_privately(call: &Call) -> bool {
    call.body["flags"].as_u64().unwrap_or(0) & 64 != 0
}

/// Messages posted in `channel`.
fn posted(h: &Harness, channel: u64) -> Vec<Call> {
    h.fake
        .sent("POST", &format!("/channels/{channel}/messages"))
        .into_iter()
        .filter(|c| !c.path.ends_with("/threads"))
        .collect()
}

async fn wait_posted(h: &Harness, channel: u64, n: usize) -> Call {
    h.fake
        .wait_for(&format!("message #{} in channel {channel}", n + 1), |_| {
            posted(h, channel).into_iter().nth(n)
        })
        .await
}

/// The thread opened on the first ticket card, and its id.
async fn ticket_thread(h: &Harness) -> (Call, u64) {
    let thread = h
        .fake
        .wait_sent("POST", &format!("/channels/{EXPERTS}/messages/"), 0)
        .await;
    assert!(thread.path.ends_with("/threads"), "{}", thread.path);
    let id = thread.result["id"].as_str().unwrap().parse().unwrap();
    h.settled().await;
    (thread, id)
}

/// The deferred answer to `/ask` (the `n`-th edit of an original response).
async fn wait_answer(h: &Harness, n: usize) -> Call {
    h.fake.wait_sent("PATCH", "/messages/@original", n).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_is_deferred_then_answered_with_an_embed_and_buttons() {
    let h = Harness::start().await;
    let asked = h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is an ITMO?"}]),
    );
    let deferred = h.callback(asked).await;
    assert_eq!(
        deferred.body["type"],
        json!(5),
        "deferred: {}",
        deferred.body
    );
    assert!(!ephemeral(&deferred));
    let answer = wait_answer(&h, 0).await;
    assert!(deferred.at <= answer.at);
    let embed = &answer.body["embeds"][0];
    assert_eq!(embed["title"], json!("What is an ITMO?"));
    assert!(
        embed["description"].as_str().unwrap().contains("\\[1\\]"),
        "markers, escaped: {embed}"
    );
    let first = &embed["fields"][0];
    assert!(
        first["name"]
            .as_str()
            .unwrap()
            .starts_with("[1] What is an ITMO?"),
        "{first}"
    );
    let value = first["value"].as_str().unwrap();
    assert!(
        value.contains("Decision 2/CMA.3") && value.contains("2024-11-01"),
        "{value}"
    );
    assert!(
        value.contains("(https://unfccc.int/documents/460950?a=1&b=2)"),
        "a link: {value}"
    );
    let ids = buttons(&answer.body);
    for verb in ["up:", "down:", "exp:", "more:"] {
        assert!(ids.iter().any(|d| d.starts_with(verb)), "{verb} in {ids:?}");
    }
    let commands = h.fake.sent(
        "PUT",
        &format!("/applications/{APP_ID}/guilds/{GUILD}/commands"),
    );
    assert_eq!(commands.len(), 1, "commands registered in the guild");
    let names: Vec<&str> = commands[0]
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in ["ask", "expert", "lang", "status", "forget"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // Every command, the experts' too, and every option is described in the member's language:
    // Spain's and Latin America's Spanish, Brazil's Portuguese, English for the rest.
    for command in commands[0].body.as_array().unwrap() {
        let options = command["options"].as_array().cloned().unwrap_or_default();
        for described in std::iter::once(command).chain(&options) {
            let localized = &described["description_localizations"];
            for locale in ["es-ES", "es-419", "pt-BR"] {
                let text = localized[locale].as_str().unwrap_or_default();
                assert!(
                    !text.is_empty() && text != described["description"],
                    "{locale} of {described}"
                );
            }
            assert_eq!(localized["es-ES"], localized["es-419"], "{described}");
        }
    }
    let described = |name: &str| {
        let command = commands[0]
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap();
        command["description_localizations"].clone()
    };
    assert_eq!(
        described("unclaim")["es-419"],
        json!("Expertos: devolver el ticket de este hilo a la cola de su grupo")
    );
    assert_eq!(
        described("ask")["pt-BR"],
        json!("Perguntar sobre o Artigo 6 do Acordo de Paris")
    );

    let more = h.press(MARTA, &[], &answer.result, &button(&answer.body, "more:"));
    h.callback(more).await;
    let more_sources = wait_answer(&h, 1).await;
    assert!(
        !more_sources.body["embeds"][0]["fields"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let up = h.press(MARTA, &[], &answer.result, &button(&answer.body, "up:"));
    let thanks = h.callback(up).await;
    assert!(
        ephemeral(&thanks) && content(&thanks).contains("Thank you"),
        "{}",
        thanks.body
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_in_a_channel_not_allowed_is_ignored() {
    let h = Harness::start().await;
    let mention = format!("<@{}> What is an ITMO?", fake::BOT_ID);
    h.say(ELSEWHERE, MARTA, &[], &mention);
    h.say(ALLOWED, MARTA, &[], "What is an ITMO? (no mention)");
    let asked = h.say(ALLOWED, MARTA, &[], &mention);
    let answer = wait_posted(&h, ALLOWED, 0).await;
    assert_eq!(
        answer.body["message_reference"]["message_id"],
        json!(asked.to_string())
    );
    assert!(
        answer.body["embeds"][0]["fields"][0]["name"]
            .as_str()
            .unwrap()
            .contains("ITMO")
    );
    assert_eq!(
        answer.body["allowed_mentions"]["parse"],
        json!([]),
        "never pings"
    );
    h.caught_up().await;
    assert!(
        posted(&h, ELSEWHERE).is_empty(),
        "nothing in the channel not allowed"
    );
    assert_eq!(
        posted(&h, ALLOWED).len(),
        1,
        "the unmentioned message got nothing"
    );
    h.stop().await;
}

/// Marta asks `question` with `/ask` in the allowed channel and presses "Ask an expert"; returns the
/// answer's edit and the card posted in the experts' channel.
async fn ask_and_escalate(h: &Harness, question: &str) -> (Call, Call) {
    h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": question}]),
    );
    let answer = wait_answer(h, 0).await;
    let pressed = h.press(MARTA, &[], &answer.result, &button(&answer.body, "exp:"));
    h.callback(pressed).await;
    let told = wait_answer(h, 1).await;
    assert!(content(&told).contains("ticket"), "{}", told.body);
    let card = wait_posted(h, EXPERTS, 0).await;
    (answer, card)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_confidence_goes_to_a_thread_and_the_experts_answer_comes_back() {
    let h = Harness::start().await;
    let (answer, card) = ask_and_escalate(&h, "What is the best recipe for chocolate cake?").await;
    let description = answer.body["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.contains("human expert"),
        "low confidence is said: {description}"
    );
    let card_text = content(&card);
    assert!(
        card_text.contains("chocolate cake") && card_text.contains("in en"),
        "{card_text}"
    );
    for verb in ["claim:", "close:", "faq:", "answer:"] {
        button(&card.body, verb);
    }
    let (thread, thread_id) = ticket_thread(&h).await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(thread.body["name"], json!(format!("Ticket {}", ticket.id)));

    let claim = h.expert_presses(&card, "claim:");
    let acknowledged = h.callback(claim).await;
    assert_eq!(
        acknowledged.body["type"],
        json!(5),
        "acknowledged first: {}",
        acknowledged.body
    );
    let claimed = h.outcome(claim).await;
    assert!(
        content(&claimed).contains("You claimed"),
        "{}",
        claimed.body
    );
    let took = wait_posted(&h, ALLOWED, 0).await;
    assert!(
        content(&took).contains("took your question"),
        "{}",
        took.body
    );
    assert_eq!(
        took.body["message_reference"]["message_id"], answer.result["id"],
        "the notice replies to the answer Marta saw"
    );
    assert_eq!(took.body["allowed_mentions"]["replied_user"], json!(false));

    // Talk in the thread is a note; a renamed thread is nobody's words; a reply to the card answers.
    h.say(
        thread_id,
        ANA,
        &[EXPERT_ROLE],
        "Checking the CMA decisions first.",
    );
    let (_, mut renamed) = h.message(thread_id, INTRUDER, &[], "Ticket renamed");
    renamed["type"] = json!(4);
    h.gateway.push("MESSAGE_CREATE", renamed);
    h.reply(
        thread_id,
        ANA,
        &[EXPERT_ROLE],
        "Consulta covers Article 6 only; try a **cookbook** at https://example.org/cakes_and_pies.",
        &card.result,
    );
    let relayed = wait_posted(&h, ALLOWED, 1).await;
    assert!(
        content(&relayed).contains("try a \\*\\*cookbook\\*\\*"),
        "escaped: {}",
        relayed.body
    );
    assert!(
        content(&relayed).contains("https://example.org/cakes_and_pies"),
        "the link is intact: {}",
        relayed.body
    );
    assert_eq!(
        relayed.body["message_reference"]["message_id"],
        answer.result["id"]
    );
    assert_eq!(
        relayed.body["message_reference"]["fail_if_not_exists"],
        json!(false)
    );
    assert_eq!(
        relayed.body["allowed_mentions"]["replied_user"],
        json!(true),
        "the asker is pinged by the expert's answer"
    );
    // A gateway message does not say which language Ana's client is in, and she chose none: the
    // desk channel's, English here (the desk names none).
    let ack = wait_posted(&h, thread_id, 0).await;
    assert!(content(&ack).contains("recorded"), "{}", ack.body);
    h.caught_up().await;
    assert_eq!(
        posted(&h, thread_id).len(),
        1,
        "neither the note nor the rename got a reply"
    );
    let notes = kb::notes(&h.desk.ticket(&ticket.id).unwrap());
    assert_eq!(notes, ["Checking the CMA decisions first."]);
    h.fake
        .wait_for("the card to be edited", |_| {
            h.fake
                .sent("PATCH", &format!("/channels/{EXPERTS}/messages/"))
                .into_iter()
                .find(|c| content(c).contains("answered by Ana"))
        })
        .await;
    assert_eq!(h.desk.ticket(&ticket.id).unwrap().status, Status::Answered);

    // Approve opens a form prefilled with what would be published, for the expert to edit.
    let approve = h.expert_presses(&card, "faq:");
    let modal = h.callback(approve).await;
    assert_eq!(modal.body["type"], json!(9), "a form: {}", modal.body);
    let form = &modal.body["data"];
    let prefilled = form_fields(form, "value");
    assert_eq!(prefilled.len(), 2, "question and answer: {form}");
    assert_eq!(prefilled[0], ticket.question);
    let form_id = form["custom_id"].as_str().unwrap().to_string();
    let flagged = h.submit_fields(
        EXPERTS,
        ANA,
        &[EXPERT_ROLE],
        &form_id,
        &[
            (
                "faq_question",
                "What does Article 6.2 require? (ana@desk.example)",
            ),
            ("faq_answer", prefilled[1]),
            ("faq_confirm", ""),
        ],
    );
    let refused = h.outcome(flagged).await;
    assert!(
        content(&refused).contains("desk.example") && content(&refused).contains("PUBLISH"),
        "{}",
        refused.body
    );
    assert!(h.desk.curated().unwrap().is_empty(), "nothing published");
    let edited = h.submit_fields(
        EXPERTS,
        ANA,
        &[EXPERT_ROLE],
        &form_id,
        &[
            (
                "faq_question",
                "What does Article 6.2 require of participating Parties?",
            ),
            ("faq_answer", prefilled[1]),
            ("faq_confirm", ""),
        ],
    );
    let approved = h.outcome(edited).await;
    assert!(
        content(&approved).contains("curated FAQ entry"),
        "{}",
        approved.body
    );
    let curated = h.desk.curated().unwrap();
    assert_eq!(curated.len(), 1);
    assert_eq!(curated[0].ticket, ticket.id);
    assert_eq!(
        curated[0].question,
        "What does Article 6.2 require of participating Parties?"
    );
    let close = h.expert_presses(&card, "close:");
    assert!(content(&h.outcome(close).await).contains("closed"));
    assert_eq!(h.desk.ticket(&ticket.id).unwrap().status, Status::Closed);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_form_answers_and_a_private_question_is_answered_by_direct_message() {
    let h = Harness::start().await;
    let asked = h.marta(
        "ask",
        json!([
            {"name": "question", "type": 3, "value": "What is a corresponding adjustment?"},
            {"name": "private", "type": 5, "value": true}
        ]),
    );
    assert!(
        ephemeral(&h.callback(asked).await),
        "a private question is answered privately"
    );
    let answer = wait_answer(&h, 0).await;
    h.marta("expert", json!([]));
    let told = wait_answer(&h, 1).await;
    assert!(content(&told).contains("ticket"), "{}", told.body);
    let card = wait_posted(&h, EXPERTS, 0).await;
    let form = h.expert_presses(&card, "answer:");
    let modal = h.callback(form).await;
    assert_eq!(modal.body["type"], json!(9), "a form: {}", modal.body);
    let custom_id = modal.body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    h.submit(
        EXPERTS,
        ANA,
        &[EXPERT_ROLE],
        &custom_id,
        "It is the accounting entry that avoids double counting.",
    );
    let dm = h.fake.wait_sent("POST", "/users/@me/channels", 0).await;
    assert_eq!(dm.body["recipient_id"], json!(MARTA.to_string()));
    let dm_channel: u64 = dm.result["id"].as_str().unwrap().parse().unwrap();
    let relayed = h
        .fake
        .wait_for("the answer by direct message", |_| {
            posted(&h, dm_channel)
                .into_iter()
                .find(|c| content(c).contains("double counting"))
        })
        .await;
    assert!(
        relayed
            .body
            .get("message_reference")
            .is_none_or(Value::is_null)
    );
    assert!(
        posted(&h, ALLOWED).is_empty(),
        "nothing about a private question in the channel"
    );
    let _ = answer;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_without_the_experts_role_or_desk_entry_are_refused() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let claim = button(&card.body, "claim:");
    for (who, roles) in [(INTRUDER, vec![]), (RUI, vec![EXPERT_ROLE]), (ANA, vec![])] {
        let pressed = h.press(who, &roles, &card.result, &claim);
        assert!(ephemeral(&h.callback(pressed).await));
        let refusal = h.outcome(pressed).await;
        assert!(
            content(&refusal).contains("only the desk's experts"),
            "{}",
            refusal.body
        );
    }
    let (_, thread_id) = ticket_thread(&h).await;
    h.reply(thread_id, INTRUDER, &[], "I know the answer", &card.result);
    // Nothing says which language a gateway message's author reads: in a ticket's thread, the
    // desk channel's, English here (the desk names none).
    let told = wait_posted(&h, thread_id, 0).await;
    assert!(
        content(&told).contains("only the desk's experts can act"),
        "{}",
        told.body
    );
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(ticket.status, Status::Open, "nothing changed");
    h.stop().await;
}

/// A 429's `retry_after` is waited, on the clock the desk and the bot share, before the request is
/// sent again: the globally limited answer (0.5 s) waits in the bot's retry, the card (2.5 s in its
/// body, the backoff 1 s) in the outbox. The clock is manual: the test sees each wait scheduled for
/// the time Discord asked, sees nothing re-sent while it lasts, then moves the clock past it. Each
/// goes out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_honoured_and_the_card_delivered_once() {
    let refused_at = Timestamp::from_millis(1_764_000_000_000);
    let clock = Arc::new(ManualClock::new(refused_at));
    let h = Harness::start_with_clock(clock.clone(), DESK).await;
    h.fake.fail_next(
        "POST",
        &format!("/channels/{EXPERTS}/messages"),
        429,
        json!({"message": "You are being rate limited.", "retry_after": 2.5, "global": false}),
        vec![
            ("retry-after", "3".into()),
            ("x-ratelimit-scope", "user".into()),
        ],
    );
    h.fake.fail_next(
        "PATCH",
        "/messages/@original",
        429,
        json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": true}),
        vec![
            ("retry-after", "1".into()),
            ("x-ratelimit-global", "true".into()),
            ("x-ratelimit-scope", "global".into()),
        ],
    );
    h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": "What is an ITMO?"}]),
    );
    let answer_due = refused_at.plus(Span::from_millis(500));
    wait_asleep_until(&h, &clock, answer_due).await;
    let edits = |h: &Harness| -> Vec<Call> {
        h.fake
            .calls()
            .into_iter()
            .filter(|c| c.path.ends_with("/@original"))
            .collect()
    };
    let refused = edits(&h);
    assert!(
        refused.len() == 1 && !refused[0].ok(),
        "the answer is not sent again while Discord's wait lasts: {refused:?}"
    );
    clock.advance(Span::from_millis(500));
    let answer = wait_answer(&h, 0).await;
    let edits = edits(&h);
    assert!(
        edits.len() == 2 && edits[1].ok(),
        "the globally limited answer was retried once"
    );
    let pressed = h.press(MARTA, &[], &answer.result, &button(&answer.body, "exp:"));
    h.callback(pressed).await;
    let told = wait_answer(&h, 1).await;
    assert!(content(&told).contains("ticket"), "{}", told.body);
    let waiting = h
        .fake
        .wait_for("the refused card to wait for its next attempt", |_| {
            h.desk
                .pending_messages()
                .unwrap()
                .into_iter()
                .find(|m| m.chat.platform == Platform::Discord && m.attempts == 1)
        })
        .await;
    let card_due = answer_due.plus(Span::from_millis(2_500));
    assert_eq!(
        waiting.next_attempt_at, card_due,
        "the wait Discord asked for, not the backoff"
    );
    wait_asleep_until(&h, &clock, card_due).await;
    let to_experts = |h: &Harness| -> Vec<Call> {
        h.fake
            .calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path == format!("/channels/{EXPERTS}/messages"))
            .collect()
    };
    assert_eq!(
        to_experts(&h).len(),
        1,
        "the card is not sent again while Discord's wait lasts"
    );
    clock.advance(Span::from_millis(2_500));
    let card = wait_posted(&h, EXPERTS, 0).await;
    assert!(content(&card).contains("ITMO"), "{}", card.body);
    let attempts = to_experts(&h);
    assert_eq!(attempts.len(), 2, "one refused attempt, one delivery");
    assert!(!attempts[0].ok() && attempts[1].ok());
    assert_eq!(
        h.fake
            .sent("PATCH", "/messages/@original")
            .iter()
            .filter(|c| !c.body["embeds"].as_array().is_none_or(Vec::is_empty))
            .count(),
        1,
        "the answer was delivered once"
    );
    h.fake
        .wait_for("the outbox to empty", |_| {
            h.desk.pending_messages().unwrap().is_empty().then_some(())
        })
        .await;
    assert_eq!(
        posted(&h, EXPERTS).len(),
        1,
        "the card was delivered exactly once"
    );
    h.stop().await;
}

/// Waits until something (the bot's retry, the outbox worker) sleeps on `clock` until `wake`: the
/// wait scheduled is the one asked for, and nothing it holds back happens before the clock moves.
async fn wait_asleep_until(h: &Harness, clock: &ManualClock, wake: Timestamp) {
    h.fake
        .wait_for("a wait on the clock until the time asked for", |_| {
            clock.wake_times().contains(&wake).then_some(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_and_an_unknown_interaction_is_not() {
    let h = Harness::start().await;
    h.fake.fail_next(
        "POST",
        &format!("/channels/{ALLOWED}/messages"),
        502,
        json!({"message": "Bad Gateway", "code": 0}),
        vec![],
    );
    h.say(
        ALLOWED,
        MARTA,
        &[],
        &format!("<@{}> What is an ITMO?", fake::BOT_ID),
    );
    let answer = wait_posted(&h, ALLOWED, 0).await;
    let attempts = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path == format!("/channels/{ALLOWED}/messages"))
        .count();
    assert_eq!(attempts, 2, "one failure, one delivery");

    // An interaction Discord no longer knows (it reached the bot after its 3 seconds had run out).
    let gone = h.fake.id();
    let mut expired = interaction(gone, ALLOWED, MARTA, &[], 2);
    expired["data"] = json!({"id": "1", "name": "help", "type": 1});
    h.gateway.push("INTERACTION_CREATE", expired);
    let unknown = h.marta("frobnicate", json!([]));
    let told = h.callback(unknown).await;
    assert!(content(&told).contains("/help"), "{}", told.body);
    h.caught_up().await;
    let tries = h
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path.contains(&format!("/interactions/{gone}/")))
        .count();
    assert_eq!(tries, 1, "an unknown interaction is not retried");
    let stale = h.press(MARTA, &[], &answer.result, "drop:tables");
    assert!(content(&h.callback(stale).await).contains("no longer in use"));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_is_escaped_and_bad_questions_get_clear_replies() {
    let h = Harness::start().await;
    let tricky = "What is an ITMO? **bold** [click](http://evil.example) @everyone <@123>";
    let (answer, card) = ask_and_escalate(&h, tricky).await;
    let title = answer.body["embeds"][0]["title"].as_str().unwrap();
    assert!(
        title.contains("\\*\\*bold\\*\\* \\[click\\](http://evil.example) \\@everyone \\<\\@123>"),
        "{title}"
    );
    assert!(
        content(&card).contains("\\*\\*bold\\*\\*"),
        "{}",
        content(&card)
    );

    let blank = h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": "   "}]),
    );
    let usage = h.callback(blank).await;
    assert!(
        ephemeral(&usage) && content(&usage).contains("/ask"),
        "{}",
        usage.body
    );
    let huge = "What is an ITMO? ".repeat(400);
    h.marta(
        "ask",
        json!([{"name": "question", "type": 3, "value": huge}]),
    );
    let big = wait_answer(&h, 2).await;
    assert!(
        big.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .ends_with('…')
    );
    h.say(ALLOWED, MARTA, &[], &format!("<@{}>", fake::BOT_ID));
    let told = wait_posted(&h, ALLOWED, 0).await;
    assert!(
        content(&told).contains("/ask"),
        "an empty mention gets the usage: {}",
        told.body
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lang_is_remembered_and_commands_speak_it() {
    let h = Harness::start().await;
    let chosen = h.marta(
        "lang",
        json!([{"name": "language", "type": 3, "value": "pt"}]),
    );
    assert!(content(&h.callback(chosen).await).contains("português"));
    let help = h.marta("help", json!([]));
    assert!(content(&h.callback(help).await).starts_with("Escreva sua pergunta"));
    let status = h.marta("status", json!([]));
    h.callback(status).await;
    assert!(content(&wait_answer(&h, 0).await).contains("não tem tickets"));
    let forget = h.marta("forget", json!([]));
    let confirm = h.callback(forget).await;
    assert!(
        buttons(&confirm.body)
            .iter()
            .any(|b| b == &format!("forget:yes:{MARTA}"))
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_asker_gets_a_discord_experts_answer_in_telegram() {
    let h = Harness::start().await;
    let ticket = h
        .assistant
        .escalate(EscalateRequest {
            asker: Asker {
                platform: Platform::Telegram,
                chat_id: "501".into(),
                user_id: "501".into(),
                display_name: "Marta".into(),
            },
            question: "Who authorises an ITMO in Chile?".into(),
            language: Lang::Es,
            question_id: None,
        })
        .await
        .expect("the ticket opens")
        .ticket;
    let card = wait_posted(&h, EXPERTS, 0).await;
    assert!(content(&card).contains("(telegram)"), "{}", content(&card));
    let (_, thread_id) = ticket_thread(&h).await;
    h.reply(
        thread_id,
        ANA,
        &[EXPERT_ROLE],
        "La autoridad nacional designada.",
        &card.result,
    );
    let relayed = h
        .fake
        .wait_for("the answer on Telegram", |_| {
            h.telegram
                .delivered()
                .into_iter()
                .find(|r| r.message.kind == MessageKind::ExpertAnswer)
        })
        .await;
    assert_eq!(relayed.chat_id, "501");
    assert!(
        relayed
            .message
            .text
            .contains("La autoridad nacional designada.")
    );
    assert!(relayed.message.text.contains(ticket.id.as_str()));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_resumes_without_losing_or_repeating_events() {
    let h = Harness::start().await;
    let mention = format!("<@{}> What is an ITMO?", fake::BOT_ID);
    h.say(ALLOWED, MARTA, &[], &mention);
    wait_posted(&h, ALLOWED, 0).await;
    h.gateway.drop_connection();
    // Sent while the client is away: Discord keeps it for the resumed session.
    h.say(
        ALLOWED,
        MARTA,
        &[],
        "<@4242> What is a corresponding adjustment?",
    );
    h.wait_identified(2).await;
    let resume = h
        .gateway
        .received()
        .into_iter()
        .find(|p| p["op"] == json!(6))
        .expect("the client resumed");
    assert_eq!(resume["d"]["session_id"], json!("session-1"));
    let second = wait_posted(&h, ALLOWED, 1).await;
    assert!(
        second.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .contains("corresponding")
    );
    h.caught_up().await;
    assert_eq!(
        posted(&h, ALLOWED).len(),
        2,
        "the replayed event was not handled twice"
    );
    h.stop().await;
}

/// Particulars written the way phones and keyboards write them (full-width `＠` and digits, a CPF)
/// are listed in full, in the expert's language (Ana chose Spanish), in a message only she sees
/// when she presses "Approve as FAQ": the form that can confirm them opens only from the button
/// under that list, its confirmation field names them again and its labels say that names are the
/// expert's to remove. The form submitted as prefilled is held with the flags listed, and only the
/// text edited clean is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flagged_particulars_hold_the_faq_until_the_expert_edits_them_out() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(
        &h,
        "What is a corresponding adjustment? Meu CPF é 123.456.789-09",
    )
    .await;
    let ticket = h.desk.tickets().unwrap().remove(0).id;
    let ana: consulta_desk::Identity = format!("discord:{ANA}").parse().unwrap();
    h.desk.set_language(&ana, Lang::Es).unwrap();
    h.desk
        .act(
            &ana,
            &ticket,
            consulta_desk::Action::Answer {
                text: "An adjustment to the emissions balance; write to ana＠desk.example or call ＋５５ １１ ９８７６ ５４３２."
                    .into(),
            },
        )
        .expect("Ana answers");
    h.settled().await;

    let listed = h.callback(h.expert_presses(&card, "faq:")).await;
    assert_eq!(
        listed.body["type"],
        json!(4),
        "a message, not a form: {}",
        listed.body
    );
    assert!(ephemeral(&listed), "only Ana sees it: {}", listed.body);
    let flags = [
        "123.456.789-09",
        "ana＠desk.example",
        "＋５５ １１ ９８７６ ５４３２",
        "Los nombres no se señalan",
    ];
    for flagged in flags {
        assert!(
            content(&listed).contains(flagged),
            "{flagged}: {}",
            listed.body
        );
    }
    let open = buttons(&listed.body)
        .into_iter()
        .find(|id| id.starts_with("pubok:"))
        .expect("a button that opens the form");
    let mut shown = card.result.clone();
    shown["content"] = json!(content(&listed));
    shown["flags"] = json!(64);
    let modal = h
        .callback(h.press(ANA, &[EXPERT_ROLE], &shown, &open))
        .await;
    assert_eq!(modal.body["type"], json!(9), "a form: {}", modal.body);
    let form = &modal.body["data"];
    let labels = form_fields(form, "label");
    assert!(
        labels[..2].iter().all(|l| l.contains("quite los nombres")),
        "{labels:?}"
    );
    assert!(labels[2].contains("3 señalado(s)"), "{labels:?}");
    let placeholder = form_fields(form, "placeholder")[0];
    assert!(
        placeholder.chars().count() <= 100 && flags[..3].iter().any(|f| placeholder.contains(f)),
        "{placeholder}"
    );
    let prefilled = form_fields(form, "value");
    let form_id = form["custom_id"].as_str().unwrap().to_string();
    let submit = |question: &str, answer: &str| {
        h.submit_fields(
            EXPERTS,
            ANA,
            &[EXPERT_ROLE],
            &form_id,
            &[
                ("faq_question", question),
                ("faq_answer", answer),
                ("faq_confirm", ""),
            ],
        )
    };
    assert_eq!(
        prefilled[0],
        "What is a corresponding adjustment? Meu CPF é 123.456.789-09"
    );
    // Ana removes the phone but leaves the CPF and the e-mail: her edit is held, flags first.
    let her_answer = "An adjustment to the emissions balance; write to ana＠desk.example.";
    let held = h.outcome(submit(prefilled[0], her_answer)).await;
    for flagged in [flags[0], flags[1], flags[3]] {
        assert!(content(&held).contains(flagged), "{flagged}: {}", held.body);
    }
    assert!(!content(&held).contains(flags[2]), "{}", held.body);
    let again = buttons(&held.body)
        .into_iter()
        .find(|id| id.starts_with("pubok:"))
        .expect("the form can be opened again");
    assert!(h.desk.curated().unwrap().is_empty(), "nothing published");
    // The form opened again holds her edit, not the desk's draft she had already changed, and
    // counts the flags left in it.
    let mut refusal = card.result.clone();
    refusal["content"] = json!(content(&held));
    refusal["flags"] = json!(64);
    let reopened = h
        .callback(h.press(ANA, &[EXPERT_ROLE], &refusal, &again))
        .await;
    assert_eq!(reopened.body["type"], json!(9), "a form: {}", reopened.body);
    assert_eq!(
        form_fields(&reopened.body["data"], "value"),
        [prefilled[0], her_answer]
    );
    assert!(
        form_fields(&reopened.body["data"], "label")[2].contains("2 señalado(s)"),
        "{}",
        reopened.body
    );
    // Pressed on the card, "Approve as FAQ" starts over from the draft.
    let restarted = h.callback(h.expert_presses(&card, "faq:")).await;
    assert!(content(&restarted).contains(flags[2]), "{}", restarted.body);

    let edited = h
        .outcome(submit(
            "What is a corresponding adjustment?",
            "An adjustment to the emissions balance.",
        ))
        .await;
    assert!(
        content(&edited).contains("entrada de FAQ"),
        "{}",
        edited.body
    );
    let curated = h.desk.curated().unwrap();
    assert_eq!(curated.len(), 1);
    assert_eq!(curated[0].answer, "An adjustment to the emissions balance.");
    h.stop().await;
}

/// What the desk refuses an expert is said in the expert's language: their Discord's (Portuguese
/// here) when nobody holds the ticket and when someone else does; with a client language Consulta
/// does not speak, the desk channel's (English here, though the desk's is Spanish).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_refusals_are_in_the_experts_language_else_the_desk_channels() {
    let desk = format!(
        "language = \"es\"\n{}",
        DESK.replace(
            "[outbox]",
            "[[experts]]\nname = \"Rui\"\nidentities = [\"discord:98\"]\ngroups = [\"andes\"]\n\n[chat_languages]\n\"discord:experts\" = \"en\"\n\n[outbox]",
        )
    );
    let h = Harness::start_with_desk(&desk).await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let (_, thread) = ticket_thread(&h).await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket").id;
    // Rui, whose Discord is in Portuguese, unclaims in the ticket's thread what nobody holds.
    let id = h.fake.id();
    let mut unclaim = interaction(id, thread, RUI, &[EXPERT_ROLE], 2);
    unclaim["locale"] = json!("pt-BR");
    unclaim["data"] = json!({"id": "1", "name": "unclaim", "type": 1, "options": []});
    h.dispatch(unclaim);
    let told = h.outcome(id).await;
    let refused = format!("ticket {ticket} recusado: ninguém o assumiu (status: open)");
    assert!(content(&told).contains(&refused), "{}", told.body);
    let claim = h.expert_presses(&card, "claim:");
    h.outcome(claim).await;
    for (locale, refused) in [
        ("pt-BR", format!("ticket {ticket} recusado: Ana o assumiu")),
        (
            "de",
            format!("ticket {ticket} refused: it is claimed by Ana"),
        ),
    ] {
        let id = h.fake.id();
        let mut press = interaction(id, EXPERTS, RUI, &[EXPERT_ROLE], 3);
        press["locale"] = json!(locale);
        press["data"] = json!({"custom_id": button(&card.body, "claim:"), "component_type": 2});
        press["message"] = card.result.clone();
        h.dispatch(press);
        let told = h.outcome(id).await;
        assert!(
            content(&told).starts_with(&refused),
            "{refused}: {}",
            told.body
        );
        assert!(ephemeral(&h.callback(id).await), "only Rui is told");
    }
    h.stop().await;
}

/// A desk channel configured as Spanish gets its cards, their buttons and how to answer in
/// Spanish, whatever the asker's language; Ana, who chose Portuguese, is told of her claim in
/// Portuguese, only to her; with no language configured the card is English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_desk_channel_gets_spanish_cards_and_a_portuguese_expert_portuguese_replies() {
    let desk = DESK.replace(
        "[outbox]",
        "[chat_languages]\n\"discord:experts\" = \"es\"\n\n[outbox]",
    );
    let h = Harness::start_with_desk(&desk).await;
    let (_, card) = ask_and_escalate(&h, "What is the best recipe for chocolate cake?").await;
    let text = content(&card);
    for spanish in [
        "abierto: espera a un experto",
        "De marta",
        "Para responder a quien consulta",
    ] {
        assert!(text.contains(spanish), "{spanish}: {text}");
    }
    assert_eq!(
        button_labels(&card.body),
        ["Tomar", "Responder", "Cerrar", "Aprobar como FAQ"]
    );
    let (thread, _) = ticket_thread(&h).await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(
        thread.body["name"],
        json!(format!("Caso {}", ticket.id)),
        "the thread is named in the channel's language"
    );
    // A button that no longer applies is said to be stale in the language of the one who pressed
    // it (their Discord's, as nobody chose one), whatever the channel's.
    let id = h.fake.id();
    let mut stale = interaction(id, EXPERTS, MARTA, &[], 3);
    stale["locale"] = json!("pt-BR");
    stale["data"] = json!({"custom_id": "drop:tables", "component_type": 2});
    stale["message"] = card.result.clone();
    h.dispatch(stale);
    let told = h.callback(id).await;
    assert!(content(&told).contains("não vale mais"), "{}", told.body);
    assert!(ephemeral(&told), "only the presser is told");
    let ana: consulta_desk::Identity = format!("discord:{ANA}").parse().unwrap();
    h.desk.set_language(&ana, Lang::Pt).unwrap();
    let claim = h.expert_presses(&card, "claim:");
    let claimed = h.outcome(claim).await;
    assert!(
        content(&claimed).starts_with("Você assumiu o ticket"),
        "{}",
        claimed.body
    );
    assert!(ephemeral(&h.callback(claim).await), "only Ana is told");
    let edited = h
        .fake
        .wait_for("the card to be edited", |_| {
            h.fake
                .sent("PATCH", &format!("/channels/{EXPERTS}/messages/"))
                .into_iter()
                .find(|c| content(c).contains("tomado por Ana"))
        })
        .await;
    assert_eq!(button_labels(&edited.body)[0], "Tomar", "{}", edited.body);
    h.stop().await;

    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is the best recipe for chocolate cake?").await;
    assert!(
        content(&card).contains("open: waiting for an expert"),
        "{}",
        card.body
    );
    assert_eq!(
        button_labels(&card.body),
        ["Claim", "Answer", "Close", "Approve as FAQ"]
    );
    h.stop().await;
}
