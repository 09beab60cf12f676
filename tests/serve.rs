//! `consulta serve` as operators and integrators meet it: the real binary on a free port, with the
//! real model, indexes and desk, driven over HTTP.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use consulta_bot::assistant::{AskRequest, Assistant, EscalateRequest, retrieved_passages};
use consulta_bot::desk::{Asker, FrontEnd, MessageKind, Platform, RecordingFrontEnd};
use consulta_bot::remote::{RelayClient, RemoteAssistant, ServiceClient};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use common::{Sandbox, Server};

const EXPERT_TOKEN: &str = "expert-token-for-tests";
const BRUNO_TOKEN: &str = "bruno-token-for-tests";
const ADMIN_TOKEN: &str = "admin-token-for-tests";
const FRONTEND_TOKEN: &str = "frontend-token-for-tests";
/// A web visitor's conversation id, as the chat page would make it.
const SESSION: &str = "0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6";

const CONFIG: &str = r#"
[service]
# Each expert's own token, stored as its SHA-256: expert-token-for-tests and bruno-token-for-tests.
experts = [
  { identity = "web:ana", token_sha256 = "a064b4f2210737e4a4fd25169b0fc68061da33b139e66587e913ecbee25b92f2" },
  { identity = "web:bruno", token_sha256 = "f62265946cabe685c1241cea308cd140fadcc461e35a7527c07ef23d94f505d8" },
]
admin_token = "admin-token-for-tests"
frontend_token = "frontend-token-for-tests"
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

async fn ask(server: &Server, question: &str) -> Value {
    let (status, reply) = post(
        server,
        "/v1/ask",
        json!({"question": question, "session": SESSION}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

/// Polls the visitor's conversation until `count` messages arrived.
async fn conversation(server: &Server, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = server.url(&format!("/v1/conversations/{SESSION}/messages?after=0"));
        let (_, body) = json_of(http().get(url).send().await.unwrap()).await;
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
                .json(&json!({"question": "  ", "session": SESSION})),
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
                .json(&json!({"question": "x".repeat(10_000), "session": SESSION})),
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
    let reply = ask(
        &server,
        "¿Cuándo vence el plazo de transición de nuestro proyecto?",
    )
    .await;
    let (status, ticket) = post(
        &server,
        "/v1/escalations",
        json!({"question_id": reply["question_id"], "session": SESSION, "name": "Marta"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let id = ticket["id"].as_str().unwrap().to_string();
    assert_eq!(ticket["asker"]["display_name"], "Marta");

    // Someone else's session cannot escalate the question again.
    let (status, _) = post(
        &server,
        "/v1/escalations",
        json!({"question_id": reply["question_id"], "session": "another-visitor-000000000"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

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
        json!({"rating": "up", "ticket": id, "session": SESSION}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rated}");
    assert_eq!(rated["ticket"]["rating"], "up");

    let (status, approved) = json_of(
        as_expert(
            client.post(server.url(&format!("/v1/tickets/{id}/approve"))),
            "web:ana",
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let again = ask(
        &server,
        "¿Cuándo vence el plazo de transición de nuestro proyecto?",
    )
    .await;
    assert_eq!(again["citations"][0]["kind"], "curated", "{again}");

    let metrics = client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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

    let forget = client
        .delete(server.url(&format!("/v1/conversations/{SESSION}")))
        .send()
        .await
        .unwrap();
    let (status, forgotten) = json_of(forget).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forgotten["desk"]["tickets"], 1, "{forgotten}");
    assert_eq!(forgotten["messages"], 2, "{forgotten}");
    assert!(conversation(&server, 0).await.is_empty());
}

#[tokio::test]
async fn readiness_waits_for_an_index_and_the_admin_can_build_it() {
    let sandbox = Sandbox::new();
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
            .replace("{session}", SESSION)
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

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_and_exits_cleanly() {
    let (_sandbox, server) = serve();
    let client = http();
    let in_flight = client
        .post(server.url("/v1/ask"))
        .json(&json!({"question": "What is a corresponding adjustment?", "session": SESSION}))
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
            passages: retrieved_passages(&reply.answer.citations),
        })
        .await
        .unwrap();
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
            consulta_bot::desk::Action::Claim,
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.code,
        consulta_bot::assistant::FailureCode::Forbidden,
        "{refused}"
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
            consulta_bot::desk::Action::Claim,
        )
        .await
        .unwrap();
    assistant
        .act(
            "telegram:7".parse().unwrap(),
            ticket.id.clone(),
            consulta_bot::desk::Action::Answer {
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
    let rated = assistant
        .rate_ticket(
            asker.identity(),
            ticket.id.clone(),
            consulta_bot::desk::Rating::Down,
        )
        .await
        .unwrap();
    // 👎 on the expert's answer sends the ticket back to the experts; the history keeps the rating.
    assert_eq!(rated.status, consulta_bot::desk::Status::Reopened);
    assert!(rated.events.iter().any(|e| matches!(
        e.kind,
        consulta_bot::desk::EventKind::Rated {
            rating: consulta_bot::desk::Rating::Down
        }
    )));
    let forgotten = assistant.forget(asker.identity()).await.unwrap();
    assert_eq!(forgotten.tickets, 1);
    let _ = stop.send(());
    relaying.await.unwrap();
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
