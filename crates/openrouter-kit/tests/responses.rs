//! The Responses API and Anthropic Messages against wiremock, with SSE fixtures.

use futures_util::StreamExt;
use openrouter_kit::{Client, Error, ErrorCode};
use openrouter_kit_api::types::{MessagesStreamEvents, StreamEvents};
use serde_json::json;
use wiremock::matchers::{body_partial_json, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::serve_sse as serve;

#[tokio::test]
async fn responses_stream_events_are_typed_and_unknown_types_kept() {
    let (_server, client) = serve("/responses", "responses_stream.sse").await;
    let request = json!({"model": "openai/gpt-4o", "input": "Say hello in French"});
    let events: Vec<StreamEvents> = client.responses().stream(&request).await.unwrap().map(Result::unwrap).collect().await;
    assert_eq!(events.len(), 5);
    assert!(matches!(events[0], StreamEvents::ResponseCreated(_)));
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvents::ResponseOutputTextDelta(d) => d.delta.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Bonjour");
    let StreamEvents::Unknown(raw) = &events[2] else { panic!("{:?}", events[2]) };
    assert_eq!(raw["type"], "response.reasoning_budget.updated");
    let StreamEvents::ResponseCompleted(done) = &events[4] else { panic!("{:?}", events[4]) };
    let response = done.response.as_ref().unwrap();
    assert_eq!(response.output_text(), "Bonjour", "assembled from the output message");
}

#[tokio::test]
async fn a_responses_error_event_is_an_err() {
    let (_server, client) = serve("/responses", "responses_error.sse").await;
    let items: Vec<_> = client.responses().stream(&json!({"input": "x"})).await.unwrap().collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    let Err(Error::Api(e)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(e.code, Some(ErrorCode::Text("rate_limit_exceeded".into())));
    assert_eq!(e.message, "Provider rate limited");
}

#[tokio::test]
async fn responses_create_and_output_text() {
    let server = MockServer::start().await;
    Mock::given(path("/responses"))
        .and(body_partial_json(json!({"stream": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "resp_3", "object": "response", "status": "completed", "output_text": "Paris",
            "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Paris"}]}]
        })))
        .mount(&server)
        .await;
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).build().unwrap();
    let response = client.responses().create(&json!({"model": "openai/gpt-4o", "input": "Capital of France?"})).await.unwrap();
    assert_eq!(response.output_text(), "Paris");
}

#[tokio::test]
async fn output_text_falls_back_to_the_messages_when_the_server_sends_it_empty() {
    let server = MockServer::start().await;
    Mock::given(path("/responses"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "resp_4", "object": "response", "status": "completed", "output_text": "",
            "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Ber"}, {"type": "output_text", "text": "lin"}]}]
        })))
        .mount(&server)
        .await;
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).build().unwrap();
    let response = client.responses().create(&json!({"model": "openai/gpt-4o", "input": "Capital of Germany?"})).await.unwrap();
    assert_eq!(response.output_text(), "Berlin");
}

#[tokio::test]
async fn messages_stream_reads_named_events_and_a_typed_error() {
    let (_server, client) = serve("/messages", "messages_stream.sse").await;
    let request = json!({"model": "anthropic/claude-sonnet-4", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]});
    let items: Vec<_> = client.messages().stream(&request).await.unwrap().collect().await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(matches!(items[0], Ok(MessagesStreamEvents::MessageStart(_))));
    assert!(matches!(items[1], Ok(MessagesStreamEvents::Ping(_))));
    assert!(matches!(items[2], Ok(MessagesStreamEvents::ContentBlockDelta(_))));
    let Err(Error::Api(e)) = &items[3] else { panic!("{:?}", items[3]) };
    assert_eq!(e.message, "Overloaded");
}

#[tokio::test]
async fn image_generation_streams_partial_images() {
    use openrouter_kit_api::types::ImageStreamingResponseData as Event;
    let (_server, client) = serve("/images", "images_stream.sse").await;
    let events: Vec<Event> = client
        .images()
        .stream(&json!({"model": "google/gemini-2.5-flash-image", "prompt": "a red square"}))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    let Event::ImageGenerationPartialImage(partial) = &events[0] else { panic!("{:?}", events[0]) };
    assert_eq!(partial.b64_json.as_deref(), Some("AAAA"));
    let Event::ImageGenerationCompleted(done) = &events[1] else { panic!("{:?}", events[1]) };
    assert_eq!(done.media_type.as_deref(), Some("image/png"));
}
