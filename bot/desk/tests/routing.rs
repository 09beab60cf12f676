//! Where tickets go and how their groups are nudged: routing rules over topic, country and language
//! pick the group (first match wins, then the default), the group's chats — or its members' private
//! chats — get the card, and a ticket left unclaimed past `reminder_after` reminds its group once per
//! wait at `tick`, however often the runtime ticks.

mod common;

use common::*;
use consulta_corpus::Lang;
use consulta_desk::{
    Action, Actor, ChatRef, Desk, DeskConfig, DeskError, EventKind, Message, MessageKind,
    NewTicket, Span, TicketId,
};

fn reminders(desk: &Desk) -> Vec<(TicketId, ChatRef)> {
    desk.pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| m.message.kind == MessageKind::Reminder)
        .map(|m| (m.message.ticket, m.chat))
        .collect()
}

/// The messages queued about ticket `id` of `kind`, with the chat each goes to.
fn sent(desk: &Desk, id: &TicketId, kind: MessageKind) -> Vec<(ChatRef, Message)> {
    desk.pending_messages()
        .unwrap()
        .into_iter()
        .filter(|m| &m.message.ticket == id && m.message.kind == kind)
        .map(|m| (m.chat, m.message))
        .collect()
}

/// A question the rules send to markets, a group with no chat of its own.
fn markets_question() -> NewTicket {
    new_ticket(
        joaquim(),
        Lang::En,
        "Article 6.4 baselines?",
        tags(&["6.4"], &[]),
    )
}

#[test]
fn routing_rules_on_topic_country_and_language_choose_the_group_first_match_first() {
    let f = Fixture::new();
    let cases = [
        // Rule 1 (6.4 + BR) comes before rule 2 (6.4 alone).
        (Lang::Es, tags(&["6.4"], &["BR"]), "lusofonia"),
        (Lang::Es, tags(&["6.4"], &["CL"]), "markets"),
        // Tags match case-insensitively.
        (Lang::En, tags(&["other", "6.4"], &[]), "markets"),
        (Lang::En, tags(&[], &["br"]), "lusofonia"),
        // Rule 2 (6.4) comes before rule 4 (pt).
        (Lang::Pt, tags(&["6.4"], &[]), "markets"),
        (Lang::Pt, tags(&["6.2"], &["MZ"]), "lusofonia"),
        // No rule matches: the first group.
        (Lang::Es, tags(&["6.2"], &["CL"]), "andes"),
        (Lang::En, tags(&[], &[]), "andes"),
    ];
    for (language, tags, group) in cases {
        let ticket = open(
            &f.desk,
            new_ticket(marta(), language, "¿Pregunta?", tags.clone()),
        );
        assert_eq!(ticket.group, group, "{language} {tags:?}");
        assert_eq!(f.desk.ticket(&ticket.id).unwrap().group, group);
    }
}

#[test]
fn the_default_group_takes_tickets_no_rule_matches() {
    let mut config = config();
    config.default_group = Some("markets".into());
    let f = Fixture::with_config(config);
    let ticket = open(&f.desk, chile_question());
    assert_eq!(ticket.group, "markets");
}

