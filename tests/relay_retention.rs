//! Retention reaches a bot in another process: `consulta serve` holds the desk, a real `consulta
//! telegram --service-url` process on the fake Bot API delivers its Telegram messages through the
//! relay, and when the service's retention rule deletes a closed ticket, the relay hands the bot
//! process the sweep (a `forget` job) and the bot process drops its rows about that ticket while a
//! ticket still open keeps its own. The desk keeps data for `retention = "20s"` here, so the sweep
//! comes at the service's next tick on its own clock (at most a minute) instead of a year later.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use common::{Sandbox, Server};

// The Telegram bot's own fake and helpers, shared with the bot's tests; this test uses part of them.
#[allow(dead_code)]
#[path = "../bot/tests/telegram/fake.rs"]
mod fake;
#[allow(dead_code)]
#[path = "../bot/tests/support/kb.rs"]
mod kb;

/// The experts' group chat on Telegram.
const EXPERTS: i64 = -100200;
/// Marta, whose ticket is closed and swept.
const MARTA: i64 = 501;
/// Ivo, whose ticket stays open.
const IVO: i64 = 502;
const FRONTEND_TOKEN: &str = "relay-token-for-tests";
/// Ana's console token, stored below as its SHA-256.
const EXPERT_TOKEN: &str = "expert-token-for-tests";
/// Long enough for the service's next tick (its duties tick at least once a minute) and the sweep.
const WAIT: Duration = Duration::from_secs(180);

const CONFIG: &str = r#"
[service]
experts = [
  { identity = "web:ana", token_sha256 = "a064b4f2210737e4a4fd25169b0fc68061da33b139e66587e913ecbee25b92f2" },
]
frontend_token = "relay-token-for-tests"
requests_per_minute_per_address = 0
requests_per_minute_per_session = 0

[desk]
# Long enough for a question to be escalated before it is anonymised, short enough for a test.
retention = "20s"
groups = [{ name = "andes", chats = ["telegram:-100200"] }]
experts = [{ name = "Ana", identities = ["web:ana", "telegram:7"], groups = ["andes"] }]

[desk.outbox]
backoff_initial = "1s"
backoff_max = "2s"
"#;

/// The trees in which the Telegram front-end keeps rows about tickets here, and the index of them
/// (the experts' group is not a forum, so no topic is opened).
const TICKET_TREES: [&str; 4] = ["cards", "asker_messages", "origins", "ticket_rows"];

/// `consulta telegram --service-url`: the bot process of the service, on the fake Bot API, with its
/// log lines collected.
struct BotProcess {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl BotProcess {
    fn start(sandbox: &Sandbox, server: &Server, fake: &fake::Fake) -> BotProcess {
        let mut child = sandbox
            .consulta()
            .args(["telegram", "--service-url", &server.base])
            .env("CONSULTA_TELEGRAM__TOKEN", "123456:TEST-TOKEN")
            .env("CONSULTA_TELEGRAM__API_URL", fake.url())
            .env("CONSULTA_TELEGRAM__POLL_TIMEOUT", "1s")
            .env("CONSULTA_SERVICE__FRONTEND_TOKEN", FRONTEND_TOKEN)
            .env("CONSULTA_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("the bot process starts");
        let stderr = child.stderr.take().expect("its stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        BotProcess { child, log }
    }

    fn logged(&self, needle: &str) -> Option<String> {
        let log = self.log.lock().unwrap();
        log.iter().find(|line| line.contains(needle)).cloned()
    }

    /// Stops it as an operator does (SIGTERM) and waits for it to exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        let status = self.child.wait().expect("the bot process exits");
        assert!(status.success(), "the bot process stopped with {status}");
    }
}

/// `user` asks a question in their private chat with the bot and asks for an expert; returns the
/// ticket's card as the bot process sent it to the experts' chat (the `n`-th there).
async fn ask_and_escalate(fake: &fake::Fake, user: i64, question: &str, n: usize) -> fake::Call {
    let from = fake::user(user, "Asker", "en");
    for (i, text) in [question, "/expert"].into_iter().enumerate() {
        fake.push(json!({"message": {
            "message_id": fake.message_id(), "date": 1_764_000_000,
            "chat": fake::chat(user), "from": from.clone(), "text": text
        }}));
        fake.wait_sent("sendmessage", user, i).await;
    }
    fake.wait_sent("sendmessage", EXPERTS, n).await
}

/// The id of the ticket Telegram user `asker` opened, as Ana's console lists it.
async fn ticket_of(server: &Server, asker: i64) -> String {
    let list: Value = reqwest::Client::new()
        .get(server.url("/v1/tickets"))
        .bearer_auth(EXPERT_TOKEN)
        .header("X-Consulta-Identity", "web:ana")
        .send()
        .await
        .expect("the service answers")
        .json()
        .await
        .expect("a ticket list");
    list["tickets"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|ticket| {
            ticket["asker"]["platform"] == "telegram"
                && ticket["asker"]["user_id"].as_str() == Some(asker.to_string().as_str())
        })
        .and_then(|ticket| ticket["id"].as_str())
        .unwrap_or_else(|| panic!("no ticket of {asker} in {list}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_process_drops_its_rows_about_a_ticket_the_services_retention_swept() {
    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(CONFIG);
    let fake = fake::Fake::start().await;
    let bot = BotProcess::start(&sandbox, &server, &fake);
    ask_and_escalate(&fake, MARTA, "What is a corresponding adjustment?", 0).await;
    ask_and_escalate(&fake, IVO, "What is a corresponding adjustment?", 1).await;
    let swept = ticket_of(&server, MARTA).await;
    let kept = ticket_of(&server, IVO).await;

    let closed = reqwest::Client::new()
        .post(server.url(&format!("/v1/tickets/{swept}/close")))
        .bearer_auth(EXPERT_TOKEN)
        .header("X-Consulta-Identity", "web:ana")
        .json(&json!({}))
        .send()
        .await
        .expect("the service answers");
    assert!(closed.status().is_success(), "{:?}", closed.text().await);
    // The closing notice reaches Marta through the bot process, which keeps it as a row about the
    // ticket (her reply to it would go to the ticket).
    fake.wait_sent("sendmessage", MARTA, 2).await;

    let dropped = kb::eventually(
        "the bot process to drop its rows about the swept ticket",
        WAIT,
        || bot.logged(&swept),
        || bot.log.lock().unwrap().join("\n"),
    )
    .await;
    assert!(dropped.contains("retention"), "{dropped}");
    assert!(
        !dropped.contains(&kept),
        "the open ticket is not swept: {dropped}"
    );
    bot.stop();

    let rows = kb::rows(&sandbox.data.join("telegram"), &TICKET_TREES);
    kb::assert_none_names(&rows, &swept);
    let kept_in = kb::trees_naming(&rows, &kept);
    for tree in ["cards", "ticket_rows"] {
        assert!(
            kept_in.contains(&tree),
            "the open ticket keeps its row in {tree}: {kept_in:?}"
        );
    }
}
