//! Questions and answers on the fixture knowledge base.

use consulta_corpus::{Glossary, GlossaryTerm, Lang, PassageKind, RuleChange, Timeline, Topic};
use consulta_retrieval::{AskOptions, Leg, RetrievalError, SearchFilter, SearchOptions, phrases};

use crate::common::{engine_with_kb, id_of, knowledge_base, model, passage, shared_engine};

fn ask(question: &str) -> consulta_retrieval::Answer {
    shared_engine()
        .ask(question, &AskOptions::default())
        .unwrap_or_else(|e| panic!("{question:?}: {e}"))
}

#[test]
fn spanish_question_cites_the_spanish_passage_first() {
    let answer = ask("¿Qué es un ITMO?");
    assert_eq!(answer.language, Lang::Es);
    assert!(!answer.escalate, "{answer:#?}");
    assert_eq!(
        answer.citations[0].passage_id,
        id_of("faq:itmo-what", Lang::Es),
        "{answer:#?}"
    );
    assert!(answer.answer.contains("[1]"), "{}", answer.answer);
    assert!(answer.answer.contains("ITMO"), "{}", answer.answer);
    // Every marker in the text has its citation, and every citation is referenced.
    for n in 1..=answer.citations.len() {
        assert!(answer.answer.contains(&format!("[{n}]")), "{answer:#?}");
    }
    assert!(
        !answer
            .answer
            .contains(&format!("[{}]", answer.citations.len() + 1))
    );
}

#[test]
fn query_without_accents_matches_accented_text() {
    let engine = shared_engine();
    let options = SearchOptions {
        leg: Leg::Bm25,
        k: 3,
        ..SearchOptions::default()
    };
    let hits = engine
        .search("autorizacion organo supervision", &options)
        .unwrap();
    let top: Vec<&str> = hits.iter().map(|h| h.passage.doc_id.as_str()).collect();
    assert!(
        top[..2].contains(&"guide:autorizacion") && top[..2].contains(&"guide:sbm"),
        "{top:?}"
    );

    // Asked without accents, the answer still says who authorizes.
    let answer = ask("quien da la autorizacion de los ITMO");
    assert!(!answer.escalate, "{answer:#?}");
    assert!(answer.answer.contains("país anfitrión"), "{answer:#?}");
}

#[test]
fn portuguese_question_finds_an_english_only_passage() {
    let answer = ask("Qual parcela das A6.4ERs vai para o Fundo de Adaptação?");
    assert_eq!(answer.language, Lang::Pt);
    assert!(!answer.escalate, "{answer:#?}");
    assert_eq!(answer.citations[0].doc_id, "guide:registry", "{answer:#?}");
    assert!(
        answer
            .notes
            .contains(&phrases(Lang::Pt).other_language_sources.to_string())
            || answer.citations.iter().any(|c| c.lang == Lang::Pt),
        "{answer:#?}"
    );
}

#[test]
fn words_only_one_languages_passages_use_settle_an_undecided_question() {
    // "o", "país" and "que" are Spanish as much as Portuguese, and no ending decides; only the
    // Portuguese passages use "adquire" and "subtrai".
    let question = "o país que adquire subtrai o ITMO?";
    assert_eq!(consulta_retrieval::detect_language(question), None);
    let answer = ask(question);
    assert_eq!(answer.language, Lang::Pt, "{answer:#?}");
    assert_eq!(
        answer.citations[0].passage_id,
        id_of("faq:ca-what", Lang::Pt),
        "{answer:#?}"
    );
}

#[test]
fn a_passage_found_only_in_another_language_is_quoted_on_its_meaning_alone() {
    // Across languages the question's words hardly match the passage's, nor does BM25 agree
    // with the dense leg: the passage's evidence is little more than its closeness in meaning,
    // and that is enough to quote it (the confidence then weighs the other language).
    for (question, fact) in [
        (
            "¿Hasta qué fecha podían las actividades del Mecanismo de Desarrollo Limpio solicitar \
             la transición?",
            "31 December 2023",
        ),
        (
            "¿Qué fracción de las A6.4ER va al Fondo de Adaptación?",
            "five percent",
        ),
    ] {
        let explained = shared_engine()
            .explain(question, &AskOptions::default())
            .unwrap();
        let shown = explained.would_show.unwrap_or_default();
        assert!(shown.contains(fact), "{question:?}: {shown:?}");
    }
}

