//! The structured fuzzer: OpenRouter-shaped event streams built from a grammar (keep-alives,
//! data lines of real chunk shapes and of junk, `event:`/`id:`/`retry:` fields of every form,
//! each line ending, a byte-order mark, invalid UTF-8, NULs), cut into random reads, and checked
//! with the same properties as the libFuzzer targets. Bounded: it runs a fixed number of
//! executions from a seed, so a run is repeatable.
//!
//! `cargo bench --manifest-path fuzz/Cargo.toml --bench structured -- --iterations N --seed S`

use std::time::Instant;

const PAYLOADS: &[&str] = &[
    r#"{"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"openai/gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
    r#"{"id":"gen-1","choices":[{"index":0,"delta":{"reasoning":"think","reasoning_details":[{"type":"reasoning.text","text":"t"}]}}]}"#,
    r#"{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
    r#"{"id":"gen-1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cost":0.0001}}"#,
    r#"{"error":{"code":502,"message":"provider down","metadata":{"provider_name":"X"}}}"#,
    r#"{"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[]}"#,
    r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"status":"in_progress","model":"m","output":[],"error":null}}"#,
    r#"{"type":"a.brand.new.event","sequence_number":9,"new_field":{"x":[1,2.5,null,true]}}"#,
    r#"{"choices":[{"index":0,"delta":{"content":"\ud83d\ude00 \u0000"}}],"unknown":{"deep":{"er":1e300}}}"#,
    "[DONE]",
    "",
    "{not json",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: enough for choosing grammar productions.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn junk(rng: &mut Rng) -> Vec<u8> {
    const POOL: &[&[u8]] = &[b"\xff", b"\xe2\x82", b"\xf0\x9f\x98\x80", b"\0", b":", b" ", b"data", b"\xef\xbb\xbf", b"x", b"{", b"\""];
    (0..rng.below(8)).flat_map(|_| rng.pick(POOL).to_vec()).collect()
}

/// One stream of the grammar.
fn stream(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.below(8) == 0 {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    const ENDINGS: &[&[u8]] = &[b"\n", b"\n", b"\r\n", b"\r"];
    const TYPES: &[&[u8]] = &[b"", b" message", b" error", b"ping"];
    const IDS: &[&[u8]] = &[b"7", b"", b"a\0b"];
    const RETRIES: &[&[u8]] = &[b"1500", b"99999999999999999999999", b"-1", b"1e3", b""];
    for _ in 0..rng.below(40) {
        let line: Vec<u8> = match rng.below(12) {
            0 => b": OPENROUTER PROCESSING".to_vec(),
            1..=4 => [b"data: ".as_slice(), rng.pick(PAYLOADS).as_bytes()].concat(),
            5 => [b"data:".as_slice(), &junk(rng)].concat(),
            6 => [b"event:".as_slice(), rng.pick(TYPES), &junk(rng)].concat(),
            7 => [b"id: ".as_slice(), rng.pick(IDS)].concat(),
            8 => [b"retry: ".as_slice(), rng.pick(RETRIES)].concat(),
            9 => junk(rng),
            _ => Vec::new(), // a blank line: dispatch
        };
        out.extend_from_slice(&line);
        out.extend_from_slice(rng.pick(ENDINGS));
    }
    out
}

fn cuts(rng: &mut Rng, len: usize) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < len {
        let size = match rng.below(4) {
            0 => 1,
            1 => 1 + rng.below(8),
            2 => 1 + rng.below(128),
            _ => 1 + rng.below(4096),
        };
        out.push((size, rng.below(4) as u8));
        at += size;
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<u64>().ok());
    let iterations = flag("--iterations").unwrap_or(200_000);
    let seed = flag("--seed").unwrap_or(1).max(1);
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..iterations {
        let body = stream(&mut rng);
        let cuts = cuts(&mut rng, body.len());
        bytes += body.len();
        openrouter_fuzz::check_sse(&cuts, &body);
        // The same stream as a typed stream of each kind, and each event's data as a value.
        let mut input = vec![rng.below(256) as u8, 0xff, 0xff];
        input.extend_from_slice(&body);
        openrouter_fuzz::event_stream(&input);
        for event in openrouter_fuzz::reference::decode(&body) {
            let mut data = vec![rng.below(256) as u8];
            data.extend_from_slice(event.data.as_bytes());
            openrouter_fuzz::decode(&data);
            openrouter_fuzz::error_body(&data);
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "structured fuzzer: {iterations} executions (seed {seed}, {:.1} MB of streams), 0 failures, {:.0} executions/s",
        bytes as f64 / 1e6,
        iterations as f64 / took
    );
}
