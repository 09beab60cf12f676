//! `consulta discord` run alone holds the desk, so it must also remind the experts and apply the
//! retention rule: the bot runs here with exactly the duties that command starts, and the desk's
//! clock is moved instead of waited for. Once the rule deletes a closed ticket, no row of the Discord
//! front-end's database names it, while a ticket still open keeps its rows.

use std::sync::Arc;

use consulta_desk::{Action, Identity, ManualClock, Platform, Span, Timestamp};
use serde_json::json;

use super::{
    ALLOWED, ANA, DESK, EXPERTS, Harness, INTRUDER, MARTA, button, kb, posted, wait_posted,
};

/// The trees in which the Discord front-end keeps rows about tickets, and the index of them by
/// ticket.
const TICKET_TREES: [&str; 5] = [
    "threads",
    "ticket_threads",
    "asker_messages",
    "origins",
    "ticket_rows",
];

/// `from` asks `question` with `/ask` and escalates it with the answer's button; returns the thread
/// opened on its card, the `n`-th card in the experts' channel.
async fn ask_and_escalate(h: &Harness, from: u64, question: &str, n: usize) -> u64 {
    let asked = h.command(
        ALLOWED,
        from,
        &[],
        "ask",
        json!([{"name": "question", "type": 3, "value": question}]),
    );
    let answer = h.outcome(asked).await;
    let pressed = h.press(from, &[], &answer.result, &button(&answer.body, "exp:"));
    h.callback(pressed).await;
    wait_posted(h, EXPERTS, n).await;
    let thread = h
        .fake
        .wait_sent("POST", &format!("/channels/{EXPERTS}/messages/"), n)
        .await;
    h.settled().await;
    thread.result["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("the thread's id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alone_the_discord_bot_reminds_and_its_retention_sweep_drops_the_swept_tickets_rows() {
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_764_000_000_000)));
    let desk = format!("reminder_after = \"1h\"\nretention = \"30d\"\n{DESK}");
    let h = Harness::start_with_clock(clock.clone(), &desk).await;
    let swept_thread = ask_and_escalate(&h, MARTA, "What is an ITMO?", 0).await;
    ask_and_escalate(&h, INTRUDER, "What is a corresponding adjustment?", 1).await;
    let ticket_of = |user: u64| {
        let asker = Identity::new(Platform::Discord, user.to_string());
        h.desk
            .tickets_of(&asker)
            .expect("the desk reads")
            .pop()
            .expect("a ticket")
            .id
    };
    let (swept, kept) = (ticket_of(MARTA), ticket_of(INTRUDER));

    clock.advance(Span::from_hours(2));
    let reminder = h
        .fake
        .wait_for("the reminder in the ticket's thread", |_| {
            posted(&h, swept_thread)
                .into_iter()
                .find(|call| call.body.to_string().contains("Reminder"))
        })
        .await;
    assert!(
        reminder.body.to_string().contains(swept.as_str()),
        "the experts are reminded of the ticket without anyone calling tick: {}",
        reminder.body
    );

    let ana = Identity::new(Platform::Discord, ANA.to_string());
    h.desk
        .act(&ana, &swept, Action::Close { reason: None })
        .expect("Ana closes Marta's ticket");
    // The closing notice is a message to the asker, kept as a row about the ticket.
    h.settled().await;
    clock.advance(Span::from_days(31));
    h.fake
        .wait_for("the retention rule to delete the closed ticket", |_| {
            h.desk.ticket(&swept).is_err().then_some(())
        })
        .await;
    assert!(h.desk.ticket(&kept).is_ok(), "an open ticket is kept");
    // The duties hand the sweep to the front-end within the same tick, before they stop.
    let dir = h.stop().await;

    let rows = kb::rows(&dir.path().join("discord"), &TICKET_TREES);
    kb::assert_none_names(&rows, swept.as_str());
    let kept_in = kb::trees_naming(&rows, kept.as_str());
    for tree in ["threads", "ticket_threads", "origins", "ticket_rows"] {
        assert!(
            kept_in.contains(&tree),
            "the open ticket keeps its row in {tree}: {kept_in:?}"
        );
    }
}
