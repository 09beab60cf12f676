//! The durable outbox and its worker. A state change and the notifications it causes commit in one
//! atomic write; the worker then delivers each message exactly once by its idempotency key, however
//! often it runs and across restarts, retries transient failures with exponential backoff on the desk
//! clock, keeps per-chat order, and sets aside what cannot be delivered as dead letters.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::*;
use consulta_desk::{
    Action, BoxFuture, Delivery, DeliveryError, DeliveryPass, Desk, DeskError, Forgotten, FrontEnd,
    ManualClock, MessageKind, OutboxWorker, Platform, RecordingFrontEnd, SledStorage, Span, Status,
    Storage, Table, Write,
};

fn puts(commit: &[Write], wanted: Table) -> usize {
    commit
        .iter()
        .filter(|w| matches!(w, Write::Put { table, .. } if *table == wanted))
        .count()
}

#[test]
fn a_state_change_and_its_notifications_are_one_commit() {
    let (_dir, spy, desk) = spied_desk();
    let ticket = open(&desk, chile_question());
    let commits = spy.commits();
    assert_eq!(commits.len(), 1, "opening a ticket is a single commit");
    assert_eq!(puts(&commits[0], Table::Tickets), 1);
    assert_eq!(puts(&commits[0], Table::Outbox), 1, "the card");

    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let commits = spy.commits();
    assert_eq!(commits.len(), 2, "claiming is a single commit");
    assert_eq!(puts(&commits[1], Table::Tickets), 1);
    assert_eq!(
        puts(&commits[1], Table::Outbox),
        2,
        "the card edit and the note to the asker"
    );
}

#[test]
fn a_failed_commit_keeps_neither_the_change_nor_its_notifications() {
    let (_dir, spy, desk) = spied_desk();
    let ticket = open(&desk, chile_question());
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let before = desk.ticket(&ticket.id).unwrap();
    let pending = desk.pending_messages().unwrap();

    spy.fail_next.store(true, Ordering::SeqCst);
    let err = desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap_err();
    assert!(matches!(err, DeskError::Storage(_)), "{err:?}");
    assert_eq!(desk.ticket(&ticket.id).unwrap(), before);
    assert_eq!(desk.pending_messages().unwrap(), pending);

    spy.fail_next.store(true, Ordering::SeqCst);
    assert!(desk.open_ticket(chile_question()).is_err());
    assert_eq!(desk.tickets().unwrap().len(), 1);
    assert_eq!(desk.pending_messages().unwrap(), pending);

    let answered = desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    assert_eq!(answered.status, Status::Answered);
    let kinds: Vec<MessageKind> = desk
        .pending_messages()
        .unwrap()
        .iter()
        .map(|m| m.message.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            MessageKind::TicketCard,
            MessageKind::ExpertTookQuestion,
            MessageKind::TicketCard,
            MessageKind::ExpertAnswer,
        ],
        "retried, the answer commits with its card edit (replacing the claim's) and its message"
    );
}

#[test]
fn each_message_is_delivered_once_however_often_the_worker_runs() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let queued = f.desk.pending_messages().unwrap();
    assert_eq!(queued.len(), 3);

    let first = deliver(&worker);
    assert_eq!(
        first,
        DeliveryPass {
            delivered: 3,
            ..DeliveryPass::default()
        }
    );
    for _ in 0..5 {
        assert_eq!(deliver(&worker), DeliveryPass::default());
    }
    let delivered = platforms.all();
    let mut keys: Vec<&str> = delivered.iter().map(|r| r.key.as_str()).collect();
    keys.sort();
    let mut expected: Vec<&str> = queued.iter().map(|e| e.key.as_str()).collect();
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(
        platforms.telegram.attempts() + platforms.discord.attempts(),
        3
    );
    assert!(f.desk.pending_messages().unwrap().is_empty());
}

