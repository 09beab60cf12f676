//! The knowledge base shipped in `corpus/kb` loads without a single error and keeps its promised scope:
//! every entry sourced and dated, enough FAQ entries per language, the guides and the glossary present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use consulta_corpus::{Lang, PassageKind, load_dir};

fn bundled() -> consulta_corpus::Loaded {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kb"))
}

#[test]
fn loads_without_errors() {
    let loaded = bundled();
    let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn covers_each_language() {
    let loaded = bundled();
    let mut faq_per_lang: BTreeMap<Lang, usize> = BTreeMap::new();
    let mut guides: BTreeSet<(Lang, &str)> = BTreeSet::new();
    for passage in &loaded.passages {
        match passage.kind {
            PassageKind::Faq => *faq_per_lang.entry(passage.lang).or_default() += 1,
            PassageKind::Guide => {
                guides.insert((passage.lang, passage.doc_id.as_str()));
            }
            PassageKind::Curated => panic!("curated entries live in the desk, not in corpus/kb"),
            PassageKind::Document => {
                panic!("library documents are ingested from the library, not corpus/kb")
            }
        }
    }
    assert!(faq_per_lang[&Lang::Es] >= 60, "{faq_per_lang:?}");
    assert!(faq_per_lang[&Lang::En] >= 60, "{faq_per_lang:?}");
    assert!(faq_per_lang[&Lang::Pt] >= 30, "{faq_per_lang:?}");
    let distinct_guides: BTreeSet<&str> = guides.iter().map(|(_, doc)| *doc).collect();
    assert!(distinct_guides.len() >= 12, "{distinct_guides:?}");
}

#[test]
fn every_passage_is_sourced_and_dated() {
    for passage in bundled().passages {
        assert!(
            !passage.source.trim().is_empty(),
            "{} has no source",
            passage.origin
        );
        assert!(
            passage.valid_as_of.is_some(),
            "{} has no date",
            passage.origin
        );
        assert!(
            !passage.text.trim().is_empty(),
            "{} is empty",
            passage.origin
        );
    }
}

#[test]
fn glossary_links_acronyms_across_languages() {
    let glossary = bundled().glossary.expect("corpus/kb/glossary.yaml");
    assert!(glossary.terms().len() >= 25);
    let expansions = glossary.expansions("¿Quién puede comprar RMTI?");
    assert!(expansions.iter().any(|e| e == "ITMO"), "{expansions:?}");
}
