//! A ticket's life on the desk, over the real sled store: open, claim, answer, close, reopen, unclaim and
//! transfers, each with the notifications it queues and the history it leaves. Every move the state
//! machine forbids is tried too: it must be refused with a reason an expert can act on, and change
//! nothing, because experts act from chat buttons that can be pressed twice or late.

mod common;

use common::*;
use std::collections::HashSet;
use std::sync::Arc;

use consulta_corpus::Lang;
use consulta_desk::{
    Action, Actor, Desk, DeskError, EventKind, Identity, ManualClock, MessageKind, NewQuestion,
    QuestionId, Span, Status, TicketId, Timestamp, TransferTarget, TransitionError,
};

fn expert(name: &str, identity: Identity) -> Actor {
    Actor::Expert {
        name: name.into(),
        identity,
    }
}

#[test]
fn a_ticket_goes_from_open_to_claimed_to_answered_to_closed_and_back_to_the_queue() {
    let f = Fixture::new();
    let desk = &f.desk;
    let ticket = open(desk, chile_question());
    assert_eq!(ticket.status, Status::Open);
    assert_eq!(ticket.group, "andes");
    assert_eq!(ticket.assignee, None);
    assert_eq!(desk.ticket(&ticket.id).unwrap(), ticket);

    f.clock.advance(Span::from_mins(5));
    let claimed = desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    assert_eq!(claimed.status, Status::Claimed);
    assert_eq!(claimed.assignee.as_deref(), Some("Ana"));

    f.clock.advance(Span::from_mins(20));
    let answered = desk
        .act(
            &ana(),
            &ticket.id,
            answer("  La autoridad nacional designada.  "),
        )
        .unwrap();
    assert_eq!(answered.status, Status::Answered);
    let given = answered.answer.clone().expect("answer kept");
    assert_eq!(given.text, "La autoridad nacional designada.");
    assert_eq!(given.expert, "Ana");
    assert_eq!(given.at, f.now());

    f.clock.advance(Span::from_mins(1));
    let closed = desk
        .act(
            &ana(),
            &ticket.id,
            Action::Close {
                reason: Some("answered".into()),
            },
        )
        .unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.closed_at, Some(f.now()));

    f.clock.advance(Span::from_days(1));
    let reopened = desk
        .act(
            &bruno(),
            &ticket.id,
            Action::Reopen {
                reason: Some("the asker wrote back".into()),
            },
        )
        .unwrap();
    assert_eq!(reopened.status, Status::Reopened);
    assert_eq!(reopened.assignee, None);
    assert_eq!(reopened.closed_at, None);
    assert_eq!(
        reopened.queued_since,
        f.now(),
        "the wait restarts at reopening"
    );
    assert!(reopened.status.is_queued());

    let again = desk
        .act(&bruno(), &ticket.id, answer("Y además, el registro."))
        .unwrap();
    assert_eq!(again.status, Status::Answered);
    assert_eq!(again.answer.unwrap().expert, "Bruno");
    assert_eq!(desk.ticket(&ticket.id).unwrap().status, Status::Answered);
}

#[test]
fn the_history_records_every_event_with_its_actor_and_time() {
    let f = Fixture::new();
    let desk = &f.desk;
    let t0 = f.now();
    let ticket = open(desk, chile_question());
    f.clock.advance(Span::from_mins(3));
    desk.act(&ana_on_telegram(), &ticket.id, Action::Claim)
        .unwrap();
    let t1 = f.now();
    f.clock.advance(Span::from_mins(4));
    desk.act(
        &ana(),
        &ticket.id,
        Action::Note {
            text: "check the 2024 guidance".into(),
        },
    )
    .unwrap();
    let t2 = f.now();
    f.clock.advance(Span::from_mins(5));
    desk.act(
        &ana(),
        &ticket.id,
        Action::Transfer(TransferTarget::Expert("carmen".into())),
    )
    .unwrap();
    let t3 = f.now();
    f.clock.advance(Span::from_mins(6));
    desk.act(&carmen(), &ticket.id, answer("El ministerio."))
        .unwrap();
    let t4 = f.now();
    f.clock.advance(Span::from_mins(7));
    desk.act(&carmen(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    let t5 = f.now();

    let history: Vec<(Timestamp, Actor, EventKind)> = desk
        .ticket(&ticket.id)
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.at, e.actor, e.kind))
        .collect();
    assert_eq!(
        history,
        vec![
            (
                t0,
                Actor::Asker,
                EventKind::Opened {
                    group: "andes".into()
                }
            ),
            (t1, expert("Ana", ana_on_telegram()), EventKind::Claimed),
            (
                t2,
                expert("Ana", ana()),
                EventKind::Note {
                    text: "check the 2024 guidance".into()
                }
            ),
            (
                t3,
                expert("Ana", ana()),
                EventKind::TransferredToExpert {
                    expert: "Carmen".into()
                }
            ),
            (
                t4,
                expert("Carmen", carmen()),
                EventKind::Answered {
                    text: "El ministerio.".into()
                }
            ),
            (
                t5,
                expert("Carmen", carmen()),
                EventKind::Closed { reason: None }
            ),
        ]
    );
}

