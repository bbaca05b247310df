// `parse` takes the answer's type alone: `parse::<City>`, not `parse::<City, _>`.
use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::{ChatRequestBuilder, Client, Error};

#[derive(serde::Deserialize, JsonSchema)]
struct City {
    name: String,
}

async fn run(client: &Client) -> Result<String, Error> {
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Describe Paris.").build()?;
    Ok(client.chat().parse::<City>(&request).await?.value.name)
}

fn main() {
    let _ = run;
}
