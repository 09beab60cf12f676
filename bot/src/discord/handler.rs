//! Gateway events → assistant calls: mentions in allowed channels, direct messages, and expert answers
//! typed in ticket threads. Interactions (slash commands, buttons, forms) are in
//! [`super::interactions`]; what both need (asking, escalating) is here.

use std::sync::Arc;

use consulta_corpus::Lang;
use serenity::all::{
    ChannelId, Context as Gateway, EventHandler, GuildId, Interaction, Message, MessageId,
    MessageType, RoleId, User, UserId,
};
use serenity::async_trait;
use serenity::builder::CreateActionRow;
use serenity::http::Http;
use serenity::model::channel::MessageReference;

use crate::assistant::{AskReply, AskRequest, Assistant, FailureCode};
use crate::chat::{
    Conversation, ExpertMessage, FloodControl, Intent, Person, Verdict, escalate_once, texts,
};
use consulta_desk::{Asker, Clock, Identity, Platform, QuestionId};

use super::components;
use super::frontend::send_text;
use super::render::{AnswerEmbed, escape, render_reply};
use super::seen::{InFlight, Seen};
use super::store::{Asked, Spot, Store, StoreError};

/// The refusal for people without the experts role, or not configured as experts in the desk (in
/// English, the desk's working language).
pub const NOT_AN_EXPERT: &str = "Sorry, only the desk's experts can act on tickets: you need the experts role here, and an administrator must add your Discord id (discord:USER_ID) to the desk configuration.";

/// What every handler needs, shared by all event tasks.
pub struct Context {
    /// The HTTP client (the same one the gateway client and the desk's front-end use).
    pub http: Arc<Http>,
    /// What retries of requests to Discord wait on.
    pub clock: Arc<dyn Clock>,
    /// Answers and the desk.
    pub assistant: Arc<dyn Assistant>,
    /// Languages, recent questions, ticket threads.
    pub store: Store,
    /// The decisions shared with the other chat front-ends.
    pub conversation: Conversation,
    /// Per-user limit on questions.
    pub flood: FloodControl,
    /// The bot's own user id, to recognise mentions.
    pub me: UserId,
    /// The roles Discord made for the bot in each guild: mentioning one mentions the bot.
    pub bot_roles: Vec<RoleId>,
    /// The guilds served; others are ignored.
    pub guilds: Vec<GuildId>,
    /// Channels where a mention asks; empty allows all.
    pub allowed_channels: Vec<ChannelId>,
    /// The role experts need, when configured.
    pub experts_role: Option<RoleId>,
    /// Events already handled (replays after a reconnect are dropped).
    pub seen: Seen,
    /// Events in hand, waited for at shutdown, and the count of those done.
    pub inflight: Arc<InFlight>,
}

/// Why handling failed.
pub type HandlerError = crate::chat::HandlerError<serenity::Error>;

/// The result of handling one event.
pub type Handled = Result<(), HandlerError>;

/// serenity's event handler: every event is handled once, counted while in hand, and its failure
/// logged (the next event must not suffer from this one).
pub struct Handler(pub Arc<Context>);

#[async_trait]
impl EventHandler for Handler {
    async fn message(&self, _gateway: Gateway, message: Message) {
        let ctx = &self.0;
        let _handling = ctx.inflight.start();
        if message.author.bot || !ctx.seen.first_time(message.id.get()) {
            return;
        }
        if let Err(error) = on_message(ctx, &message).await {
            tracing::warn!(%error, "a Discord message could not be handled");
        }
    }

    async fn interaction_create(&self, _gateway: Gateway, interaction: Interaction) {
        let ctx = &self.0;
        let _handling = ctx.inflight.start();
        if !ctx.seen.first_time(interaction.id().get()) {
            return;
        }
        if let Err(error) = super::interactions::handle(ctx, interaction).await {
            tracing::warn!(%error, "a Discord interaction could not be handled");
        }
    }
}

/// The person behind an event, as the handlers need them.
#[derive(Debug, Clone)]
pub struct Who {
    /// The Discord user.
    pub user: User,
    /// Their roles in the guild (empty in direct messages).
    pub roles: Vec<RoleId>,
    /// The language their Discord client is set to, when the event says (interactions do).
    pub locale: Option<Lang>,
}

impl Who {
    /// The user as a desk identity.
    pub fn identity(&self) -> Identity {
        Identity::new(Platform::Discord, self.user.id.get().to_string())
    }

    /// The user as the conversation layer sees them, spoken to in `lang`.
    pub fn person(&self, lang: Lang) -> Person {
        Person {
            identity: self.identity(),
            lang,
        }
    }

    /// The user id as the front-end's memory keys it.
    pub fn key(&self) -> String {
        self.user.id.get().to_string()
    }

