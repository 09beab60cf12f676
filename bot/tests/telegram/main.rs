//! The real teloxide bot against a fake Bot API server on 127.0.0.1, answering from a small
//! knowledge base with the real model, escalating to a real desk.

mod alone;
mod conversation;
mod crash;
mod fake;
mod groups;
#[path = "../support/kb.rs"]
mod kb;
mod retention;
mod slow_chat;
mod undelivered;

use std::sync::Arc;
use std::time::Duration;

use consulta_bot::assistant::LocalAssistant;
use consulta_bot::chat::Languages;
use consulta_bot::telegram::{TelegramBot, TelegramConfig};
use consulta_corpus::Lang;
use consulta_desk::{
    Clock, Desk, DeskConfig, DeskDuties, ManualClock, Span, Status, SystemClock, Timestamp,
};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::watch;

use fake::{Fake, bot_user, chat, user};

/// The experts' group chat, as configured in the desk.
const EXPERTS: i64 = -100200;
/// Ana, the configured expert.
const ANA: i64 = 7;
/// Marta, who asks.
const MARTA: i64 = 501;
/// Someone who is neither a configured expert nor a member of the experts' group.
const INTRUDER: i64 = 99;
/// A member of the experts' group who is not in the desk configuration.
const BETO: i64 = 55;
/// Bruno, a second configured expert in some tests' desks, told of tickets in his private chat.
const BRUNO: i64 = 8;
/// A practitioners' group where the bot is a member.
const GROUP: i64 = -100300;

const DESK: &str = r#"
[[groups]]
name = "andes"
chats = ["telegram:-100200"]

[[experts]]
name = "Ana"
identities = ["telegram:7"]
groups = ["andes"]

[outbox]
backoff_initial = "1s"
backoff_max = "2s"
max_attempts = 5
"#;

const WAIT: Duration = Duration::from_secs(60);

/// The bot, its outbox worker and the fake, running until dropped.
struct Harness {
    fake: Arc<Fake>,
    desk: Desk,
    stop: watch::Sender<bool>,
    done: tokio::task::JoinHandle<()>,
    /// In webhook mode, where the bot listens for Telegram's posts.
    webhook: Option<std::net::SocketAddr>,
    _dir: TempDir,
}

/// The webhook secret the webhook scenario configures.
const WEBHOOK_SECRET: &str = "s3cret-Token_1";

impl Harness {
    /// Waits until the worker has tried every message the desk queued at least once. The fake
    /// records a message when it arrives, before the bot has stored which ticket it belongs to; a
    /// reply to it sent in between would find no ticket, so a test replying to a desk message waits
    /// for this first.
    async fn settled(&self) {
        self.fake
            .wait_for(
                "the desk's queued messages to be tried",
                Duration::from_secs(60),
                |_| {
                    let pending = self.desk.pending_messages().expect("the desk reads");
                    pending.iter().all(|m| m.attempts > 0).then_some(())
                },
            )
            .await;
    }

    async fn start() -> Harness {
        Harness::start_with(|_| {}).await
    }

    /// Starts with the test's own changes to the Telegram settings.
    async fn start_with(configure: impl FnOnce(&mut TelegramConfig)) -> Harness {
        Harness::start_with_desk(DESK, configure).await
    }

    /// Starts with the desk configured by `desk` (TOML) and the test's Telegram settings.
    async fn start_with_desk(desk: &str, configure: impl FnOnce(&mut TelegramConfig)) -> Harness {
        Harness::start_with_clock(desk, None, configure).await
    }

    /// Starts with the desk on `clock` (when given), else on the system clock; the desk's duties
    /// wait on it, so moving a manual clock runs them.
    async fn start_with_clock(
        desk: &str,
        clock: Option<Arc<ManualClock>>,
        configure: impl FnOnce(&mut TelegramConfig),
    ) -> Harness {
        Harness::start_prepared(desk, clock, |_| {}, configure).await
    }

    /// [`Harness::start_with_clock`] once `prepare` has scripted the fake for what the bot does as
    /// it connects.
    async fn start_prepared(
        desk: &str,
        clock: Option<Arc<ManualClock>>,
        prepare: impl FnOnce(&Fake),
        configure: impl FnOnce(&mut TelegramConfig),
    ) -> Harness {
        let fake = Fake::start().await;
        prepare(&fake);
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
        let mut telegram = TelegramConfig {
            token: "123456:TEST-TOKEN".to_string(),
            api_url: Some(fake.url()),
            poll_timeout: Span::from_secs(1),
            flood_max_questions: 5,
            languages,
            ..TelegramConfig::default()
        };
        configure(&mut telegram);
        let bot = TelegramBot::connect(&telegram, assistant, &dir.path().join("telegram"), clock)
            .await
            .expect("the bot connects to the fake");
        let webhook = bot.webhook_address();
        // What `consulta telegram` runs beside the bot when it holds the desk itself.
        let duties = DeskDuties::new(desk.clone()).with_frontend(bot.frontend());
        let (stop, stopped) = watch::channel(false);
        let done = tokio::spawn(async move {
            let until = |mut rx: watch::Receiver<bool>| async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            tokio::join!(bot.run(until(stopped.clone())), duties.run(until(stopped)));
        });
        Harness {
            fake,
            desk,
            stop,
            done,
            webhook,
            _dir: dir,
        }
    }

    /// Stops the bot and checks Telegram accepted every message's HTML and length (the fake parses them
    /// as Telegram does); returns the data directory, for a test that reads what the bot left there.
    async fn stop(self) -> TempDir {
        self.stop.send(true).expect("the bot is running");
        tokio::time::timeout(WAIT, self.done)
            .await
            .expect("the bot shuts down")
            .expect("the bot task did not panic");
        // Updates were received: shutdown confirms them.
        if self.webhook.is_none() && self.fake.last_update() > 0 {
            let last_poll = self
                .fake
                .calls()
                .into_iter()
                .rfind(|c| c.method == "getupdates")
                .expect("the bot polled");
            assert_eq!(
                last_poll.body["timeout"],
                json!(0),
                "shutdown confirms the offset at once"
            );
        }
        for call in self.fake.calls() {
            if call.method == "sendmessage" || call.method == "editmessagetext" {
                assert_eq!(call.body["parse_mode"], json!("HTML"));
                let refused = call.result["description"].as_str().unwrap_or_default();
                assert!(
                    !refused.contains("parse entities") && !refused.contains("too long"),
                    "Telegram refused {:?}: {refused}",
                    call.body["text"]
                );
            }
        }
        self._dir
    }

