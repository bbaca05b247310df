//! Typed event streams over SSE: framing ([`crate::sse`]), the `[DONE]` sentinel, mid-stream
//! errors, decode errors that do not end the stream, and an idle timeout that keep-alive comments
//! do not reset. Dropping the stream drops the response, which cancels the request.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use tokio::time::Sleep;

use crate::error::{self, ApiError, Error, StreamError};
use crate::sse::Decoder;

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>;

/// The largest unfinished stream event held by default: 32 MiB, room for an image generated in
/// one event (base64) many times over.
pub const DEFAULT_MAX_EVENT: usize = 32 << 20;

/// A type stream events decode into.
///
/// Each event is decoded once, straight into the type; whether it reports a failure is read
/// from the typed value. Only an event that does not decode is parsed a second time, to see
/// whether it is an error the type cannot hold.
pub trait EventData: Sized + crate::observe::Observe + serde::de::DeserializeOwned {
    /// The `data:` that ends the stream (`[DONE]`), if the protocol has one: without it, the end
    /// of the body is a truncation ([`StreamError::Truncated`]).
    const DONE: Option<&'static str>;
    /// What an event is, for error messages.
    const WHAT: &'static str;

    /// Whether this event reports a failure (the stream ends with it, as an [`Error::Api`]).
    fn is_failure(&self) -> bool;
}

impl EventData for openrouter_kit_api::types::ChatStreamChunk {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "chat completion chunk";

    fn is_failure(&self) -> bool {
        self.error.is_some()
    }
}

/// Legacy text completion chunks: a failure mid-stream is a chunk with an `error` member (the
/// type does not name it, so it is in `extra`).
impl EventData for openrouter_kit_api::types::TextCompletionResponse {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "text completion chunk";

    fn is_failure(&self) -> bool {
        self.extra.get("error").is_some_and(|e| !e.is_null())
    }
}

impl EventData for openrouter_kit_api::types::StreamEvents {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "Responses stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_kit_api::types::MessagesStreamEvents {
    const DONE: Option<&'static str> = None;
    const WHAT: &'static str = "Messages stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_kit_api::types::ImageStreamingResponseData {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "image stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

/// Whether an answer says it is an event stream.
pub(crate) fn is_event_stream(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

/// A stream of `T` decoded from server-sent events.
pub struct EventStream<T> {
    body: Option<ByteStream>,
    decoder: Decoder,
    idle: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    /// An event arrived since the idle clock was last set (it starts at the first wait).
    progressed: bool,
    /// The largest unfinished event held before the stream ends with
    /// [`StreamError::EventTooLarge`].
    max_event: usize,
    /// An item taken already (the client looks at the first one), yielded before any other.
    /// Boxed so that the stream stays `Unpin` whatever `T` is.
    first: Option<Box<Result<T, Error>>>,
    finished: bool,
    /// The request's span: kept open while the stream lives, told what the events say.
    span: tracing::Span,
    _marker: PhantomData<fn() -> T>,
}

impl<T: EventData> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("what", &T::WHAT).field("finished", &self.finished).finish()
    }
}

impl<T: EventData> EventStream<T> {
    pub(crate) fn new(response: reqwest::Response, idle: Option<Duration>) -> Self {
        use futures_util::TryStreamExt as _;
        Self::from_body(Box::pin(response.bytes_stream().map_err(StreamError::Body)), idle)
    }

