//! The desk's duties wait on the desk's clock: a reminder and a retention sweep happen when the clock
//! reaches their due time, not a millisecond before, and moving a manual clock is all it takes; what a
//! sweep deleted is handed to the front-ends, and handed again until each has taken it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use consulta_desk::{
    Action, DeliveryError, DeskDuties, ManualClock, Platform, RecordingFrontEnd, Span, TICK_EVERY,
    Timestamp,
};
use tokio::sync::watch;

/// How long a test waits for the duties to reach a state before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// Waits until `done` holds, checking every few milliseconds; fails after [`PATIENCE`].
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits until something sleeps on `clock` until `at`: the duties, once their tick is over.
async fn sleeping_until(clock: &Arc<ManualClock>, at: Timestamp) {
    until(&format!("a sleeper waking at {at}"), || {
        clock.wake_times().contains(&at)
    })
    .await;
}

/// Desk duties running in a task until [`Running::stop`].
struct Running {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    fn start(duties: DeskDuties) -> Running {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            duties
                .run(async move {
                    let _ = stopped.wait_for(|stopped| *stopped).await;
                })
                .await;
        });
        Running { stop, task }
    }

    /// Asks the duties to stop and waits until they have.
    async fn stop(self) {
        self.stop.send(true).expect("the duties run");
        self.task.await.expect("the duties stop");
    }
}

#[tokio::test]
async fn a_reminder_and_a_retention_sweep_happen_when_the_clock_reaches_them() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question()).id;
    let reminder_due = f.now().plus(f.desk.config().reminder_after);
    assert_eq!(
        f.desk.next_duty().expect("the desk reads"),
        Some(reminder_due)
    );

    let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
    let duties = DeskDuties::new(f.desk.clone()).with_frontend(telegram.clone());
    let running = Running::start(duties);
    // Nothing is due at start: the duties sleep their longest wait, on the desk's clock.
    sleeping_until(&f.clock, f.now().plus(Span::from_duration(TICK_EVERY))).await;

    let one_ms = Span::from_millis(1);
    f.clock.set(reminder_due.minus(one_ms));
    sleeping_until(&f.clock, reminder_due).await;
    let early = f.desk.ticket(&ticket).expect("the ticket is there");
    assert_eq!(
        early.reminded_at, None,
        "a millisecond early, nobody is reminded"
    );
    f.clock.set(reminder_due);
    until("the reminder", || {
        f.desk
            .ticket(&ticket)
            .expect("the ticket is there")
            .reminded_at
            == Some(reminder_due)
    })
    .await;

    f.desk
        .act(&ana(), &ticket, Action::Close { reason: None })
        .expect("Ana closes the ticket");
    let purge_due = reminder_due.plus(retention(&f)).plus(one_ms);
    f.clock.set(purge_due.minus(one_ms));
    sleeping_until(&f.clock, purge_due).await;
    assert!(
        f.desk.ticket(&ticket).is_ok(),
        "a ticket closed exactly the retention period ago is kept"
    );
    f.clock.set(purge_due);
    until("the closed ticket purged", || {
        f.desk.ticket(&ticket).is_err()
    })
    .await;
    until("the front-end told to drop its rows about it", || {
        telegram
            .forgotten()
            .iter()
            .any(|swept| swept.ticket_ids.contains(&ticket))
    })
    .await;
    assert!(
        telegram.forgotten().iter().all(|swept| swept.tickets > 0),
        "an empty sweep is not handed on"
    );

    running.stop().await;
}

