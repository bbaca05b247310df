//! The conveniences for the rest of the API, each against the mock (its defaults are the
//! document's examples) with what was sent checked.

use std::time::Duration;

use openrouter_kit::{Error, ModelFilter};
use openrouter_kit_mock::{MockOpenRouter, Reply};
use serde_json::json;

#[tokio::test]
async fn models_list_filters_get_endpoints_and_count() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    let filter = ModelFilter::default().supporting("tools").supporting("response_format").input("image").max_price(5.0);
    let list = client.models().list(&filter).await.unwrap();
    assert!(!list.data.is_empty());
    let query = mock.last_request("getModels").await.unwrap().query.unwrap();
    for expected in ["supported_parameters=tools%2Cresponse_format", "input_modalities=image", "max_price=5"] {
        assert!(query.contains(expected), "{expected} not in {query}");
    }

    let model = client.models().get("openai/gpt-4").await.unwrap();
    assert_eq!(model.data.unwrap().canonical_slug.as_deref(), Some("openai/gpt-4"));
    assert_eq!(mock.last_request("getModel").await.unwrap().path, "/model/openai/gpt-4");
    // The envelope's `data` is the model with its endpoints (it once came back empty: the
    // envelope and the component shared a Rust name).
    let model = client.models().endpoints("openai/gpt-4").await.unwrap();
    assert_eq!(model.created, Some(1692901234));
    assert_eq!(model.description.as_deref(), Some("GPT-4 is a large multimodal model."));
    assert!(model.architecture.is_some() && model.endpoints.wire() == openrouter_kit::api::Wire::Sent, "{model:?}");
    assert_eq!(mock.last_request("listEndpoints").await.unwrap().path, "/models/openai/gpt-4/endpoints");
    assert!(client.models().count().await.unwrap().data.is_some());
    client.models().for_user().await.unwrap();
    mock.assert_received("listModelsUser", 1).await;
    assert!(matches!(client.models().get("gpt-4").await, Err(Error::Config(_))), "an id without author is refused");
}

#[tokio::test]
async fn generation_lookup_polls_while_not_recorded() {
    let mock = MockOpenRouter::start().await;
    mock.on("getGeneration").times(2).reply(Reply::error(404, "Generation not found")).mount().await;
    let client = mock.client();
    let record = client.generations().wait("gen-123", Duration::from_millis(5), Duration::from_secs(5)).await.unwrap();
    assert_eq!(record.data.unwrap().finish_reason.as_deref(), Some("stop"));
    mock.assert_received("getGeneration", 3).await;
    assert_eq!(mock.last_request("getGeneration").await.unwrap().query.as_deref(), Some("id=gen-123"));

    // Never recorded: the last 404 comes back once the time is up.
    mock.on("getGeneration").reply(Reply::error(404, "Generation not found")).mount().await;
    let err = client.generations().wait("gen-x", Duration::from_millis(5), Duration::from_millis(40)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn key_info_and_credits_are_the_generated_methods() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    let key = client.api().get_current_key().await.unwrap().into_inner().data.unwrap();
    assert_eq!(key.is_free_tier, Some(false));
    assert!(key.limit_remaining.is_some() || key.limit.is_none(), "remaining limit: {:?}", key.limit_remaining);
    let credits = client.api().get_credits().await.unwrap().into_inner().data.unwrap();
    assert_eq!(credits.total_credits, Some(100.5));
}

#[tokio::test]
async fn a_200_carrying_an_error_is_an_error_for_generated_methods_too() {
    let mock = MockOpenRouter::start().await;
    mock.on("getCredits").reply(Reply::json(200, json!({"error": {"code": 402, "message": "Insufficient credits"}}))).mount().await;
    let client = mock.client_builder().retry_policy(openrouter_kit::RetryPolicy::none()).build().unwrap();
    let err = client.api().get_credits().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(402), "the generated client sees the error's status");
    let err = Error::from_generated(err).await;
    let api = err.api().unwrap();
    assert_eq!(api.status.as_u16(), 200, "our error says what was really sent");
    assert!(api.is_insufficient_credits(), "{api:?}");
    assert_eq!(api.message, "Insufficient credits");
}

#[cfg(feature = "management")]
#[tokio::test]
async fn api_key_management() {
    let mock = MockOpenRouter::start().await;
    let keys = mock.client();
    let keys = keys.keys();
    assert!(!keys.list(true, None).await.unwrap().data.is_empty());
    assert_eq!(mock.last_request("list").await.unwrap().query.as_deref(), Some("include_disabled=true"));
    let body = serde_json::from_value(json!({"name": "ci", "limit": 10})).unwrap();
    keys.create(&body).await.unwrap();
    mock.assert_body_field("createKeys", "/name", json!("ci")).await;
    keys.get("abc").await.unwrap();
    let update = serde_json::from_value(json!({"disabled": true})).unwrap();
    keys.update("abc", &update).await.unwrap();
    keys.delete("abc").await.unwrap();
    assert_eq!(mock.last_request("deleteKeys").await.unwrap().method, "DELETE");
}

