//! One error type for everything the client can fail at.
//!
//! An API error keeps what OpenRouter sent — status, `error.code` (a number in most places, a
//! string in others), message, `metadata` as raw JSON, the headers that matter, and the raw body
//! when it was not JSON (a proxy's HTML page, an empty body) — so a caller can always see why.
//! A `200` whose body is only `{"error": …}` is an API error too, not a decode failure.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// At most this much of a body is kept in an error (HTML error pages can be large).
pub const BODY_SNIPPET: usize = 2048;

/// Everything the client can fail at.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// OpenRouter (or a provider behind it) answered with an error.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A response or event did not decode into its type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// No API key: `OPENROUTER_API_KEY` is unset or empty ([`crate::Client::from_env`]), or
    /// the builder was given none.
    #[error("no OpenRouter API key: set OPENROUTER_API_KEY or call ClientBuilder::api_key")]
    MissingApiKey,
    /// The client was configured with something unusable (caught when it is built).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The request did not get a response (connection, TLS, timeout before the first byte).
    #[error("request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// No response head within the first-byte timeout (retries included).
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// A stream broke off: no event within the idle timeout, a connection lost mid-body, or an
    /// end without the closing `[DONE]`.
    #[error(transparent)]
    Stream(StreamError),
    /// The model's answer is not the structured value asked for (see [`OutputError`]).
    #[error(transparent)]
    Output(Box<OutputError>),
    /// A tool handler failed and the tool loop was told to stop on handler errors.
    #[error("tool {name} failed: {message}")]
    Tool {
        /// The tool's name.
        name: String,
        /// What its handler said.
        message: String,
    },
    /// A whole answer was longer than [`crate::ClientBuilder::max_body_bytes`]; the rest was not
    /// read (the connection is dropped). Error answers are not this: they are [`Error::Api`]
    /// with [`ApiError::body_cut`] set.
    #[error("the answer is longer than {limit} bytes (ClientBuilder::max_body_bytes)")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A whole answer's body stopped coming: no byte for this long
    /// ([`crate::ClientBuilder::read_idle_timeout`]).
    #[error("the answer's body stopped coming: no byte for {0:?}")]
    BodyStalled(Duration),
}

/// A structured answer that could not be had: the model refused, stopped early, or wrote text
/// that does not decode into the type. The whole text is kept (not a snippet): it is the
/// model's output, and the caller may want to log or repair it.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.describe())]
pub struct OutputError {
    /// What the model wrote (`None` if it wrote nothing).
    pub content: Option<String>,
    /// The model's refusal, if it refused.
    pub refusal: Option<String>,
    /// Why the generation stopped (`length` means the JSON was cut off).
    pub finish_reason: Option<String>,
    /// Where in the value decoding failed (`items[2].price`).
    pub path: String,
    /// The decoder's own error, when there is one.
    #[source]
    pub source: Option<serde_json::Error>,
}

impl OutputError {
    fn describe(&self) -> String {
        if let Some(r) = &self.refusal {
            return format!("the model refused: {r}");
        }
        let Some(source) = &self.source else {
            return format!("the model gave no content (finish reason {:?})", self.finish_reason);
        };
        let cut = if self.finish_reason.as_deref() == Some("length") { " (the answer was cut off at max tokens)" } else { "" };
        format!("the model's answer does not decode at `{}`: {source}{cut}", self.path)
    }
}

impl Error {
    /// An error of a generated method (`client.api().…`), with the body of an answer the
    /// document does not list read in (the `From` conversion cannot wait for it).
    pub async fn from_generated<E: serde::Serialize>(e: openrouter_kit_api::Error<E>) -> Self {
        match e {
            openrouter_kit_api::Error::UnexpectedResponse(response) if !response.headers().contains_key(crate::retry::NO_HEAD) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = match crate::retry::original_body(&headers) {
                    Some(kept) => kept,
                    None => response.bytes().await.unwrap_or_default().to_vec(),
                };
                let mut error = ApiError::from_response(status, &headers, &body);
                if error.body.is_none() {
                    error.message = format!("an answer the document does not describe (HTTP {}): {}", status.as_u16(), error.message);
                }
                Error::Api(Box::new(error))
            }
            other => other.into(),
        }
    }
}

/// The head bound of an answer [`crate::retry::NO_HEAD`] marks.
fn no_head_bound(headers: &HeaderMap) -> Duration {
    header(headers, crate::retry::NO_HEAD).and_then(|ms| ms.parse().ok()).map_or(Duration::MAX, Duration::from_millis)
}

/// The value of a generated method's answer, or this crate's error (body read in).
pub(crate) async fn generated<T, E: serde::Serialize>(
    result: Result<openrouter_kit_api::ResponseValue<T>, openrouter_kit_api::Error<E>>,
) -> Result<T, Error> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(Error::from_generated(e).await),
    }
}

