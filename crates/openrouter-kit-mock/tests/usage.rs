//! How to use the mock in your own tests: copy what you need. Each test is also a check that the
//! mock does what its documentation says, through the `openrouter-kit` client.

use std::time::Duration;

use futures_util::StreamExt;
use openrouter_kit::{ChatAccumulator, ChatRequestBuilder, Error, ResponsesRequestBuilder, StreamError};
use openrouter_kit_api::types::{MessagesStreamEvents, StreamEvents};
use openrouter_kit_mock::{ChatScript, Fault, MessagesScript, MockOpenRouter, Origin, Reply, ResponsesScript, operations};
use serde_json::json;

fn chat() -> openrouter_kit::ChatRequestBody {
    ChatRequestBuilder::new("openai/gpt-4o").user("Hi").build().unwrap()
}

#[tokio::test]
async fn defaults_come_from_the_document() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    let answer = client.chat().create(&chat()).await.unwrap();
    let example = openrouter_kit_mock::operation("sendChatCompletionRequest").unwrap();
    assert_eq!(example.origin, Origin::Example);
    let expected: serde_json::Value = serde_json::from_str(example.body).unwrap();
    assert_eq!(answer.id.as_deref(), expected["id"].as_str(), "the document's example is the default answer");

    // The default stream tells the default answer's text, in pieces.
    let text: String = client.chat().stream(&chat()).await.unwrap().text_stream().map(|p| p.unwrap()).collect::<Vec<_>>().await.concat();
    assert_eq!(text, answer.text());
    assert!(operations().len() >= 97);
}

