//! The mock server: defaults for every operation, routes you add, faults, and what it received.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::body_partial_json;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use crate::Fidelity;
use crate::front::{Fault, Front, Rule};
use crate::operations::{Operation, operation, operation_for, operations};
use crate::script::{ChatScript, MessagesScript, ResponsesScript, Sse};

/// The key [`MockOpenRouter::client`] sends. The mock accepts any key.
pub const MOCK_API_KEY: &str = "sk-or-v1-mock-key";

/// Default routes go below anything a test mounts (wiremock: a lower number wins; 5 is its default).
const DEFAULT_PRIORITY: u8 = 200;
const DEFAULT_STREAM_PRIORITY: u8 = 199;

/// A mock OpenRouter on a local port. Dropping it stops the server.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use openrouter_kit_mock::MockOpenRouter;
/// let mock = MockOpenRouter::start().await;
/// let client = mock.client();
/// let credits = client.api().get_credits().await.unwrap().into_inner();
/// assert!(credits.data.is_some());
/// mock.assert_received("getCredits", 1).await;
/// # }
/// ```
pub struct MockOpenRouter {
    server: MockServer,
    front: Front,
    fidelity: Fidelity,
}

impl std::fmt::Debug for MockOpenRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOpenRouter").field("uri", &self.uri()).finish_non_exhaustive()
    }
}

impl MockOpenRouter {
    /// A mock answering every operation of the pinned document with its default (the
    /// document's example, or a body built from the schema), and scripted streams for chat,
    /// Responses and Messages requests with `stream: true`.
    pub async fn start() -> Self {
        Self::start_with(Fidelity::Service).await
    }

    /// [`start`](Self::start), with the default answers in the given form:
    /// [`Fidelity::Document`] gives strictly valid answers (for clients that validate them),
    /// [`Fidelity::Service`] leaves out what the real service leaves out
    /// ([`SERVICE_OMISSIONS`](crate::SERVICE_OMISSIONS)).
    pub async fn start_with(fidelity: Fidelity) -> Self {
        let mut mock = Self::start_empty().await;
        mock.fidelity = fidelity;
        mock.mount_defaults().await;
        mock
    }

    /// [`start_with`](Self::start_with) on a fixed address (the standalone server's `--port`).
    ///
    /// # Errors
    /// If `listen` cannot be bound (the port is taken).
    pub async fn start_on(listen: std::net::SocketAddr, fidelity: Fidelity) -> std::io::Result<Self> {
        let server = MockServer::start().await;
        let front = Front::start(*server.address(), listen).await?;
        let mock = Self { server, front, fidelity };
        mock.mount_defaults().await;
        Ok(mock)
    }

    /// The form of this mock's default answers.
    pub fn fidelity(&self) -> Fidelity {
        self.fidelity
    }

    /// A mock that answers nothing until routes are added (wiremock answers `404` to the rest).
    ///
    /// # Panics
    /// If no local port can be bound (like wiremock itself).
    pub async fn start_empty() -> Self {
        let server = MockServer::start().await;
        let any_port = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let front = Front::start(*server.address(), any_port).await.expect("binding a local port for the mock's front");
        Self { server, front, fidelity: Fidelity::Service }
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT`), in place of
    /// `https://openrouter.ai/api/v1`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.front.addr)
    }

    /// A client for this mock: [`MOCK_API_KEY`], an app title, and retries that back off for
    /// a millisecond instead of half a second.
    ///
    /// # Panics
    /// If the HTTP client cannot be built (the configuration is fixed, so only a broken TLS or
    /// system setup can cause it); [`client_builder`](Self::client_builder) returns the error.
    pub fn client(&self) -> openrouter_kit::Client {
        self.client_builder().build().unwrap_or_else(|e| panic!("the mock's client cannot be built: {e}"))
    }

