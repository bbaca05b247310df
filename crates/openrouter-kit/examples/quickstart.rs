//! The quickstart: a chat answer streamed as it is written, the same question through the
//! Responses API, and the account's credits through the generated client, all with one
//! configured client.
//!
//! Without OPENROUTER_API_KEY it runs offline against the bundled mock (`openrouter-kit-mock`) and
//! says so on its first line; with the key it talks to OpenRouter.
//! Run: cargo run -p openrouter-kit --example quickstart

use std::io::Write;

use futures_util::StreamExt;
use openrouter_kit::{ChatAccumulator, ChatRequestBuilder, ResponsesRequestBuilder};
use openrouter_kit_mock::Backend;

const MODEL: &str = "openai/gpt-4o-mini";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();

    // Chat completions, streamed.
    let request = ChatRequestBuilder::new(MODEL)
        .system("Answer in two sentences.")
        .user("What is OpenRouter?")
        .build()?;
    print!("chat (streamed): ");
    let mut stream = client.chat().stream(&request).await?;
    let mut answer = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        // Prints the new text, keeps everything: the message, usage and cost at the end.
        print!("{}", answer.push(&chunk?));
        std::io::stdout().flush()?;
    }
    let tokens = answer.usage.as_ref().and_then(|u| u.total_tokens).unwrap_or(0);
    println!("\n  ({tokens} tokens, cost {:?} credits)", answer.cost());

    // The Responses API, one answer.
    let request = ResponsesRequestBuilder::new(MODEL).input("What is OpenRouter?").max_output_tokens(200).build()?;
    let response = client.responses().create(&request).await?;
    println!("responses: {}", response.output_text());

    // Any other operation of the document, with the same key, headers and retries.
    let credits = client.api().get_credits().await?.into_inner();
    if let Some(data) = credits.data {
        println!("credits: {:?} bought, {:?} used", data.total_credits, data.total_usage);
    }
    Ok(())
}