#[test]
fn a_route_to_an_undefined_group_is_refused_when_the_desk_opens() {
    let config: DeskConfig = toml::from_str(
        r#"
        groups = [{ name = "andes" }]
        routes = [{ country = "CL", group = "chile" }]
        "#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = Desk::open(dir.path(), config).unwrap_err();
    assert!(matches!(err, DeskError::Config(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("\"chile\"") && text.contains("route #1"),
        "{text}"
    );
}

#[test]
fn the_card_goes_to_the_group_chat_or_else_to_every_member_privately() {
    let f = Fixture::new();
    let andes = open(&f.desk, chile_question());
    let markets = open(&f.desk, markets_question());
    let cards = |id: &TicketId| -> Vec<ChatRef> {
        sent(&f.desk, id, MessageKind::TicketCard)
            .into_iter()
            .map(|(chat, _)| chat)
            .collect()
    };
    assert_eq!(cards(&andes.id), vec![chat(ANDES_CHAT)]);
    assert_eq!(
        cards(&markets.id),
        vec![chat("discord:8"), chat("telegram:9")],
        "markets has no chat: Bruno and Carmen are told privately"
    );
    let card = &f.desk.pending_messages().unwrap()[0].message;
    assert!(card.text.contains(andes.id.as_str()));
    assert!(card.text.contains("[andes]"));
    assert!(card.text.contains("¿Quién autoriza los ITMO en Chile?"));
}

#[test]
fn an_unclaimed_ticket_reminds_its_group_once_when_it_has_waited_long_enough() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());

    f.clock.advance(Span::from_mins(119));
    assert!(f.desk.tick().unwrap().reminded.is_empty());
    assert!(reminders(&f.desk).is_empty());

    f.clock.advance(Span::from_mins(1));
    assert_eq!(f.desk.tick().unwrap().reminded, vec![ticket.id.clone()]);
    assert_eq!(
        reminders(&f.desk),
        vec![(ticket.id.clone(), chat(ANDES_CHAT))]
    );

    for _ in 0..5 {
        assert!(f.desk.tick().unwrap().reminded.is_empty());
    }
    f.clock.advance(Span::from_mins(90));
    assert!(f.desk.tick().unwrap().reminded.is_empty());
    assert_eq!(
        reminders(&f.desk).len(),
        1,
        "one reminder, not one per tick"
    );

    let history = f.desk.ticket(&ticket.id).unwrap().events;
    let reminded: Vec<_> = history
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Reminded { group } if group == "andes"))
        .collect();
    assert_eq!(reminded.len(), 1);
    assert_eq!(reminded[0].actor, Actor::System);
    let text = &f
        .desk
        .pending_messages()
        .unwrap()
        .into_iter()
        .find(|m| m.message.kind == MessageKind::Reminder)
        .unwrap()
        .message
        .text;
    assert!(
        text.contains("2h") && text.contains(ticket.id.as_str()),
        "{text}"
    );
}

#[test]
fn a_ticket_that_keeps_waiting_is_reminded_again_after_another_full_period() {
    let f = Fixture::new();
    let ticket = open(&f.desk, chile_question());
    f.clock.advance(Span::from_hours(2));
    assert_eq!(f.desk.tick().unwrap().reminded.len(), 1);
    f.clock.advance(Span::from_mins(119));
    assert!(f.desk.tick().unwrap().reminded.is_empty());
    f.clock.advance(Span::from_mins(1));
    assert_eq!(f.desk.tick().unwrap().reminded, vec![ticket.id]);
    assert_eq!(reminders(&f.desk).len(), 2);
}

#[test]
fn claimed_or_answered_tickets_are_not_reminded_and_requeueing_restarts_the_wait() {
    let f = Fixture::new();
    let claimed = open(&f.desk, chile_question());
    let answered = open(&f.desk, chile_question());
    f.desk.act(&ana(), &claimed.id, Action::Claim).unwrap();
    f.desk.act(&ana(), &answered.id, answer("Sí.")).unwrap();
    f.clock.advance(Span::from_hours(5));
    assert!(f.desk.tick().unwrap().reminded.is_empty());

    f.desk.act(&ana(), &claimed.id, Action::Unclaim).unwrap();
    f.clock.advance(Span::from_mins(119));
    assert!(
        f.desk.tick().unwrap().reminded.is_empty(),
        "the wait counts from the unclaim, not from the opening"
    );
    f.clock.advance(Span::from_mins(1));
    assert_eq!(f.desk.tick().unwrap().reminded, vec![claimed.id]);
}

