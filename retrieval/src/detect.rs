//! Language detection for short questions in Spanish, Portuguese or English.
//!
//! General-purpose detectors need a paragraph; practitioners send "¿Qué es un ITMO?". Three signals
//! work at that length, all scored per word:
//! - function words ([`crate::stopwords`]): a word found in one language's list counts 1 for it, a
//!   word shared by two or three lists is split between them;
//! - letters and marks only one language uses: `¿ ¡ ñ` (es), `ã õ ç` and the word `é` (pt);
//! - word endings: `-ción/-iente` (es), `-ção/-ões/-dade/-vel` (pt), `-tion/-ing/-ly` (en), matched on
//!   the folded word so they survive a keyboard without accents.
//!
//! Acronyms and numbers (`ITMO`, `A6.4ER`, `6.2`) carry no language and are skipped, so a Spanish
//! question about an English acronym stays Spanish. When the evidence is weak or tied, detection
//! says so ([`detect_language`] returns `None`).
//!
//! The knowledge base is a fourth signal for such questions ([`detect_language_with`]): it is
//! written in all three languages, so a content word that only one language's passages use
//! ("adquire") tells the language of "o país adquire o ITMO?", whose function words are shared by
//! Spanish and Portuguese and whose words have no telling ending. Only when that too says nothing
//! does the caller fall back to the asker's known language.

use consulta_corpus::Lang;

use crate::stopwords::is_stopword;
use crate::text::{fold, words};

/// The least total evidence for a verdict: one exclusive function word, or one distinctive mark.
const MIN_SCORE: f32 = 1.0;
/// How far ahead the winner must be; below this the question is ambiguous (e.g. "Como funciona?").
const MIN_MARGIN: f32 = 0.5;

/// Endings (of folded words) that point to one language, with their weight.
const SUFFIXES: &[(&str, Lang, f32)] = &[
    ("cion", Lang::Es, 1.0),
    ("ciones", Lang::Es, 1.0),
    ("iente", Lang::Es, 0.75),
    ("ientes", Lang::Es, 0.75),
    ("idad", Lang::Es, 0.75),
    ("cao", Lang::Pt, 1.0),
    ("coes", Lang::Pt, 1.0),
    ("oes", Lang::Pt, 0.5),
    ("dade", Lang::Pt, 0.75),
    ("vel", Lang::Pt, 0.5),
    ("veis", Lang::Pt, 0.75),
    // Plurals of -al ("institucionais"; Spanish "institucionales") and the third person plural
    // of verbs ("precisam"; Spanish "necesitan").
    ("ais", Lang::Pt, 0.75),
    ("am", Lang::Pt, 0.5),
    // The third person of verbs in -uir ("substitui", "inclui"; Spanish "sustituye", "incluye").
    ("ui", Lang::Pt, 0.75),
    ("tion", Lang::En, 1.0),
    ("tions", Lang::En, 1.0),
    ("ing", Lang::En, 0.75),
    ("ly", Lang::En, 0.5),
];

/// Content words (folded) that practitioners use often and that exist in one of the three
/// languages only: the topic words of a short question ("relatório", "prazo", "informe",
/// "plazo") decide it when its function words are shared ("O que precisa ir no relatorio?").
/// Sorted for binary search.
const DISTINCTIVE: &[(&str, Lang)] = &[
    ("acordo", Lang::Pt),
    ("acordos", Lang::Pt),
    ("acuerdo", Lang::Es),
    ("acuerdos", Lang::Es),
    ("agora", Lang::Pt),
    ("ahora", Lang::Es),
    ("ainda", Lang::Pt),
    ("fazer", Lang::Pt),
    ("gobierno", Lang::Es),
    ("governo", Lang::Pt),
    ("hacer", Lang::Es),
    ("hoje", Lang::Pt),
    ("hoy", Lang::Es),
    ("informe", Lang::Es),
    ("informes", Lang::Es),
    ("necesita", Lang::Es),
    ("necesitan", Lang::Es),
    ("necesito", Lang::Es),
    ("nossa", Lang::Pt),
    ("nossas", Lang::Pt),
    ("nosso", Lang::Pt),
    ("nossos", Lang::Pt),
    ("nuestra", Lang::Es),
    ("nuestras", Lang::Es),
    ("nuestro", Lang::Es),
    ("nuestros", Lang::Es),
    ("organo", Lang::Es),
    ("orgao", Lang::Pt),
    ("plazo", Lang::Es),
    ("plazos", Lang::Es),
    ("prazo", Lang::Pt),
    ("prazos", Lang::Pt),
    ("precisa", Lang::Pt),
    ("precisam", Lang::Pt),
    ("preciso", Lang::Pt),
    ("projeto", Lang::Pt),
    ("projetos", Lang::Pt),
    ("proyecto", Lang::Es),
    ("proyectos", Lang::Es),
    ("relatorio", Lang::Pt),
    ("relatorios", Lang::Pt),
    ("temos", Lang::Pt),
    ("tenemos", Lang::Es),
    ("tengo", Lang::Es),
    ("tenho", Lang::Pt),
    ("todavia", Lang::Es),
    ("ustedes", Lang::Es),
    ("voces", Lang::Pt),
];

