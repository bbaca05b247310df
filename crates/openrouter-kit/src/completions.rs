//! Legacy text completions (`POST /completions`): a prompt in, text out, whole or streamed.
//!
//! OpenRouter's document dropped this operation after its 2025-10-23 version; the service still
//! answers it, and older integrations still call it. Its types come from that document, through
//! `openapi/overlay.yaml` (marked legacy in the inventory). New code should use
//! [`Client::chat`](crate::Client::chat).

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::EventStream;
use openrouter_kit_api::types::TextCompletionResponse;

/// `client.completions()`: legacy text completions.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'a> {
    client: &'a Client,
}

impl<'a> Completions<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// A text completion request (a [`TextCompletionRequest`](openrouter_kit_api::types::TextCompletionRequest)
    /// or any JSON of that shape); the whole answer.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_kit::Error> {
    /// # let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// # let client = mock.client();
    /// let request = serde_json::json!({"model": "openai/gpt-3.5-turbo-instruct", "prompt": "The capital of France is"});
    /// let answer = client.completions().create(&request).await?;
    /// println!("{}", answer.choices[0].text.as_deref().unwrap_or_default());
    /// # assert!(!answer.choices.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn create<R: Serialize + ?Sized>(self, request: &R) -> Result<TextCompletionResponse, Error> {
        self.client.create("/completions", "createCompletions", "text completion", request).await
    }

    /// The same request, streamed: chunks of the whole answer's shape, each with a piece of
    /// `choices[].text`, the last one with `usage`; `[DONE]` ends it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_kit::Error> {
    /// # let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// # let client = mock.client();
    /// use futures_util::StreamExt;
    /// let request = serde_json::json!({"model": "openai/gpt-3.5-turbo-instruct", "prompt": "Once upon a time"});
    /// let mut stream = client.completions().stream(&request).await?;
    /// let mut text = String::new();
    /// while let Some(chunk) = stream.next().await {
    ///     for choice in chunk?.choices.iter() {
    ///         text.push_str(choice.text.as_deref().unwrap_or_default());
    ///     }
    /// }
    /// # assert!(!text.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn stream<R: Serialize + ?Sized>(self, request: &R) -> Result<EventStream<TextCompletionResponse>, Error> {
        self.client.stream("/completions", "createCompletions", request).await
    }
}