#[test]
fn out_of_scope_questions_escalate_in_their_language() {
    for (question, lang) in [
        ("¿Quién ganó la Copa del Mundo de fútbol en 2022?", Lang::Es),
        ("What will the weather be like in Lima tomorrow?", Lang::En),
        ("Qual é a melhor receita de feijoada?", Lang::Pt),
        ("¿Cuál es la capital de Australia?", Lang::Es),
    ] {
        let answer = ask(question);
        assert_eq!(answer.language, lang, "{question}");
        assert!(answer.escalate, "{question}: {answer:#?}");
        assert_eq!(answer.answer, phrases(lang).escalation, "{question}");
        assert!(
            !answer.citations.is_empty(),
            "escalations still list what was found"
        );
    }
}

#[test]
fn in_scope_questions_do_not_escalate() {
    for question in [
        "¿Qué es un ITMO?",
        "O que é um ajuste correspondente?",
        "Until when could CDM activities request transition to the 6.4 mechanism?",
        "¿Quién expide las A6.4ER?",
        "Quando o país deve apresentar o relatório inicial?",
    ] {
        let answer = ask(question);
        assert!(!answer.escalate, "{question}: {answer:#?}");
        assert!(answer.confidence >= shared_engine().config().escalate_below);
    }
}

#[test]
fn filters_restrict_both_legs() {
    let engine = shared_engine();
    let english = AskOptions {
        filter: SearchFilter {
            langs: vec![Lang::En],
            ..SearchFilter::default()
        },
        ..AskOptions::default()
    };
    let answer = engine.ask("¿Qué es un ITMO?", &english).unwrap();
    assert!(!answer.citations.is_empty());
    assert!(
        answer.citations.iter().all(|c| c.lang == Lang::En),
        "{answer:#?}"
    );

    for leg in [Leg::Bm25, Leg::Dense, Leg::Hybrid] {
        let options = SearchOptions {
            leg,
            k: 10,
            filter: SearchFilter {
                tags: vec!["6.4".into()],
                ..SearchFilter::default()
            },
            language: None,
        };
        let hits = engine.search("ITMO A6.4ER mechanism", &options).unwrap();
        assert!(!hits.is_empty(), "{leg:?}");
        assert!(
            hits.iter()
                .all(|h| h.passage.tags.contains(&"6.4".to_string())),
            "{leg:?}: {hits:#?}"
        );

        let options = SearchOptions {
            leg,
            k: 10,
            filter: SearchFilter {
                kinds: vec![PassageKind::Faq],
                doc_ids: vec!["faq:ca-what".into()],
                ..SearchFilter::default()
            },
            language: None,
        };
        let hits = engine.search("ajuste correspondente", &options).unwrap();
        let docs: Vec<&str> = hits.iter().map(|h| h.passage.doc_id.as_str()).collect();
        assert_eq!(docs, ["faq:ca-what"], "{leg:?}");
    }
}

#[test]
fn hostile_queries_do_not_error() {
    let engine = shared_engine();
    for query in [
        "<b>ITMO</b> <script>alert(1)</script>",
        "\"ajuste correspondiente\" AND (CDM OR",
        "title:ITMO text:\"6.2\" -",
        "- ITMO -- CDM +",
        "ITMO~2 ^3 * ? \\ / {} [] :::",
        "NOT AND OR",
    ] {
        engine
            .ask(query, &AskOptions::default())
            .unwrap_or_else(|e| panic!("{query:?}: {e}"));
        for leg in [Leg::Bm25, Leg::Dense, Leg::Hybrid] {
            let options = SearchOptions {
                leg,
                ..SearchOptions::default()
            };
            engine
                .search(query, &options)
                .unwrap_or_else(|e| panic!("{query:?} {leg:?}: {e}"));
        }
    }
    let hits = engine
        .search(
            "<b>ITMO</b>",
            &SearchOptions {
                leg: Leg::Bm25,
                ..SearchOptions::default()
            },
        )
        .unwrap();
    assert!(hits.iter().any(|h| h.passage.text.contains("ITMO")));
}

