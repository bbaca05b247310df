//! Retries: which failures, how long to wait, and the executor the generated client runs every
//! request through.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::{Request, Response};
use tracing::Instrument;

use crate::error::{is_retryable_status, retry_after};

/// When and how often to try again. Retried: 408, 429, every 5xx (OpenRouter also sends 524 and
/// 529) and connection failures; a stream only before its first event.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The first backoff; each later one doubles, with full jitter.
    pub initial_backoff: Duration,
    /// No wait of this crate's own backoff is longer.
    pub max_backoff: Duration,
    /// The longest wait a server may ask for (`Retry-After`, `retry-after-ms`, a hint in the
    /// body) that is honoured. A server asking for longer is not tried again early: its error
    /// comes back at once, and [`crate::ApiError::retry_after`] says how long it asked for.
    pub max_retry_after: Duration,
    /// The total time spent waiting between attempts may not exceed this.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(30),
            budget: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1): the server's hint when it
    /// gave one (`None` when that is longer than `max_retry_after`: no retry then), else
    /// exponential backoff with full jitter, capped by `max_backoff`.
    pub fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Option<Duration> {
        match hint {
            Some(asked) => (asked <= self.max_retry_after).then_some(asked),
            None => {
                let exp = self.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
                Some(exp.mul_f64(fastrand::f64()).min(self.max_backoff))
            }
        }
    }
}

/// What an attempt's outcome says about trying again: `None` = do not; `Some(hint)` = do,
/// after the server's hint when it gave one.
pub(crate) trait Outcome {
    fn retry(&self) -> Option<Option<Duration>>;
    /// The status the attempt's answer stands for (for the log).
    fn status_code(&self) -> u16;
}

impl Outcome for Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }

    fn retry(&self) -> Option<Option<Duration>> {
        is_retryable_status(self.status().as_u16()).then(|| retry_after(self.headers()).or_else(|| body_hint(self.headers())))
    }
}

/// `None`: no response head within the first-byte bound (not retried: the bound is the
/// caller's for the whole call).
impl Outcome for Option<Response> {
    fn status_code(&self) -> u16 {
        self.as_ref().map_or(408, |r| r.status().as_u16())
    }

    fn retry(&self) -> Option<Option<Duration>> {
        self.as_ref().and_then(Outcome::retry)
    }
}

impl Outcome for Answer {
    fn status_code(&self) -> u16 {
        self.effective.as_u16()
    }

    fn retry(&self) -> Option<Option<Duration>> {
        if self.no_head || self.stalled {
            // The first-byte bound is the caller's for the whole call, retries included; a
            // stalled body may have been a generation already paid for.
            return None;
        }
        is_retryable_status(self.effective.as_u16()).then(|| {
            retry_after(&self.headers).or_else(|| {
                let value: serde_json::Value = serde_json::from_slice(self.body.trim_ascii()).ok()?;
                crate::error::body_retry_after(&value)
            })
        })
    }
}

fn should_retry<T: Outcome>(result: &reqwest::Result<T>) -> Option<Option<Duration>> {
    match result {
        Ok(outcome) => outcome.retry(),
        Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => Some(None),
        Err(_) => None,
    }
}

/// An answer read whole by the executor (what `create` decodes): no response object is rebuilt
/// around a body already read, and the error check is the same as [`surface_error_body`]'s.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The status as sent.
    pub status: reqwest::StatusCode,
    /// The status the answer stands for: a `200` that carries an error gets the error's.
    pub effective: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: bytes::Bytes,
    /// The body went on past the limit it was read with (the rest was not read).
    pub too_large: bool,
    /// The body stopped coming for the read-idle bound (`body` is what came before).
    pub stalled: bool,
    /// No response head came within the first-byte bound (nothing else is set).
    pub no_head: bool,
}

impl Answer {
    fn no_head() -> Self {
        let status = reqwest::StatusCode::REQUEST_TIMEOUT;
        Self { status, effective: status, headers: Default::default(), body: Default::default(), too_large: false, stalled: false, no_head: true }
    }
}

