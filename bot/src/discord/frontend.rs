//! The desk's deliveries on Discord: each ticket card in the experts' channel opens the ticket's thread,
//! reminders go to that thread, and notices and expert answers go to the asker (as a reply to their
//! question, or by direct message when they asked privately). Discord's failures are classified so
//! the outbox retries what may succeed later.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ChannelId, MessageId, UserId};
use serenity::builder::{
    CreateActionRow, CreateAllowedMentions, CreateMessage, CreateThread, EditMessage,
};
use serenity::http::{Http, HttpError};
use serenity::model::channel::MessageReference;

use consulta_desk::{
    BoxFuture, Clock, Delivery, DeliveryError, Forgotten, FrontEnd, MessageKind, Platform, Span,
    TicketId,
};

use consulta_corpus::Lang;

use super::api_relay::Relay;
use super::components;
use super::render::{MESSAGE_LIMIT, escape, split, truncate};
use super::store::{Spot, Store};

/// reqwest, under serenity, has no timeout of its own: a request that hangs is cut after this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// What a cut request reports.
const TIMED_OUT: &str = "Discord did not answer in time";
/// Discord's JSON error code for an interaction that expired or was already answered.
const UNKNOWN_INTERACTION: isize = 10062;
/// Longest thread name.
const THREAD_NAME_LIMIT: usize = 100;
/// The wait after a 429 that does not say how long: serenity's rate limiter (on unless `api_url`
/// is set) has already waited out Discord's `retry_after` once before letting a 429 through.
const UNSAID_WAIT: Duration = Duration::from_secs(1);
/// The longest wait honoured after a 429: Discord asks for seconds; a request that retries sooner
/// than a longer wait (a proxy's, a ban's) is refused again, and an asker waiting for an answer
/// is better told it failed than kept waiting.
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// The chat name a desk group can use for the configured experts' channel.
pub const EXPERTS_ALIAS: &str = "experts";

/// Discord's failure, classified for the outbox. The reason never includes the token.
pub fn classify(error: &serenity::Error) -> DeliveryError {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code.as_u16();
            let what = &response.error.message;
            match status {
                429 => {
                    let wait = super::api_relay::retry_after(response)
                        .map_or(UNSAID_WAIT, |wait| wait.min(LONGEST_WAIT));
                    DeliveryError::transient("Discord asked to slow down (429)")
                        .retry_after(Span::from_duration(wait))
                }
                500..=599 => DeliveryError::transient(format!("Discord failed ({status})")),
                404 if response.error.code == UNKNOWN_INTERACTION => DeliveryError::permanent(
                    "Discord no longer knows the interaction (it expired or was answered)",
                ),
                _ => DeliveryError::permanent(format!("Discord refused ({status}): {what}")),
            }
        }
        serenity::Error::Http(HttpError::Request(e)) if e.is_timeout() => {
            DeliveryError::transient(TIMED_OUT)
        }
        serenity::Error::Http(HttpError::Request(_)) => {
            DeliveryError::transient("cannot reach Discord")
        }
        serenity::Error::Other(reason) if *reason == TIMED_OUT => {
            DeliveryError::transient(TIMED_OUT)
        }
        serenity::Error::Json(_) => {
            DeliveryError::transient("Discord (or a proxy) sent an unreadable response")
        }
        other => DeliveryError::permanent(format!("cannot send to Discord: {other}")),
    }
}

/// One request, cut after [`REQUEST_TIMEOUT`].
pub async fn timed<T>(
    call: impl Future<Output = Result<T, serenity::Error>>,
) -> Result<T, serenity::Error> {
    tokio::time::timeout(REQUEST_TIMEOUT, call)
        .await
        .unwrap_or(Err(serenity::Error::Other(TIMED_OUT)))
}

impl crate::chat::Classify for serenity::Error {
    fn classify(&self) -> DeliveryError {
        classify(self)
    }
}

/// Runs a Discord request with [`crate::chat::with_retry`], each attempt cut after a timeout, its
/// waits spent on `clock`.
pub async fn with_retry<T, F, Fut>(clock: &dyn Clock, mut call: F) -> Result<T, serenity::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, serenity::Error>>,
{
    crate::chat::with_retry(clock, classify, || timed(call())).await
}

/// Mentions in what the bot sends never ping anyone: everything quoted is escaped anyway.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

/// What a reply refers to, and whether its author is pinged.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The message replied to. Sent with `fail_if_not_exists: false`: if it was deleted meanwhile,
    /// the message still goes out, as a plain one.
    pub to: MessageReference,
    /// Ping its author: an expert's answer should reach the asker's notifications; other replies
    /// should not.
    pub ping: bool,
}

impl Reference {
    /// A reply to `message` in `channel` that pings nobody.
    pub fn quiet(channel: ChannelId, message: MessageId) -> Reference {
        Reference {
            to: MessageReference::from((channel, message)),
            ping: false,
        }
    }
}

