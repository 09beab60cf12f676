//! Forgetting and retention: `/forget` deletes everything the desk holds about a person, and the
//! retention rule deletes closed tickets and anonymises old questions, keeping only the numbers the
//! metrics need.

use super::desk::Desk;
use super::error::DeskError;
use super::identity::{Identity, Platform};
use super::index;
use super::notify::{dequeue, outbox_key};
use super::outbox::OutboxEntry;
use super::profile;
use super::question::{QuestionId, QuestionRecord};
use super::storage::Table;
use super::store::Batch;
use super::ticket::Ticket;
use super::ticket_id::TicketId;

/// What [`Desk::forget`] removed, or what the retention rule swept ([`super::TickReport`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Forgotten {
    /// Tickets deleted.
    pub tickets: usize,
    /// Question records stripped of the person and the text (their numbers stay, for the metrics).
    pub questions: usize,
    /// Undelivered or failed messages about those tickets, dropped.
    pub messages: usize,
    /// The ids of those questions: a chat front-end drops where each was asked by key, without
    /// reading its whole table.
    #[serde(default)]
    pub question_ids: Vec<QuestionId>,
    /// The ids of those tickets, for the same reason.
    #[serde(default)]
    pub ticket_ids: Vec<TicketId>,
}

impl Forgotten {
    /// What went: the `tickets` deleted, the questions anonymised, the `messages` dropped.
    fn of(tickets: Vec<Ticket>, question_ids: Vec<QuestionId>, messages: usize) -> Forgotten {
        Forgotten {
            tickets: tickets.len(),
            questions: question_ids.len(),
            messages,
            question_ids,
            ticket_ids: tickets.into_iter().map(|t| t.id).collect(),
        }
    }
}

/// The platforms whose front-ends keep rows about tickets and questions (cards, threads, where a
/// question was asked, a visitor's inbox), and so are told what the retention rule swept once their
/// front-end has run ([`Desk::front_end_runs`]). The command line keeps nothing.
const KEEPING_ROWS: [Platform; 3] = [Platform::Telegram, Platform::Discord, Platform::Web];

/// The mark, in [`Table::Meta`], that `platform`'s front-end has run against this desk.
fn ran_key(platform: Platform) -> Vec<u8> {
    format!("front_end_ran:{platform}").into_bytes()
}

/// What the retention rule swept that one platform's front-end has still to drop its rows about:
/// kept in the desk until that front-end says it did, so that a sweep is not lost to a front-end
/// that was down, failed, runs in another process or was not attached (`consulta tickets tick`).
/// It names ids only, never words or people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sweep {
    /// Its place in the platform's queue: what [`Desk::sweep_done`] is given back.
    pub seq: u64,
    /// What went, by id, as the tick reported it.
    pub swept: Forgotten,
}

