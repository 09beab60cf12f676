//! Interactions → assistant calls: slash commands, button presses and the answer form.
//!
//! Discord gives a bot 3 seconds to acknowledge an interaction. Whatever may take longer (answering,
//! escalating, the desk) is deferred first and edited in when done.

use serenity::all::{
    ActionRowComponent, CommandInteraction, ComponentInteraction, Interaction, InteractionId,
    MessageFlags, ModalInteraction,
};
use serenity::builder::{
    CreateActionRow, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, EditInteractionResponse,
};

use crate::chat::{
    CONFIRM_WORD, Edit, ExpertMessage, Intent, Press, Reply, Said, approval_words, flag_warning,
    texts,
};

use super::commands::{flag_option, string_option};
use super::components::{
    self, ANSWER_FIELD, FAQ_ANSWER_FIELD, FAQ_CONFIRM_FIELD, FAQ_QUESTION_FIELD,
};
use super::frontend::{no_pings, with_retry};
use super::handler::{
    Context, Handled, HandlerError, Who, answer_components, lang_of, record, said, spot, ui_lang,
};
use super::render::{AnswerEmbed, MESSAGE_LIMIT, escape, render_reply, truncate};
use super::store::Spot;

/// Handles one interaction.
pub async fn handle(ctx: &Context, interaction: Interaction) -> Handled {
    match interaction {
        Interaction::Command(command) => on_command(ctx, &command).await,
        Interaction::Component(press) => on_press(ctx, &press).await,
        Interaction::Modal(form) => on_form(ctx, &form).await,
        _ => Ok(()),
    }
}

/// The interaction's response: its id and token.
struct Response<'a> {
    id: InteractionId,
    token: &'a str,
}

impl Response<'_> {
    async fn create(&self, ctx: &Context, response: CreateInteractionResponse) -> Handled {
        with_retry(ctx.clock.as_ref(), || {
            ctx.http
                .create_interaction_response(self.id, self.token, &response, Vec::new())
        })
        .await?;
        Ok(())
    }

    /// Answers at once with `text` (already escaped).
    async fn say(&self, ctx: &Context, text: &str, ephemeral: bool) -> Handled {
        self.say_with(ctx, text, ephemeral, Vec::new()).await
    }

    /// Answers at once with the conversation's reply, ephemeral: on Discord, what a command or a
    /// button gives back is for the person who used it.
    async fn say_reply(&self, ctx: &Context, told: Option<Reply>) -> Handled {
        let text = told.as_ref().map(render_reply).unwrap_or_default();
        self.say(ctx, &text, true).await
    }

    async fn say_with(
        &self,
        ctx: &Context,
        text: &str,
        ephemeral: bool,
        rows: Vec<CreateActionRow>,
    ) -> Handled {
        let message = CreateInteractionResponseMessage::new()
            .content(truncate(text, MESSAGE_LIMIT))
            .ephemeral(ephemeral)
            .allowed_mentions(no_pings())
            .components(rows);
        self.create(ctx, CreateInteractionResponse::Message(message))
            .await
    }

    /// Acknowledges now, to answer later with [`Response::edit`].
    async fn defer(&self, ctx: &Context, ephemeral: bool) -> Handled {
        let message = CreateInteractionResponseMessage::new().ephemeral(ephemeral);
        self.create(ctx, CreateInteractionResponse::Defer(message))
            .await
    }

    /// Puts the deferred answer in; returns the id of the message it is.
    async fn edit(
        &self,
        ctx: &Context,
        edit: EditInteractionResponse,
    ) -> Result<serenity::all::MessageId, HandlerError> {
        let edit = edit.allowed_mentions(no_pings());
        let message = with_retry(ctx.clock.as_ref(), || {
            ctx.http
                .edit_original_interaction_response(self.token, &edit, Vec::new())
        })
        .await?;
        Ok(message.id)
    }

    async fn edit_text(&self, ctx: &Context, text: &str) -> Handled {
        self.edit(
            ctx,
            EditInteractionResponse::new().content(truncate(text, MESSAGE_LIMIT)),
        )
        .await?;
        Ok(())
    }

    /// Sends `text` (already escaped) as a follow-up only the person who acted sees: how a refusal
    /// reaches them once the response was acknowledged in a way others can see.
    async fn follow_up_privately(&self, ctx: &Context, text: &str) -> Handled {
        let message = CreateInteractionResponseFollowup::new()
            .content(truncate(text, MESSAGE_LIMIT))
            .ephemeral(true)
            .allowed_mentions(no_pings());
        with_retry(ctx.clock.as_ref(), || {
            ctx.http
                .create_followup_message(self.token, &message, Vec::new())
        })
        .await?;
        Ok(())
    }

    /// Puts `told` into a response deferred publicly (`deferred_ephemeral` false) or not. A deferred
    /// response keeps the visibility it was deferred with, so a reply for the person only (a
    /// refusal: not their question) under a public one replaces it: the public placeholder is
    /// deleted and the reply follows up ephemeral, and nobody else sees it.
    async fn put_reply(&self, ctx: &Context, told: &Reply, deferred_ephemeral: bool) -> Handled {
        let text = render_reply(told);
        if !told.private || deferred_ephemeral {
            return self.edit_text(ctx, &text).await;
        }
        with_retry(ctx.clock.as_ref(), || {
            ctx.http.delete_original_interaction_response(self.token)
        })
        .await?;
        self.follow_up_privately(ctx, &text).await
    }
}