    /// Events decoded from any byte stream: a recorded stream replayed in a test, another
    /// transport. The same framing, decoding, failure and idle-timeout rules as a live stream;
    /// an error of the source ends the stream as [`StreamError::Source`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use futures_util::StreamExt;
    /// use openrouter_kit::EventStream;
    /// use openrouter_kit::api::types::ChatStreamChunk;
    ///
    /// let recorded = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    /// let pieces = recorded.as_bytes().chunks(7).map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)));
    /// let mut events = EventStream::<ChatStreamChunk>::from_byte_stream(futures_util::stream::iter(pieces.collect::<Vec<_>>()), None);
    /// let chunk = events.next().await.unwrap().unwrap();
    /// assert_eq!(chunk.text(), "Hi");
    /// assert!(events.next().await.is_none());
    /// # }
    /// ```
    pub fn from_byte_stream<S, E>(source: S, idle: Option<Duration>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: std::error::Error + Send + Sync + 'static,
    {
        use futures_util::TryStreamExt as _;
        Self::from_body(Box::pin(source.map_err(|e| StreamError::Source(Box::new(e)))), idle)
    }

    fn from_body(body: ByteStream, idle: Option<Duration>) -> Self {
        Self {
            body: Some(body),
            decoder: Decoder::new(),
            idle,
            sleep: None,
            progressed: idle.is_some(),
            max_event: DEFAULT_MAX_EVENT,
            first: None,
            finished: false,
            span: tracing::Span::none(),
            _marker: PhantomData,
        }
    }

    /// End the stream with [`StreamError::EventTooLarge`] once an unfinished event holds more
    /// than `bytes` (default [`DEFAULT_MAX_EVENT`]): what bounds the memory of a stream whose
    /// server never ends a line.
    pub fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.max_event = bytes;
        self
    }

    /// Puts back the item taken with `next()` (`None`: the stream had ended).
    pub(crate) fn with_first(mut self, first: Option<Result<T, Error>>) -> Self {
        self.first = first.map(Box::new);
        self
    }

    pub(crate) fn with_span(mut self, span: tracing::Span) -> Self {
        self.span = span;
        self
    }

    /// Keep-alive comments received so far.
    pub fn keep_alives(&self) -> u64 {
        self.decoder.comments()
    }

}

/// An event's data → the item it yields, or `None` for the end sentinel (which sets `finished`).
#[inline(always)]
fn item<T: EventData>(data: &[u8], finished: &mut bool, span: &tracing::Span) -> Option<Result<T, Error>> {
    let data = data.trim_ascii();
    if T::DONE.is_some_and(|done| data == done.as_bytes()) {
        *finished = true;
        return None;
    }
    Some(slow_item(data, finished, span))
}

/// The item of an event that is not the end sentinel, whatever it holds. The hot path (a value
/// that decodes and is no failure) is [`EventStream::poll_next`]'s own; this one is for the rest.
fn slow_item<T: EventData>(data: &[u8], finished: &mut bool, span: &tracing::Span) -> Result<T, Error> {
    // A mid-stream failure: the status stays 200 and an event says so (chat: a chunk with
    // `error`; Responses, Messages, images: an event of type `error`).
    let item = match decode::<T>(data) {
        Ok(value) if value.is_failure() => Err(Error::Api(Box::new(ApiError { mid_stream: true, ..ApiError::from_body(StatusCode::OK, data) }))),
        Ok(value) => {
            value.observe(span);
            Ok(value)
        }
        // An error the type cannot hold (a shape the document does not have) is still one.
        Err(e) => match error::error_event(data) {
            Some(api) => Err(Error::Api(Box::new(ApiError { mid_stream: true, ..api }))),
            None => Err(e),
        },
    };
    if matches!(item, Err(Error::Api(_))) {
        *finished = true;
    }
    item
}

/// The data decoded as it arrived; text that is not UTF-8 is read as the standard's decoding
/// step reads it (invalid bytes replaced), which only a failed decode needs to check.
#[inline(always)]
fn decode<T: EventData>(data: &[u8]) -> Result<T, Error> {
    match error::decode::<T>(T::WHAT, data) {
        Err(_) if std::str::from_utf8(data).is_err() => error::decode::<T>(T::WHAT, String::from_utf8_lossy(data).as_bytes()),
        decoded => decoded,
    }
}

