//! Helpers the contract tests share: SSE fixtures and a mock answering one route with one.

use openrouter_kit::Client;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A file of `tests/fixtures/`.
#[allow(dead_code)]
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A mock that answers `POST route` with `stream: true` in the body by the SSE fixture `name`,
/// and a client pointed at it.
#[allow(dead_code)]
pub async fn serve_sse(route: &str, name: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(route))
        .and(body_partial_json(json!({"stream": true})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture(name), "text/event-stream"))
        .mount(&server)
        .await;
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).build().unwrap();
    (server, client)
}

/// What a [`raw_server`] does once it has written its answer.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Close the connection.
    Close,
    /// Keep it open and say nothing more (a stalled server).
    Stall,
}

/// A server of exact bytes: connection `n` gets `answers[n]` (the last one after that), then
/// [`Then`]. Returns its URL and a count of connections.
#[allow(dead_code)]
pub async fn raw_server(answers: Vec<&'static [u8]>, then: Then) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let answer = answers[n.min(answers.len() - 1)];
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 8192];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => head.extend_from_slice(&buf[..k]),
                    }
                }
                let _ = socket.write_all(answer).await;
                match then {
                    Then::Close => drop(socket.shutdown().await),
                    Then::Stall => tokio::time::sleep(std::time::Duration::from_secs(3600)).await,
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}
