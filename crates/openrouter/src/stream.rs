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

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A type stream events decode into.
///
/// Each event is decoded once, straight into the type; whether it reports a failure is read
/// from the typed value. Only an event that does not decode is parsed a second time, to see
/// whether it is an error the type cannot hold.
pub trait EventData: Sized + crate::observe::Observe + serde::de::DeserializeOwned {
    /// Whether this event reports a failure (the stream ends with it, as an [`Error::Api`]).
    fn is_failure(&self) -> bool;
}

impl EventData for openrouter_api::types::ChatStreamChunk {
    fn is_failure(&self) -> bool {
        self.error.is_some()
    }
}

impl EventData for openrouter_api::types::StreamEvents {
    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_api::types::MessagesStreamEvents {
    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

impl EventData for openrouter_api::types::ImageStreamingResponseData {
    fn is_failure(&self) -> bool {
        matches!(self, Self::Error(_))
    }
}

/// How a stream ends and fails, per endpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Protocol {
    /// `[DONE]` for chat and Responses; `/messages` ends with a `message_stop` event instead.
    pub done: Option<&'static str>,
    /// What is being decoded, for error messages.
    pub what: &'static str,
}

/// A stream of `T` decoded from server-sent events.
pub struct EventStream<T> {
    body: Option<ByteStream>,
    decoder: Decoder,
    protocol: Protocol,
    idle: Option<Duration>,
    sleep: Option<Pin<Box<Sleep>>>,
    finished: bool,
    /// The request's span: kept open while the stream lives, told what the events say.
    span: tracing::Span,
    _marker: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("what", &self.protocol.what).field("finished", &self.finished).finish()
    }
}

impl<T: EventData> EventStream<T> {
    pub(crate) fn new(response: reqwest::Response, protocol: Protocol, idle: Option<Duration>) -> Self {
        Self {
            body: Some(Box::pin(response.bytes_stream())),
            decoder: Decoder::new(),
            protocol,
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
        if Some(data) == self.protocol.done {
            self.finished = true;
            return None;
        }
        // A mid-stream failure: the status stays 200 and an event says so (chat: a chunk with
        // `error`; Responses, Messages, images: an event of type `error`).
        let item = match error::decode::<T>(self.protocol.what, data.as_bytes()) {
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
                if this.protocol.done.is_some() {
                    return Poll::Ready(Some(Err(Error::Stream(StreamError::Truncated))));
                }
                continue;
            };
            match body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.decoder.push(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(Error::Stream(StreamError::Body(e)))));
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