#[test]
fn a_group_without_a_chat_is_reminded_through_each_member() {
    let f = Fixture::new();
    let ticket = open(
        &f.desk,
        new_ticket(
            lucy(),
            Lang::En,
            "Article 6.4 baselines?",
            tags(&["6.4"], &[]),
        ),
    );
    f.clock.advance(Span::from_hours(3));
    assert_eq!(f.desk.tick().unwrap().reminded, vec![ticket.id.clone()]);
    assert_eq!(
        reminders(&f.desk),
        vec![
            (ticket.id.clone(), chat("discord:8")),
            (ticket.id, chat("telegram:9"))
        ]
    );
}

#[test]
fn reminders_are_delivered_to_the_group_chat_exactly_once() {
    let f = Fixture::new();
    let platforms = Platforms::new();
    let worker = platforms.worker(&f.desk);
    let ticket = open(&f.desk, chile_question());
    deliver(&worker);
    f.clock.advance(Span::from_hours(2));
    f.desk.tick().unwrap();
    f.desk.tick().unwrap();
    deliver(&worker);
    deliver(&worker);
    let kinds: Vec<MessageKind> = platforms
        .to(&chat(ANDES_CHAT))
        .iter()
        .map(|r| r.message.kind)
        .collect();
    assert_eq!(kinds, vec![MessageKind::TicketCard, MessageKind::Reminder]);
    assert_eq!(platforms.to(&chat(ANDES_CHAT))[1].message.ticket, ticket.id);
    assert!(f.desk.pending_messages().unwrap().is_empty());
}

#[test]
fn a_group_nobody_would_hear_from_is_refused_when_the_desk_opens() {
    let config: DeskConfig = toml::from_str(
        r#"
        groups = [{ name = "andes" }]
        experts = [{ name = "Ana", identities = ["cli:ana"], groups = ["andes"] }]
        "#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = Desk::open(dir.path(), config).unwrap_err();
    assert!(err.to_string().contains("\"andes\" has no chats"), "{err}");
}

/// Each desk chat hears of a ticket in its own language (the andes chat is Portuguese here), chats
/// the setting does not name in the desk's (Spanish), whatever the asker's; a transfer reaches the
/// expert in the language they chose, and every message says its language for the buttons a
/// front-end adds.
#[test]
fn desk_chats_hear_in_their_language_and_an_expert_in_theirs() {
    let mut config = config();
    config.language = Some(Lang::Es);
    config.chat_languages.insert(chat(ANDES_CHAT), Lang::Pt);
    let f = Fixture::with_config(config);
    let andes = open(&f.desk, chile_question());
    let markets = open(&f.desk, markets_question());
    let cards = sent(&f.desk, &andes.id, MessageKind::TicketCard);
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].1.language, Lang::Pt);
    assert!(
        cards[0].1.text.contains("aberto: aguarda um especialista"),
        "{}",
        cards[0].1.text
    );
    for (to, card) in sent(&f.desk, &markets.id, MessageKind::TicketCard) {
        assert_eq!(card.language, Lang::Es, "{to}");
        assert!(
            card.text.contains("abierto: espera a un experto"),
            "{}",
            card.text
        );
    }

    f.clock.advance(Span::from_hours(2));
    f.desk.tick().unwrap();
    let reminded = sent(&f.desk, &andes.id, MessageKind::Reminder);
    assert!(
        reminded[0].1.text.starts_with("Lembrete"),
        "{}",
        reminded[0].1.text
    );

    f.desk.set_language(&bruno(), Lang::En).unwrap();
    f.desk
        .act(
            &carmen(),
            &markets.id,
            Action::Transfer(consulta_desk::TransferTarget::Expert("Bruno".into())),
        )
        .unwrap();
    let handed = sent(&f.desk, &markets.id, MessageKind::Transferred);
    assert_eq!(handed[0].0, chat("discord:8"));
    assert!(
        handed[0].1.text.starts_with("Carmen handed ticket"),
        "{}",
        handed[0].1.text
    );
    assert!(
        handed[0].1.text.contains("claimed by Bruno"),
        "the card comes in his language too: {}",
        handed[0].1.text
    );
}