/// Sends `text`, split at the message limit, to `channel`, and returns the ids of the parts. The first
/// part replies to `reference`; `components` go under the last part. `first_once`: the first part is
/// tried once and its failure returned (the outbox retries it); later parts are always retried here,
/// since the first one is already delivered. Retries wait on `clock`.
pub async fn send_text(
    http: &Http,
    clock: &dyn Clock,
    channel: ChannelId,
    text: &str,
    reference: Option<Reference>,
    components: Vec<CreateActionRow>,
    first_once: bool,
) -> Result<Vec<MessageId>, serenity::Error> {
    let parts = split(text, MESSAGE_LIMIT);
    let last = parts.len().saturating_sub(1);
    let mut ids = Vec::with_capacity(parts.len());
    for (n, part) in parts.iter().enumerate() {
        let message = || {
            let mut message = CreateMessage::new()
                .content(part.clone())
                .allowed_mentions(no_pings());
            if n == 0
                && let Some(reference) = reference.clone()
            {
                message = message
                    .reference_message(reference.to.fail_if_not_exists(false))
                    .allowed_mentions(no_pings().replied_user(reference.ping));
            }
            if n == last {
                message = message.components(components.clone());
            }
            channel.send_message(http, message)
        };
        let sent = if n == 0 && first_once {
            timed(message()).await?
        } else {
            with_retry(clock, message).await?
        };
        ids.push(sent.id);
    }
    Ok(ids)
}

/// Where a desk chat id points on Discord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A channel (or thread), by id.
    Channel(ChannelId),
    /// A user's direct messages (`@USER_ID`).
    User(UserId),
}

/// Delivers the desk's messages on Discord.
pub struct DiscordFrontEnd {
    http: Arc<Http>,
    /// What retries wait on.
    clock: Arc<dyn Clock>,
    /// The relay `http` sends to, if any, kept serving while deliveries may still go out.
    _relay: Option<Arc<Relay>>,
    store: Store,
    experts_channel: Option<u64>,
}

impl DiscordFrontEnd {
    /// A front-end sending through `http` (to `relay`, when there is one), retrying on `clock`, with
    /// the threads and origins in `store`.
    pub(super) fn new(
        http: Arc<Http>,
        clock: Arc<dyn Clock>,
        store: Store,
        experts_channel: Option<u64>,
        relay: Option<Arc<Relay>>,
    ) -> Self {
        DiscordFrontEnd {
            http,
            clock,
            _relay: relay,
            store,
            experts_channel,
        }
    }

    fn target(&self, chat_id: &str) -> Result<Target, DeliveryError> {
        let bad = || {
            DeliveryError::permanent(format!(
                "{chat_id:?} is not a Discord chat: write discord:CHANNEL_ID, discord:@USER_ID or discord:experts in the desk configuration"
            ))
        };
        if chat_id == EXPERTS_ALIAS {
            return self
                .experts_channel
                .map(|id| Target::Channel(ChannelId::new(id)))
                .ok_or_else(|| {
                    DeliveryError::permanent(
                        "the desk sends to discord:experts but discord.experts_channel_id is not set",
                    )
                });
        }
        let (user, digits) = match chat_id.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, chat_id),
        };
        let id: u64 = digits.parse().ok().filter(|id| *id > 0).ok_or_else(bad)?;
        Ok(if user {
            Target::User(UserId::new(id))
        } else {
            Target::Channel(ChannelId::new(id))
        })
    }

    /// The channel to post in for `target`: a direct-message channel is opened for a user.
    async fn channel(&self, target: Target) -> Result<ChannelId, DeliveryError> {
        match target {
            Target::Channel(channel) => Ok(channel),
            Target::User(user) => {
                let dm = with_retry(self.clock.as_ref(), || user.create_dm_channel(&self.http))
                    .await
                    .map_err(|e| classify(&e))?;
                Ok(dm.id)
            }
        }
    }

    /// Opens the ticket's thread on its card, named in `lang` (the card's language); a failure here is
    /// logged, not returned, because the card is already posted and the outbox must not post it again.
    async fn open_thread(
        &self,
        channel: ChannelId,
        card: MessageId,
        ticket: &TicketId,
        lang: Lang,
    ) {
        let name = crate::chat::topic_name(ticket, lang, THREAD_NAME_LIMIT);
        let opened = with_retry(self.clock.as_ref(), || {
            channel.create_thread_from_message(&self.http, card, CreateThread::new(name.clone()))
        })
        .await;
        match opened {
            Ok(thread) => {
                if let Err(error) = self
                    .store
                    .put_thread(channel.get(), ticket, thread.id.get())
                {
                    tracing::warn!(%error, %ticket, "the ticket's thread could not be recorded");
                }
            }
            Err(error) => {
                tracing::warn!(failure = %classify(&error), %ticket, "the ticket's thread could not be opened; experts can still use the card's buttons");
            }
        }
    }

    /// Where a message other than a card goes, and what it replies to.
    fn placement(
        &self,
        channel: ChannelId,
        delivery: &Delivery<'_>,
    ) -> Result<(ChannelId, Option<Reference>), DeliveryError> {
        let ticket = &delivery.message.ticket;
        match delivery.message.kind {
            MessageKind::TicketCard => Ok((channel, None)),
            MessageKind::Reminder | MessageKind::Transferred | MessageKind::AskerReply => {
                let thread = self.store.thread_of(channel.get(), ticket)?;
                Ok((thread.map_or(channel, ChannelId::new), None))
            }
            MessageKind::ExpertTookQuestion
            | MessageKind::ExpertAnswer
            | MessageKind::TicketClosed
            | MessageKind::TicketReopened
            | MessageKind::ExpertQuestion => {
                let origin = self.store.memory.origin::<Spot>(ticket)?;
                let reference = origin
                    .filter(|spot| spot.channel_id == channel.get())
                    .and_then(|spot| spot.message_id)
                    .map(|id| Reference {
                        to: MessageReference::from((channel, MessageId::new(id))),
                        ping: matches!(
                            delivery.message.kind,
                            MessageKind::ExpertAnswer | MessageKind::ExpertQuestion
                        ),
                    });
                Ok((channel, reference))
            }
        }
    }
}

