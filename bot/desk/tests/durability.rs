//! Durability under `kill -9`: once `open_ticket` returns, the asker is told the ticket id, so the ticket
//! (and the notification queued with it) must survive the process dying at any instant after that.
//!
//! The parent test re-executes this test binary to run only the child test, which opens tickets in a
//! loop and prints each id after `open_ticket` returned. The parent reads some ids, kills the child
//! with SIGKILL mid-stream, reopens the desk and checks every acknowledged id.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::*;
use consulta_desk::{Action, ManualClock, MessageKind, Span, Status, TicketId};

/// Tells the re-executed binary's child test where the desk lives; absent in ordinary test runs.
const CHILD_DIR: &str = "CONSULTA_DESK_CHILD_DIR";
/// Marks the child's acknowledgement lines among the test harness's own output.
const ACK: &str = "ACKNOWLEDGED ";
/// Acknowledgements the parent waits for before killing the child.
const KILL_AFTER: usize = 200;
/// Bounds the child if the parent never kills it (so a broken parent cannot leave it running forever).
const CHILD_LIMIT: usize = 20_000;

#[test]
fn child_process_opens_tickets_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let clock = Arc::new(ManualClock::new(start()));
    let desk = open_desk(Path::new(&dir), config(), &clock);
    let stdout = std::io::stdout();
    for n in 0..CHILD_LIMIT {
        let mut question = chile_question();
        question.question = format!("Pregunta número {n}");
        let ticket = desk.open_ticket(question).expect("ticket opens").ticket;
        let mut out = stdout.lock();
        writeln!(out, "{ACK}{}", ticket.id).expect("stdout");
        out.flush().expect("stdout flush");
        clock.advance(Span::from_secs(1));
    }
}

#[test]
fn every_acknowledged_ticket_survives_a_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_opens_tickets_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the test binary runs again as the child");
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut acknowledged: Vec<TicketId> = Vec::new();
    let mut read = |acknowledged: &mut Vec<TicketId>| -> bool {
        let mut line = String::new();
        let n = lines.read_line(&mut line).expect("child stdout");
        // A line cut short by the kill was never a complete acknowledgement.
        if n == 0 || !line.ends_with('\n') {
            return false;
        }
        // The harness prints the test's name without a newline first, so the first id shares its line.
        if let Some((_, id)) = line.trim_end().split_once(ACK) {
            acknowledged.push(id.parse().expect("the child prints ticket ids"));
        }
        true
    };
    while acknowledged.len() < KILL_AFTER {
        assert!(
            read(&mut acknowledged),
            "the child stopped before acknowledging {KILL_AFTER} tickets"
        );
    }
    child.kill().expect("SIGKILL the child");
    // Whatever the child printed before dying was acknowledged too.
    while read(&mut acknowledged) {}
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the child must die by SIGKILL mid-stream, not finish: {status:?}"
        );
    }
    #[cfg(not(unix))]
    assert!(!status.success());

    let clock = Arc::new(ManualClock::new(start()));
    let desk = open_desk(dir.path(), config(), &clock);
    let stored: HashSet<TicketId> = desk.tickets().unwrap().into_iter().map(|t| t.id).collect();
    let missing: Vec<&TicketId> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged tickets were lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    assert!(
        stored.len() <= acknowledged.len() + 1,
        "at most the ticket being opened when the kill came is extra"
    );
    let unique: HashSet<&TicketId> = acknowledged.iter().collect();
    assert_eq!(unique.len(), acknowledged.len(), "ids never repeat");

    // Each acknowledged ticket's card was committed with it.
    let cards: HashSet<TicketId> = desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.message.kind == MessageKind::TicketCard)
        .map(|m| m.message.ticket)
        .collect();
    assert!(acknowledged.iter().all(|id| cards.contains(id)));

    // The recovered desk works on: tickets can be acted on and new ids do not collide.
    let first = desk.act(&ana(), &acknowledged[0], Action::Claim).unwrap();
    assert_eq!(first.status, Status::Claimed);
    let fresh = desk.open_ticket(chile_question()).unwrap().ticket;
    assert!(!stored.contains(&fresh.id), "{} reused", fresh.id);
}

#[test]
fn tickets_questions_and_curated_entries_survive_closing_and_reopening_the_desk() {
    let f = Fixture::new();
    let (_, new) = recorded_chile_question(&f.desk);
    let ticket = open(&f.desk, new);
    f.desk.act(&ana(), &ticket.id, answer("Sí.")).unwrap();
    let draft = f.desk.approval_draft(&ana(), &ticket.id).unwrap();
    f.desk
        .approve(&ana(), &ticket.id, draft.as_shown())
        .unwrap();
    let tickets = f.desk.tickets().unwrap();
    let questions = f.desk.questions().unwrap();
    let curated = f.desk.curated().unwrap();

    let f = f.restart();
    assert_eq!(f.desk.tickets().unwrap(), tickets);
    assert_eq!(f.desk.questions().unwrap(), questions);
    assert_eq!(f.desk.curated().unwrap(), curated);
    let next = open(&f.desk, chile_question());
    assert_ne!(next.id, ticket.id, "the id counter survived too");
}
