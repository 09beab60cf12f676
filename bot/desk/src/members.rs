//! Temporary admissions of team-chat members as experts: a front-end that checked someone is in an
//! experts' group vouches for them, and the admission lapses so a person who left loses the right to act
//! without the platform being asked on every action.

use std::collections::HashMap;
use std::sync::Mutex;

use super::config::ExpertConfig;
use super::desk::Desk;
use super::error::DeskError;
use super::identity::{ChatRef, Identity};
use super::time::{Span, Timestamp};

/// How long an admission lasts: a person who left the team chat loses the right to act within this
/// long, without the front-end having to ask the platform on every action.
pub const ADMISSION: Span = Span::from_secs(10 * 60);

/// People a front-end vouched for as members of a group's team chat (e.g. a Telegram experts group):
/// they may act on tickets like the group's configured experts, under the name the platform shows.
#[derive(Debug, Default)]
pub(crate) struct Members {
    admitted: Mutex<HashMap<Identity, (ExpertConfig, Timestamp)>>,
}

impl Members {
    pub(crate) fn get(&self, identity: &Identity, now: Timestamp) -> Option<ExpertConfig> {
        let admitted = self.admitted.lock().unwrap_or_else(|p| p.into_inner());
        admitted
            .get(identity)
            .filter(|(_, until)| now < *until)
            .map(|(expert, _)| expert.clone())
    }

    fn remove(&self, identity: &Identity) {
        let mut admitted = self.admitted.lock().unwrap_or_else(|p| p.into_inner());
        admitted.remove(identity);
    }

    fn insert(&self, expert: ExpertConfig, until: Timestamp) {
        let mut admitted = self.admitted.lock().unwrap_or_else(|p| p.into_inner());
        admitted.retain(|_, (_, at)| *at > until.minus(ADMISSION));
        for identity in &expert.identities {
            admitted.insert(identity.clone(), (expert.clone(), until));
        }
    }
}

impl Desk {
    /// Admits `identity`, whom the front-end found to be a member of `chat`, as an expert of the
    /// groups that use `chat` as their team chat, named `name`, for [`ADMISSION`]. Returns `false`
    /// (and admits nobody) when no group works in that chat. Configured experts need no admission.
    pub fn admit_member(
        &self,
        identity: &Identity,
        name: &str,
        chat: &ChatRef,
    ) -> Result<bool, DeskError> {
        if self.directory().expert(identity).is_some() {
            return Ok(true);
        }
        let config = self.config();
        let groups: Vec<String> = config
            .groups
            .iter()
            .filter(|g| g.chats.contains(chat))
            .map(|g| g.name.clone())
            .collect();
        if groups.is_empty() {
            return Ok(false);
        }
        // A member must not pass for a configured expert in the tickets' history.
        let name = name.trim();
        let taken = config.experts.iter().any(|e| e.name == name) || name.is_empty();
        let name = if taken {
            format!("{name} ({identity})")
        } else {
            name.to_string()
        };
        tracing::info!(%identity, %chat, "a member of an experts' chat was admitted");
        self.inner.members.insert(
            ExpertConfig {
                name,
                identities: vec![identity.clone()],
                groups,
                notify: None,
            },
            self.now().plus(ADMISSION),
        );
        Ok(true)
    }

    /// Ends the admission of `identity` at once: the front-end learned they left a team chat (a
    /// Telegram `chat_member` update), so they lose the right to act now rather than when the
    /// admission lapses. Acting again in a team chat they are still in admits them again.
    pub fn dismiss_member(&self, identity: &Identity) {
        self.inner.members.remove(identity);
        tracing::info!(%identity, "a member who left an experts' chat was dismissed");
    }
}
