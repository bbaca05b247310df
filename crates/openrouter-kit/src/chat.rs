//! Chat completions (`POST /chat/completions`): one answer, or a stream of chunks.

use serde::Serialize;

use crate::Error;
use crate::structured::{Parsed, decode_output, schema_name, strict_schema, with_field};
use crate::client::Client;
use crate::stream::EventStream;
use openrouter_kit_api::types::{ChatResult, ChatStreamChunk};

/// `client.chat()`.
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    client: &'a Client,
}


impl<'a> Chat<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Send a request (the generated [`openrouter_kit_api::types::ChatRequest`], or any value that
    /// serializes to the request's JSON) and wait for the whole answer. `stream` is forced off.
    /// A `200` whose body is only `{"error": …}` comes back as [`Error::Api`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::ChatRequestBuilder;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.chat_reply("Paris.").await;
    /// let client = mock.client();
    /// let request = ChatRequestBuilder::new("openai/gpt-4o").system("Be brief.").user("Capital of France?");
    /// let answer = client.chat().create(&request).await?;
    /// assert_eq!(answer.text(), "Paris.");
    /// # Ok(())
    /// # }
    /// ```
    // Not an `async fn`: the client's future is returned as it is, so the answer is not copied
    // out through one more future on its way to the caller.
    pub fn create<R: Serialize + ?Sized>(self, request: &R) -> impl Future<Output = Result<ChatResult, Error>> + use<'a, '_, R> {
        self.client.create("/chat/completions", "sendChatCompletionRequest", "chat completion", request)
    }

    /// Ask for an answer of type `T`: sends `response_format: json_schema` with `T`'s schema
    /// (adapted for strict mode, see [`crate::structured`]) and decodes the first choice's text.
    /// A refusal, an empty answer or text that does not decode is [`Error::Output`], with the
    /// text kept.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::{ChatRequestBuilder, schemars::JsonSchema};
    /// #[derive(serde::Deserialize, JsonSchema)]
    /// struct City { name: String, population: u64 }
    ///
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.chat_reply(r#"{"name": "Paris", "population": 2100000}"#).await;
    /// let request = ChatRequestBuilder::new("openai/gpt-4o").user("Describe Paris.");
    /// let city = mock.client().chat().parse::<City>(&request).await?.value;
    /// assert_eq!((city.name.as_str(), city.population), ("Paris", 2100000));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn parse<T>(self, request: &(impl Serialize + ?Sized)) -> Result<Parsed<T, ChatResult>, Error>
    where
        T: schemars::JsonSchema + serde::de::DeserializeOwned,
    {
        let schema = strict_schema::<T>();
        let format = serde_json::json!({
            "type": "json_schema",
            "json_schema": {"name": schema_name::<T>(), "strict": schema.strict, "schema": schema.schema},
        });
        let body = with_field(request, "response_format", format)?;
        let response = self.create(&body).await?;
        let choice = response.choices.iter().next();
        let message = choice.and_then(|c| c.message.as_ref());
        let text = response.text();
        let finish = choice.and_then(|c| c.finish_reason.as_ref()).map(|f| f.to_string());
        let value = decode_output(Some(&text), message.and_then(|m| m.refusal.as_deref()), finish)?;
        Ok(Parsed { value, response })
    }

    /// A tool loop over chat completions: `chat().tool_loop(&tools).max_steps(5).run(&request)`.
    pub fn tool_loop(self, tools: &'a crate::ToolBox) -> crate::tool_loop::ToolLoop<'a, crate::tool_loop::ChatEndpoint> {
        crate::tool_loop::ToolLoop::new(self.client, tools)
    }

    /// Send a request with `stream: true` and return the chunks as they arrive, once the first
    /// one is in. A failure before the first event (an error status, a transient error event, a
    /// connection lost) is sent again per the retry policy; what is left is an `Err` here or as
    /// the first item. After the first event, a failure is an `Err` item (and the stream ends). A chunk that does not decode is an `Err` item, and the stream
    /// goes on.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// use openrouter_kit::{ChatAccumulator, ChatRequestBuilder};
    /// use openrouter_kit_mock::ChatScript;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.chat_stream(&ChatScript::new("openai/gpt-4o").text("Hel").text("lo").usage(5, 2, 0.0001)).await;
    /// let request = ChatRequestBuilder::new("openai/gpt-4o").user("Say hello.");
    /// let mut stream = mock.client().chat().stream(&request).await?;
    /// let mut answer = ChatAccumulator::new();
    /// while let Some(chunk) = stream.next().await {
    ///     print!("{}", answer.push(&chunk?)); // the new text, as it arrives
    /// }
    /// assert_eq!(answer.content, "Hello");
    /// assert_eq!(answer.cost(), Some(0.0001));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stream<R: Serialize + ?Sized>(self, request: &R) -> Result<EventStream<ChatStreamChunk>, Error> {
        self.client.stream("/chat/completions", "sendChatCompletionRequest", request).await
    }
}
