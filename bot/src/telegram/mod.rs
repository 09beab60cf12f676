//! The Telegram front-end: practitioners ask in private chats or groups, experts work tickets in their
//! group, and the desk's notices and answers come back through [`TelegramFrontEnd`].
//!
//! [`TelegramBot::connect`] checks the token, [`TelegramBot::run`] long-polls until shutdown, and
//! [`TelegramBot::frontend`] is what the desk's [`consulta_desk::OutboxWorker`] delivers through. The
//! front-end never calls the engine or the desk itself: everything goes through an
//! [`crate::assistant::Assistant`].

mod api_relay;
mod format;
mod frontend;
mod handler;
mod inbox;
mod intake;
mod keyboard;
mod membership;
mod pace;
mod store;
mod webhook;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio::task::JoinHandle;

use crate::assistant::Assistant;
use crate::chat::{CarryOverError, Conversation, FloodConfig, Languages, texts};
use consulta_corpus::Lang;
use consulta_desk::{Clock, FrontEnd, Platform, Span};

pub use frontend::TelegramFrontEnd;
pub use store::StoreError;

use frontend::{classify, with_retry};
use handler::Context;
use intake::Intake;
use membership::Membership;
use pace::Pace;
use store::Store;

/// The updates the bot asks Telegram for: messages, button presses, and changes of group members
/// (which drop remembered memberships; Telegram sends them only to a group's administrators).
const ALLOWED_UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::ChatMember,
];

/// teloxide's HTTP client gives up on a request after 17 s: a long poll must return before that.
const MAX_POLL: Span = Span::from_secs(15);
/// Longest wait between polls while Telegram cannot be reached.
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(30);

/// The `[telegram]` settings.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// The bot token from @BotFather. Secret: never logged, not even in `Debug`.
    pub token: String,
    /// Bot API server to use instead of Telegram's (a self-hosted Bot API server, or a test fake).
    pub api_url: Option<String>,
    /// Open one forum topic per ticket in expert groups that have topics enabled.
    pub forum_topics: bool,
    /// Questions one user may ask per `flood_window` before being asked to wait; 0 turns it off.
    pub flood_max_questions: u32,
    /// The window of the flood control.
    pub flood_window: Span,
    /// How long one long poll waits for updates (at most 15 s).
    pub poll_timeout: Span,
    /// Receive updates by webhook at this public HTTPS URL instead of long polling.
    pub webhook_url: Option<String>,
    /// Where the webhook listener binds: the address the HTTPS proxy for `webhook_url` forwards to.
    pub webhook_listen: SocketAddr,
    /// The secret Telegram sends with every webhook call (1-256 of `A-Z a-z 0-9 _ -`). Required
    /// with `webhook_url`; never logged.
    pub webhook_secret: String,
    /// Messages a minute the bot sends to one group at most; later ones wait for their slot (Telegram
    /// allows 20). 0 turns the limit off.
    pub group_messages_per_minute: u32,
    /// Messages a second the bot sends in all at most (Telegram allows about 30). 0 turns it off.
    pub messages_per_second: u32,
    /// How long Telegram's answer to whether someone is a member of a group is trusted before an
    /// expert action there asks again; a `chat_member` update (sent when the bot is an
    /// administrator of the group) drops it at once. 0 asks every time.
    pub member_check_ttl: Span,
    /// The languages of the bot's words for whoever chose none and whose client Consulta does not
    /// understand: the command menu without a `language_code` is in `askers`
    /// (`retrieval.default_language`), and so is a reply to an asker; an expert in a desk group is
    /// spoken to in the group's desk language. `consulta` fills it, as it does the desk's. Not a
    /// setting of the `[telegram]` table.
    #[serde(skip)]
    pub languages: Languages,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig {
            token: String::new(),
            api_url: None,
            forum_topics: false,
            flood_max_questions: 10,
            flood_window: Span::from_secs(60),
            poll_timeout: Span::from_secs(10),
            webhook_url: None,
            webhook_listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            webhook_secret: String::new(),
            group_messages_per_minute: 20,
            messages_per_second: 30,
            member_check_ttl: Span::from_mins(5),
            languages: Languages::default(),
        }
    }
}

impl TelegramConfig {
    /// The flood control's settings.
    pub fn flood(&self) -> FloodConfig {
        FloodConfig {
            max_questions: self.flood_max_questions,
            window: self.flood_window,
        }
    }
}

impl fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramConfig")
            .field(
                "token",
                &if self.token.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("api_url", &self.api_url)
            .field("forum_topics", &self.forum_topics)
            .field("flood_max_questions", &self.flood_max_questions)
            .field("flood_window", &self.flood_window)
            .field("poll_timeout", &self.poll_timeout)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_listen", &self.webhook_listen)
            .field("group_messages_per_minute", &self.group_messages_per_minute)
            .field("messages_per_second", &self.messages_per_second)
            .field("member_check_ttl", &self.member_check_ttl)
            .field("languages", &self.languages)
            .field(
                "webhook_secret",
                &if self.webhook_secret.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .finish()
    }
}