fn who(
    user: &serenity::all::User,
    member: Option<&serenity::all::Member>,
    locale: &str,
    channel: serenity::all::ChannelId,
) -> Who {
    Who {
        user: user.clone(),
        roles: member.map(|m| m.roles.clone()).unwrap_or_default(),
        locale: locale.parse().ok(),
        channel,
    }
}

async fn on_command(ctx: &Context, command: &CommandInteraction) -> Handled {
    let who = who(
        &command.user,
        command.member.as_deref(),
        &command.locale,
        command.channel_id,
    );
    let lang = ui_lang(ctx, &who).await?;
    let t = texts(lang);
    let response = Response {
        id: command.id,
        token: &command.token,
    };
    let options = &command.data.options;
    let ticket = || ctx.store.thread_ticket(command.channel_id.get());
    let intent = match command.data.name.as_str() {
        "ask" => {
            let question = string_option(options, "question").unwrap_or_default();
            let private = flag_option(options, "private");
            let chat = if private {
                format!("@{}", who.key())
            } else {
                command.channel_id.get().to_string()
            };
            let ask = Intent::Ask {
                question: question.to_string(),
                chat,
                language: None,
                top_k: None,
            };
            if question.trim().is_empty() {
                // Nothing to look up: the conversation says how to ask at once, to the member only.
                let told = said(ctx, &who, ask).await?;
                return response.say_reply(ctx, told.reply()).await;
            }
            let channel = (!private).then_some(command.channel_id);
            return ask_deferred(ctx, &response, &who, ask, channel).await;
        }
        "expert" => Intent::Escalate(None),
        "lang" => {
            // One write: answered at once.
            let chosen = string_option(options, "language").and_then(|code| code.parse().ok());
            let told = said(ctx, &who, Intent::Lang(chosen)).await?;
            return response.say_reply(ctx, told.reply()).await;
        }
        "status" => Intent::Status,
        "answer" | "clarify" => {
            let Some(ticket) = ticket()? else {
                return response.say(ctx, &escape(t.desk.answer_where), true).await;
            };
            let meaning = if command.data.name == "clarify" {
                ExpertMessage::Clarify
            } else {
                ExpertMessage::Answer
            };
            let text = string_option(options, "text").unwrap_or_default();
            Intent::ExpertWords {
                ticket,
                text: text.to_string(),
                meaning,
            }
        }
        "unclaim" | "reopen" | "transfer" => {
            let Some(ticket) = ticket()? else {
                return response
                    .say(ctx, &escape(t.desk.ticket_command_where), true)
                    .await;
            };
            match command.data.name.as_str() {
                "unclaim" => Intent::Unclaim(ticket),
                "reopen" => Intent::Reopen(ticket),
                _ => Intent::Transfer {
                    ticket,
                    to: string_option(options, "to").unwrap_or_default().to_string(),
                },
            }
        }
        "forget" => {
            return response
                .say_with(
                    ctx,
                    &escape(t.forget_confirm),
                    true,
                    components::forget(lang, &who.key()),
                )
                .await;
        }
        "help" => return response.say(ctx, &escape(t.help), true).await,
        _ => return response.say(ctx, &escape(t.unknown_command), true).await,
    };
    // What a command gives back is for the member who used it: acknowledged at once (the desk may
    // take longer than Discord's 3 seconds), ephemeral, then put in.
    deferred(ctx, &response, &who, intent, true).await
}

