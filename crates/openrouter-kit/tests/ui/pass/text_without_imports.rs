// The text and the numbers of an answer, with no trait to import and no Option to unwrap.
use openrouter_kit::{Client, Error, ResponsesRequestBuilder};

async fn run(client: &Client) -> Result<(String, i64), Error> {
    let response = client.responses().create(&ResponsesRequestBuilder::new("openai/gpt-4o").input("Hi")).await?;
    let tokens = response.usage.as_ref().map_or(0, |u| u.input_tokens() + u.output_tokens());
    Ok((response.output_text(), tokens))
}

fn main() {
    let _ = run;
}
