//! The desk's deliveries on Telegram: ticket cards with their buttons in the experts' chats, notices
//! and expert answers to askers (as replies to their question), and the classification of Telegram's
//! failures so that the outbox retries what may succeed later and honours `retry_after`.

use std::future::Future;
use std::sync::Arc;

use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters, ThreadId};
use teloxide::{ApiError, RequestError};

use consulta_desk::{
    BoxFuture, Clock, Delivery, DeliveryError, Forgotten, FrontEnd, MessageKind, Platform, Span,
};

use consulta_corpus::Lang;

use super::api_relay::Relay;
use super::format::{MESSAGE_LIMIT, escape, split};
use super::keyboard;
use super::pace::Pace;
use super::store::{Origin, Store};

/// Longest forum topic name Telegram accepts, in characters.
const TOPIC_NAME_LIMIT: usize = 128;

/// Telegram's failure, classified for the outbox. The reason never includes request URLs, which carry
/// the bot token.
pub fn classify(error: &RequestError) -> DeliveryError {
    match error {
        RequestError::RetryAfter(wait) => {
            DeliveryError::transient("Telegram asked to slow down (429)")
                .retry_after(Span::from_secs(u64::from(wait.seconds())))
        }
        RequestError::Network(e) if e.is_timeout() => {
            DeliveryError::transient("Telegram did not answer in time")
        }
        RequestError::Network(_) => DeliveryError::transient("cannot reach Telegram"),
        RequestError::Io(_) => DeliveryError::transient("I/O error talking to Telegram"),
        RequestError::InvalidJson { .. } => {
            DeliveryError::transient("Telegram (or a proxy) sent an unreadable response")
        }
        // teloxide names only the errors it knows; the rest are told apart by the start of
        // Telegram's description, which names the HTTP status. A refusal ("the chat is not a forum",
        // "not enough rights", TOPIC_CLOSED) will not change by waiting; server errors may.
        RequestError::Api(ApiError::Unknown(description)) if is_refusal(description) => {
            DeliveryError::permanent(format!("Telegram refused: {description}"))
        }
        RequestError::Api(ApiError::Unknown(description)) => {
            DeliveryError::transient(format!("Telegram failed: {description}"))
        }
        RequestError::Api(api) => DeliveryError::permanent(format!("Telegram refused: {api}")),
        RequestError::MigrateToChatId(to) => DeliveryError::permanent(format!(
            "the group moved to chat {}: put telegram:{} in the desk configuration",
            to.0, to.0
        )),
    }
}

/// Whether an error description Telegram sent is a 4xx refusal: Telegram starts each with the name of
/// its status ("Bad Request: ...", "Forbidden: ...").
fn is_refusal(description: &str) -> bool {
    ["Bad Request", "Forbidden", "Unauthorized", "Not Found"]
        .iter()
        .any(|status| description.starts_with(status))
}

/// Whether a refusal is about the forum topic a message was sent to (closed, deleted, or topics turned
/// off in the group): the message can still go to the group itself.
fn topic_refused(error: &RequestError) -> bool {
    match error {
        RequestError::Api(ApiError::Unknown(description)) if is_refusal(description) => {
            let lower = description.to_ascii_lowercase();
            [
                "thread not found",
                "topic_closed",
                "topic_deleted",
                "not a forum",
            ]
            .iter()
            .any(|why| lower.contains(why))
        }
        _ => false,
    }
}

impl crate::chat::Classify for RequestError {
    fn classify(&self) -> DeliveryError {
        classify(self)
    }
}

/// Runs a Telegram request with [`crate::chat::with_retry`], its waits spent on `clock`.
pub async fn with_retry<T, F, Fut>(clock: &dyn Clock, call: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    crate::chat::with_retry(clock, classify, call).await
}

/// Where and how to send a message.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// The forum topic, if any.
    pub thread_id: Option<i32>,
    /// The message the first part replies to.
    pub reply_to: Option<i32>,
    /// Buttons, put under the last part.
    pub keyboard: Option<InlineKeyboardMarkup>,
}

