//! The server backend when nothing usable answers: retried with backoff, then a clear error.
//! Runs without a Qdrant server: the "server" is a TCP listener that hangs up on every connection.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use consulta_retrieval::{QdrantConfig, QdrantStore};

use crate::common::DIMENSION;

/// Accepts connections and closes them at once, counting them.
fn hanging_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });
    (url, accepted)
}

#[test]
fn a_server_that_hangs_up_is_retried_then_reported_with_what_to_do() {
    let (url, accepted) = hanging_up_server();
    let config = QdrantConfig {
        url: url.clone(),
        retries: 3,
        retry_initial_ms: 50,
        timeout_secs: 2,
        ..QdrantConfig::default()
    };
    let error = QdrantStore::connect(&config, DIMENSION)
        .unwrap_err()
        .to_string();
    assert!(error.contains(&url), "{error}");
    assert!(error.contains("after 4 attempt(s)"), "{error}");
    assert!(error.contains("gRPC port (6334)"), "{error}");
    assert!(
        accepted.load(Ordering::SeqCst) >= 4,
        "every attempt reached the server: {}",
        accepted.load(Ordering::SeqCst)
    );
    // The waits between the attempts are checked on recorded sleeps in qdrant_retry's own tests.
}

/// qdrant-client 1.20 reports a refused connection as `Internal("Failed to connect ...")`: it must
/// be retried like any outage (a server restarting refuses connections for a while).
#[test]
fn a_refused_connection_is_retried_then_reported_as_unreachable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = QdrantConfig {
        url: format!("http://127.0.0.1:{port}"),
        retries: 2,
        retry_initial_ms: 10,
        ..QdrantConfig::default()
    };
    let error = QdrantStore::connect(&config, DIMENSION).unwrap_err();
    assert!(
        consulta_retrieval::store_unreachable(&error),
        "a refused connection is an unreachable store: {error}"
    );
    let error = error.to_string();
    assert!(error.contains("after 3 attempt(s)"), "{error}");
    assert!(error.contains("gRPC port (6334)"), "{error}");
}

#[test]
fn an_invalid_url_is_refused_before_connecting() {
    let config = QdrantConfig {
        url: "qdrant:6334".into(),
        ..QdrantConfig::default()
    };
    let error = QdrantStore::connect(&config, DIMENSION)
        .unwrap_err()
        .to_string();
    assert!(error.contains("qdrant.url"), "{error}");
}
