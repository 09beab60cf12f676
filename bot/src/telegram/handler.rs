//! Updates → assistant calls: questions, commands, button presses and expert replies.

use std::sync::Arc;

use consulta_corpus::Lang;
use teloxide::RequestError;
use teloxide::payloads::{AnswerCallbackQuerySetters, EditMessageTextSetters};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatAction, MaybeInaccessibleMessage, MessageId, ParseMode, ThreadId,
    UpdateKind, User,
};

use crate::assistant::{AskRequest, Assistant, FailureCode};
use crate::chat::{
    Conversation, Edit, ExpertMessage, FloodControl, HOW_TO_EDIT, Intent, MoreSources, Person,
    Press, Published, Reply, STALE_BUTTON, TicketButton, Verdict, draft_text, escalate_once,
    flag_warning, read_draft, read_edit, texts,
};
use consulta_desk::{
    ApprovalDraft, Asker, ChatRef, Clock, FailureKind, Identity, Platform, QuestionId, Rating,
    TicketId,
};

use super::format::{MESSAGE_LIMIT, escape, render_answer, render_reply};
use super::frontend::{Placement, classify, send_html, with_retry};
use super::keyboard;
use super::pace::Pace;
use super::store::{Asked, Origin, Spot, Store, StoreError};

/// Passages cited after "More sources".
const MORE_SOURCES: usize = 8;

/// What every handler needs, shared by all update tasks.
pub struct Context {
    /// The Bot API client.
    pub bot: Bot,
    /// Answers and the desk.
    pub assistant: Arc<dyn Assistant>,
    /// Languages, recent questions, ticket messages.
    pub store: Store,
    /// The decisions shared with the other chat front-ends.
    pub conversation: Conversation,
    /// Per-user limit on questions.
    pub flood: FloodControl,
    /// Telegram's send limits, shared with the desk's deliveries.
    pub pace: Arc<Pace>,
    /// What retries of requests to Telegram wait on.
    pub clock: Arc<dyn Clock>,
    /// The bot's own user id, to recognise replies to it in groups.
    pub me_id: u64,
    /// The bot's username in lower case, without `@`, to recognise mentions and `/cmd@bot`.
    pub username: String,
}

/// Why handling failed.
pub type HandlerError = crate::chat::HandlerError<RequestError>;

type Handled = Result<(), HandlerError>;

/// Handles one update; failures are logged (the next update must not suffer from this one).
pub async fn handle(ctx: Arc<Context>, update: Update) {
    let result = match update.kind {
        UpdateKind::Message(message) => on_message(&ctx, &message).await,
        UpdateKind::CallbackQuery(query) => on_callback(&ctx, &query).await,
        _ => Ok(()),
    };
    if let Err(error) = result {
        tracing::warn!(%error, "a Telegram update could not be handled");
    }
}

/// The language of the bot's own words for `user` (see [`crate::chat::Memory::ui_lang`]).
fn ui_lang(ctx: &Context, user: &User) -> Result<Lang, StoreError> {
    let platform = user.language_code.as_deref().and_then(|c| c.parse().ok());
    ctx.store.memory.ui_lang(&user.id.0.to_string(), platform)
}

fn identity(user: &User) -> Identity {
    Identity::new(Platform::Telegram, user.id.0.to_string())
}

/// `user` as the conversation layer sees them, spoken to in `lang`.
fn person(user: &User, lang: Lang) -> Person {
    Person {
        identity: identity(user),
        lang,
    }
}

/// The forum topic a message is in, for replies to stay in it.
fn topic_of(message: &Message) -> Option<i32> {
    message
        .is_topic_message
        .then(|| message.thread_id.map(|t| t.0.0))
        .flatten()
}

/// What the start of a message says about commands.
#[derive(Debug, PartialEq, Eq)]
enum Command<'a> {
    /// Not a command.
    None,
    /// A command for another bot in the group.
    OtherBot,
    /// A command for us: its name (lower case) and the rest of the text.
    Ours(String, &'a str),
}

