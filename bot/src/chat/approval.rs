//! The edit step before an answer becomes a public FAQ, the same on every chat platform: the expert
//! is shown the question and answer that would be published (with the particulars flagged in them),
//! rewrites them, and only what they send back is published. Text with flagged particulars is
//! published only after a second, explicit confirmation.
//!
//! Platforms with forms (Discord) put question and answer in fields; platforms without (Telegram)
//! show a draft message that the expert replies to with `Q:` and `A:` lines, or publishes as shown.

use consulta_corpus::Lang;

use crate::assistant::{AssistantError, FailureCode};
use consulta_desk::{Approval, ApprovalDraft, Identity, Particular, ParticularKind, TicketId};

use super::conversation::{Conversation, Place, Reply};
use super::intent::Said;

/// Starts the question in a draft or an edit; the same in every language, so that an edit typed
/// against a draft shown in another language still reads.
const QUESTION_MARK: &str = "Q:";
/// Starts the answer in a draft or an edit (see [`QUESTION_MARK`]).
const ANSWER_MARK: &str = "A:";
/// Ends the published text in a draft message; what follows is instructions.
const END_MARK: &str = "———";
/// What the confirmation field expects, so that publishing particulars is never one slip. One word
/// for every language: a form opened before the expert changes `/lang` still takes it.
pub const CONFIRM_WORD: &str = "PUBLISH";

