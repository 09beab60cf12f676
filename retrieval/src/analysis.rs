//! Text analysis for the BM25 leg: one analyzer per language, shared by indexing and querying.
//!
//! Each analyzer splits on non-alphanumerics, lowercases, folds accents ("mitigación" and
//! "mitigacion" give the same term), drops the language's function words and stems. Folding comes
//! before stemming so that a question typed without accents stems exactly like the written text.

use consulta_corpus::Lang;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TokenizerManager,
};

use crate::stopwords::stopwords;

/// The name the analyzer of `lang` is registered under in the index (`text_es`, ...).
pub(crate) fn analyzer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => "text_es",
        Lang::Pt => "text_pt",
        Lang::En => "text_en",
    }
}

fn stemmer_language(lang: Lang) -> Language {
    match lang {
        Lang::Es => Language::Spanish,
        Lang::Pt => Language::Portuguese,
        Lang::En => Language::English,
    }
}

fn build(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            stopwords(lang).iter().map(|w| (*w).to_string()),
        ))
        .filter(Stemmer::new(stemmer_language(lang)))
        .build()
}

/// The three analyzers, kept ready so that queries and answer composition do not rebuild them.
#[derive(Clone)]
pub(crate) struct Analyzers {
    es: TextAnalyzer,
    pt: TextAnalyzer,
    en: TextAnalyzer,
}

impl Analyzers {
    pub(crate) fn new() -> Analyzers {
        Analyzers {
            es: build(Lang::Es),
            pt: build(Lang::Pt),
            en: build(Lang::En),
        }
    }

    /// Makes the analyzers known to a tantivy index under [`analyzer_name`].
    pub(crate) fn register(&self, manager: &TokenizerManager) {
        for lang in Lang::ALL {
            manager.register(analyzer_name(lang), self.get(lang).clone());
        }
    }

    fn get(&self, lang: Lang) -> &TextAnalyzer {
        match lang {
            Lang::Es => &self.es,
            Lang::Pt => &self.pt,
            Lang::En => &self.en,
        }
    }

    /// The index terms of `text` as `lang` analyses it, in order, repeats included.
    pub(crate) fn terms(&self, lang: Lang, text: &str) -> Vec<String> {
        let mut analyzer = self.get(lang).clone();
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push(stream.token().text.clone());
        }
        terms
    }

    /// The words of `text` that `lang` does not consider function words, as written, joined by
    /// spaces. Analysing this with another language's analyzer searches the same content words in
    /// that language's field, stemmed the way that field was indexed.
    pub(crate) fn content_words(&self, lang: Lang, text: &str) -> String {
        let mut analyzer = self.get(lang).clone();
        let mut stream = analyzer.token_stream(text);
        let mut kept = Vec::new();
        while stream.advance() {
            let token = stream.token();
            kept.push(&text[token.offset_from..token.offset_to]);
        }
        kept.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_do_not_matter() {
        let analyzers = Analyzers::new();
        assert_eq!(
            analyzers.terms(Lang::Es, "mitigación"),
            analyzers.terms(Lang::Es, "MITIGACION")
        );
        assert_eq!(
            analyzers.terms(Lang::Pt, "autorização"),
            analyzers.terms(Lang::Pt, "autorizacao")
        );
    }

    #[test]
    fn function_words_are_dropped_and_words_stemmed() {
        let analyzers = Analyzers::new();
        assert_eq!(analyzers.terms(Lang::Es, "¿Qué es un ITMO?"), ["itmo"]);
        assert_eq!(
            analyzers.terms(Lang::En, "the corresponding adjustments"),
            ["correspond", "adjust"]
        );
    }

    #[test]
    fn content_words_keep_the_written_form() {
        let analyzers = Analyzers::new();
        assert_eq!(
            analyzers.content_words(Lang::Pt, "O que é um ajuste correspondente?"),
            "ajuste correspondente"
        );
    }

    #[test]
    fn how_much_interrogatives_are_not_content() {
        // A part "e quanto é cancelado?" is answered by the sentence on cancelling; had "quanto"
        // counted as a rare content word, no sentence could cover half of that part.
        let analyzers = Analyzers::new();
        assert_eq!(
            analyzers.content_words(Lang::Pt, "e quanto é cancelado?"),
            "cancelado"
        );
        assert_eq!(
            analyzers.content_words(Lang::Es, "¿cuántos miembros hay?"),
            "miembros"
        );
        assert_eq!(
            analyzers.content_words(Lang::En, "how many members and how much is cancelled?"),
            "members cancelled"
        );
    }
}
