//! FAQ exports from a spreadsheet or a helpdesk tool: one question per row, with `question`,
//! `answer` and `lang` columns (Spanish and Portuguese headers are understood too).

use crate::{Lang, Passage, PassageKind, passage_id, section_slug};

use super::read::LanguageDetector;
use super::{Candidate, Metadata, SkipReason};

/// The columns a row may have, and the header names that mean each.
const COLUMNS: [(Column, &[&str]); 9] = [
    (Column::Question, &["question", "pregunta", "pergunta"]),
    (Column::Answer, &["answer", "respuesta", "resposta"]),
    (Column::Lang, &["lang", "language", "idioma", "lengua"]),
    (Column::Id, &["id", "topic"]),
    (Column::Source, &["source", "fuente", "fonte"]),
    (Column::SourceUrl, &["source_url", "url", "link", "enlace"]),
    (Column::ValidAsOf, &["valid_as_of", "date", "fecha", "data"]),
    (Column::Tags, &["tags", "etiquetas", "temas"]),
    (
        Column::Countries,
        &["countries", "paises", "países", "country"],
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Question,
    Answer,
    Lang,
    Id,
    Source,
    SourceUrl,
    ValidAsOf,
    Tags,
    Countries,
}

/// Reads the rows into FAQ passages. A bad row (no question or answer, unknown language, bad date)
/// is reported with its line and the others kept; a file without `question` and `answer` columns
/// is skipped.
pub(crate) fn read(
    candidate: &Candidate,
    metadata: &Metadata,
    text: &str,
    detect: &LanguageDetector,
) -> Result<(Vec<Passage>, Vec<String>), SkipReason> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| SkipReason::Malformed {
        detail: format!("unreadable CSV header: {e}"),
    })?;
    let positions: Vec<Option<Column>> = headers.iter().map(column).collect();
    let has = |wanted: Column| positions.contains(&Some(wanted));
    if !has(Column::Question) || !has(Column::Answer) {
        return Err(SkipReason::Malformed {
            detail: format!(
                "an FAQ CSV needs `question` and `answer` columns (and `lang`); its header is {:?}",
                headers.iter().collect::<Vec<_>>()
            ),
        });
    }
    let mut passages = Vec::new();
    let mut warnings = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index + 2, |p| p.line() as usize);
        let row = match record {
            Ok(record) => record,
            Err(e) => {
                warnings.push(format!("{}:{line}: unreadable row: {e}", candidate.origin));
                continue;
            }
        };
        let field = |wanted: Column| -> &str {
            positions
                .iter()
                .position(|c| *c == Some(wanted))
                .and_then(|i| row.get(i))
                .unwrap_or_default()
        };
        match passage(candidate, metadata, &field, line, detect) {
            Ok(Some(passage)) => passages.push(passage),
            Ok(None) => {}
            Err(problem) => warnings.push(format!("{}:{line}: {problem}", candidate.origin)),
        }
    }
    if passages.is_empty() {
        return Err(SkipReason::Malformed {
            detail: warnings
                .into_iter()
                .next()
                .unwrap_or_else(|| "the CSV has no rows".into()),
        });
    }
    Ok((passages, warnings))
}

fn passage<'r>(
    candidate: &Candidate,
    metadata: &Metadata,
    field: &dyn Fn(Column) -> &'r str,
    line: usize,
    detect: &LanguageDetector,
) -> Result<Option<Passage>, String> {
    let (question, answer) = (field(Column::Question), field(Column::Answer));
    if question.is_empty() && answer.is_empty() {
        return Ok(None);
    }
    if question.is_empty() || !answer.chars().any(char::is_alphanumeric) {
        return Err("a row needs both a question and an answer".into());
    }
    let lang = match field(Column::Lang) {
        "" => metadata
            .lang
            .or_else(|| detect(&format!("{question}\n{answer}")))
            .ok_or("the language cannot be told; fill in the `lang` column (es, pt or en)")?,
        code => code.parse::<Lang>()?,
    };
    let valid_as_of = match field(Column::ValidAsOf) {
        "" => metadata.valid_as_of.clone(),
        date => {
            crate::faq::check_date(date)?;
            Some(date.to_string())
        }
    };
    let doc_id = match field(Column::Id) {
        "" => format!("doc:{}#{}", candidate.origin, section_slug(question)),
        id => format!("faq:{id}"),
    };
    let list = |column: Column, fallback: &[String]| -> Vec<String> {
        let value = field(column);
        if value.is_empty() {
            return fallback.to_vec();
        }
        value
            .split([';', ','])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    let source = match field(Column::Source) {
        "" => metadata
            .source
            .clone()
            .unwrap_or_else(|| candidate.origin.clone()),
        source => source.to_string(),
    };
    let source_url = match field(Column::SourceUrl) {
        "" => metadata.source_url.clone(),
        url => Some(url.to_string()),
    };
    Ok(Some(Passage {
        id: passage_id(&doc_id, lang, question, answer),
        doc_id,
        kind: PassageKind::Faq,
        lang,
        title: question.to_string(),
        section: question.to_string(),
        source,
        source_url,
        valid_as_of,
        tags: list(Column::Tags, &metadata.tags),
        countries: list(Column::Countries, &metadata.countries),
        text: answer.to_string(),
        origin: format!("{}:{line}", candidate.origin),
    }))
}

fn column(header: &str) -> Option<Column> {
    let header = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&header.as_str()))
        .map(|(column, _)| *column)
}

/// Spreadsheets in Spanish and Portuguese locales export with `;`; tab-separated exports exist too.
/// The header line decides.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    b",;\t"
        .iter()
        .copied()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Location;

    fn candidate() -> Candidate {
        Candidate {
            key: "/x/faq.csv".into(),
            origin: "faq.csv".into(),
            location: Location::File("/x/faq.csv".into()),
            metadata: Ok(Metadata::default()),
        }
    }

    #[test]
    fn rows_become_faq_passages_and_bad_rows_are_reported() {
        let text = "pregunta;respuesta;idioma;fecha\n\
                    ¿Qué es un ITMO?;Un resultado de mitigación transferido.;es;2024-01-10\n\
                    What is OMGE?;Overall mitigation in global emissions.;en;\n\
                    Sin respuesta;;es;\n\
                    Bad lang;Texto;fr;\n";
        let (passages, warnings) =
            read(&candidate(), &Metadata::default(), text, &|_| None).unwrap();
        assert_eq!(passages.len(), 2);
        assert_eq!(passages[0].lang, Lang::Es);
        assert_eq!(passages[0].valid_as_of.as_deref(), Some("2024-01-10"));
        assert_eq!(passages[0].origin, "faq.csv:2");
        assert_eq!(passages[1].kind, PassageKind::Faq);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("faq.csv:4:"), "{warnings:?}");
        assert!(warnings[1].contains("fr"), "{warnings:?}");
    }

    #[test]
    fn a_csv_without_question_columns_is_refused() {
        let err = read(&candidate(), &Metadata::default(), "a,b\n1,2\n", &|_| None).unwrap_err();
        assert!(err.to_string().contains("`question` and `answer`"), "{err}");
    }
}
