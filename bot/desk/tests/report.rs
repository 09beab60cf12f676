//! The desk report over a period: how many questions were asked, escalated and resolved, how fast
//! experts responded, which tags were busiest, and which clusters of escalated or low-confidence
//! questions show gaps in the knowledge base. The clustering runs on a deterministic keyword embedder,
//! so the expected clusters are known; real-model retrieval is tested elsewhere.

mod common;

use common::*;
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Asker, NewQuestion, Period, Platform, QuestionId, Rating, ResolutionCounts, Span,
    TagCount, Tags,
};

fn ask(
    f: &Fixture,
    asker: Asker,
    language: Lang,
    text: &str,
    confidence: f32,
    escalate: bool,
    tags: Tags,
) -> QuestionId {
    record(
        &f.desk,
        NewQuestion {
            confidence,
            escalate,
            ..new_question(asker, language, text, tags)
        },
    )
}

fn diego() -> Asker {
    Asker {
        platform: Platform::Telegram,
        chat_id: "888".into(),
        user_id: "803".into(),
        display_name: "Diego".into(),
    }
}

fn tag_counts(rows: &[(&str, usize)]) -> Vec<TagCount> {
    rows.iter()
        .map(|&(tag, count)| TagCount {
            tag: tag.into(),
            count,
        })
        .collect()
}

