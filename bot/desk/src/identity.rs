//! Who and where, across platforms: platform-qualified identities (`telegram:7`), chats and askers.
//! The same number means different people on different platforms, so nothing is named without its
//! platform.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The places people reach Consulta from. Every person and chat is named relative to one, because the
/// same number means different people on Telegram and Discord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// A Telegram user or chat (numeric ids).
    Telegram,
    /// A Discord user or channel (snowflake ids).
    Discord,
    /// The web chat page or the expert console.
    Web,
    /// The operators' command line; an expert acting from a terminal.
    Cli,
}

impl Platform {
    /// Every platform, for help texts and error messages.
    pub const ALL: [Platform; 4] = [
        Platform::Telegram,
        Platform::Discord,
        Platform::Web,
        Platform::Cli,
    ];

    /// The lowercase name used in identities (`telegram:12345`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Web => "web",
            Platform::Cli => "cli",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = IdentityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| IdentityError::Platform(s.to_string()))
    }
}

/// A user on a platform, written `platform:id` (`telegram:12345`, `discord:9876`, `web:alice`).
///
/// Experts are configured by identity, so authorisation is a lookup of the identity the front-end
/// vouches for; an expert with several accounts lists several identities.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    /// The platform the id belongs to.
    pub platform: Platform,
    /// The platform's own user id (numeric on Telegram and Discord, a login on web and cli).
    pub id: String,
}

impl Identity {
    /// The identity `platform:id`.
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        Identity {
            platform,
            id: id.into(),
        }
    }
}

/// A chat a message can be delivered to, written like an identity (`telegram:-1001234`, `discord:5550`).
///
/// Kept apart from [`Identity`] because a Telegram group chat is not a person, and routing a message
/// needs the chat, not the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatRef {
    /// Decides which front-end delivers the message.
    pub platform: Platform,
    /// The platform's chat (or channel) id.
    pub chat_id: String,
}

impl ChatRef {
    /// The chat `platform:chat_id`.
    pub fn new(platform: Platform, chat_id: impl Into<String>) -> Self {
        ChatRef {
            platform,
            chat_id: chat_id.into(),
        }
    }
}

fn parse_pair(s: &str) -> Result<(Platform, String), IdentityError> {
    let (platform, id) = s
        .trim()
        .split_once(':')
        .ok_or_else(|| IdentityError::Shape(s.to_string()))?;
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err(IdentityError::Shape(s.to_string()));
    }
    Ok((platform.parse()?, id.to_string()))
}

macro_rules! platform_pair {
    ($ty:ident, $field:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}:{}", self.platform, self.$field)
            }
        }

        impl FromStr for $ty {
            type Err = IdentityError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let (platform, $field) = parse_pair(s)?;
                Ok($ty { platform, $field })
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

platform_pair!(Identity, id);
platform_pair!(ChatRef, chat_id);

/// The person who asked, as the front-end saw them: enough to answer in the same chat and to find all
/// their data again when they ask to be forgotten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asker {
    /// The platform the question came from; the answer goes back there whoever writes it.
    pub platform: Platform,
    /// The chat to reply in (a private chat, or a group where the bot was asked).
    pub chat_id: String,
    /// The asker's user id on the platform, the key for ratings, follow-ups and `forget`.
    pub user_id: String,
    /// How experts see the asker named.
    pub display_name: String,
}

impl Asker {
    /// The asker as a user identity.
    pub fn identity(&self) -> Identity {
        Identity::new(self.platform, self.user_id.clone())
    }

    /// The chat replies go to.
    pub fn chat(&self) -> ChatRef {
        ChatRef::new(self.platform, self.chat_id.clone())
    }
}

/// A platform name, identity or chat that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The part before `:` names no known platform.
    #[error("unknown platform {0:?}: use telegram, discord, web or cli")]
    Platform(String),
    /// The text is not `PLATFORM:ID`.
    #[error("cannot read {0:?}: write PLATFORM:ID, e.g. telegram:12345 or web:alice (no spaces)")]
    Shape(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_round_trip_through_text_and_json() {
        let id: Identity = "Telegram:12345".parse().unwrap();
        assert_eq!(id, Identity::new(Platform::Telegram, "12345"));
        assert_eq!(id.to_string(), "telegram:12345");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"telegram:12345\"");
        assert_eq!(serde_json::from_str::<Identity>(&json).unwrap(), id);
        let chat: ChatRef = "discord:-42".parse().unwrap();
        assert_eq!(chat.chat_id, "-42");
    }

    #[test]
    fn malformed_identities_say_how_to_write_them() {
        assert!(matches!(
            "matrix:1".parse::<Identity>(),
            Err(IdentityError::Platform(_))
        ));
        for bad in ["12345", "telegram:", "web:a b"] {
            let err = bad.parse::<Identity>().unwrap_err();
            assert!(err.to_string().contains("PLATFORM:ID"), "{bad}: {err}");
        }
    }
}
