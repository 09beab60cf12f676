//! Personal particulars in text about to be published as an FAQ: e-mail addresses, phone numbers and
//! document (passport, ID) numbers are flagged so that an expert does not publish an asker's details
//! by accident. The scan is deliberately simple and errs on the side of flagging: a flag only asks the
//! expert to look again, it never blocks an approval they confirm.

use std::fmt;

use consulta_corpus::is_email_address;
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

/// What the edit step tells the expert about what the scan cannot see: personal names look like any
/// other words, so none is flagged, and removing them is the expert's job.
pub const NAMES_NOT_FLAGGED: &str =
    "Names are not flagged: remove the asker's name and anyone else's yourself.";

/// One word of the text: as written, and with look-alike characters read as ASCII.
struct Word {
    /// The word as written, without the punctuation around it: what a flag shows.
    written: String,
    /// `written` with full-width forms, Unicode dashes and spaces read as their ASCII equivalents.
    plain: String,
    /// The word ended with `,` or `;`, which ends a phone number.
    ends_clause: bool,
}

/// Every particular in `text`, in order of appearance. Text is read as a person reads it: full-width
/// digits and `＠`, Unicode dashes (`1234–5678`) and non-breaking or ideographic spaces count as
/// their ASCII forms, since each is one keyboard setting away from them.
pub fn find_particulars(text: &str) -> Vec<Particular> {
    let words = words(text);
    let mut found = Vec::new();
    let mut after_document_word = false;
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        let plain = word.plain.as_str();
        let digits = count_digits(plain);
        if is_email_address(plain) {
            found.push(particular(ParticularKind::Email, &word.written));
        } else if is_document_shape(plain) {
            found.push(particular(ParticularKind::Document, &word.written));
        } else if let Some((run, taken)) = phone_run(&words[index..]) {
            found.push(particular(ParticularKind::Phone, &run));
            index += taken;
            after_document_word = false;
            continue;
        } else if (digits >= DOCUMENT_DIGITS && plain.chars().any(char::is_alphabetic))
            || (after_document_word && digits >= NAMED_DOCUMENT_DIGITS)
        {
            found.push(particular(ParticularKind::Document, &word.written));
        }
        after_document_word =
            is_document_word(plain) || (after_document_word && is_number_word(plain));
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

/// The words of `text`, split at any whitespace (ideographic and non-breaking spaces too).
fn words(text: &str) -> Vec<Word> {
    text.split_whitespace()
        .filter_map(|raw| {
            let written = raw.trim_matches(|c: char| !is_word_char(plain_char(c)));
            (!written.is_empty()).then(|| Word {
                written: written.to_string(),
                plain: written.chars().map(plain_char).collect(),
                ends_clause: raw.ends_with([',', ';', '，', '；']),
            })
        })
        .collect()
}

/// `c` as its ASCII look-alike: full-width forms (`５`, `＠`, `＋`) and Unicode dashes and minus
/// signs; any other character is itself.
fn plain_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        _ => c,
    }
}

/// What a particular starts and ends with: letters, digits, and a phone number's leading `+`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '+'
}

fn count_digits(word: &str) -> usize {
    word.chars().filter(char::is_ascii_digit).count()
}

/// A national ID in the region's usual written shapes: dotted groups of three after one to three
/// digits (`12.345.678-5` a Chilean RUT or Brazilian RG, `123.456.789-09` a CPF, `30.123.456` an
/// Argentine DNI), or seven or eight digits with a check character (`12345678-K`). Letters with
/// digits (passports, Spanish DNI) and bare runs of digits are caught by the other rules.
fn is_document_shape(word: &str) -> bool {
    let (number, check) = match word.rsplit_once('-') {
        Some((number, check))
            if (1..=2).contains(&check.len())
                && check
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == 'k' || c == 'K') =>
        {
            (number, Some(check))
        }
        _ => (word, None),
    };
    let all_digits = |group: &str| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = number.split('.').collect();
    let dotted = groups.len() >= 3
        && (1..=3).contains(&groups[0].len())
        && all_digits(groups[0])
        && groups[1..].iter().all(|g| g.len() == 3 && all_digits(g));
    let checked = check.is_some() && (7..=8).contains(&number.len()) && all_digits(number);
    // Dotted groups alone are also how large amounts are written (`1.000.000`): only an ID's
    // eight digits, or a check character, make them a document.
    (dotted && (check.is_some() || count_digits(number) == 8)) || checked
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
/// at least [`PHONE_DIGITS`] digits in all. Returns the run as written and how many words it took.
fn phone_run(words: &[Word]) -> Option<(String, usize)> {
    let is_phone_piece = |word: &str| {
        word.chars().any(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.()/".contains(c))
    };
    let mut digits = 0;
    let mut taken = 0;
    for word in words {
        let piece = word.plain.as_str();
        // A closing parenthesis or a comma ends the number but belongs to it.
        if !is_phone_piece(piece) || (taken > 0 && piece.starts_with('+')) {
            break;
        }
        digits += count_digits(piece);
        taken += 1;
        if word.ends_clause {
            break;
        }
    }
    // A decision (`3/CMA.3`) or a date (`2024-01-31`) is a single short piece; a phone number in
    // one piece needs its digits all the same.
    (digits >= PHONE_DIGITS).then(|| {
        let run = words[..taken]
            .iter()
            .map(|w| w.written.as_str())
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
    fn look_alike_characters_are_read_as_ascii_and_flags_show_them_as_written() {
        assert_eq!(
            kinds("Llámeme al +56\u{a0}9\u{a0}1234–5678, gracias."),
            vec![(ParticularKind::Phone, "+56 9 1234–5678".into())]
        );
        assert_eq!(
            kinds("Teléfono: ＋５６\u{3000}９\u{3000}１２３４\u{3000}５６７８"),
            vec![(ParticularKind::Phone, "＋５６ ９ １２３４ ５６７８".into())]
        );
        assert_eq!(
            kinds("Escriba a marta.r＠correo.cl o a joao@exemplo．com．br."),
            vec![
                (ParticularKind::Email, "marta.r＠correo.cl".into()),
                (ParticularKind::Email, "joao@exemplo．com．br".into()),
            ]
        );
    }

    #[test]
    fn regional_document_numbers_are_flagged_as_documents() {
        for (text, number) in [
            ("Mi RUT es 12.345.678-5.", "12.345.678-5"),
            ("RUT 12345678-K", "12345678-K"),
            ("Meu CPF: 123.456.789-09", "123.456.789-09"),
            ("DNI 30.123.456, Buenos Aires", "30.123.456"),
            ("mi DNI 12345678Z", "12345678Z"),
            ("passaporte FZ123456", "FZ123456"),
            ("el número P4567891 de mi pasaporte", "P4567891"),
            ("my ID is １２.３４５.６７８‐５", "１２.３４５.６７８‐５"),
        ] {
            assert_eq!(
                kinds(text),
                vec![(ParticularKind::Document, number.into())],
                "{text}"
            );
        }
    }

    #[test]
    fn amounts_and_references_are_not_documents() {
        assert!(
            kinds("Se emitieron 1.000.000 de RE6.4 (párrafo 1.2.3) el 31 de enero de 2024.")
                .is_empty()
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
