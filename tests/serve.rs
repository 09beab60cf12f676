//! `consulta serve` as operators and integrators meet it: the real binary on a free port, with the
//! real model, indexes and desk, driven over HTTP.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use consulta_bot::assistant::{AskRequest, Assistant, EscalateRequest};
use consulta_bot::remote::{RelayClient, RemoteAssistant, ServiceClient};
use consulta_corpus::Lang;
use consulta_corpus::library::fixtures::{
    PdfPage, inflate_bomb_pdf, pdf_with_catalog_in_object_stream, with_cross_reference_damaged,
};
use consulta_desk::{Asker, FrontEnd, MessageKind, Platform, RecordingFrontEnd};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use common::{Sandbox, Server, metric_in};

const EXPERT_TOKEN: &str = "expert-token-for-tests";
const BRUNO_TOKEN: &str = "bruno-token-for-tests";
const ADMIN_TOKEN: &str = "admin-token-for-tests";
const FRONTEND_TOKEN: &str = "frontend-token-for-tests";
const TELEGRAM_TOKEN: &str = "telegram-frontend-token-for-tests";
/// The secret the test service mints web sessions with (`service.session_secret`).
const SESSION_SECRET: &str = "session-secret-for-tests";

/// A web visitor's session, as the service mints it for the chat page.
fn session() -> String {
    visitor("0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6")
}

/// The session the test service would mint with `nonce`.
fn visitor(nonce: &str) -> String {
    consulta_bot::service::SessionKey::from_secret(SESSION_SECRET).sign(nonce)
}

const CONFIG: &str = r#"
[service]
# Each expert's own token, stored as its SHA-256: expert-token-for-tests and bruno-token-for-tests.
experts = [
  { identity = "web:ana", token_sha256 = "a064b4f2210737e4a4fd25169b0fc68061da33b139e66587e913ecbee25b92f2" },
  { identity = "web:bruno", token_sha256 = "f62265946cabe685c1241cea308cd140fadcc461e35a7527c07ef23d94f505d8" },
]
admin_token = "admin-token-for-tests"
frontend_token = "frontend-token-for-tests"
# The Telegram process's own token (telegram-frontend-token-for-tests): it acts for Telegram only.
frontends = [
  { platforms = ["telegram"], token_sha256 = "441d0ff4d07f281b8b3c26620f0160387dd7ae7da85562df43b12886b54ea098" },
]
session_secret = "session-secret-for-tests"
cors_origins = ["https://observatorio.example"]
max_body_bytes = 8192
# The load test below sends from one address faster than a visitor would; tests/limits.rs tests the
# budgets themselves.
requests_per_minute_per_address = 0
requests_per_minute_per_session = 0

[desk]
groups = [{ name = "andes", chats = ["web:andes-experts-room"] }]
experts = [
  { name = "Ana", identities = ["web:ana", "telegram:7"], groups = ["andes"] },
  { name = "Bruno", identities = ["web:bruno"], groups = ["andes"] },
]

[desk.outbox]
backoff_initial = "1s"
backoff_max = "2s"
"#;

fn serve() -> (Sandbox, Server) {
    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(CONFIG);
    (sandbox, server)
}

fn http() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