/// Sends `html`, split at the length limit, each part in its slot under Telegram's limits (`pace`),
/// and returns the ids of the parts. `first_once`: the first
/// part is tried once and its failure returned (the outbox retries it); otherwise every part is retried
/// here. Later parts are always retried here: the first one is already delivered.
pub async fn send_html(
    bot: &Bot,
    pace: &Pace,
    clock: &dyn Clock,
    chat_id: i64,
    html: &str,
    placement: &Placement,
    first_once: bool,
) -> Result<Vec<i32>, RequestError> {
    let parts = split(html, MESSAGE_LIMIT);
    let last = parts.len().saturating_sub(1);
    let mut ids = Vec::with_capacity(parts.len());
    for (n, part) in parts.iter().enumerate() {
        let request = || {
            let mut request = bot
                .send_message(ChatId(chat_id), part.clone())
                .parse_mode(ParseMode::Html);
            if let Some(thread) = placement.thread_id {
                request = request.message_thread_id(ThreadId(MessageId(thread)));
            }
            if n == 0
                && let Some(reply_to) = placement.reply_to
            {
                request = request.reply_parameters(
                    ReplyParameters::new(MessageId(reply_to)).allow_sending_without_reply(),
                );
            }
            if n == last
                && let Some(keyboard) = &placement.keyboard
            {
                request = request.reply_markup(keyboard.clone());
            }
            async move {
                pace.wait(chat_id).await;
                request.send().await
            }
        };
        let sent = if n == 0 && first_once {
            request().await?
        } else {
            with_retry(clock, request).await?
        };
        ids.push(sent.id.0);
    }
    Ok(ids)
}

/// The desk's [`FrontEnd`] for Telegram.
pub struct TelegramFrontEnd {
    bot: Bot,
    /// Where `bot` sends; kept serving while the outbox worker holds this front-end.
    _relay: Arc<Relay>,
    /// Telegram's send limits, shared with the handler's replies.
    pace: Arc<Pace>,
    /// What retries wait on.
    clock: Arc<dyn Clock>,
    store: Store,
    forum_topics: bool,
}

impl TelegramFrontEnd {
    /// Delivers through `bot`, within the limits of `pace`; `forum_topics` opens one forum topic per
    /// ticket in expert groups.
    pub(super) fn new(
        bot: Bot,
        relay: Arc<Relay>,
        pace: Arc<Pace>,
        clock: Arc<dyn Clock>,
        store: Store,
        forum_topics: bool,
    ) -> Self {
        TelegramFrontEnd {
            bot,
            _relay: relay,
            pace,
            clock,
            store,
            forum_topics,
        }
    }

    async fn placement(
        &self,
        chat_id: i64,
        delivery: &Delivery<'_>,
    ) -> Result<Placement, DeliveryError> {
        let message = delivery.message;
        let ticket = &message.ticket;
        let mut placement = Placement::default();
        match message.kind {
            MessageKind::TicketCard => {
                placement.keyboard = Some(keyboard::ticket(ticket, message.language));
                placement.thread_id = self.topic(chat_id, ticket, message.language).await?;
            }
            MessageKind::Reminder | MessageKind::Transferred | MessageKind::AskerReply => {
                placement.thread_id = self.store.topic(chat_id, ticket)?;
            }
            MessageKind::ExpertTookQuestion
            | MessageKind::ExpertAnswer
            | MessageKind::TicketClosed
            | MessageKind::TicketReopened
            | MessageKind::ExpertQuestion => {
                if message.kind == MessageKind::ExpertAnswer {
                    placement.keyboard = Some(keyboard::expert_answer(ticket));
                }
                if let Some(origin) = self.store.memory.origin::<Origin>(ticket)?
                    && origin.chat_id == chat_id
                {
                    placement.reply_to = Some(origin.message_id);
                    placement.thread_id = origin.thread_id;
                }
            }
        }
        Ok(placement)
    }

    /// The ticket's forum topic in a group chat, opened on first use, when forum topics are on, and
    /// named in `lang`, the language of the card it opens with.
    async fn topic(
        &self,
        chat_id: i64,
        ticket: &consulta_desk::TicketId,
        lang: Lang,
    ) -> Result<Option<i32>, DeliveryError> {
        if !self.forum_topics || chat_id >= 0 {
            return Ok(None);
        }
        if let Some(thread) = self.store.topic(chat_id, ticket)? {
            return Ok(Some(thread));
        }
        let topic = match self
            .bot
            .create_forum_topic(
                ChatId(chat_id),
                crate::chat::topic_name(ticket, lang, TOPIC_NAME_LIMIT),
            )
            .await
        {
            Ok(topic) => topic,
            Err(error) => {
                let failure = classify(&error);
                if failure.kind == consulta_desk::FailureKind::Transient {
                    return Err(failure);
                }
                // No topics there (not a forum, no right to manage topics): the card still goes
                // to the group, as a plain message experts reply to.
                tracing::warn!(%failure, %ticket, chat = chat_id, "cannot open a forum topic; posting the ticket card in the group");
                return Ok(None);
            }
        };
        let thread = topic.thread_id.0.0;
        self.store.put_topic(chat_id, ticket, thread)?;
        Ok(Some(thread))
    }
}

fn telegram_chat(chat_id: &str) -> Result<i64, DeliveryError> {
    chat_id.parse().map_err(|_| {
        DeliveryError::permanent(format!(
            "{chat_id:?} is not a Telegram chat id: write e.g. telegram:-100200 in the desk configuration"
        ))
    })
}