/// Acknowledges an interaction (ephemeral when `ephemeral`), hands `intent` to the conversation, and
/// puts in what it said.
async fn deferred(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    intent: Intent,
    ephemeral: bool,
) -> Handled {
    response.defer(ctx, ephemeral).await?;
    let publishing = match &intent {
        Intent::Publish { ticket, .. } => Some(ticket.clone()),
        _ => None,
    };
    let told = match said(ctx, who, intent).await? {
        Said::Reply(told) => {
            // Published: the edit held for it, if any, is done with.
            if let Some(ticket) = publishing.filter(|_| !told.refusal) {
                ctx.held.release(who.user.id.get(), &ticket);
            }
            return response.put_reply(ctx, &told, ephemeral).await;
        }
        // The flags go first, so that a long edit cut to a message's length never cuts them; the
        // button reopens the form with the field that confirms them.
        Said::Unconfirmed(draft) => {
            ctx.held.hold(who.user.id.get(), draft.clone());
            let lang = ui_lang(ctx, who).await?;
            let words = approval_words(lang);
            let text = format!(
                "{} {}\n{}\n\n{}\n\n{}",
                words.not_published,
                flag_warning(&draft.particulars, lang),
                words.form_again.replace("{word}", CONFIRM_WORD),
                draft.question,
                draft.answer
            );
            let edit = EditInteractionResponse::new()
                .content(truncate(&escape(&text), MESSAGE_LIMIT))
                .components(components::confirm_flagged(&draft.ticket, lang));
            response.edit(ctx, edit).await?;
            return Ok(());
        }
        Said::Nothing | Said::Answer(_) | Said::AnswerForm(_) | Said::Draft(_) => String::new(),
    };
    response.edit_text(ctx, &told).await
}

/// Asks (`/ask`, or "More sources") into a deferred response and records where the answer is:
/// `channel` is where it is posted, `None` when it is ephemeral (the expert's answer then goes by
/// direct message).
async fn ask_deferred(
    ctx: &Context,
    response: &Response<'_>,
    who: &Who,
    intent: Intent,
    channel: Option<serenity::all::ChannelId>,
) -> Handled {
    response.defer(ctx, channel.is_none()).await?;
    match said(ctx, who, intent).await? {
        Said::Answer(answered) => {
            let embed = AnswerEmbed::new(
                &answered.question,
                &answered.reply.answer,
                lang_of(&answered),
            );
            let edit = EditInteractionResponse::new()
                .embed(embed.build())
                .components(answer_components(&answered));
            let posted = response.edit(ctx, edit).await?;
            let place = match channel {
                Some(channel) => spot(channel, Some(posted)),
                None => Spot {
                    message_id: None,
                    channel_id: 0,
                },
            };
            record(ctx, &answered, place)?;
            Ok(())
        }
        Said::Reply(told) => response.put_reply(ctx, &told, channel.is_none()).await,
        // A flood already warned about: the deferred response still needs words.
        Said::Nothing | Said::AnswerForm(_) | Said::Draft(_) | Said::Unconfirmed(_) => {
            let lang = ui_lang(ctx, who).await?;
            response
                .edit_text(ctx, &escape(texts(lang).slow_down))
                .await
        }
    }
}