impl<E: serde::Serialize> From<openrouter_kit_api::Error<E>> for Error {
    /// An error of a generated method as this crate's error: the documented error body, with
    /// the status and headers, becomes [`Error::Api`]; a body that does not decode,
    /// [`Error::Decode`]; a failed connection, [`Error::Transport`].
    fn from(e: openrouter_kit_api::Error<E>) -> Self {
        use openrouter_kit_api::Error as G;
        match e {
            G::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                // The executor kept the body as sent; the typed value is only a fallback for a
                // client without it (a caller-supplied executor).
                let body = crate::retry::original_body(&headers).unwrap_or_else(|| serde_json::to_vec(&*value).unwrap_or_default());
                Error::Api(Box::new(ApiError::from_response(status, &headers, &body)))
            }
            G::ResponseBodyError(e) => match crate::retry::BodyCut::of(&e) {
                Some(crate::retry::BodyCut::TooLarge(limit)) => Error::BodyTooLarge { limit },
                Some(crate::retry::BodyCut::Stalled(idle)) => Error::BodyStalled(idle),
                Some(crate::retry::BodyCut::NoHead(bound)) => Error::Timeout(bound),
                None => Error::Transport(e),
            },
            G::CommunicationError(e) | G::InvalidUpgrade(e) => Error::Transport(e),
            G::InvalidResponsePayload(bytes, source) => Error::Decode(Box::new(DecodeError {
                what: "response",
                path: String::new(),
                snippet: snippet(&bytes),
                source,
            })),
            G::UnexpectedResponse(response) if response.headers().contains_key(crate::retry::NO_HEAD) => Error::Timeout(no_head_bound(response.headers())),
            G::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                // An error answer's body was kept by the executor; a success the document does
                // not describe has none to show here (`from_generated` reads it).
                let kept = crate::retry::original_body(&headers);
                let mut error = ApiError::from_response(status, &headers, kept.as_deref().unwrap_or_default());
                if kept.is_none() || error.body.is_none() {
                    error.message = format!("an answer the document does not describe (HTTP {}): {}", status.as_u16(), error.message);
                }
                Error::Api(Box::new(error))
            }
            G::InvalidRequest(message) | G::Custom(message) => Error::Config(message),
        }
    }
}

/// How a stream broke off.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// No event arrived for this long (keep-alive comments do not count: they only say the
    /// connection is up, not that the generation moves).
    #[error("no stream event for {0:?} (keep-alive comments do not count)")]
    IdleTimeout(std::time::Duration),
    /// The body ended before the stream's closing `[DONE]`.
    #[error("the stream ended without [DONE]")]
    Truncated,
    /// Reading the body failed.
    #[error("reading the stream failed: {0}")]
    Body(#[source] reqwest::Error),
    /// The byte stream given to [`crate::EventStream::from_byte_stream`] failed.
    #[error("the event source failed: {0}")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// One event grew past the largest allowed ([`crate::ClientBuilder::max_event_bytes`],
    /// [`crate::EventStream::max_event_bytes`]) without ending: the stream ends here rather than
    /// hold it all.
    #[error("a stream event is longer than {0} bytes without ending")]
    EventTooLarge(usize),
}

impl Error {
    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this is a failure reported inside a stream after its `200` (an error event):
    /// what the stream delivered before it was real output, and nothing after it will come.
    pub fn is_mid_stream(&self) -> bool {
        self.api().is_some_and(|e| e.mid_stream)
    }

    /// Whether trying again may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => e.is_retryable(),
            Self::Transport(e) => e.is_connect() || e.is_timeout(),
            Self::Timeout(_) => true,
            Self::Stream(StreamError::IdleTimeout(_) | StreamError::Truncated | StreamError::Body(_) | StreamError::Source(_)) => true,
            _ => false,
        }
    }

    /// How long the server asked to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().map(|e| e.status)
    }
}

/// The `error.code` OpenRouter sends: a number (`429`, `502`) or a string (`"server_error"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// A number (most errors: usually the HTTP status).
    Number(i64),
    /// Text (`"server_error"`, …).
    Text(String),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}