#[test]
fn a_card_edit_updates_the_delivered_card_and_only_the_latest_edit_is_sent() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    deliver(&worker);
    let card_id = platforms.telegram.delivered()[0].message_id.clone();

    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    f.desk.act(&ana(), &ticket.id, Action::Unclaim).unwrap();
    f.desk.act(&bruno(), &ticket.id, Action::Claim).unwrap();
    let pending_edits: Vec<_> = f
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.edit_of.is_some())
        .collect();
    assert_eq!(
        pending_edits.len(),
        1,
        "older edits of the card are dropped"
    );
    deliver(&worker);

    let to_group = platforms.to(&chat(ANDES_CHAT));
    assert_eq!(to_group.len(), 2);
    assert_eq!(to_group[1].edited.as_deref(), Some(card_id.as_str()));
    assert!(
        to_group[1].message.text.contains("claimed by Bruno"),
        "{}",
        to_group[1].message.text
    );
    let to_asker: Vec<String> = platforms
        .to(&marta().chat())
        .into_iter()
        .map(|r| r.message.text)
        .collect();
    assert_eq!(to_asker.len(), 2, "each claim is announced: {to_asker:?}");
    assert!(to_asker[0].starts_with("Ana") && to_asker[1].starts_with("Bruno"));
}

#[test]
fn an_entry_whose_key_was_already_delivered_is_dropped_without_sending() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SledStorage::open(dir.path()).unwrap();
    let desk = Desk::builder(config())
        .clock(Arc::new(ManualClock::new(start())))
        .build(Arc::new(storage.clone()))
        .unwrap();
    let platforms = Platforms::new();
    let worker = platforms.worker(&desk);
    open(&desk, chile_question());
    let mut card = desk.pending_messages().unwrap().remove(0);
    assert_eq!(deliver(&worker).delivered, 1);

    // The same message queued again under its key, as a crash between send and record could leave it.
    card.seq = 1_000;
    storage
        .commit(vec![Write::Put {
            table: Table::Outbox,
            key: card.seq.to_be_bytes().to_vec(),
            value: serde_json::to_vec(&card).unwrap(),
        }])
        .unwrap();
    assert_eq!(desk.pending_messages().unwrap().len(), 1);
    let pass = deliver(&worker);
    assert_eq!(pass.duplicates, 1);
    assert_eq!(pass.delivered, 0);
    assert_eq!(platforms.telegram.attempts(), 1, "not sent again");
    assert!(desk.pending_messages().unwrap().is_empty());
}

/// A front-end that yields to the scheduler before each delivery, so that two delivery passes started
/// together really interleave.
struct YieldingFrontEnd(RecordingFrontEnd);

impl FrontEnd for YieldingFrontEnd {
    fn platform(&self) -> Platform {
        self.0.platform()
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            tokio::task::yield_now().await;
            self.0.send(delivery).await
        })
    }

    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            tokio::task::yield_now().await;
            self.0.edit(delivery, message_id).await
        })
    }

    fn forget<'a>(&'a self, forgotten: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>> {
        self.0.forget(forgotten)
    }
}

#[tokio::test]
async fn two_workers_on_one_desk_never_send_the_same_message_twice() {
    let f = Fixture::new();
    for _ in 0..4 {
        open(&f.desk, chile_question());
    }
    let frontend = || Arc::new(YieldingFrontEnd(RecordingFrontEnd::new(Platform::Telegram)));
    let (a, b) = (frontend(), frontend());
    let worker_a = OutboxWorker::new(f.desk.clone()).with_frontend(a.clone());
    let worker_b = OutboxWorker::new(f.desk.clone()).with_frontend(b.clone());
    let (pass_a, pass_b) = tokio::join!(worker_a.deliver_due(), worker_b.deliver_due());
    let (pass_a, pass_b) = (pass_a.unwrap(), pass_b.unwrap());
    assert_eq!(pass_a.delivered + pass_b.delivered, 4);
    let mut keys: Vec<String> =
        a.0.delivered()
            .into_iter()
            .chain(b.0.delivered())
            .map(|r| r.key)
            .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 4);
    assert_eq!(a.0.attempts() + b.0.attempts(), 4);
}

