//! Tracing of requests, alone in its own test binary: tracing caches which callsites are
//! enabled process-wide, so tests running in parallel without a subscriber would hide events
//! from a scoped one.

use std::time::Duration;

use openrouter_kit::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-or-v1-test-secret";

fn credits() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"data": {"total_credits": 10.5, "total_usage": 2.25}}))
}

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts: attempts, initial_backoff: Duration::from_millis(1), ..RetryPolicy::default() }
}

/// Collects everything tracing writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_is_traced_and_the_key_never_is() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/credits"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html>bad gateway</html>", "text/html"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/credits")).respond_with(credits()).mount(&server).await;
    let client = Client::builder().api_key(KEY).base_url(server.uri()).retry_policy(fast_retries(3)).build().unwrap();
    client.api().get_credits().await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("attempt=1") && logs.contains("attempt=2"), "{logs}");
    assert!(logs.contains("retrying") && logs.contains("status=502"), "{logs}");
    assert!(logs.contains("get_credits"), "the operation is named: {logs}");
    assert!(!logs.contains("secret"), "the key leaked into the logs: {logs}");
}

#[tokio::test(flavor = "current_thread")]
async fn one_gen_ai_span_per_request_with_usage_and_its_attempts_inside() {
    use tracing_subscriber::fmt::format::FmtSpan;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    mock.on("sendChatCompletionRequest").not_streaming().times(1).reply(openrouter_kit_mock::Reply::rate_limited(0)).mount().await;
    mock.chat_reply("Hi").await;
    mock.chat_stream(&openrouter_kit_mock::ChatScript::new("openai/gpt-4o-2024").text("Hi").usage(30, 7, 0.5)).await;
    let client = mock.client_builder().api_key(KEY).build().unwrap();
    let request = openrouter_kit::ChatRequestBuilder::new("anthropic/claude-sonnet-4").user("Hello").build().unwrap();
    client.chat().create(&request).await.unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let is_request_close = |l: &&str| l.contains("gen_ai.request{") && !l.contains("openrouter.attempt{") && l.contains(" close ");
    let closed: Vec<&str> = logs.lines().filter(is_request_close).collect();
    assert_eq!(closed.len(), 1, "one span for the request, retries included: {logs}");
    let span = closed[0];
    for field in [
        "gen_ai.system=\"openrouter\"",
        "gen_ai.operation.name=\"chat\"",
        "gen_ai.request.model=\"anthropic/claude-sonnet-4\"",
        "gen_ai.response.model=\"openai/gpt-4o\"",
        "gen_ai.response.id=\"gen-mock-1\"",
        "gen_ai.usage.input_tokens=12",
        "gen_ai.usage.output_tokens=5",
        "gen_ai.usage.cost=2e-5",
    ] {
        assert!(span.contains(field), "{field} missing in {span}");
    }
    // Both attempts ran inside it.
    let attempts: Vec<&str> = logs.lines().filter(|l| l.contains("gen_ai.request{") && l.contains("openrouter.attempt{")).collect();
    assert!(attempts.iter().any(|l| l.contains("attempt=2")), "{logs}");

    // A stream's span closes when the stream is done, with the usage of its last chunk.
    use futures_util::StreamExt;
    let chunks: Vec<_> = client.chat().stream(&request).await.unwrap().collect().await;
    assert!(chunks.iter().all(Result::is_ok));
    drop(chunks);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let streamed = logs.lines().filter(is_request_close).nth(1).unwrap_or_default().to_string();
    assert!(streamed.contains("gen_ai.usage.input_tokens=30") && streamed.contains("gen_ai.response.model=\"openai/gpt-4o-2024\""), "{logs}");
    assert!(!logs.contains(KEY), "the key is never traced");

    // Messages: the model and input from `message_start`, the output from `message_delta`.
    mock.messages_stream(&openrouter_kit_mock::MessagesScript::new("anthropic/claude-sonnet-4").text("a").text("b").usage(10, 2)).await;
    let body = json!({"model": "anthropic/claude-sonnet-4", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]});
    let events: Vec<_> = client.messages().stream(&body).await.unwrap().collect().await;
    assert!(events.iter().all(Result::is_ok));
    drop(events);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let messages = logs.lines().filter(is_request_close).find(|l| l.contains("gen_ai.operation.name=\"messages\"")).unwrap_or_default();
    for field in ["gen_ai.response.model=\"anthropic/claude-sonnet-4\"", "gen_ai.usage.input_tokens=10", "gen_ai.usage.output_tokens=2"] {
        assert!(messages.contains(field), "{field} missing in {messages}");
    }
}