    /// The builder behind [`client`](Self::client), to change timeouts, retries or headers.
    pub fn client_builder(&self) -> openrouter_kit::ClientBuilder {
        let retries = openrouter_kit::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() };
        openrouter_kit::Client::builder().api_key(MOCK_API_KEY).base_url(self.uri()).app_title("openrouter-kit-mock").retry_policy(retries)
    }

    /// The wiremock server behind the mock, to mount anything this API does not cover. It never
    /// sees the key: requests reach it with `authorization: Bearer <redacted:N>` (match the key
    /// with [`RecordedRequest::has_bearer`], not with a header matcher).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    async fn mount_defaults(&self) {
        for op in operations() {
            Mock::given(OperationMatcher(op.id))
                .respond_with(default_reply_of(op, self.fidelity).template())
                .with_priority(DEFAULT_PRIORITY)
                .named(format!("default answer of {}", op.id))
                .mount(&self.server)
                .await;
            if let Some(sse) = default_stream(op, self.fidelity) {
                Mock::given(OperationMatcher(op.id))
                    .and(body_partial_json(json!({"stream": true})))
                    .respond_with(sse_template(sse))
                    .with_priority(DEFAULT_STREAM_PRIORITY)
                    .named(format!("default stream of {}", op.id))
                    .mount(&self.server)
                    .await;
            }
        }
    }

    /// Answer requests for the operation `operation_id` (`"getCredits"`, …) your way.
    ///
    /// # Panics
    /// If the pinned document has no such operation (a typo in a test).
    pub fn on(&self, operation_id: &str) -> Route<'_> {
        let op = operation(operation_id).unwrap_or_else(|| panic!("the pinned document has no operation {operation_id:?}"));
        Route { mock: self, op, stream: None, body: None, times: None, reply: None, fault: None }
    }

    /// Stream `script` to chat completion requests with `stream: true`; a request without
    /// `stream` gets the completion the script describes (tool calls, reasoning and usage
    /// included).
    pub async fn chat_stream(&self, script: &ChatScript) {
        self.on("sendChatCompletionRequest").streaming().reply(Reply::sse(script.to_sse())).mount().await;
        self.on("sendChatCompletionRequest").not_streaming().reply(Reply::json(200, script.completion())).mount().await;
    }

    /// Answer chat completion requests (not streamed) with a completion whose message is `text`.
    pub async fn chat_reply(&self, text: &str) {
        let completion = ChatScript::new("openai/gpt-4o").text(text).fidelity(self.fidelity).completion();
        self.on("sendChatCompletionRequest").not_streaming().reply(Reply::json(200, completion)).mount().await;
    }

    /// Stream `script` to Responses API requests with `stream: true`; a request without
    /// `stream` gets the response the script describes.
    pub async fn responses_stream(&self, script: &ResponsesScript) {
        self.on("createResponses").streaming().reply(Reply::sse(script.to_sse())).mount().await;
        self.on("createResponses").not_streaming().reply(Reply::json(200, script.response())).mount().await;
    }

    /// Stream `script` to Messages requests with `stream: true`; a request without `stream`
    /// gets the message the script describes.
    pub async fn messages_stream(&self, script: &MessagesScript) {
        self.on("createMessages").streaming().reply(Reply::sse(script.to_sse())).mount().await;
        self.on("createMessages").not_streaming().reply(Reply::json(200, script.message())).mount().await;
    }

    /// How many answers stalled by [`Fault::StallAfter`] the client abandoned by closing the
    /// connection (a dropped stream, an idle timeout).
    pub fn stalls_abandoned(&self) -> usize {
        self.front.stalls_abandoned.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every request received (faults that dropped the connection excepted), oldest first.
    pub async fn requests(&self) -> Vec<RecordedRequest> {
        let keys = &self.front.keys;
        self.server.received_requests().await.unwrap_or_default().into_iter().map(|r| RecordedRequest::new(r, keys)).collect()
    }

    /// The requests received for `operation_id`, oldest first.
    pub async fn requests_to(&self, operation_id: &str) -> Vec<RecordedRequest> {
        self.requests().await.into_iter().filter(|r| r.operation == Some(operation_id)).collect()
    }

    /// The last request for `operation_id`.
    pub async fn last_request(&self, operation_id: &str) -> Option<RecordedRequest> {
        self.requests_to(operation_id).await.pop()
    }

    /// # Panics
    /// Unless exactly `n` requests for `operation_id` were received; the message lists them.
    pub async fn assert_received(&self, operation_id: &str, n: usize) {
        let got = self.requests_to(operation_id).await;
        if got.len() != n {
            let all: Vec<String> = self.requests().await.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
            panic!("expected {n} request(s) for {operation_id}, received {}; all requests: {all:?}", got.len());
        }
    }

    /// # Panics
    /// Unless the last request for `operation_id` carried header `name` with `value`.
    pub async fn assert_header(&self, operation_id: &str, name: &str, value: &str) {
        let last = self.last_request(operation_id).await;
        let last = last.unwrap_or_else(|| panic!("no request for {operation_id} was received"));
        let got = last.header(name);
        assert_eq!(got, Some(value), "header {name} of the last {operation_id} request");
    }

    /// # Panics
    /// Unless the JSON body of the last request for `operation_id` has `value` at `pointer`
    /// (`"/model"`, `"/messages/0/role"`).
    pub async fn assert_body_field(&self, operation_id: &str, pointer: &str, value: Value) {
        let last = self.last_request(operation_id).await;
        let body = last.as_ref().and_then(RecordedRequest::json);
        let got = body.as_ref().and_then(|b| b.pointer(pointer));
        assert_eq!(got, Some(&value), "{pointer} in the body of the last {operation_id} request: {body:?}");
    }
}

