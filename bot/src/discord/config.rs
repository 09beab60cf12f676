//! The `[discord]` settings.

use std::fmt;

use serde::Deserialize;

use consulta_desk::Span;

use crate::chat::{FloodConfig, Languages};

/// The `[discord]` settings: which workspace (guild) the bot serves, where it listens, and who may act
/// on tickets.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// The bot token from the Discord developer portal. Secret: never logged, not even in `Debug`.
    pub token: String,
    /// The guilds (workspaces) whose slash commands are registered and whose channels are served; the
    /// bot ignores every other guild.
    pub guild_ids: Vec<u64>,
    /// Channels where mentioning the bot asks a question; empty allows every channel of the guilds.
    /// Slash commands work wherever Discord shows them (restrict them in the guild's integration
    /// settings).
    pub allowed_channels: Vec<u64>,
    /// The experts' channel: a desk group whose chats include `discord:experts` gets its ticket cards
    /// here, each opening a thread. (Groups may also name channels directly, `discord:CHANNEL_ID`.)
    pub experts_channel_id: Option<u64>,
    /// Members need this role to claim, answer, close or approve tickets (and must also be experts in
    /// the desk configuration, as `discord:USER_ID`); unset leaves the decision to the desk alone.
    pub experts_role_id: Option<u64>,
    /// Discord API server to use instead of discord.com, e.g. a local fake in tests or an HTTP proxy
    /// that does the rate limiting. serenity's own rate limiter only talks to discord.com, so it is
    /// off with an override; Consulta still honours 429s (their wait, through its relay) and
    /// retries 5xx itself.
    pub api_url: Option<String>,
    /// Questions one user may ask per `flood_window` before being asked to wait; 0 turns it off.
    pub flood_max_questions: u32,
    /// The window of the flood control.
    pub flood_window: Span,
    /// The languages of the bot's words for whoever chose none and whose client Consulta does not
    /// understand: an asker hears `askers` (`retrieval.default_language`), an expert in a desk
    /// channel or its threads the channel's desk language. `consulta` fills it, as it does the
    /// desk's. Not a setting of the `[discord]` table.
    #[serde(skip)]
    pub languages: Languages,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: String::new(),
            guild_ids: Vec::new(),
            allowed_channels: Vec::new(),
            experts_channel_id: None,
            experts_role_id: None,
            api_url: None,
            flood_max_questions: 10,
            flood_window: Span::from_secs(60),
            languages: Languages::default(),
        }
    }
}

impl DiscordConfig {
    /// The flood control's settings.
    pub fn flood(&self) -> FloodConfig {
        FloodConfig {
            max_questions: self.flood_max_questions,
            window: self.flood_window,
        }
    }
}

impl fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = if self.token.is_empty() {
            ""
        } else {
            "<redacted>"
        };
        f.debug_struct("DiscordConfig")
            .field("token", &token)
            .field("guild_ids", &self.guild_ids)
            .field("allowed_channels", &self.allowed_channels)
            .field("experts_channel_id", &self.experts_channel_id)
            .field("experts_role_id", &self.experts_role_id)
            .field("api_url", &self.api_url)
            .field("flood_max_questions", &self.flood_max_questions)
            .field("flood_window", &self.flood_window)
            .field("languages", &self.languages)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug() {
        let config = DiscordConfig {
            token: "MTIz.secret.token".into(),
            ..DiscordConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
