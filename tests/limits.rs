//! What one client can make `consulta serve` do without a login: budgets per address and per web
//! session ending in 429 with `Retry-After`, questions stored only as far as they are read,
//! escalations only of a visitor's own questions, once each, a few at a time, and no more questions
//! answered at once than there are answering slots. The real binary on a free port, with the real
//! model, indexes and desk.

mod common;

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::{Sandbox, Server, metric_in, size_on_disk};

const EXPERT_TOKEN: &str = "expert-token-for-tests";

/// Settings shared by the tests; each adds its own `[service]` limits.
fn config(limits: &str) -> String {
    format!(
        r#"
[service]
experts = [{{ identity = "web:ana", token_sha256 = "a064b4f2210737e4a4fd25169b0fc68061da33b139e66587e913ecbee25b92f2" }}]
max_body_bytes = 70000
session_secret = "session-secret-for-limit-tests"
{limits}

[retrieval]
max_question_chars = 200

[desk]
groups = [{{ name = "andes", chats = ["web:andes-experts-room"] }}]
experts = [{{ name = "Ana", identities = ["web:ana"], groups = ["andes"] }}]
"#
    )
}

fn serve(limits: &str) -> (Sandbox, Server) {
    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(&config(limits));
    (sandbox, server)
}

fn http() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A session the test service would mint, distinct per `n`.
fn session(n: usize) -> String {
    consulta_bot::service::SessionKey::from_secret("session-secret-for-limit-tests")
        .sign(&format!("visitor-{n:08}-0123456789abcdef"))
}

/// Posts `body` to `path`: the status, the `Retry-After` header, and the JSON body.
async fn post(server: &Server, path: &str, body: Value) -> (StatusCode, Option<u64>, Value) {
    let response = http()
        .post(server.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    let text = response.text().await.unwrap();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, retry_after, value)
}

