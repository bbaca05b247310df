//! Tools and the tool loop, against a scripted mock conversation of several steps.

use std::sync::{Arc, Mutex};

use openrouter_kit::schemars::JsonSchema;
use openrouter_kit::{ChatRequestBuilder, Error, HandlerErrors, LoopEvent, ResponsesRequestBuilder, Stopped, Tool, ToolBox};
use openrouter_kit_mock::{ChatScript, MockOpenRouter, Reply, chat_completion};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct Weather {
    city: String,
}

#[derive(Deserialize, JsonSchema)]
struct Sum {
    a: i64,
    b: i64,
}

fn toolbox() -> ToolBox {
    ToolBox::new()
        .add("get_weather", "Current weather in a city", |w: Weather| async move {
            if w.city == "Atlantis" { Err(format!("no weather station in {}", w.city).into()) } else { Ok(json!({"city": w.city, "celsius": 21})) }
        })
        .add_sync("add", "Add two integers", |s: Sum| Ok(s.a + s.b))
}

/// A completion whose message calls tools, with reasoning details that must come back unchanged.
fn calling(calls: &[(&str, &str, &str)]) -> Value {
    let mut c = chat_completion("");
    let message = &mut c["choices"][0]["message"];
    message["content"] = json!(null);
    message["tool_calls"] =
        calls.iter().map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}})).collect();
    message["reasoning_details"] = json!([{"type": "reasoning.encrypted", "data": "opaque==", "format": "anthropic-claude-v1", "index": 0, "future": 1}]);
    c["choices"][0]["finish_reason"] = json!("tool_calls");
    c
}

/// The text events of a loop, collected.
fn text_events() -> (Arc<Mutex<Vec<String>>>, impl FnMut(&LoopEvent) + Send + 'static) {
    let texts = Arc::new(Mutex::new(Vec::new()));
    let seen = texts.clone();
    let on_text = move |e: &LoopEvent| {
        if let LoopEvent::Text(t) = e {
            seen.lock().unwrap().push(t.clone());
        }
    };
    (texts, on_text)
}

async fn scripted(mock: &MockOpenRouter, turns: Vec<Value>) {
    for turn in turns {
        mock.on("sendChatCompletionRequest").not_streaming().times(1).reply(Reply::json(200, turn)).mount().await;
    }
}

