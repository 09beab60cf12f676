//! The gold sets are data that CI's quality floors rest on: every label must point at something that
//! exists in the bundled knowledge base, and every set keeps its promised size.

use std::collections::BTreeMap;
use std::path::Path;

use consulta_evals::gold::{self, matches};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn every_label_names_something_in_the_knowledge_base() {
    let questions = gold::load(&workspace().join("evals/gold")).unwrap();
    let kb = consulta_corpus::load_dir(&workspace().join("corpus/kb"));
    let mut dangling = Vec::new();
    for question in &questions {
        for label in &question.relevant {
            let found = kb
                .passages
                .iter()
                .any(|p| matches(label, &p.doc_id, &p.section));
            if !found {
                dangling.push(format!("{label} (in {:?})", question.q));
            }
        }
    }
    assert!(dangling.is_empty(), "labels with no passage: {dangling:#?}");
}

#[test]
fn sets_keep_their_size() {
    let questions = gold::load(&workspace().join("evals/gold")).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for question in &questions {
        let kind = if question.escalate {
            "escalate"
        } else {
            question.group()
        };
        *counts
            .entry(format!("{kind}.{}", question.lang))
            .or_default() += 1;
        if question.cross.is_some() {
            *counts.entry("cross".into()).or_default() += 1;
        }
    }
    for lang in ["es", "pt", "en"] {
        assert!(counts[&format!("{lang}.{lang}")] >= 60, "{counts:?}");
        assert!(counts[&format!("escalate.{lang}")] >= 20, "{counts:?}");
    }
    assert!(counts["cross"] >= 20, "{counts:?}");
}
