//! The decisions that changed the rules after earlier guidance, by date and topic: what tells a
//! cited fact that is really out of date from one that is merely old.
//!
//! A fact checked in 2021 against Decision 2/CMA.3 is not stale because it is old: most of that
//! decision still holds. It may be stale when a later decision (4/CMA.6 on authorization, say) dealt
//! with its topic after the fact was last checked. `timeline.yaml`, at the root of a knowledge base,
//! lists those decisions:
//!
//! ```yaml
//! - decision: 4/CMA.6
//!   date: 2024-11-24
//!   tags: [authorization, autorizacion, autorizacao]
//!   topic: {en: authorization, es: la autorización, pt: a autorização}
//! ```
//!
//! Tags are matched, folded, against a passage's tags, in any language.

use std::path::Path;

use serde::Deserialize;

use crate::chunk::section_slug;
use crate::{CorpusError, Date, Lang};

/// The name of the timeline file at the root of a knowledge base.
pub const TIMELINE_FILE: &str = "timeline.yaml";

/// One decision that revised earlier guidance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    /// The decision's symbol (`4/CMA.6`); the note adds the word for "decision" in each language.
    pub decision: String,
    /// When it was adopted.
    pub date: Date,
    /// The passage tags (any language) of the topics it revised.
    pub tags: Vec<String>,
    /// The topic in each language, for the note shown to the asker.
    pub topic: Topic,
}

/// A topic named in each language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub en: String,
    pub es: String,
    pub pt: String,
}

impl Topic {
    /// The topic's name in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
            Lang::Pt => &self.pt,
        }
    }
}

/// The rule changes of a knowledge base, in date order.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    changes: Vec<RuleChange>,
}

impl Timeline {
    /// Reads `timeline.yaml`.
    pub fn load(path: &Path) -> Result<Timeline, CorpusError> {
        let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let changes: Vec<RuleChange> =
            serde_yaml::from_str(&text).map_err(|e| CorpusError::Invalid {
                path: path.to_path_buf(),
                line: e.location().map_or(1, |l| l.line()),
                message: format!("invalid timeline: {e}"),
            })?;
        Ok(Timeline::new(changes))
    }

    pub fn new(mut changes: Vec<RuleChange>) -> Timeline {
        changes.sort_by_key(|change| change.date);
        Timeline { changes }
    }

    /// The latest rule change on one of `tags` adopted after `checked`: the reason a fact checked
    /// on that date may no longer hold. `None` when nothing changed its topic since.
    pub fn superseding(&self, checked: Date, tags: &[String]) -> Option<&RuleChange> {
        let tags: Vec<String> = tags.iter().map(|t| section_slug(t)).collect();
        self.changes.iter().rev().find(|change| {
            change.date > checked
                && change
                    .tags
                    .iter()
                    .any(|tag| tags.contains(&section_slug(tag)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(decision: &str, date: &str, tags: &[&str]) -> RuleChange {
        RuleChange {
            decision: decision.into(),
            date: date.parse().unwrap(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            topic: Topic {
                en: "authorization".into(),
                es: "la autorización".into(),
                pt: "a autorização".into(),
            },
        }
    }

    #[test]
    fn only_a_later_change_on_the_same_topic_supersedes() {
        let timeline = Timeline::new(vec![
            change("6/CMA.4", "2022-11-20", &["autorización"]),
            change("4/CMA.6", "2024-11-24", &["authorization", "autorizacion"]),
        ]);
        let tags = vec!["6.2".to_string(), "Autorizacion".to_string()];
        let checked: Date = "2023-05-01".parse().unwrap();
        assert_eq!(
            timeline
                .superseding(checked, &tags)
                .map(|c| c.decision.as_str()),
            Some("4/CMA.6")
        );
        let rechecked: Date = "2025-01-10".parse().unwrap();
        assert!(timeline.superseding(rechecked, &tags).is_none());
        assert!(
            timeline
                .superseding(checked, &["registries".to_string()])
                .is_none()
        );
    }
}
