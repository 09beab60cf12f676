//! What a pressed button asks for, and the short text a button carries to say so.
//!
//! Platforms give a button little room (Telegram 64 bytes of callback data, Discord 100 characters of
//! custom id), so a button carries a short verb and an id; the rest (the question text, who asked) is
//! looked up when it is pressed.

use consulta_desk::{QuestionId, Rating, TicketId};

use super::intent::Intent;

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
    /// 👍 or 👎 on an expert's answer, by the asker.
    RateTicket {
        /// The answered ticket.
        ticket: TicketId,
        /// 👍 is true.
        up: bool,
    },
    /// Hand this question to an expert.
    Escalate(QuestionId),
    /// Ask again, citing more passages.
    MoreSources(QuestionId),
    /// An expert takes the ticket.
    Claim(TicketId),
    /// An expert closes the ticket.
    Close(TicketId),
    /// An expert starts the edit step that makes the answer a curated FAQ entry (a form's id, too).
    Approve(TicketId),
    /// An expert publishes the draft the button is under, as shown; `confirmed` when its flagged
    /// particulars are to be published too.
    Publish {
        /// The ticket whose draft it is.
        ticket: TicketId,
        /// "Publish anyway", under a draft with flagged particulars.
        confirmed: bool,
    },
    /// An expert opens a form to type the answer (on platforms with forms).
    Answer(TicketId),
    /// `/forget` confirmed or cancelled; only the person it was shown to may press it.
    Forget {
        /// Yes, delete (true) or no, keep.
        confirmed: bool,
        /// The platform user id of whoever asked to forget.
        user: String,
    },
}

impl Press {
    /// What the press asks of the conversation; for Publish, its ticket and whether the flagged
    /// particulars are confirmed, since its words are the draft the button is under (which the
    /// platform reads, or has forms instead).
    pub fn intent(self) -> Result<Intent, (TicketId, bool)> {
        Ok(match self {
            Press::Rate { question, up } => Intent::RateAnswer {
                question,
                rating: Rating::from_thumb(up),
            },
            Press::RateTicket { ticket, up } => Intent::RateTicket {
                ticket,
                rating: Rating::from_thumb(up),
            },
            Press::Escalate(question) => Intent::Escalate(Some(question)),
            Press::MoreSources(question) => Intent::MoreSources(question),
            Press::Claim(ticket) => Intent::Claim(ticket),
            Press::Close(ticket) => Intent::Close(ticket),
            Press::Approve(ticket) => Intent::Approve(ticket),
            Press::Answer(ticket) => Intent::AnswerForm(ticket),
            Press::Forget { confirmed, user } => Intent::Forget {
                confirmed,
                shown_to: user,
            },
            Press::Publish { ticket, confirmed } => return Err((ticket, confirmed)),
        })
    }

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
            Press::Answer(t) => format!("answer:{t}"),
            Press::Publish {
                ticket,
                confirmed: false,
            } => format!("pub:{ticket}"),
            Press::Publish {
                ticket,
                confirmed: true,
            } => format!("pubok:{ticket}"),
            Press::Forget { confirmed, user } => {
                format!("forget:{}:{user}", if *confirmed { "yes" } else { "no" })
            }
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
            "answer" => Press::Answer(ticket()?),
            "pub" => Press::Publish {
                ticket: ticket()?,
                confirmed: false,
            },
            "pubok" => Press::Publish {
                ticket: ticket()?,
                confirmed: true,
            },
            "forget" => {
                let (answer, user) = arg.split_once(':')?;
                Press::Forget {
                    confirmed: match answer {
                        "yes" => true,
                        "no" => false,
                        _ => return None,
                    },
                    user: user.to_string(),
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_press_survives_the_round_trip_within_telegrams_64_bytes() {
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
            Press::Approve(ticket.clone()),
            Press::RateTicket {
                ticket: ticket.clone(),
                up: true,
            },
            Press::RateTicket {
                ticket: ticket.clone(),
                up: false,
            },
            Press::Publish {
                ticket: ticket.clone(),
                confirmed: true,
            },
            Press::Publish {
                ticket: ticket.clone(),
                confirmed: false,
            },
            Press::Answer(ticket),
            Press::Forget {
                confirmed: true,
                user: "1234567890123456789".into(),
            },
            Press::Forget {
                confirmed: false,
                user: "501".into(),
            },
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
        assert_eq!(
            Press::decode("forget:yes"),
            None,
            "a /forget button without its owner is stale"
        );
    }
}
