//! Buttons, the answer form and the FAQ approval form; the custom id each carries is a [`Press`] (Discord allows 100
//! characters, far more than a press needs).

use consulta_corpus::Lang;
use serenity::all::{ButtonStyle, InputTextStyle, ReactionType};
use serenity::builder::{CreateActionRow, CreateButton, CreateInputText, CreateModal};

use crate::chat::{CONFIRM_WORD, Press, approval_words, flagged_items, texts};
use consulta_desk::{ApprovalDraft, QuestionId, TicketId};

/// The id of the answer form's text field.
pub const ANSWER_FIELD: &str = "answer";
/// The approval form's field with the question to publish.
pub const FAQ_QUESTION_FIELD: &str = "faq_question";
/// The approval form's field with the answer to publish.
pub const FAQ_ANSWER_FIELD: &str = "faq_answer";
/// The approval form's field where the expert types [`CONFIRM_WORD`] to publish flagged particulars.
pub const FAQ_CONFIRM_FIELD: &str = "faq_confirm";
/// Longest text a form field holds.
const FIELD_LIMIT: usize = 4000;

fn button(label: &str, press: &Press, style: ButtonStyle) -> CreateButton {
    CreateButton::new(press.encode()).label(label).style(style)
}

fn emoji(emoji: &str, press: &Press) -> CreateButton {
    CreateButton::new(press.encode())
        .emoji(ReactionType::Unicode(emoji.to_string()))
        .style(ButtonStyle::Secondary)
}

/// Under an answer: 👍, 👎, "Ask an expert", and "More sources" unless the answer already cites all
/// it can.
pub fn answer(lang: Lang, question: QuestionId, more: bool) -> Vec<CreateActionRow> {
    let t = texts(lang);
    let mut row = vec![
        emoji(t.helpful, &Press::Rate { question, up: true }),
        emoji(
            t.not_helpful,
            &Press::Rate {
                question,
                up: false,
            },
        ),
        button(
            t.ask_expert,
            &Press::Escalate(question),
            ButtonStyle::Primary,
        ),
    ];
    if more {
        row.push(button(
            t.more_sources,
            &Press::MoreSources(question),
            ButtonStyle::Secondary,
        ));
    }
    vec![CreateActionRow::Buttons(row)]
}

/// Under a ticket card, in the card's language.
pub fn ticket(id: &TicketId, lang: Lang) -> Vec<CreateActionRow> {
    let words = &texts(lang).desk;
    vec![CreateActionRow::Buttons(vec![
        button(words.claim, &Press::Claim(id.clone()), ButtonStyle::Primary),
        button(
            words.answer,
            &Press::Answer(id.clone()),
            ButtonStyle::Success,
        ),
        button(
            words.close,
            &Press::Close(id.clone()),
            ButtonStyle::Secondary,
        ),
        button(
            words.approve,
            &Press::Approve(id.clone()),
            ButtonStyle::Secondary,
        ),
    ])]
}

/// The confirmation `/forget` asks for, which only `user` (who asked) may press.
pub fn forget(lang: Lang, user: &str) -> Vec<CreateActionRow> {
    let t = texts(lang);
    let press = |confirmed| Press::Forget {
        confirmed,
        user: user.to_string(),
    };
    vec![CreateActionRow::Buttons(vec![
        button(t.forget_yes, &press(true), ButtonStyle::Danger),
        button(t.forget_no, &press(false), ButtonStyle::Secondary),
    ])]
}

/// The form the Answer button opens, in the expert's language.
pub fn answer_form(id: &TicketId, lang: Lang) -> CreateModal {
    let words = &texts(lang).desk;
    CreateModal::new(
        Press::Answer(id.clone()).encode(),
        words.answer_form_title.replace("{id}", id.as_str()),
    )
    .components(vec![CreateActionRow::InputText(
        CreateInputText::new(
            InputTextStyle::Paragraph,
            words.answer_form_label,
            ANSWER_FIELD,
        )
        .min_length(1)
        .max_length(4000),
    )])
}

/// The button under the list of flagged particulars: it opens the approval form with the field that
/// confirms them, so that the confirmation is only reachable once the list was shown in full.
pub fn confirm_flagged(ticket: &TicketId, lang: Lang) -> Vec<CreateActionRow> {
    let press = Press::Publish {
        ticket: ticket.clone(),
        confirmed: true,
    };
    vec![CreateActionRow::Buttons(vec![button(
        approval_words(lang).open_form,
        &press,
        ButtonStyle::Danger,
    )])]
}

/// The form "Approve as FAQ" opens, in the expert's language: the question and answer to publish,
/// prefilled with the draft for the expert to edit, and, when particulars are flagged (and were
/// listed before the form opened), a confirmation field whose placeholder lists them again. `None`
/// when the draft does not fit in the fields (it would be cut, and the cut text published).
pub fn approval_form(draft: &ApprovalDraft, lang: Lang) -> Option<CreateModal> {
    let fits = |text: &str| (1..=FIELD_LIMIT).contains(&text.chars().count());
    if !fits(&draft.question) || !fits(&draft.answer) {
        return None;
    }
    let words = approval_words(lang);
    let field = |label: &str, id: &str, value: &str| {
        CreateActionRow::InputText(
            CreateInputText::new(InputTextStyle::Paragraph, label, id)
                .value(value)
                .min_length(1)
                .max_length(FIELD_LIMIT as u16),
        )
    };
    // Labels hold 45 characters and placeholders 100: the label says how many were flagged and what
    // confirms them, the placeholder names them (the full list went before the form), and the
    // notice that names are never flagged fits a placeholder whole.
    let (label, placeholder) = if draft.particulars.is_empty() {
        (
            words.nothing_flagged_label.to_string(),
            words.names_not_flagged.to_string(),
        )
    } else {
        (
            words
                .confirm_label
                .replace("{n}", &draft.particulars.len().to_string())
                .replace("{word}", CONFIRM_WORD),
            shortened(&flagged_items(&draft.particulars, lang), PLACEHOLDER_LIMIT),
        )
    };
    let confirm = CreateInputText::new(InputTextStyle::Short, label, FAQ_CONFIRM_FIELD)
        .placeholder(placeholder)
        .required(false)
        .max_length(20);
    Some(
        CreateModal::new(
            Press::Approve(draft.ticket.clone()).encode(),
            format!("FAQ {}", draft.ticket),
        )
        .components(vec![
            field(words.question_label, FAQ_QUESTION_FIELD, &draft.question),
            field(words.answer_label, FAQ_ANSWER_FIELD, &draft.answer),
            CreateActionRow::InputText(confirm),
        ]),
    )
}

/// Longest placeholder Discord takes in a form field.
const PLACEHOLDER_LIMIT: usize = 100;

/// `text` cut to `limit` characters, ending in "…" when cut.
fn shortened(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}