/// Per-language evidence for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LanguageScores {
    /// Evidence for Spanish.
    pub es: f32,
    /// Evidence for Portuguese.
    pub pt: f32,
    /// Evidence for English.
    pub en: f32,
}

impl LanguageScores {
    fn add(&mut self, lang: Lang, weight: f32) {
        match lang {
            Lang::Es => self.es += weight,
            Lang::Pt => self.pt += weight,
            Lang::En => self.en += weight,
        }
    }

    fn get(&self, lang: Lang) -> f32 {
        match lang {
            Lang::Es => self.es,
            Lang::Pt => self.pt,
            Lang::En => self.en,
        }
    }

    /// The language with clearly the most evidence, if any.
    pub fn verdict(&self) -> Option<Lang> {
        let mut ranked = Lang::ALL;
        ranked.sort_by(|a, b| self.get(*b).total_cmp(&self.get(*a)));
        let (best, second) = (self.get(ranked[0]), self.get(ranked[1]));
        (best >= MIN_SCORE && best - second >= MIN_MARGIN).then_some(ranked[0])
    }
}

/// Scores `text` for each language (see the module documentation).
pub fn language_scores(text: &str) -> LanguageScores {
    let mut scores = LanguageScores {
        es: 0.0,
        pt: 0.0,
        en: 0.0,
    };
    for c in text.chars() {
        match c {
            '¿' | '¡' => scores.add(Lang::Es, 2.0),
            'ñ' | 'Ñ' => scores.add(Lang::Es, 1.5),
            'ã' | 'õ' | 'Ã' | 'Õ' => scores.add(Lang::Pt, 1.5),
            'ç' | 'Ç' => scores.add(Lang::Pt, 1.0),
            _ => {}
        }
    }
    for word in words(text) {
        if is_acronym_or_number(word) {
            continue;
        }
        if word == "é" || word == "É" {
            scores.add(Lang::Pt, 1.5);
            continue;
        }
        let folded = fold(word);
        let holders: Vec<Lang> = Lang::ALL
            .into_iter()
            .filter(|lang| is_stopword(*lang, &folded))
            .collect();
        for lang in &holders {
            scores.add(*lang, 1.0 / holders.len() as f32);
        }
        if holders.is_empty()
            && let Ok(found) = DISTINCTIVE.binary_search_by(|(w, _)| (*w).cmp(folded.as_str()))
        {
            scores.add(DISTINCTIVE[found].1, 1.0);
            continue;
        }
        if holders.is_empty()
            && let Some((_, lang, weight)) = SUFFIXES
                .iter()
                .filter(|(suffix, _, _)| {
                    folded.len() > suffix.len() + 2 && folded.ends_with(suffix)
                })
                .max_by_key(|(suffix, _, _)| suffix.len())
        {
            scores.add(*lang, *weight);
        }
    }
    scores
}

/// The language of `text`, or `None` when the text does not say clearly (then use the asker's
/// known language).
///
/// ```
/// use consulta_corpus::Lang;
/// use consulta_retrieval::detect_language;
///
/// assert_eq!(detect_language("¿Qué es un ITMO?"), Some(Lang::Es));
/// assert_eq!(detect_language("O que é ajuste correspondente?"), Some(Lang::Pt));
/// assert_eq!(detect_language("ITMO?"), None);
/// ```
pub fn detect_language(text: &str) -> Option<Lang> {
    language_scores(text).verdict()
}