/// Runs requests with the policy: the generated client calls it for every operation.
#[derive(Debug, Clone)]
pub(crate) struct RetryingExecutor {
    pub policy: RetryPolicy,
    /// Authentication and attribution, added to each request that does not set them itself
    /// (so a caller-supplied `reqwest::Client` gets them too). The key's value is sensitive.
    pub headers: reqwest::header::HeaderMap,
    pub bounds: Bounds,
}

/// The bounds on reading a body, the same for every request of a client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// The longest wait for the next bytes of a body.
    pub read_idle: Duration,
    /// The longest success body read whole.
    pub max_body: usize,
    /// The most of an error body kept.
    pub max_error_body: usize,
    /// The longest wait for a response head, each attempt (`None`: no bound).
    pub head: Option<Duration>,
}

impl Bounds {
    fn limit(&self, is_error: bool) -> usize {
        if is_error { self.max_error_body } else { self.max_body }
    }
}

/// Why a body the executor read was cut short. A live answer's body ends with this error where
/// it was cut, so that the generated client's decode fails with it (and [`crate::Error`] names
/// it) instead of with a parse error of a cut-off body.
#[derive(Debug, Clone, Copy, thiserror::Error)]
pub(crate) enum BodyCut {
    #[error("the answer is longer than {0} bytes")]
    TooLarge(usize),
    #[error("the answer's body stopped coming for {0:?}")]
    Stalled(Duration),
    /// No head came: the answer is one the executor made up, whose body is only this error.
    #[error("no response head within {0:?}")]
    NoHead(Duration),
}

impl BodyCut {
    /// The cut a transport error stands for, if it is one.
    pub(crate) fn of(error: &reqwest::Error) -> Option<Self> {
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            if let Some(cut) = e.downcast_ref::<BodyCut>() {
                return Some(*cut);
            }
            source = e.source();
        }
        None
    }
}

impl RetryingExecutor {
    /// The answer as a live response (the generated client). No head within the head bound
    /// gives an answer whose body fails with [`BodyCut::NoHead`] (a `reqwest::Error` cannot be
    /// made here), which [`crate::Error`] turns into [`crate::Error::Timeout`].
    pub(crate) async fn run(&self, client: &reqwest::Client, request: Request, operation: &'static str) -> reqwest::Result<Response> {
        let bounds = self.bounds;
        let answer = self.run_with_head_bound(client, Source::Request(request), operation, bounds.head).await?;
        Ok(answer.unwrap_or_else(|| no_head_answer(bounds.head.unwrap_or(Duration::MAX))))
    }

    /// The answer as a live response, or `None` when no head came within `head` (each attempt's
    /// wait for its head is bounded; the body is the caller's to bound).
    pub(crate) async fn run_with_head_bound(
        &self,
        client: &reqwest::Client,
        source: Source<'_>,
        operation: &'static str,
        head: Option<Duration>,
    ) -> reqwest::Result<Option<Response>> {
        let bounds = self.bounds;
        self.retrying(source, operation, |pending| async move {
            let Some(response) = execute_within(client, pending, head).await? else { return Ok(None) };
            surface_error_body(response, operation, bounds).await.map(Some)
        })
        .await
    }

    /// The answer read whole, within the bounds; `head` bounds the wait for each attempt's
    /// response head.
    pub(crate) async fn run_read(
        &self,
        client: &reqwest::Client,
        source: Source<'_>,
        operation: &'static str,
        head: Option<Duration>,
    ) -> reqwest::Result<Answer> {
        let bounds = self.bounds;
        self.retrying(source, operation, |pending| async move {
            let Some(response) = execute_within(client, pending, head).await? else { return Ok(Answer::no_head()) };
            read_answer(response, operation, bounds).await
        })
        .await
    }