fn parse_command<'a>(text: &'a str, username: &str) -> Command<'a> {
    let Some(rest) = text.trim_start().strip_prefix('/') else {
        return Command::None;
    };
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, target) = head.split_once('@').unwrap_or((head, ""));
    if !target.is_empty() && !target.eq_ignore_ascii_case(username) {
        return Command::OtherBot;
    }
    Command::Ours(name.to_ascii_lowercase(), args.trim())
}

/// The text without the bot's `@mention`, when it mentions the bot.
fn without_mention(text: &str, username: &str) -> Option<String> {
    let mention = format!("@{username}");
    let lower = text.to_lowercase();
    let at = lower.find(&mention)?;
    if lower.len() != text.len() {
        // Lower-casing changed byte offsets (rare scripts): keep the text, mention included.
        return Some(text.to_string());
    }
    let mut question = String::with_capacity(text.len());
    question.push_str(&text[..at]);
    question.push_str(&text[at + mention.len()..]);
    Some(question.trim().to_string())
}

/// What an expert is told when they write to a desk chat that is their private chat: questions are
/// answered elsewhere (in English, the desk's working language).
const DESK_CHAT: &str = "This chat receives the desk's tickets: reply to a ticket's card (or send /answer in its topic) to answer it. Ask your own questions in another chat.";

/// The ticket a message in a group is about, and whether it deliberately replies to one of the desk's
/// messages (its card, a reminder): `false` for a message merely typed in the ticket's forum topic.
fn ticket_of(ctx: &Context, message: &Message) -> Result<Option<(TicketId, bool)>, StoreError> {
    let chat = message.chat.id.0;
    let topic = topic_of(message);
    // In a forum topic, a message replying to nothing "replies" to the topic's first message.
    if let Some(replied) = message.reply_to_message()
        && Some(replied.id.0) != topic
        && let Some(ticket) = ctx.store.card(chat, replied.id.0)?
    {
        return Ok(Some((ticket, true)));
    }
    match topic {
        Some(thread) => Ok(ctx.store.card(chat, thread)?.map(|ticket| (ticket, false))),
        None => Ok(None),
    }
}

