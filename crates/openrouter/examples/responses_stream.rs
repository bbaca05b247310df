//! A streamed response from the Responses API: text deltas as they come, other events named.
//! Needs OPENROUTER_API_KEY. Run: cargo run -p openrouter --example responses_stream

use std::io::Write;

use futures_util::StreamExt;
use openrouter::Client;
use openrouter_api::types::StreamEvents;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
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