#[test]
fn claiming_twice_is_refused_whoever_tries() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        Action::Claim,
        TransitionError::AlreadyYours,
    );
    assert_refused(
        &f.desk,
        &ana_on_telegram(),
        &ticket.id,
        Action::Claim,
        TransitionError::AlreadyYours,
    );
    assert_refused(
        &f.desk,
        &bruno(),
        &ticket.id,
        Action::Claim,
        TransitionError::ClaimedBy {
            expert: "Ana".into(),
        },
    );
}

#[test]
fn answering_an_unclaimed_ticket_claims_it_on_the_way() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    let answered = f
        .desk
        .act(&bruno(), &ticket.id, answer("Respuesta directa."))
        .unwrap();
    assert_eq!(answered.status, Status::Answered);
    assert_eq!(answered.assignee.as_deref(), Some("Bruno"));
    let kinds: Vec<MessageKind> = f
        .desk
        .pending_messages()
        .unwrap()
        .iter()
        .filter(|m| m.chat == marta().chat())
        .map(|m| m.message.kind)
        .collect();
    assert_eq!(kinds, vec![MessageKind::ExpertAnswer]);
}

#[test]
fn only_the_expert_holding_a_ticket_may_answer_unclaim_close_or_transfer_it() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let held_by_ana = TransitionError::ClaimedBy {
        expert: "Ana".into(),
    };
    for action in [
        answer("I know this one"),
        Action::Unclaim,
        Action::Close { reason: None },
        Action::Transfer(TransferTarget::Expert("Bruno".into())),
        Action::Transfer(TransferTarget::Group("markets".into())),
    ] {
        assert_refused(&f.desk, &bruno(), &ticket.id, action, held_by_ana.clone());
    }
    let noted = f
        .desk
        .act(
            &bruno(),
            &ticket.id,
            Action::Note {
                text: "Ana, see decision 6/CMA.4".into(),
            },
        )
        .unwrap();
    assert_eq!(
        noted.assignee.as_deref(),
        Some("Ana"),
        "notes are for anyone"
    );
}

#[test]
fn reopening_a_ticket_that_is_still_queued_or_claimed_is_refused() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    let reopen = || Action::Reopen { reason: None };
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        reopen(),
        TransitionError::NotReopenable {
            status: Status::Open,
        },
    );
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        reopen(),
        TransitionError::NotReopenable {
            status: Status::Claimed,
        },
    );
    f.desk.act(&ana(), &ticket.id, Action::Unclaim).unwrap();
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    f.desk.act(&ana(), &ticket.id, reopen()).unwrap();
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        reopen(),
        TransitionError::NotReopenable {
            status: Status::Reopened,
        },
    );
}

