//! How answers look in a terminal.

use std::io::Write;

use consulta_desk::Ticket;
use consulta_retrieval::Answer;

/// Shown when `consulta ask` gets an empty question.
pub const EMPTY_QUESTION_HELP: &str = "\
consulta: the question is empty. Ask in Spanish, Portuguese or English, for example:
  consulta ask \"¿Cuándo se presenta el informe inicial del artículo 6.2?\"
  consulta ask \"O que é um ajuste correspondente?\"
or give no question to read one per line from stdin.";

/// Writes the answer with its notes and numbered citations, as every front-end shows it.
pub fn write_answer(out: &mut impl Write, answer: &Answer) -> std::io::Result<()> {
    writeln!(out, "{}", answer.to_text())
}

/// One line per ticket: id, status, language, age, asker and the start of the question.
pub fn write_ticket_list(out: &mut impl Write, tickets: &[Ticket]) -> std::io::Result<()> {
    if tickets.is_empty() {
        return writeln!(out, "no tickets");
    }
    for ticket in tickets {
        writeln!(
            out,
            "{}  {:<8}  {}  {}  {:<12}  {}",
            ticket.id,
            ticket.status.as_str(),
            ticket.language,
            ticket.created_at,
            ticket.assignee.as_deref().unwrap_or("-"),
            first_chars(&ticket.question, 70)
        )?;
    }
    Ok(())
}

/// A ticket in full: the question, what Consulta found, the answer and the history.
pub fn write_ticket(out: &mut impl Write, ticket: &Ticket) -> std::io::Result<()> {
    writeln!(
        out,
        "ticket {} — {} ({})",
        ticket.id,
        ticket.status.as_str(),
        ticket.group
    )?;
    writeln!(
        out,
        "asked {} by {} on {}, in {}",
        ticket.created_at,
        ticket.asker.display_name,
        ticket.asker.platform.as_str(),
        ticket.language
    )?;
    writeln!(out, "\n{}\n", ticket.question.trim())?;
    if !ticket.passages.is_empty() {
        writeln!(out, "What Consulta found:")?;
        for (number, passage) in ticket.passages.iter().enumerate() {
            writeln!(
                out,
                "  [{}] {} — {} ({}, score {:.2})",
                number + 1,
                passage.title,
                passage.section,
                passage.source,
                passage.score
            )?;
        }
    }
    if let Some(answer) = &ticket.answer {
        writeln!(
            out,
            "\nAnswer by {} ({}):\n{}",
            answer.expert,
            answer.at,
            answer.text.trim()
        )?;
    }
    writeln!(out, "\nHistory:")?;
    for event in &ticket.events {
        writeln!(out, "  {}  {}  {:?}", event.at, event.actor, event.kind)?;
    }
    Ok(())
}

fn first_chars(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}
