//! Decoding work counted, not timed: run the binary under `valgrind --tool=callgrind` and read
//! its instruction count (`I refs`), which is the same on every run and under any load, unlike a
//! wall-clock figure on a shared 2-core machine. Each mode decodes 1,000 OpenRouter-shaped
//! payloads with `serde_json::from_slice`, the path `openrouter_kit::error::decode` takes:
//!
//! ```sh
//! cargo bench -p openrouter-kit --bench decode_count --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/deps/decode_count-* chat
//! ```
//!
//! Modes: `none` (payloads built, nothing decoded: subtract it), `chat` (`ChatStreamChunk`),
//! `responses` (text-delta events as `StreamEvents`), `member` (the same events as
//! `TextDeltaEvent`, the floor a tagged union cannot beat), `completed` (`response.completed`
//! events with output items as `StreamEvents`), `line N` (one 16 MiB `data:` line framed by
//! `sse::Decoder` from reads of N bytes: the framing must stay linear whatever N is).

use std::hint::black_box;

use openrouter_kit_api::types::{ChatStreamChunk, StreamEvents, TextDeltaEvent};

fn chat(i: usize) -> String {
    format!(
        r#"{{"id":"gen-1733","object":"chat.completion.chunk","created":1733000000,"model":"openai/gpt-4o","provider":"OpenAI","system_fingerprint":null,"choices":[{{"index":0,"delta":{{"role":"assistant","content":"token {i} of a longer answer, with some text"}},"finish_reason":null,"native_finish_reason":null,"logprobs":null}}]}}"#
    )
}

fn delta(i: usize) -> String {
    format!(r#"{{"type":"response.output_text.delta","sequence_number":{i},"item_id":"msg_1","output_index":0,"content_index":0,"delta":"token {i}","logprobs":[]}}"#)
}

fn completed(i: usize) -> String {
    format!(
        r#"{{"type":"response.completed","sequence_number":{i},"response":{{"id":"resp_{i}","object":"response","created_at":1733000000,"model":"openai/gpt-4o","status":"completed","output":[{{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{{"type":"output_text","text":"Hello there, {i}.","annotations":[]}}]}}],"usage":{{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}}}}"#
    )
}

fn long_line(read: usize) {
    let mut input = b"data: ".to_vec();
    input.resize(16 << 20, b'x');
    input.extend_from_slice(b"\n\n");
    let mut decoder = openrouter_kit::sse::Decoder::new();
    let mut events = 0;
    for part in input.chunks(read) {
        decoder.push(part);
        while let Some(event) = decoder.next_event() {
            events += black_box(event).data.len().min(1);
        }
    }
    assert_eq!(events, 1);
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "none".into());
    if mode == "line" {
        let read = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(8192);
        return long_line(read);
    }
    let make: fn(usize) -> String = match mode.as_str() {
        "chat" | "none" => chat,
        "responses" | "member" => delta,
        "completed" => completed,
        other => panic!("unknown mode {other}"),
    };
    let payloads: Vec<String> = (0..1000).map(make).collect();
    for p in &payloads {
        let bytes = p.as_bytes();
        match mode.as_str() {
            "chat" => drop(black_box(serde_json::from_slice::<ChatStreamChunk>(bytes).unwrap())),
            "responses" | "completed" => drop(black_box(serde_json::from_slice::<StreamEvents>(bytes).unwrap())),
            "member" => drop(black_box(serde_json::from_slice::<TextDeltaEvent>(bytes).unwrap())),
            _ => drop(black_box(bytes)),
        }
    }
}