fn sweep_key(platform: Platform, seq: u64) -> Vec<u8> {
    let mut key = sweep_prefix(platform);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn sweep_prefix(platform: Platform) -> Vec<u8> {
    let mut key = platform.as_str().as_bytes().to_vec();
    key.push(0);
    key
}

impl Desk {
    /// Remembers that `platform`'s front-end runs against this desk, so that from now on the retention
    /// rule queues its sweeps for that platform (the desk's duties say so for each front-end they
    /// serve, at every tick). Only a platform whose front-end has run can hold rows about a ticket,
    /// and it holds them for good, so the mark is never removed.
    ///
    /// Why not the platforms the desk is configured with, or those a ticket touched: a bot keeps rows
    /// on a platform the desk configuration never names (askers on Telegram, experts on the web), and
    /// a platform taken out of the configuration still holds the rows it made, to be dropped when it
    /// runs again; and a ticket's rows spread over its asker's platform, the chats of every group it
    /// was routed or transferred to and the experts' own chats, so a list worked out per ticket would
    /// keep personal data past retention the day it missed one. "Has run" needs no such list: a
    /// platform that never ran has nothing to drop, and gets no sweep.
    pub fn front_end_runs(&self, platform: Platform) -> Result<(), DeskError> {
        if !KEEPING_ROWS.contains(&platform)
            || self.store().contains(Table::Meta, &ran_key(platform))?
        {
            return Ok(());
        }
        let _guard = self.lock();
        let mut batch = Batch::default();
        batch.put(Table::Meta, &ran_key(platform), &true)?;
        Ok(self.store().commit(batch)?)
    }

    /// The retention sweeps `platform`'s front-end has not yet confirmed, oldest first: one read of
    /// that platform's queue (empty almost always).
    pub fn pending_sweeps(&self, platform: Platform) -> Result<Vec<Sweep>, DeskError> {
        Ok(self
            .store()
            .with_prefix(Table::Sweeps, &sweep_prefix(platform))?)
    }

    /// `platform`'s front-end dropped its rows about sweep `seq`: the desk stops telling it.
    pub fn sweep_done(&self, platform: Platform, seq: u64) -> Result<(), DeskError> {
        let _guard = self.lock();
        let mut batch = Batch::default();
        batch.delete(Table::Sweeps, &sweep_key(platform, seq));
        Ok(self.store().commit(batch)?)
    }

    /// Deletes everything the desk holds about `user` (an asker's platform identity): their tickets,
    /// the undelivered messages about them, and the text and identity of their questions. Question
    /// records stay, anonymised, so that past rates do not change. Curated entries stay: they carry no
    /// identity and were rewritten and approved by an expert for publication. Their chosen language
    /// and last question go too. Everything is found through the indexes: no table is read whole.
    pub fn forget(&self, user: &Identity) -> Result<Forgotten, DeskError> {
        let _guard = self.lock();
        let store = self.store();
        let mut batch = Batch::default();
        let tickets = self.tickets_of(user)?;
        let mut question_ids = Vec::new();
        for id in index::questions_of(store, user)? {
            if let Some(mut record) =
                store.get::<QuestionRecord>(Table::Questions, &id.0.to_be_bytes())?
            {
                index::anonymise_question(&mut batch, &mut record)?;
                question_ids.push(id);
            }
        }
        batch.delete(Table::LastQuestion, user.to_string().as_bytes());
        profile::forget(&mut batch, user);
        let messages = self.delete_tickets(&mut batch, &tickets)?;
        store.commit(batch)?;
        tracing::info!(
            tickets = tickets.len(),
            questions = question_ids.len(),
            messages,
            "forgot a user on request"
        );
        Ok(Forgotten::of(tickets, question_ids, messages))
    }

    /// Deletes tickets (with their index entries) and every queued or failed message about them,
    /// found through the tickets' message indexes; returns the messages dropped.
    fn delete_tickets(&self, batch: &mut Batch, tickets: &[Ticket]) -> Result<usize, DeskError> {
        let store = self.store();
        let mut messages = 0;
        for ticket in tickets {
            index::delete_ticket(batch, ticket);
            for seq in index::ticket_outbox(store, &ticket.id)? {
                if let Some(entry) = store.get::<OutboxEntry>(Table::Outbox, &outbox_key(seq))? {
                    dequeue(batch, &entry);
                    messages += 1;
                }
            }
            for seq in index::ticket_dead_letters(store, &ticket.id)? {
                index::delete_dead_letter(batch, &ticket.id, seq);
                messages += 1;
            }
        }
        Ok(messages)
    }

    /// Deletes tickets closed longer than `retention` ago and anonymises questions asked before
    /// then, reading only those through the time-ordered indexes. Returns what went, with the ids a
    /// chat front-end needs to drop its own rows about them, as after [`Desk::forget`].
    pub(crate) fn apply_retention(&self) -> Result<Forgotten, DeskError> {
        let Some(period) = self.config().retention else {
            return Ok(Forgotten::default());
        };
        let _guard = self.lock();
        let store = self.store();
        let cutoff = self.now().minus(period);
        let tickets = index::closed_before(store, cutoff)?;
        let mut batch = Batch::default();
        let mut question_ids = Vec::new();
        for id in index::identified_before(store, cutoff)? {
            let key = id.0.to_be_bytes();
            let Some(mut record) = store.get::<QuestionRecord>(Table::Questions, &key)? else {
                continue;
            };
            // The user's last question, anonymised, no longer links a follow-up to them.
            if let Some(user) = record.user.clone() {
                let user = user.to_string();
                if store.get::<QuestionId>(Table::LastQuestion, user.as_bytes())? == Some(id) {
                    batch.delete(Table::LastQuestion, user.as_bytes());
                }
            }
            index::anonymise_question(&mut batch, &mut record)?;
            question_ids.push(id);
        }
        let messages = self.delete_tickets(&mut batch, &tickets)?;
        let forgotten = Forgotten::of(tickets, question_ids, messages);
        if !forgotten.ticket_ids.is_empty() || !forgotten.question_ids.is_empty() {
            // In the same commit as the deletion: a crash cannot leave rows nobody is told about.
            for platform in KEEPING_ROWS {
                if !store.contains(Table::Meta, &ran_key(platform))? {
                    continue;
                }
                let seq = store.next(&mut batch, "sweep_seq")?;
                let sweep = Sweep {
                    seq,
                    swept: forgotten.clone(),
                };
                batch.put(Table::Sweeps, &sweep_key(platform, seq), &sweep)?;
            }
        }
        store.commit(batch)?;
        if forgotten.tickets > 0 || forgotten.questions > 0 {
            tracing::info!(
                tickets = forgotten.tickets,
                questions = forgotten.questions,
                "retention applied"
            );
        }
        Ok(forgotten)
    }
}
