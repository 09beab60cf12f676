//! The desk's indexed reads, proved on a spy storage that counts what is read: an asker's tickets
//! (`/status`, the per-asker cap, `forget`), a question's ticket (escalating again) and a card's
//! pending edits (every expert action) are found without reading a whole table, however many other
//! tickets and messages the desk holds. The indexes are built for a desk written before them, and
//! emptied as tickets are forgotten and messages delivered.

mod common;

use std::sync::Arc;

use common::*;
use consulta_corpus::Lang;
use consulta_desk::{Action, Asker, Desk, ManualClock, MessageKind, Span, Storage, Table, Write};

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
    open(
        &desk,
        new_ticket(
            joaquim(),
            Lang::Pt,
            "Quem autoriza no Brasil?",
            tags(&[], &["BR"]),
        ),
    );
    desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    drop(desk);
    // What an older desk holds: the records, no index entries and no mark.
    let mut unindexed = vec![Write::Delete {
        table: Table::Meta,
        key: b"index:built".to_vec(),
    }];
    for table in [Table::AskerTickets, Table::PendingEdits] {
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
}