/// Sends a conversation reply: in the chat, unless it is for the person only and the chat is a group,
/// in which case it goes to their private chat and the group is told only where it went.
async fn answer_with(
    ctx: &Context,
    message: &Message,
    from: &User,
    lang: Lang,
    answer: &Reply,
) -> Handled {
    let html = render_reply(answer);
    if !answer.private || message.chat.is_private() {
        return reply(ctx, message, &html).await;
    }
    let private = i64::try_from(from.id.0).unwrap_or_default();
    let t = texts(lang);
    match send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        private,
        &html,
        &Placement::default(),
        false,
    )
    .await
    {
        Ok(_) => reply(ctx, message, &escape(t.status_sent_privately)).await,
        // The person never started a private chat with the bot (or blocked it): say how to.
        Err(error) if classify(&error).kind == FailureKind::Permanent => {
            reply(ctx, message, &escape(t.status_ask_privately)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Sends the conversation's reply to `message`, if it has one (see [`answer_with`]).
async fn said(
    ctx: &Context,
    message: &Message,
    from: &User,
    lang: Lang,
    told: Option<Reply>,
) -> Handled {
    match told {
        Some(told) => answer_with(ctx, message, from, lang, &told).await,
        None => Ok(()),
    }
}

async fn reply(ctx: &Context, message: &Message, html: &str) -> Handled {
    let placement = Placement {
        thread_id: topic_of(message),
        reply_to: Some(message.id.0),
        keyboard: None,
    };
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        message.chat.id.0,
        html,
        &placement,
        false,
    )
    .await?;
    Ok(())
}

async fn on_message(ctx: &Context, message: &Message) -> Handled {
    let Some(from) = message.from.as_ref().filter(|u| !u.is_bot) else {
        return Ok(());
    };
    let private = message.chat.is_private();
    let lang = ui_lang(ctx, from)?;
    let Some(text) = message.text().or(message.caption()) else {
        if private {
            reply(ctx, message, &escape(texts(lang).text_only)).await?;
        }
        return Ok(());
    };
    match parse_command(text, &ctx.username) {
        Command::OtherBot => return Ok(()),
        Command::Ours(name, args) => return command(ctx, message, from, lang, &name, args).await,
        Command::None => {}
    }
    if let Some(ticket) = draft_replied_to(ctx, message) {
        return edit_draft(ctx, message, from, ticket, text).await;
    }
    if let Some(replied) = message.reply_to_message()
        && let Some(ticket) = ctx.store.asker_message(message.chat.id.0, replied.id.0)?
    {
        let told = ctx
            .conversation
            .asker_reply(identity(from), ticket, text)
            .await;
        return answer_with(ctx, message, from, lang, &told).await;
    }
    if let Some((ticket, replies_to_desk)) = ticket_of(ctx, message)? {
        let meaning = ExpertMessage::classify(false, false, replies_to_desk);
        return expert_message(ctx, message, from, ticket, text, meaning).await;
    }
    if private {
        if ctx.store.is_desk_chat(message.chat.id.0)? {
            return reply(ctx, message, &escape(DESK_CHAT)).await;
        }
        return ask(ctx, message, from, text, None).await;
    }
    if let Some(question) = without_mention(text, &ctx.username) {
        if question.is_empty() {
            return reply(ctx, message, &escape(texts(lang).ask_usage)).await;
        }
        return ask(ctx, message, from, &question, None).await;
    }
    let replies_to_bot = message
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|u| u.id.0 == ctx.me_id);
    if replies_to_bot {
        return ask(ctx, message, from, text, None).await;
    }
    Ok(())
}

async fn command(
    ctx: &Context,
    message: &Message,
    from: &User,
    lang: Lang,
    name: &str,
    args: &str,
) -> Handled {
    let t = texts(lang);
    let user = from.id.0.to_string();
    match name {
        "start" => reply(ctx, message, &escape(t.welcome)).await,
        "help" => reply(ctx, message, &escape(t.help)).await,
        "ask" if args.is_empty() => reply(ctx, message, &escape(t.ask_usage)).await,
        "ask" => ask(ctx, message, from, args, None).await,
        "lang" => {
            let chosen = args.parse::<Lang>().ok().filter(|_| !args.is_empty());
            let told = ctx
                .conversation
                .handle(&person(from, lang), Intent::Lang(chosen))
                .await?;
            said(ctx, message, from, lang, told).await
        }
        "expert" => match ctx.store.memory.last_question(&user)? {
            Some(question) => {
                let html = escalate(ctx, question, from).await?;
                reply(ctx, message, &html).await
            }
            None => reply(ctx, message, &escape(t.no_question_yet)).await,
        },
        "status" => {
            let told = ctx
                .conversation
                .handle(&person(from, lang), Intent::Status)
                .await?;
            said(ctx, message, from, lang, told).await
        }
        "answer" => match ticket_of(ctx, message)? {
            Some((ticket, _)) if !args.is_empty() => {
                expert_message(ctx, message, from, ticket, args, ExpertMessage::Answer).await
            }
            _ => reply(ctx, message, &escape(ANSWER_USAGE)).await,
        },
        "clarify" => match ticket_of(ctx, message)? {
            Some((ticket, _)) if !args.is_empty() => {
                expert_message(ctx, message, from, ticket, args, ExpertMessage::Clarify).await
            }
            _ => reply(ctx, message, &escape(CLARIFY_USAGE)).await,
        },
        "forget" => {
            let placement = Placement {
                thread_id: topic_of(message),
                reply_to: Some(message.id.0),
                keyboard: Some(keyboard::forget(lang, &user)),
            };
            send_html(
                &ctx.bot,
                &ctx.pace,
                ctx.clock.as_ref(),
                message.chat.id.0,
                &escape(t.forget_confirm),
                &placement,
                false,
            )
            .await?;
            Ok(())
        }
        _ => reply(ctx, message, &escape(t.unknown_command)).await,
    }
}

/// Answers `question` (asked in `message`), with the answer's buttons.
async fn ask(
    ctx: &Context,
    message: &Message,
    from: &User,
    question: &str,
    top_k: Option<usize>,
) -> Handled {
    let lang = ui_lang(ctx, from)?;
    match ctx.flood.check(from.id.0) {
        Verdict::Allow => {}
        Verdict::Warn => return reply(ctx, message, &escape(texts(lang).slow_down)).await,
        Verdict::Drop => return Ok(()),
    }
    // Answering takes a moment: show that the bot is on it. Only a courtesy, so a failure is ignored.
    let mut typing = ctx
        .bot
        .send_chat_action(message.chat.id, ChatAction::Typing);
    if let Some(thread) = topic_of(message) {
        typing = typing.message_thread_id(ThreadId(MessageId(thread)));
    }
    if let Err(error) = typing.await {
        tracing::debug!(failure = %classify(&error), "the typing indicator was not shown");
    }
    let asker = Asker {
        platform: Platform::Telegram,
        chat_id: message.chat.id.0.to_string(),
        user_id: from.id.0.to_string(),
        display_name: from.full_name(),
    };
    let request = AskRequest {
        asker: asker.clone(),
        question: question.to_string(),
        language: ctx.store.memory.lang(&asker.user_id)?,
        user_lang: from.language_code.as_deref().and_then(|c| c.parse().ok()),
        top_k,
    };
    let reply_to_asker = match ctx.assistant.ask(request).await {
        Ok(reply) => reply,
        Err(error) if error.code == FailureCode::BadRequest => {
            return self::reply(ctx, message, &escape(&error.message)).await;
        }
        Err(error) => {
            self::reply(ctx, message, &escape(texts(lang).sorry)).await?;
            return Err(error.into());
        }
    };
    let answer = &reply_to_asker.answer;
    let html = render_answer(answer, answer.language);
    let more = top_k.is_none() && !answer.citations.is_empty();
    let placement = Placement {
        thread_id: topic_of(message),
        reply_to: Some(message.id.0),
        keyboard: Some(keyboard::answer(
            answer.language,
            reply_to_asker.question_id,
            more,
        )),
    };
    ctx.store.memory.put_asked(
        reply_to_asker.question_id,
        &Asked {
            asker: asker.identity(),
            chat_id: asker.chat_id,
            place: Spot {
                message_id: message.id.0,
                thread_id: topic_of(message),
            },
        },
    )?;
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        message.chat.id.0,
        &html,
        &placement,
        false,
    )
    .await?;
    Ok(())
}

