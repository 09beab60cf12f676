//! Approval: an expert's answer becomes a curated FAQ entry, kept by the desk and indexed at once
//! through a [`CuratedSink`], so the next person asking the same question gets the expert's words
//! with a citation instead of a new ticket.

use consulta_corpus::{FaqEntry, Lang, Passage, PassageKind};
use serde::{Deserialize, Serialize};

use super::action::TransitionError;
use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::index;
use super::particulars::{Particular, find_particulars};
use super::storage::Table;
use super::store::Batch;
use super::ticket::{Actor, Event, EventKind, Tags};
use super::ticket_id::TicketId;
use super::time::Timestamp;

/// Where approved answers go to become searchable at once: the retrieval engine's indexes.
///
/// A trait so the desk does not depend on retrieval (the bot crate wraps the engine); `upsert` must
/// replace an earlier version of the same document (`curated:<ticket>`), which makes re-pushing
/// idempotent.
pub trait CuratedSink: Send + Sync {
    /// Indexes (or re-indexes) one curated passage.
    fn upsert_curated(
        &self,
        passage: Passage,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// What an expert publishes when approving an answer as an FAQ: the question and answer exactly as
/// they will be shown to everyone, after the edit step in which they saw and rewrote them. Nothing of
/// the ticket is published unless it is in here: the asker's own wording becomes public only when the
/// expert sends it back unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approval {
    /// The question to publish, rewritten for a general reader.
    pub question: String,
    /// The answer to publish, without the asker's particulars.
    pub answer: String,
    /// The expert looked at the flagged particulars (see [`find_particulars`]) and publishes them
    /// anyway; without it an approval whose text has any is refused.
    pub confirm_particulars: bool,
}

/// What the edit step starts from: the ticket's question and expert answer, and the particulars
/// flagged in them, for the expert to rewrite before approving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalDraft {
    /// The ticket it comes from.
    pub ticket: TicketId,
    /// The question as the asker wrote it (or as last approved, when the ticket was approved before).
    pub question: String,
    /// The expert's answer (or as last approved).
    pub answer: String,
    /// E-mail addresses, phone and document numbers found in question and answer.
    pub particulars: Vec<Particular>,
}

/// An expert answer approved for reuse: Consulta cites it like any FAQ entry from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CuratedEntry {
    /// The ticket it came from; its document id is `curated:<ticket>`.
    pub ticket: TicketId,
    /// The language of question and answer.
    pub language: Lang,
    /// The question, as approved.
    pub question: String,
    /// The answer, as approved.
    pub answer: String,
    /// The expert who answered, named in the citation.
    pub expert: String,
    /// The expert who approved it (may be another expert).
    pub approved_by: String,
    /// When it was approved; its date is the citation's `valid_as_of`.
    pub approved_at: Timestamp,
    /// Topics and countries, carried into the passage for filtering.
    pub tags: Tags,
    /// Whether the index has this version; entries still `false` are pushed again at startup.
    pub indexed: bool,
}

impl ApprovalDraft {
    /// The approval of this draft unchanged: the expert saw it and publishes it as shown (its flagged
    /// particulars still need `confirm_particulars`).
    pub fn as_shown(&self) -> Approval {
        Approval {
            question: self.question.clone(),
            answer: self.answer.clone(),
            confirm_particulars: false,
        }
    }
}

impl CuratedEntry {
    /// The citation's source line: `Answered by expert NAME, YYYY-MM-DD`.
    pub fn source(&self) -> String {
        format!(
            "Answered by expert {}, {}",
            self.expert,
            self.approved_at.date()
        )
    }

    /// The entry in the knowledge base's FAQ format, under FAQ id `id`.
    pub fn faq_entry(&self, id: String) -> FaqEntry {
        FaqEntry {
            id,
            lang: self.language,
            question: self.question.clone(),
            answer: self.answer.clone(),
            source: self.source(),
            source_url: None,
            valid_as_of: self.approved_at.date(),
            tags: self.tags.topics.clone(),
            countries: self.tags.countries.clone(),
        }
    }

    /// The passage the index receives: kind `Curated`, document id `curated:<ticket>`.
    pub fn to_passage(&self) -> Passage {
        self.faq_entry(self.ticket.to_string()).to_passage(
            PassageKind::Curated,
            &format!("desk/curated/{}", self.ticket),
        )
    }
}

impl Desk {
    /// The starting point of the edit step for ticket `id`: its question and expert answer (or the
    /// text approved last time, when it is approved again) and the particulars found in them.
    pub fn approval_draft(&self, by: &Identity, id: &TicketId) -> Result<ApprovalDraft, DeskError> {
        self.authorise(by)?;
        let ticket = self.ticket(id)?;
        let answer = ticket.answer.ok_or_else(|| DeskError::Refused {
            ticket: id.clone(),
            reason: TransitionError::NoAnswer,
        })?;
        let approved: Option<CuratedEntry> =
            self.store().get(Table::Curated, id.as_str().as_bytes())?;
        let (question, answer) = match approved {
            Some(entry) => (entry.question, entry.answer),
            None => (ticket.question, answer.text),
        };
        let particulars = find_particulars(&format!("{question}\n{answer}"));
        Ok(ApprovalDraft {
            ticket: id.clone(),
            question,
            answer,
            particulars,
        })
    }

