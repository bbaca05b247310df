//! The same work done by each client, the way its documentation says to do it. Every function
//! returns what it decoded (a count, a text length) so that the runner can check that all peers
//! did the same work before it compares their times.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::StreamExt;
use openrouter_kit_api::types::{ChatResult, ChatStreamChunk};

pub const MODEL: &str = "openai/gpt-4o-mini";
pub const PROMPT: &str = "In two sentences: what does OpenRouter do?";
const KEY: &str = "sk-or-v1-bench-0000000000000000000000000000000000000000000000000000";

/// The floor of SSE decoding: split lines with memchr, decode every `data:` line into `T` with
/// `serde_json::from_slice`. No event assembly beyond one line per event, no comments kept, no
/// error checks: what a decoder cannot do less than.
pub struct LimitDecoder {
    pending: Vec<u8>,
}

impl LimitDecoder {
    pub fn new() -> Self {
        Self { pending: Vec::new() }
    }

    /// Feeds one read; calls `each` with every decoded `data:` payload.
    pub fn push<T: serde::de::DeserializeOwned>(&mut self, read: &[u8], mut each: impl FnMut(T)) {
        let mut rest = read;
        if !self.pending.is_empty() {
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.pending.extend_from_slice(rest);
                return;
            };
            self.pending.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.pending);
            line_data(&line, &mut each);
            rest = &rest[end + 1..];
        }
        while let Some(end) = memchr::memchr(b'\n', rest) {
            line_data(&rest[..end], &mut each);
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
    }
}

impl Default for LimitDecoder {
    fn default() -> Self {
        Self::new()
    }
}

fn line_data<T: serde::de::DeserializeOwned>(line: &[u8], each: &mut impl FnMut(T)) {
    if let Some(data) = line.strip_prefix(b"data: ") {
        if data != b"[DONE]" {
            each(serde_json::from_slice(data).expect("the payloads decode"));
        }
    }
}

/// Chat SSE decode, the floor: [`LimitDecoder`] into `ChatStreamChunk`.
pub fn decode_limit(reads: &[Bytes]) -> usize {
    let mut decoder = LimitDecoder::new();
    let mut n = 0;
    for read in reads {
        decoder.push(read, |c: ChatStreamChunk| n += std::hint::black_box(c).choices.wire().eq(&openrouter_kit_api::Wire::Sent) as usize);
    }
    n
}

fn replay(reads: &[Bytes]) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::iter(reads.to_vec().into_iter().map(Ok))
}

/// Chat SSE decode, ours: `EventStream` (the type `chat().stream()` returns) over the same reads,
/// with the client's default idle timeout armed.
pub async fn decode_ours(reads: &[Bytes]) -> usize {
    let mut events = openrouter_kit::EventStream::<ChatStreamChunk>::from_byte_stream(replay(reads), Some(std::time::Duration::from_secs(120)));
    let mut n = 0;
    while let Some(chunk) = events.next().await {
        n += std::hint::black_box(chunk.expect("the payloads decode")).choices.wire().eq(&openrouter_kit_api::Wire::Sent) as usize;
    }
    n
}

/// Chat SSE decode with `eventsource-stream` (what async-openai frames with) and
/// `serde_json::from_str` into the same type.
pub async fn decode_eventsource(reads: &[Bytes]) -> usize {
    decode_with_eventsource::<ChatStreamChunk>(reads).await
}

/// async-openai's own stream path: `eventsource-stream`, then `serde_json::from_str` into its
/// `CreateChatCompletionStreamResponse`.
pub async fn decode_async_openai(reads: &[Bytes]) -> usize {
    decode_with_eventsource::<async_openai::types::chat::CreateChatCompletionStreamResponse>(reads).await
}

/// Frames with `eventsource-stream` until `[DONE]`, decodes each event as `T`; the count.
async fn decode_with_eventsource<T: serde::de::DeserializeOwned>(reads: &[Bytes]) -> usize {
    use eventsource_stream::Eventsource as _;
    let source = futures_util::stream::iter(reads.to_vec().into_iter().map(Ok::<_, Infallible>));
    let mut events = source.eventsource();
    let mut n = 0;
    while let Some(event) = events.next().await {
        let event = event.expect("the payloads frame");
        if event.data == "[DONE]" {
            break;
        }
        let chunk: T = serde_json::from_str(&event.data).expect("the payloads decode");
        std::hint::black_box(chunk);
        n += 1;
    }
    n
}

/// Whole-answer decode, ours: the function `chat().create()` decodes with.
pub fn decode_whole_ours(body: &[u8]) -> usize {
    let result: ChatResult = openrouter_kit::error::decode("chat completion", body).expect("the payload decodes");
    result.text().len()
}

/// Whole-answer decode, the floor: `serde_json::from_slice` into the same type.
pub fn decode_whole_limit(body: &[u8]) -> usize {
    let result: ChatResult = serde_json::from_slice(body).expect("the payload decodes");
    result.text().len()
}

/// Whole-answer decode into async-openai's `CreateChatCompletionResponse` (its own type).
pub fn decode_whole_async_openai(body: &[u8]) -> usize {
    let result: async_openai::types::chat::CreateChatCompletionResponse = serde_json::from_slice(body).expect("the payload decodes");
    result.choices[0].message.content.as_deref().map_or(0, str::len)
}

