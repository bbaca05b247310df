//! The configured client against a wiremock server: headers on every generated operation,
//! retries with Retry-After, configuration errors, and the key never printed.

use std::time::Duration;

mod common;

use openrouter_kit::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, headers, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-test-secret";

fn credits() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": {"total_credits": 10.5, "total_usage": 2.25}}))
}

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts: attempts, initial_backoff: Duration::from_millis(1), ..RetryPolicy::default() }
}

#[tokio::test]
async fn every_generated_operation_carries_auth_and_attribution() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/credits"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("http-referer", "https://example.app"))
        .and(header("x-openrouter-title", "Example"))
        .and(header("x-title", "Example"))
        // wiremock splits header values at commas.
        .and(headers("x-openrouter-categories", vec!["cli-agent", "programming"]))
        .and(header("x-session-id", "session-1"))
        .and(header("x-openrouter-metadata", "enabled"))
        .respond_with(credits())
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .app_url("https://example.app")
        .app_title("Example")
        .categories(["CLI-Agent", "programming"])
        .session_id("session-1")
        .header("X-OpenRouter-Metadata", "enabled")
        .build()
        .unwrap();
    let credits = client.api().get_credits().await.unwrap().into_inner();
    assert_eq!(credits.data.unwrap().total_credits, Some(10.5));
}

#[tokio::test]
async fn a_caller_supplied_http_client_still_gets_the_headers() {
    let server = MockServer::start().await;
    Mock::given(path("/credits"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(credits())
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).http_client(reqwest::Client::new()).build().unwrap();
    client.api().get_credits().await.unwrap();
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(path("/credits"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after-ms", "20")
                .set_body_json(json!({"error": {"code": 429, "message": "Rate limit exceeded"}})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/credits")).respond_with(credits()).expect(1).mount(&server).await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(fast_retries(3)).build().unwrap();
    let started = std::time::Instant::now();
    client.api().get_credits().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(20), "the Retry-After hint was honoured");
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit_and_keep_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(path("/credits"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": {"code": 503, "message": "No provider"}})))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(fast_retries(2)).build().unwrap();
    let err = client.api().get_credits().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/credits"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": 400, "message": "bad"}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(fast_retries(3)).build().unwrap();
    assert!(client.api().get_credits().await.is_err());
}

#[test]
fn bad_configuration_is_an_error_not_a_panic() {
    let config_error = |r: Result<Client, Error>| match r {
        Err(Error::Config(msg)) => msg,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    // A missing key is its own variant, told apart from every other configuration error.
    assert!(matches!(Client::builder().build(), Err(Error::MissingApiKey)));
    assert!(matches!(Client::new("  "), Err(Error::MissingApiKey)));
    assert!(config_error(Client::builder().api_key(KEY).app_title("a\r\nX-Evil: 1").build()).contains("X-OpenRouter-Title"));
    assert!(config_error(Client::builder().api_key(KEY).base_url("not a url").build()).contains("not a URL"));
    assert!(config_error(Client::builder().api_key(KEY).base_url("ftp://x").build()).contains("http"));
    assert!(config_error(Client::builder().api_key(KEY).header("bad name", "v").build()).contains("header name"));
    assert!(config_error(Client::builder().api_key(KEY).session_id("x".repeat(257)).build()).contains("256"));
}

#[test]
fn the_key_never_appears_in_debug_output() {
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains("secret"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("secret"));
    assert_eq!(client.base_url().as_str(), "https://openrouter.ai/api/v1");
}

#[tokio::test]
async fn a_whole_answer_past_the_body_limit_is_a_typed_error() {
    let server = MockServer::start().await;
    let text = "x".repeat(64 << 10);
    let answer = json!({"id": "gen-1", "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]});
    Mock::given(method("POST")).and(path("/chat/completions")).respond_with(ResponseTemplate::new(200).set_body_json(answer)).mount(&server).await;
    let request = openrouter_kit::ChatRequestBuilder::new("m").user("hi").build().unwrap();
    let small = Client::builder().api_key(KEY).base_url(server.uri()).max_body_bytes(16 << 10).build().unwrap();
    let e = small.chat().create(&request).await.unwrap_err();
    assert!(matches!(e, Error::BodyTooLarge { limit } if limit == 16 << 10), "{e:?}");
    // Within the limit, the same answer decodes.
    let roomy = Client::builder().api_key(KEY).base_url(server.uri()).max_body_bytes(1 << 20).build().unwrap();
    let answer = roomy.chat().create(&request).await.unwrap();
    assert_eq!(answer.text().len(), 64 << 10);
}

#[tokio::test]
async fn an_event_that_never_ends_stops_at_the_event_limit() {
    use futures_util::StreamExt;
    // `data: xxxx…` with no line end, 1 KiB per read, forever: the stream must end on its own.
    let head = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"data: "))]);
    let endless = futures_util::stream::repeat_with(|| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 1024])));
    let mut events = openrouter_kit::EventStream::<openrouter_kit_api::types::ChatStreamChunk>::from_byte_stream(head.chain(endless), None)
        .max_event_bytes(256 << 10);
    let next = events.next().await.unwrap();
    assert!(matches!(next, Err(Error::Stream(openrouter_kit::StreamError::EventTooLarge(limit))) if limit == 256 << 10), "{next:?}");
    assert!(events.next().await.is_none());
    // Many events of any size under the limit pass.
    let many = (0..2000).map(|i| Ok::<_, std::io::Error>(bytes::Bytes::from(format!("data: {{\"id\":\"{i}\"}}\n\n"))));
    let tail = [Ok(bytes::Bytes::from_static(b"data: [DONE]\n\n"))];
    let source = futures_util::stream::iter(many.chain(tail).collect::<Vec<_>>());
    let events = openrouter_kit::EventStream::<openrouter_kit_api::types::ChatStreamChunk>::from_byte_stream(source, None).max_event_bytes(64);
    assert_eq!(events.filter(|e| std::future::ready(e.is_ok())).count().await, 2000);
}