    /// Marta (or `from`) writes `text` in `chat_id`; returns the message id.
    fn say(&self, chat_id: i64, from: Value, text: &str, reply_to: Option<Value>) -> i64 {
        let id = self.fake.message_id();
        let mut message = json!({
            "message_id": id, "date": 1_764_000_000, "chat": chat(chat_id), "from": from, "text": text
        });
        if let Some(replied) = reply_to {
            message["reply_to_message"] = replied;
        }
        self.fake.push(json!({ "message": message }));
        id
    }

    /// `from` presses the button with data `data` under `message` (a sent message's body).
    fn press(&self, from: Value, message: &fake::Call, data: &str) -> String {
        let id = format!("cb{}", self.fake.message_id());
        self.fake.push(json!({"callback_query": {
            "id": id, "from": from, "chat_instance": "1", "data": data,
            "message": sent_message(message),
        }}));
        id
    }
}

/// Posts `update` to the webhook at `address` with the secret; returns the HTTP status.
async fn post(address: std::net::SocketAddr, update: &Value) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("http://{address}/telegram/hook"))
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .json(update)
        .send()
        .await
        .expect("the webhook answers")
        .status()
}

/// A sent message as Telegram would show it in an update: what it answered when it was sent.
fn sent_message(call: &fake::Call) -> Value {
    assert!(!call.failed, "{:?} was refused", call.body);
    call.result.clone()
}

/// The callback data of the buttons under a sent message.
fn buttons(call: &fake::Call) -> Vec<String> {
    button_fields(call, "callback_data")
}

/// The labels of the buttons under a sent message.
fn button_labels(call: &fake::Call) -> Vec<String> {
    button_fields(call, "text")
}

