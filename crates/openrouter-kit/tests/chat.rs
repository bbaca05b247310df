//! Chat completions against wiremock: SSE fixtures we wrote ourselves (keep-alive comments,
//! multi-line data, CRLF, mid-stream errors with an integer and a string code, tool-call
//! fragments, a usage-only final chunk, unknown values, truncation), a 200 that carries an
//! error, and an idle stream.

use std::time::Duration;

use futures_util::StreamExt;
use openrouter_kit::{Client, Error, ErrorCode, StreamError};
use openrouter_kit_api::types::{ChatFinishReasonEnum, ChatStreamChunk};
use serde_json::json;
use wiremock::matchers::{body_partial_json, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

fn request() -> serde_json::Value {
    json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Say hello"}]})
}

async fn serve_stream(name: &str) -> (MockServer, Client) {
    common::serve_sse("/chat/completions", name).await
}

async fn collect(client: &Client) -> Vec<Result<ChatStreamChunk, Error>> {
    client.chat().stream(&request()).await.unwrap().collect().await
}

fn text(items: &[Result<ChatStreamChunk, Error>]) -> String {
    items
        .iter()
        .filter_map(|i| i.as_ref().ok())
        .flat_map(|c| c.choices.iter())
        .filter_map(|c| c.delta.as_ref()?.content.clone())
        .collect()
}

#[tokio::test]
async fn streams_text_across_keep_alives_crlf_and_multi_line_data() {
    let (_server, client) = serve_stream("chat_basic.sse").await;
    let mut stream = client.chat().stream(&request()).await.unwrap();
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(items.len(), 4, "four chunks; [DONE] ends the stream");
    assert_eq!(text(&items), "Hello");
    assert_eq!(stream.keep_alives(), 3);
    let last = items.last().unwrap().as_ref().unwrap();
    assert!(last.choices.is_empty(), "a usage-only final chunk");
    assert_eq!(last.usage.as_ref().unwrap().cost, Some(0.00012));
    let stop = items[2].as_ref().unwrap().choices[0].finish_reason.clone();
    assert_eq!(stop, Some(ChatFinishReasonEnum::Stop));
}

#[tokio::test]
async fn a_mid_stream_error_with_an_integer_code_is_a_typed_err_and_ends_the_stream() {
    let (_server, client) = serve_stream("chat_error_int.sse").await;
    let items = collect(&client).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(text(&items), "Par");
    let Err(Error::Api(e)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(e.code, Some(ErrorCode::Number(502)));
    assert_eq!(e.message, "Provider disconnected");
    assert_eq!(e.provider_name(), Some("Groq"));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn the_usage_of_a_mid_stream_error_chunk_reaches_the_accumulator() {
    let (_server, client) = serve_stream("chat_error_usage.sse").await;
    let items = collect(&client).await;
    let mut acc = openrouter_kit::ChatAccumulator::new();
    let mut errors = 0;
    for item in &items {
        errors += usize::from(acc.push_result(item).is_some());
    }
    assert_eq!(errors, 1);
    assert_eq!(acc.content, "Once");
    let usage = acc.usage.as_ref().expect("the error chunk's usage");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.cost), (Some(10), Some(4), Some(0.0001)));
    let Err(Error::Api(e)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(e.code, Some(ErrorCode::Text("server_error".into())));
    assert_eq!(e.message, "Upstream stream ended", "the server's words");
    assert_eq!(e.body.as_ref().unwrap()["choices"][0]["native_finish_reason"], "error", "the chunk kept verbatim");
}

#[tokio::test]
async fn a_string_code_error_without_done_or_blank_line_is_still_reported() {
    let (_server, client) = serve_stream("chat_error_string.sse").await;
    let items = collect(&client).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let Err(Error::Api(e)) = &items[0] else { panic!("{:?}", items[0]) };
    assert_eq!(e.code, Some(ErrorCode::Text("server_error".into())));
    assert_eq!(e.status.as_u16(), 200);
}

#[tokio::test]
async fn tool_call_fragments_decode_in_order() {
    let (_server, client) = serve_stream("chat_tool_calls.sse").await;
    let items = collect(&client).await;
    let args: String = items
        .iter()
        .map(|i| i.as_ref().unwrap())
        .flat_map(|c| c.choices.iter())
        .flat_map(|c| c.delta.as_ref().and_then(|d| d.tool_calls.clone()).unwrap_or_default())
        .filter_map(|t| t.function?.arguments)
        .collect();
    assert_eq!(args, r#"{"city":"Paris"}"#);
}

#[tokio::test]
async fn unknown_values_parse_and_a_bad_chunk_is_an_err_item_that_does_not_end_the_stream() {
    let (_server, client) = serve_stream("chat_unknown.sse").await;
    let items = collect(&client).await;
    assert_eq!(items.len(), 3, "{items:?}");
    let first = items[0].as_ref().unwrap();
    let reason = first.choices[0].finish_reason.clone();
    assert_eq!(reason, Some(ChatFinishReasonEnum::Unknown("paused_for_review".into())));
    assert_eq!(first.extra["brand_new"], json!({"x": 1}));
    let Err(Error::Decode(e)) = &items[1] else { panic!("{:?}", items[1]) };
    assert_eq!(e.path, "choices");
    assert_eq!(text(&items), "ab", "the stream went on after the bad chunk");
}

#[tokio::test]
async fn a_truncated_stream_ends_with_a_truncation_error() {
    let (_server, client) = serve_stream("chat_truncated.sse").await;
    let items = collect(&client).await;
    assert_eq!(text(&items), "cut");
    assert!(matches!(items.last(), Some(Err(Error::Stream(StreamError::Truncated)))), "{items:?}");
}

#[tokio::test]
async fn create_returns_the_completion_and_detects_a_200_that_carries_an_error() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({"stream": false, "model": "ok"})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"   {"id":"gen-9","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"finish_reason":"stop"}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"model": "broken"})))
        .respond_with(ResponseTemplate::new(200).set_body_raw("\n\n{\"error\":{\"code\":504,\"message\":\"Upstream timed out\"}}", "application/json"))
        .mount(&server)
        .await;
    Mock::given(body_partial_json(json!({"model": "html"})))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("sk-test")
        .base_url(server.uri())
        .retry_policy(openrouter_kit::RetryPolicy::none())
        .build()
        .unwrap();
    let ok = client.chat().create(&json!({"model": "ok", "messages": []})).await.unwrap();
    assert_eq!(ok.id.as_deref(), Some("gen-9"));

    let err = client.chat().create(&json!({"model": "broken", "messages": []})).await.unwrap_err();
    let e = err.api().expect("an API error, not a decode error");
    assert_eq!((e.status.as_u16(), e.code_number()), (200, Some(504)));
    assert!(err.is_retryable());

    let err = client.chat().create(&json!({"model": "html", "messages": []})).await.unwrap_err();
    assert_eq!(err.api().unwrap().raw_body.as_deref(), Some("<html>Bad gateway</html>"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

/// A raw server: response head, one event, then only keep-alive comments, never closing.
async fn stalling_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 8192];
        let _ = socket.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        let send = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
        let event = r#"data: {"id":"gen-6","choices":[{"index":0,"delta":{"content":"slow"}}]}"#.to_string() + "\n\n";
        let _ = socket.write_all(send(&event).as_bytes()).await;
        // Keep-alives for a bounded while (the test ends long before), then hang up.
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if socket.write_all(send(": OPENROUTER PROCESSING\n\n").as_bytes()).await.is_err() {
                return;
            }
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn keep_alive_comments_do_not_reset_the_idle_timeout() {
    let base = stalling_server().await;
    let client = Client::builder()
        .api_key("sk-test")
        .base_url(base)
        .stream_idle_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let mut stream = client.chat().stream(&request()).await.unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let next = stream.next().await.unwrap();
    assert!(matches!(next, Err(Error::Stream(StreamError::IdleTimeout(_)))), "{next:?}");
    assert!(stream.keep_alives() > 0, "comments kept arriving while the stream was idle");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn the_accumulator_merges_tool_call_fragments_and_keeps_usage() {
    let (_server, client) = serve_stream("chat_tool_calls.sse").await;
    let mut acc = openrouter_kit::ChatAccumulator::new();
    for item in collect(&client).await {
        acc.push(&item.unwrap());
    }
    assert_eq!(acc.tool_calls.len(), 1);
    let call = &acc.tool_calls[0];
    assert_eq!((call.id.as_deref(), call.name.as_deref()), (Some("call_1"), Some("get_weather")));
    assert_eq!(call.arguments, r#"{"city":"Paris"}"#);
    assert_eq!(acc.finish_reason, Some(ChatFinishReasonEnum::ToolCalls));

    let (_server, client) = serve_stream("chat_basic.sse").await;
    let mut acc = openrouter_kit::ChatAccumulator::new();
    for item in collect(&client).await {
        acc.push(&item.unwrap());
    }
    assert_eq!(acc.content, "Hello");
    assert_eq!(acc.model.as_deref(), Some("openai/gpt-4o"));
    assert_eq!(acc.usage.as_ref().and_then(|u| u.cost), Some(0.00012));
    assert_eq!(acc.chunks, 4);
}

#[tokio::test]
async fn text_stream_yields_only_text() {
    let (_server, client) = serve_stream("chat_basic.sse").await;
    // The README's loop, as written there.
    let mut text = client.chat().stream(&request()).await.unwrap().text_stream();
    let mut parts = Vec::new();
    while let Some(piece) = text.next().await {
        parts.push(piece.unwrap());
    }
    assert_eq!(parts, ["Hel", "lo"]);
}

#[tokio::test]
async fn reasoning_text_and_details_are_kept_in_order_including_unknown_kinds() {
    use openrouter_kit_api::types::ReasoningDetailUnion;
    let (_server, client) = serve_stream("chat_reasoning.sse").await;
    let mut acc = openrouter_kit::ChatAccumulator::new();
    for item in collect(&client).await {
        acc.push(&item.unwrap());
    }
    assert_eq!((acc.reasoning.as_str(), acc.content.as_str()), ("Thinking", "Done"));
    assert_eq!(acc.reasoning_details.len(), 3);
    assert!(matches!(acc.reasoning_details[0], ReasoningDetailUnion::ReasoningText(_)));
    assert!(matches!(acc.reasoning_details[1], ReasoningDetailUnion::ReasoningEncrypted(_)));
    // A kind this version does not know is kept as sent, so it can go back to the model.
    let ReasoningDetailUnion::Unknown(raw) = &acc.reasoning_details[2] else { panic!() };
    assert_eq!(raw, &json!({"type": "reasoning.future_kind", "blob": 1}));
    let encrypted = serde_json::to_value(&acc.reasoning_details[1]).unwrap();
    assert_eq!(encrypted["data"], "b64==");
    assert_eq!(encrypted["type"], "reasoning.encrypted");
    // A field this version does not know, on a kind it does, goes back too.
    let text = serde_json::to_value(&acc.reasoning_details[0]).unwrap();
    assert_eq!(
        text,
        json!({"type": "reasoning.text", "text": "Think", "format": "anthropic-claude-v1", "index": 0, "signature": "sig", "provider_hint": {"v": 2}})
    );
}

#[tokio::test]
async fn a_built_request_goes_out_with_typed_and_extra_fields() {
    let server = MockServer::start().await;
    Mock::given(body_partial_json(json!({
        "model": "openai/gpt-4o",
        "stream": false,
        "messages": [{"role": "user", "content": "Hi"}],
        "models": ["anthropic/claude-sonnet-4"],
        "reasoning": {"max_tokens": 1024}
    })))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "gen-10", "choices": []})))
    .expect(1)
    .mount(&server)
    .await;
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).build().unwrap();
    let request = openrouter_kit::ChatRequestBuilder::new("openai/gpt-4o")
        .user("Hi")
        .fallbacks(["anthropic/claude-sonnet-4"])
        .extra("reasoning", json!({"max_tokens": 1024}))
        .build()
        .unwrap();
    assert_eq!(client.chat().create(&request).await.unwrap().id.as_deref(), Some("gen-10"));
}

