//! The desk's indexes, written in the same commits as the records they point to, so they can never
//! disagree with them: each asker's tickets ([`Table::AskerTickets`]) and the outbox's pending card
//! edits ([`Table::PendingEdits`]). A question's ticket needs no index of its own: the question's
//! record names it. A desk written before the indexes existed has them built once, when it opens.

use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::outbox::OutboxEntry;
use super::storage::{StorageError, Table};
use super::store::{Batch, Store};
use super::ticket::{Status, Ticket};
use super::ticket_id::TicketId;

/// The mark, in [`Table::Meta`], of a desk whose indexes are complete.
const BUILT: &[u8] = b"index:built";

/// The keys of one asker's entries in [`Table::AskerTickets`]: the identity and a separator no
/// identity contains, so `telegram:7` is not a prefix of `telegram:77`'s keys.
fn asker_prefix(asker: &Identity) -> Vec<u8> {
    let mut key = asker.to_string().into_bytes();
    key.push(0);
    key
}

/// The key of `ticket` in its asker's index.
fn asker_ticket_key(asker: &Identity, ticket: &TicketId) -> Vec<u8> {
    let mut key = asker_prefix(asker);
    key.extend_from_slice(ticket.as_str().as_bytes());
    key
}

/// The keys of one card's pending edits in [`Table::PendingEdits`].
fn edit_prefix(card: &str) -> Vec<u8> {
    let mut key = card.as_bytes().to_vec();
    key.push(0);
    key
}

/// The key of the pending edit queued as outbox entry `seq`.
fn edit_key(card: &str, seq: u64) -> Vec<u8> {
    let mut key = edit_prefix(card);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// Adds `ticket` to its asker's index, in the batch that writes it first.
pub(crate) fn add_ticket(batch: &mut Batch, ticket: &Ticket) -> Result<(), StorageError> {
    let key = asker_ticket_key(&ticket.asker.identity(), &ticket.id);
    batch.put(Table::AskerTickets, &key, &ticket.id)
}

/// Removes `ticket` from its asker's index, in the batch that deletes it.
pub(crate) fn remove_ticket(batch: &mut Batch, ticket: &Ticket) {
    batch.delete(
        Table::AskerTickets,
        &asker_ticket_key(&ticket.asker.identity(), &ticket.id),
    );
}

/// Indexes `entry` if it edits a card, in the batch that queues it.
pub(crate) fn add_entry(batch: &mut Batch, entry: &OutboxEntry) -> Result<(), StorageError> {
    match &entry.edit_of {
        Some(card) => batch.put(Table::PendingEdits, &edit_key(card, entry.seq), &entry.seq),
        None => Ok(()),
    }
}

/// Unindexes `entry` if it edits a card, in the batch that takes it out of the outbox.
pub(crate) fn remove_entry(batch: &mut Batch, entry: &OutboxEntry) {
    if let Some(card) = &entry.edit_of {
        remove_edit(batch, card, entry.seq);
    }
}

/// Unindexes the edit of `card` queued as outbox entry `seq`.
pub(crate) fn remove_edit(batch: &mut Batch, card: &str, seq: u64) {
    batch.delete(Table::PendingEdits, &edit_key(card, seq));
}

/// The outbox sequences of the edits of `card` still waiting for delivery.
pub(crate) fn pending_edits(store: &Store, card: &str) -> Result<Vec<u64>, StorageError> {
    store.with_prefix(Table::PendingEdits, &edit_prefix(card))
}

/// Builds the indexes of a desk written before they existed, from one pass over its tickets and
/// outbox; a desk that has them is left alone after one read.
pub(crate) fn build_if_missing(store: &Store) -> Result<(), StorageError> {
    if store.contains(Table::Meta, BUILT)? {
        return Ok(());
    }
    let mut batch = Batch::default();
    for ticket in store.all::<Ticket>(Table::Tickets)? {
        add_ticket(&mut batch, &ticket)?;
    }
    for entry in store.all::<OutboxEntry>(Table::Outbox)? {
        add_entry(&mut batch, &entry)?;
    }
    batch.put(Table::Meta, BUILT, &true)?;
    store.commit(batch)
}

impl Desk {
    /// Every ticket `asker` opened, newest first, read through the asker's index (one read per ticket
    /// of theirs, whatever the size of the desk).
    pub fn tickets_of(&self, asker: &Identity) -> Result<Vec<Ticket>, DeskError> {
        let store = self.store();
        let mut tickets = Vec::new();
        for id in store.with_prefix::<TicketId>(Table::AskerTickets, &asker_prefix(asker))? {
            // A ticket deleted since the index was read (forget, retention) is simply gone.
            if let Some(ticket) = store.get::<Ticket>(Table::Tickets, id.as_str().as_bytes())? {
                tickets.push(ticket);
            }
        }
        tickets.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(tickets)
    }

    /// The tickets of `asker` that are not closed, newest first: what `/status` lists and what the
    /// service's per-asker cap counts.
    pub fn open_tickets_of(&self, asker: &Identity) -> Result<Vec<Ticket>, DeskError> {
        let mut tickets = self.tickets_of(asker)?;
        tickets.retain(|t| t.status != Status::Closed);
        Ok(tickets)
    }
}