/// One field of every button under a sent message.
fn button_fields(call: &fake::Call, field: &str) -> Vec<String> {
    call.body["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| b[field].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_gets_a_cited_answer_with_buttons() {
    let h = Harness::start().await;
    let asked = h.say(MARTA, user(MARTA, "Marta", "en"), "What is an ITMO?", None);
    let answer = h.fake.wait_sent("sendmessage", MARTA, 0).await;
    let text = answer.body["text"].as_str().unwrap();
    assert!(text.contains("[1] <b>What is an ITMO?</b>"), "{text}");
    assert!(text.contains("Decision 2/CMA.3"), "{text}");
    assert!(text.contains("2024-11-01"), "{text}");
    assert!(
        text.contains("<a href=\"https://unfccc.int/documents/460950?a=1&amp;b=2\">"),
        "the link is there, its & escaped: {text}"
    );
    assert_eq!(answer.body["reply_parameters"]["message_id"], json!(asked));
    let data = buttons(&answer);
    for verb in ["up:", "down:", "more:", "exp:"] {
        assert!(
            data.iter().any(|d| d.starts_with(verb)),
            "{verb} in {data:?}"
        );
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_message_without_mention_is_ignored() {
    let h = Harness::start().await;
    h.say(GROUP, user(MARTA, "Marta", "es"), "¿Qué es un ITMO?", None);
    let ignored = h.fake.last_update();
    h.fake
        .wait_for("the ignored message to be fetched", WAIT, |calls| {
            calls
                .iter()
                .any(|c| c.method == "getupdates" && c.body["offset"].as_i64() > Some(ignored))
                .then_some(())
        })
        .await;
    let mentioned = h.say(
        GROUP,
        user(MARTA, "Marta", "es"),
        "@Consulta_bot ¿Qué es un ITMO?",
        None,
    );
    let answer = h.fake.wait_sent("sendmessage", GROUP, 0).await;
    assert_eq!(
        answer.body["reply_parameters"]["message_id"],
        json!(mentioned)
    );
    let replied = sent_message(&answer);
    let asked_again = h.say(
        GROUP,
        user(MARTA, "Marta", "es"),
        "¿Y quién lo autoriza?",
        Some(replied),
    );
    let second = h.fake.wait_sent("sendmessage", GROUP, 1).await;
    assert_eq!(
        second.body["reply_parameters"]["message_id"],
        json!(asked_again),
        "a reply to the bot is a question"
    );
    let other_bot = h.say(
        GROUP,
        user(MARTA, "Marta", "es"),
        "/ask@other_bot ¿Qué es un ITMO?",
        None,
    );
    let command = h.say(
        GROUP,
        user(MARTA, "Marta", "es"),
        "/ask ¿Qué es un ITMO?",
        None,
    );
    let third = h.fake.wait_sent("sendmessage", GROUP, 2).await;
    assert_eq!(third.body["reply_parameters"]["message_id"], json!(command));
    assert!(other_bot < command);
    assert_eq!(
        h.fake.sent("sendmessage", GROUP).len(),
        3,
        "the unmentioned message and the other bot's command got nothing"
    );
    h.stop().await;
}

/// Marta asks `question` privately and turns it into a ticket with `/expert`; returns the id of her
/// question and the ticket card posted to the experts' group.
async fn ask_and_escalate(h: &Harness, question: &str) -> (i64, fake::Call) {
    let asked = h.say(MARTA, user(MARTA, "Marta", "en"), question, None);
    h.fake.wait_sent("sendmessage", MARTA, 0).await;
    h.say(MARTA, user(MARTA, "Marta", "en"), "/expert", None);
    let told = h.fake.wait_sent("sendmessage", MARTA, 1).await;
    assert!(
        told.body["text"].as_str().unwrap().contains("ticket"),
        "{:?}",
        told.body
    );
    let card = h.fake.wait_sent("sendmessage", EXPERTS, 0).await;
    h.settled().await;
    (asked, card)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_confidence_goes_to_the_experts_and_their_answer_comes_back() {
    let h = Harness::start().await;
    let asked = h.say(
        MARTA,
        user(MARTA, "Marta", "en"),
        "What is the best recipe for chocolate cake?",
        None,
    );
    let answer = h.fake.wait_sent("sendmessage", MARTA, 0).await;
    let text = answer.body["text"].as_str().unwrap();
    assert!(
        text.contains("human expert"),
        "low confidence is said: {text}"
    );
    let escalate = buttons(&answer)
        .into_iter()
        .find(|d| d.starts_with("exp:"))
        .expect("an expert button");
    h.press(user(MARTA, "Marta", "en"), &answer, &escalate);
    let told = h.fake.wait_sent("sendmessage", MARTA, 1).await;
    assert!(told.body["text"].as_str().unwrap().contains("ticket"));

    let card = h.fake.wait_sent("sendmessage", EXPERTS, 0).await;
    let card_text = card.body["text"].as_str().unwrap();
    assert!(card_text.contains("chocolate cake"), "{card_text}");
    assert!(
        card_text.contains("in en"),
        "the language is on the card: {card_text}"
    );
    let data = buttons(&card);
    let claim = data
        .iter()
        .find(|d| d.starts_with("claim:"))
        .expect("a claim button")
        .clone();
    assert!(
        data.iter().any(|d| d.starts_with("close:")) && data.iter().any(|d| d.starts_with("faq:"))
    );

    let pressed = h.press(user(ANA, "Ana", "es"), &card, &claim);
    let ack = h.fake.wait_callback_answer(&pressed).await;
    assert_ne!(ack.body["show_alert"], json!(true), "{:?}", ack.body);
    let took = h.fake.wait_sent("sendmessage", MARTA, 2).await;
    assert!(
        took.body["text"]
            .as_str()
            .unwrap()
            .contains("took your question"),
        "{:?}",
        took.body
    );
    assert_eq!(took.body["reply_parameters"]["message_id"], json!(asked));

    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "Consulta covers Article 6 only; try a cookbook.",
        Some(sent_message(&card)),
    );
    let relayed = h.fake.wait_sent("sendmessage", MARTA, 3).await;
    let relayed_text = relayed.body["text"].as_str().unwrap();
    assert!(relayed_text.contains("try a cookbook"), "{relayed_text}");
    assert_eq!(
        relayed.body["reply_parameters"]["message_id"],
        json!(asked),
        "the answer replies to the question"
    );
    let rate = buttons(&relayed)
        .into_iter()
        .find(|d| d.starts_with("tup:"))
        .expect("👍 under the expert's answer");
    let pressed = h.press(user(MARTA, "Marta", "en"), &relayed, &rate);
    let thanked = h.fake.wait_callback_answer(&pressed).await;
    assert_eq!(
        thanked.body["text"],
        json!("Thank you!"),
        "{:?}",
        thanked.body
    );
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(ticket.status, Status::Answered);
    assert_eq!(ticket.rating, Some(consulta_desk::Rating::Up));
    assert_eq!(
        ticket.tags.topics,
        ["6.2"],
        "the ticket carries the topics of what Consulta found, for routing"
    );

    // Approve as FAQ shows the draft of what would be published; the expert replies with an edit.
    let approve = data.iter().find(|d| d.starts_with("faq:")).unwrap().clone();
    let pressed = h.press(user(ANA, "Ana", "es"), &card, &approve);
    let ack = h.fake.wait_callback_answer(&pressed).await;
    assert_ne!(ack.body["show_alert"], json!(true), "{:?}", ack.body);
    let draft = sent_to_experts(&h, "Borrador de FAQ", 0).await;
    assert!(
        draft.result["text"]
            .as_str()
            .unwrap()
            .contains("chocolate cake")
    );
    let publish = buttons(&draft)
        .into_iter()
        .find(|d| d.starts_with("pub:"))
        .expect("a Publish button under the draft");
    // "Publish as shown" publishes the text of the draft it is under.
    let pressed = h.press(user(ANA, "Ana", "es"), &draft, &publish);
    let ack = h.fake.wait_callback_answer(&pressed).await;
    assert!(
        ack.body["text"]
            .as_str()
            .is_some_and(|t| t.contains("entrada de FAQ")),
        "{:?}",
        ack.body
    );
    assert_eq!(
        h.desk.curated().unwrap()[0].question,
        "What is the best recipe for chocolate cake?"
    );
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "Q: Does Consulta answer cooking questions? (marta@home.example)\nA: No: Consulta covers Article 6 only.",
        Some(sent_message(&draft)),
    );
    // The edit has an e-mail address: shown again, to confirm or to edit out; nothing published.
    let flagged = sent_to_experts(&h, "Borrador de FAQ", 1).await;
    assert!(
        flagged.result["text"]
            .as_str()
            .unwrap()
            .contains("marta@home.example"),
        "{:?}",
        flagged.body
    );
    assert!(buttons(&flagged).iter().any(|d| d.starts_with("pubok:")));
    assert_eq!(
        h.desk.curated().unwrap()[0].question,
        "What is the best recipe for chocolate cake?",
        "the flagged edit was not published"
    );
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "Q: Does Consulta answer cooking questions?\nA: No: Consulta covers Article 6 only.",
        Some(sent_message(&flagged)),
    );
    sent_to_experts(&h, "entrada de FAQ", 0).await;
    let curated = h.desk.curated().unwrap();
    assert_eq!(curated.len(), 1);
    assert_eq!(
        curated[0].question,
        "Does Consulta answer cooking questions?"
    );
    assert_eq!(curated[0].answer, "No: Consulta covers Article 6 only.");
    h.stop().await;
}

/// The `skip`-th message to the experts' chat whose text contains `text`.
async fn sent_to_experts(h: &Harness, text: &str, skip: usize) -> fake::Call {
    let sent = h
        .fake
        .wait_for(
            &format!("{text:?} in the experts' chat"),
            Duration::from_secs(60),
            |_| {
                h.fake
                    .sent("sendmessage", EXPERTS)
                    .into_iter()
                    .filter(|c| c.result["text"].as_str().is_some_and(|t| t.contains(text)))
                    .nth(skip)
            },
        )
        .await;
    h.settled().await;
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_messages_from_one_chat_are_answered_in_order() {
    let h = Harness::start().await;
    // The first answer is slow to go out; the second question must still be answered after it.
    h.fake
        .delay_next("sendmessage", MARTA, Duration::from_millis(800));
    let first = h.say(MARTA, user(MARTA, "Marta", "en"), "What is an ITMO?", None);
    let second = h.say(
        MARTA,
        user(MARTA, "Marta", "en"),
        "What is a corresponding adjustment?",
        None,
    );
    h.fake.wait_sent("sendmessage", MARTA, 1).await;
    let replies: Vec<Value> = h
        .fake
        .sent("sendmessage", MARTA)
        .iter()
        .map(|c| c.body["reply_parameters"]["message_id"].clone())
        .collect();
    assert_eq!(replies, [json!(first), json!(second)]);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_of_the_experts_group_claims_and_answers_without_being_configured() {
    let h = Harness::start().await;
    let (asked, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    h.fake.add_member(EXPERTS, BETO);
    let claim = buttons(&card)
        .into_iter()
        .find(|d| d.starts_with("claim:"))
        .expect("a claim button");
    let beto = json!({"id": BETO, "is_bot": false, "first_name": "Beto", "username": "beto_mx", "language_code": "es"});
    let pressed = h.press(beto.clone(), &card, &claim);
    let ack = h.fake.wait_callback_answer(&pressed).await;
    assert_ne!(ack.body["show_alert"], json!(true), "{:?}", ack.body);
    let checked = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "getchatmember")
        .expect("membership was asked of Telegram");
    assert_eq!(checked.body["user_id"], json!(BETO));
    h.say(
        EXPERTS,
        beto,
        "Beto here: ask your focal point for the authorization letter.",
        Some(sent_message(&card)),
    );
    let relayed = h
        .fake
        .wait_for("the member's answer", WAIT, |calls| {
            calls
                .iter()
                .filter(|c| c.method == "sendmessage" && c.body["chat_id"] == json!(MARTA))
                .find(|c| {
                    c.body["text"]
                        .as_str()
                        .unwrap_or("")
                        .contains("authorization letter")
                })
                .cloned()
        })
        .await;
    assert_eq!(relayed.body["reply_parameters"]["message_id"], json!(asked));
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(ticket.status, Status::Answered);
    assert_eq!(ticket.assignee.as_deref(), Some("Beto (@beto_mx)"));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_expert_pressing_claim_is_refused() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let claim = buttons(&card)
        .into_iter()
        .find(|d| d.starts_with("claim:"))
        .expect("a claim button");
    let pressed = h.press(user(INTRUDER, "Ivo", "en"), &card, &claim);
    let refusal = h.fake.wait_callback_answer(&pressed).await;
    assert_eq!(refusal.body["show_alert"], json!(true));
    assert!(
        refusal.body["text"]
            .as_str()
            .unwrap()
            .contains("only the desk's experts")
    );
    h.say(
        EXPERTS,
        user(INTRUDER, "Ivo", "en"),
        "I know the answer",
        Some(sent_message(&card)),
    );
    let told = h.fake.wait_sent("sendmessage", EXPERTS, 1).await;
    assert!(
        told.body["text"]
            .as_str()
            .unwrap()
            .contains("only the desk's experts")
    );
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(ticket.status, Status::Open, "nothing changed");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experts_transfer_unclaim_and_reopen_by_replying_to_the_card() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket").id;
    let status = || h.desk.ticket(&ticket).unwrap().status;
    let command = |from: Value, text: &str| {
        h.say(EXPERTS, from, text, Some(sent_message(&card)));
    };
    // Ana's Telegram is in Spanish: what the bot tells her is too; Ivo's is in English.
    let ana = || user(ANA, "Ana", "es");
    command(user(INTRUDER, "Ivo", "en"), "/transfer expert Ana");
    sent_to_experts(&h, "only the desk's experts", 0).await;
    assert_eq!(status(), Status::Open);
    command(ana(), "/transfer Ana");
    sent_to_experts(&h, "group NOMBRE", 0).await;
    command(ana(), "/transfer expert Ana");
    let moved = sent_to_experts(&h, &format!("Ticket {ticket} transferido"), 0).await;
    assert!(
        moved.body["reply_parameters"]["message_id"].is_i64(),
        "told in the experts' chat, as a reply: {:?}",
        moved.body
    );
    assert_eq!(status(), Status::Claimed);
    command(ana(), "/unclaim");
    sent_to_experts(&h, "volvió a la cola de su grupo", 0).await;
    assert_eq!(status(), Status::Open);
    let ana_at_desk =
        consulta_desk::Identity::new(consulta_desk::Platform::Telegram, ANA.to_string());
    let close = consulta_desk::Action::Close { reason: None };
    h.desk
        .act(&ana_at_desk, &ticket, close)
        .expect("Ana closes it");
    command(ana(), "/reopen");
    sent_to_experts(&h, &format!("Ticket {ticket} reabierto"), 0).await;
    assert_eq!(status(), Status::Reopened);
    h.stop().await;
}

/// `/transfer expert NAME` in reply to a card hands the ticket to another expert through the
/// conversation, and the desk tells that expert in their own chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_transfers_a_ticket_to_another_expert_who_is_told() {
    let desk = DESK.replace(
        "[outbox]",
        "[[experts]]\nname = \"Bruno\"\nidentities = [\"telegram:8\"]\ngroups = [\"andes\"]\nnotify = \"telegram:8\"\n\n[outbox]",
    );
    let h = Harness::start_with_desk(&desk, |_| {}).await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket").id;
    assert!(
        h.fake.sent("sendmessage", BRUNO).is_empty(),
        "Bruno hears nothing before the transfer"
    );
    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "/transfer expert Bruno",
        Some(sent_message(&card)),
    );
    let told = h.fake.wait_sent("sendmessage", BRUNO, 0).await;
    let text = told.body["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("Ana handed ticket {ticket} to you")),
        "{text}"
    );
    assert!(text.contains("ITMO"), "the card comes with it: {text}");
    // Ana's Telegram is in Spanish; Bruno chose no language, so he reads the desk's.
    sent_to_experts(&h, &format!("Ticket {ticket} transferido"), 0).await;
    let moved = h.desk.ticket(&ticket).unwrap();
    assert_eq!(moved.status, Status::Claimed);
    assert_eq!(moved.assignee.as_deref(), Some("Bruno"));
    h.stop().await;
}

/// A 429's `retry_after` (7 s here, the backoff 1 s) is the wait before the card's next attempt,
/// and the card then goes out once. The desk's clock is moved instead of waited for: the wait is
/// read where the outbox keeps it, the next attempt's time, and seen as the outbox worker's sleep,
/// during which the card is not sent again; moving the clock wakes the worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_honoured_and_the_card_delivered_once() {
    let refused_at = Timestamp::from_millis(1_764_000_000_000);
    let clock = Arc::new(ManualClock::new(refused_at));
    let h = Harness::start_with_clock(DESK, Some(clock.clone()), |_| {}).await;
    h.fake.fail_next(
        "sendmessage",
        EXPERTS,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}),
    );
    h.say(MARTA, user(MARTA, "Marta", "en"), "What is an ITMO?", None);
    h.fake.wait_sent("sendmessage", MARTA, 0).await;
    h.say(MARTA, user(MARTA, "Marta", "en"), "/expert", None);
    h.fake.wait_sent("sendmessage", MARTA, 1).await;
    let experts = EXPERTS.to_string();
    let waiting = h
        .fake
        .wait_for(
            "the refused card to wait for its next attempt",
            WAIT,
            |_| {
                h.desk
                    .pending_messages()
                    .unwrap()
                    .into_iter()
                    .find(|m| m.chat.chat_id == experts && m.attempts == 1)
            },
        )
        .await;
    let due = refused_at.plus(Span::from_secs(7));
    assert_eq!(
        waiting.next_attempt_at, due,
        "the wait Telegram asked for, not the backoff"
    );
    h.fake
        .wait_for(
            "the outbox worker to sleep until the card is due",
            WAIT,
            |_| clock.wake_times().contains(&due).then_some(()),
        )
        .await;
    let to_experts = || -> Vec<_> {
        h.fake
            .calls()
            .into_iter()
            .filter(|c| c.method == "sendmessage" && c.body["chat_id"] == json!(EXPERTS))
            .collect()
    };
    assert_eq!(
        to_experts().len(),
        1,
        "the card is not sent again while Telegram's wait lasts"
    );
    clock.advance(Span::from_secs(7));
    let card = h.fake.wait_sent("sendmessage", EXPERTS, 0).await;
    assert!(card.body["text"].as_str().unwrap().contains("ITMO"));
    let to_experts = to_experts();
    assert_eq!(to_experts.len(), 2, "one refused attempt, one delivery");
    assert!(to_experts[0].failed && !to_experts[1].failed);
    h.fake
        .wait_for("the outbox to empty", WAIT, |_| {
            h.desk.pending_messages().unwrap().is_empty().then_some(())
        })
        .await;
    assert_eq!(
        h.fake.sent("sendmessage", EXPERTS).len(),
        1,
        "delivered exactly once"
    );
    h.stop().await;
}

