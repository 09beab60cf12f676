//! Loading a knowledge base from disk: good files load, bad ones are reported by name and line, and
//! never stop the others.

use std::fs;

use consulta_corpus::{CorpusError, Lang, PassageKind, load_dir};

const FAQ: &str = "\
- id: initial-report-when
  lang: es
  question: ¿Cuándo se presenta el informe inicial?
  answer: A más tardar al autorizar los RMTI del enfoque cooperativo.
  source: Decisión 2/CMA.3, anexo, párr. 18
  valid_as_of: 2021-11-13
  tags: [6.2, informe-inicial]
";

const GUIDE: &str = "---
title: Informes del artículo 6.2
lang: es
source: Decisión 2/CMA.3, anexo, capítulo IV
valid_as_of: 2021-11-13
tags: [6.2]
---
# Informes del artículo 6.2

## Informe inicial

Se presenta antes de autorizar los primeros RMTI.

## Información anual

Se envía a más tardar el 15 de abril de cada año.
";

#[test]
fn loads_guides_and_faqs_and_reports_broken_files() {
    let kb = tempfile::tempdir().unwrap();
    let root = kb.path();
    fs::create_dir_all(root.join("faq")).unwrap();
    fs::create_dir_all(root.join("guides/es")).unwrap();
    fs::write(root.join("faq/a62.es.yaml"), FAQ).unwrap();
    fs::write(root.join("guides/es/informes.md"), GUIDE).unwrap();
    fs::write(root.join("README.md"), "# About this folder\n").unwrap();
    fs::write(
        root.join("faq/latin1.es.yaml"),
        b"- id: x\n  question: \xbfQu\xe9?\n",
    )
    .unwrap();
    fs::write(root.join("faq/broken.en.yaml"), "- id: a\n  lang: [en\n").unwrap();
    fs::write(root.join("faq/dup.es.yaml"), FAQ).unwrap();

    let loaded = load_dir(root);

    let faq: Vec<_> = loaded
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Faq)
        .collect();
    assert_eq!(faq.len(), 1);
    assert_eq!(faq[0].lang, Lang::Es);
    let guide_sections: Vec<&str> = loaded
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Guide)
        .map(|p| p.section.as_str())
        .collect();
    assert_eq!(
        guide_sections,
        [
            "Informes del artículo 6.2 > Informe inicial",
            "Informes del artículo 6.2 > Información anual"
        ]
    );

    let messages: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert_eq!(loaded.errors.len(), 3, "{messages:#?}");
    assert!(loaded.errors.iter().any(
        |e| matches!(e, CorpusError::NotUtf8 { path, .. } if path.ends_with("latin1.es.yaml"))
    ));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("broken.en.yaml:") && m.contains("line 2")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("already defined")),
        "{messages:#?}"
    );
    assert_eq!(loaded.files, 5);
}

#[test]
fn ids_are_stable_and_follow_content() {
    let kb = tempfile::tempdir().unwrap();
    fs::write(kb.path().join("a.es.yaml"), FAQ).unwrap();
    let first = load_dir(kb.path()).passages[0].id.clone();
    assert_eq!(load_dir(kb.path()).passages[0].id, first);

    fs::write(kb.path().join("a.es.yaml"), FAQ.replace("15 de abril", "")).unwrap();
    assert_eq!(load_dir(kb.path()).passages[0].id, first, "unrelated edit");
    fs::write(
        kb.path().join("a.es.yaml"),
        FAQ.replace("A más tardar", "Como máximo"),
    )
    .unwrap();
    assert_ne!(load_dir(kb.path()).passages[0].id, first, "changed answer");
}

#[test]
fn a_missing_directory_is_an_error_not_a_panic() {
    let loaded = load_dir(std::path::Path::new("/nonexistent/consulta-kb"));
    assert!(loaded.passages.is_empty());
    assert!(
        loaded.errors[0]
            .to_string()
            .contains("/nonexistent/consulta-kb")
    );
}