    async fn retrying<T, F, Fut>(&self, source: Source<'_>, operation: &'static str, mut attempt_once: F) -> reqwest::Result<T>
    where
        T: Outcome,
        F: FnMut(Request) -> Fut,
        Fut: Future<Output = reqwest::Result<T>>,
    {
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        let (mut pending, again) = match source {
            Source::Request(request) => (request, None),
            Source::Built { first, again } => (first, Some(again)),
        };
        self.add_headers(&mut pending);
        loop {
            // A request that can be built again needs no copy kept; one whose body cannot be
            // cloned (a stream) gets one attempt.
            let spare = match again {
                _ if attempt >= self.policy.max_attempts => None,
                Some(_) => Some(Spare::Rebuild),
                None => pending.try_clone().map(Spare::Copy),
            };
            // A span per attempt, attached with `instrument` (an entered guard must not be held
            // across an await).
            let span = tracing::debug_span!("openrouter.attempt", operation, attempt);
            tracing::debug!(parent: &span, method = %pending.method(), path = %pending.url().path(), "sending");
            let result = attempt_once(pending).instrument(span).await;
            let Some(next) = spare else { return result };
            let Some(hint) = should_retry(&result) else { return result };
            let Some(wait) = self.policy.backoff(attempt, hint) else {
                tracing::debug!(operation, attempt, "the server asks for a longer wait than max_retry_after");
                return result;
            };
            if waited.saturating_add(wait) > self.policy.budget {
                tracing::debug!(operation, attempt, "retry budget spent");
                return result;
            }
            pending = match (next, again) {
                (Spare::Copy(copy), _) => copy,
                (Spare::Rebuild, Some(again)) => match again() {
                    Some(mut built) => {
                        self.add_headers(&mut built);
                        built
                    }
                    None => return result,
                },
                (Spare::Rebuild, None) => return result,
            };
            match &result {
                Ok(r) => tracing::info!(operation, attempt, status = r.status_code(), wait_ms = wait.as_millis() as u64, "retrying"),
                Err(e) => tracing::info!(operation, attempt, error = %e, wait_ms = wait.as_millis() as u64, "retrying"),
            }
            drop(result);
            tokio::time::sleep(wait).await;
            waited += wait;
            attempt += 1;
        }
    }

