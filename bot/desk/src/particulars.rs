//! Personal particulars in text about to be published as an FAQ: e-mail addresses, phone numbers and
//! document (passport, ID) numbers are flagged so that an expert does not publish an asker's details
//! by accident. The scan is deliberately simple and errs on the side of flagging: a flag only asks the
//! expert to look again, it never blocks an approval they confirm.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Digits a run of numbers needs before it reads as a phone number (a year or an article does not).
const PHONE_DIGITS: usize = 8;
/// Digits a letters-and-digits word needs before it reads as a document number (`AB1234567`).
const DOCUMENT_DIGITS: usize = 6;
/// Digits a word after a document keyword needs (`pasaporte 12345`).
const NAMED_DOCUMENT_DIGITS: usize = 4;
/// Words after which a number is a document's: passports and national IDs in the region's languages.
const DOCUMENT_WORDS: &[&str] = &[
    "passport",
    "pasaporte",
    "passaporte",
    "passeport",
    "dni",
    "cedula",
    "cédula",
    "rut",
    "run",
    "cpf",
    "rg",
    "curp",
    "nit",
    "id",
    "documento",
    "document",
];

/// What kind of particular was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticularKind {
    /// `name@example.org`.
    Email,
    /// Eight or more digits in one run (`+56 9 1234 5678`).
    Phone,
    /// A passport, ID or other document number.
    Document,
}

impl fmt::Display for ParticularKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParticularKind::Email => "e-mail address",
            ParticularKind::Phone => "phone number",
            ParticularKind::Document => "document number",
        })
    }
}

/// One flagged particular: its kind and the text as found, so the expert can find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Particular {
    /// E-mail, phone or document number.
    pub kind: ParticularKind,
    /// The flagged text.
    pub text: String,
}

impl fmt::Display for Particular {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} \"{}\"", self.kind, self.text)
    }
}

/// Every particular in `text`, in order of appearance.
pub fn find_particulars(text: &str) -> Vec<Particular> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut after_document_word = false;
    let mut index = 0;
    while index < words.len() {
        let word = trim_punctuation(words[index]);
        let digits = count_digits(word);
        if is_email(word) {
            found.push(particular(ParticularKind::Email, word));
        } else if let Some((run, taken)) = phone_run(&words[index..]) {
            found.push(particular(ParticularKind::Phone, &run));
            index += taken;
            after_document_word = false;
            continue;
        } else if (digits >= DOCUMENT_DIGITS && word.chars().any(char::is_alphabetic))
            || (after_document_word && digits >= NAMED_DOCUMENT_DIGITS)
        {
            found.push(particular(ParticularKind::Document, word));
        }
        after_document_word =
            is_document_word(word) || (after_document_word && is_number_word(word));
        index += 1;
    }
    found
}

/// A readable list of `found`, for refusals and warnings.
pub fn describe(found: &[Particular]) -> String {
    found
        .iter()
        .map(Particular::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn particular(kind: ParticularKind, text: &str) -> Particular {
    Particular {
        kind,
        text: text.to_string(),
    }
}

fn trim_punctuation(word: &str) -> &str {
    word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '+'))
}

fn count_digits(word: &str) -> usize {
    word.chars().filter(char::is_ascii_digit).count()
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

fn is_document_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches([':', '.', '#']);
    DOCUMENT_WORDS.contains(&lower)
}

/// "No.", "número": a word between a document's name and its number.
fn is_number_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "no" | "nº" | "n°" | "nr" | "number" | "número" | "numero"
    )
}

/// A phone number starting at `words[0]`: digits joined by spaces, dashes, dots or parentheses with
/// at least [`PHONE_DIGITS`] digits in all. Returns the run and how many words it took.
fn phone_run(words: &[&str]) -> Option<(String, usize)> {
    let is_phone_piece = |word: &str| {
        !word.is_empty()
            && word.chars().any(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.()/".contains(c))
    };
    let mut digits = 0;
    let mut taken = 0;
    for word in words {
        let piece = trim_punctuation(word);
        // A closing parenthesis or a comma ends the number but belongs to it.
        if !is_phone_piece(piece) || (taken > 0 && piece.starts_with('+')) {
            break;
        }
        digits += count_digits(piece);
        taken += 1;
        if word.ends_with(',') || word.ends_with(';') {
            break;
        }
    }
    // A decision (`3/CMA.3`) or a date (`2024-01-31`) is a single short piece; a phone number in
    // one piece needs its digits all the same.
    (digits >= PHONE_DIGITS).then(|| {
        let run = words[..taken]
            .iter()
            .map(|w| trim_punctuation(w))
            .collect::<Vec<_>>()
            .join(" ");
        (run, taken)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(ParticularKind, String)> {
        find_particulars(text)
            .into_iter()
            .map(|p| (p.kind, p.text))
            .collect()
    }

    #[test]
    fn flags_emails_phones_and_document_numbers() {
        assert_eq!(
            kinds(
                "Soy Marta, pasaporte AB1234567, escribir a marta.r@correo.cl o al +56 9 8765 4321."
            ),
            vec![
                (ParticularKind::Document, "AB1234567".into()),
                (ParticularKind::Email, "marta.r@correo.cl".into()),
                (ParticularKind::Phone, "+56 9 8765 4321".into()),
            ]
        );
        assert_eq!(
            kinds("Mi DNI: 30123 y mi teléfono (011) 4567-8901"),
            vec![
                (ParticularKind::Document, "30123".into()),
                (ParticularKind::Phone, "011 4567-8901".into()),
            ]
        );
    }

    #[test]
    fn article_six_text_is_not_flagged() {
        assert!(
            kinds(
                "Under decision 3/CMA.3 and Article 6.4, 5 % of A6.4ERs go to the Adaptation Fund \
                 from 1 January 2024; the transition deadline was 31 December 2023 (paragraph 73)."
            )
            .is_empty()
        );
        assert!(kinds("Escriba a la autoridad nacional designada.").is_empty());
    }
}
