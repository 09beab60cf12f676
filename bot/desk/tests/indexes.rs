//! The desk's indexed reads, proved on a spy storage that counts what is read: an asker's tickets
//! (`/status`, the per-asker cap, `forget`), a question's ticket (escalating again) and a card's
//! pending edits (every expert action) are found without reading a whole table, however many other
//! tickets and messages the desk holds; `forget` and retention find a person's questions, the old
//! questions and a deleted ticket's messages without reading a whole table, and `/metrics` counts the
//! outbox and the dead letters from their tallies. The indexes are built for a desk written before
//! them, and emptied as tickets are forgotten and messages delivered.

mod common;

use std::sync::Arc;

use common::*;
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Asker, DeliveryError, Desk, ManualClock, MessageKind, Platform, Profile, Span, Status,
    Storage, Table, TicketId, Timestamp, Write,
};

/// `count` tickets from each of a dozen other askers, so that a scan would show in the reads.
fn crowd(desk: &Desk, count: usize) {
    for n in 0..12 {
        let asker = Asker {
            user_id: format!("9{n}"),
            chat_id: format!("9{n}"),
            ..joaquim()
        };
        for k in 0..count {
            let question = format!("¿Pregunta {k} de {n}?");
            open(
                desk,
                new_ticket(asker.clone(), Lang::Es, &question, tags(&[], &[])),
            );
        }
    }
}

#[test]
fn an_askers_open_tickets_are_read_through_their_index_newest_first() {
    let clock = Arc::new(ManualClock::new(start()));
    let (_dir, spy, desk) = spied_desk_on(clock.clone());
    crowd(&desk, 3);
    let first = open(&desk, chile_question());
    clock.advance(Span::from_mins(1));
    let second = open(
        &desk,
        new_ticket(marta(), Lang::Es, "¿Y en Perú?", tags(&[], &["PE"])),
    );
    clock.advance(Span::from_mins(1));
    let third = open(
        &desk,
        new_ticket(marta(), Lang::Es, "¿Y en Colombia?", tags(&[], &["CO"])),
    );
    desk.act(&ana(), &second.id, Action::Close { reason: None })
        .unwrap();
    spy.forget_reads();

    let open_ones = desk.open_tickets_of(&marta().identity()).unwrap();
    let ids: Vec<_> = open_ones.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids, [third.id.clone(), first.id.clone()], "newest first");
    assert_eq!(spy.scans(), 0, "no table is scanned");
    assert_eq!(spy.reads(Read::Prefix, Table::AskerTickets), 1);
    assert_eq!(
        spy.reads(Read::Get, Table::Tickets),
        3,
        "one read per ticket of hers, none of the crowd's"
    );
    let all = desk.tickets_of(&marta().identity()).unwrap();
    assert_eq!(all.len(), 3, "closed ones too");
    assert!(desk.tickets_of(&lucy().identity()).unwrap().is_empty());
}

#[test]
fn an_identity_that_prefixes_another_does_not_see_its_tickets() {
    let (_dir, _spy, desk) = spied_desk();
    let seven = Asker {
        user_id: "7".into(),
        chat_id: "7".into(),
        ..joaquim()
    };
    let seventy = Asker {
        user_id: "77".into(),
        chat_id: "77".into(),
        ..joaquim()
    };
    open(
        &desk,
        new_ticket(seventy.clone(), Lang::Es, "¿Uno?", tags(&[], &[])),
    );
    assert!(desk.tickets_of(&seven.identity()).unwrap().is_empty());
    assert_eq!(desk.tickets_of(&seventy.identity()).unwrap().len(), 1);
}

