//! What the desk forgets, and when. `forget` removes a person's tickets, the undelivered messages about
//! them and the words and identity of their questions, while the anonymised question records stay so
//! that past metrics do not change. Retention does the same by age at `tick`: closed tickets past
//! `retention` are deleted and older questions anonymised.

mod common;

use common::*;
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Approval, Asker, DeliveryError, DeskError, Forgotten, Period, QuestionId, Rating, Span,
    Ticket,
};

fn ask(f: &Fixture, asker: Asker, text: &str) -> QuestionId {
    record(
        &f.desk,
        new_question(asker, Lang::Es, text, tags(&["6.2"], &["CL"])),
    )
}

fn escalate(f: &Fixture, asker: Asker, text: &str) -> Ticket {
    let question = ask(f, asker.clone(), text);
    let mut new = new_ticket(asker, Lang::Es, text, tags(&["6.2"], &["CL"]));
    new.question_id = Some(question);
    open(&f.desk, new)
}

#[test]
fn forgetting_a_user_deletes_their_tickets_and_the_words_of_their_questions() {
    let f = Fixture::new();
    let hers = escalate(&f, marta(), "¿Quién autoriza los ITMO en Chile?");
    let also_hers = escalate(&f, marta(), "¿Y en Perú?");
    let his = escalate(&f, joaquim(), "Quem autoriza ITMOs no Brasil?");
    let plain = ask(&f, marta(), "¿Qué es un ITMO?");
    f.desk
        .act(&ana(), &hers.id, answer("El Ministerio."))
        .unwrap();
    f.desk
        .rate_ticket(&marta().identity(), &hers.id, Rating::Up)
        .unwrap();
    let questions_before = f.desk.questions().unwrap();
    let report_before = f
        .desk
        .report(whole_history(&f), &KeywordEmbedder::default())
        .unwrap();

    let forgotten = f.desk.forget(&marta().identity()).unwrap();
    assert_eq!(forgotten.tickets, 2);
    assert_eq!(forgotten.questions, 3);
    // Two cards and the two messages of the answer (card edit, answer to Marta).
    assert_eq!(forgotten.messages, 4);

    for id in [&hers.id, &also_hers.id] {
        assert!(matches!(f.desk.ticket(id), Err(DeskError::NoSuchTicket(_))));
    }
    assert_eq!(f.desk.ticket(&his.id).unwrap().asker, joaquim());
    let left: Vec<_> = f
        .desk
        .tickets()
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(left, vec![his.id.clone()]);
    assert!(
        f.desk
            .pending_messages()
            .unwrap()
            .iter()
            .all(|m| m.message.ticket == his.id),
        "messages about her tickets are dropped, his stay"
    );

    let questions = f.desk.questions().unwrap();
    assert_eq!(
        questions.len(),
        questions_before.len(),
        "records stay for metrics"
    );
    for (after, before) in questions.iter().zip(&questions_before) {
        if before.user == Some(marta().identity()) {
            assert_eq!(after.user, None);
            assert_eq!(after.text, None);
            assert_eq!(after.at, before.at);
            assert_eq!(after.escalated, before.escalated);
            assert_eq!(after.rating, before.rating);
            assert_eq!(after.answered_at, before.answered_at);
        } else {
            assert_eq!(after, before);
        }
    }
    assert!(f.desk.question(plain).unwrap().text.is_none());
    let dump = format!(
        "{:?}{:?}",
        f.desk.questions().unwrap(),
        f.desk.tickets().unwrap()
    );
    for trace in ["Marta", "¿Y en Perú?", "¿Qué es un ITMO?", "901"] {
        assert!(!dump.contains(trace), "{trace:?} is still stored");
    }

    let report = f
        .desk
        .report(whole_history(&f), &KeywordEmbedder::default())
        .unwrap();
    assert_eq!(report.questions, report_before.questions);
    assert_eq!(report.escalated, report_before.escalated);
    assert_eq!(report.resolution, report_before.resolution);
    assert_eq!(
        report.gap_questions, 1,
        "only his words are left to cluster"
    );

    assert_eq!(
        f.desk.forget(&marta().identity()).unwrap(),
        Forgotten::default(),
        "forgetting is idempotent"
    );
}