/// An error answer from the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status; `200` for an error body in a successful response or mid-stream.
    pub status: StatusCode,
    /// `error.code`: a number (usually an HTTP status) or a string.
    pub code: Option<ErrorCode>,
    /// `error.message`, or what the body was when it had none.
    pub message: String,
    /// `error.metadata` as sent: `provider_name`, `raw`, `previous_errors`, moderation `reasons`, …
    pub metadata: Option<Value>,
    /// The whole body, when it parsed as JSON (`user_id`, `openrouter_metadata`, …).
    pub body: Option<Value>,
    /// The body as text (at most [`BODY_SNIPPET`] bytes, invalid UTF-8 replaced) when it was not JSON.
    pub raw_body: Option<String>,
    /// How long the server asked to wait (`Retry-After`, `retry-after-ms`, or a hint in the body).
    pub retry_after: Option<Duration>,
    /// `X-Generation-Id`, to look the request up (`client.generations()`).
    pub generation_id: Option<String>,
    /// `X-RateLimit-*` headers, as sent.
    pub rate_limit: Vec<(String, String)>,
    /// The body here is not all the server sent: it was longer than
    /// [`crate::ClientBuilder::max_error_body_bytes`] or stopped coming, and `body` / `raw_body`
    /// are made of what came before.
    pub body_cut: bool,
    /// The failure came inside a stream whose `200` was already out, as an error event: items
    /// before it were delivered (and may be part of an answer). [`Error::is_mid_stream`].
    pub mid_stream: bool,
}

impl std::error::Error for ApiError {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mid_stream {
            write!(f, "OpenRouter API error in the stream, after its events so far were delivered (HTTP {}", self.status.as_u16())?;
        } else {
            write!(f, "OpenRouter API error (HTTP {}", self.status.as_u16())?;
        }
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, "): {}", self.message)?;
        if let Some(provider) = self.provider_name() {
            write!(f, " [provider {provider}]")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Build from a response's status, headers and body. Never fails: a body that is not the
    /// documented error shape is kept raw.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        // A `200` carrying an error, re-statused by the executor for the generated client.
        let status = header(headers, crate::retry::ORIGINAL_STATUS)
            .and_then(|s| s.parse::<u16>().ok())
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(status);
        // A failed chat choice carries its error beside the choice, not at the top level.
        let mut error = match failed_choice(body) {
            Some(mut e) => {
                e.status = status;
                e
            }
            None => Self::from_body(status, body),
        };
        error.retry_after = retry_after(headers).or_else(|| error.body.as_ref().and_then(body_retry_after));
        error.generation_id = header(headers, "x-generation-id");
        error.body_cut = headers.contains_key(crate::retry::BODY_CUT);
        error.rate_limit = headers
            .iter()
            .filter(|(k, _)| k.as_str().starts_with("x-ratelimit-"))
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        error
    }

    /// Build from a body alone (a stream event, a `200` with an error body).
    pub fn from_body(status: StatusCode, body: &[u8]) -> Self {
        let trimmed = body.trim_ascii();
        let parsed: Option<Value> = serde_json::from_slice(trimmed).ok().filter(Value::is_object);
        // `{"error": {…}}` (or a string), or a Responses `error` event: `{type: "error", code, message}`.
        let detail = parsed.as_ref().and_then(|v| match v.get("error") {
            Some(e) if e.is_object() || e.is_string() => Some(e),
            _ if v.get("type").and_then(Value::as_str) == Some("error") => Some(v),
            _ => None,
        });
        let code = detail.and_then(|d| d.get("code")).and_then(|c| match c {
            Value::Number(n) => n.as_i64().map(ErrorCode::Number),
            Value::String(s) => Some(s.parse().map_or_else(|_| ErrorCode::Text(s.clone()), ErrorCode::Number)),
            _ => None,
        });
        let message = detail
            .and_then(|d| d.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| detail.and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| match (&parsed, trimmed.is_empty()) {
                (_, true) => format!("empty body with status {}", status.as_u16()),
                (Some(_), _) => "error body without a message".to_string(),
                (None, _) => format!("non-JSON body with status {}", status.as_u16()),
            });
        let raw_body = parsed.is_none().then(|| snippet(trimmed));
        Self {
            status,
            code,
            message,
            metadata: detail.and_then(|d| d.get("metadata")).cloned(),
            body: parsed,
            raw_body,
            retry_after: None,
            generation_id: None,
            rate_limit: Vec::new(),
            body_cut: false,
            mid_stream: false,
        }
    }

    /// The code as a number, when it is one (or a string of digits).
    pub fn code_number(&self) -> Option<i64> {
        match &self.code {
            Some(ErrorCode::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// `metadata.provider_name`, when a provider's failure is wrapped.
    pub fn provider_name(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("provider_name")?.as_str()
    }

    /// The status that describes the failure: `error.code` when it is an HTTP status (a `400`
    /// can wrap a provider's `502`; a `200` can carry a `500`), else the response status.
    pub fn effective_status(&self) -> u16 {
        match self.code_number() {
            Some(n @ 400..=599) => n as u16,
            _ => self.status.as_u16(),
        }
    }

    /// Whether trying again may succeed: 408, 429, 5xx (500, 502, 503, 504, 524, 529, …).
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.effective_status())
    }

    /// What kind of failure this is, decided once from `error.metadata.error_type` (OpenRouter's
    /// canonical type, when sent), then the status (`error.code` when it is one), then the
    /// message for what statuses do not tell apart (a 400 that is a context length or an
    /// unknown model).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::{ApiErrorKind, ChatRequestBuilder, Error};
    /// use openrouter_kit_mock::Reply;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.on("sendChatCompletionRequest").reply(Reply::error(400, "no/such-model is not a valid model ID")).mount().await;
    /// let request = ChatRequestBuilder::new("no/such-model").user("Hi");
    /// match mock.client().chat().create(&request).await {
    ///     Err(Error::Api(e)) => assert_eq!(e.kind(), ApiErrorKind::ModelNotFound, "{e}"),
    ///     other => panic!("expected an API error, got {other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn kind(&self) -> ApiErrorKind {
        use ApiErrorKind as K;
        let by_type = self.metadata.as_ref().and_then(|m| m.get("error_type")).and_then(Value::as_str).and_then(|t| match t {
            "authentication" => Some(K::Unauthorized),
            "payment_required" => Some(K::InsufficientCredits),
            "rate_limit_exceeded" => Some(K::RateLimited),
            "context_length_exceeded" | "max_tokens_exceeded" | "token_limit_exceeded" => Some(K::ContextLengthExceeded),
            "content_policy_violation" | "permission_denied" => Some(K::Moderation),
            "not_found" => Some(K::NotFound),
            "provider_overloaded" | "provider_unavailable" => Some(K::ProviderError),
            "timeout" => Some(K::Timeout),
            "invalid_request" | "invalid_prompt" | "unprocessable" => Some(K::InvalidRequest),
            _ => None,
        });
        if let Some(kind) = by_type {
            return kind;
        }
        let m = self.message.to_ascii_lowercase();
        let model_unknown = m.contains("not a valid model") || m.contains("no endpoints found") || m.contains("model not found")
            || (m.contains("model") && (m.contains("does not exist") || m.contains("not found")));
        let context = m.contains("context length") || m.contains("context window") || m.contains("maximum context");
        match self.effective_status() {
            401 => K::Unauthorized,
            402 => K::InsufficientCredits,
            403 => K::Moderation,
            404 if model_unknown || m.contains("endpoint") || m.contains("model") => K::ModelNotFound,
            404 => K::NotFound,
            408 | 524 => K::Timeout,
            413 => K::ContextLengthExceeded,
            429 => K::RateLimited,
            _ if context => K::ContextLengthExceeded,
            _ if model_unknown => K::ModelNotFound,
            400 | 422 => K::InvalidRequest,
            502 | 503 | 529 => K::ProviderError,
            s if s >= 500 && self.provider_name().is_some() => K::ProviderError,
            s if s >= 500 => K::ServerError,
            _ => K::Other,
        }
    }

    /// The key is missing, wrong or revoked (401).
    pub fn is_unauthorized(&self) -> bool {
        self.kind() == ApiErrorKind::Unauthorized
    }

    /// Rate limited (429): see [`ApiError::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ApiErrorKind::RateLimited
    }

    /// Out of credits (402).
    pub fn is_insufficient_credits(&self) -> bool {
        self.kind() == ApiErrorKind::InsufficientCredits
    }

    /// Moderation, a guardrail or a region block.
    pub fn is_moderation(&self) -> bool {
        self.kind() == ApiErrorKind::Moderation
    }

    /// The prompt is longer than the model takes.
    pub fn is_context_length_exceeded(&self) -> bool {
        self.kind() == ApiErrorKind::ContextLengthExceeded
    }

    /// The model does not exist, or no provider serves it with these parameters.
    pub fn is_model_not_found(&self) -> bool {
        self.kind() == ApiErrorKind::ModelNotFound
    }
}