/// The edit step's words, in the language the expert chose with `/lang`: experts in the region
/// work in Spanish, Portuguese or English, and a warning about particulars must be read to work.
pub struct ApprovalWords {
    /// Starts a draft message; the ticket id and a period follow, so that a press or a reply finds
    /// its ticket.
    pub header: &'static str,
    /// After the ticket: only the text that follows is published.
    pub only_this: &'static str,
    /// How to edit a draft on platforms without forms.
    pub how_to_edit: &'static str,
    /// That names are never flagged, so that the expert looks for them.
    pub names_not_flagged: &'static str,
    /// Starts the warning; the flagged items follow.
    pub flagged: &'static str,
    /// Ends the warning: what to do about the flagged items.
    pub edit_or_confirm: &'static str,
    /// The FAQ is published; `{id}` is the ticket.
    pub published: &'static str,
    /// Said once a draft is shown on a platform without forms.
    pub draft_shown: &'static str,
    /// Starts an edit refused because its flagged particulars were not confirmed.
    pub not_published: &'static str,
    /// How to go on with a form after [`Self::not_published`]; `{word}` is [`CONFIRM_WORD`]. The
    /// form opens with the draft, so the refused text follows for the expert to copy.
    pub form_again: &'static str,
    /// Button under the list of flagged particulars that opens the form confirming them.
    pub open_form: &'static str,
    /// Button under a draft with nothing flagged.
    pub publish: &'static str,
    /// Button under a draft with flagged particulars: it says what it publishes.
    pub publish_flagged: &'static str,
    /// Form label of the question (at most 45 characters, Discord's limit).
    pub question_label: &'static str,
    /// Form label of the answer (at most 45 characters).
    pub answer_label: &'static str,
    /// Form label of the confirmation when something is flagged (at most 45 characters with the
    /// count); `{n}` is the count, `{word}` [`CONFIRM_WORD`].
    pub confirm_label: &'static str,
    /// Form label of the confirmation when nothing is flagged (at most 45 characters).
    pub nothing_flagged_label: &'static str,
    /// The kinds of particular, as [`ParticularKind`] orders them: e-mail, phone, document.
    pub kinds: [&'static str; 3],
}

const ES: ApprovalWords = ApprovalWords {
    header: "Borrador de FAQ del ticket ",
    only_this: "Solo se publicará este texto:",
    how_to_edit: "Responda a este mensaje con el texto a publicar: una línea que empiece con Q: y la pregunta, luego una línea que empiece con A: y la respuesta.",
    names_not_flagged: "Los nombres no se señalan: quite usted el nombre de quien preguntó y cualquier otro.",
    flagged: "⚠ Datos personales señalados: ",
    edit_or_confirm: "Quítelos al editar, o confirme que pueden publicarse.",
    published: "La respuesta del ticket {id} es ahora una entrada de FAQ, publicada tal como la editó.",
    draft_shown: "El borrador de FAQ está abajo: respóndale con su edición, o publíquelo.",
    not_published: "No se publicó.",
    form_again: "Abra el formulario con el botón y quítelos, o escriba {word} en su último campo. Su texto:",
    open_form: "Abrir el formulario para editar o confirmar",
    publish: "Publicar tal cual",
    publish_flagged: "Publicar con los datos señalados",
    question_label: "Pregunta a publicar (quite los nombres)",
    answer_label: "Respuesta a publicar (quite los nombres)",
    confirm_label: "⚠ {n} señalado(s): {word} los publica",
    nothing_flagged_label: "Nada señalado; los nombres nunca",
    kinds: ["correo", "teléfono", "número de documento"],
};

const PT: ApprovalWords = ApprovalWords {
    header: "Rascunho de FAQ do ticket ",
    only_this: "Só este texto será publicado:",
    how_to_edit: "Responda a esta mensagem com o texto a publicar: uma linha começando com Q: e a pergunta, depois uma linha começando com A: e a resposta.",
    names_not_flagged: "Nomes não são sinalizados: remova você o nome de quem perguntou e qualquer outro.",
    flagged: "⚠ Dados pessoais sinalizados: ",
    edit_or_confirm: "Remova-os ao editar, ou confirme que podem ser publicados.",
    published: "A resposta do ticket {id} agora é uma entrada de FAQ, publicada como editada.",
    draft_shown: "O rascunho de FAQ está abaixo: responda a ele com sua edição, ou publique-o.",
    not_published: "Não publicado.",
    form_again: "Abra o formulário com o botão e remova-os, ou digite {word} no último campo. Seu texto:",
    open_form: "Abrir o formulário para editar ou confirmar",
    publish: "Publicar como está",
    publish_flagged: "Publicar com os dados sinalizados",
    question_label: "Pergunta a publicar (remova os nomes)",
    answer_label: "Resposta a publicar (remova os nomes)",
    confirm_label: "⚠ {n} sinalizado(s): {word} os publica",
    nothing_flagged_label: "Nada sinalizado; nomes nunca são",
    kinds: ["e-mail", "telefone", "número de documento"],
};

const EN: ApprovalWords = ApprovalWords {
    header: "FAQ draft for ticket ",
    only_this: "Only this text will be published:",
    how_to_edit: "Reply to this message with the text to publish: a line starting with Q: and the question, then a line starting with A: and the answer.",
    names_not_flagged: "Names are not flagged: remove the asker's name and anyone else's yourself.",
    flagged: "⚠ Personal particulars flagged: ",
    edit_or_confirm: "Edit them out, or confirm that they may be published.",
    published: "The answer to {id} is now a curated FAQ entry, published as edited.",
    draft_shown: "The FAQ draft is below: reply to it with your edit, or publish it.",
    not_published: "Not published.",
    form_again: "Open the form with the button and edit them out, or type {word} in its last field. Your text:",
    open_form: "Open the form to edit or confirm",
    publish: "Publish as shown",
    publish_flagged: "Publish with the flagged particulars",
    question_label: "Question to publish (remove names yourself)",
    answer_label: "Answer to publish (remove names yourself)",
    confirm_label: "⚠ {n} flagged: type {word} to publish them",
    nothing_flagged_label: "No particulars flagged; names never are",
    kinds: ["e-mail address", "phone number", "document number"],
};

/// The edit step's words in `lang`.
pub fn approval_words(lang: Lang) -> &'static ApprovalWords {
    match lang {
        Lang::Es => &ES,
        Lang::Pt => &PT,
        Lang::En => &EN,
    }
}

/// The question and answer an expert sends back from the edit step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The question to publish.
    pub question: String,
    /// The answer to publish.
    pub answer: String,
}

