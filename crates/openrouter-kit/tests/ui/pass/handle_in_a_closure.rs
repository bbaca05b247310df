// An endpoint handle used by value: a closure can return `client.chat().create(..)` (the
// future borrows the client, not the temporary handle).
use std::future::Future;

use openrouter_kit::{ChatRequestBuilder, Client, Error};

async fn twice<F, Fut, T>(call: F) -> Result<T, Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    match call().await {
        Ok(v) => Ok(v),
        Err(_) => call().await,
    }
}

async fn run(client: &Client) -> Result<String, Error> {
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Hi").build()?;
    let answer = twice(|| client.chat().create(&request)).await?;
    Ok(answer.text())
}

fn main() {
    let _ = run;
}
