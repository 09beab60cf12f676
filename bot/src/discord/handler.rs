//! Gateway events → assistant calls: mentions in allowed channels, direct messages, and expert answers
//! typed in ticket threads. Interactions (slash commands, buttons, forms) are in
//! [`super::interactions`]; what both need (asking, escalating) is here.

use std::sync::Arc;

use consulta_corpus::Lang;
use serenity::all::{
    ChannelId, Context as Gateway, EventHandler, GuildId, Interaction, Message, MessageId,
    MessageType, Ready, ResumedEvent, RoleId, User, UserId,
};
use serenity::async_trait;
use serenity::builder::CreateActionRow;
use serenity::http::Http;
use serenity::model::channel::MessageReference;

use crate::chat::{
    Answered, Conversation, DeskTexts, ExpertMessage, Intent, Person, Place, Said, Standing,
};
use consulta_desk::{ChatRef, Clock, Identity, Platform};

use super::components;
use super::frontend::send_text;
use super::held::HeldEdits;
use super::render::{AnswerEmbed, render_reply};
use super::seen::{InFlight, Seen};
use super::store::{Asked, Spot, Store, StoreError};

/// What every handler needs, shared by all event tasks.
pub struct Context {
    /// The HTTP client (the same one the gateway client and the desk's front-end use).
    pub http: Arc<Http>,
    /// Languages, recent questions, ticket threads.
    pub store: Store,
    /// The decisions shared with the other chat front-ends, and the flood control.
    pub conversation: Conversation<Spot>,
    /// What retries of requests to Discord wait on.
    pub clock: Arc<dyn Clock>,
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
    /// The experts' channel (`discord:experts`), when configured.
    pub experts_channel: Option<ChannelId>,
    /// Events already handled (replays after a reconnect are dropped).
    pub seen: Seen,
    /// FAQ edits held for flagged particulars, for the form opened again to show them.
    pub held: HeldEdits,
    /// Events in hand, waited for at shutdown, and the count of those done.
    pub inflight: Arc<InFlight>,
}

/// Discord's terms for the conversation: a question's message and channel, which is also where a
/// ticket's answer goes back to.
impl Place for Spot {
    type Origin = Spot;
    fn how_to_answer(words: &DeskTexts) -> &'static str {
        words.how_to_answer_discord
    }
    fn not_an_expert(words: &DeskTexts) -> &'static str {
        words.not_an_expert_discord
    }

    fn origin(_: &str, place: &Spot) -> Spot {
        *place
    }
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
    async fn ready(&self, _gateway: Gateway, ready: Ready) {
        tracing::info!(bot = %ready.user.name, "connected to the Discord gateway");
        self.0.inflight.session_ready();
    }

    async fn resume(&self, _gateway: Gateway, _: ResumedEvent) {
        tracing::info!("resumed the Discord gateway session");
        self.0.inflight.session_ready();
    }

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
    /// Where the event happened: in a desk channel or a ticket's thread, the channel's desk
    /// language is theirs when nothing else is known.
    pub channel: ChannelId,
}

impl Who {
    /// The user as a desk identity.
    pub fn identity(&self) -> Identity {
        Identity::new(Platform::Discord, self.user.id.get().to_string())
    }

