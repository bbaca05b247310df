//! Anthropic-format Messages (`POST /messages`): one message, or a stream of events named on
//! `event:` lines (the same names as the data's `type`, which is what decoding dispatches on).

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::{EventStream, Protocol};
use openrouter_api::types::{MessagesResult, MessagesStreamEvents};

/// `client.messages()`.
#[derive(Debug, Clone, Copy)]
pub struct Messages<'a> {
    client: &'a Client,
}

/// No `[DONE]`: the stream ends after `message_stop`. Errors come as `{type: "error", error}`.
const STREAM: Protocol = Protocol { done: None, what: "Messages stream event", error_type: None };

impl<'a> Messages<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    pub async fn create<R: Serialize + ?Sized>(&self, request: &R) -> Result<MessagesResult, Error> {
        let body = self.client.json_body(request, false)?;
        let response = self.client.post_json("/messages", "createMessages", &body).await?;
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        if let Some(error) = crate::error::error_body(&bytes) {
            return Err(Error::Api(Box::new(error)));
        }
        crate::error::decode("message", &bytes)
    }

    pub async fn stream<R: Serialize + ?Sized>(&self, request: &R) -> Result<EventStream<MessagesStreamEvents>, Error> {
        let body = self.client.json_body(request, true)?;
        let response = self.client.post_json("/messages", "createMessages", &body).await?;
        self.client.event_stream(response, STREAM).await
    }
}
