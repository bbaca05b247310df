//! One response from the Responses API. Needs OPENROUTER_API_KEY.
//! Run: cargo run -p openrouter --example responses

use openrouter::{Client, OutputText};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let response = client
        .responses()
        .create(&json!({"model": "openai/gpt-4o-mini", "input": "Say hello in French."}))
        .await?;
    println!("{}", response.output_text());
    Ok(())
}
