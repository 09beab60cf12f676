//! `consulta telegram` run alone holds the desk, so it must also remind the experts and apply the
//! retention rule: the bot runs here with exactly the duties that command starts, and the desk's
//! clock is moved instead of waited for.

use std::sync::Arc;

use consulta_desk::{Action, ManualClock, Span, Timestamp};

use super::{ANA, DESK, EXPERTS, Harness, WAIT, ask_and_escalate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alone_the_telegram_bot_reminds_and_applies_retention() {
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_764_000_000_000)));
    let desk = format!("reminder_after = \"1h\"\nretention = \"30d\"\n{DESK}");
    let h = Harness::start_with_clock(&desk, Some(clock.clone()), |_| {}).await;
    ask_and_escalate(&h, "What is an ITMO?").await;
    let ticket = h.desk.tickets().expect("the desk reads").remove(0).id;

    clock.advance(Span::from_hours(2));
    let reminder = h.fake.wait_sent("sendmessage", EXPERTS, 1).await;
    let text = reminder.body["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Reminder") && text.contains(ticket.as_str()),
        "the experts are reminded without anyone calling tick: {text}"
    );

    let ana = format!("telegram:{ANA}").parse().expect("an identity");
    h.desk
        .act(&ana, &ticket, Action::Close { reason: None })
        .expect("Ana closes the ticket");
    clock.advance(Span::from_days(31));
    h.fake
        .wait_for("the closed ticket purged by retention", WAIT, |_| {
            h.desk.ticket(&ticket).is_err().then_some(())
        })
        .await;
    h.stop().await;
}