#[test]
fn transient_failures_are_retried_with_doubling_backoff_and_delivered_once() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    open(&f.desk, chile_question());
    platforms
        .telegram
        .fail_next(2, DeliveryError::transient("connection reset"));

    assert_eq!(deliver(&worker).retried, 1);
    let entry = f.desk.pending_messages().unwrap().remove(0);
    assert_eq!(entry.attempts, 1);
    assert_eq!(entry.next_attempt_at, f.now().plus(Span::from_secs(10)));
    assert!(
        entry
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("connection reset")),
        "{entry:?}"
    );

    // Not due yet: nothing is attempted, however often the worker runs.
    assert_eq!(deliver(&worker).waiting, 1);
    f.clock.advance(Span::from_secs(9));
    assert_eq!(deliver(&worker).waiting, 1);
    assert_eq!(platforms.telegram.attempts(), 1);

    f.clock.advance(Span::from_secs(1));
    assert_eq!(deliver(&worker).retried, 1);
    assert_eq!(platforms.telegram.attempts(), 2);
    let entry = f.desk.pending_messages().unwrap().remove(0);
    assert_eq!(entry.attempts, 2);
    assert_eq!(
        entry.next_attempt_at,
        f.now().plus(Span::from_secs(20)),
        "the wait doubles"
    );

    f.clock.advance(Span::from_secs(19));
    assert_eq!(deliver(&worker).waiting, 1);
    f.clock.advance(Span::from_secs(1));
    assert_eq!(deliver(&worker).delivered, 1);
    assert_eq!(deliver(&worker), DeliveryPass::default());
    assert_eq!(platforms.telegram.attempts(), 3);
    assert_eq!(platforms.telegram.delivered().len(), 1);
    assert!(f.desk.dead_letters().unwrap().is_empty());
}

#[test]
fn the_platform_retry_after_is_honoured_when_longer_than_the_backoff() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    open(&f.desk, chile_question());
    platforms.telegram.fail_next(
        1,
        DeliveryError::transient("429 too many requests").retry_after(Span::from_secs(45)),
    );
    deliver(&worker);
    f.clock.advance(Span::from_secs(44));
    assert_eq!(deliver(&worker).waiting, 1);
    f.clock.advance(Span::from_secs(1));
    assert_eq!(deliver(&worker).delivered, 1);
}

#[test]
fn a_message_being_retried_holds_back_later_messages_to_the_same_chat_only() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    platforms
        .telegram
        .fail_next(1, DeliveryError::transient("timeout"));

    let pass = deliver(&worker);
    assert_eq!(
        (pass.retried, pass.waiting, pass.delivered),
        (1, 1, 1),
        "card retried, its edit waits behind it, the asker's message goes out"
    );
    assert_eq!(platforms.telegram.attempts(), 1, "the edit was not tried");
    assert_eq!(platforms.discord.delivered().len(), 1);

    f.clock.advance(Span::from_secs(10));
    assert_eq!(deliver(&worker).delivered, 2);
    let to_group = platforms.to(&chat(ANDES_CHAT));
    assert_eq!(to_group.len(), 2);
    assert_eq!(to_group[0].edited, None);
    assert_eq!(
        to_group[1].edited.as_deref(),
        Some(to_group[0].message_id.as_str())
    );
}

#[test]
fn a_permanent_failure_becomes_a_dead_letter_at_once() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    platforms
        .telegram
        .fail_next(1, DeliveryError::permanent("bot was kicked from the chat"));
    let pass = deliver(&worker);
    assert_eq!(pass.dead, 1);
    assert!(f.desk.pending_messages().unwrap().is_empty());
    let dead = f.desk.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].entry.message.kind, MessageKind::TicketCard);
    assert_eq!(dead[0].entry.message.ticket, ticket.id);
    assert_eq!(dead[0].entry.attempts, 1);
    assert_eq!(dead[0].at, f.now());
    assert!(dead[0].reason.contains("permanent") && dead[0].reason.contains("kicked"));

    f.clock.advance(Span::from_hours(1));
    assert_eq!(deliver(&worker), DeliveryPass::default());
    assert_eq!(
        platforms.telegram.attempts(),
        1,
        "a dead letter is not retried"
    );
}