#[tokio::test]
async fn a_sweep_made_with_no_front_end_running_or_that_one_failed_is_handed_on_at_the_next_tick() {
    let f = Fixture::new();
    // Every chat front-end has run against this desk before, so each may hold rows.
    for platform in [Platform::Telegram, Platform::Discord, Platform::Web] {
        f.desk.front_end_runs(platform).expect("the desk writes");
    }
    let ticket = closed_past_retention(&f);
    // `consulta tickets tick`: the desk sweeps with no front-end attached.
    let report = f.desk.tick().expect("the desk ticks");
    assert_eq!(report.retention.ticket_ids, std::slice::from_ref(&ticket));
    assert!(f.desk.ticket(&ticket).is_err(), "the ticket is gone");
    let pending = |platform| f.desk.pending_sweeps(platform).expect("the desk reads");
    for platform in [Platform::Telegram, Platform::Discord, Platform::Web] {
        assert_eq!(pending(platform).len(), 1, "{platform} is still to be told");
    }
    assert!(
        pending(Platform::Cli).is_empty(),
        "the command line keeps no rows"
    );

    let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
    telegram.fail_next_forget(1, DeliveryError::transient("the store is busy"));
    let duties = DeskDuties::new(f.desk.clone()).with_frontend(telegram.clone());
    let running = Running::start(duties);
    let next_tick = f.now().plus(Span::from_duration(TICK_EVERY));
    // The first tick is over (its sweep failed) once the duties sleep until the next one.
    sleeping_until(&f.clock, next_tick).await;
    assert!(telegram.forgotten().is_empty(), "the first try failed");
    assert_eq!(
        pending(Platform::Telegram).len(),
        1,
        "a failed sweep stays queued for Telegram"
    );

    f.clock.set(next_tick);
    until("the sweep handed on again and taken", || {
        pending(Platform::Telegram).is_empty()
    })
    .await;
    let taken = telegram.forgotten();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(taken[0].ticket_ids, [ticket]);
    assert_eq!(
        pending(Platform::Discord).len(),
        1,
        "Discord, not running here, is told when its front-end runs"
    );

    running.stop().await;
}

/// How long the fixture's desk keeps closed tickets.
fn retention(f: &Fixture) -> Span {
    f.desk
        .config()
        .retention
        .expect("the desk keeps data for a time")
}

/// Opens a ticket, closes it, and moves the clock just past its retention period.
fn closed_past_retention(f: &Fixture) -> consulta_desk::TicketId {
    let ticket = open(&f.desk, chile_question()).id;
    f.desk
        .act(&ana(), &ticket, Action::Close { reason: None })
        .expect("Ana closes the ticket");
    f.clock
        .set(f.now().plus(retention(f)).plus(Span::from_millis(1)));
    ticket
}

/// Runs the duties with `frontends` until their first tick is over, as a command that serves those
/// platforms does, then stops them.
async fn run_once(f: &Fixture, frontends: &[Arc<RecordingFrontEnd>]) {
    let mut duties = DeskDuties::new(f.desk.clone());
    for frontend in frontends {
        duties = duties.with_frontend(frontend.clone());
    }
    let running = Running::start(duties);
    sleeping_until(&f.clock, f.now().plus(Span::from_duration(TICK_EVERY))).await;
    running.stop().await;
}

#[tokio::test]
async fn a_sweep_is_queued_only_for_the_platforms_whose_front_end_has_run() {
    let f = Fixture::new();
    let pending = |platform| {
        f.desk
            .pending_sweeps(platform)
            .expect("the desk reads")
            .len()
    };
    let web = Arc::new(RecordingFrontEnd::new(Platform::Web));
    // `consulta serve` with no bot token and no bot process allowed in: the web alone.
    run_once(&f, std::slice::from_ref(&web)).await;
    let first = closed_past_retention(&f);
    let report = f.desk.tick().expect("the desk ticks");
    assert_eq!(report.retention.ticket_ids, [first]);
    assert_eq!(pending(Platform::Web), 1, "the web inbox is to be told");
    assert_eq!(
        (pending(Platform::Telegram), pending(Platform::Discord)),
        (0, 0),
        "platforms that never ran hold nothing and are told nothing"
    );

    let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
    run_once(&f, &[web, telegram.clone()]).await;
    assert_eq!(
        telegram.forgotten(),
        [],
        "nothing was queued for it before it ran"
    );
    let second = closed_past_retention(&f);
    let report = f.desk.tick().expect("the desk ticks");
    assert_eq!(report.retention.ticket_ids, [second]);
    assert_eq!(
        pending(Platform::Telegram),
        1,
        "Telegram has run: it is told"
    );
    assert_eq!(pending(Platform::Discord), 0);
}
