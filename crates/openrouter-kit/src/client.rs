//! The configured client.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::retry::{RetryPolicy, RetryingExecutor};
use crate::secret::ApiKey;
use crate::Error;

/// Where OpenRouter serves its API.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

/// A configured OpenRouter client. Cheap to clone (shared state).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
/// // Against the service: `Client::from_env()?` (reads OPENROUTER_API_KEY) or
/// // `Client::new(key)?`; every setting has a default.
/// let client = openrouter_kit::Client::builder()
///     .api_key("sk-or-v1-example")
///     .base_url(mock.uri())
///     .app_title("My app")
///     .first_byte_timeout(std::time::Duration::from_secs(60))
///     .build()?;
/// let credits = client.api().get_credits().await?.into_inner();
/// assert!(credits.data.is_some());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: openrouter_kit_api::Client,
    base_url: Url,
    http: reqwest::Client,
    executor: Arc<RetryingExecutor>,
    stream_idle_timeout: Option<Duration>,
    first_byte_timeout: Option<Duration>,
    max_event: usize,
    endpoints: Endpoints,
}

/// The URLs of the paths this client has posted to, parsed once: parsing a URL (host checks
/// included) costs more per call than the rest of building the request.
#[derive(Default)]
struct Endpoints {
    parsed: std::sync::RwLock<Vec<(Box<str>, Url)>>,
}

impl Endpoints {
    /// Paths are this crate's own, a few dozen at most; past that, a path is parsed each time
    /// rather than kept.
    const MAX: usize = 64;

    fn url(&self, base: &Url, path: &str) -> Result<Url, Error> {
        let known = self.parsed.read().ok().and_then(|parsed| parsed.iter().find(|(p, _)| **p == *path).map(|(_, url)| url.clone()));
        if let Some(url) = known {
            return Ok(url);
        }
        let joined = format!("{}{path}", base.as_str().trim_end_matches('/'));
        let url = Url::parse(&joined).map_err(|e| Error::Config(format!("{joined:?} is not a valid URL: {e}")))?;
        if let Ok(mut parsed) = self.parsed.write()
            && parsed.len() < Self::MAX
            && !parsed.iter().any(|(p, _)| **p == *path)
        {
            parsed.push((path.into(), url.clone()));
        }
        Ok(url)
    }
}

