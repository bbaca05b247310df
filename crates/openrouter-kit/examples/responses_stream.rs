//! A streamed response from the Responses API: text deltas as they come, other events named.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example responses_stream

use std::io::Write;

use futures_util::StreamExt;
use openrouter_kit_api::types::StreamEvents;
use openrouter_kit_mock::Backend;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let request = json!({"model": "openai/gpt-4o-mini", "input": "Write a haiku about Rust."});
    let mut events = client.responses().stream(&request).await?;
    while let Some(event) = events.next().await {
        match event? {
            StreamEvents::ResponseOutputTextDelta(d) => {
                print!("{}", d.delta.unwrap_or_default());
                std::io::stdout().flush()?;
            }
            StreamEvents::ResponseCompleted(_) => println!("\n[completed]"),
            StreamEvents::Unknown(raw) => eprintln!("[new event type {}]", raw["type"]),
            _ => {}
        }
    }
    Ok(())
}
