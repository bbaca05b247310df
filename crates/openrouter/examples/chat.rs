//! One chat completion. Needs OPENROUTER_API_KEY (an offline mock arrives with openrouter-mock).
//! Run: cargo run -p openrouter --example chat

use openrouter::{ChatRequestBuilder, Client};
use openrouter_api::types::ChatAssistantMessageContent;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini")
        .system("Answer in one short sentence.")
        .user("What is OpenRouter?")
        .build()?;
    let completion = client.chat().create(&request).await?;
    let answer = completion
        .choices
        .iter()
        .flatten()
        .find_map(|c| match c.message.as_ref()?.content.as_ref()? {
            ChatAssistantMessageContent::String(text) => Some(text.clone()),
            other => Some(format!("{other:?}")),
        })
        .unwrap_or_default();
    println!("{answer}");
    if let Some(usage) = completion.usage {
        println!("tokens: {:?} in, {:?} out; cost {:?}", usage.prompt_tokens, usage.completion_tokens, usage.cost);
    }
    Ok(())
}