#[tokio::test]
async fn no_response_head_within_the_first_byte_timeout_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)).set_body_json(json!({"choices": []})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("sk-test")
        .base_url(server.uri())
        .first_byte_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.chat().create(&request()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(100)), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_stream_refused_with_503_is_retried_before_its_first_event() {
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": {"code": 503, "message": "no capacity"}})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(common::fixture("chat_basic.sse"), "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;
    let policy = openrouter_kit::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() };
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(policy).build().unwrap();
    let items: Vec<_> = client.chat().stream(&request()).await.unwrap().collect().await;
    assert_eq!(text(&items), "Hello");
    // The retry is a request built again, not a copy: it must be the first one, byte for byte,
    // headers included.
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&sent[1].body).unwrap()["stream"], true);
    for name in ["authorization", "content-type"] {
        assert_eq!(sent[0].headers.get(name), sent[1].headers.get(name), "{name}");
        assert!(sent[1].headers.get(name).is_some(), "{name}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_transport() {
    // Bind then drop a listener: the port refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let policy = openrouter_kit::RetryPolicy { max_attempts: 3, initial_backoff: Duration::from_millis(1), ..Default::default() };
    let client = Client::builder().api_key("sk-test").base_url(format!("http://127.0.0.1:{port}")).retry_policy(policy).build().unwrap();
    let err = client.chat().create(&request()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(!format!("{err:?}").contains("sk-test"));
}

#[tokio::test]
async fn a_200_carrying_a_transient_error_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"error": {"code": 502, "message": "Provider returned error"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let failed_choice = json!({"id": "gen-2", "choices": [{"index": 0, "finish_reason": "error", "error": {"code": 504, "message": "upstream timeout"}, "message": {"role": "assistant", "content": ""}}]});
    Mock::given(path("/chat/completions")).respond_with(ResponseTemplate::new(200).set_body_json(failed_choice)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "gen-3", "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}]})))
        .mount(&server)
        .await;
    let policy = openrouter_kit::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() };
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(policy).build().unwrap();
    let completion = client.chat().create(&request()).await.unwrap();
    assert_eq!(completion.id.as_deref(), Some("gen-3"), "both 200s that carried a 5xx were retried");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // With retries off, a failed choice comes back as the API error it is.
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(openrouter_kit::RetryPolicy::none()).build().unwrap();
    server.reset().await;
    let failed_choice = json!({"id": "gen-4", "choices": [{"index": 0, "finish_reason": "error", "error": {"code": 400, "message": "bad tool schema"}}]});
    Mock::given(path("/chat/completions")).respond_with(ResponseTemplate::new(200).set_body_json(failed_choice)).mount(&server).await;
    let err = client.chat().create(&request()).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status.as_u16(), api.code_number(), api.message.as_str()), (200, Some(400), "bad tool schema"));
}

