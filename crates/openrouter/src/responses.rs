//! The Responses API (`POST /responses`), the original request: one response, or a stream of
//! typed events.

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::{EventStream, Protocol};
use openrouter_api::types::{OpenResponsesResult, OutputItems, OutputMessageItemContentItem, StreamEvents};

/// `client.responses()`.
#[derive(Debug, Clone, Copy)]
pub struct Responses<'a> {
    client: &'a Client,
}

/// Events are told apart by `type` and decoded by dispatching on it (the generated
/// [`StreamEvents`] enum); a `type: "error"` event is a failure, not an item.
const STREAM: Protocol = Protocol { done: Some("[DONE]"), what: "Responses stream event", error_type: Some("error") };

impl<'a> Responses<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Create a response (the generated [`openrouter_api::types::ResponsesRequest`], or any
    /// value serializing to its JSON) and wait for it. `stream` is forced off.
    pub async fn create<R: Serialize + ?Sized>(&self, request: &R) -> Result<OpenResponsesResult, Error> {
        self.client.create("/responses", "createResponses", "response", request).await
    }

    /// Create a response with `stream: true`; events arrive typed, unknown event types as
    /// `StreamEvents::Unknown` with their data.
    pub async fn stream<R: Serialize + ?Sized>(&self, request: &R) -> Result<EventStream<StreamEvents>, Error> {
        self.client.stream("/responses", "createResponses", STREAM, request).await
    }
}

/// The text of a response.
pub trait OutputText {
    /// The `output_text` the server computed, else the `output_text` parts of every output
    /// message, joined.
    fn output_text(&self) -> String;
}

impl OutputText for OpenResponsesResult {
    fn output_text(&self) -> String {
        if let Some(text) = &self.output_text {
            return text.clone();
        }
        let mut out = String::new();
        for item in self.output.iter().flatten() {
            if let OutputItems::Message(message) = item {
                for part in message.content.iter().flatten() {
                    if let OutputMessageItemContentItem::OutputText(t) = part {
                        out.push_str(t.text.as_deref().unwrap_or_default());
                    }
                }
            }
        }
        out
    }
}

impl OutputText for openrouter_api::types::ChatResult {
    /// The first choice's message text: the string content, or its text parts joined.
    fn output_text(&self) -> String {
        use openrouter_api::types::{ChatAssistantMessageContent, ChatContentItems};
        let message = self.choices.iter().flatten().next().and_then(|c| c.message.as_ref());
        match message.and_then(|m| m.content.as_ref()) {
            Some(ChatAssistantMessageContent::String(text)) => text.clone(),
            Some(ChatAssistantMessageContent::Array(parts)) => parts
                .iter()
                .filter_map(|p| match p {
                    ChatContentItems::Text(t) => t.text.as_deref(),
                    _ => None,
                })
                .collect(),
            None => String::new(),
        }
    }
}