#[tokio::test]
async fn the_chat_loop_runs_parallel_calls_and_returns_results_in_order() {
    let mock = MockOpenRouter::start().await;
    scripted(
        &mock,
        vec![
            calling(&[("c1", "get_weather", r#"{"city":"Paris"}"#), ("c2", "add", r#"{"a":2,"b":3}"#)]),
            calling(&[("c3", "get_weather", r#"{"city":"Atlantis"}"#)]),
            chat_completion("Paris is 21°C; 2+3=5; Atlantis has no station."),
        ],
    )
    .await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let tools = toolbox();
    let request = ChatRequestBuilder::new("anthropic/claude-sonnet-4").user("Weather in Paris, and 2+3?").build().unwrap();
    let outcome = mock.client().chat().tool_loop(&tools).on_event(move |e| seen.lock().unwrap().push(e.clone())).run(&request).await.unwrap();

    assert_eq!(outcome.stopped, Stopped::Answered);
    assert_eq!(outcome.steps, 3);
    assert_eq!(outcome.text, "Paris is 21°C; 2+3=5; Atlantis has no station.");
    mock.assert_received("sendChatCompletionRequest", 3).await;

    let sent: Vec<Value> = mock.requests_to("sendChatCompletionRequest").await.iter().map(|r| r.json().unwrap()).collect();
    // The tools went out with every request.
    assert_eq!(sent[0]["tools"].as_array().unwrap().len(), 2);
    // Turn 2 carries the assistant turn as the model sent it, reasoning details included, then
    // the results in the order of the calls.
    let messages = sent[1]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[1]["tool_calls"][1]["id"], "c2");
    assert_eq!(messages[1]["reasoning_details"], json!([{"type": "reasoning.encrypted", "data": "opaque==", "format": "anthropic-claude-v1", "index": 0, "future": 1}]));
    assert_eq!(messages[2], json!({"role": "tool", "tool_call_id": "c1", "content": r#"{"city":"Paris","celsius":21}"#}));
    assert_eq!(messages[3], json!({"role": "tool", "tool_call_id": "c2", "content": "5"}));
    // A failing handler is reported to the model, which can go on.
    let last = sent[2]["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last, json!({"role": "tool", "tool_call_id": "c3", "content": "error: no weather station in Atlantis"}));

    let events = events.lock().unwrap();
    assert!(events.contains(&LoopEvent::Step(3)));
    assert!(events.contains(&LoopEvent::ToolResult { id: "c3".into(), name: "get_weather".into(), output: "error: no weather station in Atlantis".into(), is_error: true }));
    assert_eq!(outcome.transcript.len(), 7, "user, assistant, 2 results, assistant, 1 result, final answer");
}

#[tokio::test]
async fn handler_errors_can_stop_the_loop_and_the_step_limit_holds() {
    let mock = MockOpenRouter::start().await;
    scripted(&mock, vec![calling(&[("c1", "get_weather", r#"{"city":"Atlantis"}"#)])]).await;
    let tools = toolbox();
    let request = ChatRequestBuilder::new("m").user("?").build().unwrap();
    let err = mock.client().chat().tool_loop(&tools).handler_errors(HandlerErrors::ToCaller).run(&request).await.unwrap_err();
    assert!(matches!(&err, Error::Tool { name, message } if name == "get_weather" && message.contains("Atlantis")), "{err:?}");

    // A model that keeps calling tools stops at the limit.
    let mock = MockOpenRouter::start().await;
    mock.on("sendChatCompletionRequest").reply(Reply::json(200, calling(&[("c", "add", r#"{"a":1,"b":1}"#)]))).mount().await;
    let outcome = mock.client().chat().tool_loop(&tools).max_steps(3).run(&request).await.unwrap();
    assert_eq!((outcome.stopped, outcome.steps), (Stopped::StepLimit, 3));
    mock.assert_received("sendChatCompletionRequest", 3).await;

    // An unknown tool name goes back to the model as an error.
    assert!(tools.call("nope", "{}").await.unwrap_err().contains("no tool named"));
    assert!(tools.call("add", r#"{"a":"x"}"#).await.unwrap_err().contains("do not fit"));
}

#[tokio::test]
async fn the_streamed_chat_loop_reports_text_as_it_comes() {
    let mock = MockOpenRouter::start().await;
    let first = ChatScript::new("m")
        .reasoning("Need the weather.")
        .tool_call(0, "c1", "get_weather", &["{\"city\":", "\"Oslo\"}"])
        .finish("tool_calls")
        .usage(20, 8, 0.25);
    let second = ChatScript::new("m").text("Oslo: ").text("21°C").usage(10, 3, 0.5);
    mock.on("sendChatCompletionRequest").streaming().times(1).reply(Reply::sse(first.to_sse())).mount().await;
    mock.on("sendChatCompletionRequest").streaming().times(1).reply(Reply::sse(second.to_sse())).mount().await;
    let (texts, on_text) = text_events();
    let tools = toolbox();
    let request = ChatRequestBuilder::new("m").user("Oslo?").build().unwrap();
    let outcome = mock
        .client()
        .chat()
        .tool_loop(&tools)
        .stream(true)
        .on_event(on_text)
        .run(&request)
        .await
        .unwrap();
    assert_eq!(outcome.text, "Oslo: 21°C");
    assert_eq!(*texts.lock().unwrap(), ["Oslo: ", "21°C"]);
    let second_request = mock.requests_to("sendChatCompletionRequest").await[1].json().unwrap();
    let assistant = &second_request["messages"][1];
    assert_eq!(assistant["tool_calls"][0]["function"]["arguments"], r#"{"city":"Oslo"}"#, "fragments joined");
    assert_eq!(assistant["reasoning_details"][0]["text"], "Need the weather.");
    assert_eq!(assistant["reasoning"], "Need the weather.", "the streamed turn goes back as a whole one would");
    // Usage and cost summed over both requests.
    let usage = outcome.usage;
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (30, 11, 41));
    assert!((usage.cost - 0.75).abs() < 1e-12 && usage.requests_without_usage == 0, "{usage:?}");
}

#[tokio::test]
async fn the_responses_loop_sends_output_items_back_unchanged() {
    let mock = MockOpenRouter::start().await;
    let first = json!({
        "id": "resp_1", "object": "response", "status": "completed", "model": "m", "output": [
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAA==", "future_field": true},
            {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "add", "arguments": "{\"a\":20,\"b\":22}", "status": "completed"}
        ]
    });
    let script = openrouter_kit_mock::ResponsesScript::new("m").text("42");
    mock.on("createResponses").times(1).reply(Reply::json(200, first)).mount().await;
    mock.on("createResponses").reply(Reply::json(200, script.response())).mount().await;
    let tools = toolbox();
    let request = ResponsesRequestBuilder::new("m").input("20+22?").tool(Tool::function::<Weather>("unused", "not called")).build().unwrap();
    let outcome = mock.client().responses().tool_loop(&tools).run(&request).await.unwrap();
    assert_eq!((outcome.text.as_str(), outcome.steps), ("42", 2));

    let second = mock.requests_to("createResponses").await[1].json().unwrap();
    let input = second["input"].as_array().unwrap();
    assert_eq!(input[0], json!({"type": "message", "role": "user", "content": "20+22?"}));
    assert_eq!(input[1]["encrypted_content"], "gAAAA==", "reasoning goes back as it came");
    assert_eq!(input[1]["future_field"], true, "fields this version does not know too");
    assert_eq!(input[2]["call_id"], "call_1");
    assert_eq!(input[3], json!({"type": "function_call_output", "call_id": "call_1", "output": "42"}));
    assert_eq!(second["tools"].as_array().unwrap().len(), 3, "the request's own tool and the toolbox's two");
}

#[tokio::test]
async fn the_streamed_responses_loop() {
    let mock = MockOpenRouter::start().await;
    let first = openrouter_kit_mock::ResponsesScript::new("m").function_call("call_1", "add", r#"{"a":40,"b":2}"#);
    let second = openrouter_kit_mock::ResponsesScript::new("m").text("4").text("2");
    mock.on("createResponses").streaming().times(1).reply(Reply::sse(first.to_sse())).mount().await;
    mock.on("createResponses").streaming().times(1).reply(Reply::sse(second.to_sse())).mount().await;
    let (texts, on_text) = text_events();
    let tools = toolbox();
    let request = ResponsesRequestBuilder::new("m").input("40+2?").build().unwrap();
    let outcome = mock
        .client()
        .responses()
        .tool_loop(&tools)
        .stream(true)
        .on_event(on_text)
        .run(&request)
        .await
        .unwrap();
    assert_eq!((outcome.text.as_str(), outcome.steps), ("42", 2));
    assert_eq!(*texts.lock().unwrap(), ["4", "2"]);
    let second_request = mock.requests_to("createResponses").await[1].json().unwrap();
    assert_eq!(second_request["stream"], true);
    let input = second_request["input"].as_array().unwrap();
    assert_eq!(input.last().unwrap(), &json!({"type": "function_call_output", "call_id": "call_1", "output": "42"}));
}
