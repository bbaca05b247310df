//! One chat completion.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example chat

use openrouter_kit::ChatRequestBuilder;
use openrouter_kit_mock::Backend;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini")
        .system("Answer in one short sentence.")
        .user("What is OpenRouter?")
        .build()?;
    let completion = client.chat().create(&request).await?;
    println!("{}", completion.text());
    if let Some(usage) = completion.usage {
        println!("tokens: {} in, {} out; cost {}", usage.prompt_tokens(), usage.completion_tokens(), usage.cost());
    }
    Ok(())
}