#[test]
fn empty_questions_are_refused_in_the_askers_language() {
    let engine = shared_engine();
    for question in ["", "   ", "¿?", "- ... !"] {
        match engine.ask(question, &AskOptions::default()) {
            Err(RetrievalError::EmptyQuestion { message }) => {
                assert_eq!(message, phrases(Lang::Es).empty_question)
            }
            other => panic!("{question:?}: {other:?}"),
        }
    }
    let english = AskOptions {
        user_lang: Some(Lang::En),
        ..AskOptions::default()
    };
    let error = engine.ask(" ", &english).unwrap_err().to_string();
    assert!(error.starts_with("Empty question"), "{error}");
}

#[test]
fn a_100_kb_question_is_truncated_with_a_note() {
    let engine = shared_engine();
    let question = "¿Qué es un ITMO y quién lo autoriza? ".repeat(2_800);
    assert!(question.len() > 100_000);
    let answer = engine.ask(&question, &AskOptions::default()).unwrap();
    let max = engine.config().max_question_chars;
    assert_eq!(answer.question.chars().count(), max);
    assert!(question.starts_with(&answer.question));
    assert_eq!(answer.notes[0], phrases(Lang::Es).truncated(max));
}

#[test]
fn a_typing_slip_is_read_as_the_knowledge_bases_word_and_the_answer_says_so() {
    let engine = shared_engine();
    let bm25_only = SearchOptions {
        leg: Leg::Bm25,
        k: 3,
        ..SearchOptions::default()
    };
    let hits = engine.search("autorizacoin", &bm25_only).unwrap();
    assert_eq!(
        hits.first().map(|h| h.passage.doc_id.as_str()),
        Some("guide:autorizacion"),
        "a swapped pair of letters still finds the word"
    );

    let answer = ask("¿Quién da la autorizacoin de los ITMO?");
    assert!(!answer.escalate, "{answer:#?}");
    assert!(answer.answer.contains("país anfitrión"), "{answer:#?}");
    assert!(
        answer
            .notes
            .contains(&"Se leyó «autorizacoin» como «autorización».".to_string()),
        "{:?}",
        answer.notes
    );

    let written_right = ask("¿Quién da la autorización de los ITMO?");
    assert!(
        written_right
            .notes
            .iter()
            .all(|n| !n.starts_with("Se leyó")),
        "{:?}",
        written_right.notes
    );
}

#[test]
fn a_two_letter_acronym_is_searched_by_its_full_name() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let engine = engine_with_kb(dir.path(), model());
    engine.set_glossary(Some(Glossary::new(vec![GlossaryTerm {
        id: "corresponding-adjustment".into(),
        en: vec!["corresponding adjustment".into(), "CA".into()],
        es: vec!["ajuste correspondiente".into()],
        pt: vec!["ajuste correspondente".into()],
    }])));
    let dense_only = SearchOptions {
        leg: Leg::Dense,
        k: 1,
        ..SearchOptions::default()
    };
    // Without the glossary the model takes "CA" for anything: the registry, the CDM transition.
    for question in ["who applies the CA", "how is the CA done"] {
        let hits = engine.search(question, &dense_only).unwrap();
        assert_eq!(
            hits.first().map(|h| h.passage.doc_id.as_str()),
            Some("faq:ca-what"),
            "{question:?} is read with \"corresponding adjustment\": {hits:#?}"
        );
    }
}

#[test]
fn language_override_and_user_fallback() {
    let engine = shared_engine();
    let fallback = AskOptions {
        user_lang: Some(Lang::Pt),
        ..AskOptions::default()
    };
    assert_eq!(engine.ask("ITMO?", &fallback).unwrap().language, Lang::Pt);
    assert_eq!(
        engine.ask("¿Qué es un ITMO?", &fallback).unwrap().language,
        Lang::Es,
        "a clear question wins over the profile"
    );
    let forced = AskOptions {
        language: Some(Lang::En),
        ..AskOptions::default()
    };
    assert_eq!(
        engine.ask("¿Qué es un ITMO?", &forced).unwrap().language,
        Lang::En
    );
}