/// A server that answers every connection with `bytes`, then keeps the socket open and silent.
async fn silent_after(bytes: &'static [u8]) -> String {
    common::raw_server(vec![bytes], common::Then::Stall).await.0
}

fn bounded_client(base: String) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .first_byte_timeout(Duration::from_millis(300))
        .read_idle_timeout(Duration::from_millis(300))
        .stream_idle_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_silent_or_stalling_server_ends_every_call_within_its_bound() {
    // The outer timeout only turns a hang into a failure; the client's own bounds are 300 ms.
    let guard = Duration::from_secs(10);
    let request = openrouter_kit::ChatRequestBuilder::new("m").user("hi").build().unwrap();

    let client = bounded_client(silent_after(b"").await);
    let e = tokio::time::timeout(guard, client.chat().create(&request)).await.expect("no hang").unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "no head: {e:?}");
    let e = tokio::time::timeout(guard, client.chat().stream(&request)).await.expect("no hang").unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "no head on a stream: {e:?}");

    let client = bounded_client(silent_after(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\":").await);
    let e = tokio::time::timeout(guard, client.chat().create(&request)).await.expect("no hang").unwrap_err();
    assert!(matches!(e, Error::BodyStalled(_)), "a JSON body that stalls: {e:?}");

    let client = bounded_client(silent_after(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n   ").await);
    let e = tokio::time::timeout(guard, client.chat().create(&request)).await.expect("no hang").unwrap_err();
    assert!(matches!(e, Error::BodyStalled(_)), "a body without a content type that stalls: {e:?}");

    let client = bounded_client(silent_after(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"error\":").await);
    let e = tokio::time::timeout(guard, client.chat().create(&request)).await.expect("no hang").unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500), "an error body that stalls keeps the status: {e:?}");

    for head in [
        &b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 500\r\n\r\n<html>"[..],
        &b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 500\r\n\r\n<html>"[..],
    ] {
        let head: &'static [u8] = Box::leak(head.to_vec().into_boxed_slice());
        let client = bounded_client(silent_after(head).await);
        let e = tokio::time::timeout(guard, client.chat().stream(&request)).await.expect("no hang").unwrap_err();
        assert!(matches!(e, Error::Api(_)), "a stream answered with a stalling non-stream body: {e:?}");
    }

    // A stream whose events stop: the idle timeout.
    let client = bounded_client(silent_after(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: {\"choices\":[]}\n\n").await);
    let mut events = tokio::time::timeout(guard, client.chat().stream(&request)).await.expect("no hang").unwrap();
    use futures_util::StreamExt as _;
    assert!(events.next().await.unwrap().is_ok());
    let e = tokio::time::timeout(guard, events.next()).await.expect("no hang").unwrap().unwrap_err();
    assert!(matches!(e, Error::Stream(openrouter_kit::StreamError::IdleTimeout(_))), "{e:?}");
}

#[test]
fn the_default_bounds_are_set() {
    // A default with no bound at all is a trap: both are on unless the caller says otherwise.
    assert_eq!(openrouter_kit::DEFAULT_TIMEOUT, Duration::from_secs(120));
    let client = Client::builder().api_key(KEY).build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY));
}

#[tokio::test]
async fn a_200_carrying_a_transient_error_as_text_plain_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"  {"error": {"code": 502, "message": "Provider returned error"}}"#, "text/plain"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let answer = json!({"id": "gen-2", "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}}]});
    Mock::given(path("/chat/completions")).respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(fast_retries(3)).build().unwrap();
    let request = openrouter_kit::ChatRequestBuilder::new("m").user("hi").build().unwrap();
    let answer = client.chat().create(&request).await.unwrap();
    assert_eq!(answer.text(), "ok");
}