/// Opens a ticket for a recorded question (once), and returns what to tell the asker.
async fn escalate(ctx: &Context, question: QuestionId, by: &User) -> Result<String, HandlerError> {
    let lang = ui_lang(ctx, by)?;
    let text = escalate_once(
        ctx.assistant.as_ref(),
        &ctx.store.memory,
        question,
        &identity(by),
        &by.full_name(),
        lang,
        |asked: &Asked| Origin {
            chat_id: asked.chat_id.parse().unwrap_or_default(),
            message_id: asked.place.message_id,
            thread_id: asked.place.thread_id,
        },
    )
    .await?;
    Ok(escape(&text))
}

/// How to use `/answer` (in English, the desk's working language).
const ANSWER_USAGE: &str =
    "Send /answer followed by the answer, in a ticket's topic or as a reply to its card.";

/// How to use `/clarify` (in English, the desk's working language).
const CLARIFY_USAGE: &str = "Send /clarify followed by a question for the asker, in a ticket's topic or as a reply to its card.";

/// An expert's message about `ticket`: an answer for the asker or a note for the ticket, as the
/// conversation layer decides. People who may not act are refused an answer; their talk is ignored.
async fn expert_message(
    ctx: &Context,
    message: &Message,
    from: &User,
    ticket: TicketId,
    text: &str,
    meaning: ExpertMessage,
) -> Handled {
    if meaning == ExpertMessage::Ignore {
        return Ok(());
    }
    if !may_act(ctx, from, Some(message.chat.id)).await? {
        if matches!(meaning, ExpertMessage::Answer | ExpertMessage::Clarify) {
            return reply(ctx, message, &escape(NOT_AN_EXPERT)).await;
        }
        return Ok(());
    }
    let words = Intent::ExpertWords {
        ticket,
        text: text.to_string(),
        meaning,
    };
    let told = ctx
        .conversation
        .handle(&person(from, ui_lang(ctx, from)?), words)
        .await?;
    match told {
        Some(told) => reply(ctx, message, &render_reply(&told)).await,
        None => Ok(()),
    }
}