#[test]
fn answers_serialise_to_the_json_contract() {
    let answer = ask("¿Qué es un ITMO?");
    let json = serde_json::to_value(&answer).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = vec![
        "answer",
        "citations",
        "confidence",
        "escalate",
        "language",
        "question",
    ];
    if !answer.notes.is_empty() {
        expected.push("notes");
        expected.sort_unstable();
    }
    assert_eq!(keys, expected, "a notes key exactly when there are notes");
    let citation = json["citations"][0].as_object().unwrap();
    for key in [
        "title",
        "section",
        "source",
        "source_url",
        "date",
        "text",
        "score",
    ] {
        assert!(citation.contains_key(key), "citation lacks {key}");
    }
    assert_eq!(json["language"], "es");
    assert_eq!(json["citations"][0]["date"], "2024-11-01");
}

#[test]
fn curated_answers_take_precedence_when_close_to_the_question() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_kb(dir.path(), model());
    let curated = passage(
        "curated:itmo-expert",
        PassageKind::Curated,
        Lang::Es,
        "¿Qué es un ITMO?",
        &["6.2"],
        "Según la mesa de ayuda, un ITMO es una unidad de resultado de mitigación que un país \
         autoriza para transferirla a otro país bajo el Artículo 6.2.",
    );
    engine.upsert_curated(curated.clone()).unwrap();

    let answer = engine
        .ask("¿Qué es un ITMO?", &AskOptions::default())
        .unwrap();
    assert_eq!(answer.citations[0].passage_id, curated.id, "{answer:#?}");
    assert_eq!(answer.citations[0].kind, PassageKind::Curated);

    // Far from the question, the curated passage does not jump ahead.
    let answer = engine
        .ask(
            "Until when could CDM activities request transition?",
            &AskOptions::default(),
        )
        .unwrap();
    assert_eq!(
        answer.citations[0].doc_id, "guide:cdm-transition",
        "{answer:#?}"
    );

    // A full resync keeps it: curated passages are not part of the knowledge base files.
    let report = engine.sync(&knowledge_base(), &|_, _| {}).unwrap();
    assert_eq!((report.removed, report.added), (0, 0));
    engine.remove(std::slice::from_ref(&curated.id)).unwrap();
    let answer = engine
        .ask("¿Qué es un ITMO?", &AskOptions::default())
        .unwrap();
    assert_ne!(answer.citations[0].passage_id, curated.id);
}

#[test]
fn an_old_source_gets_a_note_only_when_a_later_decision_revised_its_topic() {
    // Every fixture passage was checked on 2024-11-01: old, but age alone is no reason to warn.
    let answer = ask("¿Qué es un ITMO?");
    assert!(!answer.escalate, "{answer:#?}");
    assert!(
        !answer.notes.iter().any(|n| n.contains("2024-11-01")),
        "{answer:#?}"
    );

    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let engine = engine_with_kb(dir.path(), model());
    let revision = RuleChange {
        decision: "9/CMA.9".into(),
        date: "2025-03-01".parse().unwrap(),
        tags: vec!["6.2".into()],
        topic: Topic {
            en: "ITMOs".into(),
            es: "los ITMO".into(),
            pt: "os ITMO".into(),
        },
    };
    let unrelated = RuleChange {
        decision: "8/CMA.9".into(),
        date: "2025-03-01".parse().unwrap(),
        tags: vec!["6.8".into()],
        ..revision.clone()
    };
    engine.set_timeline(Some(Timeline::new(vec![revision.clone(), unrelated])));
    let answer = engine
        .ask("¿Qué es un ITMO?", &AskOptions::default())
        .unwrap();
    let note = phrases(Lang::Es).superseded(
        &answer.citations[0].title,
        "2024-11-01".parse().unwrap(),
        &revision,
        Lang::Es,
    );
    assert!(answer.notes.contains(&note), "{note}\n{answer:#?}");
    assert!(
        !answer.notes.iter().any(|n| n.contains("8/CMA.9")),
        "{answer:#?}"
    );
}

#[test]
fn requests_only_a_person_can_meet_escalate_with_the_reason() {
    for (question, lang) in [
        (
            "¿El ministerio ya aprobó mi carta de autorización de RMTI?",
            Lang::Es,
        ),
        (
            "Qual o telefone da autoridade que aprova a transição do MDL?",
            Lang::Pt,
        ),
        ("What is the price of an ITMO today?", Lang::En),
    ] {
        let answer = ask(question);
        assert!(answer.escalate, "{question}: {answer:#?}");
        assert!(
            answer
                .notes
                .contains(&phrases(lang).personal_request.to_string()),
            "{question}: {answer:#?}"
        );
        assert!(
            !answer.citations.is_empty(),
            "the expert still sees what was found"
        );
    }
}

