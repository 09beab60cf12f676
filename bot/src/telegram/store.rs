//! What the Telegram front-end remembers across restarts, in its own small sled database
//! (`DATA_DIR/telegram`), apart from the desk's: chosen languages, recent questions (so that a button
//! pressed later can escalate or re-ask them), and which Telegram message belongs to which ticket.

use std::path::Path;

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use crate::desk::{Asker, QuestionId, RetrievedPassage, TicketId};

/// A question as asked on Telegram, kept so "Ask an expert", "More sources" and `/expert` can act on
/// it later, and so the expert's answer can be sent as a reply to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asked {
    /// Who asked, in the desk's terms.
    pub asker: Asker,
    /// The question's message, which the expert's answer replies to.
    pub message_id: i32,
    /// The forum topic it was asked in, if any, so replies stay in the topic.
    pub thread_id: Option<i32>,
    /// The question as asked.
    pub text: String,
    /// The answer's language.
    pub language: Lang,
    /// What Consulta cited, handed to the expert on escalation.
    pub passages: Vec<RetrievedPassage>,
}

/// Where a ticket's question was asked on Telegram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The asker's chat.
    pub chat_id: i64,
    /// The question's message.
    pub message_id: i32,
    /// Its forum topic, if any.
    pub thread_id: Option<i32>,
}

/// A failure of the front-end's own database.
#[derive(Debug, thiserror::Error)]
#[error(
    "the Telegram front-end's database failed ({0}); check that the data directory is writable and not full"
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

/// The front-end's durable memory. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    langs: sled::Tree,
    asked: sled::Tree,
    last: sled::Tree,
    cards: sled::Tree,
    topics: sled::Tree,
    origins: sled::Tree,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = sled::open(path)?;
        Ok(Store {
            langs: db.open_tree("langs")?,
            asked: db.open_tree("asked")?,
            last: db.open_tree("last")?,
            cards: db.open_tree("cards")?,
            topics: db.open_tree("topics")?,
            origins: db.open_tree("origins")?,
            db,
        })
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// The language a user chose with `/lang`.
    pub fn lang(&self, user: &str) -> Result<Option<Lang>, StoreError> {
        Ok(self
            .langs
            .get(user)?
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()))
    }

    /// Remembers `/lang`.
    pub fn set_lang(&self, user: &str, lang: Lang) -> Result<(), StoreError> {
        self.langs.insert(user, lang.code())?;
        self.flush()
    }

    /// Keeps a question for later buttons and makes it the user's last one (`/expert`).
    pub fn put_asked(&self, id: QuestionId, asked: &Asked) -> Result<(), StoreError> {
        self.asked
            .insert(id.0.to_be_bytes(), serde_json::to_vec(asked)?)?;
        self.last
            .insert(asked.asker.user_id.as_str(), &id.0.to_be_bytes())?;
        self.flush()
    }

    /// A kept question.
    pub fn asked(&self, id: QuestionId) -> Result<Option<Asked>, StoreError> {
        match self.asked.get(id.0.to_be_bytes())? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// The user's last question.
    pub fn last_question(&self, user: &str) -> Result<Option<QuestionId>, StoreError> {
        Ok(self.last.get(user)?.and_then(|v| {
            let bytes: [u8; 8] = v.as_ref().try_into().ok()?;
            Some(QuestionId(u64::from_be_bytes(bytes)))
        }))
    }

    /// Records that message `message_id` in `chat_id` is the card of `ticket` (experts reply to it).
    pub fn put_card(
        &self,
        chat_id: i64,
        message_id: i32,
        ticket: &TicketId,
    ) -> Result<(), StoreError> {
        self.cards
            .insert(format!("{chat_id}:{message_id}"), ticket.as_str())?;
        self.flush()
    }

    /// The ticket whose card (or forum topic, see [`Store::put_topic`]) is `message_id` in `chat_id`.
    pub fn card(&self, chat_id: i64, message_id: i32) -> Result<Option<TicketId>, StoreError> {
        Ok(self
            .cards
            .get(format!("{chat_id}:{message_id}"))?
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()))
    }

    /// Records the forum topic opened for `ticket` in `chat_id`.
    pub fn put_topic(
        &self,
        chat_id: i64,
        ticket: &TicketId,
        thread_id: i32,
    ) -> Result<(), StoreError> {
        self.topics
            .insert(format!("{chat_id}:{ticket}"), &thread_id.to_be_bytes())?;
        // A message in the topic that replies to nothing replies to the topic's first message, whose
        // id is the thread id: expert answers typed straight into the topic find their ticket.
        self.put_card(chat_id, thread_id, ticket)
    }

    /// The forum topic of `ticket` in `chat_id`.
    pub fn topic(&self, chat_id: i64, ticket: &TicketId) -> Result<Option<i32>, StoreError> {
        Ok(self
            .topics
            .get(format!("{chat_id}:{ticket}"))?
            .and_then(|v| {
                let bytes: [u8; 4] = v.as_ref().try_into().ok()?;
                Some(i32::from_be_bytes(bytes))
            }))
    }

    /// Records where `ticket` was asked, so the expert's answer replies to the question.
    pub fn put_origin(&self, ticket: &TicketId, origin: Origin) -> Result<(), StoreError> {
        self.origins
            .insert(ticket.as_str(), serde_json::to_vec(&origin)?)?;
        self.flush()
    }

    /// Where `ticket` was asked.
    pub fn origin(&self, ticket: &TicketId) -> Result<Option<Origin>, StoreError> {
        match self.origins.get(ticket.as_str())? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Deletes what this front-end keeps about `user` (their language and questions), for `/forget`.
    pub fn forget(&self, user: &str) -> Result<(), StoreError> {
        self.langs.remove(user)?;
        self.last.remove(user)?;
        for entry in self.asked.iter() {
            let (key, value) = entry?;
            let asked: Asked = serde_json::from_slice(&value)?;
            if asked.asker.user_id == user {
                self.asked.remove(key)?;
            }
        }
        self.flush()
    }
}
