//! Answers carried into the next turn unchanged: chat results and streams (tool calls and
//! `reasoning_details` as they came), Responses output items as input items. Checked on the wire,
//! in the request the mock receives.

use futures_util::StreamExt;
use openrouter_kit::{ChatAccumulator, ChatRequestBuilder, ResponsesRequestBuilder};
use openrouter_kit_mock::{ChatScript, MockOpenRouter, ResponsesScript};
use serde_json::json;

fn script() -> ChatScript {
    ChatScript::new("openai/gpt-4o")
        .reasoning("Thinking.")
        .text("Let me check.")
        .tool_call(0, "call_1", "get_weather", &["{\"city\":", "\"Paris\"}"])
        .usage(12, 7, 0.0003)
}

#[tokio::test]
async fn a_streamed_answer_prints_as_it_comes_and_keeps_everything() {
    let mock = MockOpenRouter::start().await;
    mock.chat_stream(&script()).await;
    let client = mock.client();
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Weather in Paris?").build().unwrap();
    let mut stream = client.chat().stream(&request).await.unwrap();
    let mut answer = ChatAccumulator::new();
    let mut printed = String::new();
    while let Some(chunk) = stream.next().await {
        printed.push_str(answer.push(&chunk.unwrap()));
    }
    assert_eq!(printed, "Let me check.", "push hands back each piece of text once");
    assert_eq!(answer.content, printed);
    assert_eq!(answer.cost(), Some(0.0003));
    assert_eq!(answer.usage.as_ref().and_then(|u| u.total_tokens), Some(19));
}

#[tokio::test]
async fn chat_answers_whole_or_streamed_become_the_next_turns_assistant_message() {
    let mock = MockOpenRouter::start().await;
    mock.chat_stream(&script()).await;
    let client = mock.client();
    let first = ChatRequestBuilder::new("openai/gpt-4o").user("Weather in Paris?");

    // Whole: the message exactly as received, unknown fields and all.
    let whole = client.chat().create(&first.clone().build().unwrap()).await.unwrap();
    let next = first.clone().assistant_message(&whole).tool_result("call_1", "18°C").build().unwrap();
    client.chat().create(&next).await.unwrap();
    let sent = mock.last_request("sendChatCompletionRequest").await.unwrap().json().unwrap();
    let received = serde_json::to_value(whole.choices[0].message.as_ref().unwrap()).unwrap();
    assert_eq!(sent["messages"][1], received);
    assert_eq!(sent["messages"][1]["tool_calls"][0]["function"]["arguments"], "{\"city\":\"Paris\"}");
    assert_eq!(sent["messages"][1]["reasoning_details"][0]["text"], "Thinking.");
    assert_eq!(sent["messages"][2], json!({"role": "tool", "tool_call_id": "call_1", "content": "18°C"}));

    // Streamed: the folded answer gives the same message (content, reasoning, details, calls).
    let mut stream = client.chat().stream(&first.clone().build().unwrap()).await.unwrap();
    let mut answer = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        answer.push(&chunk.unwrap());
    }
    let next = first.assistant_message(&answer).build().unwrap();
    let message = serde_json::to_value(&next.request.messages[1]).unwrap();
    assert_eq!(message["content"], "Let me check.");
    assert_eq!(message["reasoning"], "Thinking.");
    assert_eq!(message["reasoning_details"], received["reasoning_details"]);
    assert_eq!(message["tool_calls"][0], json!({"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}));
}

#[tokio::test]
async fn a_responses_answer_becomes_the_next_turns_input_items() {
    let mock = MockOpenRouter::start().await;
    let script = ResponsesScript::new("openai/gpt-4o").reasoning("Hm.").text("Paris.").function_call("call_1", "get_weather", "{}");
    mock.responses_stream(&script).await;
    let client = mock.client();
    let first = ResponsesRequestBuilder::new("openai/gpt-4o").input("Capital of France?");
    let answer = client.responses().create(&first.clone().build().unwrap()).await.unwrap();
    assert_eq!(answer.output_text(), "Paris.");
    let next = first.previous_output(&answer).build().unwrap();
    client.responses().create(&next).await.unwrap();
    let sent = mock.last_request("createResponses").await.unwrap().json().unwrap();
    let input = sent["input"].as_array().unwrap();
    assert_eq!(input[0], json!({"role": "user", "content": "Capital of France?"}));
    // Each output item as it came, in order.
    let output = serde_json::to_value(&answer.output).unwrap();
    assert_eq!(&input[1..], output.as_array().unwrap().as_slice());
    assert_eq!(input.iter().skip(1).map(|i| i["type"].as_str().unwrap()).collect::<Vec<_>>(), ["reasoning", "message", "function_call"]);
}

#[tokio::test]
async fn a_builder_is_sent_as_its_request_without_build() {
    let mock = MockOpenRouter::start().await;
    mock.chat_reply("Paris.").await;
    let client = mock.client();
    let builder = ChatRequestBuilder::new("openai/gpt-4o").user("Capital of France?").extra("seed", json!(7));
    let answer = client.chat().create(&builder).await.unwrap();
    assert_eq!(answer.text(), "Paris.");
    let mut sent = mock.last_request("sendChatCompletionRequest").await.unwrap().json().unwrap();
    assert_eq!(sent["stream"], false, "the method sets `stream` as it needs");
    sent.as_object_mut().unwrap().remove("stream");
    assert_eq!(sent, serde_json::to_value(builder.build().unwrap()).unwrap());
    assert_eq!(sent["seed"], 7);
}
