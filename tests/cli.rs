//! The command-line contract scripts depend on, exercised on the real binary with the real model,
//! tantivy and qdrant-edge: ingest, `ask`, `ask --json`, stdin mode, and bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

mod common;

use consulta_corpus::Lang;
use consulta_desk::{Asker, Desk, DeskConfig, NewTicket, Platform, Tags};
use serde_json::Value;

use common::{FAQ_EN, Sandbox, stderr, stdout};

#[test]
fn ask_prints_a_cited_answer() {
    let sandbox = Sandbox::new().ingested();
    let out = sandbox.run(&["ask", "¿Cuándo hay que presentar el informe inicial?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("[1]"), "{text}");
    assert!(text.contains("Decisión 2/CMA.3, anexo, párr. 18"), "{text}");
    assert!(text.contains("2021-11-13"), "{text}");
}

#[test]
fn ask_json_follows_the_contract() {
    let sandbox = Sandbox::new().ingested();
    let out = sandbox.run(&["ask", "--json", "What is a corresponding adjustment?"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    for key in [
        "question",
        "language",
        "escalate",
        "confidence",
        "answer",
        "citations",
    ] {
        assert!(answer.get(key).is_some(), "missing {key}: {answer}");
    }
    assert_eq!(answer["language"], "en");
    let first = &answer["citations"][0];
    for key in [
        "title",
        "section",
        "source",
        "source_url",
        "date",
        "text",
        "score",
    ] {
        assert!(first.get(key).is_some(), "citation lacks {key}: {first}");
    }
    assert_eq!(first["title"], "What is a corresponding adjustment?");
}

#[test]
fn ask_json_reads_stdin_one_question_per_line() {
    let sandbox = Sandbox::new().ingested();
    let mut child = sandbox
        .consulta()
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all("O que é um ajuste correspondente?\n\n".as_bytes())
        .unwrap();
    // Latin-1 bytes from a badly configured terminal: not UTF-8, still a question.
    stdin.write_all(b"Qu\xe9 es un RMTI?\n").unwrap();
    stdin
        .write_all(b"Que porcentaje va al Fondo de Adaptacion?\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "blank line skipped, bad bytes answered: {lines:#?}"
    );
    assert_eq!(lines[0]["language"], "pt");
    assert_eq!(lines[2]["language"], "es");
    assert!(
        lines[2]["answer"].as_str().unwrap().contains("5 %"),
        "{}",
        lines[2]
    );
}

#[test]
fn empty_question_gets_help_not_a_crash() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["ask", "   "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("question is empty"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn asking_an_empty_index_says_to_ingest_and_fails() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["ask", "What is an ITMO?"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run `consulta ingest` first"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "no empty answer: {}", stdout(&out));
}

/// A build without the `eval` feature (a plain `cargo build --release`) still knows the command, says
/// how to get a build that has it, and fails. `make test` builds with the feature, so this runs under a
/// plain `cargo test --release -p consulta`.
#[cfg(not(feature = "eval"))]
#[test]
fn eval_in_a_build_without_it_says_how_to_get_it_and_fails() {
    let out = Sandbox::new().run(&["eval"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("has no `eval`") && said.contains("--features eval"),
        "{said}"
    );
}

#[test]
fn huge_question_is_truncated_with_a_note() {
    let sandbox = Sandbox::new().ingested();
    let question = "¿Cuándo se presenta el informe inicial? ".repeat(2600);
    assert!(question.len() > 100_000);
    let out = sandbox.run(&["ask", "--json", &question]);
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        answer["question"].as_str().unwrap().chars().count() <= 2000,
        "{answer}"
    );
    let notes = answer["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|note| note.as_str().unwrap().contains("2000")),
        "{answer}"
    );
}

#[test]
fn ingest_reports_bad_files_by_name_and_keeps_the_rest() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.kb.join("latin1.es.yaml"),
        b"- id: x\n  question: \xbfQu\xe9?\n",
    )
    .unwrap();
    std::fs::write(sandbox.kb.join("broken.en.yaml"), "- id: y\n  lang: [en\n").unwrap();
    let out = sandbox.run(&["ingest"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("latin1.es.yaml") && err.contains("UTF-8"),
        "{err}"
    );
    assert!(err.contains("broken.en.yaml:3"), "{err}");
    assert!(
        stdout(&out).contains("ingested 3 passages"),
        "{}",
        stdout(&out)
    );

    let out = sandbox.run(&["ask", "--json", "What is a corresponding adjustment?"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_glossary_travels_with_the_indexes_and_its_absence_is_reported() {
    let sandbox = Sandbox::new();
    let glossary = "- id: itmo\n  en: [ITMO, ITMOs]\n  es: [RMTI, ITMO]\n  pt: [ITMO]\n";
    std::fs::write(sandbox.kb.join("glossary.yaml"), glossary).unwrap();
    let sandbox = sandbox.ingested();
    let kept = sandbox.data.join("index").join("glossary.yaml");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), glossary);

    let elsewhere = sandbox.dir.path().join("not-the-kb");
    let ask_elsewhere = || {
        sandbox
            .consulta()
            .env("CONSULTA_KB_DIR", &elsewhere)
            .args(["ask", "What is a corresponding adjustment?"])
            .output()
            .unwrap()
    };
    let out = ask_elsewhere();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("glossary.yaml"), "{}", stderr(&out));

    std::fs::remove_file(&kept).unwrap();
    let out = ask_elsewhere();
    assert!(out.status.success(), "{}", stderr(&out));
    let warning = stderr(&out);
    assert!(
        warning.contains("no glossary.yaml in") && warning.contains("CONSULTA_KB_DIR"),
        "{warning}"
    );
}

#[test]
fn reingest_embeds_only_what_changed() {
    let sandbox = Sandbox::new().ingested();
    let out = sandbox.run(&["ingest"]);
    assert!(
        stdout(&out).contains("0 added, 0 removed, 3 unchanged"),
        "{}",
        stdout(&out)
    );

    std::fs::write(
        sandbox.kb.join("a.en.yaml"),
        FAQ_EN.replace("never counted twice", "counted once"),
    )
    .unwrap();
    std::fs::remove_file(sandbox.kb.join("a.es.yaml")).unwrap();
    let out = sandbox.run(&["ingest"]);
    assert!(
        stdout(&out).contains("1 added, 3 removed, 0 unchanged"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_model_says_how_to_fetch_it() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .consulta()
        .env("CONSULTA_MODEL_DIR", Path::new("/nonexistent/models"))
        .args(["ask", "What is an ITMO?"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("deploy/fetch-models.sh"),
        "{}",
        stderr(&out)
    );
}

/// The desk settings of the ticket tests: one group, one expert who acts from the command line, and
/// English for experts who chose no language.
const DESK_CONFIG: &str = r#"
[desk]
language = "en"
groups = [{ name = "andes", chats = ["telegram:-100200"] }]
experts = [{ name = "Ana", identities = ["cli:ana"], groups = ["andes"] }]
"#;

impl Sandbox {
    /// Writes the desk settings and opens one ticket directly on the desk, as a front-end would.
    fn with_ticket(&self) -> (PathBuf, String) {
        self.with_ticket_asking("¿Cuándo vence el plazo de transición de nuestro proyecto?")
    }

    /// [`Sandbox::with_ticket`] for a ticket asking `question`.
    fn with_ticket_asking(&self, question: &str) -> (PathBuf, String) {
        let config = self.data.with_extension("toml");
        std::fs::write(&config, DESK_CONFIG).unwrap();
        let settings: toml::Table = DESK_CONFIG.parse().unwrap();
        let desk_config: DeskConfig = settings["desk"].clone().try_into().unwrap();
        let desk = Desk::open(&self.data.join("desk"), desk_config).unwrap();
        let ticket = desk
            .open_ticket(NewTicket {
                asker: Asker {
                    platform: Platform::Telegram,
                    chat_id: "42".into(),
                    user_id: "42".into(),
                    display_name: "Marta".into(),
                },
                language: Lang::Es,
                question: question.into(),
                passages: vec![],
                tags: Tags::default(),
                question_id: None,
            })
            .unwrap()
            .ticket;
        (config, ticket.id.to_string())
    }

    /// Records that `expert` chose `lang` (with `/lang` on a chat platform), as the desk keeps it.
    fn choose_language(&self, expert: &str, lang: Lang) {
        let settings: toml::Table = DESK_CONFIG.parse().unwrap();
        let desk_config: DeskConfig = settings["desk"].clone().try_into().unwrap();
        let desk = Desk::open(&self.data.join("desk"), desk_config).unwrap();
        desk.set_language(&expert.parse().unwrap(), lang).unwrap();
    }

    /// `consulta tickets` with `args`, under `config`.
    fn tickets(&self, config: &Path, args: &[&str]) -> Output {
        let mut all = vec!["tickets"];
        all.extend_from_slice(args);
        self.run_with_config(config, &all)
    }

    fn run_with_config(&self, config: &Path, args: &[&str]) -> Output {
        self.consulta()
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .unwrap()
    }
}

#[test]
fn experts_work_tickets_from_the_command_line() {
    let sandbox = Sandbox::new();
    let (config, id) = sandbox.with_ticket();

    let out = sandbox.run_with_config(&config, &["tickets", "list", "--status", "open"]);
    assert!(
        stdout(&out).contains(&id),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    let out = sandbox.run_with_config(&config, &["tickets", "claim", "--as", "ana", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("claimed"), "{}", stdout(&out));

    // A clarifying question makes the ticket wait for the asker, with the question in its history.
    let asked = "¿De qué proyecto se trata: su número de registro en el MDL?";
    let clarify = ["tickets", "clarify", "--as", "ana", &id, "--text", asked];
    let out = sandbox.run_with_config(&config, &clarify);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sandbox.run_with_config(&config, &["tickets", "show", "--json", &id]);
    let ticket: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ticket["status"], "waiting", "{ticket}");
    assert!(
        ticket["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.to_string().contains("número de registro")),
        "{ticket}"
    );
    let out = sandbox.run_with_config(
        &config,
        &["tickets", "clarify", "--as", "ana", &id, "--text", " "],
    );
    assert!(!out.status.success(), "an empty question is refused");

    let mut child = sandbox
        .consulta()
        .arg("--config")
        .arg(&config)
        .args(["tickets", "answer", "--as", "ana", &id])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "El plazo para la aprobación del país anfitrión venció el 30 de junio de 2026."
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = sandbox.run_with_config(&config, &["tickets", "show", "--json", &id]);
    let ticket: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(ticket["status"], "answered", "{ticket}");
    assert!(
        ticket["answer"]["text"]
            .as_str()
            .unwrap()
            .contains("30 de junio"),
        "{ticket}"
    );
    assert_eq!(ticket["answer"]["expert"], "Ana");

    // Without the text to publish, approve only shows the draft.
    let out = sandbox.run_with_config(&config, &["tickets", "approve", "--as", "ana", &id]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("FAQ draft for ticket"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("nothing published"),
        "{}",
        stderr(&out)
    );
    // Particulars in the edited text are refused unless confirmed.
    let flagged = [
        "tickets",
        "approve",
        "--as",
        "ana",
        &id,
        "--question",
        "¿Cuándo vence el plazo? Pasaporte P4567891",
        "--as-shown",
    ];
    let out = sandbox.run_with_config(&config, &flagged);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("P4567891"), "{}", stderr(&out));
    let out = sandbox.run_with_config(
        &config,
        &[
            "tickets",
            "approve",
            "--as",
            "ana",
            &id,
            "--question",
            "¿Cuándo vence el plazo de transición de un proyecto?",
            "--as-shown",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sandbox.run_with_config(
        &config,
        &[
            "ask",
            "--json",
            "¿Cuándo vence el plazo de transición de nuestro proyecto?",
        ],
    );
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = &answer["citations"][0];
    assert_eq!(
        first["kind"], "curated",
        "the expert's answer goes first: {answer}"
    );
    assert!(
        first["source"].as_str().unwrap().contains("Ana"),
        "{answer}"
    );

    let out = sandbox.run_with_config(&config, &["report", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["tickets"], 1, "{report}");

    let out = sandbox.run_with_config(&config, &["tickets", "forget", "telegram:42"]);
    assert!(
        stdout(&out).contains("1 ticket(s)"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = sandbox.run_with_config(&config, &["tickets", "show", &id]);
    assert!(!out.status.success(), "a forgotten ticket is gone");
}

#[test]
fn ticket_actions_need_a_configured_expert_and_a_valid_transition() {
    let sandbox = Sandbox::new();
    let (config, id) = sandbox.with_ticket();

    let out = sandbox.run_with_config(&config, &["tickets", "claim", &id]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--as NAME"), "{}", stderr(&out));

    let out = sandbox.run_with_config(&config, &["tickets", "claim", "--as", "mallory", &id]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a configured expert"),
        "{}",
        stderr(&out)
    );

    let out = sandbox.run_with_config(&config, &["tickets", "reopen", "--as", "ana", &id]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));

    let out = sandbox.run_with_config(&config, &["tickets", "show", "no-such-ticket"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("consulta tickets list"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_example_configuration_is_valid() {
    let sandbox = Sandbox::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/consulta.example.toml");
    let out = sandbox.run_with_config(&example, &["tickets", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("no tickets"), "{}", stdout(&out));
}

#[test]
fn a_replica_without_a_token_or_a_shared_store_says_what_to_set() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--replica-of",
        "http://127.0.0.1:9",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("CONSULTA_SERVICE__FRONTEND_TOKEN"),
        "{}",
        stderr(&out)
    );

    let out = sandbox
        .consulta()
        .env("CONSULTA_SERVICE__FRONTEND_TOKEN", "a-token")
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--replica-of",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("vector_store = \"qdrant\""),
        "{}",
        stderr(&out)
    );
}

/// A data directory held by a running `consulta serve`: the command says so, and does not suggest
/// deleting anything.
#[test]
fn a_data_directory_in_use_is_reported_as_held_by_a_running_consulta() {
    let sandbox = Sandbox::new().ingested();
    let _server = sandbox.serve("[service]\n");
    let out = sandbox
        .consulta()
        .args(["ask", "¿Qué es un ITMO?"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let told = stderr(&out);
    assert!(told.contains("a running `consulta`"), "{told}");
    assert!(!told.contains("delete it"), "{told}");
}

/// Ana claims ticket `id` and answers it with `answer`, through `act` (`consulta tickets` with
/// the arguments given).
fn claim_and_answer(act: &impl Fn(&[&str]) -> Output, id: &str, answer: &str) {
    for args in [
        &["claim", "--as", "ana", id][..],
        &["answer", "--as", "ana", id, answer],
    ] {
        let out = act(args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// The FAQ draft `tickets approve` shows Ana for ticket `id` when given no text to publish (it
/// publishes nothing, and fails).
fn draft_shown(act: &impl Fn(&[&str]) -> Output, id: &str) -> String {
    let out = act(&["approve", "--as", "ana", id]);
    assert!(!out.status.success());
    stdout(&out)
}

/// Particulars written the way phones and keyboards write them (a DNI with dots, a passport, an
/// en-dashed phone, a full-width `＠`) are flagged in the draft `tickets approve` prints, with the
/// reminder that names are not; publishing the draft as shown is refused with the flags listed and
/// nothing published, as it is when the confirmation names only some of them; the text edited clean
/// is published.
#[test]
fn flagged_particulars_hold_the_faq_until_the_expert_edits_them_out() {
    let sandbox = Sandbox::new();
    let (config, id) = sandbox.with_ticket_asking(
        "Soy Marta, DNI 30.123.456 y pasaporte AAB123456: ¿cuándo vence el plazo de transición?",
    );
    let act = |args: &[&str]| sandbox.tickets(&config, args);
    // The curated entries as `tickets export` writes them, all files together.
    let exported = || {
        let dir = sandbox.data.join("faq");
        let out = act(&["export", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .collect::<String>()
    };
    let answer = "El 31 de diciembre de 2025. Dudas: +54 11 4567–8901 o marta＠correo.example";
    claim_and_answer(&act, &id, answer);

    let draft = draft_shown(&act, &id);
    for flagged in [
        "document number \"30.123.456\"",
        "document number \"AAB123456\"",
        "phone number \"+54 11 4567–8901\"",
        "e-mail address \"marta＠correo.example\"",
        "Names are not flagged",
    ] {
        assert!(draft.contains(flagged), "{flagged}: {draft}");
    }
    let out = act(&["approve", "--as", "ana", &id, "--as-shown"]);
    assert!(!out.status.success());
    let refused = stderr(&out);
    assert!(
        refused.contains("nothing published") && refused.contains("4567–8901"),
        "{refused}"
    );
    assert!(!exported().contains("31 de diciembre"), "nothing published");
    // A confirmation counts only for the particulars it names: the three left unnamed are listed
    // and keep the draft unpublished.
    let out = act(&[
        "approve",
        "--as",
        "ana",
        &id,
        "--as-shown",
        "--confirm-particulars",
        "AAB123456",
    ]);
    assert!(!out.status.success());
    let refused = stderr(&out);
    for unnamed in ["30.123.456", "+54 11 4567–8901", "marta＠correo.example"] {
        assert!(refused.contains(unnamed), "{unnamed}: {refused}");
    }
    assert!(!refused.contains("\"AAB123456\""), "{refused}");
    assert!(!exported().contains("31 de diciembre"), "nothing published");

    let out = act(&[
        "approve",
        "--as",
        "ana",
        &id,
        "--question",
        "¿Cuándo vence el plazo de transición?",
        "--answer",
        "El 31 de diciembre de 2025.",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let published = exported();
    assert!(
        published.contains("El 31 de diciembre de 2025."),
        "{published}"
    );
    assert!(!published.contains("4567"), "{published}");
}

/// `consulta tickets approve` speaks the language the expert chose on a chat platform: Ana chose
/// Portuguese, so the draft, its flags, the refusal and the confirmation are in Portuguese.
#[test]
fn the_expert_sees_the_faq_edit_step_in_their_own_language() {
    let sandbox = Sandbox::new();
    let (config, id) =
        sandbox.with_ticket_asking("Sou a Marta (marta@correo.example): quando vence o prazo?");
    sandbox.choose_language("cli:ana", Lang::Pt);
    let act = |args: &[&str]| sandbox.tickets(&config, args);
    claim_and_answer(&act, &id, "Em 31 de dezembro de 2025.");
    let draft = draft_shown(&act, &id);
    for portuguese in [
        "Rascunho de FAQ do ticket",
        "Só este texto será publicado:",
        "e-mail \"marta@correo.example\"",
        "Nomes não são sinalizados",
    ] {
        assert!(draft.contains(portuguese), "{portuguese}: {draft}");
    }
    assert!(!draft.contains("FAQ draft"), "{draft}");
    let out = act(&["approve", "--as", "ana", &id, "--as-shown"]);
    assert!(!out.status.success());
    let refused = stderr(&out);
    assert!(refused.contains("Dados pessoais sinalizados"), "{refused}");
    let out = act(&[
        "approve",
        "--as",
        "ana",
        &id,
        "--question",
        "Quando vence o prazo?",
        "--answer",
        "Em 31 de dezembro de 2025.",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("agora é uma entrada de FAQ"),
        "{}",
        stdout(&out)
    );
}

/// What `consulta tickets` refuses, by itself or as the desk refused it, is said in the expert's
/// language (the `/lang` they chose on a chat platform) and says what to do next; with no expert
/// named, in the desk's language.
#[test]
fn the_terminals_refusals_are_in_the_experts_language_and_say_what_to_do() {
    let sandbox = Sandbox::new();
    let (config, id) = sandbox.with_ticket();
    sandbox.choose_language("cli:ana", Lang::Pt);
    let refused = |args: &[&str]| {
        let out = sandbox.tickets(&config, args);
        assert!(!out.status.success(), "{args:?} was refused");
        stderr(&out)
    };
    for (args, portuguese) in [
        (
            &["unclaim", "--as", "ana", &id][..],
            format!("ticket {id} recusado: ninguém o assumiu (status: open)"),
        ),
        (
            &["approve", "--as", "ana", &id],
            "ainda não tem resposta de um especialista: responda-o antes".to_string(),
        ),
        (
            &["transfer", "--as", "ana", &id, "--expert", "Nadie"],
            "nenhum especialista configurado se chama \"Nadie\"".to_string(),
        ),
        (
            &["claim", "--as", "ana", "no-such-ticket"],
            "\"no-such-ticket\" não é um id de ticket; `consulta tickets list`".to_string(),
        ),
        (
            &["claim", "--as", "ana", "ZZZZZZZZ"],
            "não existe o ticket ZZZZZZZZ: confira o id com `consulta tickets list`".to_string(),
        ),
    ] {
        let said = refused(args);
        assert!(said.contains(&portuguese), "{portuguese}: {said}");
    }

    std::fs::write(
        &config,
        DESK_CONFIG.replace("language = \"en\"", "language = \"es\""),
    )
    .unwrap();
    let said = refused(&["claim", &id]);
    assert!(
        said.contains("diga qué experto es usted: --as NOMBRE"),
        "{said}"
    );
    let said = refused(&["list", "--status", "pending"]);
    assert!(
        said.contains("estado desconocido \"pending\": use open, claimed"),
        "{said}"
    );
}