#[test]
fn a_part_only_a_person_can_answer_is_noted_while_the_others_are_answered() {
    for (question, lang, personal) in [
        (
            "¿Qué es un ITMO? ¿Y cuánto cuesta hoy uno?",
            Lang::Es,
            "Y cuánto cuesta hoy uno?",
        ),
        (
            "O que é um ajuste correspondente e qual o e-mail do ponto focal do Peru?",
            Lang::Pt,
            "e qual o e-mail do ponto focal do Peru?",
        ),
    ] {
        let answer = ask(question);
        assert!(!answer.escalate, "{question}: {answer:#?}");
        assert_eq!(answer.question, question);
        assert!(
            answer
                .notes
                .contains(&phrases(lang).part_needs_person(personal)),
            "{question}: {answer:#?}"
        );
        assert!(
            !answer
                .notes
                .contains(&phrases(lang).personal_request.to_string()),
            "{question}: {answer:#?}"
        );
    }
    // "Can you review it?" leans on the request beside it: not a question on the rules of its own.
    let question = "Is the revocation clause in our ITMO contract enforceable? Can you review it?";
    let answer = ask(question);
    assert!(answer.escalate, "{question}: {answer:#?}");
    assert!(
        answer
            .notes
            .contains(&phrases(Lang::En).personal_request.to_string()),
        "{question}: {answer:#?}"
    );
}

#[test]
fn a_part_the_passages_found_for_the_whole_leave_unanswered_is_searched_on_its_own() {
    // One passage quoted for the whole question cannot answer both of its parts.
    let options = AskOptions {
        top_k: Some(1),
        ..AskOptions::default()
    };
    let question = "¿Qué es un ITMO? ¿Y quién expide las A6.4ER?";
    let answer = shared_engine().ask(question, &options).unwrap();
    assert!(!answer.escalate, "{answer:#?}");
    assert!(answer.answer.contains("Un ITMO"), "{answer:#?}");
    assert!(answer.answer.contains("expide las A6.4ER"), "{answer:#?}");
    let cited: Vec<&str> = answer
        .citations
        .iter()
        .map(|c| c.passage_id.as_str())
        .collect();
    assert_eq!(cited.len(), 2, "{answer:#?}");
    assert!(
        cited.contains(&id_of("guide:sbm", Lang::Es).as_str()),
        "{cited:?}"
    );
    assert!(answer.answer.contains("[1]") && answer.answer.contains("[2]"));
    assert!(
        !answer.notes.iter().any(|note| note.contains("esta parte")),
        "{answer:#?}"
    );
}

#[test]
fn a_message_of_many_parts_costs_a_few_searches_and_notes_not_one_per_part() {
    // Every part after the first asks a price: each would get a note of its own.
    let prices: Vec<String> = (0..40)
        .map(|i| format!("¿Y cuánto cuesta hoy el lote {i}?"))
        .collect();
    let question = format!("¿Qué es un ITMO? {}", prices.join(" "));
    let answer = ask(&question);
    assert!(!answer.escalate, "{answer:#?}");
    assert!(
        answer.notes.len() <= 4,
        "{} notes: {:#?}",
        answer.notes.len(),
        answer.notes
    );
}

#[test]
fn a_status_an_entry_records_for_the_named_party_is_answered_with_its_date() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let engine = engine_with_kb(dir.path(), model());
    let mut status = passage(
        "faq:guyana-initial-report",
        PassageKind::Faq,
        Lang::Es,
        "¿Guyana ya presentó su informe inicial del artículo 6.2?",
        &["6.2"],
        "Sí: Guyana presentó su informe inicial del artículo 6.2 en noviembre de 2024, para la \
         cooperación con la aviación internacional.",
    );
    status.valid_as_of = Some("2026-11-30".into());
    let mut passages = knowledge_base();
    passages.push(status);
    engine.sync(&passages, &|_, _| {}).unwrap();
    let ask = |question: &str| engine.ask(question, &AskOptions::default()).unwrap();

    let answer = ask("¿Guyana ya entregó su informe inicial del artículo 6.2?");
    assert!(!answer.escalate, "{answer:#?}");
    assert!(answer.answer.contains("noviembre de 2024"), "{answer:#?}");
    assert!(
        answer
            .notes
            .contains(&phrases(Lang::Es).status_as_of("2026-11-30")),
        "the answer says how old the status is: {answer:#?}"
    );

    // No entry records Brazil's report: where its file stands needs a person.
    let answer = ask("¿Brasil ya entregó su informe inicial del artículo 6.2?");
    assert!(answer.escalate, "{answer:#?}");
    assert!(
        answer
            .notes
            .contains(&phrases(Lang::Es).personal_request.to_string()),
        "{answer:#?}"
    );
}

