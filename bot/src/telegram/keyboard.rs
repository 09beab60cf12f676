//! Inline buttons; the callback data they carry is a [`Press`].

use consulta_corpus::Lang;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::chat::{Press, approval_words, texts};
use consulta_desk::{QuestionId, TicketId};

fn button(label: &str, press: Press) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(label.to_string(), press.encode())
}

/// Under an answer: rate it, hand it to an expert, or see more sources. `more` is false when the
/// answer already cites all it can.
pub fn answer(lang: Lang, question: QuestionId, more: bool) -> InlineKeyboardMarkup {
    let t = texts(lang);
    let mut first = vec![
        button(t.helpful, Press::Rate { question, up: true }),
        button(
            t.not_helpful,
            Press::Rate {
                question,
                up: false,
            },
        ),
    ];
    if more {
        first.push(button(t.more_sources, Press::MoreSources(question)));
    }
    InlineKeyboardMarkup::new(vec![
        first,
        vec![button(t.ask_expert, Press::Escalate(question))],
    ])
}

/// 👍/👎 under an expert's answer; the emoji need no translation.
pub fn expert_answer(id: &TicketId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button(
            "👍",
            Press::RateTicket {
                ticket: id.clone(),
                up: true,
            },
        ),
        button(
            "👎",
            Press::RateTicket {
                ticket: id.clone(),
                up: false,
            },
        ),
    ]])
}

/// Under a ticket card in an experts' chat, in the card's language.
pub fn ticket(id: &TicketId, lang: Lang) -> InlineKeyboardMarkup {
    let words = &texts(lang).desk;
    InlineKeyboardMarkup::new(vec![vec![
        button(words.claim, Press::Claim(id.clone())),
        button(words.close, Press::Close(id.clone())),
        button(words.approve, Press::Approve(id.clone())),
    ]])
}

/// Under an FAQ draft, in the expert's language: publish it as shown, or (when particulars are
/// flagged in it, and listed above the button) publish them too.
pub fn publish(id: &TicketId, flagged: bool, lang: Lang) -> InlineKeyboardMarkup {
    let words = approval_words(lang);
    let (label, confirmed) = if flagged {
        (words.publish_flagged, true)
    } else {
        (words.publish, false)
    };
    InlineKeyboardMarkup::new(vec![vec![button(
        label,
        Press::Publish {
            ticket: id.clone(),
            confirmed,
        },
    )]])
}

/// The confirmation `/forget` asks for, which only `user` (who asked) may press.
pub fn forget(lang: Lang, user: &str) -> InlineKeyboardMarkup {
    let t = texts(lang);
    let press = |confirmed| Press::Forget {
        confirmed,
        user: user.to_string(),
    };
    InlineKeyboardMarkup::new(vec![vec![
        button(t.forget_yes, press(true)),
        button(t.forget_no, press(false)),
    ]])
}