#[test]
fn a_closed_ticket_refuses_everything_but_reopen() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    let cases = [
        (Action::Claim, TransitionError::Closed),
        (answer("again"), TransitionError::Closed),
        (Action::Close { reason: None }, TransitionError::Closed),
        (
            Action::Unclaim,
            TransitionError::NotClaimed {
                status: Status::Closed,
            },
        ),
        (
            Action::Transfer(TransferTarget::Expert("Bruno".into())),
            TransitionError::NotTransferable {
                status: Status::Closed,
            },
        ),
        (
            Action::Transfer(TransferTarget::Group("markets".into())),
            TransitionError::NotTransferable {
                status: Status::Closed,
            },
        ),
    ];
    for (action, reason) in cases {
        for who in [ana(), bruno()] {
            assert_refused(&f.desk, &who, &ticket.id, action.clone(), reason.clone());
        }
    }
    let reopened = f
        .desk
        .act(&bruno(), &ticket.id, Action::Reopen { reason: None })
        .unwrap();
    assert_eq!(reopened.status, Status::Reopened);
}

#[test]
fn an_answered_ticket_takes_no_second_answer_or_claim_until_reopened() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    for (who, action) in [
        (ana(), answer("Y también...")),
        (bruno(), answer("Otra cosa")),
        (ana(), Action::Claim),
        (bruno(), Action::Claim),
    ] {
        assert_refused(
            &f.desk,
            &who,
            &ticket.id,
            action,
            TransitionError::AlreadyAnswered,
        );
    }
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        Action::Transfer(TransferTarget::Group("markets".into())),
        TransitionError::NotTransferable {
            status: Status::Answered,
        },
    );
}

#[test]
fn empty_answers_and_notes_are_refused() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        answer("   "),
        TransitionError::EmptyText { what: "answer" },
    );
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        Action::Note { text: "\n".into() },
        TransitionError::EmptyText { what: "note" },
    );
}

#[test]
fn unclaiming_puts_the_ticket_back_in_the_queue_and_only_a_claimed_ticket_can_be_unclaimed() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        Action::Unclaim,
        TransitionError::NotClaimed {
            status: Status::Open,
        },
    );
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    f.clock.advance(Span::from_mins(45));
    let unclaimed = f.desk.act(&ana(), &ticket.id, Action::Unclaim).unwrap();
    assert_eq!(unclaimed.status, Status::Open);
    assert_eq!(unclaimed.assignee, None);
    assert_eq!(unclaimed.queued_since, f.now());
    assert_eq!(
        unclaimed.events.last().map(|e| &e.kind),
        Some(&EventKind::Unclaimed)
    );
    let claimed = f.desk.act(&bruno(), &ticket.id, Action::Claim).unwrap();
    assert_eq!(claimed.assignee.as_deref(), Some("Bruno"));
}

#[test]
fn transferring_to_another_expert_hands_them_the_ticket_and_tells_them_privately() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let transferred = f
        .desk
        .act(
            &ana(),
            &ticket.id,
            Action::Transfer(TransferTarget::Expert("telegram:9".into())),
        )
        .unwrap();
    assert_eq!(transferred.status, Status::Claimed);
    assert_eq!(
        transferred.assignee.as_deref(),
        Some("Carmen"),
        "the target is stored under the configured name, however it was typed"
    );
    let to_carmen: Vec<_> = f
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.chat == chat("telegram:9"))
        .collect();
    assert_eq!(to_carmen.len(), 1);
    assert_eq!(to_carmen[0].message.kind, MessageKind::Transferred);
    assert!(to_carmen[0].message.text.contains("Ana handed ticket"));

    assert_refused(
        &f.desk,
        &ana(),
        &ticket.id,
        answer("too late"),
        TransitionError::ClaimedBy {
            expert: "Carmen".into(),
        },
    );
    assert_refused(
        &f.desk,
        &carmen(),
        &ticket.id,
        Action::Transfer(TransferTarget::Expert("Carmen".into())),
        TransitionError::SameAssignee {
            expert: "Carmen".into(),
        },
    );
    let answered = f.desk.act(&carmen(), &ticket.id, answer("Sí.")).unwrap();
    assert_eq!(answered.status, Status::Answered);
}

