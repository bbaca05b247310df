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
use tokio::time::{Instant, Sleep};

use crate::error::{self, ApiError, Error, StreamError};
use crate::sse::{Decoder, Event};

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>;

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

impl EventData for openrouter_api::types::ChatStreamChunk {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "chat completion chunk";

    fn is_failure(&self) -> bool {
        self.error.is_some()
    }
}

impl EventData for openrouter_api::types::StreamEvents {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "Responses stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_api::types::MessagesStreamEvents {
    const DONE: Option<&'static str> = None;
    const WHAT: &'static str = "Messages stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_api::types::ImageStreamingResponseData {
    const DONE: Option<&'static str> = Some("[DONE]");
    const WHAT: &'static str = "image stream event";

    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

/// A stream of `T` decoded from server-sent events.
pub struct EventStream<T> {
    body: Option<ByteStream>,
    decoder: Decoder,
    idle: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
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
    /// use openrouter::EventStream;
    /// use openrouter::api::types::ChatStreamChunk;
    ///
    /// let recorded = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    /// let pieces = recorded.as_bytes().chunks(7).map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)));
    /// let mut events = EventStream::<ChatStreamChunk>::from_byte_stream(futures_util::stream::iter(pieces.collect::<Vec<_>>()), None);
    /// let chunk = events.next().await.unwrap().unwrap();
    /// assert_eq!(chunk.choices.unwrap()[0].delta.as_ref().unwrap().content.as_deref(), Some("Hi"));
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
            sleep: idle.map(|d| Box::pin(tokio::time::sleep(d))),
            finished: false,
            span: tracing::Span::none(),
            _marker: PhantomData,
        }
    }

    pub(crate) fn with_span(mut self, span: tracing::Span) -> Self {
        self.span = span;
        self
    }

    /// Keep-alive comments received so far.
    pub fn keep_alives(&self) -> u64 {
        self.decoder.comments()
    }

    /// An event's data → the item it yields, or `None` for the end sentinel.
    fn item(&mut self, event: Event) -> Option<Result<T, Error>> {
        let data = event.data.trim_ascii();
        if Some(data) == T::DONE {
            self.finished = true;
            return None;
        }
        // A mid-stream failure: the status stays 200 and an event says so (chat: a chunk with
        // `error`; Responses, Messages, images: an event of type `error`).
        let item = match error::decode::<T>(T::WHAT, data.as_bytes()) {
            Ok(value) if value.is_failure() => Err(Error::Api(Box::new(ApiError::from_body(StatusCode::OK, data.as_bytes())))),
            Ok(value) => {
                value.observe(&self.span);
                Ok(value)
            }
            // An error the type cannot hold (a shape the document does not have) is still one.
            Err(e) => match error::error_event(data.as_bytes()) {
                Some(api) => Err(Error::Api(Box::new(api))),
                None => Err(e),
            },
        };
        if matches!(item, Err(Error::Api(_))) {
            self.finished = true;
        }
        Some(item)
    }
}

impl EventStream<openrouter_api::types::ChatStreamChunk> {
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
                        .flatten()
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
        loop {
            if this.finished {
                this.body = None;
                return Poll::Ready(None);
            }
            if let Some(event) = this.decoder.next_event() {
                // Only an event proves progress: restart the idle clock.
                if let (Some(idle), Some(sleep)) = (this.idle, this.sleep.as_mut()) {
                    sleep.as_mut().reset(Instant::now() + idle);
                }
                match this.item(event) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
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
                Poll::Ready(Some(Ok(chunk))) => this.decoder.push(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(Error::Stream(e))));
                }
                Poll::Ready(None) => {
                    this.body = None;
                    // An unterminated last event (OpenRouter's error events sometimes are) is
                    // still delivered; the next poll reports the missing sentinel.
                    if let Some(event) = this.decoder.finish() {
                        if let Some(item) = this.item(event) {
                            return Poll::Ready(Some(item));
                        }
                    }
                }
                Poll::Pending => {
                    if let (Some(idle), Some(sleep)) = (this.idle, this.sleep.as_mut()) {
                        if sleep.as_mut().poll(cx).is_ready() {
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
