//! The curated loop: an expert approves an answered ticket as an FAQ entry (optionally rewording it),
//! the desk stores it durably, pushes it to the retrieval index through the `CuratedSink`, and records
//! whether the index has it, so that a failed push is repeated by `republish_curated`. The export must
//! be FAQ YAML that the knowledge-base loader reads back unchanged.

mod common;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use consulta_corpus::{Lang, Passage, PassageKind};
use consulta_desk::{
    Approval, CuratedSink, Desk, DeskError, EventKind, ManualClock, NewTicket, Span, Ticket,
    TicketId, TransitionError, export_id,
};

/// A stand-in for the retrieval index: keeps what it is given, and can refuse the next pushes.
#[derive(Default)]
struct RecordingSink {
    passages: Mutex<Vec<Passage>>,
    failures: AtomicUsize,
}

impl RecordingSink {
    fn fail_next(&self, times: usize) {
        self.failures.store(times, Ordering::SeqCst);
    }

    fn passages(&self) -> Vec<Passage> {
        self.passages.lock().unwrap().clone()
    }
}

impl CuratedSink for RecordingSink {
    fn upsert_curated(
        &self,
        passage: Passage,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let refused = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refused {
            return Err("index is read-only during a rebuild".into());
        }
        self.passages.lock().unwrap().push(passage);
        Ok(())
    }
}

struct Curation {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    sink: Arc<RecordingSink>,
    desk: Desk,
}

fn curation() -> Curation {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(start()));
    let sink = Arc::new(RecordingSink::default());
    let desk = Desk::builder(config())
        .clock(clock.clone())
        .sink(sink.clone())
        .open(dir.path())
        .unwrap();
    Curation {
        _dir: dir,
        clock,
        sink,
        desk,
    }
}

/// What an expert approves when they publish the draft unchanged.
fn as_shown(desk: &Desk, ticket: &TicketId) -> Approval {
    desk.approval_draft(&ana(), ticket).unwrap().as_shown()
}

/// An approval publishing exactly `question` and `answer`.
fn words(question: &str, answer: &str) -> Approval {
    Approval {
        question: question.into(),
        answer: answer.into(),
        confirm_particulars: false,
    }
}

fn answered(desk: &Desk, new: NewTicket, text: &str) -> Ticket {
    let ticket = open(desk, new);
    desk.act(&ana(), &ticket.id, answer(text)).unwrap()
}

#[test]
fn approving_an_answer_stores_a_curated_entry_and_indexes_it_at_once() {
    let c = curation();
    let ticket = answered(
        &c.desk,
        chile_question(),
        "El Ministerio del Medio Ambiente, como autoridad designada.",
    );
    c.clock.advance(Span::from_days(2));
    let entry = c
        .desk
        .approve(&bruno(), &ticket.id, as_shown(&c.desk, &ticket.id))
        .unwrap();
    assert_eq!(entry.ticket, ticket.id);
    assert_eq!(entry.question, "¿Quién autoriza los ITMO en Chile?");
    assert_eq!(
        entry.answer,
        "El Ministerio del Medio Ambiente, como autoridad designada."
    );
    assert_eq!(entry.expert, "Ana", "credited to who answered");
    assert_eq!(entry.approved_by, "Bruno");
    assert_eq!(entry.approved_at, c.desk.now());
    assert_eq!(entry.language, Lang::Es);
    assert_eq!(entry.tags, tags(&["6.2"], &["CL"]));
    assert!(entry.indexed);
    assert_eq!(c.desk.curated().unwrap(), vec![entry.clone()]);

    let pushed = c.sink.passages();
    assert_eq!(pushed.len(), 1);
    let passage = &pushed[0];
    assert_eq!(passage.kind, PassageKind::Curated);
    assert_eq!(passage.doc_id, format!("curated:{}", ticket.id));
    assert_eq!(passage.title, entry.question);
    assert_eq!(passage.text, entry.answer);
    assert_eq!(passage.source, "Answered by expert Ana, 2025-03-12");
    assert_eq!(passage.valid_as_of.as_deref(), Some("2025-03-12"));
    assert_eq!(passage.countries, vec!["CL".to_string()]);

    let history = c.desk.ticket(&ticket.id).unwrap().events;
    let approval = history.last().unwrap();
    assert_eq!(approval.kind, EventKind::Approved);
    assert_eq!(approval.at, c.desk.now());
}

#[test]
fn an_approval_can_reword_the_question_and_answer_for_a_general_reader() {
    let c = curation();
    let ticket = answered(
        &c.desk,
        chile_question(),
        "Marta, en tu caso escribe al Ministerio.",
    );
    let entry = c
        .desk
        .approve(
            &ana(),
            &ticket.id,
            Approval {
                question: "  ¿Quién autoriza las transferencias de ITMO en Chile? ".into(),
                answer: "El Ministerio del Medio Ambiente.".into(),
                confirm_particulars: false,
            },
        )
        .unwrap();
    assert_eq!(
        entry.question,
        "¿Quién autoriza las transferencias de ITMO en Chile?"
    );
    assert_eq!(entry.answer, "El Ministerio del Medio Ambiente.");
    let passage = &c.sink.passages()[0];
    assert_eq!(passage.title, entry.question);
    assert_eq!(passage.text, entry.answer);
    assert!(!passage.text.contains("Marta"));
    assert_eq!(
        c.desk.ticket(&ticket.id).unwrap().answer.unwrap().text,
        "Marta, en tu caso escribe al Ministerio.",
        "the asker's answer is untouched"
    );
}

