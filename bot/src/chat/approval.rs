//! The edit step before an answer becomes a public FAQ, the same on every chat platform: the expert
//! is shown the question and answer that would be published (with the particulars flagged in them),
//! rewrites them, and only what they send back is published. Text with flagged particulars is
//! published only after a second, explicit confirmation.
//!
//! Platforms with forms (Discord) put question and answer in fields; platforms without (Telegram)
//! show a draft message that the expert replies to with `Q:` and `A:` lines, or publishes as shown.

use crate::assistant::{AssistantError, FailureCode};
use consulta_desk::{
    Approval, ApprovalDraft, Identity, NAMES_NOT_FLAGGED, Particular, TicketId,
    describe_particulars,
};

use super::conversation::{Conversation, Place, Reply};
use super::intent::Said;

/// How a draft message starts; the ticket id follows, so a press or a reply finds its ticket.
pub const DRAFT_HEADER: &str = "FAQ draft for ticket ";
/// Starts the question in a draft or an edit.
const QUESTION_MARK: &str = "Q:";
/// Starts the answer in a draft or an edit.
const ANSWER_MARK: &str = "A:";
/// Ends the published text in a draft message; what follows is instructions.
const END_MARK: &str = "———";
/// What the expert is told about editing a draft on platforms without forms.
pub const HOW_TO_EDIT: &str = "Reply to this message with the text to publish: a line starting with Q: and the question, then a line starting with A: and the answer.";
/// What the confirmation field or button expects, so that publishing particulars is never one slip.
pub const CONFIRM_WORD: &str = "PUBLISH";

/// The question and answer an expert sends back from the edit step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The question to publish.
    pub question: String,
    /// The answer to publish.
    pub answer: String,
}

/// The text of a draft message: the ticket, the text to publish between markers, the flags (and that
/// names are never flagged), and how to edit (when `how_to_edit` is given).
pub fn draft_text(draft: &ApprovalDraft, how_to_edit: Option<&str>) -> String {
    let mut text = format!(
        "{DRAFT_HEADER}{}. Only this text will be published:\n\n{QUESTION_MARK} {}\n{ANSWER_MARK} {}\n{END_MARK}\n",
        draft.ticket, draft.question, draft.answer
    );
    if draft.particulars.is_empty() {
        text.push_str(NAMES_NOT_FLAGGED);
    } else {
        text.push_str(&flag_warning(&draft.particulars));
    }
    text.push('\n');
    if let Some(how) = how_to_edit {
        text.push_str(how);
    }
    text
}

/// The warning for flagged particulars, with what the flags cannot cover.
pub fn flag_warning(found: &[Particular]) -> String {
    format!(
        "⚠ Personal particulars flagged: {}. Edit them out, or confirm that they may be published. {NAMES_NOT_FLAGGED}",
        describe_particulars(found)
    )
}

/// Reads a draft message back: its ticket and the text it shows for publication. `None` for any
/// other text.
pub fn read_draft(text: &str) -> Option<(TicketId, Edit)> {
    let rest = text.trim_start().strip_prefix(DRAFT_HEADER)?;
    let (id, rest) = rest.split_once('.')?;
    let ticket = id.trim().parse().ok()?;
    let (published, _) = rest.rsplit_once(&format!("\n{END_MARK}"))?;
    Some((ticket, read_edit(published)?))
}

/// Reads an expert's edit: the text after a line starting `Q:` up to a line starting `A:`, and the
/// rest after it. `None` when either is missing or empty.
pub fn read_edit(text: &str) -> Option<Edit> {
    let text = format!("\n{}", text.replace("\r\n", "\n"));
    let question_at = text.find(&format!("\n{QUESTION_MARK}"))? + 1 + QUESTION_MARK.len();
    let answer_from = text[question_at..].find(&format!("\n{ANSWER_MARK}"))? + question_at;
    let question = text[question_at..answer_from].trim();
    let answer = text[answer_from + 1 + ANSWER_MARK.len()..].trim();
    (!question.is_empty() && !answer.is_empty()).then(|| Edit {
        question: question.to_string(),
        answer: answer.to_string(),
    })
}

impl<P: Place> Conversation<P> {
    /// The start of the edit step for `ticket`: the draft to show, or why there is none (for the
    /// presser only).
    pub(super) async fn approval_draft(&self, by: Identity, ticket: TicketId) -> Said {
        match self.assistant().approval_draft(by, ticket).await {
            Ok(draft) => Said::Draft(draft),
            Err(error) => Said::Reply(Reply::refusal_of(error)),
        }
    }

    /// Publishes the expert's edited text for `ticket`; `confirmed` says they saw the flagged
    /// particulars and publish them anyway. Text with particulars not confirmed comes back as
    /// [`Said::Unconfirmed`], so that nothing typed is lost.
    pub(super) async fn publish(
        &self,
        by: Identity,
        ticket: TicketId,
        edit: Edit,
        confirmed: bool,
    ) -> Said {
        let approval = Approval {
            question: edit.question.clone(),
            answer: edit.answer.clone(),
            confirm_particulars: confirmed,
        };
        match self.assistant().approve(by, ticket.clone(), approval).await {
            Ok(entry) => Said::Reply(
                Reply::text(format!(
                    "The answer to {} is now a curated FAQ entry, published as edited.",
                    entry.ticket
                ))
                .private(),
            ),
            Err(AssistantError {
                code: FailureCode::Particulars,
                ..
            }) => {
                let particulars =
                    consulta_desk::find_particulars(&format!("{}\n{}", edit.question, edit.answer));
                Said::Unconfirmed(ApprovalDraft {
                    ticket,
                    question: edit.question,
                    answer: edit.answer,
                    particulars,
                })
            }
            Err(error) => Said::Reply(Reply::refusal_of(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_reads_back_as_the_text_it_shows() {
        let draft = ApprovalDraft {
            ticket: "K7P2Q".parse().unwrap(),
            question: "¿Cuándo vence el plazo?\nSegunda línea".into(),
            answer: "El 31 de diciembre.\n\nA: no es una marca aquí".into(),
            particulars: consulta_desk::find_particulars("marta@correo.cl"),
        };
        let text = draft_text(&draft, Some(HOW_TO_EDIT));
        assert!(text.contains("marta@correo.cl"), "{text}");
        let (ticket, edit) = read_draft(&text).unwrap();
        assert_eq!(ticket, draft.ticket);
        assert_eq!(edit.question, draft.question);
        assert_eq!(
            edit.answer, "El 31 de diciembre.\n\nA: no es una marca aquí",
            "only the first A: line starts the answer"
        );
    }

    #[test]
    fn an_edit_needs_both_question_and_answer() {
        assert_eq!(
            read_edit("Q: What is an ITMO?\nA: A transferred mitigation outcome."),
            Some(Edit {
                question: "What is an ITMO?".into(),
                answer: "A transferred mitigation outcome.".into(),
            })
        );
        assert_eq!(read_edit("What is an ITMO?"), None);
        assert_eq!(read_edit("Q: What is an ITMO?\nA:   "), None);
        assert_eq!(read_draft("Hello"), None);
    }
}