    /// Authentication and attribution, where the request does not set them itself.
    fn add_headers(&self, request: &mut Request) {
        for (name, value) in &self.headers {
            if !request.headers().contains_key(name) {
                request.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
}

/// What [`RetryingExecutor`] sends, attempt after attempt.
pub(crate) enum Source<'a> {
    /// This request; a retry sends a copy of it, made before it is sent.
    Request(Request),
    /// `first`, then what `again` builds for each retry: the attempt that succeeds (nearly
    /// all of them) copies nothing. `None` from `again` ends the retries.
    Built { first: Request, again: &'a (dyn Fn() -> Option<Request> + Sync) },
}

/// How the next attempt's request is had.
// Boxing the copy would add an allocation to every call that keeps one; it takes the room the
// `Option<Request>` it replaces took.
#[allow(clippy::large_enum_variant)]
enum Spare {
    Copy(Request),
    Rebuild,
}

impl openrouter_kit_api::Execute for RetryingExecutor {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> Pin<Box<dyn Future<Output = reqwest::Result<Response>> + Send + 'a>> {
        Box::pin(self.run(client, request, operation_id))
    }
}

/// One attempt's response head, or `None` when it did not come within `head`.
async fn execute_within(client: &reqwest::Client, request: Request, head: Option<Duration>) -> reqwest::Result<Option<Response>> {
    match head.and_then(crate::clock::deadline) {
        Some(at) => match tokio::time::timeout_at(at, client.execute(request)).await {
            Ok(response) => response.map(Some),
            Err(_) => Ok(None),
        },
        None => client.execute(request).await.map(Some),
    }
}

/// A server's own `x-sdk-*` headers: only this process may set them (a server sending
/// `x-sdk-original-status: 200` must not turn its 500 into a 200).
fn drop_private_headers(headers: &mut reqwest::header::HeaderMap) {
    // One pass over the few headers an answer has is cheaper than four parsed-name lookups.
    if !headers.keys().any(|name| name.as_str().starts_with("x-sdk-")) {
        return;
    }
    for name in [ORIGINAL_STATUS, ORIGINAL_BODY, BODY_CUT, NO_HEAD] {
        headers.remove(name);
    }
}

/// The header that marks the answer [`RetryingExecutor::run`] makes up when no head came.
pub(crate) const NO_HEAD: &str = "x-sdk-no-head";

fn no_head_answer(bound: Duration) -> Response {
    let parts: [Result<bytes::Bytes, BodyCut>; 1] = [Err(BodyCut::NoHead(bound))];
    let mut made_up = http::Response::new(reqwest::Body::wrap_stream(futures_util::stream::iter(parts)));
    made_up.headers_mut().insert(NO_HEAD, reqwest::header::HeaderValue::from(u64::try_from(bound.as_millis()).unwrap_or(u64::MAX)));
    Response::from(made_up)
}

/// Whether an answer says it is JSON (the answers [`surface_error_body`] reads).
pub(crate) fn is_json(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The header that marks an answer whose status [`surface_error_body`] changed. Private to
/// this process: it is set on the response object, never sent.
pub(crate) const ORIGINAL_STATUS: &str = "x-sdk-original-status";

/// The header in which [`surface_error_body`] keeps an error answer's body as sent (base64), so
/// that every path to [`crate::ApiError`] — the generated methods' typed errors included, whose
/// conversion cannot read a body — keeps the server's words verbatim.
pub(crate) const ORIGINAL_BODY: &str = "x-sdk-original-body";

/// The header that marks an error answer whose kept body is not all of it (too long, or it
/// stopped coming). Private to this process, like [`ORIGINAL_BODY`].
pub(crate) const BODY_CUT: &str = "x-sdk-body-cut";

/// By default at most this much of an error answer's body is read and kept (1 MiB: OpenRouter's
/// errors are a few hundred bytes, a proxy's HTML page a few KiB); the rest is not read, the
/// connection is dropped with the response. [`crate::ClientBuilder::max_error_body_bytes`]
/// sets another.
pub const DEFAULT_MAX_ERROR_BODY: usize = 1 << 20;

/// The body [`surface_error_body`] kept for an error answer.
pub(crate) fn original_body(headers: &reqwest::header::HeaderMap) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let value = headers.get(ORIGINAL_BODY)?;
    base64::engine::general_purpose::STANDARD.decode(value.as_bytes()).ok()
}

/// A retry hint in the kept body of an error answer.
fn body_hint(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let body = original_body(headers)?;
    let value: serde_json::Value = serde_json::from_slice(body.trim_ascii()).ok()?;
    crate::error::body_retry_after(&value)
}

/// Whether a success answer's body is read here: JSON, or `text/plain` (JSON in disguise, as
/// some proxies label it). Streams, binary downloads and answers without a content type pass
/// untouched: they are not buffered here.
fn may_carry_error(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/plain"))
}

/// What reading a body got.
pub(crate) struct Read {
    pub bytes: bytes::Bytes,
    /// There was more than the limit (left unread: the connection is dropped with the response).
    pub too_large: bool,
    /// No byte came for the read-idle bound; `bytes` is what came before.
    pub stalled: bool,
}

/// At most `limit` bytes of a body, each wait for more bounded by `idle`.
pub(crate) async fn read_up_to(mut response: Response, limit: usize, idle: Duration) -> reqwest::Result<Read> {
    let mut out = bytes::BytesMut::new();
    let mut first: Option<bytes::Bytes> = None;
    loop {
        let mut next = std::pin::pin!(response.chunk());
        // Bytes already received need no timer: one is armed only when the read has to wait.
        let ready = std::future::poll_fn(|cx| std::task::Poll::Ready(next.as_mut().poll(cx))).await;
        let chunk = match (ready, crate::clock::deadline(idle)) {
            (std::task::Poll::Ready(chunk), _) => chunk,
            (std::task::Poll::Pending, Some(at)) => match tokio::time::timeout_at(at, next).await {
                Ok(chunk) => chunk,
                Err(_) => {
                    let bytes = first.take().unwrap_or_else(|| out.split().freeze());
                    return Ok(Read { bytes, too_large: false, stalled: true });
                }
            },
            (std::task::Poll::Pending, None) => next.await,
        };
        // A body bounded upstream ([`idle_bounded`]) reports its stall as an error.
        let chunk = match chunk {
            Err(e) if matches!(BodyCut::of(&e), Some(BodyCut::Stalled(_))) => {
                let bytes = first.take().unwrap_or_else(|| out.split().freeze());
                return Ok(Read { bytes, too_large: false, stalled: true });
            }
            chunk => chunk?,
        };
        let Some(chunk) = chunk else {
            // One read is the whole body most of the time: it is kept as it came.
            let bytes = first.take().unwrap_or_else(|| out.freeze());
            return Ok(Read { bytes, too_large: false, stalled: false });
        };
        if let Some(kept) = first.take() {
            out.extend_from_slice(&kept);
        }
        let held = out.len();
        if held + chunk.len() > limit {
            out.extend_from_slice(&chunk[..limit - held]);
            return Ok(Read { bytes: out.freeze(), too_large: true, stalled: false });
        }
        if held == 0 {
            first = Some(chunk);
        } else {
            out.extend_from_slice(&chunk);
        }
    }
}

/// Every live answer passes through here on its way to the caller:
/// - an answer that stands for another status ([`error_status`]) gets it; the original status is
///   kept in [`ORIGINAL_STATUS`].
/// - An error answer's body (at most `max_error_body` of it) is kept in [`ORIGINAL_BODY`].
/// - A success body read here that is cut (too long, stalled) ends with a [`BodyCut`] error.
pub(crate) async fn surface_error_body(response: Response, operation: &str, bounds: Bounds) -> reqwest::Result<Response> {
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if !(is_error || status.is_success() && may_carry_error(response.headers())) {
        // Not read here (a download, a page, an answer without a type); a stream's own idle
        // rule is the event stream's.
        let is_stream = crate::stream::is_event_stream(response.headers());
        return Ok(if is_stream { response } else { idle_bounded(response, bounds.read_idle) });
    }
    let mut headers = response.headers().clone();
    drop_private_headers(&mut headers);
    let version = response.version();
    let json = is_json(&headers);
    // A cut body is kept as far as it came: an error keeps what the server said so far, a
    // success ends with why it was cut (bounded in time and size, never a hang).
    let read = read_up_to(response, bounds.limit(is_error), bounds.read_idle).await?;
    let cut = match (read.too_large, read.stalled) {
        (true, _) => Some(BodyCut::TooLarge(bounds.limit(is_error))),
        (_, true) => Some(BodyCut::Stalled(bounds.read_idle)),
        _ => None,
    };
    let body = read.bytes;
    let wire_body = match cut {
        Some(cut) if !is_error => {
            let parts: [Result<bytes::Bytes, BodyCut>; 2] = [Ok(body.clone()), Err(cut)];
            reqwest::Body::wrap_stream(futures_util::stream::iter(parts))
        }
        _ => reqwest::Body::from(body.clone()),
    };
    let mut rebuilt = http::Response::new(wire_body);
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    *rebuilt.status_mut() = status;
    if cut.is_some() && is_error {
        rebuilt.headers_mut().insert(BODY_CUT, reqwest::header::HeaderValue::from_static("1"));
    }
    if let Some(code) = error_status(status, json, &body, operation).filter(|_| cut.is_none()) {
        *rebuilt.status_mut() = code;
        rebuilt.headers_mut().insert(ORIGINAL_STATUS, reqwest::header::HeaderValue::from(status.as_u16()));
    }
    if !rebuilt.status().is_success() {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&encoded) {
            rebuilt.headers_mut().insert(ORIGINAL_BODY, value);
        }
    }
    Ok(Response::from(rebuilt))
}

/// A live body whose every wait for more bytes is bounded by `idle`: a stall ends it with
/// [`BodyCut::Stalled`] (a body the caller reads itself, such as a download, must not hang
/// either). Nothing is buffered.
fn idle_bounded(response: Response, idle: Duration) -> Response {
    use futures_util::StreamExt as _;
    type Failure = Box<dyn std::error::Error + Send + Sync>;
    if crate::clock::deadline(idle).is_none() {
        return response;
    }
    let (status, version, headers) = (response.status(), response.version(), response.headers().clone());
    let body = Box::pin(response.bytes_stream());
    let bounded = futures_util::stream::unfold(Some(body), move |state| async move {
        let mut body = state?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(body))),
            Ok(Some(Err(e))) => Some((Err(Failure::from(e)), None)),
            Ok(None) => None,
            Err(_) => Some((Err(Failure::from(BodyCut::Stalled(idle))), None)),
        }
    });
    let mut rebuilt = http::Response::new(reqwest::Body::wrap_stream(bounded));
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    *rebuilt.status_mut() = status;
    Response::from(rebuilt)
}

