//! OpenRouter-shaped payloads, generated: what the service sends for a chat completion, a chat
//! stream (1-token deltas, keep-alive comments, a finish chunk and a usage chunk; optionally
//! reasoning deltas or tool-call fragments) and a Responses event sequence. Deterministic, so
//! every peer decodes the same bytes in every run.

/// Words the answers are made of; a token is one of them with its leading space.
const WORDS: &[&str] = &[
    "OpenRouter", "routes", "each", "request", "to", "a", "provider", "that", "serves", "the", "model",
    "you", "asked", "for,", "with", "fallbacks", "when", "one", "is", "down.", "Prices", "are", "per",
    "token", "and", "the", "answer", "streams", "as", "it", "is", "written", "\"quoted\"", "naïve", "café", "—",
];

/// A small deterministic generator (no dependency, same sequence everywhere).
struct Tokens(u64);

impl Iterator for Tokens {
    type Item = &'static str;
    fn next(&mut self) -> Option<&'static str> {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        Some(WORDS[(self.0 >> 33) as usize % WORDS.len()])
    }
}

/// `n` tokens of answer text, each with its leading space (as tokenizers cut them).
pub fn tokens(n: usize, seed: u64) -> Vec<String> {
    Tokens(seed).take(n).map(|w| format!(" {w}")).collect()
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

const USAGE: &str = r#"{"prompt_tokens":42,"completion_tokens":200,"total_tokens":242,"cost":0.000126,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"cost_details":{"upstream_inference_cost":null,"upstream_inference_prompt_cost":0.0000063,"upstream_inference_completions_cost":0.00012},"completion_tokens_details":{"reasoning_tokens":0,"image_tokens":0}}"#;

/// A whole chat completion as OpenRouter sends it (about 1.5 KB with the default 100 tokens).
pub fn chat_completion(answer_tokens: usize) -> String {
    let text: String = tokens(answer_tokens, 7).concat();
    format!(
        r#"{{"id":"gen-1733000000-AbCdEfGhIjKlMnOpQrSt","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion","created":1733000000,"choices":[{{"logprobs":null,"finish_reason":"stop","native_finish_reason":"stop","index":0,"message":{{"role":"assistant","content":{},"refusal":null,"reasoning":null}}}}],"system_fingerprint":"fp_0ba0d124f1","usage":{USAGE}}}"#,
        json_string(text.trim_start())
    )
}

/// What a chat stream carries besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatShape {
    /// Role chunk, one chunk per token, finish chunk, usage chunk.
    Text,
    /// Reasoning deltas (with `reasoning_details`) before the text.
    Reasoning,
    /// A tool call whose arguments arrive in fragments, instead of text.
    ToolCall,
}

fn chunk(delta: &str, finish: &str) -> String {
    format!(
        r#"{{"id":"gen-1733000000-AbCdEfGhIjKlMnOpQrSt","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1733000000,"choices":[{{"index":0,"delta":{delta},"finish_reason":{finish},"native_finish_reason":{finish},"logprobs":null}}],"system_fingerprint":"fp_0ba0d124f1"}}"#
    )
}