#[test]
fn the_report_counts_outcomes_response_times_busiest_tags_and_gap_clusters() {
    let f = Fixture::new();
    let since = f.now();

    // Outside the period: asked a day before it starts.
    f.clock.set(since.minus(Span::from_days(1)));
    ask(
        &f,
        diego(),
        Lang::Es,
        "¿Cómo se calcula un ITMO antiguo?",
        0.1,
        true,
        tags(&["6.2"], &["AR"]),
    );
    f.clock.set(since);

    // 1. Escalated, claimed after 30 min, answered, rated 👍: confirmed.
    let q1 = ask(
        &f,
        marta(),
        Lang::Es,
        "¿Quién autoriza los ITMO en Chile?",
        0.2,
        true,
        tags(&["6.2", "itmo"], &["CL"]),
    );
    let mut new = chile_question();
    new.question_id = Some(q1);
    let t1 = open(&f.desk, new);

    // 2. Escalated, claimed after 90 min, answered, then silence: assumed resolved.
    let q2 = ask(
        &f,
        joaquim(),
        Lang::Pt,
        "Quem autoriza ITMOs no Brasil?",
        0.25,
        true,
        tags(&["6.2", "authorisation"], &["BR"]),
    );
    let mut new = new_ticket(
        joaquim(),
        Lang::Pt,
        "Quem autoriza ITMOs no Brasil?",
        Tags::default(),
    );
    new.question_id = Some(q2);
    let t2 = open(&f.desk, new);

    // 3. Answered by Consulta with low confidence, then followed up by the same person: unresolved.
    let q3 = ask(
        &f,
        lucy(),
        Lang::En,
        "Who authorises ITMO transfers?",
        0.3,
        false,
        tags(&["6.2"], &[]),
    );

    // 5. Escalated to a ticket nobody answers: pending.
    let q5 = ask(
        &f,
        diego(),
        Lang::Es,
        "¿Qué es el mecanismo del artículo 6.4?",
        0.1,
        true,
        tags(&["6.4"], &["CL"]),
    );
    let mut new = new_ticket(
        diego(),
        Lang::Es,
        "¿Qué es el mecanismo del artículo 6.4?",
        tags(&["6.4"], &["CL"]),
    );
    new.question_id = Some(q5);
    open(&f.desk, new);

    f.clock.advance(Span::from_mins(30));
    f.desk.act(&ana(), &t1.id, Action::Claim).unwrap();
    // 4. Lucy asks again within the window: q3 was not enough. Confident and not escalated: no gap.
    let q4 = ask(
        &f,
        lucy(),
        Lang::En,
        "What is a corresponding adjustment?",
        0.9,
        false,
        tags(&["corresponding-adjustment"], &[]),
    );
    f.clock.advance(Span::from_mins(30));
    f.desk
        .act(&ana(), &t1.id, answer("El Ministerio."))
        .unwrap();
    f.desk
        .rate_ticket(&marta().identity(), &t1.id, Rating::Up)
        .unwrap();
    f.clock.advance(Span::from_mins(30));
    f.desk.act(&bruno(), &t2.id, Action::Claim).unwrap();
    f.desk.act(&bruno(), &t2.id, answer("O MMA.")).unwrap();

    f.clock.advance(Span::from_days(4));
    let period = Period {
        since,
        until: since.plus(Span::from_days(7)),
    };
    let embedder = KeywordEmbedder::default();
    let report = f.desk.report(period, &embedder).unwrap();

    assert_eq!(report.period, period);
    assert_eq!(report.generated_at, f.now());
    assert_eq!(report.questions, 5);
    assert_eq!(report.escalated, 3);
    assert_eq!(report.involved, 2);
    assert_eq!(report.tickets, 3);
    assert_eq!(
        report.resolution,
        ResolutionCounts {
            confirmed: 1,
            assumed: 2,
            unresolved: 1,
            pending: 1,
        },
        "q1 confirmed, q2 and q4 assumed, q3 unresolved, q5 pending"
    );
    assert_eq!(report.escalation_rate, Some(0.6));
    assert_eq!(report.involvement_rate, Some(0.4));
    assert_eq!(report.resolution_rate, Some(0.75));
    let first = report.first_response.expect("two tickets had a response");
    assert_eq!(first.count, 2);
    assert_eq!(first.median_minutes, 30.0);
    assert_eq!(first.p90_minutes, 90.0);
    assert_eq!(first.mean_minutes, 60.0);
    assert_eq!(
        report.busiest_topics,
        tag_counts(&[
            ("6.2", 3),
            ("6.4", 1),
            ("authorisation", 1),
            ("corresponding-adjustment", 1),
            ("itmo", 1),
        ])
    );
    assert_eq!(
        report.busiest_countries,
        tag_counts(&[("CL", 2), ("BR", 1)])
    );

    assert_eq!(report.gap_questions, 4, "q1, q2, q3 and q5");
    let mut embedded = embedder.embedded();
    embedded.sort();
    let mut expected = vec![
        "¿Quién autoriza los ITMO en Chile?",
        "Quem autoriza ITMOs no Brasil?",
        "Who authorises ITMO transfers?",
        "¿Qué es el mecanismo del artículo 6.4?",
    ];
    expected.sort();
    assert_eq!(
        embedded, expected,
        "only the period's escalated or low-confidence questions are embedded"
    );
    assert_eq!(report.gaps.len(), 2);
    let itmo = &report.gaps[0];
    assert_eq!(itmo.size, 3);
    assert_eq!(itmo.escalated, 2);
    assert!((itmo.mean_confidence - 0.25).abs() < 1e-6);
    let mut languages = itmo.languages.clone();
    languages.sort_by_key(|l| l.code());
    assert_eq!(languages, vec![Lang::En, Lang::Es, Lang::Pt]);
    assert_eq!(itmo.examples.len(), 3, "gap_examples = 3");
    assert!(itmo.examples.iter().all(|e| e.contains("ITMO")));
    let article_6_4 = &report.gaps[1];
    assert_eq!(article_6_4.size, 1);
    assert_eq!(
        article_6_4.examples,
        vec!["¿Qué es el mecanismo del artículo 6.4?".to_string()]
    );
    assert_eq!(article_6_4.languages, vec![Lang::Es]);

    let q4_record = f.desk.question(q4).unwrap();
    assert_eq!(q4_record.followed_up_at, None);
    assert!(f.desk.question(q3).unwrap().followed_up_at.is_some());

    let text = report.to_string();
    assert!(text.contains("Questions asked:   5"), "{text}");
    assert!(text.contains("Resolution rate:   75.0%"), "{text}");
    assert!(text.contains("Busiest topics: 6.2 (3)"), "{text}");
    assert!(text.contains("Coverage gaps: 2 clusters from 4"), "{text}");
}

#[test]
fn an_empty_period_reports_nothing_and_rates_as_not_available() {
    let f = Fixture::new();
    ask(
        &f,
        marta(),
        Lang::Es,
        "¿Quién autoriza los ITMO?",
        0.1,
        true,
        Tags::default(),
    );
    let later = f.now().plus(Span::from_days(30));
    let period = Period {
        since: later,
        until: later.plus(Span::from_days(7)),
    };
    let embedder = KeywordEmbedder::default();
    let report = f.desk.report(period, &embedder).unwrap();
    assert_eq!(report.questions, 0);
    assert_eq!(report.escalation_rate, None);
    assert_eq!(report.resolution_rate, None);
    assert_eq!(report.first_response, None);
    assert!(report.gaps.is_empty());
    assert!(embedder.embedded().is_empty());
    assert!(report.to_string().contains("Escalation rate:   n/a"));
}