/// The whole answer, for a caller that decodes it at once: the body is read within the bounds,
/// and a success that carries an error — whatever its content type — gets the error's status,
/// as [`surface_error_body`] gives it.
async fn read_answer(mut response: Response, operation: &str, bounds: Bounds) -> reqwest::Result<Answer> {
    let status = response.status();
    let mut headers = std::mem::take(response.headers_mut());
    drop_private_headers(&mut headers);
    let is_error = status.is_client_error() || status.is_server_error();
    let read = read_up_to(response, bounds.limit(is_error), bounds.read_idle).await?;
    let (body, too_large, stalled) = (read.bytes, read.too_large, read.stalled);
    // Unlike the live path, a success of another content type is checked too: it is read whole
    // anyway, and some proxies label JSON as anything.
    let json = is_json(&headers) || status.is_success();
    let effective = if too_large || stalled { status } else { error_status(status, json, &body, operation).unwrap_or(status) };
    Ok(Answer { status, effective, headers, body, too_large, stalled, no_head: false })
}

/// The status an answer stands for when it differs from the one sent:
/// - OpenRouter answers some failures with `200` and a body that carries an `error` (or a chat
///   choice that failed, see [`crate::error::error_body`]). The generated client would decode
///   that as an empty success (every field of a response type is optional); it gets the error's
///   status instead (its `code` when that is an HTTP error status, else 502), so it is retried
///   when transient and comes back as the operation's error.
/// - A JSON `400` whose `error.code` is transient (502, 429, …) gets that status, for the same
///   reason.
fn error_status(status: reqwest::StatusCode, json: bool, body: &[u8], operation: &str) -> Option<reqwest::StatusCode> {
    if !(status.is_success() || (json && status == reqwest::StatusCode::BAD_REQUEST)) {
        return None;
    }
    let error = crate::error::error_body(body, operation)?;
    let code = error.code_number().and_then(|c| u16::try_from(c).ok()).filter(|c| (400..600).contains(c));
    let new_status = match code {
        Some(c) if status.is_success() || is_retryable_status(c) => Some(c),
        None if status.is_success() => Some(502),
        _ => None,
    };
    new_status.and_then(|c| reqwest::StatusCode::from_u16(c).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy { initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(1), ..RetryPolicy::default() };
        for attempt in 1..6 {
            let cap = Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(p.backoff(attempt, None).is_some_and(|w| w <= cap));
            }
        }
        assert_eq!(p.backoff(1, Some(Duration::from_millis(300))), Some(Duration::from_millis(300)), "the server's hint wins");
        assert_eq!(p.backoff(1, Some(Duration::from_secs(30))), Some(Duration::from_secs(30)), "up to max_retry_after, whatever max_backoff");
        assert_eq!(p.backoff(1, Some(Duration::from_secs(3600))), None, "a longer one is not retried early");
        assert_eq!(p.backoff(1, Some(Duration::MAX)), None);
    }
}