/// The `data:` payloads of a chat stream of `n` tokens, in order (`[DONE]` not included).
pub fn chat_chunks(n: usize, shape: ChatShape) -> Vec<String> {
    let mut out = vec![chunk(r#"{"role":"assistant","content":""}"#, "null")];
    match shape {
        ChatShape::Text => {}
        ChatShape::Reasoning => {
            for t in tokens(n / 2, 11) {
                let t = json_string(&t);
                out.push(chunk(
                    &format!(r#"{{"role":"assistant","content":"","reasoning":{t},"reasoning_details":[{{"type":"reasoning.text","text":{t},"format":"unknown","index":0}}]}}"#),
                    "null",
                ));
            }
        }
        ChatShape::ToolCall => {
            out.push(chunk(
                r#"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_0_AbCdEf","type":"function","function":{"name":"get_weather","arguments":""}}]}"#,
                "null",
            ));
            let arguments = format!(r#"{{"city":"Paris","notes":{}}}"#, json_string(&tokens(n, 13).concat()));
            let mut rest = arguments.as_str();
            while !rest.is_empty() {
                let mut cut = rest.len().min(6);
                while !rest.is_char_boundary(cut) {
                    cut += 1;
                }
                let (piece, tail) = rest.split_at(cut);
                out.push(chunk(&format!(r#"{{"tool_calls":[{{"index":0,"function":{{"arguments":{}}}}}]}}"#, json_string(piece)), "null"));
                rest = tail;
            }
            out.push(chunk(r#"{"role":"assistant","content":null}"#, r#""tool_calls""#));
            out.push(usage_chunk());
            return out;
        }
    }
    for t in tokens(n, 7) {
        out.push(chunk(&format!(r#"{{"role":"assistant","content":{}}}"#, json_string(&t)), "null"));
    }
    out.push(chunk(r#"{"role":"assistant","content":""}"#, r#""stop""#));
    out.push(usage_chunk());
    out
}

fn usage_chunk() -> String {
    format!(
        r#"{{"id":"gen-1733000000-AbCdEfGhIjKlMnOpQrSt","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1733000000,"choices":[],"usage":{USAGE}}}"#
    )
}

/// A Responses stream of `n` text deltas: created, in_progress, item and part added, the deltas,
/// text/part/item done, completed (each response object carries `"error": null`, as the service
/// sends it).
pub fn responses_events(n: usize) -> Vec<String> {
    let text = tokens(n, 7);
    let whole = json_string(text.concat().trim_start());
    let response = |status: &str, output: &str, usage: &str| {
        format!(
            r#"{{"id":"gen-1733000000-resp","object":"response","created_at":1733000000,"model":"openai/gpt-4o-mini","status":"{status}","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"metadata":{{}},"output":[{output}],"parallel_tool_calls":true,"temperature":null,"tool_choice":"auto","tools":[],"top_p":null{usage}}}"#
        )
    };
    let item = |status: &str, content: &str| {
        format!(r#"{{"type":"message","id":"msg_1","role":"assistant","status":"{status}","content":[{content}]}}"#)
    };
    let part = |t: &str| format!(r#"{{"type":"output_text","text":{t},"annotations":[],"logprobs":[]}}"#);
    let mut seq = 0..;
    let mut next = || seq.next().expect("endless");
    let mut out = vec![
        format!(r#"{{"type":"response.created","sequence_number":{},"response":{}}}"#, next(), response("in_progress", "", "")),
        format!(r#"{{"type":"response.in_progress","sequence_number":{},"response":{}}}"#, next(), response("in_progress", "", "")),
        format!(r#"{{"type":"response.output_item.added","sequence_number":{},"output_index":0,"item":{}}}"#, next(), item("in_progress", "")),
        format!(
            r#"{{"type":"response.content_part.added","sequence_number":{},"item_id":"msg_1","output_index":0,"content_index":0,"part":{}}}"#,
            next(),
            part(r#""""#)
        ),
    ];
    for t in &text {
        out.push(format!(
            r#"{{"type":"response.output_text.delta","sequence_number":{},"item_id":"msg_1","output_index":0,"content_index":0,"delta":{},"logprobs":[]}}"#,
            next(),
            json_string(t)
        ));
    }
    out.push(format!(
        r#"{{"type":"response.output_text.done","sequence_number":{},"item_id":"msg_1","output_index":0,"content_index":0,"text":{whole},"logprobs":[]}}"#,
        next()
    ));
    out.push(format!(
        r#"{{"type":"response.content_part.done","sequence_number":{},"item_id":"msg_1","output_index":0,"content_index":0,"part":{}}}"#,
        next(),
        part(&whole)
    ));
    let done = item("completed", &part(&whole));
    out.push(format!(r#"{{"type":"response.output_item.done","sequence_number":{},"output_index":0,"item":{done}}}"#, next()));
    let usage = format!(
        r#","usage":{{"input_tokens":42,"input_tokens_details":{{"cached_tokens":0}},"output_tokens":{n},"output_tokens_details":{{"reasoning_tokens":0}},"total_tokens":{},"cost":0.000126}}"#,
        42 + n
    );
    out.push(format!(r#"{{"type":"response.completed","sequence_number":{},"response":{}}}"#, next(), response("completed", &done, &usage)));
    out
}

/// The payloads as an SSE body the way OpenRouter frames it: a keep-alive comment before the
/// first event and after every `keep_alive_every` events, `\n\n` between events, `[DONE]` last
/// (chat only; OpenRouter ends Responses streams with it too).
pub fn sse_body(payloads: &[String], keep_alive_every: usize, done: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        if i % keep_alive_every == 0 {
            out.extend_from_slice(b": OPENROUTER PROCESSING\n\n");
        }
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(p.as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    if done {
        out.extend_from_slice(b"data: [DONE]\n\n");
    }
    out
}

/// A body cut into network reads of `size` bytes (a TLS record is at most 16 KiB; 1.4 KB is one
/// TCP segment).
pub fn reads(body: &[u8], size: usize) -> Vec<bytes::Bytes> {
    body.chunks(size).map(bytes::Bytes::copy_from_slice).collect()
}
