//! What every chat front-end keeps in its own small sled database (`DATA_DIR/telegram`,
//! `DATA_DIR/discord`), apart from the desk's: ids and platform places only — which question was
//! asked where (so that a button pressed later can escalate or re-ask it), and where each escalated
//! question was asked (so the expert's answer goes back there). The person's chosen language and
//! last question, the words of a question, its language and what Consulta cited are the desk's
//! alone: forgetting someone at the desk (or its retention rule) hands back the ids of what went,
//! and those keys are dropped here without reading any table whole — with every row the front-end
//! keeps about those tickets (cards, topics, threads, messages to the asker), found through an
//! index by ticket.

use consulta_corpus::Lang;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use consulta_desk::{DeliveryError, Forgotten, Identity, Platform, QuestionId, TicketId};

use crate::assistant::{Assistant, AssistantError};

/// Where a question was asked on a platform, kept so "Ask an expert", "More sources" and `/expert`
/// can act on it later. Ids only: the question's words, and who asked, stay with the desk (which
/// refuses anyone else who presses the question's buttons). `P` is where on the platform it was
/// asked (a message, a thread), so that the expert's answer can be sent as a reply to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asked<P> {
    /// The chat the answer goes back to, in the platform's terms.
    pub chat_id: String,
    /// Where in that chat, in the platform's terms.
    pub place: P,
}

/// A failure of a front-end's own database.
#[derive(Debug, thiserror::Error)]
#[error(
    "a chat front-end's database failed ({0}); check that the data directory is writable and not full"
)]
pub struct StoreError(String);

impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> Self {
        StoreError(error.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError(error.to_string())
    }
}

/// A delivery that cannot look up where it goes may succeed once the disk is fixed.
impl From<StoreError> for DeliveryError {
    fn from(error: StoreError) -> Self {
        DeliveryError::transient(error.to_string())
    }
}

/// Where questions and tickets were asked, by id. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub struct Memory {
    db: sled::Db,
    asked: sled::Tree,
    origins: sled::Tree,
    /// Every row the front-end keeps about a ticket in its own trees, by ticket: `ticket NUL tree
    /// NUL key` → nothing ([`Memory::put_ticket_row`]).
    ticket_rows: sled::Tree,
    /// The rows kept before they were indexed by ticket are not indexed yet
    /// ([`Memory::index_older_rows`]).
    older_rows_unindexed: bool,
}

/// The trees in which front-ends kept each user's language and last question before the desk kept
/// them ([`Memory::carry_over`]).
const LANGS_BEFORE: &str = "langs";
const LAST_BEFORE: &str = "last";

/// The tree that indexes the front-end's rows by ticket.
const TICKET_ROWS: &str = "ticket_rows";

/// The mark, in [`TICKET_ROWS`], that the rows kept before the index are indexed; it starts with NUL
/// so that no ticket's prefix covers it.
const OLDER_ROWS_INDEXED: &[u8] = b"\0older rows indexed";

/// The key under which the row `key` of `tree` about `ticket` is indexed: the ticket's rows share
/// the prefix `ticket NUL`.
fn row_key(ticket: &TicketId, tree: &sled::Tree, key: &[u8]) -> Vec<u8> {
    let mut indexed = ticket_prefix(ticket);
    indexed.extend_from_slice(&tree.name());
    indexed.push(0);
    indexed.extend_from_slice(key);
    indexed
}

/// The ticket id written in `bytes` (a front-end's row), if they hold one.
pub fn ticket_in(bytes: &[u8]) -> Option<TicketId> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// The prefix of every index entry about `ticket`.
fn ticket_prefix(ticket: &TicketId) -> Vec<u8> {
    let mut prefix = ticket.as_str().as_bytes().to_vec();
    prefix.push(0);
    prefix
}

impl Memory {
    /// The memory kept in `db`, next to the front-end's own trees.
    pub fn open(db: &sled::Db) -> Result<Memory, StoreError> {
        let ticket_rows = db.open_tree(TICKET_ROWS)?;
        Ok(Memory {
            older_rows_unindexed: !ticket_rows.contains_key(OLDER_ROWS_INDEXED)?,
            asked: db.open_tree("asked")?,
            origins: db.open_tree("origins")?,
            ticket_rows,
            db: db.clone(),
        })
    }

    /// Writes `value` under `key` in the front-end's `tree` as a row about `ticket` (which message
    /// is its card, its thread, a message to its asker), durably, and indexes it by the ticket so
    /// that forgetting the ticket drops it by key.
    pub fn put_ticket_row(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        value: &[u8],
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        // The index first: a crash in between leaves an entry for a row that is not there, which
        // forgetting skips, never a row that forgetting cannot find.
        self.ticket_rows.insert(row_key(ticket, tree, key), &[])?;
        tree.insert(key, value)?;
        self.flush()
    }

    /// Indexes the rows the front-end kept about tickets before they were indexed by ticket
    /// ([`Memory::put_ticket_row`]), unless that was done: the trees `by_value` hold a ticket id as
    /// each row's value (`chat:message` → ticket), the trees `by_key` end each key with it
    /// (`chat:ticket` → thread). Each tree is read once, at the first opening by this version (and
    /// again after a crash before the end, which indexes the same rows again).
    pub fn index_older_rows(
        &self,
        by_value: &[&sled::Tree],
        by_key: &[&sled::Tree],
    ) -> Result<(), StoreError> {
        if !self.older_rows_unindexed {
            return Ok(());
        }
        let trees = by_value.iter().map(|tree| (tree, true));
        for (tree, in_value) in trees.chain(by_key.iter().map(|tree| (tree, false))) {
            for row in tree.iter() {
                let (key, value) = row?;
                let ticket = if in_value {
                    ticket_in(&value)
                } else {
                    key.rsplit(|b| *b == b':').next().and_then(ticket_in)
                };
                if let Some(ticket) = ticket {
                    self.ticket_rows.insert(row_key(&ticket, tree, &key), &[])?;
                }
            }
        }
        self.ticket_rows.insert(OLDER_ROWS_INDEXED, &[])?;
        self.flush()
    }

