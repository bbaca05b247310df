//! The quickstart: a chat answer streamed as it is written, the same question through the
//! Responses API, and the account's credits through the generated client, all with one
//! configured client.
//!
//! Without OPENROUTER_API_KEY it runs offline against the bundled mock (`openrouter-mock`) and
//! says so on its first line; with the key it talks to OpenRouter.
//! Run: cargo run -p openrouter --example quickstart

use std::io::Write;

use futures_util::StreamExt;
use openrouter::{ChatRequestBuilder, OutputText, ResponsesRequestBuilder};
use openrouter_mock::Backend;

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
    let mut text = client.chat().stream(&request).await?.text_stream();
    while let Some(piece) = text.next().await {
        print!("{}", piece?);
        std::io::stdout().flush()?;
    }
    println!();

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
