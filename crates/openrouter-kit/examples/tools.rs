//! One tool call by hand: a tool from a Rust type, the model's call, its arguments as that type.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example tools

use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::{ChatRequestBuilder, Tool, ToolCallArguments};
use openrouter_kit_mock::{Backend, Reply, chat_completion};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherArgs {
    /// City name, e.g. "Paris".
    city: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    if let Some(mock) = backend.mock() {
        let mut call = chat_completion("");
        call["choices"][0]["message"]["tool_calls"] =
            json!([{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]);
        call["choices"][0]["finish_reason"] = json!("tool_calls");
        mock.on("sendChatCompletionRequest").reply(Reply::json(200, call)).mount().await;
    }
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini")
        .user("What's the weather in Paris?")
        .tool(Tool::function::<WeatherArgs>("get_weather", "Current weather in a city"))
        .build()?;
    let completion = backend.client().chat().create(&request).await?;
    let message = completion.choices.iter().next().and_then(|c| c.message.as_ref());
    for call in message.iter().flat_map(|m| m.tool_calls.iter().flatten()) {
        let args: WeatherArgs = call.parse_arguments()?;
        println!("the model calls {} for the city {:?}", call.tool_name().unwrap_or("?"), args.city);
    }
    Ok(())
}
