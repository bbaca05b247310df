//! Anthropic-format Messages (`POST /messages`): one message, or a stream of events named on
//! `event:` lines (the same names as the data's `type`, which is what decoding dispatches on).

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::EventStream;
use openrouter_kit_api::types::{MessagesResult, MessagesStreamEvents};

/// `client.messages()`.
#[derive(Debug, Clone, Copy)]
pub struct Messages<'a> {
    client: &'a Client,
}

/// No `[DONE]`: the stream ends after `message_stop`. Errors come as `{type: "error", error}`.
impl<'a> Messages<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// An Anthropic Messages request; the whole answer.
    pub async fn create<R: Serialize + ?Sized>(self, request: &R) -> Result<MessagesResult, Error> {
        self.client.create("/messages", "createMessages", "message", request).await
    }

    /// An Anthropic Messages request, streamed: `message_start`, the content blocks' events, `message_delta`, `message_stop`.
    pub async fn stream<R: Serialize + ?Sized>(self, request: &R) -> Result<EventStream<MessagesStreamEvents>, Error> {
        self.client.stream("/messages", "createMessages", request).await
    }
}
