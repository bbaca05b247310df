//! Chat completions (`POST /chat/completions`): one answer, or a stream of chunks.

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::{EventStream, Protocol};
use openrouter_api::types::{ChatResult, ChatStreamChunk};

/// `client.chat()`.
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a Client,
}

const STREAM: Protocol = Protocol { done: Some("[DONE]"), what: "chat completion chunk", error_type: None };

impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Send a request (the generated [`openrouter_api::types::ChatRequest`], or any value that
    /// serializes to the request's JSON) and wait for the whole answer. `stream` is forced off.
    /// A `200` whose body is only `{"error": …}` comes back as [`Error::Api`].
    pub async fn create<R: Serialize + ?Sized>(&self, request: &R) -> Result<ChatResult, Error> {
        self.client.create("/chat/completions", "sendChatCompletionRequest", "chat completion", request).await
    }

    /// Send a request with `stream: true` and return the chunks as they arrive. A failure before
    /// the first event is an `Err` here (and was retried per the policy); after it, an `Err`
    /// item (and the stream ends). A chunk that does not decode is an `Err` item, and the stream
    /// goes on.
    pub async fn stream<R: Serialize + ?Sized>(&self, request: &R) -> Result<EventStream<ChatStreamChunk>, Error> {
        self.client.stream("/chat/completions", "sendChatCompletionRequest", STREAM, request).await
    }
}