/// The language of `text` from its own words and, when they leave it undecided, from the words
/// only one language's passages use: `used_only_in(word)` names that language, or `None` when no
/// passage or passages of several languages use the word.
///
/// ```
/// use consulta_corpus::Lang;
/// use consulta_retrieval::detect_language_with;
///
/// let knowledge_base = |word: &str| (word == "adquire").then_some(Lang::Pt);
/// assert_eq!(detect_language_with("o país adquire o ITMO?", knowledge_base), Some(Lang::Pt));
/// assert_eq!(detect_language_with("que o MDL?", knowledge_base), None);
/// ```
pub fn detect_language_with(
    text: &str,
    used_only_in: impl Fn(&str) -> Option<Lang>,
) -> Option<Lang> {
    let mut scores = language_scores(text);
    if let Some(lang) = scores.verdict() {
        return Some(lang);
    }
    for word in words(text) {
        if is_acronym_or_number(word) {
            continue;
        }
        let folded = fold(word);
        if Lang::ALL.iter().any(|lang| is_stopword(*lang, &folded)) {
            continue;
        }
        if let Some(lang) = used_only_in(word) {
            scores.add(lang, 1.0);
        }
    }
    scores.verdict()
}

/// `ITMO`, `A6.4ER`'s pieces, `CMA`, `2021`: tokens that are the same in every language.
fn is_acronym_or_number(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        || (word.chars().count() >= 2 && word.chars().all(|c| !c.is_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expected: Option<Lang>) {
        assert_eq!(
            detect_language(text),
            expected,
            "{text:?}: {:?}",
            language_scores(text)
        );
    }

    #[test]
    fn short_questions_with_accents() {
        check("¿Qué es un ITMO?", Some(Lang::Es));
        check("O que é ajuste correspondente?", Some(Lang::Pt));
        check("What is an ITMO?", Some(Lang::En));
        check("Quem autoriza a transferência dos ITMOs?", Some(Lang::Pt));
        check("¿Quién aplica el ajuste correspondiente?", Some(Lang::Es));
    }

    #[test]
    fn accents_missing() {
        check("que es un ITMO", Some(Lang::Es));
        check("o que e ajuste correspondente", Some(Lang::Pt));
        check(
            "como funciona a autorizacao de transferencia",
            Some(Lang::Pt),
        );
        check("como funciona la autorizacion de los ITMO", Some(Lang::Es));
        check("nao entendi o que sao os ITMOs", Some(Lang::Pt));
    }

    #[test]
    fn portuguese_endings_without_marks() {
        check(
            "as metodologias do PACM precisam descontar vazamentos?",
            Some(Lang::Pt),
        );
        check(
            "que arranjos institucionais o país precisa para operar o artigo 6?",
            Some(Lang::Pt),
        );
        check(
            "¿Qué arreglos institucionales necesita el país?",
            Some(Lang::Es),
        );
        check("o PACM substitui o MDL?", Some(Lang::Pt));
        check("¿el PACM sustituye al MDL?", Some(Lang::Es));
    }

    #[test]
    fn topic_words_decide_when_function_words_are_shared() {
        check("O que precisa ir no relatorio inicial?", Some(Lang::Pt));
        check("que informe necesita presentar el pais", Some(Lang::Es));
        check("qual o prazo do relatorio", Some(Lang::Pt));
    }

    #[test]
    fn the_distinctive_words_are_sorted_and_folded() {
        assert!(DISTINCTIVE.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(DISTINCTIVE.iter().all(|(word, _)| fold(word) == *word));
    }

    #[test]
    fn acronyms_do_not_vote() {
        check("¿El CDM y el A6.4M son lo mismo?", Some(Lang::Es));
        check("Is the CDM the same as the A6.4M?", Some(Lang::En));
        check("ITMO CDM NDC 6.2", None);
    }

    #[test]
    fn the_knowledge_base_decides_only_what_the_words_leave_open() {
        let portuguese_only = |word: &str| {
            ["adquire", "subtrai", "informe"]
                .contains(&word)
                .then_some(Lang::Pt)
        };
        let used_only_in = |word: &str| portuguese_only(&fold(word));
        let undecided = "o país que adquire subtrai o ITMO?";
        assert_eq!(detect_language(undecided), None);
        assert_eq!(
            detect_language_with(undecided, used_only_in),
            Some(Lang::Pt)
        );
        // A verdict the question's own words give is kept, whatever the passages use.
        assert_eq!(
            detect_language_with("¿Qué informe necesita el país?", used_only_in),
            Some(Lang::Es)
        );
        // Words several languages' passages use, and acronyms, still leave it open.
        assert_eq!(detect_language_with("que o PACM?", used_only_in), None);
        assert_eq!(detect_language_with("ITMO?", used_only_in), None);
    }

    #[test]
    fn ambiguous_text_has_no_verdict() {
        check("", None);
        check("ajuste", None);
        check("Como funciona?", None);
    }
}