async fn on_press(ctx: &Context, press: &ComponentInteraction) -> Handled {
    let who = who(
        &press.user,
        press.member.as_ref(),
        &press.locale,
        press.channel_id,
    );
    let response = Response {
        id: press.id,
        token: &press.token,
    };
    let private = press
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    // Discord has forms: nothing publishes the draft a button is under. "Publish with the flagged
    // particulars", shown under the list of them, opens the form with the field that confirms them.
    let (intent, flags_shown) = match Press::decode(&press.data.custom_id).map(Press::intent) {
        Some(Ok(intent)) => (intent, false),
        Some(Err((ticket, true))) => (Intent::Approve(ticket), true),
        Some(Err((_, false))) | None => return stale(ctx, &response, &who).await,
    };
    match intent {
        Intent::Escalate(_) => return deferred(ctx, &response, &who, intent, private).await,
        Intent::MoreSources(_) => {
            let channel = (!private).then_some(press.channel_id);
            return ask_deferred(ctx, &response, &who, intent, channel).await;
        }
        Intent::Claim(_) | Intent::Close(_) => {
            return deferred(ctx, &response, &who, intent, true).await;
        }
        Intent::Forget { .. } => return forget(ctx, &response, &who, intent).await,
        _ => {}
    }
    // Pressed on the card, "Approve as FAQ" starts over from the desk's draft; pressed under a held
    // edit, the form opens with that edit, so that what the expert typed is not lost.
    let held = match &intent {
        Intent::Approve(ticket) if flags_shown => ctx.held.edit_of(who.user.id.get(), ticket),
        Intent::Approve(ticket) => {
            ctx.held.release(who.user.id.get(), ticket);
            None
        }
        _ => None,
    };
    // A form must be the first response, within Discord's 3 seconds: the draft and the expert check
    // are reads; a rating is one write.
    match said(ctx, &who, intent).await? {
        Said::AnswerForm(ticket) => {
            let lang = ui_lang(ctx, &who).await?;
            let form = CreateInteractionResponse::Modal(components::answer_form(&ticket, lang));
            response.create(ctx, form).await
        }
        // Flagged particulars are listed in full, in a message only the expert sees, before any
        // form that can confirm them: a form has no room for the list.
        Said::Draft(draft) if !draft.particulars.is_empty() && !flags_shown => {
            let lang = ui_lang(ctx, &who).await?;
            let rows = components::confirm_flagged(&draft.ticket, lang);
            let warning = escape(&flag_warning(&draft.particulars, lang));
            response.say_with(ctx, &warning, true, rows).await
        }
        Said::Draft(draft) => {
            let lang = ui_lang(ctx, &who).await?;
            match components::approval_form(held.as_ref().unwrap_or(&draft), lang) {
                Some(form) => {
                    response
                        .create(ctx, CreateInteractionResponse::Modal(form))
                        .await
                }
                None => {
                    let too_long = texts(lang).desk.too_long_for_the_form;
                    response.say(ctx, &escape(too_long), true).await
                }
            }
        }
        Said::Reply(told) => response.say_reply(ctx, Some(told)).await,
        Said::Nothing | Said::Answer(_) | Said::Unconfirmed(_) => {
            response.say_reply(ctx, None).await
        }
    }
}

/// Tells whoever pressed a button (or sent a form) this bot does not (or no longer) know that it is
/// stale, in their language, for them only.
async fn stale(ctx: &Context, response: &Response<'_>, who: &Who) -> Handled {
    let lang = ui_lang(ctx, who).await?;
    response
        .say(ctx, &escape(texts(lang).stale_button), true)
        .await
}

/// The `/forget` confirmation pressed: acknowledged at once (forgetting deletes everything the desk
/// keeps about the person, which may take longer than Discord's 3 seconds), then the confirmation
/// becomes what was done, so that it cannot be pressed again. Someone else's press is refused to
/// them alone.
async fn forget(ctx: &Context, response: &Response<'_>, who: &Who, intent: Intent) -> Handled {
    response
        .create(ctx, CreateInteractionResponse::Acknowledge)
        .await?;
    match said(ctx, who, intent).await? {
        Said::Reply(done) if !done.refusal => {
            let edit = EditInteractionResponse::new()
                .content(truncate(&render_reply(&done), MESSAGE_LIMIT))
                .components(Vec::new());
            response.edit(ctx, edit).await?;
            Ok(())
        }
        Said::Reply(refused) => {
            response
                .follow_up_privately(ctx, &render_reply(&refused))
                .await
        }
        Said::Nothing
        | Said::Answer(_)
        | Said::AnswerForm(_)
        | Said::Draft(_)
        | Said::Unconfirmed(_) => Ok(()),
    }
}

async fn on_form(ctx: &Context, form: &ModalInteraction) -> Handled {
    let who = who(
        &form.user,
        form.member.as_ref(),
        &form.locale,
        form.channel_id,
    );
    let response = Response {
        id: form.id,
        token: &form.token,
    };
    let field = |id: &str| {
        form.data
            .components
            .iter()
            .flat_map(|row| &row.components)
            .find_map(|component| match component {
                ActionRowComponent::InputText(input) if input.custom_id == id => {
                    input.value.clone()
                }
                _ => None,
            })
            .unwrap_or_default()
    };
    let intent = match Press::decode(&form.data.custom_id) {
        Some(Press::Answer(ticket)) => Intent::ExpertWords {
            ticket,
            text: field(ANSWER_FIELD),
            meaning: ExpertMessage::Answer,
        },
        // The expert's edit is published, or refused with the reason; flagged particulars not
        // confirmed are listed with the edited text, so that nothing typed is lost.
        Some(Press::Approve(ticket)) => Intent::Publish {
            ticket,
            edit: Edit {
                question: field(FAQ_QUESTION_FIELD),
                answer: field(FAQ_ANSWER_FIELD),
            },
            confirmed: field(FAQ_CONFIRM_FIELD).trim() == CONFIRM_WORD,
        },
        _ => return stale(ctx, &response, &who).await,
    };
    deferred(ctx, &response, &who, intent, true).await
}