#[test]
fn an_institutions_published_address_is_answered_and_a_persons_is_not() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let engine = engine_with_kb(dir.path(), model());
    let mut passages = knowledge_base();
    passages.push(passage(
        "guide:transicion-contacto",
        PassageKind::Guide,
        Lang::Es,
        "Aprobación de la transición del MDL",
        &["6.4"],
        "La autoridad nacional designada aprueba la transición de una actividad del MDL con el \
         formulario A6.4-FORM-AC-003, que envía a la secretaría por correo electrónico a \
         A6.4mechanism-info@unfccc.int.",
    ));
    engine.sync(&passages, &|_, _| {}).unwrap();
    let ask = |question: &str| engine.ask(question, &AskOptions::default()).unwrap();

    let answer =
        ask("¿A qué correo se manda el formulario de aprobación de la transición del MDL?");
    assert!(!answer.escalate, "{answer:#?}");
    assert!(
        answer.answer.contains("A6.4mechanism-info@unfccc.int"),
        "{answer:#?}"
    );

    for question in [
        "¿Cuál es el correo de la persona que aprueba la transición del MDL?",
        "¿Cuál es el teléfono de la secretaría para la transición del MDL?",
    ] {
        let answer = ask(question);
        assert!(answer.escalate, "{question}: {answer:#?}");
    }
}

#[test]
fn an_entry_found_only_in_another_language_is_quoted_in_the_askers() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let config = consulta_retrieval::RetrievalConfig {
        candidates_per_leg: 1,
        top_k: 1,
        // The fixture's translation shares few words with the question and has no sentence
        // vectors; this test is about which version is quoted, not about how sure the answer is.
        escalate_below: 0.0,
        ..consulta_retrieval::RetrievalConfig::default()
    };
    let engine = consulta_retrieval::Engine::open(dir.path(), model(), config).unwrap();
    let mut kb = knowledge_base();
    let portuguese = passage(
        "faq:itmo-what",
        PassageKind::Faq,
        Lang::Pt,
        "Definição da unidade",
        &["6.2"],
        "Trata-se de uma unidade contábil autorizada pelo anfitrião no âmbito do Artigo 6.2.",
    );
    kb.push(portuguese.clone());
    engine.sync(&kb, &|_, _| {}).unwrap();

    // Worded like the Spanish entry, asked by someone who reads Portuguese: with one candidate
    // per leg, both legs find only the Spanish version.
    let question = "¿Un ITMO es una reducción o remoción de emisiones lograda en un país y \
                    transferida a otro?";
    for leg in [Leg::Bm25, Leg::Dense] {
        let options = SearchOptions {
            leg,
            k: 1,
            language: Some(Lang::Pt),
            ..SearchOptions::default()
        };
        let hits = engine.search(question, &options).unwrap();
        assert_eq!(
            hits[0].passage.id,
            id_of("faq:itmo-what", Lang::Es),
            "{leg:?} should find the Spanish version only"
        );
    }
    let options = AskOptions {
        language: Some(Lang::Pt),
        ..AskOptions::default()
    };
    let answer = engine.ask(question, &options).unwrap();
    assert!(!answer.escalate, "{answer:#?}");
    assert_eq!(answer.citations[0].passage_id, portuguese.id, "{answer:#?}");
    assert!(answer.answer.starts_with("Trata-se"), "{}", answer.answer);
}

#[test]
fn questions_about_things_the_base_never_names_escalate() {
    for question in [
        "¿Cómo declaro en el impuesto a la renta la venta de créditos de carbono de mi finca ganadera?",
        "Como tiro a segunda via do cartão CNPJ da consultoria de créditos de carbono?",
        "Which paperwork does a municipality need for a BNDES climate fund loan?",
    ] {
        let answer = ask(question);
        assert!(answer.escalate, "{question}: {answer:#?}");
    }
}
