// The answer's type must describe itself: the error names `JsonSchema` and the type.
use openrouter_kit::{ChatRequestBuilder, Client, Error};

#[derive(serde::Deserialize)]
struct City {
    name: String,
}

async fn run(client: &Client) -> Result<String, Error> {
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Describe Paris.");
    Ok(client.chat().parse::<City>(&request).await?.value.name)
}

fn main() {
    let _ = run;
}
