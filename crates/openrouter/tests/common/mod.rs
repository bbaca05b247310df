//! Helpers the contract tests share: SSE fixtures and a mock answering one route with one.

use openrouter::Client;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A file of `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A mock that answers `POST route` with `stream: true` in the body by the SSE fixture `name`,
/// and a client pointed at it.
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
