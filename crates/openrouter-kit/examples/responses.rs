//! One response from the Responses API.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example responses

use openrouter_kit_mock::Backend;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let response = client
        .responses()
        .create(&json!({"model": "openai/gpt-4o-mini", "input": "Say hello in French."}))
        .await?;
    println!("{}", response.output_text());
    Ok(())
}
