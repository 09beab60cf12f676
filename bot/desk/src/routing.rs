//! The validated configuration, indexed for the lookups every action makes: who an identity is, which
//! group a ticket goes to, which chats hear about a group.

use std::collections::{BTreeSet, HashMap};

use consulta_corpus::Lang;

use super::config::{ConfigError, DeskConfig, ExpertConfig, GroupConfig};
use super::identity::{ChatRef, Identity};
use super::ticket::Tags;

/// The validated configuration, indexed for the lookups every action makes: who is this identity, where
/// does this ticket go, which chats hear about a group.
#[derive(Debug)]
pub(crate) struct Directory {
    pub(crate) config: DeskConfig,
    by_identity: HashMap<Identity, usize>,
}

impl Directory {
    pub(crate) fn new(config: DeskConfig) -> Result<Self, ConfigError> {
        let mut by_identity = HashMap::new();
        let mut names = BTreeSet::new();
        for (index, expert) in config.experts.iter().enumerate() {
            if !names.insert(expert.name.as_str()) {
                return Err(ConfigError::DuplicateExpert(expert.name.clone()));
            }
            if expert.identities.is_empty() {
                return Err(ConfigError::NoIdentity(expert.name.clone()));
            }
            for identity in &expert.identities {
                if let Some(first) = by_identity.insert(identity.clone(), index) {
                    return Err(ConfigError::DuplicateIdentity {
                        identity: identity.clone(),
                        first: config.experts[first].name.clone(),
                        second: expert.name.clone(),
                    });
                }
            }
        }
        let mut groups = BTreeSet::new();
        for group in &config.groups {
            if !groups.insert(group.name.as_str()) {
                return Err(ConfigError::DuplicateGroup(group.name.clone()));
            }
        }
        let unknown = |group: &str, used_by: String| ConfigError::UnknownGroup {
            group: group.to_string(),
            used_by,
        };
        for expert in &config.experts {
            if let Some(g) = expert.groups.iter().find(|g| !groups.contains(g.as_str())) {
                return Err(unknown(g, format!("expert {:?}", expert.name)));
            }
        }
        for (i, rule) in config.routes.iter().enumerate() {
            if !groups.contains(rule.group.as_str()) {
                return Err(unknown(&rule.group, format!("route #{}", i + 1)));
            }
        }
        if let Some(g) = &config.default_group
            && !groups.contains(g.as_str())
        {
            return Err(unknown(g, "default_group".to_string()));
        }
        for group in &config.groups {
            let member_notified = config
                .experts
                .iter()
                .any(|e| e.notify.is_some() && e.groups.contains(&group.name));
            if group.chats.is_empty() && !member_notified {
                return Err(ConfigError::Unreachable(group.name.clone()));
            }
        }
        for (field, value) in [
            ("low_confidence", config.low_confidence),
            ("gap_similarity", config.gap_similarity),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfigError::OutOfRange { field, value });
            }
        }
        if config.outbox.max_attempts == 0 {
            return Err(ConfigError::NoAttempts);
        }
        if config.outbox.parallel_chats == 0 {
            return Err(ConfigError::NoParallelChats);
        }
        Ok(Directory {
            config,
            by_identity,
        })
    }

    /// The expert acting from `identity`, if configured.
    pub(crate) fn expert(&self, identity: &Identity) -> Option<&ExpertConfig> {
        self.by_identity
            .get(identity)
            .map(|&i| &self.config.experts[i])
    }

    /// An expert by name (case-insensitive) or by any of their identities, as people type it.
    pub(crate) fn find_expert(&self, name_or_identity: &str) -> Option<&ExpertConfig> {
        let wanted = name_or_identity.trim();
        self.config
            .experts
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(wanted))
            .or_else(|| self.expert(&wanted.parse().ok()?))
    }

    pub(crate) fn group(&self, name: &str) -> Option<&GroupConfig> {
        self.config.groups.iter().find(|g| g.name == name)
    }

    /// The group for a ticket: the first rule whose every set field matches, else the default group.
    pub(crate) fn route(&self, tags: &Tags, language: Lang) -> Option<&str> {
        let has = |values: &[String], wanted: &Option<String>| {
            wanted
                .as_ref()
                .is_none_or(|w| values.iter().any(|v| v.eq_ignore_ascii_case(w)))
        };
        self.config
            .routes
            .iter()
            .find(|rule| {
                has(&tags.topics, &rule.topic)
                    && has(&tags.countries, &rule.country)
                    && rule.language.is_none_or(|l| l == language)
            })
            .map(|rule| rule.group.as_str())
            .or(self.config.default_group.as_deref())
            .or(self.config.groups.first().map(|g| g.name.as_str()))
    }

    /// The chats that hear about a group's queue: its own chats, or else its members' private chats.
    /// The language of the desk's words in `chat` ([`DeskConfig::chat_language`]).
    pub(crate) fn chat_language(&self, chat: &ChatRef) -> Lang {
        self.config.chat_language(chat)
    }

    /// The desk's language where nothing more particular is known ([`DeskConfig::desk_language`]).
    pub(crate) fn desk_language(&self) -> Lang {
        self.config.desk_language()
    }

    pub(crate) fn group_chats(&self, group: &str) -> Vec<ChatRef> {
        match self.group(group) {
            Some(g) if !g.chats.is_empty() => g.chats.clone(),
            _ => self
                .config
                .experts
                .iter()
                .filter(|e| e.groups.iter().any(|g| g == group))
                .filter_map(|e| e.notify.clone())
                .collect(),
        }
    }
}
