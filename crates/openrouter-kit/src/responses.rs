//! The Responses API (`POST /responses`), the original request: one response, or a stream of
//! typed events.

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::EventStream;
use openrouter_kit_api::types::{OpenResponsesResult, OutputItems, OutputMessageItemContentItem, StreamEvents};

/// `client.responses()`.
#[derive(Debug, Clone, Copy)]
pub struct Responses<'a> {
    client: &'a Client,
}

/// Events are told apart by `type` and decoded by dispatching on it (the generated
/// [`StreamEvents`] enum); a `type: "error"` event is a failure, not an item.
impl<'a> Responses<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Create a response (the generated [`openrouter_kit_api::types::ResponsesRequest`], or any
    /// value serializing to its JSON) and wait for it. `stream` is forced off.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::ResponsesRequestBuilder;
    /// use openrouter_kit_mock::ResponsesScript;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.responses_stream(&ResponsesScript::new("openai/gpt-4o").text("Bonjour")).await;
    /// let request = ResponsesRequestBuilder::new("openai/gpt-4o").input("Say hello in French.");
    /// let response = mock.client().responses().create(&request).await?;
    /// assert_eq!(response.output_text(), "Bonjour");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create<R: Serialize + ?Sized>(self, request: &R) -> Result<OpenResponsesResult, Error> {
        self.client.create("/responses", "createResponses", "response", request).await
    }

    /// Ask for an answer of type `T`: sets `text.format` to a `json_schema` with `T`'s schema
    /// (adapted for strict mode, see [`crate::structured`]; other `text` settings are kept) and
    /// decodes the output text. A refusal, an empty answer or text that does not decode is
    /// [`Error::Output`], with the text kept.
    pub async fn parse<T>(self, request: &(impl Serialize + ?Sized)) -> Result<crate::structured::Parsed<T, OpenResponsesResult>, Error>
    where
        T: schemars::JsonSchema + serde::de::DeserializeOwned,
    {
        use crate::structured::{Parsed, decode_output, schema_name, strict_schema, with_field};
        let schema = strict_schema::<T>();
        let format = serde_json::json!({"format": {
            "type": "json_schema", "name": schema_name::<T>(), "strict": schema.strict, "schema": schema.schema,
        }});
        let body = with_field(request, "text", format)?;
        let response = self.create(&body).await?;
        let refusal = refusal(&response);
        let finish = response.incomplete_details.as_ref().and_then(|d| serde_json::to_value(d).ok()).and_then(|d| d["reason"].as_str().map(str::to_string));
        let value = decode_output(Some(&response.output_text()), refusal.as_deref(), finish)?;
        Ok(Parsed { value, response })
    }

    /// A tool loop over the Responses API: `responses().tool_loop(&tools).run(&request)`.
    pub fn tool_loop(self, tools: &'a crate::ToolBox) -> crate::tool_loop::ToolLoop<'a, crate::tool_loop::ResponsesEndpoint> {
        crate::tool_loop::ToolLoop::new(self.client, tools)
    }

    /// Create a response with `stream: true`; events arrive typed, unknown event types as
    /// `StreamEvents::Unknown` with their data.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::StreamExt;
    /// use openrouter_kit::ResponsesRequestBuilder;
    /// use openrouter_kit::api::types::StreamEvents;
    /// use openrouter_kit_mock::ResponsesScript;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// mock.responses_stream(&ResponsesScript::new("openai/gpt-4o").text("Bon").text("jour")).await;
    /// let request = ResponsesRequestBuilder::new("openai/gpt-4o").input("Say hello in French.");
    /// let mut events = mock.client().responses().stream(&request).await?;
    /// let mut text = String::new();
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         StreamEvents::ResponseOutputTextDelta(d) => text.push_str(d.delta.as_deref().unwrap_or_default()),
    ///         StreamEvents::ResponseCompleted(done) => assert_eq!(done.response.as_ref().unwrap().output_text(), "Bonjour"),
    ///         _ => {}
    ///     }
    /// }
    /// assert_eq!(text, "Bonjour");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stream<R: Serialize + ?Sized>(self, request: &R) -> Result<EventStream<StreamEvents>, Error> {
        self.client.stream("/responses", "createResponses", request).await
    }
}

/// The refusal parts of a response's messages, joined.
fn refusal(response: &OpenResponsesResult) -> Option<String> {
    let mut out = String::new();
    for item in response.output.iter() {
        if let OutputItems::Message(message) = item {
            for part in message.content.iter() {
                if let OutputMessageItemContentItem::Refusal(r) = part {
                    out.push_str(r.refusal.as_deref().unwrap_or_default());
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}
