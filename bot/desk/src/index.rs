//! The desk's indexes, written in the same commits as the records they point to, so they can never
//! disagree with them: each asker's tickets ([`Table::AskerTickets`]), tickets by status
//! ([`Table::StatusTickets`]), queued tickets by the start of their reminder wait
//! ([`Table::ReminderWaits`]), closed tickets by closing time ([`Table::ClosedTickets`]), the
//! outbox's pending card edits ([`Table::PendingEdits`]), each ticket's queued and dead messages
//! ([`Table::TicketOutbox`], [`Table::TicketDeadLetters`]), and the questions that still identify
//! someone, by user ([`Table::UserQuestions`]) and by time of asking
//! ([`Table::IdentifiedQuestions`]). Every ticket is written through [`put_ticket`] and deleted
//! through [`delete_ticket`], which move its entries with it; a question is recorded through
//! [`add_question`] and anonymised through [`anonymise_question`]; messages enter and leave the
//! outbox through [`add_entry`] and [`remove_entry`], and the dead letters through
//! [`add_dead_letter`] and [`delete_dead_letter`]. A question's ticket needs no index of its own: the
//! question's record names it. A desk written before the indexes existed has them built once, when
//! it opens.

use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::notify::outbox_key;
use super::outbox::{DeadLetter, OutboxEntry};
use super::question::{QuestionId, QuestionRecord};
use super::storage::{StorageError, Table};
use super::store::{Batch, Store};
use super::ticket::{Status, Ticket};
use super::ticket_id::TicketId;
use super::time::{Span, Timestamp};

/// The mark, in [`Table::Meta`], of a desk whose indexes are complete. Renamed whenever an index is
/// added, so that a desk written before it gets it built when it opens.
const BUILT: &[u8] = b"index:built:3";

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

/// The keys of one ticket's entries in [`Table::TicketOutbox`] or [`Table::TicketDeadLetters`].
fn ticket_prefix(ticket: &TicketId) -> Vec<u8> {
    let mut key = ticket.as_str().as_bytes().to_vec();
    key.push(0);
    key
}

