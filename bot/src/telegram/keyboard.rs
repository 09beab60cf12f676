//! Inline buttons and the callback data they carry.
//!
//! Telegram gives a button at most 64 bytes of data, so a button carries a short verb and an id; the
//! rest (the question text, who asked) is looked up when it is pressed.

use consulta_corpus::Lang;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::desk::{QuestionId, TicketId};

use super::texts::texts;

/// What a pressed button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// 👍 or 👎 on an answer.
    Rate {
        /// The answered question.
        question: QuestionId,
        /// 👍 is true.
        up: bool,
    },
    /// Hand this question to an expert.
    /// 👍/👎 under an expert's answer, by the asker.
    RateTicket {
        ticket: TicketId,
        up: bool,
    },
    Escalate(QuestionId),
    /// Ask again, citing more passages.
    MoreSources(QuestionId),
    /// An expert takes the ticket.
    Claim(TicketId),
    /// An expert closes the ticket.
    Close(TicketId),
    /// An expert makes the answer a curated FAQ entry.
    Approve(TicketId),
    /// The user confirmed (true) or cancelled `/forget`.
    Forget(bool),
}

impl Press {
    /// The callback data for this press.
    pub fn encode(&self) -> String {
        match self {
            Press::Rate { question, up: true } => format!("up:{}", question.0),
            Press::Rate {
                question,
                up: false,
            } => format!("down:{}", question.0),
            Press::RateTicket { ticket, up: true } => format!("tup:{ticket}"),
            Press::RateTicket { ticket, up: false } => format!("tdown:{ticket}"),
            Press::Escalate(q) => format!("exp:{}", q.0),
            Press::MoreSources(q) => format!("more:{}", q.0),
            Press::Claim(t) => format!("claim:{t}"),
            Press::Close(t) => format!("close:{t}"),
            Press::Approve(t) => format!("faq:{t}"),
            Press::Forget(yes) => format!("forget:{}", if *yes { "yes" } else { "no" }),
        }
    }

    /// Reads callback data; `None` for data this bot never wrote (an old keyboard, a forged press).
    pub fn decode(data: &str) -> Option<Press> {
        let (verb, arg) = data.split_once(':')?;
        let question = || arg.parse().ok().map(QuestionId);
        let ticket = || arg.parse::<TicketId>().ok();
        Some(match verb {
            "up" => Press::Rate {
                question: question()?,
                up: true,
            },
            "down" => Press::Rate {
                question: question()?,
                up: false,
            },
            "tup" => Press::RateTicket {
                ticket: ticket()?,
                up: true,
            },
            "tdown" => Press::RateTicket {
                ticket: ticket()?,
                up: false,
            },
            "exp" => Press::Escalate(question()?),
            "more" => Press::MoreSources(question()?),
            "claim" => Press::Claim(ticket()?),
            "close" => Press::Close(ticket()?),
            "faq" => Press::Approve(ticket()?),
            "forget" => Press::Forget(match arg {
                "yes" => true,
                "no" => false,
                _ => return None,
            }),
            _ => return None,
        })
    }
}

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

/// Under a ticket card in an experts' chat (English, the desk's working language).
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

pub fn ticket(id: &TicketId) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        button("Claim", Press::Claim(id.clone())),
        button("Close", Press::Close(id.clone())),
        button("Approve as FAQ", Press::Approve(id.clone())),
    ]])
}

/// The confirmation `/forget` asks for.
pub fn forget(lang: Lang) -> InlineKeyboardMarkup {
    let t = texts(lang);
    InlineKeyboardMarkup::new(vec![vec![
        button(t.forget_yes, Press::Forget(true)),
        button(t.forget_no, Press::Forget(false)),
    ]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_press_survives_the_round_trip_within_64_bytes() {
        let ticket: TicketId = "K7P2Q".parse().expect("a valid ticket id");
        let presses = [
            Press::Rate {
                question: QuestionId(u64::MAX),
                up: true,
            },
            Press::Rate {
                question: QuestionId(3),
                up: false,
            },
            Press::Escalate(QuestionId(4)),
            Press::MoreSources(QuestionId(5)),
            Press::Claim(ticket.clone()),
            Press::Close(ticket.clone()),
            Press::RateTicket {
                ticket: ticket.clone(),
                up: true,
            },
            Press::RateTicket {
                ticket: ticket.clone(),
                up: false,
            },
            Press::Approve(ticket),
            Press::Forget(true),
            Press::Forget(false),
        ];
        for press in presses {
            let data = press.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Press::decode(&data), Some(press));
        }
    }

    #[test]
    fn unknown_data_is_refused() {
        assert_eq!(Press::decode("drop:tables"), None);
        assert_eq!(Press::decode("up:abc"), None);
        assert_eq!(Press::decode("nonsense"), None);
    }
}
