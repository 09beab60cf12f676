//! `consulta tickets`: lists, shows and acts on tickets from the terminal, as a configured expert.

use std::io::Read;
use std::process::ExitCode;

use anyhow::bail;

use consulta_bot::chat::{DeskRefusal, approval_words, draft_text, flag_warning, texts};
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Approval, ApprovalDraft, DeskError, Identity, Particular, Platform, Status, Ticket,
    TicketId, TransferTarget, find_particulars,
};

use crate::cli::{TicketCommand, TicketsArgs};
use crate::config::Settings;
use crate::{engine, output};

/// Lists, shows and acts on tickets as the expert `--as NAME` (identity `cli:NAME`). What cannot be
/// done is said in that expert's language, as the rest of what the terminal says to them (their
/// `/lang`, else the desk's): the expert reads it to know what to do next.
pub fn run(settings: &Settings, args: TicketsArgs) -> anyhow::Result<ExitCode> {
    let expert = args.expert.clone();
    work(settings, args).map_err(|error| in_language(error, settings, expert.as_deref()))
}

fn work(settings: &Settings, args: TicketsArgs) -> anyhow::Result<ExitCode> {
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
                bail!(Refusal::NothingPublished);
            }
            let shown = |given: Option<String>, draft: &str, missing: Refusal| match given {
                Some(text) => Ok(text),
                None if as_shown => Ok(draft.to_string()),
                None => Err(missing),
            };
            let question = shown(question, &draft.question, Refusal::GiveQuestion)?;
            let answer = shown(answer, &draft.answer, Refusal::GiveAnswer)?;
            let unseen = unconfirmed(&question, &answer, &confirm_particulars);
            if !unseen.is_empty() {
                bail!(Refusal::Unconfirmed(unseen));
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
                        .map_err(|_| Refusal::UnreadableStdin)?;
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
                (None, None) => bail!(Refusal::TransferWhere),
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

fn expert(name: Option<&str>) -> Result<Identity, Refusal> {
    let name = name.ok_or(Refusal::WhichExpert)?;
    Ok(Identity::new(Platform::Cli, name))
}

fn parse_id(id: &str) -> Result<TicketId, Refusal> {
    id.parse()
        .map_err(|_| Refusal::NotATicketId(id.to_string()))
}

fn parse_status(status: &str) -> Result<Status, Refusal> {
    Status::ALL
        .into_iter()
        .find(|s| s.as_str() == status)
        .ok_or_else(|| Refusal::UnknownStatus(status.to_string()))
}

/// What `consulta tickets` refuses by itself, before or instead of asking the desk. Worded when it
/// is said, in the language of whoever it is said to ([`in_language`]); English otherwise.
#[derive(Debug)]
enum Refusal {
    /// No `--as`.
    WhichExpert,
    /// Not a ticket id.
    NotATicketId(String),
    /// Not a status `--status` knows.
    UnknownStatus(String),
    /// `approve` with nothing to publish.
    NothingPublished,
    /// `approve` with an answer and no question.
    GiveQuestion,
    /// `approve` with a question and no answer.
    GiveAnswer,
    /// `approve` of text with particulars the expert did not confirm by name.
    Unconfirmed(Vec<Particular>),
    /// `transfer` with no target.
    TransferWhere,
    /// The answer on standard input is not text.
    UnreadableStdin,
}

impl Refusal {
    /// The refusal in `lang`.
    fn said(&self, lang: Lang) -> String {
        let words = &texts(lang).desk.terminal;
        match self {
            Refusal::WhichExpert => words.which_expert.to_string(),
            Refusal::NotATicketId(id) => words.not_a_ticket_id.replace("{id}", id),
            Refusal::UnknownStatus(status) => words.unknown_status.replace("{status}", status),
            Refusal::NothingPublished => words.nothing_published.to_string(),
            Refusal::GiveQuestion => words.give_question.to_string(),
            Refusal::GiveAnswer => words.give_answer.to_string(),
            Refusal::Unconfirmed(unseen) => {
                let example = unseen.first().map(|p| format!("{:?}", p.text));
                words
                    .unconfirmed
                    .replace("{warning}", &flag_warning(unseen, lang))
                    .replace("{example}", &example.unwrap_or_default())
            }
            Refusal::TransferWhere => words.transfer_where.to_string(),
            Refusal::UnreadableStdin => words.unreadable_stdin.to_string(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said(Lang::En))
    }
}

impl std::error::Error for Refusal {}

/// `error` in the language of the expert `--as NAME` (or, with no expert named, the desk's) when it
/// is a refusal the expert can act on: the terminal's own, or the desk's about a ticket, an expert or
/// a group. Anything else (a storage or configuration failure) is for whoever runs the service, and
/// stays as it is.
fn in_language(error: anyhow::Error, settings: &Settings, expert: Option<&str>) -> anyhow::Error {
    let said = |lang| {
        if let Some(refusal) = error.downcast_ref::<Refusal>() {
            return Some(refusal.said(lang));
        }
        desk_refusal(error.downcast_ref::<DeskError>()?, lang)
    };
    // A failure that is no refusal stays as it is, without opening the desk to find a language.
    if said(Lang::En).is_none() {
        return error;
    }
    let desk_language = settings
        .desk
        .language
        .unwrap_or(settings.retrieval.default_language);
    let lang = expert.map_or(desk_language, |name| {
        let by = Identity::new(Platform::Cli, name);
        engine::open_desk(settings, None).map_or(desk_language, |desk| desk.expert_language(&by))
    });
    said(lang).map_or(error, |said| anyhow::anyhow!(said))
}

/// The desk's refusal `error` in `lang`, when it is one an expert meets at the terminal: the words
/// a chat says too ([`DeskRefusal::said`]), then what to fix here, where the expert typed the id or
/// may edit the configuration.
fn desk_refusal(error: &DeskError, lang: Lang) -> Option<String> {
    if let DeskError::Particulars { found, .. } = error {
        return Some(Refusal::Unconfirmed(found.clone()).said(lang));
    }
    let refusal = DeskRefusal::of(error)?;
    let words = &texts(lang).desk.terminal;
    let fix = match &refusal {
        DeskRefusal::NoSuchTicket(_) => words.check_ticket_id,
        DeskRefusal::NotAnExpert(_) => words.add_expert,
        DeskRefusal::UnknownExpert(_) => words.name_an_expert,
        DeskRefusal::UnknownGroup(_) => words.name_a_group,
        // A ticket's state, or an asker's refusal met here only through a bug: nothing to fix in
        // the id or the configuration.
        _ => return Some(refusal.said(lang)),
    };
    Some(format!("{}: {fix}", refusal.said(lang)))
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