/// An answer: status, headers, body, delay.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_type: String,
    delay: Option<Duration>,
}

impl Reply {
    /// A status with no body.
    pub fn status(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new(), content_type: String::new(), delay: None }
    }

    /// A JSON answer.
    pub fn json(status: u16, body: Value) -> Self {
        Self::status(status).body(body.to_string(), "application/json")
    }

    /// OpenRouter's error shape: `{"error": {"code", "message", "metadata"?}}`.
    pub fn error(status: u16, message: &str) -> Self {
        Self::json(status, json!({"error": {"code": status, "message": message}}))
    }

    /// `429` with `Retry-After: seconds`.
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        Self::error(429, "Rate limit exceeded").header("retry-after", &retry_after_seconds.to_string())
    }

    /// A `200` stream.
    pub fn sse(sse: Sse) -> Self {
        Self::status(200).body(sse.into_bytes(), "text/event-stream")
    }

    /// Any body, with its content type.
    pub fn body(mut self, body: impl Into<Vec<u8>>, content_type: &str) -> Self {
        self.body = body.into();
        self.content_type = content_type.into();
        self
    }

    /// A header to send.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answer only after `delay` (a slow provider; with a long delay, a server that never
    /// answers).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Keep only the first `n` bytes of the body (a JSON document or stream cut short, with a
    /// `Content-Length` that matches: the client sees a complete answer that is incomplete).
    pub fn truncated(mut self, n: usize) -> Self {
        self.body.truncate(n);
        self
    }

    fn template(&self) -> ResponseTemplate {
        let mut t = ResponseTemplate::new(self.status);
        for (k, v) in &self.headers {
            t = t.append_header(k.as_str(), v.as_str());
        }
        if !self.content_type.is_empty() {
            t = t.set_body_raw(self.body.clone(), &self.content_type);
        } else if !self.body.is_empty() {
            t = t.set_body_bytes(self.body.clone());
        }
        if let Some(d) = self.delay {
            t = t.set_delay(d);
        }
        t
    }
}