#[test]
fn escalating_a_question_again_reads_its_record_and_ticket_only() {
    let (_dir, spy, desk) = spied_desk();
    crowd(&desk, 2);
    let (_, new) = recorded_chile_question(&desk);
    let ticket = open(&desk, new.clone());
    let commits = spy.commits().len();
    spy.forget_reads();

    let again = desk.open_ticket(new).unwrap();
    assert!(!again.opened);
    assert_eq!(again.ticket.id, ticket.id);
    assert_eq!(spy.scans(), 0);
    assert_eq!(spy.reads(Read::Get, Table::Questions), 1);
    assert_eq!(spy.reads(Read::Get, Table::Tickets), 1);
    assert_eq!(spy.commits().len(), commits, "nothing is written");
}

#[test]
fn an_action_drops_its_cards_stale_edits_without_reading_the_outbox() {
    let (_dir, spy, desk) = spied_desk();
    crowd(&desk, 2);
    let ticket = open(&desk, chile_question());
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    spy.forget_reads();

    desk.act(&ana(), &ticket.id, Action::Unclaim).unwrap();
    assert_eq!(
        spy.scans(),
        0,
        "neither the outbox nor the tickets are scanned"
    );
    assert_eq!(
        spy.reads(Read::Prefix, Table::PendingEdits),
        ticket.cards.len()
    );
    let edits: Vec<_> = desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|e| e.edit_of.is_some())
        .collect();
    assert_eq!(
        edits.len(),
        ticket.cards.len(),
        "only the newest edit of each card waits"
    );
    assert!(
        edits
            .iter()
            .all(|e| e.message.kind == MessageKind::TicketCard)
    );
    assert_eq!(
        spy.inner.scan(Table::PendingEdits).unwrap().len(),
        edits.len(),
        "the index holds exactly the pending edits"
    );
}

#[test]
fn delivered_edits_and_forgotten_tickets_leave_their_indexes() {
    let (_dir, spy, desk) = spied_desk();
    let ticket = open(&desk, chile_question());
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    assert!(!spy.inner.scan(Table::PendingEdits).unwrap().is_empty());
    let platforms = Platforms::new();
    deliver(&platforms.worker(&desk));
    assert!(desk.pending_messages().unwrap().is_empty());
    assert!(spy.inner.scan(Table::PendingEdits).unwrap().is_empty());

    desk.act(
        &ana(),
        &ticket.id,
        answer("El Ministerio del Medio Ambiente."),
    )
    .unwrap();
    desk.forget(&marta().identity()).unwrap();
    assert!(spy.inner.scan(Table::AskerTickets).unwrap().is_empty());
    assert!(spy.inner.scan(Table::PendingEdits).unwrap().is_empty());
    assert!(desk.tickets_of(&marta().identity()).unwrap().is_empty());
}

#[test]
fn a_desk_written_before_the_indexes_gets_them_when_it_opens() {
    let (_dir, spy, desk) = spied_desk();
    let ticket = open(&desk, chile_question());
    open(&desk, brazil_question());
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    drop(desk);
    // What an older desk holds: the records, no index entries and no mark.
    let mut unindexed = vec![Write::Delete {
        table: Table::Meta,
        key: b"index:built:3".to_vec(),
    }];
    for table in INDEXES {
        for (key, _) in spy.inner.scan(table).unwrap() {
            unindexed.push(Write::Delete { table, key });
        }
    }
    spy.inner.commit(unindexed).unwrap();
    assert!(spy.inner.scan(Table::AskerTickets).unwrap().is_empty());

    let desk = Desk::builder(config())
        .clock(Arc::new(ManualClock::new(start().plus(Span::from_mins(5)))))
        .build(spy.clone())
        .unwrap();
    let hers = desk.tickets_of(&marta().identity()).unwrap();
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0].id, ticket.id);
    desk.act(&ana(), &ticket.id, Action::Unclaim).unwrap();
    let edits = desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|e| e.edit_of.is_some())
        .count();
    assert_eq!(
        edits,
        ticket.cards.len(),
        "the claim's edit was found and dropped"
    );
    assert_consistent(&spy, &desk, "built on opening");
}