/// The refusal for people who are neither configured experts nor members of an experts' group (in
/// English, the desk's working language).
const NOT_AN_EXPERT: &str = "Sorry, only the desk's experts can act on tickets: members of the experts' group, or experts in the desk configuration. Ask an administrator to add you.";

/// Whether `from` may act on tickets: a configured expert, or a present member of the group chat the
/// action comes from when a desk group works in that chat (asked of Telegram, and admitted for a while).
async fn may_act(ctx: &Context, from: &User, chat: Option<ChatId>) -> Result<bool, HandlerError> {
    if ctx.assistant.is_expert(identity(from)).await? {
        return Ok(true);
    }
    let Some(chat) = chat.filter(|c| c.0 < 0) else {
        return Ok(false);
    };
    let member = with_retry(ctx.clock.as_ref(), || {
        ctx.bot.get_chat_member(chat, from.id).send()
    })
    .await?;
    if !member.kind.is_present() {
        return Ok(false);
    }
    let name = match &from.username {
        Some(username) => format!("{} (@{username})", from.full_name()),
        None => from.full_name(),
    };
    let chat = ChatRef::new(Platform::Telegram, chat.0.to_string());
    Ok(ctx
        .assistant
        .admit_member(identity(from), name, chat)
        .await?)
}

async fn on_callback(ctx: &Context, query: &CallbackQuery) -> Handled {
    let from = &query.from;
    let lang = ui_lang(ctx, from)?;
    let Some(press) = query.data.as_deref().and_then(Press::decode) else {
        ctx.bot.answer_callback_query(query.id.clone()).await?;
        return Ok(());
    };
    let message = match &query.message {
        Some(MaybeInaccessibleMessage::Regular(message)) => Some(message.as_ref()),
        _ => None,
    };
    let mut notice: Option<(String, bool)> = None;
    match press {
        Press::Claim(ticket)
        | Press::Close(ticket)
        | Press::Approve(ticket)
        | Press::Answer(ticket)
        | Press::Publish { ticket, .. }
            if !may_act(ctx, from, message.map(|m| m.chat.id)).await? =>
        {
            tracing::info!(%ticket, user = from.id.0, "a non-expert pressed a ticket button");
            notice = Some((NOT_AN_EXPERT.to_string(), true));
        }
        Press::Answer(ticket) => {
            // Telegram has no forms: an answer is a reply to the card.
            notice = Some((format!("Reply to the card of {ticket} to answer."), false));
        }
        Press::Claim(ticket) => {
            notice = Some(ticket_button(ctx, from, ticket, TicketButton::Claim).await);
        }
        Press::Close(ticket) => {
            notice = Some(ticket_button(ctx, from, ticket, TicketButton::Close).await);
        }
        Press::Approve(ticket) => {
            notice = Some(
                match ctx
                    .conversation
                    .approval_draft(identity(from), ticket)
                    .await
                {
                    Ok(draft) => match message {
                        Some(card) => show_draft(ctx, card, &draft).await?,
                        None => (STALE_BUTTON.to_string(), true),
                    },
                    Err(refused) => (refused.plain(), true),
                },
            );
        }
        Press::Publish { ticket, confirmed } => {
            let shown = message
                .and_then(|m| m.text())
                .and_then(read_draft)
                .filter(|(shown, _)| *shown == ticket);
            notice = Some(match (shown, message) {
                (Some((_, edit)), Some(draft)) => {
                    publish(ctx, draft, from, ticket, edit, confirmed).await?
                }
                _ => (STALE_BUTTON.to_string(), true),
            });
        }
        Press::Rate { question, up } => {
            let rating = Rating::from_thumb(up);
            let intent = Intent::RateAnswer { question, rating };
            notice = ctx
                .conversation
                .handle(&person(from, lang), intent)
                .await?
                .map(notice_of);
        }
        Press::RateTicket { ticket, up } => {
            let rating = Rating::from_thumb(up);
            let intent = Intent::RateTicket { ticket, rating };
            notice = ctx
                .conversation
                .handle(&person(from, lang), intent)
                .await?
                .map(notice_of);
        }
        Press::Escalate(question) => {
            let html = escalate(ctx, question, from).await?;
            if let Some(message) = message {
                reply(ctx, message, &html).await?;
            }
        }
        Press::MoreSources(question) => {
            match ctx
                .conversation
                .more_sources::<Spot>(question, identity(from), lang)
                .await?
            {
                MoreSources::Ask(_, words) => {
                    if let Some(message) = message {
                        ctx.bot.answer_callback_query(query.id.clone()).await?;
                        return ask(ctx, message, from, &words.text, Some(MORE_SOURCES)).await;
                    }
                }
                MoreSources::Refused(refusal) => notice = Some((refusal.plain(), true)),
            }
        }
        Press::Forget { confirmed, user } => {
            let intent = Intent::Forget {
                confirmed,
                shown_to: user,
            };
            match ctx.conversation.handle(&person(from, lang), intent).await? {
                None => {}
                Some(refused) if refused.refusal => notice = Some(notice_of(refused)),
                Some(done) => {
                    if let Some(message) = message {
                        let (chat, id) = (message.chat.id, message.id);
                        let html = render_reply(&done);
                        with_retry(ctx.clock.as_ref(), || {
                            let request = ctx
                                .bot
                                .edit_message_text(chat, id, html.clone())
                                .parse_mode(ParseMode::Html);
                            async move {
                                ctx.pace.wait(chat.0).await;
                                request.send().await
                            }
                        })
                        .await?;
                    }
                }
            }
        }
    }
    let mut answer = ctx.bot.answer_callback_query(query.id.clone());
    if let Some((text, alert)) = notice {
        answer = answer.text(text).show_alert(alert);
    }
    answer.await?;
    Ok(())
}