/// A route being set up by [`MockOpenRouter::on`]; nothing happens until [`mount`](Self::mount).
#[must_use = "a route does nothing until it is mounted"]
pub struct Route<'a> {
    mock: &'a MockOpenRouter,
    op: &'static Operation,
    stream: Option<bool>,
    body: Option<Value>,
    times: Option<u64>,
    reply: Option<Reply>,
    fault: Option<Fault>,
}

impl Route<'_> {
    /// Only requests with `stream: true`.
    pub fn streaming(mut self) -> Self {
        self.stream = Some(true);
        self
    }

    /// Only requests without `stream: true`.
    pub fn not_streaming(mut self) -> Self {
        self.stream = Some(false);
        self
    }

    /// Only requests whose JSON body contains `partial` (`{"model": "x"}`).
    pub fn when_body(mut self, partial: Value) -> Self {
        self.body = Some(partial);
        self
    }

    /// Only the next `n` requests; later ones go to the routes below (the default answer).
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// The answer to give.
    pub fn reply(mut self, reply: Reply) -> Self {
        self.reply = Some(reply);
        self
    }

    /// Fail below HTTP instead of answering. Applies by operation and [`times`](Self::times);
    /// the `streaming`/`when_body` conditions do not apply to faults.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Start answering.
    pub async fn mount(self) {
        if let Some(fault) = self.fault {
            let rule = Rule { operation: self.op.id, fault, remaining: self.times.map(|n| n as usize) };
            self.mock.front.rules.lock().unwrap_or_else(|p| p.into_inner()).push(rule);
            return;
        }
        let reply = self.reply.unwrap_or_else(|| default_reply_of(self.op, self.mock.fidelity));
        let mut mock = Mock::given(OperationMatcher(self.op.id));
        match self.stream {
            Some(true) => mock = mock.and(body_partial_json(json!({"stream": true}))),
            Some(false) => mock = mock.and(NotStreaming),
            None => {}
        }
        if let Some(partial) = self.body {
            mock = mock.and(body_partial_json(partial));
        }
        let mut mock = mock.respond_with(reply.template());
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(&self.mock.server).await;
    }
}

/// A request the mock received.
#[derive(Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, below the base URL.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Header names lowercase; `authorization` redacted.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub body: Vec<u8>,
    /// The operation the request was for, if any.
    pub operation: Option<&'static str>,
    keys: crate::front::Keys,
}

impl std::fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl RecordedRequest {
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body decoded as `T` (a generated request type, say).
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The first value of header `name` (any case). `authorization` reads as
    /// `Bearer <redacted:N>`; use [`has_bearer`](Self::has_bearer) to check the key.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the request was authenticated with `Bearer key`.
    pub fn has_bearer(&self, key: &str) -> bool {
        self.header("authorization").is_some_and(|redacted| self.keys.stands_for(redacted, key))
    }

    fn new(r: Request, keys: &crate::front::Keys) -> Self {
        let path = r.url.path().to_string();
        let operation = operation_for(r.method.as_str(), &path).map(|o| o.id);
        // The front redacted `authorization` before wiremock saw it.
        let headers = r.headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string())).collect();
        RecordedRequest {
            method: r.method.to_string(),
            path,
            query: r.url.query().map(str::to_string),
            headers,
            body: r.body,
            operation,
            keys: keys.clone(),
        }
    }
}

/// Matches the requests that are for one operation (method and path template).
struct OperationMatcher(&'static str);

impl Match for OperationMatcher {
    fn matches(&self, request: &Request) -> bool {
        operation_for(request.method.as_str(), request.url.path()).is_some_and(|o| o.id == self.0)
    }
}

/// A request whose body does not ask for a stream.
struct NotStreaming;

impl Match for NotStreaming {
    fn matches(&self, request: &Request) -> bool {
        let body: Option<Value> = serde_json::from_slice(&request.body).ok();
        body.and_then(|b| b.get("stream").and_then(Value::as_bool)) != Some(true)
    }
}

/// An operation's default answer in the mock's form (the generated body is the document's form).
fn default_reply_of(op: &Operation, fidelity: Fidelity) -> Reply {
    let reply = Reply::status(op.status);
    if op.content_type.is_empty() {
        return reply;
    }
    let body = match serde_json::from_str::<Value>(op.body) {
        Ok(json) if op.content_type == "application/json" => fidelity.apply(op.id, json).to_string().into_bytes(),
        _ => op.body.as_bytes().to_vec(),
    };
    reply.body(body, op.content_type)
}

fn sse_template(sse: Sse) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(sse.into_bytes(), "text/event-stream")
}