/// The desk in the database at `path`, opened again (on a fresh spy) after the last one was dropped.
fn reopened(path: &std::path::Path, clock: &Arc<ManualClock>) -> (Arc<SpyStorage>, Desk) {
    let spy = spy_on(path);
    let desk = Desk::builder(config())
        .clock(clock.clone())
        .build(spy.clone())
        .unwrap();
    (spy, desk)
}

/// Every index the desk keeps.
const INDEXES: [Table; 9] = [
    Table::AskerTickets,
    Table::PendingEdits,
    Table::StatusTickets,
    Table::ReminderWaits,
    Table::ClosedTickets,
    Table::UserQuestions,
    Table::IdentifiedQuestions,
    Table::TicketOutbox,
    Table::TicketDeadLetters,
];

/// The ticket ids an index holds, each with the first `head` bytes of its key (the status name, or
/// the instant), sorted.
fn index_entries(spy: &SpyStorage, table: Table, head: usize) -> Vec<(Vec<u8>, TicketId)> {
    let mut entries: Vec<(Vec<u8>, TicketId)> = spy
        .inner
        .scan(table)
        .unwrap()
        .into_iter()
        .map(|(key, value)| {
            (
                key[..head].to_vec(),
                serde_json::from_slice(&value).unwrap(),
            )
        })
        .collect();
    entries.sort();
    entries
}

/// An instant as the time-ordered indexes sort it.
fn instant(at: Timestamp) -> Vec<u8> {
    (at.as_millis().cast_unsigned() ^ (1 << 63))
        .to_be_bytes()
        .to_vec()
}

/// Asserts that every ticket index holds exactly what the desk's tickets call for, worked out
/// from the tickets themselves.
fn assert_consistent(spy: &SpyStorage, desk: &Desk, step: &str) {
    let tickets = desk.tickets().unwrap();
    let mut by_asker: Vec<TicketId> = tickets.iter().map(|t| t.id.clone()).collect();
    by_asker.sort();
    let indexed: Vec<TicketId> = index_entries(spy, Table::AskerTickets, 0)
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert_eq!(indexed, by_asker, "{step}: asker index");
    for status in Status::ALL {
        let mut wanted: Vec<TicketId> = tickets
            .iter()
            .filter(|t| t.status == status)
            .map(|t| t.id.clone())
            .collect();
        wanted.sort();
        let name = status.as_str().as_bytes().to_vec();
        let indexed: Vec<TicketId> = index_entries(spy, Table::StatusTickets, name.len() + 1)
            .into_iter()
            .filter(|(head, _)| head[..name.len()] == name[..] && head[name.len()] == 0)
            .map(|(_, id)| id)
            .collect();
        assert_eq!(indexed, wanted, "{step}: status index, {status}");
        let counted = desk.ticket_counts().unwrap();
        assert!(
            counted.contains(&(status, wanted.len())),
            "{step}: {counted:?}"
        );
    }
    let mut waits: Vec<(Vec<u8>, TicketId)> = tickets
        .iter()
        .filter(|t| t.status.is_queued())
        .map(|t| {
            (
                instant(t.reminded_at.unwrap_or(t.queued_since)),
                t.id.clone(),
            )
        })
        .collect();
    waits.sort();
    assert_eq!(
        index_entries(spy, Table::ReminderWaits, 8),
        waits,
        "{step}: reminder index"
    );
    let mut closed: Vec<(Vec<u8>, TicketId)> = tickets
        .iter()
        .filter(|t| t.status == Status::Closed)
        .map(|t| (instant(t.closed_at.unwrap()), t.id.clone()))
        .collect();
    closed.sort();
    assert_eq!(
        index_entries(spy, Table::ClosedTickets, 8),
        closed,
        "{step}: closed index"
    );
    assert_messages_and_questions_consistent(spy, desk, step);
}

/// The keys an index holds, sorted.
fn index_keys(spy: &SpyStorage, table: Table) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = spy
        .inner
        .scan(table)
        .unwrap()
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    keys.sort();
    keys
}

