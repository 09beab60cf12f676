//! A webhook update is acknowledged as soon as it is kept, before it is handled: Telegram does not
//! wait on the answer, and a crash after the acknowledgement loses nothing — after the restart the
//! update is handled, once, and a repeated delivery of it is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use consulta_bot::assistant::LocalAssistant;
use consulta_bot::telegram::{TelegramBot, TelegramConfig};
use consulta_desk::{Desk, DeskConfig, Span, SystemClock};
use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};

use super::fake::{Fake, chat, user};
use super::{DESK, MARTA, WAIT, WEBHOOK_SECRET, kb, post};

/// The webhook URL registered with the fake; the bot serves its path.
const HOOK_URL: &str = "https://consulta.example/telegram/hook";

/// The Telegram settings of a bot in webhook mode against `fake`.
fn webhook_config(fake: &Fake) -> TelegramConfig {
    TelegramConfig {
        token: "123456:TEST-TOKEN".to_string(),
        api_url: Some(fake.url()),
        poll_timeout: Span::from_secs(1),
        webhook_url: Some(HOOK_URL.into()),
        webhook_listen: "127.0.0.1:0".parse().unwrap(),
        webhook_secret: WEBHOOK_SECRET.into(),
        ..TelegramConfig::default()
    }
}

/// Connects the bot over the data in `dir` (its index in `index`), ready to run.
async fn connect(fake: &Fake, dir: &Path, index: &str) -> (TelegramBot, Desk) {
    let engine = kb::engine(&dir.join(index));
    let config: DeskConfig = toml::from_str(DESK).expect("the desk config parses");
    let desk = Desk::open(&dir.join("desk"), config).expect("the desk opens");
    let assistant = Arc::new(LocalAssistant::new(engine, desk.clone()));
    let bot = TelegramBot::connect(
        &webhook_config(fake),
        assistant,
        &dir.join("telegram"),
        Arc::new(SystemClock),
    )
    .await
    .expect("the bot connects to the fake");
    (bot, desk)
}

fn question(update_id: i64, message_id: i64, text: &str) -> Value {
    json!({"update_id": update_id, "message": {
        "message_id": message_id, "date": 1_764_000_000, "chat": chat(MARTA),
        "from": user(MARTA, "Marta", "en"), "text": text
    }})
}

/// Runs a bot over `dir` on a runtime of its own, in a thread, until told to crash: then the runtime
/// is dropped with everything on it, mid-request, as a killed process would leave it.
fn run_until_crash(
    fake: Arc<Fake>,
    dir: PathBuf,
) -> (
    oneshot::Receiver<std::net::SocketAddr>,
    oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (ready, address) = oneshot::channel();
    let (crash, crashed) = oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let (bot, _desk) = connect(&fake, &dir, "index-first").await;
            let _ = ready.send(bot.webhook_address().expect("webhook mode"));
            tokio::spawn(async move { bot.run(std::future::pending()).await });
            let _ = crashed.await;
        });
        runtime.shutdown_timeout(Duration::from_secs(10));
    });
    (address, crash, thread)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_acknowledged_before_a_crash_is_handled_once_after_the_restart() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    // Telegram hangs on the answer: the update is acknowledged but its handling is not finished.
    let hold = fake.hold_next("sendmessage", MARTA);
    let (address, crash, first_run) = run_until_crash(fake.clone(), dir.path().to_path_buf());
    let address = address.await.expect("the first run starts");
    let update = question(77, 5, "What is an ITMO?");
    assert_eq!(
        post(address, &update).await,
        reqwest::StatusCode::OK,
        "acknowledged"
    );
    fake.wait_for("the answer to reach Telegram", WAIT, |_| {
        hold.arrived().then_some(())
    })
    .await;
    assert!(
        fake.sent("sendmessage", MARTA).is_empty(),
        "the answer is still in flight when the process dies"
    );
    crash.send(()).expect("the first run is running");
    first_run.join().expect("the first run ends");

    let (bot, _desk) = connect(&fake, dir.path(), "index-second").await;
    let address = bot.webhook_address().expect("webhook mode");
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(async move {
        let mut stopped = stopped;
        bot.run(async move {
            let _ = stopped.wait_for(|s| *s).await;
        })
        .await
    });
    let answer = fake.wait_sent("sendmessage", MARTA, 0).await;
    assert_eq!(
        answer.body["reply_parameters"]["message_id"],
        json!(5),
        "{answer:?}"
    );
    assert!(
        answer.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("ITMO"),
        "{answer:?}"
    );
    // Telegram repeats the update (it never saw the first acknowledgement, say), then Marta asks again.
    assert_eq!(post(address, &update).await, reqwest::StatusCode::OK);
    let next = question(78, 6, "What is a corresponding adjustment?");
    assert_eq!(post(address, &next).await, reqwest::StatusCode::OK);
    // Marta's updates are handled in order: once the second question is answered, a repeat handled
    // before it would have been answered too.
    let second = fake.wait_sent("sendmessage", MARTA, 1).await;
    assert_eq!(
        second.body["reply_parameters"]["message_id"],
        json!(6),
        "the next answer is to the second question: {second:?}"
    );
    let answers = fake.sent("sendmessage", MARTA);
    assert_eq!(
        answers.len(),
        2,
        "the first question answered once: {answers:?}"
    );
    stop.send(true).expect("the bot is running");
    tokio::time::timeout(WAIT, running)
        .await
        .expect("the bot shuts down")
        .expect("the bot did not panic");
}
