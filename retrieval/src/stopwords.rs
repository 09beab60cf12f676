//! Function words of Spanish, Portuguese and English, in folded form (see [`crate::text::fold`]).
//!
//! One list per language serves two purposes: the full-text analyzers drop these words (so "¿Qué es
//! un ITMO?" searches for `itmo`, not for `que`), and language detection counts them (function words
//! are what tells three closely related languages apart in a six-word question).

use consulta_corpus::Lang;

const ES: &[&str] = &[
    "a", "al", "algo", "algun", "alguna", "algunas", "alguno", "algunos", "ante", "antes", "aun",
    "cada", "como", "con", "contra", "cual", "cuales", "cuando", "cuanta", "cuantas", "cuanto",
    "cuantos", "de", "del", "desde", "donde", "durante", "el", "ella", "ellas", "ellos", "en",
    "entre", "era", "es", "esa", "esas", "ese", "eso", "esos", "esta", "estan", "estas", "este",
    "esto", "estos", "fue", "ha", "hace", "han", "hasta", "hay", "la", "las", "le", "les", "lo",
    "los", "mas", "me", "mi", "mis", "muy", "ni", "no", "nos", "o", "otra", "otras", "otro",
    "otros", "para", "pero", "por", "porque", "puede", "pueden", "puedo", "que", "quien",
    "quienes", "se", "sea", "ser", "si", "sin", "sobre", "son", "su", "sus", "tambien", "tiene",
    "tienen", "todo", "todos", "tu", "u", "un", "una", "unas", "uno", "unos", "usted", "y", "ya",
    "yo",
];

const PT: &[&str] = &[
    "a", "ao", "aos", "aquela", "aquele", "as", "ate", "cada", "com", "como", "da", "das", "de",
    "dela", "dele", "deve", "devem", "do", "dos", "e", "ela", "elas", "ele", "eles", "em", "entre",
    "era", "essa", "essas", "esse", "esses", "esta", "estao", "estas", "este", "estes", "eu",
    "foi", "ha", "isso", "isto", "ja", "lhe", "mais", "mas", "me", "meu", "minha", "muito", "na",
    "nao", "nas", "nem", "no", "nos", "num", "numa", "o", "onde", "os", "ou", "para", "pela",
    "pelas", "pelo", "pelos", "pode", "podem", "por", "porque", "quais", "qual", "quando",
    "quanta", "quantas", "quanto", "quantos", "que", "quem", "sao", "se", "sem", "ser", "seu",
    "seus", "so", "sobre", "sua", "suas", "tambem", "tem", "ter", "um", "uma", "umas", "uns",
    "voce",
];

const EN: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "had", "has", "have",
    "how", "i", "if", "in", "into", "is", "it", "its", "many", "may", "me", "much", "must", "my",
    "no", "not", "of", "on", "or", "our", "should", "so", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "to", "was", "we", "were", "what",
    "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// The folded function words of `lang`.
pub(crate) fn stopwords(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Es => ES,
        Lang::Pt => PT,
        Lang::En => EN,
    }
}

/// Whether the folded word `word` is a function word of `lang`.
pub(crate) fn is_stopword(lang: Lang, word: &str) -> bool {
    stopwords(lang).binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn lists_are_sorted_and_folded_for_binary_search() {
        for lang in Lang::ALL {
            let list = stopwords(lang);
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "{lang} list is not sorted and unique"
            );
            assert!(
                list.iter().all(|w| fold(w) == *w),
                "{lang} list holds unfolded words"
            );
        }
    }

    #[test]
    fn finds_words_per_language() {
        assert!(is_stopword(Lang::Es, "que"));
        assert!(is_stopword(Lang::Pt, "nao"));
        assert!(!is_stopword(Lang::En, "itmo"));
    }
}
