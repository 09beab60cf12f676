//! The Discord front-end: regional teams ask in their workspace (slash commands, mentions in allowed
//! channels, direct messages), experts work tickets in threads of their channel, and the desk's
//! notices and answers come back through [`DiscordFrontEnd`].
//!
//! [`DiscordBot::connect`] checks the token and registers the slash commands in each configured
//! guild, [`DiscordBot::run`] holds the gateway connection until shutdown, and [`DiscordBot::frontend`]
//! is what the desk's [`consulta_desk::OutboxWorker`] delivers through. The front-end never calls the
//! engine or the desk itself: everything goes through an [`crate::assistant::Assistant`].

mod api_relay;
mod commands;
mod components;
mod config;
mod frontend;
mod handler;
mod held;
mod interactions;
mod render;
mod seen;
mod store;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serenity::Client;
use serenity::all::ClientBuilder;
use serenity::all::{ChannelId, GatewayIntents, GuildId, RoleId};
use serenity::http::{Http, HttpBuilder};
use tokio::sync::Mutex;

use crate::assistant::Assistant;
use crate::chat::{CarryOverError, Conversation};
use consulta_desk::{Clock, FrontEnd, Platform};

pub use config::DiscordConfig;
pub use frontend::DiscordFrontEnd;
pub use seen::InFlight;
pub use store::StoreError;

use frontend::{classify, with_retry};
use handler::{Context, Handler};
use held::HeldEdits;
use seen::Seen;
use store::Store;

/// Longest wait between attempts to reach the gateway while Discord cannot be reached.
const MAX_RECONNECT_BACKOFF: Duration = Duration::from_secs(60);
/// How long shutdown waits for the gateway connection to close.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// Why the bot cannot start.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    /// No token configured.
    #[error(
        "no Discord bot token: set CONSULTA_DISCORD__TOKEN, or token in the [discord] table of the configuration file"
    )]
    NoToken,
    /// No guild configured: slash commands would be registered nowhere.
    #[error(
        "no Discord guild: set guild_ids = [GUILD_ID] in the [discord] table (Server Settings → Widget shows the id)"
    )]
    NoGuild,
    /// `api_url` is not an http(s) URL.
    #[error("discord.api_url {0:?} is not a URL: write e.g. http://127.0.0.1:8082")]
    BadApiUrl(String),
    /// The front-end's database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The languages the front-end kept before the desk kept them could not be carried over.
    #[error(transparent)]
    CarryOver(#[from] CarryOverError),
    /// Discord refused or could not be reached.
    #[error(
        "cannot start the Discord bot: {0}; check the token, the guild ids, the bot's permissions and the network (or discord.api_url)"
    )]
    Discord(String),
    /// The gateway closed the connection for a reason reconnecting cannot fix.
    #[error("Discord closed the gateway connection for good: {0}")]
    Gateway(&'static str),
}

/// What a fatal gateway close means for the operator, or `None` when reconnecting may help.
fn fatal(error: &serenity::Error) -> Option<&'static str> {
    use serenity::gateway::GatewayError;
    match error {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => Some(
            "the bot token was refused (4004): reset it in the Developer Portal (Bot → Reset Token) and set CONSULTA_DISCORD__TOKEN",
        ),
        serenity::Error::Gateway(GatewayError::InvalidGatewayIntents) => Some(
            "the gateway intents are invalid (4013); this is a bug in Consulta: please report it",
        ),
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => Some(
            "the bot may not read message content (4014): turn on Message Content Intent under Bot → Privileged Gateway Intents in the Developer Portal",
        ),
        _ => None,
    }
}

/// Where serenity sends requests instead of discord.com: an [`api_relay`] to `api_url`, when one is
/// configured. It serves as long as the bot or its front-end holds it.
async fn relayed_api(api_url: Option<&str>) -> Result<Option<Arc<api_relay::Relay>>, DiscordError> {
    let Some(url) = api_url else {
        return Ok(None);
    };
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(DiscordError::BadApiUrl(url.to_string()));
    }
    let relay = api_relay::start(url, api_relay::REQUEST_TIMEOUT)
        .await
        .map_err(|e| DiscordError::Discord(format!("cannot relay to {url}: {e}")))?;
    Ok(Some(Arc::new(relay)))
}

/// Discord's HTTP client, or one talking to `relay` instead.
fn build_http(token: &str, relay: Option<&str>) -> Http {
    let mut http = HttpBuilder::new(token);
    if let Some(url) = relay {
        // serenity's rate limiter sends to discord.com whatever the proxy says.
        http = http.proxy(url).ratelimiter_disabled(true);
    }
    http.build()
}

/// The running bot: the gateway client and the desk's front-end, sharing one HTTP client and store.
pub struct DiscordBot {
    ctx: Arc<Context>,
    client: Mutex<Client>,
    frontend: Arc<DiscordFrontEnd>,
    /// The relay the HTTP clients send to, if any: it stops once the bot and the front-end are gone.
    _relay: Option<Arc<api_relay::Relay>>,
}

