//! `consulta serve` against clients that hold connections instead of using them: slow headers
//! (slowloris) are cut after `header_read_timeout_secs` while others are served, a SIGTERM with
//! half-open connections exits within `shutdown_grace_secs`, and a vector store that cannot be
//! reached at start is waited for, with `/readyz` at 503 meanwhile.

mod common;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use common::{Sandbox, Server, metric_in};

/// A connection that sends the start of a request and never its end.
async fn half_open(server: &Server) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: consulta\r\nX-Slow: ")
        .await
        .unwrap();
    stream
}

/// Whether the server closed `stream` within `bound` (a read that ends, or fails).
async fn closed_within(stream: &mut TcpStream, bound: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let read = tokio::time::timeout(bound, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    read.is_ok()
}

#[tokio::test]
async fn a_slowloris_client_is_cut_after_the_header_timeout_while_others_are_served() {
    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(
        "[service]\nheader_read_timeout_secs = 2\nidle_timeout_secs = 60\nmax_connections = 8\n",
    );
    let mut slow = Vec::new();
    for _ in 0..6 {
        slow.push(half_open(&server).await);
    }
    // One more trickles a header byte at a time, which resets no timer: the headers' total counts.
    let mut trickling = half_open(&server).await;
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            if trickling.write_all(b"x").await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    });

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let served = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(
        served.status(),
        StatusCode::OK,
        "others are served meanwhile"
    );

    for stream in &mut slow {
        assert!(
            closed_within(stream, Duration::from_secs(30)).await,
            "a half-sent request must be cut"
        );
    }
    assert!(trickle.await.unwrap(), "a trickling client must be cut");
    let again = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn sigterm_with_half_open_connections_exits_within_the_grace() {
    let sandbox = Sandbox::new().ingested();
    let mut server = sandbox.serve(
        "[service]\nheader_read_timeout_secs = 300\nidle_timeout_secs = 300\nshutdown_grace_secs = 2\n",
    );
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(half_open(&server).await);
    }
    // And one connection idle between two requests (keep-alive).
    let client = reqwest::Client::new();
    let kept = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(kept.status(), StatusCode::OK);

    // The timeouts above are far longer than the bound: only the grace can end these connections.
    let status = tokio::task::spawn_blocking(move || {
        let status = server.terminate_within(Duration::from_secs(20));
        (status, server)
    })
    .await
    .unwrap()
    .0
    .expect("consulta serve still ran 20 s after SIGTERM, with a 2 s grace");
    assert!(status.success(), "{status:?}");
    drop(held);
}