#[test]
fn forgetting_drops_dead_letters_about_the_user_but_keeps_curated_entries() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = escalate(&f, marta(), "¿Quién autoriza los ITMO en Chile?");
    f.desk
        .act(&ana(), &ticket.id, answer("El Ministerio."))
        .unwrap();
    platforms
        .discord
        .fail_next(1, DeliveryError::permanent("user blocked the bot"));
    deliver(&worker);
    assert_eq!(f.desk.dead_letters().unwrap().len(), 1);
    // The cards are edited to say the asker was not reached; those edits go out too.
    assert_eq!(deliver(&worker).dead, 0);
    f.desk
        .approve(
            &ana(),
            &ticket.id,
            Approval {
                question: "¿Quién autoriza los ITMO en Chile?".into(),
                answer: "El Ministerio.".into(),
                confirm_particulars: false,
            },
        )
        .unwrap();

    let forgotten = f.desk.forget(&marta().identity()).unwrap();
    assert_eq!(forgotten.messages, 1);
    assert!(f.desk.dead_letters().unwrap().is_empty());
    let curated = f.desk.curated().unwrap();
    assert_eq!(
        curated.len(),
        1,
        "approved for publication, and without identity"
    );
    assert!(!format!("{curated:?}").contains("901"));
}

#[test]
fn after_being_forgotten_a_new_question_is_not_a_follow_up_of_the_old_one() {
    let f = Fixture::new();
    let old = ask(&f, marta(), "¿Qué es un ITMO?");
    f.desk.forget(&marta().identity()).unwrap();
    f.clock.advance(Span::from_mins(5));
    ask(&f, marta(), "¿Quién autoriza los ITMO?");
    assert_eq!(f.desk.question(old).unwrap().followed_up_at, None);
}

#[test]
fn retention_purges_closed_tickets_older_than_the_configured_days_at_tick() {
    let f = Fixture::new();
    assert_eq!(f.desk.config().retention, Some(Span::from_days(30)));
    let closed_early = escalate(&f, marta(), "¿Primera?");
    f.desk
        .act(&ana(), &closed_early.id, Action::Close { reason: None })
        .unwrap();
    let still_open = escalate(&f, joaquim(), "Ainda aberto?");
    let answered = escalate(&f, lucy(), "Answered, never closed?");
    f.desk.act(&ana(), &answered.id, answer("Yes.")).unwrap();

    f.clock.advance(Span::from_days(10));
    let closed_later = escalate(&f, marta(), "¿Segunda?");
    f.desk
        .act(&ana(), &closed_later.id, Action::Close { reason: None })
        .unwrap();

    f.clock.advance(Span::from_days(20));
    let report = f.desk.tick().unwrap();
    assert_eq!(
        report.retention.tickets, 0,
        "exactly 30 days is not older than 30"
    );
    assert_eq!(f.desk.tickets().unwrap().len(), 4);

    f.clock.advance(Span::from_mins(1));
    let report = f.desk.tick().unwrap();
    assert_eq!(report.retention.tickets, 1);
    assert_eq!(
        report.retention.ticket_ids,
        std::slice::from_ref(&closed_early.id),
        "the front-ends drop their rows by these ids"
    );
    assert!(matches!(
        f.desk.ticket(&closed_early.id),
        Err(DeskError::NoSuchTicket(_))
    ));
    for kept in [&still_open.id, &answered.id, &closed_later.id] {
        assert!(f.desk.ticket(kept).is_ok(), "{kept} should be kept");
    }
    assert_eq!(
        report.retention.questions, 3,
        "questions asked before the cutoff lose their words, whatever their ticket"
    );
    assert_eq!(report.retention.question_ids.len(), 3);
    let questions = f.desk.questions().unwrap();
    assert_eq!(questions.len(), 4);
    assert_eq!(questions.iter().filter(|q| q.text.is_none()).count(), 3);
    assert!(
        questions
            .iter()
            .any(|q| q.text.as_deref() == Some("¿Segunda?"))
    );

    assert_eq!(
        f.desk.tick().unwrap().retention.tickets,
        0,
        "nothing left to purge"
    );
    f.clock.advance(Span::from_days(10));
    let report = f.desk.tick().unwrap();
    assert_eq!(report.retention.tickets, 1);
    assert_eq!(report.retention.questions, 1);
    assert!(f.desk.ticket(&closed_later.id).is_err());
}

