//! Who may act on tickets: only identities listed under a configured expert. Front-ends vouch for the
//! platform identity of whoever pressed a button, so the desk must refuse every action, and curation,
//! from anyone else — including an asker, and an expert's user id on a platform they did not list.

mod common;

use common::*;
use consulta_desk::{Action, Approval, DeskError, Identity, Rating, TransferTarget};

fn every_action() -> Vec<Action> {
    vec![
        Action::Claim,
        Action::Unclaim,
        answer("I am not an expert but"),
        Action::Close { reason: None },
        Action::Reopen { reason: None },
        Action::Transfer(TransferTarget::Expert("Ana".into())),
        Action::Transfer(TransferTarget::Group("markets".into())),
        Action::Note {
            text: "sneaky".into(),
        },
    ]
}

fn assert_not_an_expert(result: Result<impl std::fmt::Debug, DeskError>, who: &Identity) {
    match result {
        Err(DeskError::NotAnExpert(refused)) => assert_eq!(&refused, who),
        other => panic!("{who} should be refused as not an expert, got {other:?}"),
    }
}

#[test]
fn an_identity_that_is_not_a_configured_expert_is_refused_for_every_action() {
    let f = Fixture::new();
    let queued = open(&f.desk, chile_question());
    let answered = open(&f.desk, chile_question());
    f.desk.act(&ana(), &answered.id, answer("Sí.")).unwrap();
    let closed = open(&f.desk, chile_question());
    f.desk
        .act(&ana(), &closed.id, Action::Close { reason: None })
        .unwrap();
    let outsiders = [
        stranger(),
        marta().identity(),
        // Ana is telegram:7; the same number on Discord is someone else.
        id("discord:7"),
    ];
    let tickets = [&queued, &answered, &closed];
    let before: Vec<_> = tickets
        .iter()
        .map(|t| f.desk.ticket(&t.id).unwrap())
        .collect();
    let pending = f.desk.pending_messages().unwrap();
    for who in &outsiders {
        assert!(matches!(
            f.desk.authorise(who),
            Err(DeskError::NotAnExpert(_))
        ));
        for ticket in tickets {
            for action in every_action() {
                assert_not_an_expert(f.desk.act(who, &ticket.id, action), who);
            }
        }
        let approval = Approval {
            question: "¿Qué es un ITMO?".into(),
            answer: "Un resultado de mitigación.".into(),
            confirm_particulars: true,
        };
        assert_not_an_expert(f.desk.approve(who, &answered.id, approval), who);
        assert!(matches!(
            f.desk.approval_draft(who, &answered.id),
            Err(DeskError::NotAnExpert(_))
        ));
    }
    let after: Vec<_> = tickets
        .iter()
        .map(|t| f.desk.ticket(&t.id).unwrap())
        .collect();
    assert_eq!(after, before);
    assert_eq!(f.desk.pending_messages().unwrap(), pending);
    assert!(f.desk.curated().unwrap().is_empty());
}

#[test]
fn the_refusal_tells_the_operator_how_to_make_someone_an_expert() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    let err = f
        .desk
        .act(&stranger(), &ticket.id, Action::Claim)
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("telegram:666"), "{text}");
    assert!(text.contains("identities"), "{text}");
}

#[test]
fn every_configured_identity_of_an_expert_acts_as_that_expert() {
    let f = Fixture::new();
    assert_eq!(f.desk.authorise(&ana()).unwrap().name, "Ana");
    assert_eq!(f.desk.authorise(&ana_on_telegram()).unwrap().name, "Ana");
    let ticket = open(&f.desk, chile_question());
    f.desk
        .act(&ana_on_telegram(), &ticket.id, Action::Claim)
        .unwrap();
    let answered = f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    assert_eq!(answered.assignee.as_deref(), Some("Ana"));
}

#[test]
fn only_the_asker_may_rate_the_expert_answer() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    assert!(
        matches!(
            f.desk
                .rate_ticket(&marta().identity(), &ticket.id, Rating::Up),
            Err(DeskError::Refused { .. })
        ),
        "nothing to rate before an answer"
    );
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    for who in [ana(), stranger(), joaquim().identity()] {
        match f.desk.rate_ticket(&who, &ticket.id, Rating::Down) {
            Err(DeskError::NotTheAsker(refused)) => assert_eq!(refused, who),
            other => panic!("{who} rated someone else's ticket: {other:?}"),
        }
    }
    assert_eq!(f.desk.ticket(&ticket.id).unwrap().rating, None);
    let rated = f
        .desk
        .rate_ticket(&marta().identity(), &ticket.id, Rating::Up)
        .unwrap();
    assert_eq!(rated.rating, Some(Rating::Up));
}