/// What kind of failure an [`ApiError`] is ([`ApiError::kind`]). More kinds may come: match
/// with a `_` arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 401: the key is missing, wrong or revoked.
    Unauthorized,
    /// 402: the account (or the key's limit) is out of credits.
    InsufficientCredits,
    /// 429: slow down; [`ApiError::retry_after`] says for how long when the server said.
    RateLimited,
    /// The model id does not exist, or no provider serves it with these parameters.
    ModelNotFound,
    /// Something else was not found (a generation, a key, a file).
    NotFound,
    /// 403: moderation, a guardrail, a region block.
    Moderation,
    /// The prompt (with the requested output) is longer than the model takes.
    ContextLengthExceeded,
    /// The request is malformed or asks for something the model cannot do (400, 422).
    InvalidRequest,
    /// 408, 524: the request or the provider took too long.
    Timeout,
    /// The provider behind OpenRouter failed, is down or overloaded (502, 503, 529, a 5xx naming
    /// a provider). Usually worth a retry or a fallback model.
    ProviderError,
    /// OpenRouter itself failed (another 5xx).
    ServerError,
    /// None of the above.
    Other,
}

/// Statuses worth retrying: 408, 429, every 5xx (OpenRouter uses 524 and 529 too).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// Whether an `"error"` key with a non-null value appears anywhere in the text: a cheap test
/// that spares the parse of every success that says `"error": null` (each Responses result).
fn mentions_error(body: &[u8]) -> bool {
    // Built once: building a finder costs more than running it over a kilobyte of answer.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> = std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"error\""));
    FINDER.find_iter(body).any(|at| {
        let rest = body[at + 7..].trim_ascii_start();
        rest.strip_prefix(b":").is_some_and(|v| matches!(v.trim_ascii_start().first(), Some(b'{' | b'"')))
    })
}

