// A builder is accepted where a request is: `.build()` is optional.
use openrouter_kit::{ChatRequestBuilder, Client, Error};

async fn run(client: &Client) -> Result<String, Error> {
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Hi");
    Ok(client.chat().create(&request).await?.text())
}

fn main() {
    let _ = run;
}