#[test]
fn transferring_to_another_group_requeues_the_ticket_there_with_a_fresh_card() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    assert_eq!(ticket.cards.len(), 1);
    assert_eq!(ticket.cards[0].chat, chat(ANDES_CHAT));
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    f.clock.advance(Span::from_mins(10));
    let moved = f
        .desk
        .act(
            &ana(),
            &ticket.id,
            Action::Transfer(TransferTarget::Group("lusofonia".into())),
        )
        .unwrap();
    assert_eq!(moved.group, "lusofonia");
    assert_eq!(moved.status, Status::Open);
    assert_eq!(moved.assignee, None);
    assert_eq!(moved.queued_since, f.now());
    let card_chats: Vec<_> = moved.cards.iter().map(|c| c.chat.clone()).collect();
    assert_eq!(card_chats, vec![chat(ANDES_CHAT), chat(LUSOFONIA_CHAT)]);
    let new_cards: Vec<_> = f
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.chat == chat(LUSOFONIA_CHAT))
        .collect();
    assert_eq!(new_cards.len(), 1);
    assert_eq!(new_cards[0].message.kind, MessageKind::TicketCard);
    assert_eq!(new_cards[0].edit_of, None);

    assert_refused(
        &f.desk,
        &bruno(),
        &ticket.id,
        Action::Transfer(TransferTarget::Group("lusofonia".into())),
        TransitionError::SameGroup {
            group: "lusofonia".into(),
        },
    );
}

#[test]
fn transfers_to_unknown_experts_or_groups_are_refused_and_change_nothing() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let before = f.desk.ticket(&ticket.id).unwrap();
    let err = f
        .desk
        .act(
            &ana(),
            &ticket.id,
            Action::Transfer(TransferTarget::Expert("Zoe".into())),
        )
        .unwrap_err();
    assert!(matches!(&err, DeskError::UnknownExpert(who) if who == "Zoe"));
    assert!(err.to_string().contains("Zoe"));
    let err = f
        .desk
        .act(
            &ana(),
            &ticket.id,
            Action::Transfer(TransferTarget::Group("pacific".into())),
        )
        .unwrap_err();
    assert!(matches!(&err, DeskError::UnknownGroup(g) if g == "pacific"));
    assert_eq!(f.desk.ticket(&ticket.id).unwrap(), before);
}

#[test]
fn an_internal_note_never_reaches_the_asker() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    let secret = "asker seems to work for the ministry";
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let pending_before = f.desk.pending_messages().unwrap().len();
    f.desk
        .act(
            &ana(),
            &ticket.id,
            Action::Note {
                text: secret.into(),
            },
        )
        .unwrap();
    assert_eq!(
        f.desk.pending_messages().unwrap().len(),
        pending_before,
        "a note queues no message"
    );
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    deliver(&worker);

    let delivered = platforms.all();
    assert!(!delivered.is_empty());
    assert!(
        delivered.iter().all(|r| !r.message.text.contains(secret)),
        "the note leaked: {delivered:?}"
    );
    let to_asker: Vec<MessageKind> = platforms
        .to(&marta().chat())
        .iter()
        .map(|r| r.message.kind)
        .collect();
    assert_eq!(
        to_asker,
        vec![MessageKind::ExpertTookQuestion, MessageKind::ExpertAnswer]
    );
    let history = f.desk.ticket(&ticket.id).unwrap().events;
    assert!(history.iter().any(|e| e.kind
        == EventKind::Note {
            text: secret.into()
        }));
}

#[test]
fn the_asker_hears_in_their_own_language_who_took_the_question_and_what_they_answered() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(
        &f.desk,
        new_ticket(
            joaquim(),
            Lang::Pt,
            "Quem autoriza ITMOs no Brasil?",
            tags(&[], &["BR"]),
        ),
    );
    f.desk.act(&bruno(), &ticket.id, Action::Claim).unwrap();
    f.desk
        .act(&bruno(), &ticket.id, answer("A autoridade designada."))
        .unwrap();
    deliver(&worker);
    let to_asker = platforms.to(&joaquim().chat());
    let texts: Vec<&str> = to_asker.iter().map(|r| r.message.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("Bruno") && texts[0].contains("assumiu sua pergunta"));
    assert!(texts[0].contains(ticket.id.as_str()));
    assert!(texts[1].starts_with("Resposta de Bruno"));
    assert!(texts[1].ends_with("A autoridade designada."));
}