/// The default first-byte and read-idle bounds: 120 s. OpenRouter sends a response head at once
/// and pads a slow non-streamed answer with whitespace (streams with keep-alive comments), so a
/// healthy answer never goes that long without a byte, however long the model thinks.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The longest whole answer read by default: 64 MiB (a chat completion is kilobytes; a large
/// embeddings batch, megabytes).
pub const DEFAULT_MAX_BODY: usize = 64 << 20;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key lives only inside a sensitive header value; nothing here can print it.
        f.debug_struct("Client").field("base_url", &self.inner.base_url.as_str()).finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `key` with the defaults: OpenRouter's base URL, 3 attempts, no total
    /// deadline.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        Self::builder().api_key(key).build()
    }

    /// From `OPENROUTER_API_KEY` and, if set, `OPENROUTER_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var("OPENROUTER_API_KEY").map_err(|_| Error::MissingApiKey)?;
        let mut builder = Self::builder().api_key(key);
        if let Ok(url) = std::env::var("OPENROUTER_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// A builder with the defaults; set at least [`ClientBuilder::api_key`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The generated client for every operation of OpenRouter's document, with this client's
    /// authentication, headers and retries.
    pub fn api(&self) -> &openrouter_kit_api::Client {
        &self.inner.api
    }

    /// The base URL requests go to (`https://openrouter.ai/api/v1` unless set).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Chat completions.
    pub fn chat(&self) -> crate::chat::Chat<'_> {
        crate::chat::Chat::new(self)
    }

    /// The Responses API.
    pub fn responses(&self) -> crate::responses::Responses<'_> {
        crate::responses::Responses::new(self)
    }

    /// Image generation.
    pub fn images(&self) -> crate::images::Images<'_> {
        crate::images::Images::new(self)
    }

    /// Files: upload (multipart, which the generated client cannot send); list, metadata,
    /// download and delete are on [`Client::api`].
    pub fn files(&self) -> crate::files::Files<'_> {
        crate::files::Files::new(self)
    }

    /// Models: list with filters, one model, its endpoints, counts.
    pub fn models(&self) -> crate::models::Models<'_> {
        crate::models::Models::new(self)
    }

    /// Generation records (cost, provider, tokens), with polling while not yet written.
    pub fn generations(&self) -> crate::generations::Generations<'_> {
        crate::generations::Generations::new(self)
    }

    /// Embeddings and rerank.
    pub fn embeddings(&self) -> crate::embeddings::Embeddings<'_> {
        crate::embeddings::Embeddings::new(self)
    }

    /// Speech and transcription.
    pub fn audio(&self) -> crate::media::Audio<'_> {
        crate::media::Audio::new(self)
    }

    /// Video generation jobs.
    pub fn videos(&self) -> crate::media::Videos<'_> {
        crate::media::Videos::new(self)
    }

    /// API-key management (needs a management key).
    #[cfg(feature = "management")]
    pub fn keys(&self) -> crate::keys::Keys<'_> {
        crate::keys::Keys::new(self)
    }

    /// Anthropic-format Messages.
    pub fn messages(&self) -> crate::messages::Messages<'_> {
        crate::messages::Messages::new(self)
    }

    /// Legacy text completions (`POST /completions`, a prompt in, text out): dropped from the
    /// document, still answered by the service.
    pub fn completions(&self) -> crate::completions::Completions<'_> {
        crate::completions::Completions::new(self)
    }

    /// POST a request with `stream: false` and decode the whole answer; a `200` whose body is
    /// only `{"error": …}` is [`Error::Api`]. Runs in a `gen_ai.request` span.
    pub(crate) async fn create<R, T>(&self, path: &str, operation: &'static str, what: &'static str, request: &R) -> Result<T, Error>
    where
        R: serde::Serialize + ?Sized,
        T: serde::de::DeserializeOwned + crate::observe::Observe,
    {
        let (body, model) = self.json_body(request, false)?;
        let span = crate::observe::request_span(gen_ai_operation(path), &|| model.clone().and_then(|at| crate::wire::model_name(&body, at)));
        // Only the exchange runs in the span: the decoded answer (most of a kilobyte) is then
        // returned straight to the caller rather than copied out through another future. The
        // span is entered around each poll instead of wrapping the exchange with `instrument`,
        // which takes the exchange's future by value: a 3.5 KB copy per call.
        let exchange = std::pin::pin!(self.post_read(path, operation, "application/json", body));
        let answer = in_span(&span, exchange).await?;
        let value: T = crate::error::decode(what, &answer.body)?;
        if !span.is_disabled() {
            value.observe(&span);
        }
        Ok(value)
    }

    /// POST a request with `stream: true` and return its events; the request's span lives as
    /// long as the stream and learns the usage from its last events.
    pub(crate) async fn stream<R, T>(
        &self,
        path: &str,
        operation: &'static str,
        request: &R,
    ) -> Result<crate::stream::EventStream<T>, Error>
    where
        R: serde::Serialize + ?Sized,
        T: crate::stream::EventData,
    {
        use futures_util::StreamExt as _;
        let (body, model) = self.json_body(request, true)?;
        // Shared, not copied, by every attempt (and every retry inside one).
        let body = bytes::Bytes::from(body);
        let span = crate::observe::request_span(gen_ai_operation(path), &|| model.clone().and_then(|at| crate::wire::model_name(&body, at)));
        let policy = &self.inner.executor.policy;
        let (mut attempt, mut waited) = (1, Duration::ZERO);
        loop {
            let sending = std::pin::pin!(self.post_json(path, operation, body.clone()));
            let response = in_span(&span, sending).await?;
            // The span first: the first event may carry what it records (the model, usage).
            let mut stream: crate::stream::EventStream<T> = self.event_stream(response, operation).await?.with_span(span.clone());
            // The first item is awaited here: a stream that fails before its first event (the
            // connection lost, or an error event, as OpenRouter reports a provider failing before
            // the first token) is sent again like a failed request; after it, never.
            let first = stream.next().await;
            let hint = match &first {
                Some(Err(e)) if attempt < policy.max_attempts && fails_before_first_event(e) => e.retry_after(),
                _ => return Ok(stream.with_first(first)),
            };
            let Some(wait) = policy.backoff(attempt, hint).filter(|wait| waited.saturating_add(*wait) <= policy.budget) else {
                return Ok(stream.with_first(first));
            };
            tracing::info!(operation, attempt, wait_ms = wait.as_millis() as u64, "stream failed before its first event; retrying");
            tokio::time::sleep(wait).await;
            waited += wait;
            attempt += 1;
        }
    }

    /// The request's JSON with `stream` set as the method needs.
    pub(crate) fn json_body<R: serde::Serialize + ?Sized>(&self, request: &R, stream: bool) -> Result<(Vec<u8>, Option<std::ops::Range<usize>>), Error> {
        crate::wire::request_body(request, stream)
    }

    /// POST JSON through the retrying executor; a non-2xx answer becomes [`Error::Api`].
    pub(crate) async fn post_json(&self, path: &str, operation: &'static str, body: bytes::Bytes) -> Result<reqwest::Response, Error> {
        self.post(path, operation, "application/json", body).await
    }

    fn post_request(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Result<reqwest::Request, Error> {
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        let content_type = match content_type {
            "application/json" => JSON,
            other => HeaderValue::from_str(other).map_err(|_| Error::Config(format!("{other:?} is not a valid content type")))?,
        };
        let mut request = reqwest::Request::new(reqwest::Method::POST, self.inner.endpoints.url(&self.inner.base_url, path)?);
        request.headers_mut().insert(reqwest::header::CONTENT_TYPE, content_type);
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    /// POST a body through the retrying executor and read the answer whole; an answer that is
    /// not a success (a `200` carrying an error included) becomes [`Error::Api`].
    pub(crate) async fn post_read(&self, path: &str, operation: &'static str, content_type: &str, body: Vec<u8>) -> Result<crate::retry::Answer, Error> {
        let body = bytes::Bytes::from(body);
        let first = self.post_request(path, content_type, body.clone())?;
        let again = || self.post_request(path, content_type, body.clone()).ok();
        let source = crate::retry::Source::Built { first, again: &again };
        let head = self.inner.first_byte_timeout;
        let answer = self.inner.executor.run_read(&self.inner.http, source, operation, head).await.map_err(Error::Transport)?;
        if answer.no_head {
            return Err(Error::Timeout(head.unwrap_or(DEFAULT_TIMEOUT)));
        }
        record_answer(answer.status, &answer.headers);
        let bounds = self.inner.executor.bounds;
        if answer.effective.is_success() {
            return match (answer.too_large, answer.stalled) {
                (true, _) => Err(Error::BodyTooLarge { limit: bounds.max_body }),
                (_, true) => Err(Error::BodyStalled(bounds.read_idle)),
                _ => Ok(answer),
            };
        }
        let mut error = crate::ApiError::from_response(answer.status, &answer.headers, &answer.body);
        error.body_cut = answer.too_large || answer.stalled;
        Err(Error::Api(Box::new(error)))
    }

    /// POST a body through the retrying executor; a non-2xx answer becomes [`Error::Api`].
    pub(crate) async fn post(&self, path: &str, operation: &'static str, content_type: &str, body: bytes::Bytes) -> Result<reqwest::Response, Error> {
        let first = self.post_request(path, content_type, body.clone())?;
        let again = || self.post_request(path, content_type, body.clone()).ok();
        let source = crate::retry::Source::Built { first, again: &again };
        let head = self.inner.first_byte_timeout;
        let response = self.inner.executor.run_with_head_bound(&self.inner.http, source, operation, head).await.map_err(Error::Transport)?;
        let Some(response) = response else { return Err(Error::Timeout(head.unwrap_or(DEFAULT_TIMEOUT))) };
        record_answer(response.status(), response.headers());
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let headers = response.headers().clone();
        // The executor read the body (bounded) and kept it; a caller-supplied one may not have.
        let bytes = match crate::retry::original_body(&headers) {
            Some(kept) => kept,
            None => response.bytes().await.unwrap_or_default().to_vec(),
        };
        Err(Error::Api(Box::new(crate::ApiError::from_response(status, &headers, &bytes))))
    }

    /// A 2xx response as a typed event stream. A `200` that is not `text/event-stream` is read
    /// whole: an error body becomes [`Error::Api`] (OpenRouter answers some failures that way).
    pub(crate) async fn event_stream<T: crate::stream::EventData>(
        &self,
        response: reqwest::Response,
        operation: &str,
    ) -> Result<crate::stream::EventStream<T>, Error> {
        if !crate::stream::is_event_stream(response.headers()) {
            let status = response.status();
            let headers = response.headers().clone();
            let bounds = self.inner.executor.bounds;
            let read = crate::retry::read_up_to(response, bounds.max_error_body, bounds.read_idle).await.map_err(Error::Transport)?;
            let bytes = read.bytes;
            // The server's own words when the body has any; else what was wrong with it.
            let mut error = crate::error::error_body(&bytes, operation).or_else(|| crate::error::error_event(&bytes)).unwrap_or_else(|| {
                let mut e = crate::ApiError::from_body(status, &bytes);
                let kind = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type");
                e.message = format!("expected an event stream, got {kind}");
                e
            });
            error.body_cut = read.too_large || read.stalled;
            return Err(Error::Api(Box::new(error)));
        }
        Ok(crate::stream::EventStream::new(response, self.inner.stream_idle_timeout).max_event_bytes(self.inner.max_event))
    }
}

/// Builds a [`Client`]; every setting is checked in [`build`](Self::build), which returns an
/// error (never panics) on an empty key, a header value with CR/LF, or a base URL that is not
/// http(s).
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    app_url: Option<String>,
    app_title: Option<String>,
    categories: Vec<String>,
    session_id: Option<String>,
    headers: Vec<(String, String)>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    first_byte_timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    stream_idle_set: bool,
    max_event: Option<usize>,
    max_body: Option<usize>,
    max_error_body: Option<usize>,
    read_idle: Option<Duration>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("app_title", &self.app_title)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API key (`sk-or-…`). It is kept as a secret: never in `Debug`, errors or logs.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Default: [`DEFAULT_BASE_URL`]. A mock server's URL in tests.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Your app's URL, sent as `HTTP-Referer` (app attribution on openrouter.ai).
    pub fn app_url(mut self, url: impl Into<String>) -> Self {
        self.app_url = Some(url.into());
        self
    }

    /// Your app's name, sent as `X-OpenRouter-Title` (and the legacy `X-Title`).
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.app_title = Some(title.into());
        self
    }

    /// App categories, sent lowercase and comma-separated as `X-OpenRouter-Categories`.
    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, categories: I) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    /// A default `x-session-id` (sticky routing; at most 256 characters).
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// Another header sent with every request (`X-OpenRouter-Metadata: enabled`, …).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Default: 10 s. Applies only to a client this builder creates.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// End a stream with [`crate::StreamError::IdleTimeout`] when no event arrives for this
    /// long; OpenRouter's keep-alive comments do not count. Default: 120 s; `None` waits forever.
    /// There is no total deadline on streams.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = timeout;
        self.stream_idle_set = true;
        self
    }

    /// Give up with [`Error::Timeout`] when no response head arrives this long after sending
    /// (each attempt). Covers every operation, those of [`Client::api`] included; the body is bounded by
    /// [`read_idle_timeout`](Self::read_idle_timeout) and a stream by
    /// [`stream_idle_timeout`](Self::stream_idle_timeout). Default: [`DEFAULT_TIMEOUT`] (120 s);
    /// `Duration::MAX` waits forever.
    pub fn first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.first_byte_timeout = Some(timeout);
        self
    }

    /// Fail with [`Error::BodyStalled`] when a whole answer's body (or an error body) sends no
    /// byte for this long; whitespace padding counts as bytes. Default: [`DEFAULT_TIMEOUT`]
    /// (120 s); `Duration::MAX` waits forever.
    pub fn read_idle_timeout(mut self, timeout: Duration) -> Self {
        self.read_idle = Some(timeout);
        self
    }

    /// End a stream with [`crate::StreamError::EventTooLarge`] when one event grows past this
    /// many bytes without ending. Default: [`crate::stream::DEFAULT_MAX_EVENT`] (32 MiB).
    pub fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.max_event = Some(bytes);
        self
    }

    /// Fail with [`Error::BodyTooLarge`] (the rest unread) when a whole answer (`create`, an
    /// upload's answer, a generated method's JSON answer) is longer than this. Default:
    /// [`DEFAULT_MAX_BODY`] (64 MiB). Streams and downloads are not bounded by it.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    /// Keep at most this much of an error answer's body: [`crate::ApiError`] is made of what
    /// came, with [`crate::ApiError::body_cut`] set, and the rest is not read (the connection is
    /// dropped). Default: [`crate::retry::DEFAULT_MAX_ERROR_BODY`] (1 MiB).
    pub fn max_error_body_bytes(mut self, bytes: usize) -> Self {
        self.max_error_body = Some(bytes);
        self
    }

    /// How failed requests are retried (default: 3 attempts, backoff from 0.5 s, `Retry-After` honoured up to 30 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Use your own `reqwest::Client` (proxies, TLS roots, …). Authentication and the other
    /// headers are still added to each request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The client. [`Error::MissingApiKey`] without a key; [`Error::Config`] for a bad base URL, header or timeout.
    pub fn build(self) -> Result<Client, Error> {
        let key = ApiKey::new(self.api_key.unwrap_or_default())?;
        let base = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = Url::parse(base.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("the base URL {base:?} is not a URL: {e}")))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::Config(format!("the base URL {base:?} is not http(s)")));
        }
        if self.session_id.as_ref().is_some_and(|s| s.chars().count() > 256) {
            return Err(Error::Config("the session id is longer than 256 characters".into()));
        }

        let mut headers = HeaderMap::new();
        let mut auth = header_value("Authorization", &format!("Bearer {}", key.expose()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        if let Some(url) = &self.app_url {
            headers.insert("http-referer", header_value("HTTP-Referer", url)?);
        }
        if let Some(title) = &self.app_title {
            headers.insert("x-openrouter-title", header_value("X-OpenRouter-Title", title)?);
            headers.insert("x-title", header_value("X-Title", title)?);
        }
        if !self.categories.is_empty() {
            let joined = self.categories.iter().map(|c| c.trim().to_lowercase()).collect::<Vec<_>>().join(",");
            headers.insert("x-openrouter-categories", header_value("X-OpenRouter-Categories", &joined)?);
        }
        if let Some(id) = &self.session_id {
            headers.insert("x-session-id", header_value("x-session-id", id)?);
        }
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))?;
            headers.insert(name.clone(), header_value(name.as_str(), value)?);
        }

        let http = match self.http {
            Some(client) => client,
            None => {
                install_crypto_provider();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                    .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?
            }
        };
        let first_byte_timeout = Some(self.first_byte_timeout.unwrap_or(DEFAULT_TIMEOUT)).filter(|t| *t != Duration::MAX);
        let bounds = crate::retry::Bounds {
            read_idle: self.read_idle.unwrap_or(DEFAULT_TIMEOUT),
            max_body: self.max_body.unwrap_or(DEFAULT_MAX_BODY),
            max_error_body: self.max_error_body.unwrap_or(crate::retry::DEFAULT_MAX_ERROR_BODY),
            head: first_byte_timeout,
        };
        let executor = Arc::new(RetryingExecutor { policy: self.retry, headers, bounds });
        let hooks = openrouter_kit_api::Hooks::with_executor(executor.clone());
        // The generated client appends `/path` to this string; `Url` writes a bare host with a
        // trailing slash, which would double it.
        let api = openrouter_kit_api::Client::new_with_client(base_url.as_str().trim_end_matches('/'), http.clone(), hooks);
        let stream_idle_timeout =
            if self.stream_idle_set { self.stream_idle_timeout } else { Some(Duration::from_secs(120)) };
        let max_event = self.max_event.unwrap_or(crate::stream::DEFAULT_MAX_EVENT);
        Ok(Client { inner: Arc::new(Inner {
            api,
            base_url,
            http,
            executor,
            stream_idle_timeout,
            first_byte_timeout,
            max_event,
            endpoints: Endpoints::default(),
        }) })
    }
}