impl EventStream<openrouter_kit_api::types::ChatStreamChunk> {
    /// Only the text: each chunk's content delta (empty deltas skipped), errors passed through.
    /// Boxed so that it is `Unpin`: `while let Some(t) = text.next().await` works as is.
    pub fn text_stream(self) -> Pin<Box<dyn Stream<Item = Result<String, Error>> + Send>> {
        use futures_util::StreamExt;
        Box::pin(self.filter_map(|item| async move {
            match item {
                Ok(chunk) => {
                    let text: String = chunk
                        .choices
                        .iter()
                        .filter(|c| c.index.unwrap_or(0) == 0)
                        .filter_map(|c| c.delta.as_ref()?.content.as_deref())
                        .collect();
                    (!text.is_empty()).then_some(Ok(text))
                }
                Err(e) => Some(Err(e)),
            }
        }))
    }
}

impl<T: EventData> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(*first));
        }
        loop {
            if this.finished {
                this.body = None;
                return Poll::Ready(None);
            }
            if let Some(event) = this.decoder.next_raw() {
                // Only an event proves progress; the idle clock restarts when the stream next
                // waits (once per read, not once per event).
                this.progressed = true;
                let data = event.data.trim_ascii();
                if T::DONE.is_some_and(|done| data == done.as_bytes()) {
                    this.finished = true;
                    continue;
                }
                // The hot path, written out here so that the value is built where it is
                // returned: a chunk is hundreds of bytes and every move between helpers was a
                // copy (seven per event). Anything else is decoded again by `slow_item`.
                // (`serde_json::from_slice` would move the value once more on its way out, and
                // taking it out of the `Result` once more again.)
                let mut json = serde_json::Deserializer::from_slice(data);
                let decoded = T::deserialize(&mut json);
                if decoded.as_ref().is_ok_and(|value| !value.is_failure()) && json.end().is_ok() {
                    if let Ok(value) = &decoded {
                        value.observe(&this.span);
                    }
                    let source = |source| Error::Decode(Box::new(error::DecodeError { what: T::WHAT, path: String::new(), snippet: String::new(), source }));
                    return Poll::Ready(Some(decoded.map_err(source)));
                }
                return Poll::Ready(Some(slow_item(data, &mut this.finished, &this.span)));
            }
            // Every whole event was delivered: what the decoder holds is one unfinished event.
            if this.decoder.pending_bytes() > this.max_event {
                this.finished = true;
                return Poll::Ready(Some(Err(Error::Stream(StreamError::EventTooLarge(this.max_event)))));
            }
            let Some(body) = this.body.as_mut() else {
                // The body ended and every event was delivered, without the closing sentinel.
                this.finished = true;
                if T::DONE.is_some() {
                    return Poll::Ready(Some(Err(Error::Stream(StreamError::Truncated))));
                }
                continue;
            };
            match body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.decoder.push_bytes(chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(Error::Stream(e))));
                }
                Poll::Ready(None) => {
                    this.body = None;
                    // An unterminated last event (OpenRouter's error events sometimes are) is
                    // still delivered; the next poll reports the missing sentinel.
                    if let Some(event) = this.decoder.finish_raw()
                        && let Some(item) = item::<T>(event.data, &mut this.finished, &this.span) {
                            return Poll::Ready(Some(item));
                        }
                }
                Poll::Pending => {
                    if let Some(idle) = this.idle {
                        if std::mem::take(&mut this.progressed) {
                            match (crate::clock::deadline(idle), this.sleep.as_mut()) {
                                (Some(at), Some(sleep)) => sleep.as_mut().reset(at),
                                (at, _) => this.sleep = at.map(|at| Box::pin(tokio::time::sleep_until(at))),
                            }
                        }
                        if let Some(sleep) = this.sleep.as_mut()
                            && sleep.as_mut().poll(cx).is_ready() {
                                this.finished = true;
                                return Poll::Ready(Some(Err(Error::Stream(StreamError::IdleTimeout(idle)))));
                            }
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}
