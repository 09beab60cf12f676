//! Enqueuing notifications inside a state change's batch, so a change and the messages it causes
//! commit together: a crash can never keep one and lose the other.

use super::identity::ChatRef;
use super::index;
use super::message::{self, Message};
use super::outbox::OutboxEntry;
use super::routing::Directory;
use super::storage::{StorageError, Table};
use super::store::{Batch, Store};
use super::ticket::{Card, Ticket};
use super::time::Timestamp;

/// Adds messages to the outbox as part of a state change's batch, so both commit together.
pub(crate) struct Notifier<'a> {
    pub(crate) store: &'a Store,
    pub(crate) batch: &'a mut Batch,
    pub(crate) now: Timestamp,
}

pub(crate) fn outbox_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// Takes `entry` out of the outbox (delivered, given up, superseded or forgotten), with its index
/// entry, in `batch`.
pub(crate) fn dequeue(batch: &mut Batch, entry: &OutboxEntry) {
    batch.delete(Table::Outbox, &outbox_key(entry.seq));
    index::remove_entry(batch, entry);
}

impl Notifier<'_> {
    fn enqueue(
        &mut self,
        chat: ChatRef,
        message: Message,
        key: String,
        edit_of: Option<String>,
    ) -> Result<(), StorageError> {
        let seq = self.store.next(self.batch, "seq:outbox")?;
        let entry = OutboxEntry {
            seq,
            key,
            chat,
            message,
            edit_of,
            attempts: 0,
            next_attempt_at: self.now,
            created_at: self.now,
            last_error: None,
        };
        index::add_entry(self.batch, &entry)?;
        self.batch.put(Table::Outbox, &outbox_key(seq), &entry)
    }

    /// A new message; `key` must be unique for the message's meaning (ticket, event, recipient).
    pub(crate) fn send(
        &mut self,
        chat: ChatRef,
        message: Message,
        key: String,
    ) -> Result<(), StorageError> {
        self.enqueue(chat, message, key, None)
    }

    /// Posts fresh cards for the ticket in its group's chats (a new or re-queued ticket should ping).
    pub(crate) fn post_cards(
        &mut self,
        ticket: &mut Ticket,
        directory: &Directory,
    ) -> Result<(), StorageError> {
        for chat in directory.group_chats(&ticket.group) {
            let key = format!("card:{}:{}", ticket.id, ticket.cards.len());
            let card = message::ticket_card(ticket, directory.chat_language(&chat));
            self.send(chat.clone(), card, key.clone())?;
            ticket.cards.push(Card { chat, key });
        }
        Ok(())
    }

    /// Re-renders every card of the ticket. A pending edit of the same card is dropped: only the latest
    /// state is worth showing, and an older edit delivered late would overwrite a newer one.
    /// The stale edits are found through the pending-edits index: the outbox is not read.
    pub(crate) fn edit_cards(
        &mut self,
        ticket: &Ticket,
        directory: &Directory,
    ) -> Result<(), StorageError> {
        let version = ticket.events.len();
        for (at, card) in ticket.cards.iter().enumerate() {
            for stale in index::pending_edits(self.store, &card.key)? {
                index::drop_stale_edit(self.batch, &ticket.id, &card.key, stale);
            }
            let key = format!("edit:{}:{at}:{version}", ticket.id);
            self.enqueue(
                card.chat.clone(),
                message::ticket_card(ticket, directory.chat_language(&card.chat)),
                key,
                Some(card.key.clone()),
            )?;
        }
        Ok(())
    }
}
