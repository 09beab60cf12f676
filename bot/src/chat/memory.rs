//! What every chat front-end remembers about the people who ask, in its own small sled database
//! (`DATA_DIR/telegram`, `DATA_DIR/discord`), apart from the desk's: chosen languages, and ids only
//! for the rest — which question was asked where (so that a button pressed later can escalate or
//! re-ask it and `/expert` finds the last one), and where each escalated question was asked (so the
//! expert's answer goes back there). The words of a question, its language and what Consulta cited
//! are the desk's alone: forgetting someone at the desk leaves nothing of what they asked here.

use consulta_corpus::Lang;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use consulta_desk::{DeliveryError, Identity, QuestionId, TicketId};

/// Where a question was asked on a platform, kept so "Ask an expert", "More sources" and `/expert`
/// can act on it later. Ids only: the question's words stay with the desk. `P` is where on the
/// platform it was asked (a message, a thread), so that the expert's answer can be sent as a reply
/// to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asked<P> {
    /// Who asked: the desk refuses anyone else who presses the question's buttons.
    pub asker: Identity,
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

/// Languages and recent questions, per user. Cheap to clone (sled trees are shared handles).
#[derive(Clone)]
pub struct Memory {
    db: sled::Db,
    langs: sled::Tree,
    asked: sled::Tree,
    last: sled::Tree,
    origins: sled::Tree,
}

impl Memory {
    /// The memory kept in `db`, next to the front-end's own trees.
    pub fn open(db: &sled::Db) -> Result<Memory, StoreError> {
        Ok(Memory {
            langs: db.open_tree("langs")?,
            asked: db.open_tree("asked")?,
            last: db.open_tree("last")?,
            origins: db.open_tree("origins")?,
            db: db.clone(),
        })
    }

    /// Makes what was written durable before the user is told it was done.
    pub fn flush(&self) -> Result<(), StoreError> {
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

    /// The language of the bot's own words for `user`: their `/lang`, else the language their platform
    /// reports (`platform`), else Spanish (most of Consulta's askers).
    pub fn ui_lang(&self, user: &str, platform: Option<Lang>) -> Result<Lang, StoreError> {
        Ok(self.lang(user)?.or(platform).unwrap_or(Lang::Es))
    }

    /// Remembers `/lang`.
    pub fn set_lang(&self, user: &str, lang: Lang) -> Result<(), StoreError> {
        self.langs.insert(user, lang.code())?;
        self.flush()
    }

    /// Keeps a question for later buttons and makes it the user's last one (`/expert`).
    pub fn put_asked<P: Serialize>(
        &self,
        id: QuestionId,
        asked: &Asked<P>,
    ) -> Result<(), StoreError> {
        self.asked
            .insert(id.0.to_be_bytes(), serde_json::to_vec(asked)?)?;
        self.last
            .insert(asked.asker.id.as_str(), &id.0.to_be_bytes())?;
        self.flush()
    }

    /// A kept question.
    pub fn asked<P: DeserializeOwned>(
        &self,
        id: QuestionId,
    ) -> Result<Option<Asked<P>>, StoreError> {
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

    /// Deletes what is kept about `user` (their language and questions), for `/forget`.
    pub fn forget(&self, user: &str) -> Result<(), StoreError> {
        self.langs.remove(user)?;
        self.last.remove(user)?;
        for entry in self.asked.iter() {
            let (key, value) = entry?;
            let asked: Asked<IgnoredAny> = serde_json::from_slice(&value)?;
            if asked.asker.id == user {
                self.asked.remove(key)?;
            }
        }
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::Platform;

    fn asked(user: &str, place: u64) -> Asked<u64> {
        Asked {
            asker: Identity::new(Platform::Discord, user),
            chat_id: "300".into(),
            place,
        }
    }

    #[test]
    fn forget_removes_only_that_users_questions_and_language() {
        let dir = tempfile::tempdir().unwrap();
        let memory = Memory::open(&sled::open(dir.path()).unwrap()).unwrap();
        memory.put_asked(QuestionId(1), &asked("ana", 10)).unwrap();
        memory.put_asked(QuestionId(2), &asked("bea", 20)).unwrap();
        memory.set_lang("ana", Lang::Pt).unwrap();
        assert_eq!(memory.last_question("ana").unwrap(), Some(QuestionId(1)));
        memory.forget("ana").unwrap();
        assert_eq!(memory.lang("ana").unwrap(), None);
        assert_eq!(memory.last_question("ana").unwrap(), None);
        assert!(memory.asked::<u64>(QuestionId(1)).unwrap().is_none());
        assert_eq!(
            memory.asked::<u64>(QuestionId(2)).unwrap(),
            Some(asked("bea", 20))
        );
    }
}