#[test]
fn a_message_that_keeps_failing_is_given_up_after_max_attempts() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    open(&f.desk, chile_question());
    platforms
        .telegram
        .fail_next(100, DeliveryError::transient("platform outage"));
    let max_attempts = f.desk.config().outbox.max_attempts;
    assert_eq!(max_attempts, 4);
    for attempt in 1..max_attempts {
        assert_eq!(deliver(&worker).retried, 1, "attempt {attempt}");
        f.clock.advance(Span::from_mins(1));
    }
    assert_eq!(deliver(&worker).dead, 1);
    assert_eq!(platforms.telegram.attempts(), max_attempts as usize);
    assert!(f.desk.pending_messages().unwrap().is_empty());
    let dead = f.desk.dead_letters().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].entry.attempts, max_attempts);
    assert!(dead[0].reason.contains("platform outage"));
    f.clock.advance(Span::from_hours(2));
    deliver(&worker);
    assert_eq!(platforms.telegram.attempts(), max_attempts as usize);
}

#[test]
fn an_edit_of_a_card_that_was_never_delivered_is_sent_as_a_new_message() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    platforms
        .telegram
        .fail_next(1, DeliveryError::permanent("chat not found"));
    deliver(&worker);
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    deliver(&worker);
    let to_group = platforms.to(&chat(ANDES_CHAT));
    assert_eq!(to_group.len(), 1);
    assert_eq!(to_group[0].edited, None);
    assert!(to_group[0].message.text.contains("claimed by Ana"));
}

#[test]
fn messages_for_a_platform_without_a_front_end_wait_in_the_outbox() {
    let f = Fixture::new();
    let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
    let worker = OutboxWorker::new(f.desk.clone()).with_frontend(telegram.clone());
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    let pass = deliver(&worker);
    assert_eq!((pass.delivered, pass.waiting), (2, 1));
    let left = f.desk.pending_messages().unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].chat, marta().chat());
    assert_eq!(left[0].attempts, 0);
}

#[test]
fn pending_messages_and_their_retry_schedule_survive_a_restart() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    {
        let platforms = Platforms::new();
        platforms
            .telegram
            .fail_next(1, DeliveryError::transient("timeout"));
        platforms
            .discord
            .fail_next(1, DeliveryError::transient("timeout"));
        let worker = platforms.worker(&f.desk);
        assert_eq!(deliver(&worker).retried, 2);
    }
    let before = f.desk.pending_messages().unwrap();
    assert_eq!(before.len(), 3);

    let f = f.restart();
    assert_eq!(f.desk.pending_messages().unwrap(), before);
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    assert_eq!(deliver(&worker).delivered, 0, "the backoff still holds");
    f.clock.advance(Span::from_secs(10));
    assert_eq!(deliver(&worker).delivered, 3);
    assert_eq!(platforms.all().len(), 3);
    assert!(f.desk.pending_messages().unwrap().is_empty());
}

#[test]
fn delivered_messages_are_not_sent_again_after_a_restart() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    {
        let platforms = Platforms::new();
        assert_eq!(deliver(&platforms.worker(&f.desk)).delivered, 3);
    }
    let f = f.restart();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    assert_eq!(deliver(&worker), DeliveryPass::default());
    assert!(platforms.all().is_empty());

    // The card's delivery record survived too: a later edit still addresses the delivered card.
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    deliver(&worker);
    let edits = platforms.to(&chat(ANDES_CHAT));
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].edited.as_deref(), Some("telegram-1"));
}
