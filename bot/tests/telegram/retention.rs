//! The retention rule sweeps the front-end too: once the desk deletes a ticket closed longer ago
//! than `retention`, no row of the Telegram front-end's database names it (its card, the
//! messages to its asker, where it was asked), while a ticket still open keeps its rows.

use std::sync::Arc;

use consulta_desk::{Action, Identity, ManualClock, Platform, Span, Timestamp};

use super::fake::user;
use super::{ANA, DESK, EXPERTS, Harness, INTRUDER, MARTA, WAIT, ask_and_escalate, kb};

/// The trees in which the front-end keeps rows about tickets, and the index of them by ticket.
const TICKET_TREES: [&str; 5] = [
    "cards",
    "topics",
    "asker_messages",
    "origins",
    "ticket_rows",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_sweep_drops_the_front_ends_rows_of_swept_tickets_only() {
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_764_000_000_000)));
    let desk = format!("retention_days = 1\n{DESK}");
    let h = Harness::start_with_clock(&desk, Some(clock.clone()), |_| {}).await;
    let (_, swept_card) = ask_and_escalate(&h, "What is an ITMO?").await;
    let ivo = || user(INTRUDER, "Ivo", "en");
    h.say(INTRUDER, ivo(), "What is a corresponding adjustment?", None);
    h.fake.wait_sent("sendmessage", INTRUDER, 0).await;
    h.say(INTRUDER, ivo(), "/expert", None);
    let kept_card = h.fake.wait_sent("sendmessage", EXPERTS, 1).await;
    let ticket_of = |user: i64| {
        let asker = Identity::new(Platform::Telegram, user.to_string());
        h.desk
            .tickets_of(&asker)
            .unwrap()
            .pop()
            .expect("a ticket")
            .id
    };
    let (swept, kept) = (ticket_of(MARTA), ticket_of(INTRUDER));
    let ana = Identity::new(Platform::Telegram, ANA.to_string());
    h.desk
        .act(&ana, &swept, Action::Close { reason: None })
        .expect("Ana closes Marta's ticket");
    // The closing notice is a message to the asker, kept as a row about the ticket.
    h.fake.wait_sent("sendmessage", MARTA, 2).await;
    h.settled().await;

    clock.advance(Span::from_days(2));
    h.fake
        .wait_for(
            "the retention rule to delete the closed ticket",
            WAIT,
            |_| h.desk.ticket(&swept).is_err().then_some(()),
        )
        .await;
    assert!(h.desk.ticket(&kept).is_ok(), "an open ticket is kept");
    // The duties hand the sweep to the front-end within the same tick, before they stop.
    let dir = h.stop().await;

    let rows = kb::rows(&dir.path().join("telegram"), &TICKET_TREES);
    kb::assert_none_names(&rows, swept.as_str());
    let naming_kept = kb::trees_naming(&rows, kept.as_str()).len();
    let db = kb::open_released(&dir.path().join("telegram"));
    let cards = db.open_tree("cards").expect("the tree opens");
    let card_of = |call: &super::fake::Call| {
        let id = call.result["message_id"]
            .as_i64()
            .expect("a sent message's id");
        cards
            .get(format!("{EXPERTS}:{id}"))
            .expect("the tree reads")
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    };
    assert_eq!(card_of(&swept_card), None);
    assert_eq!(card_of(&kept_card).as_deref(), Some(kept.as_str()));
    let origins = db.open_tree("origins").expect("the tree opens");
    assert!(origins.contains_key(kept.as_str()).unwrap());
    assert!(
        naming_kept >= 3,
        "card, origin and their index entries stay"
    );
}
