//! A streamed chat completion, printed as it arrives, then the accumulated usage.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter --example stream

use std::io::Write;

use futures_util::StreamExt;
use openrouter::{ChatAccumulator, ChatRequestBuilder};
use openrouter_mock::Backend;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini").user("Count from 1 to 10.").build()?;
    let mut stream = client.chat().stream(&request).await?;
    let mut total = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        total.push(&chunk);
        for choice in chunk.choices.iter().flatten() {
            if let Some(text) = choice.delta.as_ref().and_then(|d| d.content.as_deref()) {
                print!("{text}");
                std::io::stdout().flush()?;
            }
        }
    }
    println!("\nfinish: {:?}; cost: {:?}", total.finish_reason, total.usage.and_then(|u| u.cost));
    Ok(())
}