#[tokio::test]
async fn embeddings_in_order_and_rerank() {
    let mock = MockOpenRouter::start().await;
    mock.on("createEmbeddings")
        .reply(Reply::json(200, json!({"data": [
            {"object": "embedding", "index": 1, "embedding": [0.0, 1.0]},
            {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]}
        ], "model": "m"})))
        .mount()
        .await;
    let client = mock.client();
    let vectors = client.embeddings().embed("openai/text-embedding-3-small", ["first", "second"]).await.unwrap();
    assert_eq!(vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]], "ordered by index, not arrival");
    mock.assert_body_field("createEmbeddings", "/input", json!(["first", "second"])).await;
    let err = client.embeddings().embed("m", ["only one"]).await.unwrap_err();
    assert!(err.to_string().contains("1 texts sent, 2 embeddings"), "{err}");

    let ranked = client.embeddings().rerank("cohere/rerank-v3.5", "capital of France", ["Paris is the capital of France.", "Bananas"]).await.unwrap();
    assert_eq!(ranked.results[0].relevance_score, Some(0.98));
    mock.assert_body_field("createRerank", "/documents/1", json!("Bananas")).await;
}

#[tokio::test]
async fn files_upload_list_metadata_download_delete() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    client.files().upload("notes.pdf", b"%PDF-1.7 hello").await.unwrap();
    let sent = mock.last_request("uploadFile").await.unwrap();
    assert!(sent.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("filename=\"notes.pdf\"") && body.contains("%PDF-1.7 hello"), "{body}");

    let api = client.api();
    api.list_files(None, None, None, None, Some(10), None, None, None).await.unwrap();
    api.get_file_metadata("file-1", None, None).await.unwrap();
    let bytes = api.download_file_content("file-1", None, None).await.unwrap().into_inner();
    drop(bytes);
    api.delete_file("file-1", None, None).await.unwrap();
    for op in ["listFiles", "getFileMetadata", "downloadFileContent", "deleteFile"] {
        mock.assert_received(op, 1).await;
    }
}

#[tokio::test]
async fn speech_transcription_and_images() {
    let mock = MockOpenRouter::start().await;
    mock.on("createAudioSpeech").reply(Reply::status(200).body(vec![0x49, 0x44, 0x33, 4, 0], "audio/mpeg")).mount().await;
    let client = mock.client();
    let request = serde_json::from_value(json!({"model": "openai/gpt-4o-mini-tts", "input": "Hello", "voice": "alloy"})).unwrap();
    let audio = client.audio().speech(&request).await.unwrap();
    assert_eq!(&audio[..], &[0x49, 0x44, 0x33, 4, 0]);

    let text = client.audio().transcribe("openai/whisper-large-v3", b"RIFF....WAVE", "wav").await.unwrap();
    assert!(text.starts_with("Hello, this is a test"));
    mock.assert_body_field("createAudioTranscriptions", "/input_audio/data", json!("UklGRi4uLi5XQVZF")).await;

    let image = client.images().create(&json!({"model": "google/gemini-2.5-flash-image", "prompt": "A red circle"})).await.unwrap();
    assert!(serde_json::to_value(image).unwrap().is_object());
    mock.assert_body_field("createImages", "/stream", json!(false)).await;
}

#[tokio::test]
async fn video_jobs_create_poll_download() {
    let mock = MockOpenRouter::start().await;
    mock.on("getVideos").times(2).reply(Reply::json(200, json!({"id": "job-abc123", "status": "in_progress"}))).mount().await;
    mock.on("listVideosContent").reply(Reply::status(200).body(b"\x00\x00\x00\x18ftypmp42".to_vec(), "video/mp4")).mount().await;
    let client = mock.client();
    let request = serde_json::from_value(json!({"model": "google/veo-3.1", "prompt": "A calm sea"})).unwrap();
    let job = client.videos().create(&request).await.unwrap();
    let id = job.id.unwrap();
    let done = client.videos().wait(&id, Duration::from_millis(5), Duration::from_secs(5)).await.unwrap();
    assert_eq!(done.status, Some(openrouter_kit_api::types::VideoGenerationResponseStatus::Completed));
    mock.assert_received("getVideos", 3).await;
    let video = client.videos().download(&id, None).await.unwrap();
    assert_eq!(&video[4..8], b"ftyp");
}

#[tokio::test]
async fn waiting_forever_is_a_setting_not_an_overflow() {
    // `Duration::MAX` used to overflow `Instant + Duration` and panic.
    let mock = MockOpenRouter::start().await;
    mock.on("getGeneration").times(1).reply(Reply::error(404, "Generation not found")).mount().await;
    mock.on("getVideos").times(1).reply(Reply::json(200, json!({"id": "job-1", "status": "in_progress"}))).mount().await;
    let client = mock.client();
    let record = client.generations().wait("gen-1", Duration::from_millis(5), Duration::MAX).await.unwrap();
    assert!(record.data.is_some());
    let done = client.videos().wait("job-1", Duration::from_millis(5), Duration::MAX).await.unwrap();
    assert_eq!(done.status, Some(openrouter_kit_api::types::VideoGenerationResponseStatus::Completed));
    // An endless interval fits no deadline: the state now, not a wait forever.
    let now = client.generations().wait("gen-1", Duration::MAX, Duration::MAX).await.unwrap();
    assert!(now.data.is_some());
}
