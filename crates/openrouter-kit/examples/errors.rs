//! The failures an application handles, told apart by kind rather than by message: a missing
//! key, a model that does not exist, a rate limit with its wait, a stream that fails after some
//! of the answer arrived. Offline against the bundled mock (which plays the failures) unless
//! OPENROUTER_API_KEY is set.
//! Run: cargo run -p openrouter-kit --example errors

use futures_util::StreamExt;
use openrouter_kit::{ApiErrorKind, ChatAccumulator, ChatRequestBuilder, Client, Error};
use openrouter_kit_mock::{Backend, ChatScript, Reply};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env().await?;
    println!("{}", backend.describe());
    if let Some(mock) = backend.mock() {
        let unknown = Reply::error(400, "no/such-model is not a valid model ID");
        mock.on("sendChatCompletionRequest").when_body(json!({"model": "no/such-model"})).reply(unknown).mount().await;
        mock.chat_stream(&ChatScript::new("openai/gpt-4o-mini").text("The answer is").error(json!(502), "provider down")).await;
    }
    let client = backend.client();

    if let Err(Error::MissingApiKey) = Client::builder().build() {
        println!("no key: set OPENROUTER_API_KEY");
    }

    let request = ChatRequestBuilder::new("no/such-model").user("Hi");
    match client.chat().create(&request).await {
        Ok(answer) => println!("answered by {:?}", answer.model),
        Err(Error::Api(e)) => match e.kind() {
            ApiErrorKind::ModelNotFound => println!("no such model: {}", e.message),
            ApiErrorKind::RateLimited => println!("rate limited; the server asks to wait {:?}", e.retry_after),
            ApiErrorKind::InsufficientCredits => println!("out of credits"),
            kind => println!("{kind:?}: {e}"),
        },
        Err(other) => println!("no answer: {other}"),
    }

    let mut stream = client.chat().stream(&ChatRequestBuilder::new("openai/gpt-4o-mini").user("Tell me.")).await?;
    let mut answer = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => print!("{}", answer.push(&chunk)),
            Err(e) if e.is_mid_stream() => println!("\nfailed after {:?} arrived: {e}", answer.content),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