/// A success answer (status 2xx) of `operation` that is really an error: OpenRouter sometimes
/// answers `200` with `{"error": …}`, perhaps beside `user_id`, `openrouter_metadata` or keys
/// nobody has seen yet. It is an error when it carries an `error` object (or string) and not
/// the shape of a success: fewer than two of the properties the document requires of the
/// operation's answer (all of them, when it requires fewer than two). A chat completion whose
/// first choice failed (`finish_reason: "error"` with an `error` beside it) is one too.
/// Leading whitespace (keep-alive padding) is allowed.
pub fn error_body(body: &[u8], operation: &str) -> Option<ApiError> {
    let trimmed = body.trim_ascii();
    if !trimmed.starts_with(b"{") || !mentions_error(trimmed) {
        return None;
    }
    let value: Value = serde_json::from_slice(trimmed).ok()?;
    let obj = value.as_object()?;
    if obj.get("error").is_some_and(|e| e.is_object() || e.is_string()) {
        let required = success_shape(operation);
        let present = required.iter().filter(|k| obj.contains_key(**k)).count();
        let is_success = !required.is_empty() && present >= required.len().min(2);
        if !is_success {
            let mut api = ApiError::from_body(StatusCode::OK, trimmed);
            api.body = Some(value);
            return Some(api);
        }
    }
    failed_choice_of(&value)
}

/// The properties the document requires of `operation`'s success answer.
fn success_shape(operation: &str) -> &'static [&'static str] {
    let shapes = openrouter_kit_api::SUCCESS_SHAPES;
    shapes.binary_search_by(|(id, _)| (*id).cmp(operation)).map_or(&[], |i| shapes[i].1)
}

/// A stream event that is an error although it did not decode as one (`{"error": …}`, or
/// `{type: "error", …}`).
pub fn error_event(data: &[u8]) -> Option<ApiError> {
    let value: Value = serde_json::from_slice(data.trim_ascii()).ok()?;
    let is_error = value.get("error").is_some_and(|e| e.is_object() || e.is_string())
        || value.get("type").and_then(Value::as_str) == Some("error");
    is_error.then(|| ApiError::from_body(StatusCode::OK, data))
}

/// The error of a chat completion whose first choice failed, if the body is one.
fn failed_choice(body: &[u8]) -> Option<ApiError> {
    let trimmed = body.trim_ascii();
    if !trimmed.starts_with(b"{") || !mentions_error(trimmed) {
        return None;
    }
    failed_choice_of(&serde_json::from_slice(trimmed).ok()?)
}

fn failed_choice_of(value: &Value) -> Option<ApiError> {
    // The document has no `error` on a choice; the whole body is kept beside it.
    let choice = value.get("choices")?.as_array()?.first()?;
    let error = choice.get("error").filter(|e| e.is_object())?;
    if choice.get("finish_reason").and_then(Value::as_str) != Some("error") {
        return None;
    }
    let mut api = ApiError::from_body(StatusCode::OK, serde_json::json!({ "error": error }).to_string().as_bytes());
    api.body = Some(value.clone());
    Some(api)
}

/// A wait the body asks for: `error.metadata.availability.retry_after`,
/// `error.availability.retry_after` or `availability.retry_after`, in seconds.
pub fn body_retry_after(body: &Value) -> Option<Duration> {
    ["/error/metadata/availability/retry_after", "/error/availability/retry_after", "/availability/retry_after"]
        .iter()
        .find_map(|p| body.pointer(p))
        .and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
        .and_then(seconds)
}

/// A non-negative number of seconds as a duration; absurd values (`1e300`, infinity) saturate
/// instead of panicking (`Duration::from_secs_f64` panics above about 584 billion years): a
/// server asking for forever is not retried early. Negative and NaN mean nothing.
pub(crate) fn seconds(secs: f64) -> Option<Duration> {
    (secs >= 0.0).then(|| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header(headers, "retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = header(headers, "retry-after")?;
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_string)
}

/// At most [`BODY_SNIPPET`] bytes of text, an ending `…` included when the body was longer. The
/// bound is on the text: each invalid byte becomes a 3-byte U+FFFD, so a binary body's text is
/// longer than its bytes.
fn snippet(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_SNIPPET)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if text.len() > BODY_SNIPPET || body.len() > BODY_SNIPPET {
        let mut end = BODY_SNIPPET - '…'.len_utf8();
        while !text.is_char_boundary(end.min(text.len())) {
            end -= 1;
        }
        text.truncate(end.min(text.len()));
        text.push('…');
    }
    text
}