#[tokio::test]
async fn serve_waits_for_an_unreachable_vector_store_with_readyz_at_503() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = Sandbox::new();
    let mut server = sandbox.serve_starting(&format!(
        r#"
[retrieval]
vector_store = "qdrant"

[retrieval.qdrant]
url = "http://127.0.0.1:{port}"
retries = 1
retry_initial_ms = 10
timeout_secs = 1
"#
    ));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "up while it waits");

    // Two failed attempts to open the store, reported by /readyz: the process waits and retries
    // instead of exiting.
    let deadline = Instant::now() + Duration::from_secs(180);
    let ready = loop {
        let response = client.get(server.url("/readyz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let ready: Value = response.json().await.unwrap();
        if ready["attempts"].as_u64().unwrap() >= 2 {
            break ready;
        }
        assert!(Instant::now() < deadline, "no second attempt: {ready}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let status = ready["status"].as_str().unwrap();
    assert!(status.contains("waiting for the vector store"), "{status}");
    assert!(status.contains(&port.to_string()), "{status}");

    let ask = client
        .post(server.url("/v1/ask"))
        .json(&serde_json::json!({"question": "What is an ITMO?", "session": "0f8e2a34-5b6c-4d7e-8f90-a1b2c3d4e5f6"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ask.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ask.headers().get("retry-after").is_some());

    let exited =
        tokio::task::spawn_blocking(move || server.terminate_within(Duration::from_secs(60)))
            .await
            .unwrap()
            .expect("a SIGTERM ends the wait");
    assert!(exited.success(), "{exited:?}");
}

/// Sends `head` as a whole request and reads the answer until the server closes the connection.
async fn raw_answer(server: &Server, head: &[u8]) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    // The server may answer and close before it has read everything: a failed write is expected.
    let _ = stream.write_all(head).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends `request`, checks that it is refused with `status`, and returns the JSON error object.
async fn refusal(server: &Server, request: &str, status: &str) -> Value {
    let answer = raw_answer(server, request.as_bytes()).await;
    assert!(
        answer.starts_with(&format!("HTTP/1.1 {status} ")),
        "{answer}"
    );
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {answer}"));
    json["error"].clone()
}

#[tokio::test]
async fn an_overlong_url_or_header_section_is_refused_in_the_json_error_shape() {
    let sandbox = Sandbox::new();
    let server = sandbox.serve("[service]\n");
    let long_url = format!(
        "GET /healthz?padding={} HTTP/1.1\r\nHost: consulta\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers: String = (0..150).map(|n| format!("X-Filler-{n}: {n}\r\n")).collect();
    let big_header = format!("X-Big: {}\r\n", "b".repeat(120 * 1024));
    for (request, status, code) in [
        (long_url, "414", "uri_too_long"),
        (
            format!("GET /healthz HTTP/1.1\r\nHost: consulta\r\n{many_headers}\r\n"),
            "431",
            "headers_too_large",
        ),
        (
            format!("GET /healthz HTTP/1.1\r\nHost: consulta\r\n{big_header}\r\n"),
            "431",
            "headers_too_large",
        ),
    ] {
        let error = refusal(&server, &request, status).await;
        assert_eq!(error["code"], code, "{error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let served = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK, "the server carries on");
}

/// `consulta_http_responses_total{class="4xx"}` as `/metrics` reports it now.
async fn client_errors_counted(server: &Server) -> u64 {
    metric_in(
        &server.metrics().await,
        "consulta_http_responses_total{class=\"4xx\"}",
    )
}

/// The URL and request-head bounds are `[service]` settings; a request under them is served, one
/// over them is refused in the JSON error shape naming the setting, and every refusal is counted in
/// `/metrics` like any other 4xx.
#[tokio::test]
async fn the_url_and_header_limits_are_settings_and_their_refusals_are_counted() {
    let sandbox = Sandbox::new();
    let server = sandbox.serve(
        "[service]\nmax_uri_bytes = 1024\nmax_header_bytes = 6000\nmax_header_fields = 20\n",
    );
    let request = |target: &str, headers: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: consulta\r\nConnection: close\r\n{headers}\r\n")
    };
    let padded = |bytes: usize| format!("/healthz?p={}", "a".repeat(bytes - "/healthz?p=".len()));
    let fields =
        |count: usize| -> String { (0..count).map(|n| format!("X-F{n}: {n}\r\n")).collect() };
    let big_header = |bytes: usize| format!("X-Big: {}\r\n", "b".repeat(bytes));
    for fits in [
        request(&padded(1000), ""),
        request("/healthz", &big_header(5000)),
        request("/healthz", &fields(15)),
    ] {
        let answer = raw_answer(&server, fits.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    }
    let before = client_errors_counted(&server).await;
    let refusals = [
        (
            request(&padded(1100), ""),
            "414",
            "uri_too_long",
            "1024 bytes",
        ),
        (
            request("/healthz", &big_header(7000)),
            "431",
            "headers_too_large",
            "6000 bytes",
        ),
        (
            request("/healthz", &fields(25)),
            "431",
            "headers_too_large",
            "20 fields",
        ),
        // A URL longer than a whole head may be: the head bound refuses it first.
        (
            request(&padded(70_000), ""),
            "431",
            "headers_too_large",
            "6000 bytes",
        ),
    ];
    for (refused, status, code, named) in &refusals {
        let error = refusal(&server, refused, status).await;
        assert_eq!(error["code"], *code, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(named), "{message}");
    }
    assert_eq!(
        client_errors_counted(&server).await - before,
        refusals.len() as u64,
        "every refusal is counted"
    );
}

/// The answer to a `GET /healthz` sent on a new connection: it comes once the server has a
/// connection slot for it.
async fn healthz_once_served(address: String) -> String {
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: consulta\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap()
}

/// Whether the server closes `stream`: a read that ends or fails, within a bound far past the
/// timeouts these tests set (a server that never closes fails the test there).
fn cut(stream: &std::net::TcpStream) -> bool {
    use std::io::{ErrorKind, Read};
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut rest = Vec::new();
    match (&*stream).read_to_end(&mut rest) {
        Ok(_) => true,
        Err(error) => !matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

/// The remote relay's routes are where a bot process long-polls with the front-end token; a client
/// that opens them and stops half-way must not hold a connection: a head sent in part is cut after
/// `header_read_timeout_secs`, a report whose body stops half-way after `idle_timeout_secs`, and
/// while such connections fill `max_connections` a further one waits until one is cut.
#[tokio::test]
async fn half_sent_relay_requests_are_cut_and_the_connection_cap_holds_for_them() {
    use std::io::{ErrorKind, Read, Write};

    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(
        "[service]\nheader_read_timeout_secs = 2\nidle_timeout_secs = 3\nmax_connections = 2\n\
         frontend_token = \"relay-token-for-tests\"\n",
    );
    let address = server.base.trim_start_matches("http://").to_string();
    let connect = |sent: &[u8]| {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream.write_all(sent).unwrap();
        stream
    };
    let head_in_part = connect(
        b"GET /v1/relay/telegram/next?wait_secs=1 HTTP/1.1\r\nHost: consulta\r\nAuthorization: Bearer relay-",
    );
    let body_in_part = connect(
        b"POST /v1/relay/telegram/done HTTP/1.1\r\nHost: consulta\r\n\
          Authorization: Bearer relay-token-for-tests\r\nContent-Type: application/json\r\n\
          Content-Length: 200\r\n\r\n{\"job\": 1, ",
    );
    let held = [head_in_part, body_in_part];

    let answered = healthz_once_served(address.clone()).await;
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    // Asked without waiting: the third connection was served only once a relay request was cut.
    let closed_now = |stream: &std::net::TcpStream| {
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        let closed = match (&*stream).read(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(error) => error.kind() != ErrorKind::WouldBlock,
        };
        stream.set_nonblocking(false).unwrap();
        closed
    };
    assert!(
        held.iter().any(closed_now),
        "a connection over the cap of two waited for a half-sent relay request to be cut"
    );
    for (stream, what) in held
        .iter()
        .zip(["a head sent in part", "a body sent in part"])
    {
        assert!(cut(stream), "{what} on a relay route must be cut");
    }
}

/// A body trickled a byte at a time keeps the idle timeout from ever passing; it is cut once
/// `body_read_timeout_secs` have passed since its headers, so trickling clients cannot hold every
/// connection slot (before, 520 of them trickling a byte every 20 s left `/healthz` unanswered).
#[tokio::test]
async fn a_trickled_body_is_cut_after_the_body_timeout_and_frees_its_slot() {
    use std::io::Write;

    let sandbox = Sandbox::new().ingested();
    let server = sandbox.serve(
        "[service]\nbody_read_timeout_secs = 2\nidle_timeout_secs = 60\nmax_connections = 2\n",
    );
    let address = server.base.trim_start_matches("http://").to_string();
    let trickling: Vec<_> = (0..2)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            stream
                .write_all(
                    b"POST /v1/search HTTP/1.1\r\nHost: consulta\r\nContent-Type: application/json\r\n\
                      Content-Length: 60000\r\n\r\n{\"query\": \"",
                )
                .unwrap();
            let mut writer = stream.try_clone().unwrap();
            // A byte every 200 ms, far inside the idle timeout, until the server cuts the connection.
            let trickle = std::thread::spawn(move || {
                for _ in 0..600 {
                    if writer.write_all(b"a").is_err() {
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                false
            });
            (stream, trickle)
        })
        .collect();

    let answered = healthz_once_served(address).await;
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    for (stream, trickle) in trickling {
        assert!(cut(&stream), "a trickled body must be cut");
        assert!(
            trickle.join().unwrap(),
            "the connection was closed under the trickling client"
        );
    }
}

/// Sends `head` and reads one answer: its status line, headers and the JSON error its
/// `content-length` announces. Nothing after the head is sent, so an answer proves that the server
/// answered without the body; a server waiting for it would leave the read to fail at the bound.
async fn answer_to_head(server: &Server, head: &str) -> (String, Value) {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(120), async {
        let mut buffer = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&answer).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .expect("a content-length");
                if body.len() >= length {
                    return (
                        head.to_string(),
                        serde_json::from_str(&body[..length]).unwrap(),
                    );
                }
            }
            let read = stream.read(&mut buffer).await.unwrap();
            assert!(read > 0, "closed without a whole answer: {text}");
            answer.extend_from_slice(&buffer[..read]);
        }
    })
    .await;
    read.expect("no answer while the body was withheld")
}

/// A body announced over the route's limit is refused with 413 as soon as the headers are read,
/// whatever the route's own limit (the document upload has the larger one), and whoever sends it;
/// the body read timeout is far beyond the wait for the answer, so only the announced length can
/// have refused it.
#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_before_it_is_sent() {
    let sandbox = Sandbox::new();
    let server = sandbox.serve(
        "[service]\nmax_body_bytes = 70000\nmax_document_bytes = 1000000\nbody_read_timeout_secs = 3600\n",
    );
    let post = |path: &str, length: u64| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: consulta\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n\r\n"
        )
    };
    for (path, length, setting) in [
        ("/v1/ask", 70_001, "max_body_bytes"),
        ("/v1/escalations", 1 << 40, "max_body_bytes"),
        ("/v1/documents?name=big.md", 1_000_001, "max_document_bytes"),
    ] {
        let (head, error) = answer_to_head(&server, &post(path, length)).await;
        assert!(head.starts_with("HTTP/1.1 413 "), "{path}: {head}");
        assert_eq!(error["error"]["code"], "payload_too_large", "{error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&length.to_string()) && message.contains(setting),
            "{message}"
        );
    }
    // Under the upload's limit, a document is not refused for its size (here: for want of a token).
    let (head, error) =
        answer_to_head(&server, &post("/v1/documents?name=guide.md", 500_000)).await;
    assert!(head.starts_with("HTTP/1.1 401 "), "{head}: {error}");
}

/// A `Content-Length` that is no length (past 2^64 − 1, at the two values hyper keeps for itself,
/// negative, or not a number) is a 400 that says so, in the JSON error shape.
#[tokio::test]
async fn a_content_length_that_is_not_a_length_is_a_400_saying_so() {
    let sandbox = Sandbox::new();
    let server = sandbox.serve("[service]\n");
    for length in [
        "18446744073709551616",
        "99999999999999999999999999",
        "18446744073709551615",
        "18446744073709551614",
        "-1",
        "twelve",
    ] {
        let request = format!(
            "POST /v1/ask HTTP/1.1\r\nHost: consulta\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n\r\n{{}}"
        );
        let error = refusal(&server, &request, "400").await;
        assert_eq!(error["code"], "bad_request", "{length}: {error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("Content-Length header is not a valid length"),
            "{length}: {error}"
        );
    }
    // A head that is malformed otherwise is a 400 in the same shape, with its own reason.
    let error = refusal(
        &server,
        "GET /healthz HTTP/1.1\r\nHost: consulta\r\nBad Header: x\r\n\r\n",
        "400",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not valid HTTP/1.1"),
        "{error}"
    );
    let served = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK, "the server carries on");
}