    /// Makes what was written durable before the user is told it was done.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Hands the languages this front-end kept itself, before the desk kept them, to the desk (as
    /// users of `platform`), once: each is removed once the desk has it, so a restart half-way
    /// resumes where it stopped, and the tree is dropped when empty. The last questions it kept are
    /// dropped unread: the desk has recorded every question since it records them at all, and keeps
    /// each user's latest itself. Returns how many languages were carried over.
    pub async fn carry_over(
        &self,
        platform: Platform,
        assistant: &dyn Assistant,
    ) -> Result<usize, CarryOverError> {
        let names = self.db.tree_names();
        if !names.iter().any(|n| n.as_ref() == LANGS_BEFORE.as_bytes()) {
            return Ok(0);
        }
        let langs = self.db.open_tree(LANGS_BEFORE)?;
        let mut carried = 0;
        for entry in langs.iter() {
            let (user, code) = entry?;
            let chosen = std::str::from_utf8(&code)
                .ok()
                .and_then(|c| c.parse::<Lang>().ok());
            if let (Ok(user), Some(lang)) = (std::str::from_utf8(&user), chosen) {
                assistant
                    .set_language(Identity::new(platform, user), lang)
                    .await?;
                carried += 1;
            }
            langs.remove(&user)?;
        }
        self.db.drop_tree(LANGS_BEFORE)?;
        self.db.drop_tree(LAST_BEFORE)?;
        self.flush()?;
        Ok(carried)
    }

    /// Keeps where a question was asked, for its later buttons.
    pub fn put_asked<P: Serialize>(
        &self,
        id: QuestionId,
        asked: &Asked<P>,
    ) -> Result<(), StoreError> {
        self.asked
            .insert(id.0.to_be_bytes(), serde_json::to_vec(asked)?)?;
        self.flush()
    }

    /// Where a question was asked.
    pub fn asked<P: DeserializeOwned>(
        &self,
        id: QuestionId,
    ) -> Result<Option<Asked<P>>, StoreError> {
        match self.asked.get(id.0.to_be_bytes())? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Records where `ticket` was asked, in the platform's terms.
    pub fn put_origin<O: Serialize>(
        &self,
        ticket: &TicketId,
        origin: &O,
    ) -> Result<(), StoreError> {
        self.origins
            .insert(ticket.as_str(), serde_json::to_vec(origin)?)?;
        self.flush()
    }

    /// Where `ticket` was asked.
    pub fn origin<O: DeserializeOwned>(&self, ticket: &TicketId) -> Result<Option<O>, StoreError> {
        match self.origins.get(ticket.as_str())? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Deletes where the questions and tickets the desk just forgot (`/forget`) or swept (retention)
    /// were asked, and every row kept about those tickets, by key.
    pub fn forget(&self, forgotten: &Forgotten) -> Result<(), StoreError> {
        for question in &forgotten.question_ids {
            self.asked.remove(question.0.to_be_bytes())?;
        }
        for ticket in &forgotten.ticket_ids {
            self.origins.remove(ticket.as_str())?;
            let prefix = ticket_prefix(ticket);
            for entry in self.ticket_rows.scan_prefix(&prefix) {
                let (indexed, _) = entry?;
                let row = &indexed[prefix.len()..];
                if let Some(end) = row.iter().position(|b| *b == 0) {
                    self.db.open_tree(&row[..end])?.remove(&row[end + 1..])?;
                }
                self.ticket_rows.remove(&indexed)?;
            }
        }
        self.flush()
    }
}

/// Why [`Memory::carry_over`] stopped; what was carried before stays carried.
#[derive(Debug, thiserror::Error)]
pub enum CarryOverError {
    /// The front-end's database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The desk did not take a language.
    #[error("the desk did not take a carried-over language: {0}")]
    Desk(#[from] AssistantError),
}

impl From<sled::Error> for CarryOverError {
    fn from(error: sled::Error) -> Self {
        CarryOverError::Store(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_removes_only_the_forgotten_keys() {
        let dir = tempfile::tempdir().unwrap();
        let memory = Memory::open(&sled::open(dir.path()).unwrap()).unwrap();
        let asked = |place| Asked {
            chat_id: "300".into(),
            place,
        };
        memory.put_asked(QuestionId(1), &asked(10_u64)).unwrap();
        memory.put_asked(QuestionId(2), &asked(20_u64)).unwrap();
        let hers: TicketId = "K7P2Q".parse().unwrap();
        let his: TicketId = "K7P2R".parse().unwrap();
        memory.put_origin(&hers, &10_u64).unwrap();
        memory.put_origin(&his, &20_u64).unwrap();
        memory
            .forget(&Forgotten {
                question_ids: vec![QuestionId(1)],
                ticket_ids: vec![hers.clone()],
                ..Forgotten::default()
            })
            .unwrap();
        assert!(memory.asked::<u64>(QuestionId(1)).unwrap().is_none());
        assert_eq!(memory.origin::<u64>(&hers).unwrap(), None);
        assert_eq!(memory.asked::<u64>(QuestionId(2)).unwrap(), Some(asked(20)));
        assert_eq!(memory.origin::<u64>(&his).unwrap(), Some(20));
    }
}