#[test]
fn particulars_in_the_text_to_publish_need_the_experts_confirmation() {
    let c = curation();
    let mut new = chile_question();
    new.question =
        "Soy Marta Rojas, pasaporte P4567891, marta@correo.cl: ¿quién autoriza los ITMO?".into();
    let ticket = answered(
        &c.desk,
        new,
        "Marta, escribe al Ministerio al +56 2 2573 5600.",
    );
    let draft = c.desk.approval_draft(&ana(), &ticket.id).unwrap();
    let flagged: Vec<&str> = draft.particulars.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(flagged, ["P4567891", "marta@correo.cl", "+56 2 2573 5600"]);

    let err = c
        .desk
        .approve(&ana(), &ticket.id, draft.as_shown())
        .unwrap_err();
    assert!(matches!(err, DeskError::Particulars { .. }), "{err:?}");
    assert!(err.to_string().contains("marta@correo.cl"), "{err}");
    assert!(c.desk.curated().unwrap().is_empty(), "nothing published");
    assert!(c.sink.passages().is_empty());

    let edited = c
        .desk
        .approve(
            &ana(),
            &ticket.id,
            words(
                "¿Quién autoriza los ITMO en Chile?",
                "El Ministerio del Medio Ambiente.",
            ),
        )
        .unwrap();
    assert_eq!(edited.question, "¿Quién autoriza los ITMO en Chile?");
    // A number the expert means to publish (the ministry's switchboard) goes out once confirmed.
    let confirmed = c
        .desk
        .approve(
            &ana(),
            &ticket.id,
            Approval {
                confirm_particulars: true,
                ..words("¿Cómo contacto al Ministerio?", "Llame al +56 2 2573 5600.")
            },
        )
        .unwrap();
    assert_eq!(confirmed.answer, "Llame al +56 2 2573 5600.");
    let again = c.desk.approval_draft(&ana(), &ticket.id).unwrap();
    assert_eq!(
        again.question, "¿Cómo contacto al Ministerio?",
        "a second approval starts from the published text, not the asker's"
    );
}

#[test]
fn approving_again_replaces_the_entry_in_the_store_and_the_index() {
    let c = curation();
    let ticket = answered(&c.desk, chile_question(), "Primera versión.");
    c.desk
        .approve(&ana(), &ticket.id, as_shown(&c.desk, &ticket.id))
        .unwrap();
    c.desk
        .approve(
            &ana(),
            &ticket.id,
            Approval {
                answer: "Versión corregida.".into(),
                ..as_shown(&c.desk, &ticket.id)
            },
        )
        .unwrap();
    let curated = c.desk.curated().unwrap();
    assert_eq!(curated.len(), 1);
    assert_eq!(curated[0].answer, "Versión corregida.");
    let pushed = c.sink.passages();
    assert_eq!(pushed.len(), 2);
    assert_eq!(
        pushed[0].doc_id, pushed[1].doc_id,
        "an upsert of one document"
    );
}

#[test]
fn only_answered_tickets_with_non_empty_text_can_be_approved() {
    let c = curation();
    let ticket = open(&c.desk, chile_question());
    let err = c
        .desk
        .approve(&ana(), &ticket.id, words("¿Quién?", "Nadie."))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            DeskError::Refused {
                reason: TransitionError::NoAnswer,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("answer it before approving"));

    c.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    let err = c
        .desk
        .approve(
            &ana(),
            &ticket.id,
            Approval {
                question: " ".into(),
                ..as_shown(&c.desk, &ticket.id)
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        DeskError::Refused {
            reason: TransitionError::EmptyText { what: "question" },
            ..
        }
    ));
    assert!(c.desk.curated().unwrap().is_empty());
    assert!(c.sink.passages().is_empty());
    assert!(
        !c.desk
            .ticket(&ticket.id)
            .unwrap()
            .events
            .iter()
            .any(|e| e.kind == EventKind::Approved)
    );
}

#[test]
fn when_the_index_fails_the_approval_is_kept_unindexed_and_republished_later() {
    let c = curation();
    let ticket = answered(&c.desk, chile_question(), "El Ministerio.");
    c.sink.fail_next(1);
    let err = c
        .desk
        .approve(&ana(), &ticket.id, as_shown(&c.desk, &ticket.id))
        .unwrap_err();
    match &err {
        DeskError::NotIndexed { ticket: t, reason } => {
            assert_eq!(t, &ticket.id);
            assert!(reason.contains("read-only"));
        }
        other => panic!("expected NotIndexed, got {other:?}"),
    }
    assert!(err.to_string().contains("saved but not yet searchable"));
    let stored = c.desk.curated().unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].indexed);
    assert!(c.sink.passages().is_empty());

    c.sink.fail_next(1);
    assert!(matches!(
        c.desk.republish_curated(),
        Err(DeskError::NotIndexed { .. })
    ));
    assert!(!c.desk.curated().unwrap()[0].indexed);

    assert_eq!(c.desk.republish_curated().unwrap(), 1);
    assert!(c.desk.curated().unwrap()[0].indexed);
    let pushed = c.sink.passages();
    assert_eq!(pushed.len(), 1);
    assert_eq!(pushed[0].doc_id, format!("curated:{}", ticket.id));
}