/// `head`, a zero byte, then `id` big-endian: how the indexes key an entry under a name.
fn named_key(head: &str, id: u64) -> Vec<u8> {
    let mut key = head.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// Asserts that the message and question indexes, and the message tallies, hold exactly what the
/// outbox, the dead letters and the question records call for.
fn assert_messages_and_questions_consistent(spy: &SpyStorage, desk: &Desk, step: &str) {
    let pending = desk.pending_messages().unwrap();
    let mut queued: Vec<Vec<u8>> = pending
        .iter()
        .map(|e| named_key(e.message.ticket.as_str(), e.seq))
        .collect();
    queued.sort();
    assert_eq!(
        index_keys(spy, Table::TicketOutbox),
        queued,
        "{step}: outbox index"
    );
    let dead = desk.dead_letters().unwrap();
    let mut given_up: Vec<Vec<u8>> = dead
        .iter()
        .map(|d| named_key(d.entry.message.ticket.as_str(), d.entry.seq))
        .collect();
    given_up.sort();
    assert_eq!(
        index_keys(spy, Table::TicketDeadLetters),
        given_up,
        "{step}: dead letter index"
    );
    assert_eq!(
        desk.message_counts().unwrap(),
        (pending.len() as u64, dead.len() as u64),
        "{step}: tallies"
    );
    let questions = desk.questions().unwrap();
    let mut by_user: Vec<Vec<u8>> = questions
        .iter()
        .filter_map(|q| Some(named_key(&q.user.as_ref()?.to_string(), q.id.0)))
        .collect();
    by_user.sort();
    assert_eq!(
        index_keys(spy, Table::UserQuestions),
        by_user,
        "{step}: questions by user"
    );
    let mut identified: Vec<Vec<u8>> = questions
        .iter()
        .filter(|q| q.user.is_some() || q.text.is_some())
        .map(|q| [instant(q.at), q.id.0.to_be_bytes().to_vec()].concat())
        .collect();
    identified.sort();
    assert_eq!(
        index_keys(spy, Table::IdentifiedQuestions),
        identified,
        "{step}: identified questions"
    );
}

#[test]
fn forget_finds_a_persons_questions_and_messages_through_the_indexes() {
    let (_dir, spy, desk) = spied_desk();
    crowd(&desk, 2);
    for n in 0..10 {
        let text = format!("Question {n}?");
        record(&desk, new_question(lucy(), Lang::En, &text, tags(&[], &[])));
    }
    let (_, new) = recorded_chile_question(&desk);
    let ticket = open(&desk, new);
    record(
        &desk,
        new_question(marta(), Lang::Es, "¿Y en Perú?", tags(&[], &["PE"])),
    );
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let hers = desk
        .pending_messages()
        .unwrap()
        .iter()
        .filter(|e| e.message.ticket == ticket.id)
        .count();
    assert!(hers > 0, "her ticket has messages waiting");
    assert_messages_and_questions_consistent(&spy, &desk, "before");
    spy.forget_reads();

    let forgotten = desk.forget(&marta().identity()).unwrap();
    assert_eq!(forgotten.tickets, 1);
    assert_eq!(forgotten.questions, 2);
    assert_eq!(forgotten.messages, hers);
    assert_eq!(forgotten.ticket_ids, std::slice::from_ref(&ticket.id));
    assert_eq!(forgotten.question_ids.len(), 2);
    assert_eq!(spy.scans(), 0, "no table is read whole");
    assert_eq!(
        spy.reads(Read::Get, Table::Questions),
        2,
        "her questions only"
    );
    assert_eq!(
        spy.reads(Read::Get, Table::Outbox),
        hers,
        "her ticket's messages only"
    );
    assert_messages_and_questions_consistent(&spy, &desk, "forgotten");
    assert!(
        desk.pending_messages()
            .unwrap()
            .iter()
            .all(|e| e.message.ticket != ticket.id)
    );
}

#[test]
fn a_persons_language_and_last_question_are_read_by_identity_and_forgotten_with_them() {
    let (dir, spy, desk) = spied_desk();
    crowd(&desk, 2);
    for n in 0..6 {
        let asker = Asker {
            user_id: format!("8{n}"),
            ..lucy()
        };
        desk.set_language(&asker.identity(), Lang::Pt).unwrap();
    }
    let her = marta().identity();
    desk.set_language(&her, Lang::En).unwrap();
    let last = record(
        &desk,
        new_question(marta(), Lang::Es, "¿Y en Perú?", tags(&[], &["PE"])),
    );
    spy.forget_reads();

    let profile = desk.profile(&her).unwrap();
    assert_eq!(profile.language, Some(Lang::En));
    assert_eq!(profile.last_question, Some(last));
    assert_eq!(spy.scans(), 0, "no table is read whole");
    assert_eq!(spy.reads(Read::Get, Table::Preferences), 1);
    assert_eq!(spy.reads(Read::Get, Table::LastQuestion), 1);

    desk.forget(&her).unwrap();
    assert_eq!(spy.scans(), 0, "forget reads no table whole");
    assert_eq!(desk.profile(&her).unwrap(), Profile::default());
    let others = Asker {
        user_id: "83".into(),
        ..lucy()
    };
    assert_eq!(
        desk.profile(&others.identity()).unwrap().language,
        Some(Lang::Pt),
        "only hers went"
    );
    drop((desk, spy));
    let reopened = Desk::open(dir.path(), config()).unwrap();
    assert_eq!(
        reopened.profile(&others.identity()).unwrap().language,
        Some(Lang::Pt),
        "a chosen language is durable"
    );
}

#[test]
fn retention_reads_only_the_expired_questions_and_the_dead_letters_of_expired_tickets() {
    let clock = Arc::new(ManualClock::new(start()));
    let (dir, spy, desk) = spied_desk_on(clock.clone());
    for n in 0..10 {
        let text = format!("Question {n}?");
        record(&desk, new_question(lucy(), Lang::En, &text, tags(&[], &[])));
    }
    let ticket = open(&desk, chile_question());
    let platforms = Platforms::new();
    platforms
        .frontend(Platform::Telegram)
        .fail_next(100, DeliveryError::permanent("chat not found"));
    deliver(&platforms.worker(&desk));
    let dead = desk.dead_letters().unwrap().len();
    assert!(dead > 0, "the ticket's card was given up on");
    desk.act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    assert_messages_and_questions_consistent(&spy, &desk, "given up");
    clock.advance(Span::from_days(20));
    record(
        &desk,
        new_question(marta(), Lang::Es, "¿Y en Perú?", tags(&[], &["PE"])),
    );

    // Reopened, the indexes and tallies are as they were written.
    drop(desk);
    drop(spy);
    let (spy, desk) = reopened(dir.path(), &clock);
    assert_messages_and_questions_consistent(&spy, &desk, "reopened database");
    clock.advance(Span::from_days(11));
    spy.forget_reads();
    let report = desk.tick().unwrap();
    assert_eq!(report.retention.tickets, 1);
    assert_eq!(
        report.retention.questions, 10,
        "Lucy's, not Marta's recent one"
    );
    assert_eq!(spy.scans(), 0, "no table is read whole");
    assert_eq!(spy.reads(Read::Get, Table::Questions), 10);
    assert_eq!(
        spy.reads(Read::Get, Table::DeadLetters),
        0,
        "deleted by key"
    );
    assert_messages_and_questions_consistent(&spy, &desk, "after retention");
    assert_eq!(desk.message_counts().unwrap().1, 0);
    assert!(desk.dead_letters().unwrap().is_empty());
}

#[test]
fn the_ticket_indexes_follow_every_change_and_survive_reopening_the_database() {
    let clock = Arc::new(ManualClock::new(start()));
    let (dir, spy, desk) = spied_desk_on(clock.clone());
    let hers = open(&desk, chile_question());
    let his = open(&desk, brazil_question());
    let lucys = open(
        &desk,
        new_ticket(lucy(), Lang::En, "Who authorises ITMOs?", tags(&[], &[])),
    );
    assert_consistent(&spy, &desk, "opened");
    desk.act(&ana(), &hers.id, Action::Claim).unwrap();
    assert_consistent(&spy, &desk, "claimed");
    desk.act(&ana(), &hers.id, answer("El Ministerio."))
        .unwrap();
    desk.act(&ana(), &hers.id, Action::Close { reason: None })
        .unwrap();
    assert_consistent(&spy, &desk, "answered and closed");
    clock.advance(Span::from_hours(3));
    assert!(!desk.tick().unwrap().reminded.is_empty());
    assert_consistent(&spy, &desk, "reminded");
    desk.act(&ana(), &hers.id, Action::Reopen { reason: None })
        .unwrap();
    assert_consistent(&spy, &desk, "reopened");
    desk.act(&bruno(), &his.id, Action::Claim).unwrap();
    desk.act(&bruno(), &his.id, Action::Unclaim).unwrap();
    desk.act(&ana(), &lucys.id, Action::Close { reason: None })
        .unwrap();
    assert_consistent(&spy, &desk, "unclaimed and closed");
    desk.forget(&marta().identity()).unwrap();
    assert_consistent(&spy, &desk, "forgotten");

    drop(desk);
    drop(spy);
    let (spy, desk) = reopened(dir.path(), &clock);
    assert_consistent(&spy, &desk, "reopened database");
    clock.advance(Span::from_days(31));
    assert_eq!(desk.tick().unwrap().retention.tickets, 1, "retention");
    assert_consistent(&spy, &desk, "after retention");
}

#[test]
fn reminders_retention_and_status_counts_read_no_ticket_they_do_not_need() {
    let clock = Arc::new(ManualClock::new(start()));
    let (_dir, spy, desk) = spied_desk_on(clock.clone());
    crowd(&desk, 2);
    for ticket in desk.tickets().unwrap() {
        desk.act(&ana(), &ticket.id, Action::Close { reason: None })
            .unwrap();
    }
    clock.advance(Span::from_days(20));
    let waiting = open(&desk, chile_question());
    spy.forget_reads();

    assert_eq!(
        desk.tick().unwrap(),
        Default::default(),
        "nothing is due yet"
    );
    assert_eq!(spy.reads(Read::Scan, Table::Tickets), 0);
    assert_eq!(spy.reads(Read::Get, Table::Tickets), 0, "no ticket is read");

    clock.advance(Span::from_days(11));
    spy.forget_reads();
    let report = desk.tick().unwrap();
    assert_eq!(report.reminded, std::slice::from_ref(&waiting.id));
    assert_eq!(
        report.retention.tickets, 24,
        "the crowd's closed tickets expired"
    );
    assert_eq!(spy.reads(Read::Scan, Table::Tickets), 0);
    assert_eq!(
        spy.reads(Read::Get, Table::Tickets),
        25,
        "the due ticket and the expired ones, each read once"
    );

    spy.forget_reads();
    let counts = desk.ticket_counts().unwrap();
    assert!(counts.contains(&(Status::Open, 1)), "{counts:?}");
    assert!(counts.contains(&(Status::Closed, 0)), "{counts:?}");
    assert_eq!(
        spy.reads(Read::Get, Table::Tickets),
        0,
        "counted from the index"
    );
    assert_eq!(spy.scans(), 0);
    let open_ones = desk.tickets_in(Status::Open).unwrap();
    assert_eq!(open_ones.len(), 1);
    assert_eq!(spy.reads(Read::Get, Table::Tickets), 1);
}