/// The default stream of a streaming operation: chat, Responses and Messages tell the text of
/// their default answer; images send a partial and a final image.
fn default_stream(op: &Operation, fidelity: Fidelity) -> Option<Sse> {
    let body: Value = serde_json::from_str(op.body).ok()?;
    let model = body.get("model").and_then(Value::as_str).unwrap_or("openai/gpt-4o").to_string();
    match op.id {
        "sendChatCompletionRequest" => {
            let text = body.pointer("/choices/0/message/content").and_then(Value::as_str).unwrap_or("Hello from the mock.");
            let script = words(text).iter().fold(ChatScript::new(&model).fidelity(fidelity).keep_alive(), |s, w| s.text(w));
            Some(script.usage(12, words(text).len() as u64, 0.00002).to_sse())
        }
        "createResponses" => {
            let text = body.pointer("/output/0/content/0/text").and_then(Value::as_str).unwrap_or("Hello from the mock.");
            let script = words(text).iter().fold(ResponsesScript::new(&model).fidelity(fidelity).keep_alive(), |s, w| s.text(w));
            Some(script.to_sse())
        }
        "createImages" => {
            // A partial image, then the final one, each a tiny PNG standing for the picture.
            let png = "iVBORw0KGgo=";
            Some(
                Sse::new()
                    .keep_alive()
                    .data(&json!({"type": "image_generation.partial_image", "b64_json": png, "partial_image_index": 0}))
                    .data(&json!({
                        "type": "image_generation.completed", "b64_json": png, "media_type": "image/png", "created": 1_767_225_600,
                        "usage": {"prompt_tokens": 0, "completion_tokens": 4175, "total_tokens": 4175, "cost": 0.04},
                    }))
                    .done(),
            )
        }
        "createCompletions" => {
            // Legacy text completions: chunks of the whole answer's shape, the last with usage.
            let text = body.pointer("/choices/0/text").and_then(Value::as_str).unwrap_or(" Hello from the mock.");
            let chunk = |text: &str, finish: Value, usage: Option<Value>| {
                let mut c = json!({"id": "gen-legacy-1", "object": "text_completion", "created": 1_767_225_600, "model": model,
                    "choices": [{"index": 0, "text": text, "finish_reason": finish}]});
                if let Some(u) = usage {
                    c["usage"] = u;
                }
                c
            };
            let pieces = words(text);
            let sse = pieces.iter().fold(Sse::new().keep_alive(), |sse, w| sse.data(&chunk(w, Value::Null, None)));
            let usage = json!({"prompt_tokens": 8, "completion_tokens": pieces.len(), "total_tokens": 8 + pieces.len(), "cost": 0.00001});
            Some(sse.data(&chunk("", json!("stop"), Some(usage))).done())
        }
        "createMessages" => {
            let text = body.pointer("/content/0/text").and_then(Value::as_str).unwrap_or("Hello from the mock.");
            Some(words(text).iter().fold(MessagesScript::new(&model).fidelity(fidelity), |s, w| s.text(w)).to_sse())
        }
        _ => None,
    }
}

/// Text split after each space, so the pieces join back to it exactly.
fn words(text: &str) -> Vec<String> {
    text.split_inclusive(' ').map(str::to_string).collect()
}

/// A chat completion whose message is `text`, as the service sends it.
pub fn chat_completion(text: &str) -> Value {
    ChatScript::new("openai/gpt-4o").text(text).completion()
}