async fn post(server: &Server, path: &str, body: Value) -> (StatusCode, Value) {
    json_of(
        http()
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// A request as the expert console makes it.
fn as_expert(request: reqwest::RequestBuilder, identity: &str) -> reqwest::RequestBuilder {
    request
        .bearer_auth(EXPERT_TOKEN)
        .header("X-Consulta-Identity", identity)
}

/// Asks `question` as the test visitor and escalates it under `name`: the answer and the ticket.
async fn ask_and_escalate(server: &Server, question: &str, name: &str) -> (Value, Value) {
    let reply = ask(server, question).await;
    let (status, ticket) = post(
        server,
        "/v1/escalations",
        json!({"question_id": reply["question_id"], "session": session(), "name": name}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    (reply, ticket)
}

/// The open tickets of the visitor of `session`, as the chat page's "My tickets" reads them.
async fn visitor_tickets(server: &Server, session: &str) -> Value {
    let request = http()
        .get(server.url("/v1/conversations/tickets"))
        .header("X-Consulta-Session", session);
    let (status, body) = json_of(request.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// What approving ticket `id` would publish, as Ana's console reads it.
async fn draft_of(server: &Server, id: &str) -> Value {
    let (status, draft) = json_of(
        as_expert(
            http().get(server.url(&format!("/v1/tickets/{id}/draft"))),
            "web:ana",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    draft
}

async fn ask(server: &Server, question: &str) -> Value {
    let (status, reply) = post(
        server,
        "/v1/ask",
        json!({"question": question, "session": session()}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

/// Polls the visitor's conversation until `count` messages arrived.
async fn conversation(server: &Server, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = server.url("/v1/conversations/messages?after=0");
        let request = http().get(url).header("X-Consulta-Session", session());
        let (_, body) = json_of(request.send().await.unwrap()).await;
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        if messages.len() >= count || Instant::now() > deadline {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn ask_answers_like_the_cli_and_records_the_question() {
    let sandbox = Sandbox::new().ingested();
    let question = "¿Cuándo debe presentarse el informe inicial?";
    // The CLI first: the service, once running, holds the indexes.
    let out = sandbox.run(&["ask", "--json", question]);
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = sandbox.serve(CONFIG);
    let reply = ask(&server, question).await;
    assert!(reply["question_id"].is_u64(), "{reply}");
    assert_eq!(reply["language"], "es");
    let first = &reply["citations"][0];
    assert_eq!(
        first["source"], "Decisión 2/CMA.3, anexo, párr. 18",
        "{reply}"
    );
    assert!(
        reply["answer"]
            .as_str()
            .unwrap()
            .contains("informe inicial"),
        "{reply}"
    );

    // Same shape as `consulta ask --json`, plus the id.
    let mut http_keys: Vec<&String> = reply.as_object().unwrap().keys().collect();
    http_keys.retain(|k| k.as_str() != "question_id");
    let cli_keys: Vec<&String> = cli.as_object().unwrap().keys().collect();
    assert_eq!(http_keys, cli_keys);
    assert_eq!(reply["citations"], cli["citations"]);
}

#[tokio::test]
async fn every_error_is_json_with_a_stable_code() {
    let (_sandbox, server) = serve();
    let client = http();
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            client
                .post(server.url("/v1/ask"))
                .json(&json!({"question": "  ", "session": session()})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/v1/ask"))
                .header("content-type", "application/json")
                .body("{not json"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/v1/ask"))
                .json(&json!({"question": "hola", "session": "short"})),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client
                .post(server.url("/v1/ask"))
                .json(&json!({"question": "x".repeat(10_000), "session": session()})),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            client
                .post(server.url("/v1/ask"))
                .header("content-type", "application/json")
                .body(vec![0xff, 0xfe, b'{']),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            client.get(server.url("/v1/ask")),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            client.get(server.url("/v1/nothing-here")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            client.get(server.url("/v1/tickets")),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            client.get(server.url("/v1/tickets")).bearer_auth("guess"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            as_expert(client.get(server.url("/v1/tickets")), "web:mallory"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            client
                .post(server.url("/v1/reindex"))
                .bearer_auth(EXPERT_TOKEN)
                .header("X-Consulta-Identity", "web:ana"),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            as_expert(
                client.post(server.url("/v1/tickets/ZZZZZ/claim")),
                "web:ana",
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            as_expert(
                client.post(server.url("/v1/tickets/ZZZZZ/dance")),
                "web:ana",
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = json_of(request.send().await.unwrap()).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_visitor_escalates_an_expert_answers_and_the_answer_reaches_the_page() {
    let (_sandbox, server) = serve();
    let client = http();
    let (reply, ticket) = ask_and_escalate(
        &server,
        "¿Cuándo vence el plazo de transición de nuestro proyecto?",
        "Marta",
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    assert_eq!(ticket["asker"]["display_name"], "Marta");

    // Someone else's session cannot escalate the question again.
    let (status, _) = post(
        &server,
        "/v1/escalations",
        json!({"question_id": reply["question_id"], "session": visitor("another-visitor-0000000000000000000")}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The page's /status: her ticket, where it stands, her words; nobody else's session sees it.
    let hers = visitor_tickets(&server, &session()).await;
    assert_eq!(hers["tickets"][0]["id"], id.as_str(), "{hers}");
    assert_eq!(hers["tickets"][0]["status"], "open", "{hers}");
    assert!(
        hers["tickets"][0]["question"]
            .as_str()
            .unwrap()
            .contains("plazo")
    );
    assert!(
        hers["tickets"][0].get("events").is_none(),
        "no expert's side: {hers}"
    );
    let stranger = visitor_tickets(&server, &visitor("another-visitor-0000000000000000000")).await;
    assert_eq!(stranger["tickets"], json!([]), "{stranger}");

    let (_, list) = json_of(
        as_expert(
            client.get(server.url("/v1/tickets?status=open&language=es")),
            "web:ana",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(list["tickets"][0]["id"], id.as_str(), "{list}");
    for action in ["claim", "answer"] {
        let body = json!({"text": "Consulte el artículo 6.4 y la decisión sobre la transición del MDL: el plazo depende del registro."});
        let (status, result) = json_of(
            as_expert(
                client.post(server.url(&format!("/v1/tickets/{id}/{action}"))),
                "web:ana",
            )
            .json(&body)
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{action}: {result}");
    }
    // A second answer is refused; the console shows the refusal in its reader's language.
    let (status, refused) = json_of(
        as_expert(
            client.post(server.url(&format!("/v1/tickets/{id}/answer"))),
            "web:ana",
        )
        .json(&json!({"text": "Otra respuesta."}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let said = &refused["error"]["said"];
    assert_eq!(said["en"], refused["error"]["message"], "{refused}");
    assert!(
        said["es"].as_str().unwrap().contains(id.as_str()) && said["es"] != said["en"],
        "{refused}"
    );
    let messages = conversation(&server, 2).await;
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["expert_took_question", "expert_answer"],
        "{messages:?}"
    );
    assert!(messages[1]["text"].as_str().unwrap().contains("registro"));

    let (status, rated) = post(
        &server,
        "/v1/feedback",
        json!({"rating": "up", "ticket": id, "session": session()}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    assert_eq!(rated["ticket"]["rating"], "up");

    // Approval goes through the edit step: the draft shows what would be published, and only the
    // edited text sent back is published.
    let approve = |body: Value| {
        as_expert(
            client.post(server.url(&format!("/v1/tickets/{id}/approve"))),
            "web:ana",
        )
        .json(&body)
        .send()
    };
    let draft = draft_of(&server, &id).await;
    assert_eq!(
        draft["question"],
        "¿Cuándo vence el plazo de transición de nuestro proyecto?"
    );
    assert_eq!(draft["particulars"], json!([]));
    let (status, refused) = json_of(approve(json!({})).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let flagged = json!({
        "question": "¿Cuándo vence el plazo de transición? (Marta, marta.r@correo.cl)",
        "answer": draft["answer"],
    });
    let (status, refused) = json_of(approve(flagged.clone()).await.unwrap()).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("particulars")),
        "{refused}"
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("marta.r@correo.cl")
    );
    let edited = "¿Cuándo vence el plazo de transición de un proyecto del MDL?";
    let (status, approved) = json_of(
        approve(json!({"question": edited, "answer": draft["answer"]}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["curated"]["question"], edited);
    let again = ask(
        &server,
        "¿Cuándo vence el plazo de transición de nuestro proyecto?",
    )
    .await;
    assert_eq!(again["citations"][0]["kind"], "curated", "{again}");
    assert_eq!(again["citations"][0]["title"], edited, "{again}");

    let metrics = server.metrics().await;
    for line in [
        "consulta_questions_total{language=\"es\"} 2",
        "consulta_escalations_total 1",
        "consulta_ratings_total{rating=\"up\"} 1",
        "consulta_tickets{status=\"answered\"} 1",
        "consulta_outbox_dead_letters 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "missing {line:?} in\n{metrics}"
        );
    }

    // The experts' view of the ticket never shows the visitor's session: only a digest of it.
    let (_, shown) = json_of(
        as_expert(
            client.get(server.url(&format!("/v1/tickets/{id}"))),
            "web:ana",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert!(!shown.to_string().contains(&session()), "{shown}");
    assert!(
        shown["asker"]["user_id"]
            .as_str()
            .unwrap()
            .starts_with("visitor-")
    );
    let forget = client
        .delete(server.url("/v1/conversations"))
        .header("X-Consulta-Session", session())
        .send()
        .await
        .unwrap();
    let (status, forgotten) = json_of(forget).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forgotten["desk"]["tickets"], 1, "{forgotten}");
    assert_eq!(forgotten["messages"], 2, "{forgotten}");
    assert!(conversation(&server, 0).await.is_empty());
    // The FAQ entry outlives the asker's deletion, and it holds nothing of theirs.
    let after = ask(
        &server,
        "¿Cuándo vence el plazo de transición de nuestro proyecto?",
    )
    .await;
    let curated = &after["citations"][0];
    assert_eq!(curated["kind"], "curated", "{after}");
    assert_eq!(curated["title"], edited);
    for private in [session(), "Marta".to_string()] {
        assert!(!curated.to_string().contains(&private), "{curated}");
    }
}

#[tokio::test]
async fn readiness_waits_for_an_index_and_the_admin_can_build_it() {
    let sandbox = Sandbox::new();
    let glossary = "- id: itmo\n  en: [ITMO]\n  es: [RMTI, ITMO]\n  pt: [ITMO]\n";
    std::fs::write(sandbox.kb.join("glossary.yaml"), glossary).unwrap();
    let server = sandbox.serve(CONFIG);
    let client = http();
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let (status, ready) = json_of(client.get(server.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{ready}");

    let reindex = client
        .post(server.url("/v1/reindex"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    let (status, report) = json_of(reindex).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["report"]["indexed"], 2, "{report}");
    assert_eq!(report["report"]["passages_added"], 3, "{report}");
    let (status, ready) = json_of(client.get(server.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["passages"], 3);
    let kept = sandbox.data.join("index").join("glossary.yaml");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), glossary);
}

#[tokio::test]
async fn documents_are_added_by_the_admin_and_searchable_at_once() {
    let (sandbox, server) = serve();
    let client = http();
    let faq = "\
- id: itmo-first-transfer
  lang: en
  question: What is the first transfer of an ITMO?
  answer: |
    The first transfer is the moment at which the corresponding adjustment is first applied, as the
    participating Party defines it in its authorization.
  source: Decision 2/CMA.3, annex, paragraph 2(b)
  valid_as_of: 2021-11-13
  tags: [6.2, first-transfer]
";
    let url = server.url("/v1/documents?name=first-transfer.en.yaml");
    let refused = client.post(&url).body(faq).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let broken = client
        .post(&url)
        .bearer_auth(ADMIN_TOKEN)
        .body("- id: [unclosed")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        !sandbox
            .data
            .join("documents/first-transfer.en.yaml")
            .exists()
    );
    let escape = client
        .post(server.url("/v1/documents?name=..%2Fkb%2Fx.en.yaml"))
        .bearer_auth(ADMIN_TOKEN)
        .body(faq)
        .send()
        .await
        .unwrap();
    assert_eq!(escape.status(), StatusCode::BAD_REQUEST);
    // Names too long for a file system, and files the reindex would leave out, are refused with
    // the reason, before anything is stored.
    let long_name = format!("{}.en.yaml", "a".repeat(250));
    let readme = "# Notes\n\nThe documents of this folder were sent by the ministry.\n";
    for (name, body, reason) in [
        (long_name.as_str(), faq, "at most 255 bytes"),
        ("glossary.yaml", faq, "glossary"),
        ("first-transfer.meta.yaml", faq, "metadata"),
        ("README.md", readme, "front matter"),
    ] {
        let refused = client
            .post(server.url(&format!("/v1/documents?name={name}")))
            .bearer_auth(ADMIN_TOKEN)
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(refused).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{name}: {message}");
        assert!(!sandbox.data.join("documents").join(name).exists());
    }

    let added = client
        .post(&url)
        .bearer_auth(ADMIN_TOKEN)
        .body(faq)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(added).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["passages"], 1);
    let reply = ask(&server, "What is the first transfer of an ITMO?").await;
    assert_eq!(
        reply["citations"][0]["source"], "Decision 2/CMA.3, annex, paragraph 2(b)",
        "{reply}"
    );
}

/// An upload that inflates past the document's budget (a PDF saved in eight revisions, each with a
/// cross-reference stream of 60 MiB of zeros, under a megabyte in all) is refused with the setting
/// to raise; nothing of it is stored or indexed, and the service goes on answering.
#[tokio::test]
async fn an_inflate_bomb_upload_is_refused_and_the_service_goes_on() {
    let (sandbox, server) = serve();
    let client = http();
    let readyz = || async {
        json_of(client.get(server.url("/readyz")).send().await.unwrap())
            .await
            .1
    };
    let before = readyz().await;
    let bomb = inflate_bomb_pdf(8, 60 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let refused = client
        .post(server.url("/v1/documents?name=informe-2026.pdf"))
        .bearer_auth(ADMIN_TOKEN)
        .body(bomb)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "bad_request", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("in all") && message.contains("ingest.max_inflated_total_bytes"),
        "{message}"
    );

    assert!(!sandbox.data.join("documents/informe-2026.pdf").exists());
    let scratch: Vec<_> = std::fs::read_dir(&sandbox.data)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with(".upload-"))
        .collect();
    assert!(scratch.is_empty(), "left behind: {scratch:?}");
    let after = readyz().await;
    assert_eq!(after["passages"], before["passages"], "{after}");
    let reply = ask(&server, "What is a corresponding adjustment?").await;
    assert_eq!(
        reply["citations"][0]["source"], "Decision 2/CMA.3, annex, chapter III",
        "{reply}"
    );
}

/// A PDF whose cross-reference data is damaged beyond rebuilding (its catalog in an object stream
/// that only the damaged cross-reference stream names) is refused at upload with what is wrong and
/// what to do; nothing of it is stored.
#[tokio::test]
async fn a_pdf_with_a_damaged_cross_reference_is_refused_with_what_to_do() {
    let (sandbox, server) = serve();
    let pdf = pdf_with_catalog_in_object_stream(
        Some("Informe"),
        &[PdfPage::single_column(
            None,
            &["The first transfer of an ITMO is reported."],
        )],
    );
    let refused = http()
        .post(server.url("/v1/documents?name=informe-roto.pdf"))
        .bearer_auth(ADMIN_TOKEN)
        .body(with_cross_reference_damaged(&pdf))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cross-reference table is damaged")
            && message.contains("re-save it with a PDF tool"),
        "{message}"
    );
    assert!(!sandbox.data.join("documents/informe-roto.pdf").exists());
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes_served() {
    let (_sandbox, server) = serve();
    let client = http();
    let (_, document) = json_of(
        client
            .get(server.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 18, "{}", paths.len());
    for (path, operations) in paths {
        let concrete = path
            .replace("{identity}", "web:nobody")
            .replace("{platform}", "telegram")
            .replace("{id}", "ZZZZZ")
            .replace("{action}", "claim");
        for method in operations.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => client.get(server.url(&concrete)),
                "post" => client.post(server.url(&concrete)).json(&json!({})),
                "delete" => client.delete(server.url(&concrete)),
                other => panic!("unexpected method {other}"),
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {text}"
            );
            assert!(
                !text.contains("no route"),
                "{method} {path} is documented but not served: {text}"
            );
        }
    }
    let (status, missing) = json_of(
        client
            .get(server.url("/v1/undocumented"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no route")
    );
}

#[tokio::test]
async fn cors_admits_the_configured_origin_only() {
    let (_sandbox, server) = serve();
    let client = http();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, server.url("/v1/ask"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight("https://observatorio.example").await.unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("https://observatorio.example")
    );
    let other = preflight("https://elsewhere.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

/// The console cannot be put in another site's frame (a framing page could trick a signed-in
/// expert into approving), the chat page can, and no response may be content-sniffed.
#[tokio::test]
async fn the_console_refuses_framing_by_other_sites_and_nothing_is_sniffed() {
    let (_sandbox, server) = serve();
    let policy = |response: &reqwest::Response| {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let console = http().get(server.url("/console")).send().await.unwrap();
    assert!(
        policy(&console).contains("frame-ancestors 'self'"),
        "{console:?}"
    );
    let chat = http().get(server.url("/")).send().await.unwrap();
    assert!(policy(&chat).contains("frame-ancestors *"), "{chat:?}");
    let refused = http()
        .post(server.url("/v1/ask"))
        .json(&json!({"question": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");
}

/// A replica's poll that finds nothing new gets `304 Not Modified`, counted in `/metrics` as 3xx,
/// apart from the 2xx of answered requests.
#[tokio::test]
async fn a_304_is_counted_apart_from_the_answered_requests() {
    let (_sandbox, server) = serve();
    let responses = || async {
        let metrics = server.metrics().await;
        let count = |class: &str| {
            metric_in(
                &metrics,
                &format!("consulta_http_responses_total{{class=\"{class}\"}}"),
            )
        };
        (count("2xx"), count("3xx"))
    };
    let catalog = || {
        http()
            .get(server.url("/v1/catalog"))
            .bearer_auth(FRONTEND_TOKEN)
    };
    let first = catalog().send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let tag = first.headers()["etag"].clone();
    let (answered, redirected) = responses().await;
    assert_eq!(redirected, 0);

    let again = catalog().header("If-None-Match", tag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let (answered_after, redirected_after) = responses().await;
    assert_eq!(redirected_after, 1, "the 304 is a 3xx");
    assert_eq!(
        answered_after,
        answered + 1,
        "only the /metrics scrape between was a 2xx"
    );
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_and_exits_cleanly() {
    let (_sandbox, server) = serve();
    let client = http();
    let in_flight = client
        .post(server.url("/v1/ask"))
        .json(&json!({"question": "What is a corresponding adjustment?", "session": session()}))
        .send();
    let pending = tokio::spawn(in_flight);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    let response = pending.await.unwrap();
    // Either it was answered before the signal, or it was refused a connection: never cut halfway.
    if let Ok(response) = response {
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert!(body["citations"].is_array());
    }
}

#[tokio::test]
async fn a_bot_in_another_process_asks_and_delivers_through_the_service() {
    let (_sandbox, server) = serve();
    let client = ServiceClient::new(&server.base, FRONTEND_TOKEN).unwrap();
    let assistant = RemoteAssistant::new(client.clone());
    let asker = Asker {
        platform: Platform::Telegram,
        chat_id: "42".into(),
        user_id: "42".into(),
        display_name: "Marta".into(),
    };
    let reply = assistant
        .ask(AskRequest {
            asker: asker.clone(),
            question: "¿Qué parte de las RE6.4 va al Fondo de Adaptación?".into(),
            language: None,
            user_lang: None,
            top_k: None,
        })
        .await
        .unwrap();
    assert!(!reply.answer.citations.is_empty());
    let ticket = assistant
        .escalate(EscalateRequest {
            asker: asker.clone(),
            question: reply.answer.question.clone(),
            language: reply.answer.language,
            question_id: Some(reply.question_id),
        })
        .await
        .unwrap()
        .ticket;
    // The citations come from the desk, kept with the question when it was answered.
    let cited: Vec<&str> = reply
        .answer
        .citations
        .iter()
        .map(|c| c.title.as_str())
        .collect();
    let handed: Vec<&str> = ticket.passages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(handed, cited);
    assert_eq!(
        assistant
            .open_tickets_of(asker.identity())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        assistant
            .is_expert("telegram:7".parse().unwrap())
            .await
            .unwrap()
    );
    assert!(
        !assistant
            .is_expert("telegram:99".parse().unwrap())
            .await
            .unwrap()
    );
    let refused = assistant
        .act(
            "telegram:99".parse().unwrap(),
            ticket.id.clone(),
            consulta_desk::Action::Claim,
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.code,
        consulta_bot::assistant::FailureCode::Forbidden,
        "{refused}"
    );
    // The desk's refusal crosses the API as what was refused, so the bot says it in its reader's
    // language, not in the service's English.
    let refusal = refused
        .refusal
        .expect("the service sends the desk's refusal");
    assert_eq!(
        refusal,
        consulta_bot::chat::DeskRefusal::NotAnExpert("telegram:99".parse().unwrap())
    );
    assert_eq!(
        refusal.said(Lang::Es),
        "telegram:99 no es un experto configurado"
    );

    // The Telegram expert answers through the service; the bot process delivers to the asker.
    let telegram = Arc::new(RecordingFrontEnd::new(Platform::Telegram));
    let relay = RelayClient::new(client, telegram.clone() as Arc<dyn FrontEnd>);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let relaying = tokio::spawn(async move {
        relay
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    assistant
        .act(
            "telegram:7".parse().unwrap(),
            ticket.id.clone(),
            consulta_desk::Action::Claim,
        )
        .await
        .unwrap();
    let twice = assistant
        .act(
            "telegram:7".parse().unwrap(),
            ticket.id.clone(),
            consulta_desk::Action::Claim,
        )
        .await
        .unwrap_err();
    assert_eq!(
        twice.refusal,
        Some(consulta_bot::chat::DeskRefusal::Refused {
            ticket: ticket.id.clone(),
            reason: consulta_desk::TransitionError::AlreadyYours,
        }),
        "{twice}"
    );
    assistant
        .act(
            "telegram:7".parse().unwrap(),
            ticket.id.clone(),
            consulta_desk::Action::Answer {
                text: "El 5 % va al Fondo de Adaptación.".into(),
            },
        )
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while telegram
        .delivered()
        .iter()
        .filter(|d| d.chat_id == "42")
        .count()
        < 2
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let to_asker: Vec<MessageKind> = telegram
        .delivered()
        .iter()
        .filter(|d| d.chat_id == "42")
        .map(|d| d.message.kind)
        .collect();
    assert_eq!(
        to_asker,
        [MessageKind::ExpertTookQuestion, MessageKind::ExpertAnswer]
    );
    // The bot process approves through the service too: the draft first, and particulars in the
    // text come back as their own failure, so the bot can ask the expert to confirm them.
    let expert: consulta_desk::Identity = "telegram:7".parse().unwrap();
    let draft = assistant
        .approval_draft(expert.clone(), ticket.id.clone())
        .await
        .unwrap();
    assert_eq!(draft.answer, "El 5 % va al Fondo de Adaptación.");
    let flagged = consulta_desk::Approval {
        question: "¿Qué parte va al Fondo de Adaptación? Marta, +56 9 8765 4321".into(),
        ..draft.as_shown()
    };
    let refused = assistant
        .approve(expert.clone(), ticket.id.clone(), flagged)
        .await
        .unwrap_err();
    assert_eq!(
        refused.code,
        consulta_bot::assistant::FailureCode::Particulars,
        "{refused}"
    );
    let edited = consulta_desk::Approval {
        question: "¿Qué parte de las RE6.4 va al Fondo de Adaptación?".into(),
        ..draft.as_shown()
    };
    let entry = assistant
        .approve(expert, ticket.id.clone(), edited)
        .await
        .unwrap();
    assert_eq!(
        entry.question,
        "¿Qué parte de las RE6.4 va al Fondo de Adaptación?"
    );
    let rated = assistant
        .rate_ticket(
            asker.identity(),
            ticket.id.clone(),
            consulta_desk::Rating::Down,
        )
        .await
        .unwrap();
    // 👎 on the expert's answer sends the ticket back to the experts; the history keeps the rating.
    assert_eq!(rated.status, consulta_desk::Status::Reopened);
    assert!(rated.events.iter().any(|e| matches!(
        e.kind,
        consulta_desk::EventKind::Rated {
            rating: consulta_desk::Rating::Down
        }
    )));
    let forgotten = assistant.forget(asker.identity()).await.unwrap();
    assert_eq!(forgotten.tickets, 1);
    let _ = stop.send(());
    relaying.await.unwrap();
}

/// A bot in another process transfers tickets through the service as it does every other action:
/// the relay's assistant sends `/transfer` to `POST /v1/tickets/{id}/transfer`, and the desk decides.
#[tokio::test]
async fn a_bot_in_another_process_transfers_a_ticket_through_the_service() {
    let (_sandbox, server) = serve();
    let client = ServiceClient::new(&server.base, FRONTEND_TOKEN).unwrap();
    let assistant = RemoteAssistant::new(client);
    let asker = Asker {
        platform: Platform::Telegram,
        chat_id: "43".into(),
        user_id: "43".into(),
        display_name: "Rosa".into(),
    };
    let ticket = assistant
        .escalate(EscalateRequest {
            asker,
            question: "¿Quién autoriza los ITMO en Chile?".into(),
            language: "es".parse().unwrap(),
            question_id: None,
        })
        .await
        .unwrap()
        .ticket;
    let ana: consulta_desk::Identity = "telegram:7".parse().unwrap();
    let transfer = |target| consulta_desk::Action::Transfer(target);
    let to_bruno = transfer(consulta_desk::TransferTarget::Expert("Bruno".into()));
    let moved = assistant
        .act(ana.clone(), ticket.id.clone(), to_bruno)
        .await
        .unwrap();
    assert_eq!(moved.status, consulta_desk::Status::Claimed);
    assert_eq!(moved.assignee.as_deref(), Some("Bruno"));
    let nowhere = transfer(consulta_desk::TransferTarget::Group("pacifico".into()));
    let refused = assistant
        .act(ana, ticket.id.clone(), nowhere)
        .await
        .unwrap_err();
    assert_eq!(
        refused.code,
        consulta_bot::assistant::FailureCode::BadRequest,
        "{refused}"
    );
    assert!(refused.message.contains("pacifico"), "{refused}");
    // Over HTTP, a transfer names exactly one place.
    let both = http()
        .post(server.url(&format!("/v1/tickets/{}/transfer", ticket.id)))
        .bearer_auth(FRONTEND_TOKEN)
        .header("X-Consulta-Identity", "telegram:7")
        .json(&json!({"expert": "Bruno", "group": "andes"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(both).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("exactly one"), "{body}");
}

/// The short version of `make bench-load`: concurrent clients, and not one failed request.
#[tokio::test]
async fn concurrent_clients_are_all_answered() {
    let (_sandbox, server) = serve();
    let plan = consulta_evals::load::LoadPlan {
        base_url: server.base.clone(),
        clients: 10,
        duration: Duration::from_secs(3),
        questions: vec![
            "¿Cuándo debe presentarse el informe inicial?".into(),
            "What is a corresponding adjustment?".into(),
            "¿Qué parte de las RE6.4 va al Fondo de Adaptación?".into(),
        ],
    };
    let report = consulta_evals::load::drive(&plan).await;
    assert_eq!(report.errors, 0, "{:?}", report.first_errors);
    assert!(report.answered >= plan.clients, "{}", report.answered);
}

/// Each expert signs in with their own token, which names them: it cannot act as another expert,
/// and the identity header is no credential.
#[tokio::test]
async fn each_experts_token_acts_only_as_that_expert() {
    let (_sandbox, server) = serve();
    let client = http();
    let me = |token: &'static str, identity: Option<&'static str>| {
        let mut request = client.get(server.url("/v1/me")).bearer_auth(token);
        if let Some(identity) = identity {
            request = request.header("X-Consulta-Identity", identity);
        }
        request.send()
    };
    let (status, body) = json_of(me(BRUNO_TOKEN, None).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["identity"], "web:bruno");
    let (status, body) = json_of(me(EXPERT_TOKEN, Some("web:ana")).await.unwrap()).await;
    assert_eq!(
        (status, &body["identity"]),
        (StatusCode::OK, &json!("web:ana"))
    );
    let (status, body) = json_of(me(EXPERT_TOKEN, Some("web:bruno")).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = json_of(me(EXPERT_TOKEN, Some("cli:joel")).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = json_of(
        client
            .get(server.url("/v1/me"))
            .bearer_auth(ANA_DIGEST)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the stored digest is not a token: {body}"
    );
}

/// What the configuration stores for Ana: her token's digest, which must not work as a token.
const ANA_DIGEST: &str = "a064b4f2210737e4a4fd25169b0fc68061da33b139e66587e913ecbee25b92f2";

/// A front-end token bound to Telegram acts for Telegram users, relays and experts only: it cannot
/// ask, rate, forget or act as anyone on Discord, the web or the command line.
#[tokio::test]
async fn a_platform_bound_frontend_token_acts_only_for_its_platform() {
    let (_sandbox, server) = serve();
    let client = http();
    let telegram = |request: reqwest::RequestBuilder| request.bearer_auth(TELEGRAM_TOKEN);
    let asker = |platform: &str| json!({"platform": platform, "chat_id": "42", "user_id": "42", "display_name": "Marta"});
    let (status, asked) = json_of(
        telegram(client.post(server.url("/v1/ask")))
            .json(&json!({"question": "¿Qué es un ITMO?", "asker": asker("telegram")}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    let (status, _) = json_of(
        telegram(client.get(server.url("/v1/users/telegram:42/tickets")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let refused = [
        telegram(client.post(server.url("/v1/ask")))
            .json(&json!({"question": "¿Qué es un ITMO?", "asker": asker("discord")})),
        telegram(client.post(server.url("/v1/feedback")))
            .json(&json!({"rating": "up", "question_id": asked["question_id"], "by": "web:0f8e2a34-5b6c-4d7e"})),
        telegram(client.delete(server.url("/v1/users/discord:42"))),
        telegram(client.get(server.url("/v1/experts/cli:joel"))),
        telegram(client.get(server.url("/v1/relay/discord/next?wait_secs=0"))),
        telegram(client.get(server.url("/v1/tickets")))
            .header("X-Consulta-Identity", "web:ana"),
        telegram(client.get(server.url("/v1/me"))).header("X-Consulta-Identity", "cli:joel"),
    ];
    for request in refused {
        let (status, body) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("telegram only"),
            "{body}"
        );
    }
    // Acting as its own platform's expert is allowed; the legacy token still acts for every platform.
    let (status, me) = json_of(
        telegram(client.get(server.url("/v1/me")))
            .header("X-Consulta-Identity", "telegram:7")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, &me["identity"]),
        (StatusCode::OK, &json!("telegram:7"))
    );
    let (status, body) = json_of(
        client
            .get(server.url("/v1/experts/cli:joel"))
            .bearer_auth(FRONTEND_TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Web sessions are minted by the service: a made-up or short one is refused, a minted one works.
#[tokio::test]
async fn only_sessions_the_service_minted_are_accepted() {
    let (_sandbox, server) = serve();
    let foreign = consulta_bot::service::SessionKey::from_secret("another secret")
        .sign("0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6");
    for made_up in ["0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6", "short", &foreign] {
        let (status, body) = post(
            &server,
            "/v1/ask",
            json!({"question": "¿Qué es un ITMO?", "session": made_up}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{made_up}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("POST /v1/sessions"),
            "{body}"
        );
    }
    let (status, minted) = post(&server, "/v1/sessions", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{minted}");
    let (status, body) = post(
        &server,
        "/v1/ask",
        json!({"question": "¿Qué es un ITMO?", "session": minted["session"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = http()
        .get(server.url("/v1/conversations/messages"))
        .header("X-Consulta-Session", minted["session"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
}

/// Access is declared once, in the route table, and enforced from it: the router is built from the
/// table alone (the web pages too), every route in it names its level, and each route that is not
/// open to visitors refuses a request without credentials, or with a token no role has.
#[tokio::test]
async fn every_route_declares_its_access_and_closed_routes_refuse_strangers() {
    use consulta_bot::service::{Access, every_route, openapi_document};
    let (_sandbox, server) = serve();
    let client = http();
    let routes = every_route();
    for page in ["/", "/console", "/assets/chat.js", "/assets/console.js"] {
        assert!(
            routes.iter().any(|r| r.path == page),
            "{page} is served but not in the route table"
        );
    }
    let documented = openapi_document();
    for (path, operations) in documented["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            assert!(
                routes.iter().any(|r| r.path == path && r.method == method),
                "{method} {path} is documented but not in the route table"
            );
        }
    }
    let mut closed = 0;
    for route in &routes {
        // Every level must be placed here: a new one cannot be added without saying who it admits.
        let open = match route.access {
            Access::Public | Access::PublicOrFrontEnd => true,
            Access::Session | Access::Expert | Access::FrontEnd | Access::Admin => false,
        };
        let concrete = route
            .path
            .replace("{identity}", "telegram:1")
            .replace("{platform}", "telegram")
            .replace("{id}", "ZZZZZ")
            .replace("{action}", "claim");
        let request = |token: Option<&str>| {
            let request = match route.method {
                "get" => client.get(server.url(&concrete)),
                "post" => client.post(server.url(&concrete)).json(&json!({})),
                "delete" => client.delete(server.url(&concrete)),
                other => panic!("unexpected method {other}"),
            };
            match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            }
        };
        let stranger = request(None).send().await.unwrap();
        let status = stranger.status();
        let text = stranger.text().await.unwrap();
        assert!(
            !text.contains("no route"),
            "{} {} is in the table but not served",
            route.method,
            route.path
        );
        let refused = [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status);
        if open {
            // A 500 here is a handler asking for a caller its declared level does not resolve.
            assert!(
                !refused && status != StatusCode::INTERNAL_SERVER_ERROR,
                "{} {} is declared {:?} but refused a visitor: {status} {text}",
                route.method,
                route.path,
                route.access
            );
            continue;
        }
        closed += 1;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{} {} is declared {:?} but let a stranger through: {text}",
            route.method,
            route.path,
            route.access
        );
        let guessed = request(Some("guessed-token")).send().await.unwrap();
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&guessed.status()),
            "{} {} accepted a guessed token: {}",
            route.method,
            route.path,
            guessed.status()
        );
    }
    assert!(closed >= 18, "only {closed} closed routes");
}

/// The console's edit step over HTTP: particulars written the way phones and keyboards write them
/// (a RUT, a full-width phone, an e-mail with a full-width `＠`) are flagged in the draft; approving
/// the draft as shown is held with them named and nothing published; the text edited clean is
/// published. The console page says, in each of its languages, that names are not flagged.
#[tokio::test]
async fn the_console_flags_particulars_in_any_form_and_publishes_only_the_edited_text() {
    let (_sandbox, server) = serve();
    let client = http();
    let (_, ticket) = ask_and_escalate(
        &server,
        "Soy Marta, RUT 12.345.678-5: ¿cuándo vence el plazo de transición?",
        "Marta",
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    let expert_posts = |path: String, body: Value| {
        as_expert(client.post(server.url(&path)), "web:ana")
            .json(&body)
            .send()
    };
    for action in ["claim", "answer"] {
        let body = json!({"text": "El 31 de diciembre de 2025. Escríbame a ana＠ministerio.example o al ＋５６ ９ ８７６５ ４３２１."});
        let (status, result) = json_of(
            expert_posts(format!("/v1/tickets/{id}/{action}"), body)
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{action}: {result}");
    }
    let draft = draft_of(&server, &id).await;
    let flags: Vec<(String, String)> = draft["particulars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().into(),
                p["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("document".into(), "12.345.678-5".into()),
            ("email".into(), "ana＠ministerio.example".into()),
            ("phone".into(), "＋５６ ９ ８７６５ ４３２１".into()),
        ],
        "{draft}"
    );

    let approve = |body: Value| expert_posts(format!("/v1/tickets/{id}/approve"), body);
    let (status, held) = json_of(
        approve(json!({"question": draft["question"], "answer": draft["answer"]}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, held["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("particulars")),
        "{held}"
    );
    let message = held["error"]["message"].as_str().unwrap();
    for flagged in [
        "12.345.678-5",
        "ana＠ministerio.example",
        "９ ８７６５ ４３２１",
    ] {
        assert!(message.contains(flagged), "{flagged}: {message}");
    }
    let cited = ask(&server, "¿Cuándo vence el plazo de transición?").await;
    assert_ne!(
        cited["citations"][0]["kind"], "curated",
        "nothing published: {cited}"
    );

    let (status, approved) = json_of(
        approve(json!({
            "question": "¿Cuándo vence el plazo de transición de un proyecto del MDL?",
            "answer": "El 31 de diciembre de 2025.",
        }))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["curated"]["answer"], "El 31 de diciembre de 2025.");

    let page = client.get(server.url("/console")).send().await.unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("data-i18n=\"namesNote\"")
    );
    let texts = client
        .get(server.url("/assets/i18n.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for note in [
        "Los nombres no se señalan",
        "Nomes não são assinalados",
        "Names are not flagged",
    ] {
        assert!(texts.contains(note), "{note}");
    }
}
