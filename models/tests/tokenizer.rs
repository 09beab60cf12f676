//! Consulta's compact Unigram tokenizer gives exactly the ids of the `tokenizers` crate's own
//! tokenizer, on the reference fixture, on every passage and question bundled with Consulta, and
//! on inputs chosen to reach the corners (special tokens in the text, characters outside the
//! vocabulary, odd spacing, truncation).

mod common;

use std::path::Path;

use common::{embedder, model_dir};
use consulta_models::Role;
use tokenizers::Tokenizer;

fn reference_tokenizer() -> Tokenizer {
    let path = model_dir()
        .join("multilingual-e5-small")
        .join("tokenizer.json");
    let mut tokenizer = Tokenizer::from_file(&path).expect("tokenizer.json installed");
    tokenizer
        .with_truncation(Some(tokenizers::TruncationParams {
            max_length: 512,
            ..Default::default()
        }))
        .expect("truncation");
    tokenizer
}

/// Every text file under `dir`, split into paragraphs.
fn paragraphs(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            paragraphs(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.extend(
                text.split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            );
        }
    }
}

#[test]
fn ids_equal_the_crate_tokenizer_everywhere() {
    let reference = reference_tokenizer();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut texts = Vec::new();
    paragraphs(&workspace.join("corpus/kb"), &mut texts);
    paragraphs(&workspace.join("evals/gold"), &mut texts);
    assert!(texts.len() > 500, "only {} texts found", texts.len());
    texts.extend(
        [
            "",
            " ",
            "<s>",
            "a <mask> b </s><pad><unk>",
            "ITMO\u{0}\u{7}\u{1b}x",
            "tab\there  and   many    spaces\n\nnewlines",
            "😀🇧🇷 ☃ 漢字 かな 한국어 العربية עברית",
            "ﬁ ﬀ ² ½ Ⅻ ｆｕｌｌｗｉｄｔｈ",
            "\u{fffd}\u{200b}\u{feff}zero width",
            "Ñandú pingüino ação coração über",
            "hieroglyphs 𓀀𓀁𓀂 and cuneiform 𒀀𒀁 outside the vocabulary",
        ]
        .map(str::to_owned),
    );
    texts.push("mitigación ".repeat(800));
    let ours = embedder();
    for role in [Role::Query, Role::Passage] {
        let got = ours
            .token_ids(&texts.iter().map(String::as_str).collect::<Vec<_>>(), role)
            .expect("our ids");
        for (text, got) in texts.iter().zip(got) {
            let prefixed = format!("{}{text}", role.prefix());
            let want = reference
                .encode_fast(prefixed.trim(), true)
                .expect("reference ids");
            assert_eq!(got, want.get_ids(), "{role:?} {text:?}");
        }
    }
}