#[test]
fn retention_counts_from_the_closure_not_from_the_opening() {
    let f = Fixture::new();
    let ticket = escalate(&f, marta(), "¿Larga espera?");
    f.clock.advance(Span::from_days(40));
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    f.clock.advance(Span::from_days(29));
    assert_eq!(f.desk.tick().unwrap().retention.tickets, 0);

    f.desk
        .act(&ana(), &ticket.id, Action::Reopen { reason: None })
        .unwrap();
    f.clock.advance(Span::from_days(5));
    assert_eq!(
        f.desk.tick().unwrap().retention.tickets,
        0,
        "a reopened ticket is live again"
    );
    assert!(f.desk.ticket(&ticket.id).is_ok());
}

#[test]
fn retention_drops_the_undelivered_messages_of_purged_tickets() {
    let f = Fixture::new();
    let ticket = escalate(&f, marta(), "¿Sin entregar?");
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    assert!(!f.desk.pending_messages().unwrap().is_empty());
    f.clock.advance(Span::from_days(31));
    assert_eq!(f.desk.tick().unwrap().retention.tickets, 1);
    assert!(
        f.desk
            .pending_messages()
            .unwrap()
            .iter()
            .all(|m| m.message.ticket != ticket.id)
    );
}

#[test]
fn without_retention_nothing_is_purged() {
    let mut config = config();
    config.retention = None;
    let f = Fixture::with_config(config);
    let ticket = escalate(&f, marta(), "¿Para siempre?");
    f.desk
        .act(&ana(), &ticket.id, Action::Close { reason: None })
        .unwrap();
    f.clock.advance(Span::from_days(3650));
    let report = f.desk.tick().unwrap();
    assert_eq!(
        (report.retention.tickets, report.retention.questions),
        (0, 0)
    );
    assert!(f.desk.ticket(&ticket.id).is_ok());
    assert!(f.desk.questions().unwrap()[0].text.is_some());
}

fn whole_history(f: &Fixture) -> Period {
    Period {
        since: start(),
        until: f.now().plus(Span::from_days(1)),
    }
}

#[test]
fn retention_is_a_span_and_a_number_of_days_still_reads_as_days() {
    let parse = |text: &str| toml::from_str::<consulta_desk::DeskConfig>(text);
    let retention = |text: &str| parse(text).expect("the config parses").retention;
    assert_eq!(retention("retention = \"12h\""), Some(Span::from_hours(12)));
    assert_eq!(retention("retention = \"90d\""), Some(Span::from_days(90)));
    assert_eq!(retention("retention_days = 30"), Some(Span::from_days(30)));
    assert_eq!(
        retention(""),
        Some(Span::from_days(365)),
        "a year unless set"
    );
    for (bad, said) in [
        ("retention = \"soon\"", "soon"),
        ("retention_days = -3", "cannot be negative"),
        ("retention = \"1d\"\nretention_days = 1", "duplicate field"),
    ] {
        let error = parse(bad).expect_err(bad).to_string();
        assert!(error.contains(said), "{bad}: {error}");
    }
}
