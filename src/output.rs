//! How answers look in a terminal.

use std::io::Write;

use consulta_retrieval::Answer;

/// Shown when `consulta ask` gets an empty question.
pub const EMPTY_QUESTION_HELP: &str = "\
consulta: the question is empty. Ask in Spanish, Portuguese or English, for example:
  consulta ask \"¿Cuándo se presenta el informe inicial del artículo 6.2?\"
  consulta ask \"O que é um ajuste correspondente?\"
or give no question to read one per line from stdin.";

/// Writes the answer text, then its numbered citations with everything needed to check them.
pub fn write_answer(out: &mut impl Write, answer: &Answer) -> std::io::Result<()> {
    let labels = consulta_retrieval::phrases(answer.language);
    writeln!(out, "{}", answer.answer.trim_end())?;
    for note in &answer.notes {
        writeln!(out, "({note})")?;
    }
    if answer.citations.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}:", labels.sources)?;
    for (number, citation) in answer.citations.iter().enumerate() {
        writeln!(
            out,
            "  [{}] {} — {}",
            number + 1,
            citation.title,
            citation.section
        )?;
        let mut detail = citation.source.clone();
        if let Some(date) = &citation.date {
            detail.push_str(&format!(" · {} {date}", labels.as_of));
        }
        if let Some(url) = &citation.source_url {
            detail.push_str(&format!(" · {url}"));
        }
        writeln!(out, "      {detail}")?;
    }
    Ok(())
}
