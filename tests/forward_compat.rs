//! Forward compatibility: what OpenRouter may send tomorrow (new fields, enum values, union
//! variants, stream event types; fields the document requires but the server leaves out) parses
//! today, and the unknown parts stay reachable.

use futures_util::StreamExt;
use openrouter_kit::{ChatRequestBuilder, ResponsesRequestBuilder};
use openrouter_kit_api::types::{ChatFinishReasonEnum, MessagesStreamEvents, OutputItems, Parameter, StreamEvents};
use openrouter_kit_mock::{ChatScript, MockOpenRouter, Reply, Sse};
use serde_json::json;

fn chat() -> openrouter_kit::ChatRequestBody {
    ChatRequestBuilder::new("openai/gpt-4o").user("Hi").build().unwrap()
}

#[tokio::test]
async fn a_completion_with_new_fields_and_values() {
    let mock = MockOpenRouter::start().await;
    let mut body = openrouter_kit_mock::chat_completion("Hi there");
    body["brand_new_field"] = json!({"nested": [1, 2]});
    body["choices"][0]["finish_reason"] = json!("thought_too_long");
    body["choices"][0]["message"]["brand_new_message_field"] = json!(true);
    mock.on("sendChatCompletionRequest").reply(Reply::json(200, body)).mount().await;

    let result = mock.client().chat().create(&chat()).await.unwrap();
    assert_eq!(result.text(), "Hi there");
    assert_eq!(result.extra["brand_new_field"], json!({"nested": [1, 2]}), "a new top-level field is in `extra`");
    let choice = &result.choices[0];
    assert_eq!(choice.finish_reason, Some(ChatFinishReasonEnum::Unknown("thought_too_long".into())));
    // The unknown value goes back out unchanged.
    assert_eq!(serde_json::to_value(&choice.finish_reason).unwrap(), json!("thought_too_long"));
}

#[tokio::test]
async fn a_response_with_a_new_output_item_type() {
    let mock = MockOpenRouter::start().await;
    let response = json!({
        "id": "resp_1", "object": "response", "status": "completed", "model": "m", "created_at": 1,
        "output": [
            {"type": "hologram_call", "id": "h1", "frames": 24},
            {"type": "message", "id": "m1", "role": "assistant", "status": "completed",
             "content": [{"type": "output_text", "text": "Done", "annotations": []}, {"type": "output_smell", "smell": "roses"}]}
        ],
        "brand_new_field": 1
    });
    mock.on("createResponses").reply(Reply::json(200, response)).mount().await;
    let request = ResponsesRequestBuilder::new("m").input("Hi").build().unwrap();
    let result = mock.client().responses().create(&request).await.unwrap();
    let output = &result.output;
    let OutputItems::Unknown(item) = &output[0] else { panic!("{:?}", output[0]) };
    assert_eq!(item["frames"], 24, "an unknown item keeps all its data");
    assert_eq!(result.output_text(), "Done", "known parts still work beside unknown ones");
    assert_eq!(result.extra["brand_new_field"], 1);
}

#[tokio::test]
async fn streams_with_new_event_types_and_fields() {
    let mock = MockOpenRouter::start().await;
    let responses = Sse::new()
        .data(&json!({"type": "response.created", "sequence_number": 0, "response": {"id": "r", "object": "response", "status": "in_progress", "output": []}}))
        .data(&json!({"type": "response.teleport.started", "sequence_number": 1, "where": "mars"}))
        .data(&json!({"type": "response.output_text.delta", "sequence_number": 2, "item_id": "m", "output_index": 0, "content_index": 0, "delta": "Hi", "sparkle": true}))
        .done();
    mock.on("createResponses").streaming().reply(Reply::sse(responses)).mount().await;
    let chat = ChatScript::new("m").text("Hi").raw_chunk(json!({
        "id": "gen-1", "object": "chat.completion.chunk", "model": "m", "future_top_level": 3,
        "choices": [{"index": 0, "delta": {"content": "!", "future_delta_field": "x"}, "finish_reason": "new_reason"}]
    }));
    mock.chat_stream(&chat).await;
    let messages = Sse::new()
        .named("message_start", &json!({"type": "message_start", "message": {"id": "msg", "type": "message", "role": "assistant", "content": [], "model": "m"}}))
        .named("aurora", &json!({"type": "aurora", "colour": "green"}))
        .named("message_stop", &json!({"type": "message_stop"}));
    mock.on("createMessages").streaming().reply(Reply::sse(messages)).mount().await;
    let client = mock.client();

    let request = ResponsesRequestBuilder::new("m").input("Hi").build().unwrap();
    let events: Vec<StreamEvents> = client.responses().stream(&request).await.unwrap().map(Result::unwrap).collect().await;
    let StreamEvents::Unknown(unknown) = &events[1] else { panic!("{:?}", events[1]) };
    assert_eq!(unknown["where"], "mars");
    assert!(matches!(events[2], StreamEvents::ResponseOutputTextDelta(_)), "a new field does not make a known event unknown");

    let chunks: Vec<_> = client.chat().stream(&chat_request()).await.unwrap().map(Result::unwrap).collect().await;
    let last = chunks.last().unwrap();
    assert_eq!(last.extra["future_top_level"], 3);
    let choice = &last.choices[0];
    assert_eq!(choice.finish_reason, Some(ChatFinishReasonEnum::Unknown("new_reason".into())));
    assert_eq!(choice.delta.as_ref().unwrap().content.as_deref(), Some("!"));

    let body = json!({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "Hi"}]});
    let events: Vec<_> = client.messages().stream(&body).await.unwrap().map(Result::unwrap).collect().await;
    let MessagesStreamEvents::Unknown(aurora) = &events[1] else { panic!("{:?}", events[1]) };
    assert_eq!(aurora["colour"], "green");
    assert_eq!(events.len(), 3);
}

fn chat_request() -> openrouter_kit::ChatRequestBody {
    chat()
}

#[tokio::test]
async fn the_models_list_without_fields_its_document_requires() {
    // The document's own /models example lacks `links` and `total_count`, which its schema
    // requires; the real server may do the same. Such fields are `Option` in every type a
    // response reaches (the normaliser's server-tolerance rule), so the list decodes, and a
    // new parameter or modality is an `Unknown` value, not an error.
    let mock = MockOpenRouter::start().await;
    let list = json!({"data": [{
        "id": "openai/gpt-4o", "name": "GPT-4o", "context_length": 128000,
        "supported_parameters": ["temperature", "telepathy"],
        "architecture": {"input_modalities": ["text", "smell"], "output_modalities": ["text"]}
    }]});
    mock.on("getModels").reply(Reply::json(200, list)).mount().await;
    let models = mock.client().api().get_models(None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None).await.unwrap().into_inner();
    assert!(models.links.is_none() && models.total_count.is_none());
    let model = &models.data[0];
    let params = &model.supported_parameters;
    assert_eq!(params[0], Parameter::Temperature);
    assert_eq!(params[1], Parameter::Unknown("telepathy".into()));
}