#[test]
fn republishing_pushes_every_entry_again_and_keeps_going_past_a_failure() {
    let c = curation();
    let first = answered(&c.desk, chile_question(), "Uno.");
    let second = answered(&c.desk, chile_question(), "Dos.");
    c.desk
        .approve(&ana(), &first.id, as_shown(&c.desk, &first.id))
        .unwrap();
    c.desk
        .approve(&ana(), &second.id, as_shown(&c.desk, &second.id))
        .unwrap();
    assert_eq!(c.desk.republish_curated().unwrap(), 2);
    assert_eq!(c.sink.passages().len(), 4);

    c.sink.fail_next(1);
    assert!(c.desk.republish_curated().is_err());
    assert_eq!(
        c.sink.passages().len(),
        5,
        "the second entry was still tried"
    );
}

#[test]
fn without_a_sink_approvals_are_stored_unindexed_and_republishing_does_nothing() {
    let f = Fixture::new();
    let ticket = answered(&f.desk, chile_question(), "Sí.");
    let entry = f
        .desk
        .approve(&ana(), &ticket.id, as_shown(&f.desk, &ticket.id))
        .unwrap();
    assert!(!entry.indexed);
    assert_eq!(f.desk.republish_curated().unwrap(), 0);
}

#[test]
fn the_export_is_faq_yaml_that_the_knowledge_base_loader_reads_back() {
    let c = curation();
    let chile = answered(
        &c.desk,
        chile_question(),
        "El Ministerio del Medio Ambiente: ver la Ley 21.455, art. 5.",
    );
    let brazil = answered(
        &c.desk,
        new_ticket(
            joaquim(),
            Lang::Pt,
            "Quem autoriza ITMOs no Brasil?",
            tags(&["6.2", "authorisation"], &["BR"]),
        ),
        "A Comissão Nacional para REDD+ e o MMA.",
    );
    let english = answered(
        &c.desk,
        new_ticket(lucy(), Lang::En, "What is an ITMO?", tags(&[], &[])),
        "An internationally transferred mitigation outcome.\n\nSee decision 2/CMA.3.",
    );
    c.clock.advance(Span::from_days(1));
    let mut approved = Vec::new();
    for (ticket, edits) in [
        (&chile, as_shown(&c.desk, &chile.id)),
        (
            &brazil,
            Approval {
                question: "Quem autoriza a transferência de ITMOs no Brasil?".into(),
                ..as_shown(&c.desk, &brazil.id)
            },
        ),
        (&english, as_shown(&c.desk, &english.id)),
    ] {
        approved.push(c.desk.approve(&ana(), &ticket.id, edits).unwrap());
    }

    let out = tempfile::tempdir().unwrap();
    let written = c.desk.export_curated(out.path()).unwrap();
    let mut files: Vec<(String, usize)> = written
        .iter()
        .map(|(path, n)| (path.file_name().unwrap().to_string_lossy().into_owned(), *n))
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            ("curated.en.yaml".to_string(), 1),
            ("curated.es.yaml".to_string(), 1),
            ("curated.pt.yaml".to_string(), 1),
        ]
    );

    let loaded = consulta_corpus::load_dir(out.path());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.files, 3);
    assert_eq!(loaded.passages.len(), 3);
    for entry in &approved {
        let doc_id = format!("faq:{}", export_id(entry));
        let passage = loaded
            .passages
            .iter()
            .find(|p| p.doc_id == doc_id)
            .unwrap_or_else(|| panic!("{doc_id} not loaded"));
        assert_eq!(passage.kind, PassageKind::Faq);
        assert_eq!(passage.lang, entry.language);
        assert_eq!(passage.title, entry.question);
        assert_eq!(passage.text, entry.answer);
        assert_eq!(passage.source, "Answered by expert Ana, 2025-03-11");
        assert_eq!(passage.valid_as_of.as_deref(), Some("2025-03-11"));
        assert_eq!(passage.tags, entry.tags.topics);
        assert_eq!(passage.countries, entry.tags.countries);
    }
    assert_eq!(
        export_id(&approved[0]),
        format!("curated-{}", chile.id.as_str().to_ascii_lowercase())
    );

    // Exporting again gives byte-identical files, so re-exports diff cleanly.
    let first: Vec<Vec<u8>> = written
        .iter()
        .map(|(p, _)| std::fs::read(p).unwrap())
        .collect();
    let again = c.desk.export_curated(out.path()).unwrap();
    let second: Vec<Vec<u8>> = again
        .iter()
        .map(|(p, _)| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(first, second);
}