/// Why the bot cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    /// No token configured.
    #[error(
        "no Telegram bot token: set CONSULTA_TELEGRAM__TOKEN, or token in the [telegram] table of the configuration file"
    )]
    NoToken,
    /// `api_url` is not a URL.
    #[error("telegram.api_url {0:?} is not a URL: write e.g. http://127.0.0.1:8081/")]
    BadApiUrl(String),
    /// `poll_timeout` too long for the HTTP client.
    #[error("telegram.poll_timeout must be at most 15s")]
    PollTimeout,
    /// `webhook_url` is not an HTTPS URL.
    #[error(
        "telegram.webhook_url {0:?} is not an https:// URL with a path, e.g. https://consulta.example.org/telegram"
    )]
    BadWebhookUrl(String),
    /// Webhook mode without a usable secret.
    #[error(
        "telegram.webhook_secret must be 1 to 256 letters, digits, `_` or `-` when telegram.webhook_url is set (CONSULTA_TELEGRAM__WEBHOOK_SECRET)"
    )]
    WebhookSecret,
    /// The webhook listener could not bind.
    #[error("cannot listen for the Telegram webhook on {0}: {1}")]
    WebhookListen(SocketAddr, String),
    /// The front-end's database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The languages the front-end kept before the desk kept them could not be carried over.
    #[error(transparent)]
    CarryOver(#[from] CarryOverError),
    /// Telegram refused or could not be reached.
    #[error(
        "cannot start the Telegram bot: {0}; check the token and the network (or telegram.api_url)"
    )]
    Telegram(String),
}

/// The running bot: the long-polling loop and the desk's front-end, sharing one client and store.
pub struct TelegramBot {
    ctx: Arc<Context>,
    /// Where teloxide sends; serves while the bot or its front-end holds it.
    _relay: Arc<api_relay::Relay>,
    /// Keeps each update before it is acknowledged, then hands it to the handler.
    intake: Arc<Intake>,
    frontend: Arc<TelegramFrontEnd>,
    poll_timeout: Span,
    /// In webhook mode: the bound listener (taken by `run`), its path and secret.
    webhook: Option<Webhook>,
}

/// Webhook mode's listener, bound at connect time so a busy port is reported before the bot runs.
struct Webhook {
    listener: std::sync::Mutex<Option<tokio::net::TcpListener>>,
    address: SocketAddr,
    path: String,
    secret: String,
}