/// Polls `future` (pinned where it was made, never moved) with `span` entered.
fn in_span<'a, F: Future + ?Sized>(span: &'a tracing::Span, mut future: std::pin::Pin<&'a mut F>) -> impl Future<Output = F::Output> + 'a {
    std::future::poll_fn(move |cx| {
        let _entered = span.enter();
        future.as_mut().poll(cx)
    })
}

/// The answer's status and generation id, on the request's span.
fn record_answer(status: reqwest::StatusCode, headers: &HeaderMap) {
    // No subscriber was ever set: there is no span to look up (one atomic load).
    if !tracing::dispatcher::has_been_set() {
        return;
    }
    let span = tracing::Span::current();
    if span.is_disabled() {
        // No subscriber wants it: spare the header lookup.
        return;
    }
    span.record("http.response.status_code", status.as_u16());
    if let Some(id) = headers.get("x-generation-id").and_then(|v| v.to_str().ok()) {
        span.record("openrouter.generation_id", id);
    }
}

/// A failure of a stream before its first event that sending the request again may cure: a
/// transient error event, a connection lost or closed before any event. Not the idle timeout
/// (another full wait per attempt), nor an event that does not decode.
fn fails_before_first_event(e: &Error) -> bool {
    match e {
        Error::Api(api) => api.is_retryable(),
        Error::Stream(crate::StreamError::Body(_) | crate::StreamError::Truncated) => true,
        _ => false,
    }
}

