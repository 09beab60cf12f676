//! `consulta tickets`: lists, shows and acts on tickets from the terminal, as a configured expert.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};

use consulta_bot::chat::{approval_words, draft_text, flag_warning};
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Approval, ApprovalDraft, Identity, Particular, Platform, Status, Ticket, TicketId,
    TransferTarget, find_particulars,
};

use crate::cli::{TicketCommand, TicketsArgs};
use crate::config::Settings;
use crate::{engine, output};

/// Lists, shows and acts on tickets as the expert `--as NAME` (identity `cli:NAME`).
pub fn run(settings: &Settings, args: TicketsArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        TicketCommand::List { status } => {
            let wanted = status.as_deref().map(parse_status).transpose()?;
            let desk = engine::open_desk(settings, None)?;
            // A status reads that status's tickets through the desk's index; only "all" reads all.
            let mut tickets: Vec<Ticket> = match wanted {
                Some(status) => desk.tickets_in(status)?,
                None => desk.tickets()?,
            };
            tickets.sort_by_key(|t| std::cmp::Reverse(t.created_at));
            let mut stdout = std::io::stdout().lock();
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &tickets)?;
                println!();
            } else {
                output::write_ticket_list(&mut stdout, &tickets)?;
            }
        }
        TicketCommand::Show { id } => {
            let desk = engine::open_desk(settings, None)?;
            let ticket = desk.ticket(&parse_id(&id)?)?;
            print_ticket(&ticket, args.json)?;
        }
        TicketCommand::Approve {
            id,
            question,
            answer,
            as_shown,
            confirm_particulars,
        } => {
            let by = expert(args.expert.as_deref())?;
            let id = parse_id(&id)?;
            let desk = engine::open_desk(settings, None)?;
            let draft = desk.approval_draft(&by, &id)?;
            let lang = desk.expert_language(&by);
            // Publishing opens the desk again with the engine, and its store opens once at a time.
            drop(desk);
            if question.is_none() && answer.is_none() && !as_shown {
                print_draft(&draft, lang);
                bail!(
                    "nothing published: pass the text to publish with --question and --answer, or --as-shown to publish the draft above unchanged"
                );
            }
            let shown = |given: Option<String>, draft: &str, what: &str| match given {
                Some(text) => Ok(text),
                None if as_shown => Ok(draft.to_string()),
                None => Err(anyhow::anyhow!(
                    "give the {what} to publish with --{what}, or --as-shown to publish the draft's {what} unchanged"
                )),
            };
            let question = shown(question, &draft.question, "question")?;
            let answer = shown(answer, &draft.answer, "answer")?;
            let unseen = unconfirmed(&question, &answer, &confirm_particulars);
            if !unseen.is_empty() {
                bail!(
                    "nothing published. {}\nTo publish them, confirm each by name with --confirm-particulars (for example --confirm-particulars {:?}).",
                    flag_warning(&unseen, lang),
                    unseen[0].text
                );
            }
            let approval = Approval {
                question,
                answer,
                confirm_particulars: !confirm_particulars.is_empty(),
            };
            let desk = engine::open_desk(settings, Some(engine::open(settings)?))?;
            let entry = desk.approve(&by, &id, approval)?;
            let published = approval_words(lang).published;
            println!(
                "{} ({}, \"{}\")",
                published.replace("{id}", entry.ticket.as_str()),
                entry.language,
                entry.source()
            );
        }
        TicketCommand::Tick => {
            let desk = engine::open_desk(settings, None)?;
            let done = desk.tick()?;
            println!(
                "reminded {} ticket(s); retention purged {} closed ticket(s) and anonymised {} question(s)",
                done.reminded.len(),
                done.retention.tickets,
                done.retention.questions
            );
        }
        TicketCommand::Forget { user } => {
            let user: Identity = user.parse()?;
            let desk = engine::open_desk(settings, None)?;
            let forgotten = desk.forget(&user)?;
            println!(
                "forgot {user}: {} ticket(s) and {} undelivered message(s) deleted, {} question(s) anonymised",
                forgotten.tickets, forgotten.messages, forgotten.questions
            );
        }
        TicketCommand::Export { dir } => {
            let desk = engine::open_desk(settings, None)?;
            for (path, count) in desk.export_curated(&dir)? {
                println!("wrote {count} entries to {}", path.display());
            }
        }
        command => {
            let by = expert(args.expert.as_deref())?;
            let (id, action) = action_of(command)?;
            let desk = engine::open_desk(settings, None)?;
            let ticket = desk.act(&by, &parse_id(&id)?, action)?;
            print_ticket(&ticket, args.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The ticket action a subcommand stands for, with the ticket it acts on.
fn action_of(command: TicketCommand) -> anyhow::Result<(String, Action)> {
    Ok(match command {
        TicketCommand::Claim { id } => (id, Action::Claim),
        TicketCommand::Unclaim { id } => (id, Action::Unclaim),
        TicketCommand::Answer { id, text } => {
            let text = match text {
                Some(text) => text,
                None => {
                    let mut text = String::new();
                    std::io::stdin()
                        .read_to_string(&mut text)
                        .context("cannot read the answer from stdin (it must be UTF-8)")?;
                    text
                }
            };
            (id, Action::Answer { text })
        }
        TicketCommand::Close { id, reason } => (id, Action::Close { reason }),
        TicketCommand::Reopen { id, reason } => (id, Action::Reopen { reason }),
        TicketCommand::Note { id, text } => (id, Action::Note { text }),
        TicketCommand::Clarify { id, text } => (id, Action::Clarify { text }),
        TicketCommand::Transfer { id, expert, group } => {
            let target = match (expert, group) {
                (Some(expert), _) => TransferTarget::Expert(expert),
                (None, Some(group)) => TransferTarget::Group(group),
                (None, None) => bail!("say where the ticket goes: --expert NAME or --group NAME"),
            };
            (id, Action::Transfer(target))
        }
        TicketCommand::List { .. }
        | TicketCommand::Show { .. }
        | TicketCommand::Approve { .. }
        | TicketCommand::Export { .. }
        | TicketCommand::Tick
        | TicketCommand::Forget { .. } => unreachable!("handled before actions"),
    })
}

fn expert(name: Option<&str>) -> anyhow::Result<Identity> {
    let Some(name) = name else {
        bail!(
            "say which expert you are: --as NAME (or CONSULTA_EXPERT=NAME), where cli:NAME is one of your identities in [[desk.experts]]"
        );
    };
    Ok(Identity::new(Platform::Cli, name))
}

fn parse_id(id: &str) -> anyhow::Result<TicketId> {
    id.parse()
        .with_context(|| format!("{id:?} is not a ticket id; `consulta tickets list` shows them"))
}

fn parse_status(status: &str) -> anyhow::Result<Status> {
    Status::ALL
        .into_iter()
        .find(|s| s.as_str() == status)
    .with_context(|| {
        format!(
            "unknown status {status:?}: use open, claimed, answered, closed, reopened or waiting"
        )
    })
}

fn print_ticket(ticket: &Ticket, json: bool) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, ticket)?;
        println!();
    } else {
        output::write_ticket(&mut stdout, ticket)?;
    }
    Ok(())
}

/// The particulars flagged in `question` and `answer` that the expert did not name in `confirmed`:
/// a confirmation counts only for what it names, so that `--as-shown` cannot publish, unseen, a
/// particular the expert never read.
fn unconfirmed(question: &str, answer: &str, confirmed: &[String]) -> Vec<Particular> {
    find_particulars(&format!("{question}\n{answer}"))
        .into_iter()
        .filter(|found| !confirmed.iter().any(|named| named.trim() == found.text))
        .collect()
}

/// The draft approving would publish, as the chat front-ends show it, in the expert's language.
fn print_draft(draft: &ApprovalDraft, lang: Lang) {
    println!("{}", draft_text(draft, lang, false));
}