    /// How the user is named to experts: their display name, else their username.
    pub fn display_name(&self) -> String {
        self.user
            .global_name
            .clone()
            .unwrap_or_else(|| self.user.name.clone())
    }
}

/// The language of the bot's own words for `who`.
pub fn ui_lang(ctx: &Context, who: &Who) -> Result<Lang, StoreError> {
    ctx.store.memory.ui_lang(&who.key(), who.locale)
}

/// Whether `who` has the experts role (always, when no role is configured); the desk then checks
/// that they are a configured expert.
pub fn has_experts_role(ctx: &Context, who: &Who) -> bool {
    ctx.experts_role
        .is_none_or(|role| who.roles.contains(&role))
}

/// The text without mentions of the bot, when it mentions the bot (by name, or by the role Discord
/// made for it, which is what the member picker offers first).
fn without_mention(message: &Message, me: UserId, bot_roles: &[RoleId]) -> Option<String> {
    let mut tags = vec![format!("<@{me}>"), format!("<@!{me}>")];
    tags.extend(bot_roles.iter().map(|role| format!("<@&{role}>")));
    let mentioned = message.mentions.iter().any(|u| u.id == me)
        || message.mention_roles.iter().any(|r| bot_roles.contains(r))
        || tags.iter().any(|t| message.content.contains(t));
    if !mentioned {
        return None;
    }
    let mut text = message.content.clone();
    for tag in &tags {
        text = text.replace(tag, " ");
    }
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn reply_to(message: &Message) -> Option<super::frontend::Reference> {
    Some(super::frontend::Reference::quiet(
        message.channel_id,
        message.id,
    ))
}

async fn reply(ctx: &Context, message: &Message, text: &str) -> Handled {
    send_text(
        &ctx.http,
        ctx.clock.as_ref(),
        message.channel_id,
        text,
        reply_to(message),
        Vec::new(),
        false,
    )
    .await?;
    Ok(())
}

async fn on_message(ctx: &Context, message: &Message) -> Handled {
    let who = Who {
        user: message.author.clone(),
        roles: message
            .member
            .as_ref()
            .map(|m| m.roles.clone())
            .unwrap_or_default(),
        locale: None,
    };
    if let Some(ticket) = ctx.store.thread_ticket(message.channel_id.get())? {
        return expert_message(ctx, message, &who, ticket).await;
    }
    if let Some(replied) = &message.message_reference
        && let Some(replied_id) = replied.message_id
        && let Some(ticket) = ctx
            .store
            .asker_message(message.channel_id.get(), replied_id.get())?
    {
        let told = ctx
            .conversation
            .asker_reply(who.identity(), ticket, &message.content)
            .await;
        return reply(ctx, message, &render_reply(&told)).await;
    }
    let question = match message.guild_id {
        None => message.content.trim().to_string(),
        Some(guild) => {
            let allowed = ctx.guilds.contains(&guild)
                && (ctx.allowed_channels.is_empty()
                    || ctx.allowed_channels.contains(&message.channel_id));
            match without_mention(message, ctx.me, &ctx.bot_roles) {
                Some(question) if allowed => question,
                _ => return Ok(()),
            }
        }
    };
    let lang = ui_lang(ctx, &who)?;
    if question.is_empty() {
        return reply(ctx, message, &escape(texts(lang).ask_usage)).await;
    }
    // Answering takes a moment: show that the bot is on it (a courtesy; a failure is ignored).
    if let Err(error) = super::frontend::timed(message.channel_id.broadcast_typing(&ctx.http)).await
    {
        tracing::debug!(failure = %super::frontend::classify(&error), "the typing indicator was not shown");
    }
    let asker = asker(&who, message.channel_id.get().to_string());
    let answered = match answer(ctx, &who, asker.clone(), &question, None).await? {
        Answering::Answered(answered) => answered,
        Answering::Told(text) => return reply(ctx, message, &text).await,
        Answering::Silent => return Ok(()),
    };
    let embed = answered.embed.build();
    let sent = super::frontend::with_retry(ctx.clock.as_ref(), || {
        message.channel_id.send_message(
            &ctx.http,
            serenity::builder::CreateMessage::new()
                .embed(embed.clone())
                .components(answered.components.clone())
                .reference_message(MessageReference::from((message.channel_id, message.id)))
                .allowed_mentions(super::frontend::no_pings()),
        )
    })
    .await;
    record(
        ctx,
        &answered,
        asker,
        Spot {
            message_id: Some(message.id.get()),
            channel_id: message.channel_id.get(),
        },
    )?;
    sent?;
    Ok(())
}

/// The asker as the desk records them; `chat_id` is where the expert's answer goes.
pub fn asker(who: &Who, chat_id: String) -> Asker {
    Asker {
        platform: Platform::Discord,
        chat_id,
        user_id: who.key(),
        display_name: who.display_name(),
    }
}

/// An answer ready to post.
pub struct Answered {
    /// What the desk recorded.
    pub reply: AskReply,
    /// The answer as an embed.
    pub embed: AnswerEmbed,
    /// Its buttons.
    pub components: Vec<CreateActionRow>,
}

/// What asking gave.
pub enum Answering {
    /// An answer.
    Answered(Box<Answered>),
    /// No answer; tell the user this (already escaped).
    Told(String),
    /// No answer and nothing to say (a flood already warned about).
    Silent,
}

/// Asks the assistant, minding the flood control; `top_k` for "More sources".
pub async fn answer(
    ctx: &Context,
    who: &Who,
    asker: Asker,
    question: &str,
    top_k: Option<usize>,
) -> Result<Answering, HandlerError> {
    let lang = ui_lang(ctx, who)?;
    match ctx.flood.check(who.user.id.get()) {
        Verdict::Allow => {}
        Verdict::Warn => return Ok(Answering::Told(escape(texts(lang).slow_down))),
        Verdict::Drop => return Ok(Answering::Silent),
    }
    let request = AskRequest {
        language: ctx.store.memory.lang(&asker.user_id)?,
        asker,
        question: question.to_string(),
        user_lang: who.locale,
        top_k,
    };
    let reply = match ctx.assistant.ask(request).await {
        Ok(reply) => reply,
        Err(error) if error.code == FailureCode::BadRequest => {
            return Ok(Answering::Told(escape(&error.message)));
        }
        Err(error) => {
            tracing::warn!(%error, "the assistant could not answer");
            return Ok(Answering::Told(escape(texts(lang).sorry)));
        }
    };
    let answer = &reply.answer;
    let embed = AnswerEmbed::new(question, answer, answer.language);
    let more = top_k.is_none() && !answer.citations.is_empty();
    let components = components::answer(answer.language, reply.question_id, more);
    Ok(Answering::Answered(Box::new(Answered {
        reply,
        embed,
        components,
    })))
}

/// Keeps where the question was asked (ids only: its words are the desk's) for its buttons and
/// `/expert`.
pub fn record(
    ctx: &Context,
    answered: &Answered,
    asker: Asker,
    place: Spot,
) -> Result<(), StoreError> {
    ctx.store.memory.put_asked(
        answered.reply.question_id,
        &Asked {
            asker: asker.identity(),
            chat_id: asker.chat_id,
            place,
        },
    )
}

/// Opens a ticket for a recorded question (once), and returns what to tell the asker (escaped).
pub async fn escalate(
    ctx: &Context,
    question: QuestionId,
    by: &Who,
) -> Result<String, HandlerError> {
    let lang = ui_lang(ctx, by)?;
    let text = escalate_once(
        ctx.assistant.as_ref(),
        &ctx.store.memory,
        question,
        &by.identity(),
        &by.display_name(),
        lang,
        |asked: &Asked| asked.place,
    )
    .await?;
    Ok(escape(&text))
}

/// A message in a ticket's thread: an answer when it replies to one of the bot's messages there,
/// otherwise an internal note; system messages (a renamed thread) are not an expert's words.
async fn expert_message(
    ctx: &Context,
    message: &Message,
    who: &Who,
    ticket: consulta_desk::TicketId,
) -> Handled {
    let system = !matches!(
        message.kind,
        MessageType::Regular | MessageType::InlineReply
    );
    let replies_to_desk = message
        .referenced_message
        .as_ref()
        .is_some_and(|replied| replied.author.id == ctx.me);
    let meaning = ExpertMessage::classify(system, false, replies_to_desk);
    if meaning == ExpertMessage::Ignore {
        return Ok(());
    }
    if !has_experts_role(ctx, who) || !ctx.assistant.is_expert(who.identity()).await? {
        if meaning == ExpertMessage::Answer {
            return reply(ctx, message, &escape(NOT_AN_EXPERT)).await;
        }
        return Ok(());
    }
    let words = Intent::ExpertWords {
        ticket,
        text: message.content.clone(),
        meaning,
    };
    let told = ctx
        .conversation
        .handle(&who.person(ui_lang(ctx, who)?), words)
        .await?;
    match told {
        Some(told) => reply(ctx, message, &render_reply(&told)).await,
        None => Ok(()),
    }
}

/// The message id of a posted reply, for [`Spot`].
pub fn spot(channel: ChannelId, message: Option<MessageId>) -> Spot {
    Spot {
        message_id: message.map(MessageId::get),
        channel_id: channel.get(),
    }
}
