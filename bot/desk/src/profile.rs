//! What the desk keeps about a person between their questions, for every platform at once: the
//! language they chose for the bot's words, and their last question (`/expert` escalates it). Kept
//! here, keyed by identity, rather than in each chat front-end's own database, so that `forget`
//! erases it with the rest of the person in one commit and a front-end holds only its ticket ↔
//! message tables.

use consulta_corpus::Lang;
use serde::{Deserialize, Serialize};

use super::desk::Desk;
use super::error::DeskError;
use super::identity::Identity;
use super::question::QuestionId;
use super::storage::Table;
use super::store::Batch;

/// A person as the conversation needs them on each update. Serialised as the body of
/// `GET /v1/users/{identity}/profile`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The language they chose (`/lang`): the bot's words, and the answer's language over detection.
    pub language: Option<Lang>,
    /// Their latest question that still names them.
    pub last_question: Option<QuestionId>,
}

/// The record kept in [`Table::Preferences`] under the person's identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Preferences {
    language: Option<Lang>,
}

impl Desk {
    /// What the desk keeps about `person` between questions: two reads by identity, no scan.
    pub fn profile(&self, person: &Identity) -> Result<Profile, DeskError> {
        let key = person.to_string();
        let store = self.store();
        let preferences: Preferences = store
            .get(Table::Preferences, key.as_bytes())?
            .unwrap_or_default();
        Ok(Profile {
            language: preferences.language,
            last_question: store.get(Table::LastQuestion, key.as_bytes())?,
        })
    }

    /// The language the expert acting as `by` chose with `/lang` on any of their accounts, so that
    /// what the desk says to them alone (a transfer, the terminal's edit step) follows it wherever
    /// they chose it; the desk's language when they chose none.
    pub fn expert_language(&self, by: &Identity) -> Lang {
        let directory = self.directory();
        let accounts = directory
            .expert(by)
            .map_or_else(|| vec![by.clone()], |expert| expert.identities.clone());
        accounts
            .iter()
            .find_map(|account| self.profile(account).ok()?.language)
            .unwrap_or_else(|| directory.desk_language())
    }

    /// Remembers the language `person` chose for the bot's words; durable when this returns.
    pub fn set_language(&self, person: &Identity, language: Lang) -> Result<(), DeskError> {
        let _guard = self.lock();
        let mut batch = Batch::default();
        let preferences = Preferences {
            language: Some(language),
        };
        batch.put(
            Table::Preferences,
            person.to_string().as_bytes(),
            &preferences,
        )?;
        self.store().commit(batch)?;
        Ok(())
    }
}

/// Deletes what [`Desk::set_language`] kept about `person`, in `forget`'s batch.
pub(crate) fn forget(batch: &mut Batch, person: &Identity) {
    batch.delete(Table::Preferences, person.to_string().as_bytes());
}