async fn tickets(server: &Server) -> Vec<Value> {
    let response = http()
        .get(server.url("/v1/tickets"))
        .bearer_auth(EXPERT_TOKEN)
        .header("X-Consulta-Identity", "web:ana")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["tickets"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_flood_from_one_address_ends_in_429s_and_stores_only_what_is_read() {
    let (sandbox, server) =
        serve("requests_per_minute_per_address = 10\nrequests_per_minute_per_session = 0");
    let disk_before = size_on_disk(&sandbox.data);
    // 60 KB of question: the engine reads 200 characters of it, and the desk keeps no more.
    let long = format!(
        "¿Qué parte de las RE6.4 va al Fondo de Adaptación? {}",
        "relleno ".repeat(7_500)
    );
    let (status, _, asked) = post(
        &server,
        "/v1/ask",
        json!({"question": long, "session": session(0)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    let (status, _, ticket) = post(
        &server,
        "/v1/escalations",
        json!({"question_id": asked["question_id"], "session": session(0)}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let kept = ticket["question"].as_str().unwrap();
    assert!(
        kept.chars().count() <= 200,
        "{} characters kept",
        kept.chars().count()
    );
    assert!(kept.starts_with("¿Qué parte de las RE6.4"), "{kept}");

    // Every request below comes from a new session, as a script would send them: the address's
    // budget (10 a minute, 2 spent) still runs out.
    let mut answered = 0;
    let mut refused = 0;
    for n in 1..=30 {
        let (status, retry_after, body) = post(
            &server,
            "/v1/ask",
            json!({"question": long, "session": session(n)}),
        )
        .await;
        match status {
            StatusCode::OK => answered += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
                let wait = retry_after.expect("a 429 says when to come back");
                assert!((1..=60).contains(&wait), "Retry-After: {wait}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(answered <= 8, "{answered} answered over a budget of 8");
    assert!(refused >= 22, "{refused} refused");
    // Searches and feedback spend from the same budget.
    let (status, _, _) = post(
        &server,
        "/v1/search",
        json!({"query": "Fondo de Adaptación"}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    let counted = metric_in(&server.metrics().await, "consulta_rate_limited_total");
    assert_eq!(counted, refused + 1);

    // What the flood left on the disk of the data directory: the answered questions, as far as
    // they are read, and their answers, with the escalated one's ticket. Kept whole, the
    // questions' bodies alone would take `kept_whole`.
    let kept_whole = (answered as u64 + 1) * long.len() as u64;
    let grown = size_on_disk(&sandbox.data).saturating_sub(disk_before);
    assert!(
        grown < kept_whole / 4,
        "the data directory grew by {grown} bytes; the bodies are {kept_whole}"
    );
}

#[tokio::test]
async fn a_session_has_a_budget_of_its_own() {
    let (_sandbox, server) =
        serve("requests_per_minute_per_address = 0\nrequests_per_minute_per_session = 3");
    let question = "What is a corresponding adjustment?";
    for _ in 0..3 {
        let (status, _, body) = post(
            &server,
            "/v1/ask",
            json!({"question": question, "session": session(1)}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, retry_after, body) = post(
        &server,
        "/v1/feedback",
        json!({"rating": "up", "question_id": 1, "session": session(1)}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(retry_after.is_some());
    let (status, _, body) = post(
        &server,
        "/v1/ask",
        json!({"question": question, "session": session(2)}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another conversation is not held back: {body}"
    );
}

#[tokio::test]
async fn visitors_escalate_only_their_own_questions_once_each_and_a_few_at_a_time() {
    let (_sandbox, server) = serve(
        "requests_per_minute_per_address = 0\nrequests_per_minute_per_session = 0\nmax_open_tickets_per_asker = 2",
    );
    let mine = session(1);

    // A free question, without asking it first, is refused: every ticket is a question asked.
    let (status, _, body) = post(
        &server,
        "/v1/escalations",
        json!({"question": "Call me", "session": mine}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("question_id")
    );

    // A visitor cannot pass for an expert on the experts' cards.
    for name in ["Ana (expert)", "Ana - Experta", "Consulta team"] {
        let (status, _, body) = post(
            &server,
            "/v1/ask",
            json!({"question": "What is an ITMO?", "session": mine, "name": name}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
    }

    let mut asked = Vec::new();
    for question in [
        "¿Cuándo debe presentarse el informe inicial?",
        "What is a corresponding adjustment?",
        "¿Qué parte de las RE6.4 va al Fondo de Adaptación?",
    ] {
        let (status, _, body) = post(
            &server,
            "/v1/ask",
            json!({"question": question, "session": mine, "name": "Marta"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        asked.push(body["question_id"].clone());
    }

    let escalate = |id: &Value, session: &str| {
        post(
            &server,
            "/v1/escalations",
            json!({"question_id": id, "session": session, "name": "Marta"}),
        )
    };
    let (status, _, first) = escalate(&asked[0], &mine).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, _, again) = escalate(&asked[0], &mine).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again["id"], first["id"],
        "the same question is the same ticket"
    );
    let (status, _, body) = escalate(&asked[0], &session(2)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, _, second) = escalate(&asked[1], &mine).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, retry_after, body) = escalate(&asked[2], &mine).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(retry_after.is_some());
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("waiting for an expert")
    );

    let open = tickets(&server).await;
    assert_eq!(open.len(), 2, "{open:?}");
    assert!(open.iter().all(|t| t["asker"]["display_name"] == "Marta"));
}

/// Sends a question to `/v1/ask` whose body (`body`) stops after ten bytes: it holds an answering
/// slot, if it gets one, until the rest is sent.
async fn hold(server: &Server, body: &str) -> TcpStream {
    let mut held = TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "POST /v1/ask HTTP/1.1\r\nHost: consulta\r\nContent-Type: application/json\r\n\
         Connection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    held.write_all(head.as_bytes()).await.unwrap();
    held.write_all(&body.as_bytes()[..10]).await.unwrap();
    held
}

/// A question holds one of the `max_concurrent_questions` slots from its arrival until it is
/// answered, so expensive questions queue instead of starving the service. Here the only slot is
/// held by a question whose body is still on its way: the next question is refused with 503 and
/// `Retry-After` once `question_queue_secs` pass, while a route that answers nothing is served;
/// the held question, once complete, is answered and frees the slot.
#[tokio::test]
async fn questions_beyond_the_answering_slots_wait_then_are_refused_while_the_rest_is_served() {
    let (_sandbox, server) = serve(
        "requests_per_minute_per_address = 0\nrequests_per_minute_per_session = 0\n\
         max_concurrent_questions = 1\nquestion_queue_secs = 0",
    );
    let body = json!({"question": "What is an ITMO?", "session": session(1)}).to_string();
    let mut held = hold(&server, &body).await;

    // The held question takes the slot once the server has read its head. A question that comes
    // before that is answered, and the held one, finding the slot taken, refused: then it is sent
    // again. A question that comes after it is refused.
    let other = json!({"question": "¿Qué es un ITMO?", "session": session(2)});
    let deadline = Instant::now() + Duration::from_secs(60);
    let (retry_after, refusal) = loop {
        let (status, retry_after, reply) = post(&server, "/v1/ask", other.clone()).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            break (retry_after, reply);
        }
        assert_eq!(status, StatusCode::OK, "{reply}");
        assert!(
            Instant::now() < deadline,
            "the held question never took the slot"
        );
        let mut answered = [0u8; 1];
        let refused = !matches!(
            held.try_read(&mut answered),
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock
        );
        if refused {
            held = hold(&server, &body).await;
        }
    };
    assert_eq!(refusal["error"]["code"], "unavailable", "{refusal}");
    assert!(
        refusal["error"]["message"]
            .as_str()
            .unwrap()
            .contains("answering slot"),
        "{refusal}"
    );
    assert!(retry_after.is_some(), "a 503 says when to come back");
    let health = http().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "the rest is served");

    held.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    held.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, _, body) = post(&server, "/v1/ask", other).await;
    assert_eq!(status, StatusCode::OK, "the slot is free again: {body}");
}

/// A visitor's replies on their own ticket are the one anonymous write whose text the desk keeps
/// whole, in a ticket written anew with each reply: a reply has at most 4,000 characters, at most
/// ten wait for an expert, and each spends the address's budget as well as the session's, so that
/// sessions minted by the dozen do not multiply it. Before these bounds, five sessions of one
/// address grew the desk by 70 MB in 90 replies of 60 KB.
#[tokio::test]
async fn a_visitors_replies_are_bounded_in_length_number_and_budget() {
    let (sandbox, server) =
        serve("requests_per_minute_per_address = 20\nrequests_per_minute_per_session = 0");
    let disk_before = size_on_disk(&sandbox.data);
    let ticket_of = |n: usize| {
        let server = &server;
        async move {
            let (status, _, asked) = post(
                server,
                "/v1/ask",
                json!({"question": "¿Qué parte de las RE6.4 va al Fondo de Adaptación?", "session": session(n)}),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{asked}");
            let (status, _, ticket) = post(
                server,
                "/v1/escalations",
                json!({"question_id": asked["question_id"], "session": session(n)}),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{ticket}");
            ticket["id"].as_str().unwrap().to_string()
        }
    };
    let reply = |n: usize, ticket: String, text: String| {
        let server = &server;
        async move {
            post(
                server,
                "/v1/replies",
                json!({"ticket": ticket, "text": text, "session": session(n)}),
            )
            .await
        }
    };
    let first = ticket_of(0).await;
    let (status, _, body) = reply(0, first.clone(), "x".repeat(4_001)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("4000"),
        "{body}"
    );
    let most = "Más detalles sobre mi caso. ".repeat(142);
    assert!(most.chars().count() <= 4_000);
    for _ in 0..10 {
        let (status, _, body) = reply(0, first.clone(), most.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _, body) = reply(0, first.clone(), "¿Hay alguien?".into()).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the eleventh in a row: {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("have not answered your last 10"),
        "{body}"
    );

    // 15 of the address's 20 spent: a second session's ticket takes 2, and its replies the rest
    // (with a token or two refilled meanwhile), well before its ten in a row.
    let second = ticket_of(1).await;
    let mut replied = 0;
    let retry_after = loop {
        let (status, retry_after, body) = reply(1, second.clone(), "Otro dato.".into()).await;
        match status {
            StatusCode::OK => replied += 1,
            StatusCode::TOO_MANY_REQUESTS => break retry_after,
            other => panic!("unexpected {other}: {body}"),
        }
        assert!(replied < 10, "replies do not spend the address's budget");
    };
    assert!(retry_after.is_some(), "a 429 says when to come back");

    let grown = size_on_disk(&sandbox.data).saturating_sub(disk_before);
    assert!(
        grown < 8 * 1024 * 1024,
        "the data directory grew by {grown} bytes"
    );
}

/// A method a route does not serve is a 405 naming the ones it does (`Allow`), in the JSON error
/// shape, and costs the client nothing: a burst of them, many times the address's budget, leaves the
/// budget whole for the requests that are served.
#[tokio::test]
async fn methods_a_route_does_not_serve_are_405s_that_spend_no_budget() {
    let (_sandbox, server) =
        serve("requests_per_minute_per_address = 3\nrequests_per_minute_per_session = 3");
    let client = http();
    for round in 0..10 {
        for (method, path) in [
            (reqwest::Method::PUT, "/v1/ask"),
            (reqwest::Method::GET, "/v1/ask"),
            (reqwest::Method::DELETE, "/v1/search"),
            (reqwest::Method::PATCH, "/v1/escalations"),
            (reqwest::Method::PUT, "/v1/feedback"),
        ] {
            let response = client
                .request(method.clone(), server.url(path))
                .json(&json!({"question": "What is an ITMO?", "session": session(1)}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}, round {round}"
            );
            let allow = response
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(allow.as_deref(), Some("POST"), "{method} {path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "method_not_allowed", "{body}");
        }
    }
    for question in ["What is an ITMO?", "¿Qué es un ITMO?", "O que é um ITMO?"] {
        let (status, _, body) = post(
            &server,
            "/v1/ask",
            json!({"question": question, "session": session(1)}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the whole budget is left: {body}");
    }
    let (status, _, _) = post(
        &server,
        "/v1/ask",
        json!({"question": "What is an ITMO?", "session": session(2)}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "and it is the budget it was"
    );
    assert_eq!(
        metric_in(&server.metrics().await, "consulta_rate_limited_total"),
        1
    );
}

/// Behind a proxy, the addresses of one IPv6 network (a /64, what one subscriber is given) share one
/// budget: a client rotating through its own addresses ends in 429s like any other, while another
/// network is served.
#[tokio::test]
async fn the_addresses_of_one_ipv6_network_share_one_budget() {
    let (_sandbox, server) = serve(
        "requests_per_minute_per_address = 5\nrequests_per_minute_per_session = 0\nclient_ip_header = \"X-Forwarded-For\"",
    );
    let search = |from: String| {
        let request = http()
            .post(server.url("/v1/search"))
            .header("X-Forwarded-For", from)
            .json(&json!({"query": "Fondo de Adaptación"}));
        async move { request.send().await.unwrap().status() }
    };
    let mut refused = 0;
    for n in 1..=12 {
        match search(format!("2001:db8:1:2::{n:x}")).await {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused >= 7, "{refused} of 12 refused over a budget of 5");
    assert_eq!(search("2001:db8:1:3::1".into()).await, StatusCode::OK);
}

/// Forgetting a conversation writes to the desk under its lock, whatever there is to forget: one
/// session repeating it spends the address's budget like any other write, and ends in 429s.
#[tokio::test]
async fn forgetting_a_conversation_again_and_again_ends_in_429s() {
    let (_sandbox, server) =
        serve("requests_per_minute_per_address = 5\nrequests_per_minute_per_session = 0");
    let visitor = session(1);
    let mut refused = 0;
    for _ in 0..12 {
        let response = http()
            .delete(server.url("/v1/conversations"))
            .header("X-Consulta-Session", &visitor)
            .send()
            .await
            .unwrap();
        match response.status() {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                assert!(response.headers().contains_key("retry-after"));
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(refused >= 7, "{refused} of 12 refused over a budget of 5");
}

/// The chat page polls its messages every few seconds while it is open: a minute of polling from
/// three tabs of one conversation, all at once, is served with the default budgets. A client
/// polling in a loop ends in 429s with `Retry-After` in the JSON error shape, while another
/// conversation from the same address is still served, and the looping one again after the wait.
#[tokio::test]
async fn the_chat_pages_polls_are_served_and_a_poll_flood_ends_in_429s() {
    let (_sandbox, server) = serve("");
    let poll = |visitor: String| {
        let request = http()
            .get(server.url("/v1/conversations/messages?after=0"))
            .header("X-Consulta-Session", visitor);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            let body: Value = response.json().await.unwrap();
            (status, retry_after, body)
        }
    };
    // The page polls every 3 s: 20 a minute, and three tabs 60.
    for _ in 0..60 {
        let (status, _, body) = poll(session(1)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut refused = None;
    for _ in 0..40 {
        let (status, retry_after, body) = poll(session(1)).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((retry_after, body));
            break;
        }
    }
    let (retry_after, body) = refused.expect("a flood of polls is refused");
    let wait = retry_after.expect("Retry-After");
    assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
    let (status, _, body) = poll(session(2)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another conversation is served: {body}"
    );
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let (status, _, body) = poll(session(1)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "served again after the wait: {body}"
    );
    assert!(metric_in(&server.metrics().await, "consulta_rate_limited_total") >= 1);
}