#[tokio::test]
async fn scripted_chat_stream_with_tool_call_fragments_and_usage() {
    let mock = MockOpenRouter::start().await;
    let script = ChatScript::new("openai/gpt-4o")
        .keep_alive()
        .reasoning("Look it up.")
        .tool_call(0, "call_1", "get_weather", &["{\"ci", "ty\":\"Par", "is\"}"])
        .finish("tool_calls")
        .usage(20, 7, 0.0003);
    mock.chat_stream(&script).await;
    let mut stream = mock.client().chat().stream(&chat()).await.unwrap();
    let mut acc = ChatAccumulator::new();
    while let Some(chunk) = stream.next().await {
        acc.push(&chunk.unwrap());
    }
    assert_eq!(stream.keep_alives(), 1);
    assert_eq!(acc.reasoning, "Look it up.");
    assert_eq!(acc.reasoning_details.len(), 1);
    assert_eq!(acc.tool_calls.len(), 1);
    assert_eq!(acc.tool_calls[0].name.as_deref(), Some("get_weather"));
    assert_eq!(acc.tool_calls[0].arguments, r#"{"city":"Paris"}"#);
    assert_eq!(acc.usage.as_ref().unwrap().cost, Some(0.0003));
}

#[tokio::test]
async fn a_mid_stream_error_is_an_err_item() {
    let mock = MockOpenRouter::start().await;
    mock.chat_stream(&ChatScript::new("m").text("Hel").error(json!(502), "Provider disconnected")).await;
    let items: Vec<_> = mock.client().chat().stream(&chat()).await.unwrap().collect().await;
    assert!(items[0].is_ok());
    let Err(Error::Api(e)) = &items[1] else { panic!("{items:?}") };
    assert_eq!(e.message, "Provider disconnected");
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn responses_and_messages_streams() {
    let mock = MockOpenRouter::start().await;
    mock.responses_stream(&ResponsesScript::new("openai/gpt-4o").text("Bon").text("jour").function_call("c1", "lookup", "{}")).await;
    mock.messages_stream(&MessagesScript::new("anthropic/claude-sonnet-4").text("Hi").error("overloaded_error", "Overloaded")).await;
    let client = mock.client();

    let request = ResponsesRequestBuilder::new("openai/gpt-4o").input("Hello").build().unwrap();
    let events: Vec<_> = client.responses().stream(&request).await.unwrap().collect().await;
    let events: Vec<StreamEvents> = events.into_iter().map(Result::unwrap).collect();
    assert!(matches!(events.first(), Some(StreamEvents::ResponseCreated(_))));
    let Some(StreamEvents::ResponseCompleted(done)) = events.last() else { panic!("{events:?}") };
    assert_eq!(done.response.as_ref().unwrap().output_text(), "Bonjour");
    // The same script answers the request without `stream`.
    assert_eq!(client.responses().create(&request).await.unwrap().output_text(), "Bonjour");

    let body = json!({"model": "anthropic/claude-sonnet-4", "max_tokens": 100, "messages": [{"role": "user", "content": "Hi"}]});
    let items: Vec<_> = client.messages().stream(&body).await.unwrap().collect().await;
    assert!(items.iter().any(|i| matches!(i, Ok(MessagesStreamEvents::ContentBlockDelta(_)))));
    assert!(matches!(items.last(), Some(Err(Error::Api(_)))), "{items:?}");
}

#[tokio::test]
async fn rate_limits_are_retried_with_their_retry_after() {
    let mock = MockOpenRouter::start().await;
    mock.on("getCredits").times(2).reply(Reply::rate_limited(0)).mount().await;
    let credits = mock.client().api().get_credits().await.unwrap().into_inner();
    assert!(credits.data.is_some());
    mock.assert_received("getCredits", 3).await;

    // With retries off the 429 comes back typed, Retry-After included.
    mock.on("getCredits").reply(Reply::rate_limited(7)).mount().await;
    let client = mock.client_builder().retry_policy(openrouter_kit::RetryPolicy::none()).build().unwrap();
    let err = client.chat().create(&chat()).await.map(|_| ());
    assert!(err.is_ok(), "other operations keep their defaults");
    mock.on("sendChatCompletionRequest").reply(Reply::rate_limited(7)).mount().await;
    let err = client.chat().create(&chat()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn a_200_that_carries_an_error_and_a_truncated_body() {
    let mock = MockOpenRouter::start().await;
    mock.on("sendChatCompletionRequest")
        .times(1)
        .reply(Reply::json(200, json!({"error": {"code": 402, "message": "Insufficient credits"}})))
        .mount()
        .await;
    let err = mock.client().chat().create(&chat()).await.unwrap_err();
    assert!(err.api().unwrap().is_insufficient_credits(), "{err:?}");

    let whole = openrouter_kit_mock::chat_completion("cut").to_string();
    mock.on("sendChatCompletionRequest").reply(Reply::json(200, json!({})).body(whole, "application/json").truncated(40)).mount().await;
    let err = mock.client().chat().create(&chat()).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let mock = MockOpenRouter::start().await;
    mock.on("getCredits").fault(Fault::DropConnection).times(1).mount().await;
    assert!(mock.client().api().get_credits().await.is_ok());
    mock.assert_received("getCredits", 1).await; // the dropped request never reached the server

    mock.on("getCredits").fault(Fault::DropConnection).mount().await;
    let client = mock.client_builder().retry_policy(openrouter_kit::RetryPolicy::none()).build().unwrap();
    assert!(client.api().get_credits().await.is_err());
}

#[tokio::test]
async fn a_stream_cut_short_or_stalled() {
    let mock = MockOpenRouter::start().await;
    let script = ChatScript::new("m").text("Hello").text(" world").usage(1, 2, 0.0);
    mock.chat_stream(&script).await;
    let first_event = script.to_sse().as_str().find("\n\n").unwrap() + 2;

    mock.on("sendChatCompletionRequest").fault(Fault::CutAfter(first_event)).times(1).mount().await;
    let items: Vec<_> = mock.client().chat().stream(&chat()).await.unwrap().collect().await;
    assert!(items[0].is_ok());
    assert!(items.last().unwrap().is_err(), "a cut stream ends with an error, not silently: {items:?}");

    mock.on("sendChatCompletionRequest").fault(Fault::StallAfter(first_event)).times(1).mount().await;
    let client = mock.client_builder().stream_idle_timeout(Some(Duration::from_millis(300))).build().unwrap();
    let items: Vec<_> = client.chat().stream(&chat()).await.unwrap().collect().await;
    assert!(items[0].is_ok());
    assert!(matches!(items.last(), Some(Err(Error::Stream(StreamError::IdleTimeout(_))))), "{items:?}");
}

#[tokio::test]
async fn a_slow_answer_meets_the_first_byte_timeout() {
    let mock = MockOpenRouter::start().await;
    mock.on("sendChatCompletionRequest").reply(Reply::json(200, openrouter_kit_mock::chat_completion("late")).delay(Duration::from_secs(5))).mount().await;
    let client = mock.client_builder().first_byte_timeout(Duration::from_millis(200)).build().unwrap();
    assert!(matches!(client.chat().create(&chat()).await, Err(Error::Timeout(_))));
}

#[tokio::test]
async fn request_assertions() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client_builder().session_id("s-42").build().unwrap();
    let request = ChatRequestBuilder::new("anthropic/claude-sonnet-4").system("Be brief").user("Hi").temperature(0.5).build().unwrap();
    client.chat().create(&request).await.unwrap();

    mock.assert_received("sendChatCompletionRequest", 1).await;
    mock.assert_header("sendChatCompletionRequest", "x-session-id", "s-42").await;
    mock.assert_body_field("sendChatCompletionRequest", "/model", json!("anthropic/claude-sonnet-4")).await;
    mock.assert_body_field("sendChatCompletionRequest", "/stream", json!(false)).await;
    let last = mock.last_request("sendChatCompletionRequest").await.unwrap();
    assert!(last.has_bearer(openrouter_kit_mock::MOCK_API_KEY));
    assert!(!format!("{last:?}").contains(openrouter_kit_mock::MOCK_API_KEY), "recorded requests do not print the key");
    let typed: openrouter_kit_api::types::ChatRequest = last.body_as().unwrap();
    assert_eq!(typed.messages.len(), 2);
    assert_eq!(typed.temperature, Some(0.5));
}

#[tokio::test]
async fn the_readme_snippet_as_written() {
    let mock = MockOpenRouter::start().await; // every operation answers
    let client = mock.client(); // your code under test takes this client
    mock.on("sendChatCompletionRequest").times(1).reply(Reply::rate_limited(1)).mount().await;
    mock.chat_stream(&ChatScript::new("openai/gpt-4o").text("Hel").text("lo").usage(5, 2, 0.0001)).await;
    mock.on("getCredits").fault(Fault::DropConnection).times(1).mount().await;
    // … run your code …
    let request = ChatRequestBuilder::new("openai/gpt-4o").user("Hi").build().unwrap();
    let text: Vec<String> = client.chat().stream(&request).await.unwrap().text_stream().map(Result::unwrap).collect().await;
    assert_eq!(text.concat(), "Hello");
    assert!(client.api().get_credits().await.is_ok(), "the dropped connection is retried");
    mock.assert_received("sendChatCompletionRequest", 2).await;
    mock.assert_body_field("sendChatCompletionRequest", "/model", "openai/gpt-4o".into()).await;
}

#[tokio::test]
async fn dropping_a_stream_closes_its_connection() {
    let mock = MockOpenRouter::start().await;
    let script = ChatScript::new("m").text("Hello").text(" world").usage(1, 2, 0.0);
    mock.chat_stream(&script).await;
    let first_event = script.to_sse().as_str().find("\n\n").unwrap() + 2;
    mock.on("sendChatCompletionRequest").fault(Fault::StallAfter(first_event)).mount().await;
    let client = mock.client_builder().stream_idle_timeout(None).build().unwrap();
    let mut stream = client.chat().stream(&chat()).await.unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    assert_eq!(mock.stalls_abandoned(), 0, "the generation is still running");
    drop(stream);
    // The server side sees the connection close: the request is cancelled, not left running.
    // (Waits for the close to travel; no timing is asserted.)
    for _ in 0..500 {
        if mock.stalls_abandoned() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(mock.stalls_abandoned(), 1);
}

#[tokio::test]
async fn image_generation_streams_by_default() {
    use openrouter_kit_api::types::ImageStreamingResponseData;
    let mock = MockOpenRouter::start().await;
    let request = json!({"model": "google/gemini-2.5-flash-image", "prompt": "A red circle"});
    let events: Vec<_> = mock.client().images().stream(&request).await.unwrap().collect().await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(Result::is_ok));
    assert!(!matches!(events[1], Ok(ImageStreamingResponseData::Unknown(_))), "{:?}", events[1]);
}

/// wiremock's own escape hatches — its received requests and the report of a failed
/// expectation, both of which end up in CI logs — never see the key.
#[tokio::test]
async fn the_key_never_reaches_wiremock() {
    use futures_util::FutureExt as _;
    let key = "sk-or-v1-a-real-looking-secret-0123456789";
    let mock = MockOpenRouter::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/credits"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"data": {"total_credits": 1.0, "total_usage": 0.0}})))
        .expect(2)
        .named("credits, expected twice")
        .mount(mock.server())
        .await;
    let client = mock.client_builder().api_key(key).build().unwrap();
    client.api().get_credits().await.unwrap();
    mock.client().api().get_credits().await.unwrap();

    let raw = mock.server().received_requests().await.unwrap();
    assert_eq!(raw.len(), 2);
    assert!(!format!("{raw:?}").contains(key), "wiremock's received requests do not hold the key");
    let recorded = mock.requests_to("getCredits").await;
    assert!(recorded[0].has_bearer(key) && !recorded[0].has_bearer(openrouter_kit_mock::MOCK_API_KEY));
    assert!(recorded[1].has_bearer(openrouter_kit_mock::MOCK_API_KEY) && !recorded[1].has_bearer(key));
    assert_ne!(recorded[0].header("authorization"), recorded[1].header("authorization"), "two keys, two redacted forms");

    // Make the expectation fail (three calls, two expected) and read wiremock's report.
    client.api().get_credits().await.ok();
    let report = std::panic::AssertUnwindSafe(mock.server().verify()).catch_unwind().await.expect_err("the expectation fails");
    let text = report.downcast_ref::<String>().cloned().or_else(|| report.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
    assert!(text.contains("credits, expected twice"), "the report is the expectation's: {text}");
    assert!(text.contains("authorization: Bearer <redacted:"), "the report lists the requests it got: {text}");
    assert!(!text.contains(key), "wiremock's report does not show the key: {text}");
    mock.server().reset().await; // else the failed expectation panics again on drop
}

#[tokio::test]
async fn a_script_file_mounts_replies_faults_and_scripts() {
    let mock = MockOpenRouter::start().await;
    let script = r#"{"routes": [
        {"operation": "sendChatCompletionRequest", "times": 1, "reply": {"status": 429, "json": {"error": {"code": 429, "message": "slow"}}, "headers": {"retry-after": "0"}}},
        {"operation": "sendChatCompletionRequest", "chat": {"steps": [{"text": "Hel"}, {"text": "lo"},
            {"tool_call": {"index": 0, "id": "c1", "name": "f", "arguments": ["{\"a\"", ":1}"]}}, {"usage": {"prompt": 3, "completion": 4}}]}},
        {"operation": "createResponses", "responses": {"steps": [{"reasoning": "Hm"}, {"text": "Hi"}]}},
        {"operation": "getCredits", "fault": "drop"}
    ]}"#;
    assert_eq!(mock.load_script(script).await, Ok(4));
    let client = mock.client();
    // The 429 first (retried), then the script's whole answer.
    let answer = client.chat().create(&chat()).await.unwrap();
    assert_eq!(answer.text(), "Hello");
    mock.assert_received("sendChatCompletionRequest", 2).await;
    let message = answer.choices[0].message.as_ref().unwrap();
    assert_eq!(message.tool_calls.as_ref().map(Vec::len), Some(1));
    // Streamed, the same script.
    let text: String = client.chat().stream(&chat()).await.unwrap().text_stream().map(|p| p.unwrap()).collect::<Vec<_>>().await.concat();
    assert_eq!(text, "Hello");
    let response = client.responses().create(&ResponsesRequestBuilder::new("m").input("Hi").build().unwrap()).await.unwrap();
    assert_eq!(response.output_text(), "Hi");
    assert!(client.api().get_credits().await.is_err(), "the connection is dropped");
}

#[tokio::test]
async fn a_wrong_script_file_is_refused_whole_with_the_reason() {
    let mock = MockOpenRouter::start().await;
    let unknown = r#"{"routes": [{"operation": "getCredits", "reply": {"status": 500}}, {"operation": "noSuchThing", "reply": {}}]}"#;
    let why = mock.load_script(unknown).await.unwrap_err().to_string();
    assert!(why.contains("route 1 (noSuchThing)") && why.contains("no such operation"), "{why}");
    let step = r#"{"routes": [{"operation": "sendChatCompletionRequest", "chat": {"steps": [{"sing": "la"}]}}]}"#;
    assert!(mock.load_script(step).await.unwrap_err().to_string().contains("no step \"sing\""));
    let two = r#"{"routes": [{"operation": "getCredits", "reply": {}, "fault": "drop"}]}"#;
    assert!(mock.load_script(two).await.unwrap_err().to_string().contains("exactly one"));
    // Nothing of a refused file was mounted: the credits still answer.
    assert!(mock.client().api().get_credits().await.is_ok());
}
