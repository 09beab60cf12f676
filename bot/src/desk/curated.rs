//! Approval: an expert's answer becomes a curated FAQ entry, kept by the desk and indexed at once
//! through a [`CuratedSink`], so the next person asking the same question gets the expert's words
//! with a citation instead of a new ticket.

use consulta_corpus::{FaqEntry, Lang, Passage, PassageKind};
use serde::{Deserialize, Serialize};

use super::action::TransitionError;
use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::storage::Table;
use super::store::Batch;
use super::ticket::{Actor, Event, EventKind, Tags};
use super::ticket_id::TicketId;
use super::time::Timestamp;

/// Where approved answers go to become searchable at once: the retrieval engine's indexes.
///
/// A trait so the desk does not depend on how retrieval indexes; `upsert` must replace an earlier
/// version of the same document (`curated:<ticket>`), which makes re-pushing idempotent.
pub trait CuratedSink: Send + Sync {
    /// Indexes (or re-indexes) one curated passage.
    fn upsert_curated(
        &self,
        passage: Passage,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// The retrieval engine indexes curated answers in both of its indexes at once, replacing an
/// earlier version of the same entry.
impl CuratedSink for consulta_retrieval::Engine {
    fn upsert_curated(
        &self,
        passage: Passage,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        consulta_retrieval::Engine::upsert_curated(self, passage).map_err(Into::into)
    }
}

/// Optional edits an expert makes while approving an answer as an FAQ: a question rewritten for a
/// general reader, an answer stripped of the asker's particulars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approval {
    /// Replaces the asker's wording of the question.
    pub question: Option<String>,
    /// Replaces the answer as sent.
    pub answer: Option<String>,
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
    /// Approves the expert answer of ticket `id` as a curated FAQ entry, stores it, and indexes it at
    /// once through the sink (when one is attached).
    ///
    /// The entry is durable before indexing is tried: if the index fails, the error says so and the
    /// entry is pushed again by [`Desk::republish_curated`] at the next start. Approving again replaces
    /// the entry (e.g. to correct it).
    pub fn approve(
        &self,
        by: &Identity,
        id: &TicketId,
        edits: Approval,
    ) -> Result<CuratedEntry, DeskError> {
        let approver = self.authorise(by)?.name.clone();
        let entry = {
            let _guard = self.lock();
            let now = self.now();
            let mut ticket = self.ticket(id)?;
            let refuse = |reason| DeskError::Refused {
                ticket: id.clone(),
                reason,
            };
            let answer = ticket
                .answer
                .clone()
                .ok_or_else(|| refuse(TransitionError::NoAnswer))?;
            let pick = |edit: Option<String>, original: &str, what| {
                let text = edit
                    .unwrap_or_else(|| original.to_string())
                    .trim()
                    .to_string();
                if text.is_empty() {
                    Err(refuse(TransitionError::EmptyText { what }))
                } else {
                    Ok(text)
                }
            };
            let entry = CuratedEntry {
                ticket: id.clone(),
                language: ticket.language,
                question: pick(edits.question, &ticket.question, "question")?,
                answer: pick(edits.answer, &answer.text, "answer")?,
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
            batch.put(Table::Tickets, id.as_str().as_bytes(), &ticket)?;
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