/// The text of a draft message in `lang`: the ticket, the text to publish between markers, the
/// flags (and that names are never flagged), and how to edit (when `how_to_edit`).
pub fn draft_text(draft: &ApprovalDraft, lang: Lang, how_to_edit: bool) -> String {
    let words = approval_words(lang);
    let mut text = format!(
        "{}{}. {}\n\n{QUESTION_MARK} {}\n{ANSWER_MARK} {}\n{END_MARK}\n",
        words.header, draft.ticket, words.only_this, draft.question, draft.answer
    );
    if draft.particulars.is_empty() {
        text.push_str(words.names_not_flagged);
    } else {
        text.push_str(&flag_warning(&draft.particulars, lang));
    }
    if how_to_edit {
        text.push('\n');
        text.push_str(words.how_to_edit);
    }
    text
}

/// The flagged items, each with its kind and the text as found, so that the expert can find it.
pub fn flagged_items(found: &[Particular], lang: Lang) -> String {
    let kinds = approval_words(lang).kinds;
    found
        .iter()
        .map(|particular| {
            let kind = match particular.kind {
                ParticularKind::Email => kinds[0],
                ParticularKind::Phone => kinds[1],
                ParticularKind::Document => kinds[2],
            };
            format!("{kind} \"{}\"", particular.text)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The warning for flagged particulars in `lang`, listing them, with what the flags cannot cover.
pub fn flag_warning(found: &[Particular], lang: Lang) -> String {
    let words = approval_words(lang);
    format!(
        "{}{}. {} {}",
        words.flagged,
        flagged_items(found, lang),
        words.edit_or_confirm,
        words.names_not_flagged
    )
}

/// Reads a draft message back, in whichever language it was shown: its ticket and the text it
/// shows for publication. `None` for any other text.
pub fn read_draft(text: &str) -> Option<(TicketId, Edit)> {
    let text = text.trim_start();
    let rest = [&ES, &PT, &EN]
        .into_iter()
        .find_map(|words| text.strip_prefix(words.header))?;
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
    /// presser only, in `lang`).
    pub(super) async fn approval_draft(&self, by: Identity, lang: Lang, ticket: TicketId) -> Said {
        match self.assistant().approval_draft(by, ticket).await {
            Ok(draft) => Said::Draft(draft),
            Err(error) => Said::Reply(Reply::refusal_of(error, lang)),
        }
    }

    /// Publishes the expert's edited text for `ticket` (saying so in `lang`); `confirmed` says they saw the flagged
    /// particulars and publish them anyway. Text with particulars not confirmed comes back as
    /// [`Said::Unconfirmed`], so that nothing typed is lost.
    pub(super) async fn publish(
        &self,
        by: Identity,
        lang: Lang,
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
                Reply::text(
                    approval_words(lang)
                        .published
                        .replace("{id}", entry.ticket.as_str()),
                )
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
            Err(error) => Said::Reply(Reply::refusal_of(error, lang)),
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
        for lang in [Lang::Es, Lang::Pt, Lang::En] {
            let text = draft_text(&draft, lang, true);
            assert!(text.contains("\"marta@correo.cl\""), "{text}");
            assert!(text.contains(approval_words(lang).how_to_edit), "{text}");
            let (ticket, edit) = read_draft(&text).unwrap();
            assert_eq!(ticket, draft.ticket);
            assert_eq!(edit.question, draft.question);
            assert_eq!(
                edit.answer, "El 31 de diciembre.\n\nA: no es una marca aquí",
                "only the first A: line starts the answer"
            );
        }
    }

    /// Discord refuses a form whose labels pass 45 characters: with the largest count a form can
    /// flag, every language's labels fit.
    #[test]
    fn form_labels_fit_discords_limit() {
        for words in [&ES, &PT, &EN] {
            let confirm = words
                .confirm_label
                .replace("{n}", "999")
                .replace("{word}", CONFIRM_WORD);
            for label in [
                words.question_label,
                words.answer_label,
                words.nothing_flagged_label,
                &confirm,
            ] {
                assert!(label.chars().count() <= 45, "{label}");
            }
        }
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