impl DiscordBot {
    /// Checks the configuration and the token, registers the slash commands in every configured
    /// guild, and opens the front-end's database at `store_dir`. Requests to Discord that are
    /// retried wait on `clock` (the desk's, so that tests see and end the waits).
    pub async fn connect(
        config: &DiscordConfig,
        assistant: Arc<dyn Assistant>,
        store_dir: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<DiscordBot, DiscordError> {
        let token = config.token.trim();
        if token.is_empty() {
            return Err(DiscordError::NoToken);
        }
        if config.guild_ids.is_empty() {
            return Err(DiscordError::NoGuild);
        }
        let relay = relayed_api(config.api_url.as_deref()).await?;
        let relay_url = relay.as_deref().map(api_relay::Relay::url);
        let http = Arc::new(build_http(token, relay_url));
        let failed = |e: serenity::Error| DiscordError::Discord(classify(&e).reason);
        let me = with_retry(clock.as_ref(), || http.get_current_user())
            .await
            .map_err(failed)?;
        let application = with_retry(clock.as_ref(), || http.get_current_application_info())
            .await
            .map_err(failed)?;
        http.set_application_id(application.id);
        let mut bot_roles = Vec::new();
        for guild in &config.guild_ids {
            let guild = GuildId::new(*guild);
            with_retry(clock.as_ref(), || {
                guild.set_commands(&http, commands::definitions())
            })
            .await
            .map_err(failed)?;
            // The role Discord makes for the bot: members often mention it instead of the bot.
            match with_retry(clock.as_ref(), || guild.roles(&http)).await {
                Ok(roles) => bot_roles.extend(
                    roles
                        .values()
                        .filter(|role| role.tags.bot_id == Some(me.id))
                        .map(|role| role.id),
                ),
                Err(error) => {
                    tracing::warn!(failure = %classify(&error), %guild, "the bot's role is unknown; mentions of it will not ask");
                }
            }
        }
        tracing::info!(bot = %me.name, guilds = config.guild_ids.len(), "connected to Discord");
        let store = Store::open(store_dir)?;
        let intents = GatewayIntents::GUILDS
            | GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::DIRECT_MESSAGES
            | GatewayIntents::MESSAGE_CONTENT;
        let ctx = Arc::new(Context {
            http: http.clone(),
            clock: clock.clone(),
            conversation: Conversation::start(
                assistant,
                store.memory.clone(),
                config.flood(),
                config.languages.clone(),
                Platform::Discord,
            )
            .await?,
            store: store.clone(),
            bot_roles,
            me: me.id,
            guilds: config.guild_ids.iter().map(|g| GuildId::new(*g)).collect(),
            allowed_channels: config
                .allowed_channels
                .iter()
                .map(|c| ChannelId::new(*c))
                .collect(),
            experts_role: config.experts_role_id.map(RoleId::new),
            experts_channel: config.experts_channel_id.map(ChannelId::new),
            seen: Seen::default(),
            held: HeldEdits::default(),
            inflight: Arc::new(InFlight::default()),
        });
        // The gateway client only fetches the gateway's address with its own HTTP client; handlers and
        // deliveries share `http`, and so its rate limits.
        let client = ClientBuilder::new_with_http(build_http(token, relay_url), intents)
            .event_handler(Handler(ctx.clone()))
            .await
            .map_err(failed)?;
        Ok(DiscordBot {
            ctx,
            client: Mutex::new(client),
            frontend: Arc::new(DiscordFrontEnd::new(
                http,
                clock,
                store,
                config.experts_channel_id,
                relay.clone(),
            )),
            _relay: relay,
        })
    }

    /// The events in hand and the count of those done with: how far the bot has caught up with the
    /// gateway.
    pub fn events(&self) -> Arc<InFlight> {
        self.ctx.inflight.clone()
    }

    /// What the desk's outbox worker delivers Discord messages through.
    pub fn frontend(&self) -> Arc<dyn FrontEnd> {
        self.frontend.clone()
    }

    /// Holds the gateway connection and handles events until `shutdown` completes, then closes it and
    /// lets the events in hand finish. serenity reconnects (resuming the session, so Discord replays
    /// what was missed) by itself; if the gateway cannot be reached at all, connecting is retried with
    /// backoff. A close no retry can fix (a revoked token, an intent not granted) ends the run with
    /// what to do about it.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<(), DiscordError> {
        tokio::pin!(shutdown);
        let mut client = self.client.lock().await;
        let manager = client.shard_manager.clone();
        let mut backoff = Duration::from_secs(1);
        loop {
            let outcome = {
                let start = client.start();
                tokio::pin!(start);
                tokio::select! {
                    result = &mut start => Some(result),
                    () = &mut shutdown => {
                        manager.shutdown_all().await;
                        let _ = tokio::time::timeout(CLOSE_WAIT, start).await;
                        None
                    }
                }
            };
            match outcome {
                None => break,
                Some(Err(error)) if fatal(&error).is_some() => {
                    self.ctx.inflight.idle().await;
                    let reason = fatal(&error).unwrap_or_default();
                    tracing::error!(%reason, "the Discord bot stops");
                    return Err(DiscordError::Gateway(reason));
                }
                Some(result) => {
                    let reason = match result {
                        Ok(()) => "the gateway connection ended".to_string(),
                        Err(error) => classify(&error).reason,
                    };
                    tracing::warn!(%reason, wait = ?backoff, "Discord's gateway is unavailable; reconnecting");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_RECONNECT_BACKOFF);
                }
            }
        }
        self.ctx.inflight.idle().await;
        Ok(())
    }
}