/// Whole-answer decode into openrouter-rs's `CompletionsResponse` (its own type).
pub fn decode_whole_openrouter_rs(body: &[u8]) -> usize {
    let result: openrouter_rs::types::completion::CompletionsResponse = serde_json::from_slice(body).expect("the payload decodes");
    result.choices[0].content().map_or(0, str::len)
}

/// The clients under test, each pointed at the loopback server.
pub struct Peers {
    pub ours: openrouter_kit::Client,
    pub raw: reqwest::Client,
    pub async_openai: async_openai::Client<async_openai::config::OpenAIConfig>,
    pub openrouter_rs: openrouter_rs::OpenRouterClient,
    url: String,
}

impl Peers {
    pub fn new(url: &str) -> Self {
        let ours = openrouter_kit::Client::builder().api_key(KEY).base_url(url).build().expect("our client");
        let raw = reqwest::Client::new();
        let config = async_openai::config::OpenAIConfig::new().with_api_base(url).with_api_key(KEY);
        let async_openai = async_openai::Client::with_config(config);
        let openrouter_rs = openrouter_rs::OpenRouterClient::builder().base_url(url).api_key(KEY).build().expect("openrouter-rs client");
        Self { ours, raw, async_openai, openrouter_rs, url: format!("{url}/chat/completions") }
    }

    pub async fn create_ours(&self) -> usize {
        let request = openrouter_kit::ChatRequestBuilder::new(MODEL).user(PROMPT).build().expect("a request");
        self.ours.chat().create(&request).await.expect("an answer").text().len()
    }

    /// The floor: the request JSON written with `serde_json`, sent with reqwest, the answer read
    /// and decoded into the same type as ours with `serde_json::from_slice`.
    pub async fn create_raw(&self) -> usize {
        let response = self
            .raw
            .post(&self.url)
            .bearer_auth(KEY)
            .json(&serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": false}))
            .send()
            .await
            .expect("a response");
        let bytes = response.bytes().await.expect("a body");
        let result: ChatResult = serde_json::from_slice(&bytes).expect("an answer");
        result.text().len()
    }

    pub async fn create_async_openai(&self) -> usize {
        use async_openai::types::chat::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs};
        let message = ChatCompletionRequestUserMessageArgs::default().content(PROMPT).build().expect("a message");
        let request = CreateChatCompletionRequestArgs::default().model(MODEL).messages([message.into()]).build().expect("a request");
        let response = self.async_openai.chat().create(request).await.expect("an answer");
        response.choices[0].message.content.as_deref().map_or(0, str::len)
    }

    pub async fn create_openrouter_rs(&self) -> usize {
        use openrouter_rs::api::chat::{ChatCompletionRequest, Message};
        use openrouter_rs::types::Role;
        let request = ChatCompletionRequest::builder().model(MODEL).messages(vec![Message::new(Role::User, PROMPT)]).build().expect("a request");
        let response = self.openrouter_rs.chat().create(&request).await.expect("an answer");
        response.choices[0].content().map_or(0, str::len)
    }

    pub async fn stream_ours(&self) -> usize {
        let request = openrouter_kit::ChatRequestBuilder::new(MODEL).user(PROMPT).build().expect("a request");
        let mut events = self.ours.chat().stream(&request).await.expect("a stream");
        let mut n = 0;
        while let Some(chunk) = events.next().await {
            std::hint::black_box(chunk.expect("a chunk"));
            n += 1;
        }
        n
    }

    /// The floor: reqwest's byte stream through [`LimitDecoder`].
    pub async fn stream_raw(&self) -> usize {
        let body = serde_json::to_vec(&serde_json::json!({"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": true}))
            .expect("JSON");
        let response = self
            .raw
            .post(&self.url)
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("a response");
        let mut reads = response.bytes_stream();
        let mut decoder = LimitDecoder::new();
        let mut n = 0;
        while let Some(read) = reads.next().await {
            decoder.push(&read.expect("a read"), |c: ChatStreamChunk| {
                std::hint::black_box(c);
                n += 1;
            });
        }
        n
    }

    pub async fn stream_async_openai(&self) -> usize {
        use async_openai::types::chat::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs};
        let message = ChatCompletionRequestUserMessageArgs::default().content(PROMPT).build().expect("a message");
        let request = CreateChatCompletionRequestArgs::default().model(MODEL).messages([message.into()]).build().expect("a request");
        let mut events = self.async_openai.chat().create_stream(request).await.expect("a stream");
        let mut n = 0;
        while let Some(chunk) = events.next().await {
            std::hint::black_box(chunk.expect("a chunk"));
            n += 1;
        }
        n
    }

    pub async fn stream_openrouter_rs(&self) -> usize {
        use openrouter_rs::api::chat::{ChatCompletionRequest, Message};
        use openrouter_rs::types::Role;
        let request = ChatCompletionRequest::builder().model(MODEL).messages(vec![Message::new(Role::User, PROMPT)]).build().expect("a request");
        let mut events = self.openrouter_rs.chat().stream(&request).await.expect("a stream");
        let mut n = 0;
        while let Some(chunk) = events.next().await {
            std::hint::black_box(chunk.expect("a chunk"));
            n += 1;
        }
        n
    }
}
