//! A structured answer: the model fills a Rust type (its JSON Schema from schemars, sent as
//! strict `json_schema`), and the answer comes back as that type.
//! Offline against the bundled mock unless OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example structured

use openrouter_kit::ChatRequestBuilder;
use openrouter_kit::schemars::JsonSchema;
use openrouter_kit_mock::Backend;
use serde::Deserialize;

/// A city, as the model describes it.
#[derive(Deserialize, JsonSchema)]
struct City {
    name: String,
    country: String,
    /// Inhabitants, roughly.
    population: u64,
    landmarks: Vec<String>,
    /// The city's nickname, if it has one.
    nickname: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    if let Some(mock) = backend.mock() {
        // Offline, the mock plays the model.
        mock.chat_reply(r#"{"name":"Paris","country":"France","population":2100000,"landmarks":["Eiffel Tower","Louvre"],"nickname":"City of Light"}"#).await;
    }
    let request = ChatRequestBuilder::new("openai/gpt-4o-mini").user("Describe Paris.").build()?;
    let city = backend.client().chat().parse::<City>(&request).await?.value;
    println!("{} ({}), about {} inhabitants", city.name, city.country, city.population);
    println!("landmarks: {}", city.landmarks.join(", "));
    if let Some(nickname) = city.nickname {
        println!("also called {nickname}");
    }
    Ok(())
}
