//! A conversation of two turns: the first answer streamed and printed as it comes, then carried
//! into the second request unchanged (tool calls and reasoning included), with the cost of each.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example conversation

use std::io::Write;

use futures_util::StreamExt;
use openrouter_kit::{ChatAccumulator, ChatRequestBuilder};
use openrouter_kit_mock::Backend;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();

    let first = ChatRequestBuilder::new("openai/gpt-4o-mini").system("Answer in one sentence.").user("Name a city on the Danube.");
    let mut stream = client.chat().stream(&first.clone().build()?).await?;
    let mut answer = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        print!("{}", answer.push(&chunk?));
        std::io::stdout().flush()?;
    }
    println!("\n(turn 1 cost: {:?})", answer.cost());

    let second = first.assistant_message(&answer).user("How many people live there?").build()?;
    let reply = client.chat().create(&second).await?;
    println!("{}", reply.text());
    println!("(turn 2 cost: {:?})", reply.usage.as_ref().and_then(|u| u.cost));
    Ok(())
}
