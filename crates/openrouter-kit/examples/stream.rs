//! A streamed chat completion, printed as it arrives, then the accumulated usage.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example stream

use std::io::Write;

use futures_util::StreamExt;
use openrouter_kit::{ChatAccumulator, ChatRequestBuilder};
use openrouter_kit_mock::Backend;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini").user("Count from 1 to 10.").build()?;
    let mut stream = client.chat().stream(&request).await?;
    let mut total = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        // `push` keeps everything and hands back the new text.
        print!("{}", total.push(&chunk?));
        std::io::stdout().flush()?;
    }
    println!("\nfinish: {:?}; cost: {:?}", total.finish_reason, total.cost());
    Ok(())
}