    /// Approves the expert answer of ticket `id` as a curated FAQ entry with the text the expert
    /// edited (`approval`), stores it, and indexes it at once through the sink (when one is attached).
    ///
    /// Text with particulars (e-mail addresses, phone or document numbers) is refused unless the
    /// expert confirms it. The entry keeps no link to the asker: only the ticket id, the experts'
    /// names and the edited text; deleting the asker's data leaves it intact and anonymous.
    ///
    /// The entry is durable before indexing is tried: if the index fails, the error says so and the
    /// entry is pushed again by [`Desk::republish_curated`] at the next start. Approving again replaces
    /// the entry (e.g. to correct it).
    pub fn approve(
        &self,
        by: &Identity,
        id: &TicketId,
        approval: Approval,
    ) -> Result<CuratedEntry, DeskError> {
        let approver = self.authorise(by)?.name.clone();
        let question = approval.question.trim().to_string();
        let answer_text = approval.answer.trim().to_string();
        let entry = {
            let _guard = self.lock();
            let now = self.now();
            let mut ticket = self.ticket(id)?;
            let indexed = index::Entries::of(&ticket);
            let refuse = |reason| DeskError::Refused {
                ticket: id.clone(),
                reason,
            };
            let answer = ticket
                .answer
                .clone()
                .ok_or_else(|| refuse(TransitionError::NoAnswer))?;
            for (text, what) in [(&question, "question"), (&answer_text, "answer")] {
                if text.is_empty() {
                    return Err(refuse(TransitionError::EmptyText { what }));
                }
            }
            let particulars = find_particulars(&format!("{question}\n{answer_text}"));
            if !particulars.is_empty() && !approval.confirm_particulars {
                return Err(DeskError::Particulars {
                    ticket: id.clone(),
                    found: particulars,
                });
            }
            let entry = CuratedEntry {
                ticket: id.clone(),
                language: ticket.language,
                question,
                answer: answer_text,
                expert: answer.expert,
                approved_by: approver.clone(),
                approved_at: now,
                tags: ticket.tags.clone(),
                indexed: false,
            };
            ticket.events.push(Event {
                at: now,
                actor: Actor::Expert {
                    name: approver,
                    identity: by.clone(),
                },
                kind: EventKind::Approved,
            });
            let mut batch = Batch::default();
            batch.put(Table::Curated, id.as_str().as_bytes(), &entry)?;
            index::put_ticket(&mut batch, &indexed, &ticket)?;
            self.store().commit(batch)?;
            entry
        };
        tracing::info!(ticket = %id, "answer approved as curated FAQ");
        match self.index(&entry)? {
            Some(indexed) => Ok(indexed),
            None => Ok(entry),
        }
    }

    /// Pushes `entry` to the sink and marks it indexed; `None` when no sink is attached.
    fn index(&self, entry: &CuratedEntry) -> Result<Option<CuratedEntry>, DeskError> {
        let Some(sink) = &self.inner.sink else {
            return Ok(None);
        };
        sink.upsert_curated(entry.to_passage())
            .map_err(|e| DeskError::NotIndexed {
                ticket: entry.ticket.clone(),
                reason: e.to_string(),
            })?;
        let _guard = self.lock();
        let key = entry.ticket.as_str().as_bytes();
        // Mark only the version that was pushed: a newer approval in between stays "not indexed".
        let current: Option<CuratedEntry> = self.store().get(Table::Curated, key)?;
        let mut indexed = entry.clone();
        indexed.indexed = true;
        if current.as_ref() == Some(entry) {
            let mut batch = Batch::default();
            batch.put(Table::Curated, key, &indexed)?;
            self.store().commit(batch)?;
        }
        Ok(Some(indexed))
    }

    /// Every curated entry, by ticket id.
    pub fn curated(&self) -> Result<Vec<CuratedEntry>, DeskError> {
        Ok(self.store().all(Table::Curated)?)
    }

    /// Pushes every curated entry to the sink again, so an index rebuilt from the knowledge base keeps
    /// them; safe to repeat. Returns how many were pushed (0 without a sink). Entries that fail are
    /// left marked unindexed and the first failure is returned after all were tried.
    pub fn republish_curated(&self) -> Result<usize, DeskError> {
        let mut pushed = 0;
        let mut first_error = None;
        for entry in self.curated()? {
            match self.index(&entry) {
                Ok(Some(_)) => pushed += 1,
                Ok(None) => return Ok(0),
                Err(e) => {
                    tracing::warn!(ticket = %entry.ticket, error = %e, "curated entry not indexed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(pushed),
        }
    }
}