/// The key of message `seq` about `ticket` in [`Table::TicketOutbox`] or
/// [`Table::TicketDeadLetters`].
fn ticket_message_key(ticket: &TicketId, seq: u64) -> Vec<u8> {
    let mut key = ticket_prefix(ticket);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// The index entries of a question record: none once it identifies nobody.
fn question_entries(record: &QuestionRecord) -> Vec<(Table, Vec<u8>)> {
    let id = record.id.0.to_be_bytes();
    let mut entries = Vec::new();
    if let Some(user) = &record.user {
        let mut key = asker_prefix(user);
        key.extend_from_slice(&id);
        entries.push((Table::UserQuestions, key));
    }
    if record.user.is_some() || record.text.is_some() {
        let mut key = instant_key(record.at).to_vec();
        key.extend_from_slice(&id);
        entries.push((Table::IdentifiedQuestions, key));
    }
    entries
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

/// The key of `ticket` in the status index.
fn status_key(status: Status, ticket: &TicketId) -> Vec<u8> {
    let mut key = status_prefix(status);
    key.extend_from_slice(ticket.as_str().as_bytes());
    key
}

/// The keys of one status's entries in [`Table::StatusTickets`].
fn status_prefix(status: Status) -> Vec<u8> {
    let mut key = status.as_str().as_bytes().to_vec();
    key.push(0);
    key
}

/// An instant as a key that sorts in time order (the sign bit flipped, big-endian).
fn instant_key(at: Timestamp) -> [u8; 8] {
    // The bit flip maps i64 order onto u64 order, so instants before 1970 would still sort first.
    (at.as_millis().cast_unsigned() ^ (1 << 63)).to_be_bytes()
}

/// The earliest instant in the time-ordered index `table` (the instant that starts each key).
pub(crate) fn earliest(store: &Store, table: Table) -> Result<Option<Timestamp>, StorageError> {
    let Some(key) = store.first_key(table)? else {
        return Ok(None);
    };
    let instant = key
        .get(..8)
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .ok_or_else(|| StorageError::Corrupt {
            table,
            reason: format!("an index key of {} bytes has no instant", key.len()),
        })?;
    Ok(Some(Timestamp::from_millis(
        (u64::from_be_bytes(instant) ^ (1 << 63)).cast_signed(),
    )))
}

/// The key of `ticket` in a time-ordered index, at `at`.
fn timed_key(at: Timestamp, ticket: &TicketId) -> Vec<u8> {
    let mut key = instant_key(at).to_vec();
    key.extend_from_slice(ticket.as_str().as_bytes());
    key
}

/// The index entries of one ticket, as they are on disk: what a write must replace. Taken before a
/// ticket changes, so that the commit that writes it moves exactly its entries.
#[derive(Debug, Default)]
pub(crate) struct Entries(Vec<(Table, Vec<u8>)>);

impl Entries {
    /// The entries `ticket` has in the indexes.
    pub(crate) fn of(ticket: &Ticket) -> Entries {
        let id = &ticket.id;
        let mut entries = vec![
            (
                Table::AskerTickets,
                asker_ticket_key(&ticket.asker.identity(), id),
            ),
            (Table::StatusTickets, status_key(ticket.status, id)),
        ];
        if ticket.status.is_queued() {
            let waiting_since = ticket.reminded_at.unwrap_or(ticket.queued_since);
            entries.push((Table::ReminderWaits, timed_key(waiting_since, id)));
        }
        if let (Status::Closed, Some(closed_at)) = (ticket.status, ticket.closed_at) {
            entries.push((Table::ClosedTickets, timed_key(closed_at, id)));
        }
        Entries(entries)
    }
}

/// Writes `ticket` and moves its index entries from `before` (its entries as last written, or
/// [`Entries::default`] for a new ticket) to where it is now, in one batch: the only way a ticket is
/// written, so its indexes cannot disagree with it.
pub(crate) fn put_ticket(
    batch: &mut Batch,
    before: &Entries,
    ticket: &Ticket,
) -> Result<(), StorageError> {
    let after = Entries::of(ticket);
    for (table, key) in &before.0 {
        if !after.0.contains(&(*table, key.clone())) {
            batch.delete(*table, key);
        }
    }
    for (table, key) in &after.0 {
        if !before.0.contains(&(*table, key.clone())) {
            batch.put(*table, key, &ticket.id)?;
        }
    }
    batch.put(Table::Tickets, ticket.id.as_str().as_bytes(), ticket)
}

/// Deletes `ticket` with its index entries, in one batch.
pub(crate) fn delete_ticket(batch: &mut Batch, ticket: &Ticket) {
    batch.delete(Table::Tickets, ticket.id.as_str().as_bytes());
    for (table, key) in Entries::of(ticket).0 {
        batch.delete(table, &key);
    }
}

/// Records a new question with its index entries, in one batch.
pub(crate) fn add_question(batch: &mut Batch, record: &QuestionRecord) -> Result<(), StorageError> {
    for (table, key) in question_entries(record) {
        batch.put(table, &key, &record.id)?;
    }
    batch.put(Table::Questions, &record.id.0.to_be_bytes(), record)
}

/// Anonymises a question record and takes it out of the indexes of identifying questions, in one
/// batch.
pub(crate) fn anonymise_question(
    batch: &mut Batch,
    record: &mut QuestionRecord,
) -> Result<(), StorageError> {
    for (table, key) in question_entries(record) {
        batch.delete(table, &key);
    }
    record.anonymise();
    batch.put(Table::Questions, &record.id.0.to_be_bytes(), record)
}

/// The questions that still name `user`, oldest first.
pub(crate) fn questions_of(
    store: &Store,
    user: &Identity,
) -> Result<Vec<QuestionId>, StorageError> {
    store.with_prefix(Table::UserQuestions, &asker_prefix(user))
}

/// The questions asked before `cutoff` that still carry an identity or words, oldest first.
pub(crate) fn identified_before(
    store: &Store,
    cutoff: Timestamp,
) -> Result<Vec<QuestionId>, StorageError> {
    store.before(Table::IdentifiedQuestions, &instant_key(cutoff))
}

/// The tally, in [`Table::Meta`], of the messages in the outbox.
pub(crate) const OUTBOX_TALLY: &str = "tally:outbox";
/// The tally, in [`Table::Meta`], of the dead letters.
pub(crate) const DEAD_LETTER_TALLY: &str = "tally:dead_letters";

/// Indexes `entry` by its ticket, and by its card if it edits one, and counts it, in the batch that
/// queues it.
pub(crate) fn add_entry(batch: &mut Batch, entry: &OutboxEntry) -> Result<(), StorageError> {
    batch.tally(OUTBOX_TALLY, 1);
    let ticket = &entry.message.ticket;
    batch.put(
        Table::TicketOutbox,
        &ticket_message_key(ticket, entry.seq),
        &entry.seq,
    )?;
    match &entry.edit_of {
        Some(card) => batch.put(Table::PendingEdits, &edit_key(card, entry.seq), &entry.seq),
        None => Ok(()),
    }
}

/// Unindexes and uncounts `entry`, in the batch that takes it out of the outbox.
pub(crate) fn remove_entry(batch: &mut Batch, entry: &OutboxEntry) {
    batch.tally(OUTBOX_TALLY, -1);
    batch.delete(
        Table::TicketOutbox,
        &ticket_message_key(&entry.message.ticket, entry.seq),
    );
    if let Some(card) = &entry.edit_of {
        batch.delete(Table::PendingEdits, &edit_key(card, entry.seq));
    }
}

/// Takes the stale edit of `card` (a card of `ticket`) queued as outbox entry `seq` out of the
/// outbox and its indexes, without reading it.
pub(crate) fn drop_stale_edit(batch: &mut Batch, ticket: &TicketId, card: &str, seq: u64) {
    batch.tally(OUTBOX_TALLY, -1);
    batch.delete(Table::Outbox, &outbox_key(seq));
    batch.delete(Table::TicketOutbox, &ticket_message_key(ticket, seq));
    batch.delete(Table::PendingEdits, &edit_key(card, seq));
}

/// Writes a dead letter with its ticket's index entry, in one batch.
pub(crate) fn add_dead_letter(batch: &mut Batch, dead: &DeadLetter) -> Result<(), StorageError> {
    batch.tally(DEAD_LETTER_TALLY, 1);
    let seq = dead.entry.seq;
    let ticket = &dead.entry.message.ticket;
    batch.put(
        Table::TicketDeadLetters,
        &ticket_message_key(ticket, seq),
        &seq,
    )?;
    batch.put(Table::DeadLetters, &outbox_key(seq), dead)
}

/// Deletes the dead letter `seq` about `ticket` with its index entry, in one batch.
pub(crate) fn delete_dead_letter(batch: &mut Batch, ticket: &TicketId, seq: u64) {
    batch.tally(DEAD_LETTER_TALLY, -1);
    batch.delete(Table::DeadLetters, &outbox_key(seq));
    batch.delete(Table::TicketDeadLetters, &ticket_message_key(ticket, seq));
}

/// The outbox sequences of the messages about `ticket` still waiting for delivery.
pub(crate) fn ticket_outbox(store: &Store, ticket: &TicketId) -> Result<Vec<u64>, StorageError> {
    store.with_prefix(Table::TicketOutbox, &ticket_prefix(ticket))
}

/// The sequences of the dead letters about `ticket`.
pub(crate) fn ticket_dead_letters(
    store: &Store,
    ticket: &TicketId,
) -> Result<Vec<u64>, StorageError> {
    store.with_prefix(Table::TicketDeadLetters, &ticket_prefix(ticket))
}

/// The outbox sequences of the edits of `card` still waiting for delivery.
pub(crate) fn pending_edits(store: &Store, card: &str) -> Result<Vec<u64>, StorageError> {
    store.with_prefix(Table::PendingEdits, &edit_prefix(card))
}

/// Builds the indexes of a desk written before they existed, from one pass over its tickets, outbox,
/// dead letters and questions; a desk that has them is left alone after one read.
pub(crate) fn build_if_missing(store: &Store) -> Result<(), StorageError> {
    if store.contains(Table::Meta, BUILT)? {
        return Ok(());
    }
    let mut batch = Batch::default();
    for ticket in store.all::<Ticket>(Table::Tickets)? {
        put_ticket(&mut batch, &Entries::default(), &ticket)?;
    }
    // Counted afresh below, one per message, from zero.
    for tally in [OUTBOX_TALLY, DEAD_LETTER_TALLY] {
        batch.tally(tally, -store.tally(tally)?.cast_signed());
    }
    for entry in store.all::<OutboxEntry>(Table::Outbox)? {
        add_entry(&mut batch, &entry)?;
    }
    for dead in store.all::<DeadLetter>(Table::DeadLetters)? {
        add_dead_letter(&mut batch, &dead)?;
    }
    for record in store.all::<QuestionRecord>(Table::Questions)? {
        for (table, key) in question_entries(&record) {
            batch.put(table, &key, &record.id)?;
        }
    }
    batch.put(Table::Meta, BUILT, &true)?;
    store.commit(batch)
}

/// The tickets named by `ids` (entries of an index), skipping any deleted since the index was read.
fn read_tickets(store: &Store, ids: Vec<TicketId>) -> Result<Vec<Ticket>, StorageError> {
    let mut tickets = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(ticket) = store.get::<Ticket>(Table::Tickets, id.as_str().as_bytes())? {
            tickets.push(ticket);
        }
    }
    Ok(tickets)
}

/// The queued tickets whose reminder wait started at or before `at`, oldest wait first.
pub(crate) fn waiting_since(store: &Store, at: Timestamp) -> Result<Vec<Ticket>, StorageError> {
    let end = instant_key(at.plus(Span::from_millis(1)));
    let ids = store.before::<TicketId>(Table::ReminderWaits, &end)?;
    read_tickets(store, ids)
}

/// The tickets closed before `cutoff`, oldest closure first.
pub(crate) fn closed_before(store: &Store, cutoff: Timestamp) -> Result<Vec<Ticket>, StorageError> {
    let ids = store.before::<TicketId>(Table::ClosedTickets, &instant_key(cutoff))?;
    read_tickets(store, ids)
}

impl Desk {
    /// How many messages wait in the outbox, and how many were given up on, from their tallies
    /// (no message is read): the `/metrics` gauges.
    pub fn message_counts(&self) -> Result<(u64, u64), DeskError> {
        let store = self.store();
        Ok((store.tally(OUTBOX_TALLY)?, store.tally(DEAD_LETTER_TALLY)?))
    }

    /// The tickets in `status`, oldest first, read through the status index (one read per ticket in
    /// that status, whatever the size of the desk): the console's status filter.
    pub fn tickets_in(&self, status: Status) -> Result<Vec<Ticket>, DeskError> {
        let store = self.store();
        let ids = store.with_prefix::<TicketId>(Table::StatusTickets, &status_prefix(status))?;
        let mut tickets = read_tickets(store, ids)?;
        tickets.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(tickets)
    }

    /// How many tickets are in each status, every status listed, counted from the status index
    /// without reading a ticket: the `/metrics` gauges.
    pub fn ticket_counts(&self) -> Result<Vec<(Status, usize)>, DeskError> {
        let store = self.store();
        Status::ALL
            .iter()
            .map(|&status| {
                let ids =
                    store.with_prefix::<TicketId>(Table::StatusTickets, &status_prefix(status))?;
                Ok((status, ids.len()))
            })
            .collect()
    }

    /// Every ticket `asker` opened, newest first, read through the asker's index (one read per ticket
    /// of theirs, whatever the size of the desk).
    pub fn tickets_of(&self, asker: &Identity) -> Result<Vec<Ticket>, DeskError> {
        let store = self.store();
        let ids = store.with_prefix::<TicketId>(Table::AskerTickets, &asker_prefix(asker))?;
        // A ticket deleted since the index was read (forget, retention) is simply gone.
        let mut tickets = read_tickets(store, ids)?;
        tickets.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(tickets)
    }

    /// The tickets of `asker` that are not closed, newest first: what `/status` lists and what the
    /// per-asker cap counts.
    pub fn open_tickets_of(&self, asker: &Identity) -> Result<Vec<Ticket>, DeskError> {
        let mut tickets = self.tickets_of(asker)?;
        tickets.retain(|t| t.status != Status::Closed);
        Ok(tickets)
    }
}
