//! Operations the document dropped and the service still answers (from `openapi/overlay.yaml`):
//! legacy text completions, whole and streamed, and a model's supported parameters.

use futures_util::StreamExt;
use openrouter_kit_mock::MockOpenRouter;
use serde_json::json;

#[tokio::test]
async fn a_text_completion_whole_and_streamed() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    let request = json!({"model": "openai/gpt-3.5-turbo-instruct", "prompt": "The capital of France is", "max_tokens": 5});

    let whole = client.completions().create(&request).await.unwrap();
    assert_eq!(whole.object.as_deref(), Some("text_completion"));
    assert_eq!(whole.choices[0].text.as_deref(), Some(" Paris."));
    assert_eq!(whole.usage.as_ref().and_then(|u| u.cost), Some(0.00001));
    let sent = mock.last_request("createCompletions").await.unwrap().json().unwrap();
    assert_eq!(sent["stream"], false);
    assert_eq!(sent["prompt"], "The capital of France is");

    let mut stream = client.completions().stream(&request).await.unwrap();
    let (mut text, mut usage, mut finish) = (String::new(), None, None);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        for choice in chunk.choices.iter() {
            text.push_str(choice.text.as_deref().unwrap_or_default());
            if choice.finish_reason.is_some() {
                finish = choice.finish_reason.clone();
            }
        }
        usage = chunk.usage.or(usage);
    }
    assert_eq!(text, " Paris.", "the streamed pieces join into the whole answer's text");
    assert_eq!(finish.map(|f| f.to_string()).as_deref(), Some("stop"));
    assert_eq!(usage.and_then(|u| u.total_tokens), Some(10));
    assert_eq!(mock.last_request("createCompletions").await.unwrap().json().unwrap()["stream"], true);
}

#[tokio::test]
async fn a_failure_inside_a_text_completion_stream_is_an_error() {
    let mock = MockOpenRouter::start().await;
    let sse = openrouter_kit_mock::Sse::new()
        .data(&json!({"id": "gen-1", "object": "text_completion", "created": 1, "model": "m", "choices": [{"index": 0, "text": "Hel", "finish_reason": null}]}))
        .data(&json!({"id": "gen-1", "object": "text_completion", "created": 1, "model": "m", "choices": [], "error": {"code": 502, "message": "provider went away"}}));
    mock.on("createCompletions").streaming().reply(openrouter_kit_mock::Reply::sse(sse)).mount().await;
    let mut stream = mock.client().completions().stream(&json!({"model": "m", "prompt": "Hello"})).await.unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.is_mid_stream(), "{error}");
    assert!(error.to_string().contains("provider went away"), "{error}");
}

#[tokio::test]
async fn a_models_supported_parameters() {
    let mock = MockOpenRouter::start().await;
    let parameters = mock.client().models().parameters("openai/gpt-4", Some("OpenAI")).await.unwrap();
    let data = parameters.data.unwrap();
    assert_eq!(data.model.as_deref(), Some("openai/gpt-4"));
    assert!(data.supported_parameters.iter().flatten().any(|p| p.as_str() == "temperature"));
    let request = mock.last_request("getParameters").await.unwrap();
    assert_eq!((request.path.as_str(), request.query.as_deref()), ("/parameters/openai/gpt-4", Some("provider=OpenAI")));
}