    /// The user id, as a button shown only to them names them.
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

/// The language of the bot's own words for `who`, where they are (see
/// [`Conversation::ui_lang`]): the experts' channel, a channel with tickets' threads and those
/// threads are desk chats.
pub async fn ui_lang(ctx: &Context, who: &Who) -> Result<Lang, HandlerError> {
    let channel = who.channel.get();
    let desk_channel = match ctx.experts_channel {
        Some(experts) if experts == who.channel => Some(channel),
        _ => ctx.store.desk_channel(channel)?,
    };
    let desk_chat = desk_channel.map(|desk| match ctx.experts_channel {
        // The desk names the experts' channel so (`discord:experts`), and so its languages do.
        Some(experts) if experts.get() == desk => ChatRef::new(Platform::Discord, "experts"),
        _ => ChatRef::new(Platform::Discord, desk.to_string()),
    });
    Ok(ctx
        .conversation
        .ui_lang(&who.identity(), who.locale, desk_chat.as_ref())
        .await?)
}

/// `who` as the conversation layer sees them: the experts role is the platform's fact (always
/// passed when no role is configured); the desk then decides whether they are an expert.
pub async fn person(ctx: &Context, who: &Who) -> Result<Person, HandlerError> {
    Ok(Person {
        identity: who.identity(),
        lang: ui_lang(ctx, who).await?,
        locale: who.locale,
        name: who.display_name(),
        standing: Standing {
            experts_role: ctx
                .experts_role
                .is_none_or(|role| who.roles.contains(&role)),
            member_of: None,
            in_desk_chat: false,
        },
    })
}

/// Hands `intent` from `who` to the conversation.
pub async fn said(ctx: &Context, who: &Who, intent: Intent) -> Result<Said, HandlerError> {
    Ok(ctx
        .conversation
        .handle(&person(ctx, who).await?, intent)
        .await?)
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
        channel: message.channel_id,
    };
    let text = message.content.clone();
    let intent = if let Some(ticket) = ctx.store.thread_ticket(message.channel_id.get())? {
        // An answer when it replies to one of the bot's messages there, otherwise an internal note;
        // system messages (a renamed thread) are not an expert's words.
        let system = !matches!(
            message.kind,
            MessageType::Regular | MessageType::InlineReply
        );
        let replies_to_desk = message
            .referenced_message
            .as_ref()
            .is_some_and(|replied| replied.author.id == ctx.me);
        let meaning = ExpertMessage::classify(system, false, replies_to_desk);
        Intent::ExpertWords {
            ticket,
            text,
            meaning,
        }
    } else if let Some(replied) = &message.message_reference
        && let Some(replied_id) = replied.message_id
        && let Some(ticket) = ctx
            .store
            .asker_message(message.channel_id.get(), replied_id.get())?
    {
        Intent::AskerReply { ticket, text }
    } else {
        let question = match message.guild_id {
            None => text,
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
        // Answering takes a moment: show that the bot is on it (a courtesy; a failure is ignored).
        if let Err(error) =
            super::frontend::timed(message.channel_id.broadcast_typing(&ctx.http)).await
        {
            tracing::debug!(failure = %super::frontend::classify(&error), "the typing indicator was not shown");
        }
        Intent::Ask {
            question,
            chat: message.channel_id.get().to_string(),
            language: None,
            top_k: None,
        }
    };
    match said(ctx, &who, intent).await? {
        Said::Reply(told) => reply(ctx, message, &render_reply(&told)).await,
        Said::Answer(answered) => {
            let embed = AnswerEmbed::new(
                &answered.question,
                &answered.reply.answer,
                lang_of(&answered),
            );
            let components = answer_components(&answered);
            let sent = super::frontend::with_retry(ctx.clock.as_ref(), || {
                message.channel_id.send_message(
                    &ctx.http,
                    serenity::builder::CreateMessage::new()
                        .embed(embed.build())
                        .components(components.clone())
                        .reference_message(MessageReference::from((message.channel_id, message.id)))
                        .allowed_mentions(super::frontend::no_pings()),
                )
            })
            .await;
            record(ctx, &answered, spot(message.channel_id, Some(message.id)))?;
            sent?;
            Ok(())
        }
        // Nothing else comes of a message: forms and drafts answer buttons.
        Said::Nothing | Said::AnswerForm(_) | Said::Draft(_) | Said::Unconfirmed(_) => Ok(()),
    }
}

/// The language Consulta answered in.
pub fn lang_of(answered: &Answered) -> Lang {
    answered.reply.answer.language
}

/// The buttons under an answer.
pub fn answer_components(answered: &Answered) -> Vec<CreateActionRow> {
    components::answer(lang_of(answered), answered.reply.question_id, answered.more)
}

/// Keeps where the question was asked (ids only: its words are the desk's) for its buttons and
/// `/expert`.
pub fn record(ctx: &Context, answered: &Answered, place: Spot) -> Result<(), StoreError> {
    ctx.store.memory.put_asked(
        answered.reply.question_id,
        &Asked {
            chat_id: answered.asker.chat_id.clone(),
            place,
        },
    )
}

/// The message id of a posted reply, for [`Spot`].
pub fn spot(channel: ChannelId, message: Option<MessageId>) -> Spot {
    Spot {
        message_id: message.map(MessageId::get),
        channel_id: channel.get(),
    }
}
