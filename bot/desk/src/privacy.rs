//! Forgetting and retention: `/forget` deletes everything the desk holds about a person, and the
//! retention rule deletes closed tickets and anonymises old questions, keeping only the numbers the
//! metrics need.

use std::collections::HashSet;

use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::index;
use super::notify::{dequeue, outbox_key};
use super::outbox::{DeadLetter, OutboxEntry};
use super::question::{QuestionId, QuestionRecord};
use super::storage::Table;
use super::store::Batch;
use super::ticket::Ticket;
use super::ticket_id::TicketId;
use super::time::Span;

/// What [`Desk::forget`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Forgotten {
    /// Tickets deleted.
    pub tickets: usize,
    /// Question records stripped of the person and the text (their numbers stay, for the metrics).
    pub questions: usize,
    /// Undelivered or failed messages about those tickets, dropped.
    pub messages: usize,
}

impl Desk {
    /// Deletes everything the desk holds about `user` (an asker's platform identity): their tickets,
    /// the undelivered messages about them, and the text and identity of their questions. Question
    /// records stay, anonymised, so that past rates do not change. Curated entries stay: they carry no
    /// identity and were rewritten and approved by an expert for publication.
    pub fn forget(&self, user: &Identity) -> Result<Forgotten, DeskError> {
        let _guard = self.lock();
        let store = self.store();
        let mut batch = Batch::default();
        let tickets = self.tickets_of(user)?;
        let mut questions = 0;
        for mut record in store.all::<QuestionRecord>(Table::Questions)? {
            if record.user.as_ref() == Some(user) {
                record.anonymise();
                batch.put(Table::Questions, &record.id.0.to_be_bytes(), &record)?;
                questions += 1;
            }
        }
        batch.delete(Table::LastQuestion, user.to_string().as_bytes());
        let messages = self.delete_tickets(&mut batch, &tickets)?;
        store.commit(batch)?;
        tracing::info!(
            tickets = tickets.len(),
            questions,
            messages,
            "forgot a user on request"
        );
        Ok(Forgotten {
            tickets: tickets.len(),
            questions,
            messages,
        })
    }

    /// Deletes tickets (with their asker-index entries) and every queued or failed message about
    /// them; returns the messages dropped.
    fn delete_tickets(&self, batch: &mut Batch, tickets: &[Ticket]) -> Result<usize, DeskError> {
        let store = self.store();
        let mut messages = 0;
        for ticket in tickets {
            index::delete_ticket(batch, ticket);
        }
        let tickets: HashSet<&TicketId> = tickets.iter().map(|t| &t.id).collect();
        for entry in store.all::<OutboxEntry>(Table::Outbox)? {
            if tickets.contains(&entry.message.ticket) {
                dequeue(batch, &entry);
                messages += 1;
            }
        }
        for dead in store.all::<DeadLetter>(Table::DeadLetters)? {
            if tickets.contains(&dead.entry.message.ticket) {
                batch.delete(Table::DeadLetters, &outbox_key(dead.entry.seq));
                messages += 1;
            }
        }
        Ok(messages)
    }

    /// Deletes tickets closed more than `retention_days` ago and anonymises questions asked before then.
    pub(crate) fn apply_retention(&self) -> Result<(usize, usize), DeskError> {
        let Some(days) = self.config().retention_days else {
            return Ok((0, 0));
        };
        let _guard = self.lock();
        let store = self.store();
        let cutoff = self.now().minus(Span::from_days(u64::from(days)));
        // Read through the index of closed tickets by closing time: only the expired ones.
        let tickets = index::closed_before(store, cutoff)?;
        let mut batch = Batch::default();
        let mut anonymised: HashSet<QuestionId> = HashSet::new();
        for mut record in store.all::<QuestionRecord>(Table::Questions)? {
            if record.at < cutoff && (record.user.is_some() || record.text.is_some()) {
                record.anonymise();
                batch.put(Table::Questions, &record.id.0.to_be_bytes(), &record)?;
                anonymised.insert(record.id);
            }
        }
        for (user, id) in store.entries::<QuestionId>(Table::LastQuestion)? {
            if anonymised.contains(&id) {
                batch.delete(Table::LastQuestion, &user);
            }
        }
        self.delete_tickets(&mut batch, &tickets)?;
        store.commit(batch)?;
        if !tickets.is_empty() || !anonymised.is_empty() {
            tracing::info!(
                tickets = tickets.len(),
                questions = anonymised.len(),
                "retention applied"
            );
        }
        Ok((tickets.len(), anonymised.len()))
    }
}
