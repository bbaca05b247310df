//! Tracing of requests, alone in its own test binary: tracing caches which callsites are
//! enabled process-wide, so tests running in parallel without a subscriber would hide events
//! from a scoped one.

use std::time::Duration;

use openrouter::{Client, RetryPolicy};
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
