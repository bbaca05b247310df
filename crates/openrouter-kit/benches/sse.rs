//! The streaming layer against the baseline it cannot beat: parsing the same JSON payloads
//! directly. Run: cargo bench -p openrouter-kit --bench sse
//!
//! - `json_only`: `serde_json::from_slice` of each chunk's JSON (the floor; `from_slice` is what
//!   the client uses, so every case here does).
//! - `sse_and_json`: the same chunks as an SSE byte stream cut into 1.4 KB network reads (with
//!   keep-alive comments and CRLF), framed by `sse::Decoder`, then decoded.
//! - `sse_only`: framing alone.
//! - Responses events: decoding straight into the one member type the tag names (the floor),
//!   against the tagged `StreamEvents` (reads the tag, then decodes the member from the input).
//!
//! Wall-clock figures on a shared machine move by ±15% between runs; `decode_count` counts the
//! same work in instructions.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use openrouter_kit::sse::Decoder;
use openrouter_kit_api::types::{ChatStreamChunk, StreamEvents, TextDeltaEvent};

fn chat_payloads(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"gen-1733","object":"chat.completion.chunk","created":1733000000,"model":"openai/gpt-4o","system_fingerprint":null,"choices":[{{"index":0,"delta":{{"role":"assistant","content":"token {i} of a longer answer, with some text"}},"finish_reason":null,"logprobs":null}}]}}"#
            )
        })
        .collect()
}

fn sse_bytes(payloads: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        if i % 16 == 0 {
            out.extend_from_slice(b": OPENROUTER PROCESSING\r\n\r\n");
        }
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(p.as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
    }
    out.extend_from_slice(b"data: [DONE]\r\n\r\n");
    out
}

fn bench_chat(c: &mut Criterion) {
    let payloads = chat_payloads(1000);
    let bytes = sse_bytes(&payloads);
    let mut group = c.benchmark_group("chat_stream_1000_chunks");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("json_only", |b| {
        b.iter(|| {
            for p in &payloads {
                black_box(serde_json::from_slice::<ChatStreamChunk>(p.as_bytes()).unwrap());
            }
        })
    });
    group.bench_function("sse_and_json", |b| {
        b.iter(|| {
            let mut decoder = Decoder::new();
            for read in bytes.chunks(1400) {
                decoder.push(read);
                while let Some(event) = decoder.next_event() {
                    if event.data != "[DONE]" {
                        black_box(serde_json::from_slice::<ChatStreamChunk>(event.data.as_bytes()).unwrap());
                    }
                }
            }
        })
    });
    group.bench_function("sse_only", |b| {
        b.iter(|| {
            let mut decoder = Decoder::new();
            for read in bytes.chunks(1400) {
                decoder.push(read);
                while let Some(event) = decoder.next_event() {
                    black_box(event);
                }
            }
        })
    });
    group.finish();
}

fn bench_responses(c: &mut Criterion) {
    let payloads: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"type":"response.output_text.delta","sequence_number":{i},"item_id":"msg_1","output_index":0,"content_index":0,"delta":"token {i}","logprobs":[]}}"#))
        .collect();
    let mut group = c.benchmark_group("responses_events_1000");
    group.bench_function("member_type_directly", |b| {
        b.iter(|| {
            for p in &payloads {
                black_box(serde_json::from_slice::<TextDeltaEvent>(p.as_bytes()).unwrap());
            }
        })
    });
    group.bench_function("tagged_union", |b| {
        b.iter(|| {
            for p in &payloads {
                black_box(serde_json::from_slice::<StreamEvents>(p.as_bytes()).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_chat, bench_responses);
criterion_main!(benches);