#[test]
fn closing_a_ticket_tells_the_asker_in_their_language_that_they_may_ask_again() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(
        &f.desk,
        new_ticket(
            joaquim(),
            Lang::Pt,
            "Quem autoriza ITMOs no Brasil?",
            tags(&[], &["BR"]),
        ),
    );
    f.desk.act(&bruno(), &ticket.id, Action::Claim).unwrap();
    f.desk
        .act(&bruno(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    deliver(&worker);
    let to_asker = platforms.to(&joaquim().chat());
    let closed: Vec<_> = to_asker
        .iter()
        .filter(|r| r.message.kind == MessageKind::TicketClosed)
        .collect();
    assert_eq!(closed.len(), 1, "{to_asker:?}");
    assert!(closed[0].message.text.contains(ticket.id.as_str()));
    assert!(
        closed[0].message.text.contains("pergunte de novo"),
        "{}",
        closed[0].message.text
    );
}

#[test]
fn a_ticket_needs_a_question_and_a_group() {
    let f = Fixture::new();
    let mut empty = chile_question();
    empty.question = "   ".into();
    assert!(matches!(
        f.desk.open_ticket(empty),
        Err(DeskError::EmptyQuestion)
    ));
    assert!(f.desk.tickets().unwrap().is_empty());
    assert!(f.desk.pending_messages().unwrap().is_empty());

    let no_groups = Fixture::with_config(toml::from_str("").unwrap());
    let err = no_groups.desk.open_ticket(chile_question()).unwrap_err();
    assert!(matches!(err, DeskError::NoGroup));
    assert!(err.to_string().contains("[[desk.groups]]"));
}

#[test]
fn unknown_tickets_are_reported_by_id() {
    let f = Fixture::new();
    let missing: TicketId = "K7P2Q".parse().unwrap();
    let err = f.desk.act(&ana(), &missing, Action::Claim).unwrap_err();
    assert!(matches!(&err, DeskError::NoSuchTicket(id) if id == &missing));
    assert!(err.to_string().contains("K7P2Q"));
}

#[test]
fn the_question_record_follows_its_ticket_for_the_outcome_metrics() {
    let f = Fixture::new();
    let (question, new) = recorded_chile_question(&f.desk);
    let opened_at = f.now();
    let ticket = open(&f.desk, new);
    let record = f.desk.question(question).unwrap();
    assert!(
        record.escalated,
        "opening a ticket marks the question escalated"
    );
    assert_eq!(record.ticket.as_ref(), Some(&ticket.id));
    assert_eq!(record.ticket_opened_at, Some(opened_at));
    assert_eq!(
        record.tags,
        tags(&["6.2"], &["CL"]),
        "untagged questions take the ticket's tags"
    );
    assert_eq!(record.first_response_at, None);

    f.clock.advance(Span::from_mins(12));
    f.desk.act(&ana(), &ticket.id, Action::Claim).unwrap();
    let claimed_at = f.now();
    f.clock.advance(Span::from_mins(30));
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    let record = f.desk.question(question).unwrap();
    assert_eq!(record.first_response_at, Some(claimed_at));
    assert_eq!(record.answered_at, Some(f.now()));

    f.desk
        .act(&ana(), &ticket.id, Action::Reopen { reason: None })
        .unwrap();
    let record = f.desk.question(question).unwrap();
    assert_eq!(record.answered_at, None, "a reopened question waits again");
    assert_eq!(
        record.first_response_at,
        Some(claimed_at),
        "the first response stays the first"
    );
}

#[test]
fn escalating_an_unknown_question_opens_no_ticket() {
    let f = Fixture::new();
    let mut new = chile_question();
    new.question_id = Some(QuestionId(42));
    let err = f.desk.open_ticket(new).unwrap_err();
    assert!(
        matches!(err, DeskError::NoSuchQuestion(QuestionId(42))),
        "{err:?}"
    );
    assert!(f.desk.tickets().unwrap().is_empty());
    assert!(f.desk.pending_messages().unwrap().is_empty());
}

#[test]
fn when_experts_race_to_claim_a_ticket_exactly_one_wins() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    let claimers = [ana(), ana_on_telegram(), bruno(), carmen()];
    let results: Vec<(Identity, Result<_, DeskError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = claimers
            .iter()
            .flat_map(|who| [who.clone(), who.clone()])
            .map(|who| {
                let desk = f.desk.clone();
                let id = ticket.id.clone();
                scope.spawn(move || {
                    let result = desk.act(&who, &id, Action::Claim);
                    (who, result)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&Identity> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(who, _)| who)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let holder = f.desk.ticket(&ticket.id).unwrap();
    let winner = f.desk.authorise(winners[0]).unwrap().name.clone();
    assert_eq!(holder.assignee.as_ref(), Some(&winner));
    for (who, result) in &results {
        if let Err(err) = result {
            let expected = if f.desk.authorise(who).unwrap().name == winner {
                TransitionError::AlreadyYours
            } else {
                TransitionError::ClaimedBy {
                    expert: winner.clone(),
                }
            };
            assert!(
                matches!(err, DeskError::Refused { reason, .. } if *reason == expected),
                "{who}: {err:?}"
            );
        }
    }
    let claims = holder
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Claimed)
        .count();
    assert_eq!(claims, 1);
    let took = f
        .desk
        .pending_messages()
        .unwrap()
        .iter()
        .filter(|m| m.message.kind == MessageKind::ExpertTookQuestion)
        .count();
    assert_eq!(took, 1, "the asker is told once");
}

#[test]
fn tickets_opened_concurrently_all_get_distinct_ids_and_cards() {
    let f = Fixture::new();
    let ids: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let desk = f.desk.clone();
                scope.spawn(move || {
                    (0..25)
                        .map(|_| desk.open_ticket(chile_question()).unwrap().ticket.id)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let distinct: HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), 100);
    assert_eq!(f.desk.tickets().unwrap().len(), 100);
    let cards: HashSet<_> = f
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .map(|m| m.message.ticket)
        .collect();
    assert_eq!(cards.len(), 100);
}

#[test]
fn escalating_a_question_again_returns_its_ticket_and_queues_nothing() {
    let f = Fixture::new();
    let (_, new) = recorded_chile_question(&f.desk);
    let first = f.desk.open_ticket(new.clone()).unwrap();
    assert!(first.opened);
    let queued = f.desk.pending_messages().unwrap();
    f.clock.advance(Span::from_mins(1));
    let again = f.desk.open_ticket(new).unwrap();
    assert!(!again.opened, "a second press opens nothing");
    assert_eq!(again.ticket, first.ticket);
    assert_eq!(f.desk.tickets().unwrap().len(), 1);
    assert_eq!(
        f.desk.pending_messages().unwrap(),
        queued,
        "the experts are not told twice"
    );
}

#[test]
fn escalating_a_question_whose_ticket_was_closed_returns_the_closed_ticket() {
    let f = Fixture::new();
    let (question, new) = recorded_chile_question(&f.desk);
    let ticket = open(&f.desk, new.clone());
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    let queued = f.desk.pending_messages().unwrap();
    let again = f.desk.open_ticket(new).unwrap();
    assert!(!again.opened);
    assert_eq!(again.ticket.id, ticket.id);
    assert_eq!(
        again.ticket.status,
        Status::Closed,
        "reopening is the experts' call (or the asker's 👎 on an answer), not a second press's"
    );
    assert_eq!(f.desk.tickets().unwrap().len(), 1);
    assert_eq!(f.desk.pending_messages().unwrap(), queued);
    assert_eq!(f.desk.question(question).unwrap().ticket, Some(ticket.id));
}

#[test]
fn only_the_asker_may_escalate_their_question_and_a_forgotten_one_cannot_be() {
    let f = Fixture::new();
    let (question, mut new) = recorded_chile_question(&f.desk);
    new.asker = joaquim();
    let err = f.desk.open_ticket(new.clone()).unwrap_err();
    assert!(matches!(&err, DeskError::NotTheAsker(who) if *who == joaquim().identity()));
    assert!(f.desk.tickets().unwrap().is_empty());

    new.asker = marta();
    f.desk.forget(&marta().identity()).unwrap();
    let err = f.desk.open_ticket(new).unwrap_err();
    assert!(
        matches!(err, DeskError::ForgottenQuestion(q) if q == question),
        "{err:?}"
    );
    assert!(err.to_string().contains("ask it again"), "{err}");
    assert!(f.desk.tickets().unwrap().is_empty());
}

#[test]
fn a_forgotten_escalated_question_does_not_come_back_as_a_new_ticket() {
    let f = Fixture::new();
    let (question, new) = recorded_chile_question(&f.desk);
    open(&f.desk, new.clone());
    f.desk.forget(&marta().identity()).unwrap();
    let err = f.desk.open_ticket(new).unwrap_err();
    assert!(matches!(err, DeskError::ForgottenQuestion(q) if q == question));
    assert!(f.desk.tickets().unwrap().is_empty());
}

#[test]
fn someone_else_escalating_an_escalated_question_gets_no_ticket() {
    let f = Fixture::new();
    let (_, mut new) = recorded_chile_question(&f.desk);
    open(&f.desk, new.clone());
    new.asker = joaquim();
    let err = f.desk.open_ticket(new).unwrap_err();
    assert!(matches!(&err, DeskError::NotTheAsker(who) if *who == joaquim().identity()));
}

#[test]
fn a_recorded_questions_ticket_starts_from_the_citations_kept_with_it() {
    let f = Fixture::new();
    let cited = consulta_desk::RetrievedPassage {
        title: "Mecanismo del artículo 6.4".into(),
        section: "Autorización".into(),
        source: "Decisión 3/CMA.3, anexo, párr. 27".into(),
        source_url: None,
        date: Some("2025-06-01".into()),
        text: "La Parte anfitriona autoriza la participación.".into(),
        score: 0.61,
    };
    let question = record(
        &f.desk,
        NewQuestion {
            passages: vec![cited.clone()],
            ..new_question(
                joaquim(),
                Lang::Pt,
                "Quem autoriza atividades do 6.4 no Brasil?",
                tags(&["6.4"], &["BR"]),
            )
        },
    );
    let record = f.desk.question(question).unwrap();
    assert_eq!(
        record.passages,
        std::slice::from_ref(&cited),
        "the citations are kept"
    );

    // The front-end sends neither words, language, citations nor tags: the desk has them.
    let mut new = new_ticket(joaquim(), Lang::En, "", Default::default());
    new.question_id = Some(question);
    let ticket = open(&f.desk, new);
    assert_eq!(
        ticket.question,
        "Quem autoriza atividades do 6.4 no Brasil?"
    );
    assert_eq!(
        ticket.language,
        Lang::Pt,
        "the asker is answered in their language"
    );
    assert_eq!(ticket.passages, [cited]);
    assert_eq!(ticket.tags, tags(&["6.4"], &["BR"]));
    assert_eq!(ticket.group, "lusofonia", "routed by the question's tags");

    f.desk.forget(&joaquim().identity()).unwrap();
    assert!(
        f.desk.question(question).unwrap().passages.is_empty(),
        "forgetting drops the citations with the words"
    );
}

#[test]
fn the_askers_cap_refuses_a_new_ticket_but_not_a_questions_own_and_counts_open_ones_only() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::builder(config())
        .clock(Arc::new(ManualClock::new(start())))
        .max_open_tickets_per_asker(2)
        .open(dir.path())
        .unwrap();
    let marta_asks = |text: &str| new_ticket(marta(), Lang::Es, text, tags(&[], &["PE"]));
    let (question, escalation) = recorded_chile_question(&desk);
    let first = open(&desk, escalation);
    open(&desk, marta_asks("¿Y en Colombia?"));
    match desk.open_ticket(marta_asks("¿Y en Perú?")) {
        Err(DeskError::TooManyOpen { open: 2, cap: 2 }) => {}
        other => panic!("refused for the cap: {other:?}"),
    }
    let mut again = chile_question();
    again.question_id = Some(question);
    let found = desk.open_ticket(again).unwrap();
    assert!(
        !found.opened && found.ticket.id == first.id,
        "its own ticket, whatever the cap"
    );
    assert!(
        desk.open_ticket(brazil_question()).is_ok(),
        "askers are counted apart"
    );
    desk.act(&ana(), &first.id, Action::Claim).unwrap();
    desk.act(&ana(), &first.id, Action::Close { reason: None })
        .unwrap();
    assert!(
        desk.open_ticket(marta_asks("¿Y en Perú?")).is_ok(),
        "a closed ticket frees a place"
    );
}