/// The ticket of the FAQ draft `message` replies to, when it replies to one of the bot's drafts.
fn draft_replied_to(ctx: &Context, message: &Message) -> Option<TicketId> {
    let replied = message.reply_to_message()?;
    if replied.from.as_ref()?.id.0 != ctx.me_id {
        return None;
    }
    read_draft(replied.text()?).map(|(ticket, _)| ticket)
}

/// Shows the FAQ draft of a ticket under `under` (the card, or the expert's edit), with the button
/// that publishes it; returns the notice for the expert.
async fn show_draft(
    ctx: &Context,
    under: &Message,
    draft: &ApprovalDraft,
) -> Result<(String, bool), HandlerError> {
    let Some(html) = draft_html(draft) else {
        return Ok((TOO_LONG_FOR_A_DRAFT.to_string(), true));
    };
    let placement = Placement {
        thread_id: topic_of(under),
        reply_to: Some(under.id.0),
        keyboard: Some(keyboard::publish(
            &draft.ticket,
            !draft.particulars.is_empty(),
        )),
    };
    send_html(
        &ctx.bot,
        &ctx.pace,
        ctx.clock.as_ref(),
        under.chat.id.0,
        &html,
        &placement,
        false,
    )
    .await?;
    Ok(if draft.particulars.is_empty() {
        (DRAFT_SHOWN.to_string(), false)
    } else {
        (flag_warning(&draft.particulars), true)
    })
}

