//! Carrying an answer into the next turn, unchanged: the assistant message of a chat answer
//! (whole or streamed) with its tool calls and `reasoning_details` — which providers need back
//! as they sent them, especially around tool calls — and the output items of a Responses answer
//! as input items.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_kit::Error> {
//! use openrouter_kit::ChatRequestBuilder;
//! let mock = openrouter_kit_mock::MockOpenRouter::start().await;
//! let client = mock.client();
//! let first = ChatRequestBuilder::new("openai/gpt-4o").user("Name a city.");
//! let answer = client.chat().create(&first.clone().build()?).await?;
//! // The second turn: the first, the answer as it came, the next question.
//! let second = first.assistant_message(&answer).user("Its population?").build()?;
//! assert_eq!(second.request.messages.len(), 3);
//! # Ok(()) }
//! ```

use openrouter_kit_api::types::{ChatAssistantMessage, ChatMessages, ChatResult};

use crate::ChatAccumulator;

/// What can be the assistant message of the next chat turn: a [`ChatResult`] (its first
/// choice's message, as received), a [`ChatAccumulator`] (the streamed answer folded), a
/// generated [`ChatAssistantMessage`]. Taken by
/// [`ChatRequestBuilder::assistant_message`](crate::ChatRequestBuilder::assistant_message).
pub trait IntoAssistantMessage {
    /// The message, with tool calls and `reasoning_details` as they came.
    fn into_assistant_message(self) -> ChatMessages;
}

impl IntoAssistantMessage for &ChatResult {
    /// The first choice's message as received (unknown fields included); an answer without one
    /// gives an empty assistant message.
    fn into_assistant_message(self) -> ChatMessages {
        match self.choices.iter().find_map(|c| c.message.clone()) {
            Some(message) => ChatMessages::Assistant(Box::new(message)),
            None => crate::message("assistant", ""),
        }
    }
}

impl IntoAssistantMessage for ChatResult {
    fn into_assistant_message(self) -> ChatMessages {
        (&self).into_assistant_message()
    }
}

impl IntoAssistantMessage for &ChatAccumulator {
    fn into_assistant_message(self) -> ChatMessages {
        self.to_message()
    }
}

impl IntoAssistantMessage for ChatAccumulator {
    fn into_assistant_message(self) -> ChatMessages {
        self.to_message()
    }
}

impl IntoAssistantMessage for ChatAssistantMessage {
    fn into_assistant_message(self) -> ChatMessages {
        ChatMessages::Assistant(Box::new(self))
    }
}

impl IntoAssistantMessage for ChatMessages {
    fn into_assistant_message(self) -> ChatMessages {
        self
    }
}