/// A 502 on an answer is retried after the first backoff (250 ms), waited on the clock the bot
/// shares with the desk: the test sees the wait scheduled and nothing re-sent during it, then ends it.
/// The only waits are the clock's: the Telegram API relay hands the 502 to teloxide with a status it
/// does not pause 10 s on (see `bot/src/telegram/api_relay.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_on_an_answer_is_retried() {
    let failed_at = Timestamp::from_millis(1_764_000_000_000);
    let clock = Arc::new(ManualClock::new(failed_at));
    let h = Harness::start_with_clock(DESK, Some(clock.clone()), |_| {}).await;
    h.fake.fail_next(
        "sendmessage",
        MARTA,
        json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}),
    );
    h.say(MARTA, user(MARTA, "Marta", "en"), "What is an ITMO?", None);
    let retry_at = failed_at.plus(Span::from_millis(250));
    h.fake
        .wait_for("the answer's retry to wait its backoff", WAIT, |_| {
            clock.wake_times().contains(&retry_at).then_some(())
        })
        .await;
    let attempts = || {
        h.fake
            .calls()
            .into_iter()
            .filter(|c| c.method == "sendmessage")
            .count()
    };
    assert_eq!(attempts(), 1, "not sent again while the backoff lasts");
    clock.advance(Span::from_millis(250));
    h.fake.wait_sent("sendmessage", MARTA, 0).await;
    assert_eq!(attempts(), 2, "one failure, one delivery");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_in_a_question_is_escaped_everywhere() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO? <b>bold</b> & <script>x</script>").await;
    let text = card.body["text"].as_str().unwrap();
    assert!(
        text.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;"),
        "{text}"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_speak_the_users_language_and_lang_is_remembered() {
    let h = Harness::start().await;
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/start", None);
    let welcome = h.fake.wait_sent("sendmessage", MARTA, 0).await;
    assert!(
        welcome.body["text"].as_str().unwrap().starts_with("Olá"),
        "{:?}",
        welcome.body
    );
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/lang en", None);
    h.fake.wait_sent("sendmessage", MARTA, 1).await;
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/help", None);
    let help = h.fake.wait_sent("sendmessage", MARTA, 2).await;
    assert!(
        help.body["text"]
            .as_str()
            .unwrap()
            .starts_with("Type your question"),
        "{:?}",
        help.body
    );
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/status", None);
    let status = h.fake.wait_sent("sendmessage", MARTA, 3).await;
    assert!(
        status.body["text"]
            .as_str()
            .unwrap()
            .contains("no open tickets")
    );
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/frobnicate", None);
    let unknown = h.fake.wait_sent("sendmessage", MARTA, 4).await;
    assert!(unknown.body["text"].as_str().unwrap().contains("/help"));
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/forget", None);
    let confirm = h.fake.wait_sent("sendmessage", MARTA, 5).await;
    assert!(
        buttons(&confirm).contains(&format!("forget:yes:{MARTA}")),
        "the button names who may press it"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_forum_topics_talk_in_the_topic_is_a_note_and_answer_reaches_the_asker() {
    let h = Harness::start_with(|c| c.forum_topics = true).await;
    h.fake.make_forum(EXPERTS);
    let (asked, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let topic = h
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "createforumtopic")
        .expect("a topic was created");
    assert_eq!(topic.body["chat_id"], json!(EXPERTS));
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    assert_eq!(
        topic.body["name"],
        json!(format!("Ticket {}", ticket.id)),
        "named in the desk's language, English here"
    );
    let thread = topic.result["message_thread_id"].clone();
    assert_eq!(
        card.body["message_thread_id"], thread,
        "the card is posted in the topic"
    );
    assert!(
        card.body["text"].as_str().unwrap().contains("/answer"),
        "the card says how to answer: {:?}",
        card.body["text"]
    );
    let mut forum = chat(EXPERTS);
    forum["is_forum"] = json!(true);
    let in_topic = |text: &str| {
        let id = h.fake.message_id();
        h.fake.push(json!({"message": {
            "message_id": id, "date": 1_764_000_000, "chat": forum, "from": user(ANA, "Ana", "es"),
            "text": text, "message_thread_id": thread, "is_topic_message": true,
            "reply_to_message": {"message_id": thread, "date": 1_764_000_000, "chat": forum,
                "from": bot_user(), "message_thread_id": thread, "is_topic_message": true,
                "forum_topic_created": {"name": "Ticket", "icon_color": 7_322_096}},
        }}));
    };
    in_topic("Beto, do you know who authorises ITMOs in Peru?");
    in_topic("/answer Ask your focal point for the authorization letter.");
    let relayed = h
        .fake
        .wait_for("the relayed answer", WAIT, |_| {
            h.fake.sent("sendmessage", MARTA).into_iter().find(|c| {
                c.body["text"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("authorization letter")
            })
        })
        .await;
    assert_eq!(relayed.body["reply_parameters"]["message_id"], json!(asked));
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    let notes = kb::notes(&ticket);
    assert_eq!(
        notes,
        ["Beto, do you know who authorises ITMOs in Peru?"],
        "talk in the topic stays on the ticket: {:?}",
        ticket.events
    );
    assert!(
        !h.fake
            .sent("sendmessage", MARTA)
            .iter()
            .any(|c| c.body["text"].as_str().unwrap_or_default().contains("Peru")),
        "the note never reached the asker"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_questions_get_a_polite_reply_and_floods_a_polite_stop() {
    let h = Harness::start().await;
    let fake = h.fake.clone();
    for _ in 0..7 {
        h.say(MARTA, user(MARTA, "Marta", "en"), "?!", None);
    }
    h.fake.wait_sent("sendmessage", MARTA, 5).await;
    h.stop().await;
    let replies: Vec<String> = fake
        .sent("sendmessage", MARTA)
        .iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        replies.len(),
        6,
        "five answers, one warning, then silence: {replies:?}"
    );
    let warnings = replies
        .iter()
        .filter(|t| t.contains("many questions"))
        .count();
    assert_eq!(warnings, 1, "{replies:?}");
    let empty = consulta_retrieval::phrases(Lang::En).empty_question;
    assert!(
        replies
            .iter()
            .filter(|t| !t.contains("many questions"))
            .all(|t| *t == fake_escape(empty)),
        "{replies:?}"
    );
}

/// The HTML escaping a plain sentence gets (the phrases contain quotes at most).
fn fake_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_webhook_mode_updates_posted_with_the_secret_are_answered_once() {
    let h = Harness::start_with(|c| {
        c.webhook_url = Some("https://consulta.example/telegram/hook".into());
        c.webhook_listen = "127.0.0.1:0".parse().unwrap();
        c.webhook_secret = WEBHOOK_SECRET.into();
    })
    .await;
    let set = h
        .fake
        .wait_for("setWebhook", WAIT, |calls| {
            calls.iter().find(|c| c.method == "setwebhook").cloned()
        })
        .await;
    assert_eq!(
        set.body["url"],
        json!("https://consulta.example/telegram/hook")
    );
    assert_eq!(set.body["secret_token"], json!(WEBHOOK_SECRET));
    assert!(
        !h.fake.calls().iter().any(|c| c.method == "getupdates"),
        "no polling in webhook mode"
    );
    let hook = format!("http://{}/telegram/hook", h.webhook.unwrap());
    let update = json!({"update_id": 77, "message": {
        "message_id": 5, "date": 1_764_000_000, "chat": chat(MARTA),
        "from": user(MARTA, "Marta", "en"), "text": "What is an ITMO?"
    }});
    let http = reqwest::Client::new();
    let forged = http.post(&hook).json(&update).send().await.unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::UNAUTHORIZED);
    let wrong = http
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", "guess")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), reqwest::StatusCode::UNAUTHORIZED);
    let address = h.webhook.unwrap();
    for _ in 0..2 {
        assert_eq!(post(address, &update).await, reqwest::StatusCode::OK);
    }
    // Acknowledged once kept, the update is answered afterwards; Marta's next question is answered
    // after it, in order, so a repeat handled in between would have been answered by then.
    let next = json!({"update_id": 78, "message": {
        "message_id": 6, "date": 1_764_000_000, "chat": chat(MARTA),
        "from": user(MARTA, "Marta", "en"), "text": "What is a corresponding adjustment?"
    }});
    assert_eq!(post(address, &next).await, reqwest::StatusCode::OK);
    let second = h.fake.wait_sent("sendmessage", MARTA, 1).await;
    assert_eq!(second.body["reply_parameters"]["message_id"], json!(6));
    let answers = h.fake.sent("sendmessage", MARTA);
    assert_eq!(
        answers.len(),
        2,
        "a repeated delivery is not answered twice"
    );
    assert!(answers[0].body["text"].as_str().unwrap().contains("ITMO"));
    let garbage = http
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .body("{not an update")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), reqwest::StatusCode::BAD_REQUEST);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgetting_at_the_desk_leaves_no_words_of_a_question_in_the_front_ends_database() {
    const QUESTION: &str = "Who authorises ITMO transfers for Chile?";
    let h = Harness::start().await;
    ask_and_escalate(&h, QUESTION).await;
    let marta = consulta_desk::Identity::new(consulta_desk::Platform::Telegram, MARTA.to_string());
    // As the web page or `consulta forget` does: at the desk alone, not through this front-end.
    let forgotten = h.desk.forget(&marta).expect("the desk forgets");
    assert_eq!(forgotten.tickets, 1);
    let dir = h.stop().await;

    let db = kb::open_released(&dir.path().join("telegram"));
    let mut entries = 0;
    for name in db.tree_names() {
        for entry in db.open_tree(&name).expect("a tree opens").iter() {
            let (key, value) = entry.expect("an entry reads");
            let text =
                String::from_utf8_lossy(&value).into_owned() + &String::from_utf8_lossy(&key);
            assert!(
                !text.contains("authorises"),
                "the question's words remain: {text}"
            );
            assert!(!text.contains("Marta"), "the asker's name remains: {text}");
            entries += 1;
        }
    }
    let asked = db.open_tree("asked").expect("the tree opens");
    assert_eq!(
        asked.len(),
        1,
        "the question's ids are kept, for its buttons"
    );
    assert!(entries > 1, "the front-end's memory was read");
}

/// Particulars written the way phones and keyboards write them (an en dash, non-breaking spaces, a
/// Chilean RUT, full-width digits) are flagged in the draft "Approve as FAQ" shows, in the language of
/// Ana's Telegram client (Spanish: she chose none with /lang), with the reminder that names are not; the draft of flagged text has no plain Publish button, a press of one is
/// held and shows the flags again, and only the text edited clean is published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flagged_particulars_hold_the_faq_until_the_expert_edits_them_out() {
    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(
        &h,
        "What is the transition deadline? I am Marta, RUT 12.345.678-5",
    )
    .await;
    let ticket = h.desk.tickets().expect("the desk reads").remove(0).id;
    let ana: consulta_desk::Identity = format!("telegram:{ANA}").parse().unwrap();
    h.desk
        .act(
            &ana,
            &ticket,
            consulta_desk::Action::Answer {
                text: "31 December 2025; call me on +56\u{a0}9\u{a0}1234–5678 or ＋５６ ９ ８７６５ ４３２１."
                    .into(),
            },
        )
        .expect("Ana answers");
    h.settled().await;

    let approve = buttons(&card)
        .into_iter()
        .find(|d| d.starts_with("faq:"))
        .expect("an Approve button on the card");
    h.press(user(ANA, "Ana", "es"), &card, &approve);
    let draft = sent_to_experts(&h, "Borrador de FAQ", 0).await;
    let text = draft.result["text"].as_str().unwrap();
    for flagged in [
        "número de documento \"12.345.678-5\"",
        // Flags show each number as written, its pieces joined by plain spaces.
        "teléfono \"+56 9 1234–5678\"",
        "teléfono \"＋５６ ９ ８７６５ ４３２１\"",
        "Los nombres no se señalan",
    ] {
        assert!(text.contains(flagged), "{flagged:?} in {text}");
    }
    assert!(
        !buttons(&draft).iter().any(|d| d.starts_with("pub:")),
        "flagged text has no one-press Publish: {:?}",
        buttons(&draft)
    );
    // A plain Publish pressed under it anyway (an old client, a forged press) is held.
    let publish = format!("pub:{ticket}");
    let pressed = h.press(user(ANA, "Ana", "es"), &draft, &publish);
    h.fake.wait_callback_answer(&pressed).await;
    let held = sent_to_experts(&h, "Borrador de FAQ", 1).await;
    assert!(
        held.result["text"]
            .as_str()
            .unwrap()
            .contains("12.345.678-5"),
        "{:?}",
        held.body
    );
    assert!(h.desk.curated().unwrap().is_empty(), "nothing published");

    h.say(
        EXPERTS,
        user(ANA, "Ana", "es"),
        "Q: What is the transition deadline for CDM activities?\nA: 31 December 2025.",
        Some(sent_message(&held)),
    );
    sent_to_experts(&h, "entrada de FAQ", 0).await;
    let curated = h.desk.curated().unwrap();
    assert_eq!(curated.len(), 1);
    assert_eq!(
        curated[0].question,
        "What is the transition deadline for CDM activities?"
    );
    assert_eq!(curated[0].answer, "31 December 2025.");
    h.stop().await;
}

/// A desk group configured as Spanish gets its cards, their buttons and how to answer in Spanish,
/// whatever the asker's language; Ana, whose Telegram is in Portuguese, is told of her claim in
/// Portuguese; with no language configured the card is English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_desk_group_gets_spanish_cards_and_a_portuguese_expert_portuguese_replies() {
    let desk = DESK.replace(
        "[outbox]",
        "[chat_languages]\n\"telegram:-100200\" = \"es\"\n\n[outbox]",
    );
    let h = Harness::start_with_desk(&desk, |c| c.forum_topics = true).await;
    h.fake.make_forum(EXPERTS);
    let (_, card) = ask_and_escalate(&h, "What is the best recipe for chocolate cake?").await;
    let text = card.body["text"].as_str().unwrap();
    for spanish in [
        "abierto: espera a un experto",
        "De Marta",
        "Para responder a quien consulta",
    ] {
        assert!(text.contains(spanish), "{spanish}: {text}");
    }
    assert_eq!(
        button_labels(&card),
        ["Tomar", "Cerrar", "Aprobar como FAQ"]
    );
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket");
    let topic = h
        .fake
        .sent("createforumtopic", EXPERTS)
        .pop()
        .expect("a topic was opened");
    assert_eq!(topic.body["name"], json!(format!("Caso {}", ticket.id)));
    // A button that no longer applies is said to be stale in the language of whoever pressed it
    // (their client's, as neither chose one), whatever the group's: "Publish" under a card that
    // is no FAQ draft, and a button of an old keyboard.
    for (who, data, stale) in [
        (
            user(ANA, "Ana", "pt"),
            format!("pub:{}", ticket.id),
            "não vale mais",
        ),
        (
            user(BETO, "Beto", "es"),
            "drop:tables".to_string(),
            "ya no sirve",
        ),
        (
            user(ANA, "Ana", "en"),
            "drop:tables".to_string(),
            "no longer in use",
        ),
    ] {
        let pressed = h.press(who, &card, &data);
        let told = h.fake.wait_callback_answer(&pressed).await;
        let text = told.body["text"].as_str().unwrap_or_default();
        assert!(text.contains(stale), "{stale}: {:?}", told.body);
        assert_eq!(told.body["show_alert"], json!(true), "not to be missed");
    }
    let claim = buttons(&card)
        .into_iter()
        .find(|d| d.starts_with("claim:"))
        .expect("a claim button");
    let pressed = h.press(user(ANA, "Ana", "pt"), &card, &claim);
    let told = h.fake.wait_callback_answer(&pressed).await;
    assert!(
        told.body["text"]
            .as_str()
            .unwrap()
            .starts_with("Você assumiu o ticket"),
        "{:?}",
        told.body
    );
    h.stop().await;

    let h = Harness::start().await;
    let (_, card) = ask_and_escalate(&h, "What is the best recipe for chocolate cake?").await;
    let text = card.body["text"].as_str().unwrap();
    assert!(text.contains("open: waiting for an expert"), "{text}");
    assert_eq!(button_labels(&card), ["Claim", "Close", "Approve as FAQ"]);
    h.stop().await;
}

/// What the desk refuses an expert is said in the expert's language: their Telegram's (Portuguese
/// here) when nobody holds the ticket and when someone else does; with a client language Consulta
/// does not speak, the desk group's (English here, though the desk's is Spanish).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_refusals_are_in_the_experts_language_else_the_desk_groups() {
    let desk = format!(
        "language = \"es\"\n{}",
        DESK.replace(
            "[outbox]",
            "[[experts]]\nname = \"Bruno\"\nidentities = [\"telegram:8\"]\ngroups = [\"andes\"]\n\n[chat_languages]\n\"telegram:-100200\" = \"en\"\n\n[outbox]",
        )
    );
    let h = Harness::start_with_desk(&desk, |_| {}).await;
    let (_, card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let ticket = h.desk.tickets().unwrap().pop().expect("one ticket").id;
    let bruno = |language: &str| user(BRUNO, "Bruno", language);
    h.say(EXPERTS, bruno("pt"), "/unclaim", Some(sent_message(&card)));
    sent_to_experts(
        &h,
        &format!("ticket {ticket} recusado: ninguém o assumiu (status: open)"),
        0,
    )
    .await;
    let claim = buttons(&card)
        .into_iter()
        .find(|d| d.starts_with("claim:"))
        .expect("a claim button");
    let pressed = h.press(user(ANA, "Ana", "es"), &card, &claim);
    h.fake.wait_callback_answer(&pressed).await;
    for (language, refused) in [
        ("pt", format!("ticket {ticket} recusado: Ana o assumiu")),
        (
            "de",
            format!("ticket {ticket} refused: it is claimed by Ana"),
        ),
    ] {
        let pressed = h.press(bruno(language), &card, &claim);
        let told = h.fake.wait_callback_answer(&pressed).await;
        let text = told.body["text"].as_str().unwrap_or_default();
        assert!(text.starts_with(&refused), "{refused}: {:?}", told.body);
        assert_eq!(told.body["show_alert"], json!(true), "not to be missed");
    }
    h.stop().await;
}

/// Telegram shows each client the command menu of its language: one menu per language Consulta
/// speaks, and the default one, in the service's language, for every other client. A menu Telegram
/// keeps failing (5xx) is given up and the others are set all the same, a 429 is waited out, and the
/// bot answers meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_language_gets_its_command_menu_and_one_telegram_refuses_stops_nothing() {
    let h = Harness::start_prepared(
        DESK,
        None,
        |fake| {
            for _ in 0..5 {
                let failed = json!({"ok": false, "error_code": 500, "description": "Internal Server Error"});
                fake.fail_next("setmycommands", 0, failed);
            }
            let slow_down = json!({"ok": false, "error_code": 429,
                "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}});
            fake.fail_next("setmycommands", 0, slow_down);
        },
        |_| {},
    )
    .await;
    h.say(MARTA, user(MARTA, "Marta", "pt"), "/help", None);
    let help = h.fake.wait_sent("sendmessage", MARTA, 0).await;
    assert!(
        help.body["text"]
            .as_str()
            .unwrap()
            .contains("Escreva sua pergunta"),
        "the bot answers while the menus are set: {:?}",
        help.body
    );
    let menus = command_menus(&h).await;
    let set: Vec<_> = menus.iter().filter(|(_, failed, _)| !failed).collect();
    let languages: Vec<_> = set.iter().map(|(code, _, _)| code.as_deref()).collect();
    assert_eq!(
        languages,
        [Some("es"), Some("pt"), Some("en")],
        "the default menu given up after its retries; Spanish set after Telegram's wait"
    );
    let tries = |code: Option<&str>| {
        menus
            .iter()
            .filter(|(c, _, _)| c.as_deref() == code)
            .count()
    };
    assert_eq!(tries(None), 5, "a failing menu is retried, then given up");
    assert_eq!(
        tries(Some("es")),
        2,
        "a 429 is waited out, then the menu set"
    );
    for ((_, _, descriptions), first) in set.iter().zip([
        "Preguntar sobre el Artículo 6 del Acuerdo de París",
        "Perguntar sobre o Artigo 6 do Acordo de Paris",
        "Ask about Article 6 of the Paris Agreement",
    ]) {
        assert_eq!(descriptions.len(), 6, "{descriptions:?}");
        assert_eq!(descriptions[0], first, "{descriptions:?}");
    }
    h.stop().await;

    let h = Harness::start_with(|c| c.languages.askers = Lang::Pt).await;
    let menus = command_menus(&h).await;
    let (code, failed, descriptions) = &menus[0];
    assert_eq!(
        (code, failed),
        (&None, &false),
        "the default menu comes first"
    );
    assert_eq!(
        descriptions[0], "Perguntar sobre o Artigo 6 do Acordo de Paris",
        "in the service's language"
    );
    h.stop().await;
}

/// Every setMyCommands call, once the last menu (English) is set: its language code, whether it
/// failed, and the descriptions of its commands.
async fn command_menus(h: &Harness) -> Vec<(Option<String>, bool, Vec<String>)> {
    h.fake
        .wait_for("every command menu to be tried", WAIT, |calls| {
            let menus: Vec<_> = calls
                .iter()
                .filter(|c| c.method == "setmycommands")
                .collect();
            let last = menus.last()?;
            (last.body["language_code"] == json!("en") && !last.failed).then_some(())
        })
        .await;
    h.fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "setmycommands")
        .map(|c| {
            let descriptions = c.body["commands"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|command| command["description"].as_str().unwrap().to_string())
                .collect();
            let code = c.body["language_code"].as_str().map(str::to_string);
            (code, c.failed, descriptions)
        })
        .collect()
}