#[tokio::test]
async fn a_400_wrapping_a_transient_upstream_failure_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": 502, "message": "Upstream error"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": 400, "message": "messages is required"}})))
        .mount(&server)
        .await;
    let policy = openrouter_kit::RetryPolicy { initial_backoff: Duration::from_millis(1), ..Default::default() };
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(policy).build().unwrap();
    let err = client.chat().create(&request()).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status.as_u16(), api.message.as_str()), (400, "messages is required"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the 502-in-400 was retried, the real 400 was not");
}

#[tokio::test]
async fn a_200_error_body_without_a_json_content_type_is_still_an_error() {
    let server = MockServer::start().await;
    let body = "\n\n{\"error\": {\"code\": 504, \"message\": \"Gateway timeout\"}}";
    Mock::given(path("/chat/completions")).respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/plain")).mount(&server).await;
    let client = Client::builder().api_key("sk-test").base_url(server.uri()).retry_policy(openrouter_kit::RetryPolicy::none()).build().unwrap();
    let err = client.chat().create(&request()).await.unwrap_err();
    assert_eq!(err.api().map(|e| (e.code_number(), e.message.as_str())), Some((Some(504), "Gateway timeout")));
}

#[tokio::test]
async fn a_recorded_stream_replays_through_from_byte_stream_in_any_pieces() {
    use openrouter_kit::EventStream;
    for name in ["chat_basic.sse", "chat_tool_calls.sse", "chat_error_usage.sse", "chat_truncated.sse"] {
        let (_server, client) = serve_stream(name).await;
        let live = collect(&client).await;
        let bytes = common::fixture(name);
        for piece in [1, 7, bytes.len()] {
            let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = bytes.chunks(piece).map(|c| Ok(bytes::Bytes::copy_from_slice(c))).collect();
            let replayed: Vec<_> = EventStream::<ChatStreamChunk>::from_byte_stream(futures_util::stream::iter(pieces), None).collect().await;
            assert_eq!(replayed.len(), live.len(), "{name} in {piece}-byte pieces");
            for (r, l) in replayed.iter().zip(&live) {
                match (r, l) {
                    (Ok(a), Ok(b)) => assert_eq!(serde_json::to_value(a).unwrap(), serde_json::to_value(b).unwrap()),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    other => panic!("{name}: {other:?}"),
                }
            }
        }
    }
    // A failing source ends the stream with its error, typed.
    let failing = futures_util::stream::iter(vec![
        Ok(bytes::Bytes::from_static(b"data: {\"choices\": []}\n\n")),
        Err(std::io::Error::other("disk gone")),
    ]);
    let items: Vec<_> = EventStream::<ChatStreamChunk>::from_byte_stream(failing, None).collect().await;
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Err(Error::Stream(StreamError::Source(e))) if e.to_string() == "disk gone"), "{:?}", items[1]);
}