impl TelegramBot {
    /// Checks the configuration and the token (`getMe`), turns off any webhook (long polling and a
    /// webhook exclude each other), opens the front-end's database at `store_dir`, and sets the
    /// command menus beside the bot. Requests to Telegram that are retried wait on `clock` (the
    /// desk's, so that tests see and end the waits).
    pub async fn connect(
        config: &TelegramConfig,
        assistant: Arc<dyn Assistant>,
        store_dir: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<TelegramBot, TelegramError> {
        if config.token.trim().is_empty() {
            return Err(TelegramError::NoToken);
        }
        if config.poll_timeout > MAX_POLL {
            return Err(TelegramError::PollTimeout);
        }
        let api_url = config.api_url.as_deref().unwrap_or(api_relay::TELEGRAM_API);
        let parsed: reqwest::Url = api_url
            .parse()
            .map_err(|_| TelegramError::BadApiUrl(api_url.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TelegramError::BadApiUrl(api_url.to_string()));
        }
        // teloxide sends through the relay, which hands a server error back without teloxide's pause.
        let relay = Arc::new(
            api_relay::start(api_url)
                .await
                .map_err(|e| TelegramError::Telegram(format!("cannot relay to {api_url}: {e}")))?,
        );
        let relay_url = relay
            .url()
            .parse()
            .map_err(|_| TelegramError::BadApiUrl(relay.url().to_string()))?;
        let bot = Bot::new(config.token.trim()).set_api_url(relay_url);
        let failed = |e: teloxide::RequestError| TelegramError::Telegram(classify(&e).reason);
        let me = with_retry(clock.as_ref(), || bot.get_me().send())
            .await
            .map_err(failed)?;
        let webhook = match &config.webhook_url {
            Some(url) => Some(set_webhook(&bot, config, url, clock.as_ref()).await?),
            None => {
                let info = with_retry(clock.as_ref(), || bot.get_webhook_info().send())
                    .await
                    .map_err(failed)?;
                if info.url.is_some() {
                    with_retry(clock.as_ref(), || bot.delete_webhook().send())
                        .await
                        .map_err(failed)?;
                }
                None
            }
        };
        let store = Store::open(store_dir)?;
        let pace = Arc::new(Pace::new(
            config.group_messages_per_minute,
            config.messages_per_second,
        ));
        let frontend = Arc::new(TelegramFrontEnd::new(
            bot.clone(),
            relay.clone(),
            pace.clone(),
            clock.clone(),
            store.clone(),
            config.forum_topics,
        ));
        let username = me.username.clone().unwrap_or_default().to_lowercase();
        tracing::info!(bot = %username, "connected to Telegram");
        tokio::spawn(set_command_menus(
            bot.clone(),
            relay.clone(),
            config.languages.askers,
            clock.clone(),
        ));
        let ctx = Arc::new(Context {
            bot,
            clock,
            conversation: Conversation::start(
                assistant,
                store.memory.clone(),
                config.flood(),
                config.languages.clone(),
                Platform::Telegram,
            )
            .await?,
            store,
            members: Membership::new(config.member_check_ttl),
            me_id: me.id.0,
            username,
            pace,
        });
        Ok(TelegramBot {
            intake: Arc::new(Intake::new(ctx.clone())),
            ctx,
            _relay: relay,
            frontend,
            poll_timeout: config.poll_timeout,
            webhook,
        })
    }

    /// Where the webhook listener is bound, in webhook mode.
    pub fn webhook_address(&self) -> Option<SocketAddr> {
        self.webhook.as_ref().map(|w| w.address)
    }

    /// What the desk's outbox worker delivers Telegram messages through.
    pub fn frontend(&self) -> Arc<dyn FrontEnd> {
        self.frontend.clone()
    }

    /// Handles updates until `shutdown` completes, then lets the updates in hand finish: first those a
    /// previous run accepted and did not finish, then from the webhook in webhook mode, else by long
    /// polling.
    pub async fn run(&self, shutdown: impl Future<Output = ()> + Send + 'static) {
        self.intake.resume();
        let listener = self
            .webhook
            .as_ref()
            .and_then(|w| w.listener.lock().unwrap_or_else(|p| p.into_inner()).take());
        match (&self.webhook, listener) {
            (Some(webhook), Some(listener)) => {
                tracing::info!(address = %webhook.address, path = %webhook.path, "receiving Telegram updates by webhook");
                webhook::serve(
                    self.intake.clone(),
                    listener,
                    &webhook.path,
                    &webhook.secret,
                    shutdown,
                )
                .await;
            }
            (Some(_), None) => tracing::error!("the Telegram bot runs only once"),
            (None, _) => self.poll(shutdown).await,
        }
        self.intake.drain().await;
    }

    /// Long-polls until `shutdown`, then confirms the updates received to Telegram, so that none is
    /// received twice after a restart. The next poll's offset acknowledges an update, so each is kept in
    /// the inbox before the offset moves past it. Network and storage failures are retried with backoff
    /// from the same offset: no update is lost or repeated.
    async fn poll(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let bot = &self.ctx.bot;
        let timeout = u32::try_from(self.poll_timeout.to_duration().as_secs()).unwrap_or(10);
        let mut offset: i32 = 0;
        let mut backoff = Duration::from_secs(1);
        loop {
            let poll = bot
                .get_updates()
                .offset(offset)
                .timeout(timeout)
                .allowed_updates(ALLOWED_UPDATES.to_vec())
                .send();
            let result = tokio::select! {
                () = &mut shutdown => break,
                result = poll => result,
            };
            match result {
                Ok(updates) => match self.keep(updates, &mut offset) {
                    Ok(()) => backoff = Duration::from_secs(1),
                    Err(error) => {
                        tracing::error!(%error, ?backoff, "Telegram updates could not be kept; asking for them again");
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(backoff) => {}
                        }
                        backoff = (backoff * 2).min(MAX_POLL_BACKOFF);
                    }
                },
                Err(error) => {
                    let failure = classify(&error);
                    let wait = failure
                        .retry_after
                        .map(Span::to_duration)
                        .unwrap_or(backoff);
                    tracing::warn!(%failure, ?wait, "polling Telegram failed; retrying");
                    backoff = (backoff * 2).min(MAX_POLL_BACKOFF);
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
        self.intake.drain().await;
        if offset > 0
            && let Err(error) = bot.get_updates().offset(offset).timeout(0).send().await
        {
            tracing::warn!(failure = %classify(&error), "could not confirm the last updates to Telegram");
        }
    }
}

impl TelegramBot {
    /// Keeps each polled update in the inbox and starts handling it, moving `offset` past it; stops at
    /// the first that cannot be kept, so that it (and those after it) are polled again.
    fn keep(
        &self,
        updates: Vec<teloxide::types::Update>,
        offset: &mut i32,
    ) -> Result<(), StoreError> {
        for update in updates {
            let next = i32::try_from(update.id.0)
                .unwrap_or(i32::MAX)
                .saturating_add(1);
            let json = serde_json::to_vec(&update)?;
            self.intake.receive(update, &json)?;
            *offset = (*offset).max(next);
        }
        Ok(())
    }
}

/// Sets the command menus: one per language Consulta speaks, which Telegram shows to clients in that
/// language, and the default one, in `default`, for the others. Run beside the bot rather than
/// before it: the menus only help people find the commands, so a Telegram that is slow, asks to wait
/// (429) or fails (5xx) delays nothing. Each menu is retried on such failures, waiting on `clock`; one
/// that still cannot be set is logged and the next is set all the same. `_relay` (where `bot`
/// sends) is kept serving until the last one is done.
async fn set_command_menus(
    bot: Bot,
    _relay: Arc<api_relay::Relay>,
    default: Lang,
    clock: Arc<dyn Clock>,
) {
    let menus = std::iter::once((default, None))
        .chain(Lang::ALL.into_iter().map(|lang| (lang, Some(lang.code()))));
    for (lang, code) in menus {
        let set = with_retry(clock.as_ref(), || {
            let mut request = bot.set_my_commands(command_menu(lang));
            if let Some(code) = code {
                request = request.language_code(code);
            }
            request.send()
        })
        .await;
        if let Err(error) = set {
            tracing::warn!(failure = %classify(&error), language = code.unwrap_or("default"), "a command menu could not be set");
        }
    }
}

/// The commands Telegram lists in the chat's menu, described in `lang`.
fn command_menu(lang: Lang) -> Vec<teloxide::types::BotCommand> {
    let words = &texts(lang).commands;
    [
        ("ask", words.ask),
        ("expert", words.expert),
        ("status", words.status),
        ("lang", words.lang),
        ("forget", words.forget),
        ("help", words.help),
    ]
    .into_iter()
    .map(|(command, description)| teloxide::types::BotCommand::new(command, description))
    .collect()
}

/// Checks the webhook settings, binds the listener and tells Telegram where to post, retrying on
/// `clock`.
async fn set_webhook(
    bot: &Bot,
    config: &TelegramConfig,
    url: &str,
    clock: &dyn Clock,
) -> Result<Webhook, TelegramError> {
    let parsed: reqwest::Url = url
        .parse()
        .map_err(|_| TelegramError::BadWebhookUrl(url.to_string()))?;
    if parsed.scheme() != "https" {
        return Err(TelegramError::BadWebhookUrl(url.to_string()));
    }
    let secret = config.webhook_secret.trim();
    let valid_secret = (1..=256).contains(&secret.len())
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_secret {
        return Err(TelegramError::WebhookSecret);
    }
    let listener = tokio::net::TcpListener::bind(config.webhook_listen)
        .await
        .map_err(|e| TelegramError::WebhookListen(config.webhook_listen, e.to_string()))?;
    let address = listener
        .local_addr()
        .map_err(|e| TelegramError::WebhookListen(config.webhook_listen, e.to_string()))?;
    with_retry(clock, || {
        bot.set_webhook(parsed.clone())
            .secret_token(secret)
            .allowed_updates(ALLOWED_UPDATES.to_vec())
            .send()
    })
    .await
    .map_err(|e| TelegramError::Telegram(classify(&e).reason))?;
    Ok(Webhook {
        listener: std::sync::Mutex::new(Some(listener)),
        address,
        path: parsed.path().to_string(),
        secret: secret.to_string(),
    })
}

/// Updates of one chat are handled one after the other, in the order Telegram sent them (a question
/// and its follow-up must not be answered the other way round); different chats run concurrently.
#[derive(Default)]
pub(crate) struct ChatQueues {
    /// The last update in hand per chat; the next one for that chat waits for it.
    last: HashMap<i64, JoinHandle<()>>,
}

impl ChatQueues {
    fn push(
        &mut self,
        work: impl Future<Output = ()> + Send + 'static,
        update: &teloxide::types::Update,
    ) {
        let chat = update
            .chat()
            .map(|c| c.id.0)
            .or_else(|| update.from().and_then(|u| i64::try_from(u.id.0).ok()))
            .unwrap_or(0);
        let previous = self.last.remove(&chat);
        let handle = tokio::spawn(async move {
            if let Some(previous) = previous {
                let _ = previous.await;
            }
            work.await;
        });
        self.last.insert(chat, handle);
    }

    fn forget_finished(&mut self) {
        self.last.retain(|_, handle| !handle.is_finished());
    }

    async fn drain(&mut self) {
        for (_, handle) in self.last.drain() {
            let _ = handle.await;
        }
    }
}