impl FrontEnd for TelegramFrontEnd {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn send<'a>(&'a self, delivery: Delivery<'a>) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            let chat_id = telegram_chat(delivery.chat_id)?;
            let mut placement = self.placement(chat_id, &delivery).await?;
            let html = escape(&crate::chat::desk_text(delivery.message));
            let ids = match send_html(&self.bot, &self.pace, self.clock.as_ref(), chat_id, &html, &placement, true).await {
                Err(error) if placement.thread_id.is_some() && topic_refused(&error) => {
                    tracing::warn!(failure = %classify(&error), ticket = %delivery.message.ticket, "the ticket's topic is gone; posting in the group itself");
                    placement.thread_id = None;
                    send_html(&self.bot, &self.pace, self.clock.as_ref(), chat_id, &html, &placement, true).await
                }
                sent => sent,
            }
            .map_err(|e| classify(&e))?;
            let first = ids.first().copied().unwrap_or_default();
            // An expert replying to any desk message about a ticket (its card, a reminder, a transfer
            // notice, the asker's reply) in the experts' chat acts on that ticket; an asker replying
            // to one sent to them writes back on it.
            let ticket = &delivery.message.ticket;
            match delivery.message.kind {
                MessageKind::TicketCard
                | MessageKind::Reminder
                | MessageKind::Transferred
                | MessageKind::AskerReply => self.store.put_card(chat_id, first, ticket)?,
                kind if kind.is_for_asker() => {
                    for id in &ids {
                        self.store.put_asker_message(chat_id, *id, ticket)?;
                    }
                }
                _ => {}
            }
            Ok(first.to_string())
        })
    }

    fn edit<'a>(
        &'a self,
        delivery: Delivery<'a>,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<String, DeliveryError>> {
        Box::pin(async move {
            let chat_id = telegram_chat(delivery.chat_id)?;
            let id: i32 = message_id.parse().map_err(|_| {
                DeliveryError::permanent(format!("{message_id:?} is not a Telegram message id"))
            })?;
            let html = escape(&crate::chat::desk_text(delivery.message));
            let first = split(&html, MESSAGE_LIMIT)
                .into_iter()
                .next()
                .unwrap_or_default();
            let mut request = self
                .bot
                .edit_message_text(ChatId(chat_id), MessageId(id), first)
                .parse_mode(ParseMode::Html);
            if delivery.message.kind == MessageKind::TicketCard {
                request = request.reply_markup(keyboard::ticket(
                    &delivery.message.ticket,
                    delivery.message.language,
                ));
            }
            self.pace.wait(chat_id).await;
            match request.await {
                Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {
                    Ok(message_id.to_string())
                }
                Err(error) => Err(classify(&error)),
            }
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

    fn unknown(description: &str) -> RequestError {
        RequestError::Api(ApiError::Unknown(description.to_string()))
    }

    #[test]
    fn refusals_teloxide_cannot_name_are_permanent_and_server_errors_transient() {
        for refusal in [
            "Bad Request: the chat is not a forum",
            "Bad Request: TOPIC_CLOSED",
            "Bad Request: not enough rights to create a topic",
            "Forbidden: bot is not a member of the supergroup chat",
        ] {
            assert_eq!(
                classify(&unknown(refusal)).kind,
                FailureKind::Permanent,
                "{refusal}"
            );
        }
        for failure in ["Internal Server Error", "Bad Gateway", "Gateway Timeout"] {
            assert_eq!(
                classify(&unknown(failure)).kind,
                FailureKind::Transient,
                "{failure}"
            );
        }
        assert!(topic_refused(&unknown(
            "Bad Request: message thread not found"
        )));
        assert!(!topic_refused(&unknown("Bad Request: chat not found")));
        assert!(!topic_refused(&unknown(
            "Internal Server Error: topic_closed"
        )));
    }

    /// Telegram's 429 carries `retry_after`: the request waits that long (not the backoff) and is
    /// sent again.
    #[tokio::test]
    async fn a_429_waits_telegrams_retry_after_then_sends_again() {
        let sleeps = crate::chat::retry::recorded::Sleeps::default();
        let mut calls = 0;
        let sent = crate::chat::retry::retry_sleeping(
            classify,
            || {
                calls += 1;
                std::future::ready(match calls {
                    1 => Err(RequestError::RetryAfter(
                        teloxide::types::Seconds::from_seconds(12),
                    )),
                    _ => Ok("sent"),
                })
            },
            sleeps.sleep(),
        )
        .await;
        assert_eq!(sent.unwrap(), "sent");
        assert_eq!(calls, 2);
        assert_eq!(
            sleeps.waits(),
            [std::time::Duration::from_secs(12)],
            "Telegram's retry_after is waited"
        );
    }
}
