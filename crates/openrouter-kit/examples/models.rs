//! Models that support tools and take images, cheapest first, and one model's providers.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example models

use openrouter_kit::ModelFilter;
use openrouter_kit_mock::Backend;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    let client = backend.client();
    let filter = ModelFilter::default().supporting("tools").input("image");
    let list = client.models().list(&filter).await?;
    let mut models: Vec<_> = list.data.into_vec();
    let prompt_price = |m: &openrouter_kit_api::types::Model| {
        m.pricing.as_ref().and_then(|p| p.prompt.as_ref()).and_then(|p| serde_json::to_value(p).ok()).and_then(|v| match v {
            serde_json::Value::String(s) => s.parse::<f64>().ok(),
            other => other.as_f64(),
        })
    };
    models.sort_by(|a, b| prompt_price(a).partial_cmp(&prompt_price(b)).unwrap_or(std::cmp::Ordering::Equal));
    for m in models.iter().take(10) {
        let price = prompt_price(m).map_or("?".to_string(), |p| format!("${:.2}", p * 1e6));
        println!("{:<40} context {:>8}  prompt {price} per million tokens", m.id.as_deref().unwrap_or("?"), m.context_length.unwrap_or(0));
    }
    println!("{} models in all", client.models().count().await?.data.map(|d| d.count.unwrap_or(0)).unwrap_or(0));
    Ok(())
}