/// A value that did not decode into its type.
#[derive(Debug)]
pub struct DecodeError {
    /// What was being decoded (`chat completion`, `stream event`, …).
    pub what: &'static str,
    /// The JSON path where decoding failed (`choices[0].message.tool_calls[1].index`).
    pub path: String,
    /// The decoder's error.
    pub source: serde_json::Error,
    /// The start of the offending text (at most [`BODY_SNIPPET`] bytes).
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode {} at `{}`: {}", self.what, self.path, self.source)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Decode JSON, or an error that keeps the path, the serde message and a bounded snippet.
///
/// The hot path is plain `serde_json`; only a value that fails is decoded again with the path
/// tracked (which costs twice as much and is needed only to explain the failure).
#[inline]
pub fn decode<T: serde::de::DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, Error> {
    match serde_json::from_slice(bytes.trim_ascii_start()) {
        Ok(value) => Ok(value),
        Err(_) => Err(decode_failure::<T>(what, bytes)),
    }
}

#[cold]
fn decode_failure<T: serde::de::DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Error {
    match decode_tracked::<T>(what, bytes) {
        Err(e) => e,
        // Cannot happen (the same input failed a moment ago); say so rather than panic.
        Ok(_) => Error::Decode(Box::new(DecodeError {
            what,
            path: String::new(),
            snippet: snippet(bytes),
            source: serde::de::Error::custom("decoding failed once and succeeded on a second try"),
        })),
    }
}

fn decode_tracked<T: serde::de::DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, Error> {
    let fail = |path: String, source: serde_json::Error| {
        Error::Decode(Box::new(DecodeError { what, path, snippet: snippet(bytes), source }))
    };
    let mut de = serde_json::Deserializer::from_slice(bytes.trim_ascii_start());
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| fail(e.path().to_string(), e.into_inner()))?;
    // Trailing garbage after the value is an error too (a second object, a truncated proxy page).
    de.end().map_err(|e| fail(".".to_string(), e))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn keeps_code_number_or_string_message_and_metadata() {
        let body = br#"  {"error": {"code": 502, "message": "Provider returned error", "metadata": {"provider_name": "Groq", "raw": "{\"x\":1}"}}, "user_id": "u1"}"#;
        let e = ApiError::from_body(StatusCode::BAD_REQUEST, body);
        assert_eq!(e.code, Some(ErrorCode::Number(502)));
        assert_eq!(e.provider_name(), Some("Groq"));
        assert_eq!(e.effective_status(), 502);
        assert!(e.is_retryable(), "a 400 wrapping a 502 is transient");
        assert_eq!(e.body.as_ref().unwrap()["user_id"], "u1");
        assert_eq!(e.to_string(), "OpenRouter API error (HTTP 400, code 502): Provider returned error [provider Groq]");

        let e = ApiError::from_body(StatusCode::OK, br#"{"error": {"code": "server_error", "message": "boom"}}"#);
        assert_eq!(e.code, Some(ErrorCode::Text("server_error".into())));
        assert!(!e.is_retryable(), "no numeric code: the 200 status decides");
        let e = ApiError::from_body(StatusCode::OK, br#"{"error": {"code": "429", "message": "slow down"}}"#);
        assert!(e.is_rate_limited() && e.is_retryable());
    }

    #[test]
    fn html_and_empty_bodies_are_kept_raw() {
        let e = ApiError::from_body(StatusCode::BAD_GATEWAY, b"<html><body>502 Bad Gateway</body></html>");
        assert_eq!(e.raw_body.as_deref(), Some("<html><body>502 Bad Gateway</body></html>"));
        assert!(e.message.contains("non-JSON") && e.is_retryable());
        let e = ApiError::from_body(StatusCode::SERVICE_UNAVAILABLE, b"");
        assert!(e.message.contains("empty body"));
        let big = vec![b'x'; 10_000];
        assert!(ApiError::from_body(StatusCode::BAD_GATEWAY, &big).raw_body.unwrap().len() <= BODY_SNIPPET);
        // A binary body: each invalid byte is a 3-byte U+FFFD in the text, still within the bound.
        let binary: Vec<u8> = (0..5000u32).map(|i| 0x80 | (i % 64) as u8).collect();
        let raw = ApiError::from_body(StatusCode::BAD_GATEWAY, &binary).raw_body.unwrap();
        assert!(raw.len() <= BODY_SNIPPET && raw.ends_with('…') && raw.starts_with('\u{FFFD}'), "{}", raw.len());
        let short: Vec<u8> = vec![0xFF; 1000];
        assert!(ApiError::from_body(StatusCode::BAD_GATEWAY, &short).raw_body.unwrap().len() <= BODY_SNIPPET);
    }

    #[test]
    fn headers_retry_after_generation_and_rate_limits() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        h.insert("x-generation-id", HeaderValue::from_static("gen-1"));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        let e = ApiError::from_response(StatusCode::TOO_MANY_REQUESTS, &h, br#"{"error":{"code":429,"message":"Rate limit exceeded"}}"#);
        assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(e.generation_id.as_deref(), Some("gen-1"));
        assert_eq!(e.rate_limit, [("x-ratelimit-remaining".to_string(), "0".to_string())]);

        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)), "the finer header wins");
        let mut h = HeaderMap::new();
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        h.insert("retry-after", HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&h).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120), "{wait:?}");
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    const CHAT: &str = "sendChatCompletionRequest";

    #[test]
    fn recognises_a_200_that_carries_an_error_and_no_success_shape() {
        let e = error_body(b"\n\n   {\"error\": {\"code\": 504, \"message\": \"timeout\"}, \"user_id\": \"u\"}", CHAT).unwrap();
        assert_eq!((e.status, e.code_number()), (StatusCode::OK, Some(504)));
        // Keys nobody has listed do not make it a success.
        let odd = br#"{"error": {"code": 502, "message": "Provider returned error"}, "user_id": "u", "provider": "X", "trace": {"a": 1}}"#;
        let e = error_body(odd, CHAT).unwrap();
        assert_eq!(e.message, "Provider returned error");
        assert_eq!(e.body.as_ref().unwrap()["trace"]["a"], 1, "the whole body is kept");
        assert!(error_body(br#"{"id": "x", "choices": [], "error": {"code": 1}}"#, CHAT).is_none(), "a success shape with an error beside it");
        assert!(error_body(br#"{"id": "x", "choices": []}"#, CHAT).is_none());
        assert!(error_body(b"not json", CHAT).is_none());
        // A Responses result says `"error": null`: not an error, and not even parsed.
        assert!(!mentions_error(br#"{"id": "r", "error": null, "output": []}"#));
        assert!(mentions_error(br#"{"error" : {"code": 1}}"#) && mentions_error(br#"{"error":"boom"}"#));
        // A failed choice is an error too, with the whole body kept.
        let failed = br#"{"id": "gen-1", "choices": [{"index": 0, "finish_reason": "error", "error": {"code": 502, "message": "Provider returned error"}, "message": {"role": "assistant", "content": ""}}]}"#;
        let e = error_body(failed, CHAT).unwrap();
        assert_eq!((e.code_number(), e.message.as_str()), (Some(502), "Provider returned error"));
        assert_eq!(e.body.as_ref().unwrap()["id"], "gen-1");
        let fine = br#"{"choices": [{"index": 0, "finish_reason": "stop", "error": {"code": 1}}]}"#;
        assert!(error_body(fine, CHAT).is_none(), "only a choice that says it failed");
        // An operation whose answer requires one property: that one present means success.
        let credits = br#"{"data": {"total_credits": 1}, "error": {"message": "x"}}"#;
        assert!(error_body(credits, "getCredits").is_none());
        assert!(error_body(br#"{"error": {"message": "x"}}"#, "getCredits").is_some());
    }

    #[test]
    fn body_retry_hints_and_absurd_waits() {
        let body: Value = serde_json::from_str(r#"{"error": {"code": 503, "message": "busy", "metadata": {"availability": {"retryable": true, "retry_after": 12}}}}"#).unwrap();
        assert_eq!(body_retry_after(&body), Some(Duration::from_secs(12)));
        let body: Value = serde_json::from_str(r#"{"error": {"message": "busy"}, "availability": {"retry_after": "2.5"}}"#).unwrap();
        assert_eq!(body_retry_after(&body), Some(Duration::from_millis(2500)));
        let e = ApiError::from_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), br#"{"error": {"code": 503, "message": "busy", "availability": {"retry_after": 3}}}"#);
        assert_eq!(e.retry_after, Some(Duration::from_secs(3)), "the body's hint when no header gives one");
        assert_eq!(seconds(1e300), Some(Duration::MAX));
        assert_eq!(seconds(f64::NAN), None);
        assert_eq!(seconds(f64::INFINITY), Some(Duration::MAX), "forever is not retried early");
        assert_eq!(seconds(-1.0), None);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("1e20"));
        assert_eq!(retry_after(&h), Some(Duration::MAX), "saturates, never panics");
    }

    #[test]
    fn responses_error_events_keep_their_words() {
        let e = error_event(br#"{"type": "error", "code": "server_error", "message": "upstream died", "sequence_number": 3}"#).unwrap();
        assert_eq!(e.code, Some(ErrorCode::Text("server_error".into())));
        assert_eq!(e.message, "upstream died");
        assert_eq!(e.body.as_ref().unwrap()["sequence_number"], 3);
        assert!(error_event(br#"{"type": "response.output_text.delta", "delta": "x"}"#).is_none());
    }

    #[test]
    fn decode_errors_name_the_path_and_keep_a_snippet() {
        #[derive(Debug, serde::Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            choices: Vec<Inner>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            index: u32,
        }
        let Err(Error::Decode(e)) = decode::<Outer>("chat completion", br#"{"choices": [{"index": 0}, {"index": "one"}]}"#) else {
            panic!("expected a decode error")
        };
        assert_eq!(e.path, "choices[1].index");
        assert!(e.to_string().starts_with("could not decode chat completion at `choices[1].index`"), "{e}");
        assert!(e.snippet.contains("\"one\""));
        assert!(decode::<Outer>("x", b"  {\"choices\": []}").is_ok(), "leading keep-alive whitespace is fine");
        assert!(matches!(decode::<Outer>("x", br#"{"choices": []} trailing"#), Err(Error::Decode(_))));
    }

    #[test]
    fn each_kind_of_failure_is_told_apart_once() {
        use ApiErrorKind as K;
        let kind = |status: u16, body: &str| ApiError::from_body(StatusCode::from_u16(status).unwrap(), body.as_bytes()).kind();
        let cases = [
            (401, r#"{"error": {"code": 401, "message": "No auth credentials found"}}"#, K::Unauthorized),
            (402, r#"{"error": {"code": 402, "message": "Insufficient credits"}}"#, K::InsufficientCredits),
            (429, r#"{"error": {"code": 429, "message": "Rate limit exceeded"}}"#, K::RateLimited),
            (400, r#"{"error": {"code": 400, "message": "openai/gpt-5x is not a valid model ID"}}"#, K::ModelNotFound),
            (404, r#"{"error": {"code": 404, "message": "No endpoints found for x/y."}}"#, K::ModelNotFound),
            (404, r#"{"error": {"code": 404, "message": "Generation not found"}}"#, K::NotFound),
            (403, r#"{"error": {"code": 403, "message": "flagged", "metadata": {"reasons": ["violence"]}}}"#, K::Moderation),
            (400, r#"{"error": {"code": 400, "message": "This endpoint's maximum context length is 8192 tokens"}}"#, K::ContextLengthExceeded),
            (400, r#"{"error": {"code": 400, "message": "messages: required"}}"#, K::InvalidRequest),
            (408, r#"{"error": {"code": 408, "message": "Request timed out"}}"#, K::Timeout),
            (502, r#"{"error": {"code": 502, "message": "Provider returned error", "metadata": {"provider_name": "X"}}}"#, K::ProviderError),
            (529, r#"{"error": {"code": 529, "message": "Overloaded"}}"#, K::ProviderError),
            (500, r#"{"error": {"code": 500, "message": "Internal Server Error"}}"#, K::ServerError),
            // A 400 wrapping a provider's 502; a 200 carrying a 500 with its provider named.
            (400, r#"{"error": {"code": 502, "message": "upstream"}}"#, K::ProviderError),
            (200, r#"{"error": {"code": 500, "message": "x", "metadata": {"provider_name": "P"}}}"#, K::ProviderError),
            // The canonical type wins over the status.
            (400, r#"{"error": {"code": 400, "message": "x", "metadata": {"error_type": "context_length_exceeded"}}}"#, K::ContextLengthExceeded),
            (500, r#"{"error": {"code": 500, "message": "x", "metadata": {"error_type": "rate_limit_exceeded"}}}"#, K::RateLimited),
            (418, "<html>teapot</html>", K::Other),
        ];
        for (status, body, want) in cases {
            assert_eq!(kind(status, body), want, "{status} {body}");
        }
        let e = ApiError::from_body(StatusCode::UNAUTHORIZED, br#"{"error": {"code": 401, "message": "bad key"}}"#);
        assert!(e.is_unauthorized() && !e.is_rate_limited());
    }

    #[test]
    fn a_mid_stream_failure_says_so() {
        let e = ApiError { mid_stream: true, ..ApiError::from_body(StatusCode::OK, br#"{"error": {"code": 502, "message": "down"}}"#) };
        let shown = e.to_string();
        assert!(shown.contains("in the stream") && shown.contains("delivered"), "{shown}");
        assert!(Error::Api(Box::new(e)).is_mid_stream());
        let before = ApiError::from_body(StatusCode::BAD_GATEWAY, br#"{"error": {"code": 502, "message": "down"}}"#);
        assert!(!before.to_string().contains("in the stream"));
    }
}
