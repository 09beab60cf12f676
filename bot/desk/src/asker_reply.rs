//! The asker's side of the conversation on a ticket: a reply to the expert's answer or clarifying
//! question reaches the ticket and the experts' chats, and hands a ticket waiting for the asker back
//! to its expert. Without it, whatever the asker wrote back would be taken as a new question.

use super::action::TransitionError;
use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::index;
use super::message;
use super::notify::Notifier;
use super::store::Batch;
use super::ticket::{Actor, Event, EventKind, Status, Ticket};
use super::ticket_id::TicketId;

/// The longest reply an asker may write, in characters: a chat message's worth (Telegram allows 4,096),
/// what an expert reads in their chat. The whole ticket is written again with each reply, so a reply of
/// any length would let one visitor grow the desk by megabytes a minute.
pub const MAX_REPLY_CHARS: usize = 4_000;

/// Replies an asker may write before an expert speaks on the ticket: enough to add details, not
/// enough to flood the experts' chats or grow one ticket without end.
pub const MAX_REPLIES_IN_A_ROW: usize = 10;

impl Desk {
    /// The asker `by` replies `text` on their ticket `id`: kept in its history, posted to every chat
    /// that has its card, and a ticket waiting for the asker goes back to its expert (or, with none, to
    /// the queue). Refused for someone else's ticket and for a closed one (the asker should ask again),
    /// for a reply over [`MAX_REPLY_CHARS`], and past [`MAX_REPLIES_IN_A_ROW`] no expert answered.
    pub fn asker_reply(
        &self,
        by: &Identity,
        id: &TicketId,
        text: &str,
    ) -> Result<Ticket, DeskError> {
        let text = text.trim();
        let refused = |reason| DeskError::Refused {
            ticket: id.clone(),
            reason,
        };
        if text.is_empty() {
            return Err(refused(TransitionError::EmptyText { what: "reply" }));
        }
        let chars = text.chars().count();
        if chars > MAX_REPLY_CHARS {
            return Err(DeskError::ReplyTooLong {
                chars,
                max: MAX_REPLY_CHARS,
            });
        }
        let _guard = self.lock();
        let now = self.now();
        let store = self.store();
        let mut ticket = self.askers_ticket(id, by)?;
        let indexed = index::Entries::of(&ticket);
        if ticket.status == Status::Closed {
            return Err(refused(TransitionError::Closed));
        }
        let in_a_row = ticket
            .events
            .iter()
            .rev()
            .take_while(|event| !matches!(event.actor, Actor::Expert { .. }))
            .filter(|event| matches!(event.kind, EventKind::AskerReplied { .. }))
            .count();
        if in_a_row >= MAX_REPLIES_IN_A_ROW {
            return Err(refused(TransitionError::TooManyReplies {
                max: MAX_REPLIES_IN_A_ROW,
            }));
        }
        if ticket.status == Status::Waiting {
            ticket.status = if ticket.assignee.is_some() {
                Status::Claimed
            } else {
                Status::Open
            };
        }
        ticket.events.push(Event {
            at: now,
            actor: Actor::Asker,
            kind: EventKind::AskerReplied {
                text: text.to_string(),
            },
        });
        let event = ticket.events.len();
        let mut batch = Batch::default();
        let mut notifier = Notifier {
            store,
            batch: &mut batch,
            now,
        };
        notifier.edit_cards(&ticket, self.directory())?;
        // A reopened ticket has several cards in a chat; the chat hears the reply once.
        let mut chats: Vec<_> = ticket.cards.iter().map(|card| card.chat.clone()).collect();
        chats.sort();
        chats.dedup();
        for chat in chats {
            let key = format!("reply:{id}:{event}:{chat}");
            let language = self.directory().chat_language(&chat);
            notifier.send(chat, message::asker_replied(&ticket, text, language), key)?;
        }
        index::put_ticket(&mut batch, &indexed, &ticket)?;
        store.commit(batch)?;
        self.inner.outbox_signal.notify_one();
        tracing::info!(ticket = %id, "the asker replied");
        Ok(ticket)
    }
}