fn card_components(delivery: &Delivery<'_>) -> Vec<CreateActionRow> {
    if delivery.message.kind == MessageKind::TicketCard {
        components::ticket(&delivery.message.ticket, delivery.message.language)
    } else {
        Vec::new()
    }
}

impl FrontEnd for DiscordFrontEnd {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            let target = self.target(delivery.chat_id)?;
            let channel = self.channel(target).await?;
            let (channel, reference) = self.placement(channel, &delivery)?;
            let text = escape(&crate::chat::desk_text(delivery.message));
            let ids = send_text(
                &self.http,
                self.clock.as_ref(),
                channel,
                &text,
                reference,
                card_components(&delivery),
                true,
            )
            .await
            .map_err(|e| classify(&e))?;
            let first = ids.first().copied().ok_or_else(|| {
                DeliveryError::permanent("the desk sent an empty message; nothing was posted")
            })?;
            let ticket = &delivery.message.ticket;
            match delivery.message.kind {
                MessageKind::TicketCard if matches!(target, Target::Channel(_)) => {
                    self.open_thread(channel, first, ticket, delivery.message.language)
                        .await;
                }
                // The asker's reply to any of these writes back on the ticket.
                kind if kind.is_for_asker() => {
                    for id in &ids {
                        self.store
                            .put_asker_message(channel.get(), id.get(), ticket)?;
                    }
                }
                _ => {}
            }
            Ok(first.get().to_string())
        })
    }

    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            let target = self.target(delivery.chat_id)?;
            let id: u64 = message_id
                .parse()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    DeliveryError::permanent(format!("{message_id:?} is not a Discord message id"))
                })?;
            let channel = self.channel(target).await?;
            let text = truncate(
                &escape(&crate::chat::desk_text(delivery.message)),
                MESSAGE_LIMIT,
            );
            let edit = EditMessage::new()
                .content(text)
                .allowed_mentions(no_pings())
                .components(card_components(&delivery));
            timed(channel.edit_message(&self.http, MessageId::new(id), edit))
                .await
                .map_err(|e| classify(&e))?;
            Ok(message_id.to_string())
        })
    }

    fn forget<'a>(&'a self, forgotten: &'a Forgotten) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move { Ok(self.store.memory.forget(forgotten)?) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consulta_desk::FailureKind;

    #[test]
    fn desk_chats_name_channels_users_or_the_experts_channel() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let http = Arc::new(Http::new("token"));
        let clock: Arc<dyn Clock> = Arc::new(consulta_desk::SystemClock);
        let frontend =
            DiscordFrontEnd::new(http.clone(), clock.clone(), store.clone(), Some(600), None);
        assert_eq!(
            frontend.target("300"),
            Ok(Target::Channel(ChannelId::new(300)))
        );
        assert_eq!(frontend.target("@7"), Ok(Target::User(UserId::new(7))));
        assert_eq!(
            frontend.target(EXPERTS_ALIAS),
            Ok(Target::Channel(ChannelId::new(600)))
        );
        for bad in ["general", "0", "@", "-5"] {
            let error = frontend.target(bad).unwrap_err();
            assert_eq!(error.kind, FailureKind::Permanent, "{bad}");
            assert!(
                error.reason.contains("discord:CHANNEL_ID"),
                "{bad}: {error}"
            );
        }
        let unset = DiscordFrontEnd::new(http, clock, store, None, None);
        let error = unset.target(EXPERTS_ALIAS).unwrap_err();
        assert!(error.reason.contains("experts_channel_id"), "{error}");
    }
}
