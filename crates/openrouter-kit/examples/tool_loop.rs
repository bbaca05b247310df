//! The tool loop: register async tools, let the model call them until it answers.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example tool_loop

use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::{ChatRequestBuilder, LoopEvent, ToolBox};
use openrouter_kit_mock::{Backend, Reply, chat_completion};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, JsonSchema)]
struct WeatherArgs {
    city: String,
}

#[derive(Deserialize, JsonSchema)]
struct ConvertArgs {
    celsius: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    if let Some(mock) = backend.mock() {
        // Offline, the mock plays a model that calls both tools in parallel, then answers.
        let mut call = chat_completion("");
        call["choices"][0]["message"]["tool_calls"] = json!([
            {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
            {"id": "c2", "type": "function", "function": {"name": "to_fahrenheit", "arguments": "{\"celsius\":21}"}}
        ]);
        mock.on("sendChatCompletionRequest").times(1).reply(Reply::json(200, call)).mount().await;
        mock.chat_reply("It is 21°C (69.8°F) and sunny in Paris.").await;
    }
    let tools = ToolBox::new()
        .add("get_weather", "Current weather in a city", |a: WeatherArgs| async move {
            Ok(json!({"city": a.city, "celsius": 21, "sky": "sunny"}))
        })
        .add("to_fahrenheit", "Convert Celsius to Fahrenheit", |a: ConvertArgs| Ok(a.celsius * 9.0 / 5.0 + 32.0));
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini").user("Weather in Paris, in °C and °F?").build()?;
    let outcome = backend
        .client()
        .chat()
        .tool_loop(&tools)
        .max_steps(5)
        .on_event(|event| match event {
            LoopEvent::ToolCall { name, arguments, .. } => println!("→ {name}({arguments})"),
            LoopEvent::ToolResult { name, output, .. } => println!("← {name}: {output}"),
            _ => {}
        })
        .run(&request)
        .await?;
    println!("{} (after {} requests)", outcome.text, outcome.steps);
    Ok(())
}
