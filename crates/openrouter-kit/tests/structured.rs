//! Structured outputs end to end against the mock: the schema goes out as strict
//! `json_schema`, the answer comes back typed, and bad answers are explainable errors.

use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::{ChatRequestBuilder, Error, ResponsesRequestBuilder};
use openrouter_kit_mock::{MockOpenRouter, Reply, chat_completion};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, JsonSchema, Deserialize, PartialEq)]
struct City {
    name: String,
    population: u64,
    landmarks: Vec<String>,
}

fn request() -> openrouter_kit::ChatRequestBody {
    ChatRequestBuilder::new("openai/gpt-4o").user("Tell me about Paris").build().unwrap()
}

#[tokio::test]
async fn chat_parse_sends_a_strict_schema_and_decodes_the_answer() {
    let mock = MockOpenRouter::start().await;
    mock.chat_reply(r#"{"name": "Paris", "population": 2100000, "landmarks": ["Louvre"]}"#).await;
    let parsed = mock.client().chat().parse::<City>(&request()).await.unwrap();
    assert_eq!(parsed.value, City { name: "Paris".into(), population: 2_100_000, landmarks: vec!["Louvre".into()] });
    assert_eq!(parsed.response.id.as_deref(), Some("gen-mock-1"));

    let sent = mock.last_request("sendChatCompletionRequest").await.unwrap().json().unwrap();
    let format = &sent["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "City");
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(format["json_schema"]["schema"]["required"], json!(["name", "population", "landmarks"]));
    assert_eq!(format["json_schema"]["schema"]["additionalProperties"], false);
    assert_eq!(sent["messages"][0]["content"], "Tell me about Paris", "the rest of the request is unchanged");
}

#[tokio::test]
async fn an_answer_that_does_not_fit_keeps_the_text_and_the_path() {
    let mock = MockOpenRouter::start().await;
    let text = r#"{"name": "Paris", "population": "lots", "landmarks": []}"#;
    mock.chat_reply(text).await;
    let err = mock.client().chat().parse::<City>(&request()).await.unwrap_err();
    let Error::Output(output) = &err else { panic!("{err:?}") };
    assert_eq!(output.content.as_deref(), Some(text));
    assert_eq!(output.path, "population");
    assert!(err.to_string().contains("population"), "{err}");
}

#[tokio::test]
async fn a_refusal_and_a_cut_off_answer_are_told_apart() {
    let mock = MockOpenRouter::start().await;
    let mut refused = chat_completion("");
    refused["choices"][0]["message"]["content"] = json!(null);
    refused["choices"][0]["message"]["refusal"] = json!("I can't help with that.");
    mock.on("sendChatCompletionRequest").times(1).reply(Reply::json(200, refused)).mount().await;
    let mut cut = chat_completion(r#"{"name": "Par"#);
    cut["choices"][0]["finish_reason"] = json!("length");
    mock.on("sendChatCompletionRequest").times(1).reply(Reply::json(200, cut)).mount().await;
    let client = mock.client();

    let err = client.chat().parse::<City>(&request()).await.unwrap_err();
    let Error::Output(o) = &err else { panic!("{err:?}") };
    assert_eq!(o.refusal.as_deref(), Some("I can't help with that."));
    assert!(err.to_string().contains("refused"));

    let err = client.chat().parse::<City>(&request()).await.unwrap_err();
    assert!(err.to_string().contains("cut off"), "{err}");
}

#[tokio::test]
async fn responses_parse_sets_text_format_and_keeps_other_text_settings() {
    let mock = MockOpenRouter::start().await;
    let script = openrouter_kit_mock::ResponsesScript::new("openai/gpt-4o").text(r#"{"name":"Lyon","population":520000,"landmarks":[]}"#);
    mock.responses_stream(&script).await;
    let request = ResponsesRequestBuilder::new("openai/gpt-4o").input("Lyon?").extra("text", json!({"verbosity": "low"})).build().unwrap();
    let parsed = mock.client().responses().parse::<City>(&request).await.unwrap();
    assert_eq!(parsed.value.name, "Lyon");
    let sent = mock.last_request("createResponses").await.unwrap().json().unwrap();
    assert_eq!(sent["text"]["verbosity"], "low");
    assert_eq!(sent["text"]["format"]["type"], "json_schema");
    assert_eq!(sent["text"]["format"]["name"], "City");
    assert_eq!(sent["text"]["format"]["strict"], true);
}