/// The GenAI operation name of an endpoint.
fn gen_ai_operation(path: &str) -> &'static str {
    match path {
        "/chat/completions" => "chat",
        "/responses" => "responses",
        "/messages" => "messages",
        "/completions" => "text_completion",
        "/images" => "image_generation",
        _ => "request",
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the {name} header value has characters a header cannot carry (CR, LF, …)")))
}

/// reqwest's TLS is rustls without a built-in crypto provider (the default one, aws-lc-rs, costs
/// most of a clean build); use ring unless the application installed a provider itself.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_are_joined_as_before_and_kept_within_bound() {
        let endpoints = Endpoints::default();
        for base in ["https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/", "http://127.0.0.1:8080"] {
            let base = Url::parse(base).unwrap();
            let expected = format!("{}/chat/completions", base.as_str().trim_end_matches('/'));
            let fresh = Endpoints::default();
            assert_eq!(fresh.url(&base, "/chat/completions").unwrap().as_str(), expected);
            assert_eq!(fresh.url(&base, "/chat/completions").unwrap().as_str(), expected, "the kept URL is the same");
        }
        let base = Url::parse(DEFAULT_BASE_URL).unwrap();
        for n in 0..Endpoints::MAX + 10 {
            let url = endpoints.url(&base, &format!("/generation?id=gen-{n}")).unwrap();
            assert_eq!(url.query(), Some(format!("id=gen-{n}").as_str()));
        }
        assert_eq!(endpoints.parsed.read().unwrap().len(), Endpoints::MAX, "paths past the bound are parsed, not kept");
    }
}