#[tokio::test]
async fn an_idle_timeout_too_long_for_the_clock_means_never() {
    // Duration::MAX used to overflow `Instant + Duration` at the first event.
    let recorded = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    let source = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(recorded.as_bytes()))]);
    let mut events = openrouter_kit::EventStream::<openrouter_kit_api::types::ChatStreamChunk>::from_byte_stream(source, Some(Duration::MAX));
    assert!(events.next().await.unwrap().is_ok());
    assert!(events.next().await.is_none());
}

async fn scripted_server(answers: Vec<&'static [u8]>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    common::raw_server(answers, common::Then::Close).await
}

const GOOD_STREAM: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\ndata: [DONE]\n\n";

#[tokio::test]
async fn a_stream_that_fails_before_its_first_event_is_sent_again() {
    use std::sync::atomic::Ordering;
    let policy = openrouter_kit::RetryPolicy { max_attempts: 3, initial_backoff: Duration::from_millis(1), ..Default::default() };
    // How OpenRouter reports a provider failing before the first token: keep-alives, then one
    // error event, no [DONE]; and a connection closed right after the head.
    for failure in [
        &b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n: OPENROUTER PROCESSING\n\ndata: {\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}\n\n"[..],
        &b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"[..],
    ] {
        let (base, connections) = scripted_server(vec![failure, GOOD_STREAM]).await;
        let client = Client::builder().api_key("sk-test").base_url(base).retry_policy(policy.clone()).build().unwrap();
        let text: Vec<String> = client.chat().stream(&request()).await.unwrap().text_stream().map(|t| t.unwrap()).collect().await;
        assert_eq!(text, ["Hello"]);
        assert_eq!(connections.load(Ordering::SeqCst), 2, "sent once more");
    }

    // After the first event, a failure is the caller's: no second request.
    let midway: &'static [u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\ndata: {\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}\n\n";
    let (base, connections) = scripted_server(vec![midway, GOOD_STREAM]).await;
    let client = Client::builder().api_key("sk-test").base_url(base).retry_policy(policy.clone()).build().unwrap();
    let items: Vec<_> = client.chat().stream(&request()).await.unwrap().collect().await;
    assert!(items[0].is_ok() && matches!(items[1], Err(Error::Api(_))), "{items:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    // Attempts run out: the last failure is the first item.
    let (base, connections) = scripted_server(vec![&b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"[..]]).await;
    let client = Client::builder().api_key("sk-test").base_url(base).retry_policy(policy).build().unwrap();
    let mut stream = client.chat().stream(&request()).await.unwrap();
    assert!(matches!(stream.next().await, Some(Err(Error::Stream(StreamError::Truncated)))));
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}