/// The draft as one Telegram message; `None` when it would not fit in one (its button publishes the
/// text of the message it is under, which must be the whole draft).
fn draft_html(draft: &ApprovalDraft) -> Option<String> {
    let html = escape(&draft_text(draft, Some(HOW_TO_EDIT)));
    (html.chars().count() <= MESSAGE_LIMIT).then_some(html)
}

/// What the expert is told once a draft is shown.
const DRAFT_SHOWN: &str = "The FAQ draft is below: reply to it with your edit, or publish it.";
/// Why a draft cannot be shown here.
const TOO_LONG_FOR_A_DRAFT: &str = "This answer is too long to edit in a Telegram message: approve it in the expert console or with `consulta tickets approve`.";

/// Publishes an expert's edit (or a draft as shown); a draft with particulars is shown again, under
/// `under`, with the button that confirms them. Returns the notice for the expert.
async fn publish(
    ctx: &Context,
    under: &Message,
    from: &User,
    ticket: TicketId,
    edit: Edit,
    confirmed: bool,
) -> Result<(String, bool), HandlerError> {
    match ctx
        .conversation
        .publish(identity(from), ticket, edit, confirmed)
        .await
    {
        Published::Done(done) => Ok((done.plain(), false)),
        Published::NeedsConfirmation(draft) => show_draft(ctx, under, &draft).await,
        Published::Refused(refused) => Ok((refused.plain(), true)),
    }
}

/// An expert's reply to an FAQ draft: their edit, published (or shown again to confirm flagged
/// particulars).
async fn edit_draft(
    ctx: &Context,
    message: &Message,
    from: &User,
    ticket: TicketId,
    text: &str,
) -> Handled {
    if !may_act(ctx, from, Some(message.chat.id)).await? {
        return reply(ctx, message, &escape(NOT_AN_EXPERT)).await;
    }
    let Some(edit) = read_edit(text) else {
        return reply(ctx, message, &escape(HOW_TO_EDIT)).await;
    };
    match ctx
        .conversation
        .publish(identity(from), ticket, edit, false)
        .await
    {
        Published::Done(done) | Published::Refused(done) => {
            reply(ctx, message, &render_reply(&done)).await
        }
        Published::NeedsConfirmation(draft) if draft_html(&draft).is_none() => {
            reply(ctx, message, &escape(TOO_LONG_FOR_A_DRAFT)).await
        }
        Published::NeedsConfirmation(draft) => {
            show_draft(ctx, message, &draft).await?;
            Ok(())
        }
    }
}

/// A claim, close or approve button, as the conversation layer does it; the notice to show (an alert
/// when refused).
async fn ticket_button(
    ctx: &Context,
    from: &User,
    ticket: TicketId,
    button: TicketButton,
) -> (String, bool) {
    let outcome = ctx
        .conversation
        .ticket_button(
            identity(from),
            ticket,
            button,
            "Reply to its card to answer.",
        )
        .await;
    match outcome {
        Ok(done) => (done.plain(), false),
        Err(refused) => (refused.plain(), true),
    }
}

/// A reply as a button's notice: a refusal is an alert, so that it is not missed.
fn notice_of(reply: Reply) -> (String, bool) {
    (reply.plain(), reply.refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_other_bots_are_not_ours() {
        assert_eq!(
            parse_command("/ask@consulta_bot ¿Qué es?", "consulta_bot"),
            Command::Ours("ask".into(), "¿Qué es?")
        );
        assert_eq!(
            parse_command("/ask@other_bot x", "consulta_bot"),
            Command::OtherBot
        );
        assert_eq!(
            parse_command("/LANG pt", "consulta_bot"),
            Command::Ours("lang".into(), "pt")
        );
        assert_eq!(parse_command("hola", "consulta_bot"), Command::None);
    }

    #[test]
    fn mentions_are_found_in_any_case_and_removed() {
        assert_eq!(
            without_mention("@Consulta_Bot what is an ITMO?", "consulta_bot").as_deref(),
            Some("what is an ITMO?")
        );
        assert_eq!(without_mention("what is an ITMO?", "consulta_bot"), None);
    }
}
