//! Every figure of the comparison, in one run: decode CPU time, call latency and throughput,
//! time to the last chunk of a stream, peak memory, and (with `--compile`) clean-build time.
//!
//! ```sh
//! cargo bench --manifest-path bench/Cargo.toml --bench peers [-- --quick|--smoke] [--count] [--compile] [--only chat,responses,whole,calls,memory]
//! ```
//!
//! Each comparison runs its cases in interleaved rounds and reports medians (see
//! `openrouter_bench::measure`); before timing, every case's result is checked against the
//! floor's, so a peer that did less work cannot look faster. Memory figures come from child
//! processes (one per peer and scenario), each reading its own peak RSS.

use std::time::{Duration, Instant};

use bytes::Bytes;
use openrouter_bench::measure::{Case, Clock, compare, peak_rss_bytes, show};
use openrouter_bench::payloads::{self, ChatShape};
use openrouter_bench::peers::{self, Peers};
use openrouter_bench::server::{self, Answers};

struct Settings {
    rounds: usize,
    quick: bool,
    compile: bool,
}

/// A figure of the summary: what it is, our ratio, the target, which way is better.
struct Figure {
    what: String,
    ours: f64,
    peers: Vec<(&'static str, f64)>,
    target: Option<(f64, bool)>,
}

fn main() {
    if let Ok(child) = std::env::var("OPENROUTER_BENCH_CHILD") {
        return memory_child(&child);
    }
    if let Ok(what) = std::env::var("OPENROUTER_BENCH_PROFILE") {
        return profile(&what);
    }
    if let Ok(case) = std::env::var("OPENROUTER_BENCH_COUNT") {
        return counted_child(&case);
    }
    openrouter_bench::measure::pin_to_cpu(0);
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    // `--smoke` (CI): every section once with the fewest iterations, to prove that every peer
    // still builds, runs and decodes the same; its figures mean nothing.
    let smoke = has("--smoke");
    let quick = has("--quick") || smoke;
    let settings = Settings { rounds: if smoke { 1 } else if quick { 3 } else { 31 }, quick, compile: has("--compile") };
    // `--only a,b` runs some sections: chat, responses, whole, calls, memory.
    let only: Option<Vec<String>> =
        args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).map(|v| v.split(',').map(str::to_string).collect());
    let run = |section: &str| only.as_ref().is_none_or(|o| o.iter().any(|s| s == section));
    let mut figures = Vec::new();
    if run("chat") {
        decode_chat(&settings, &mut figures);
    }
    if run("responses") {
        decode_responses(&settings, &mut figures);
    }
    if run("whole") {
        decode_whole(&settings, &mut figures);
    }
    if run("calls") {
        calls(&settings, &mut figures);
    }
    if run("memory") {
        memory(&settings, &mut figures);
    }
    if has("--count") {
        counted(&mut figures);
    }
    if settings.compile {
        compile(&mut figures);
    }
    summary(&figures);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// Prints one comparison; returns each case's median relative to the first case's.
fn report(title: &str, names: &[&str], medians: &[Duration], per: &str) -> Vec<f64> {
    println!("\n{title}");
    let floor = medians[0].as_secs_f64();
    let mut ratios = Vec::new();
    for (name, m) in names.iter().zip(medians) {
        let ratio = m.as_secs_f64() / floor;
        ratios.push(ratio);
        println!("  {name:<42} {:>10} {per}  {ratio:>5.2}×", show(*m));
    }
    ratios
}

/// Reads the way a live stream arrives (each event, and each keep-alive, in its own read), or
/// cut into `size`-byte reads.
/// The reads are leaked into static memory: a replayed read is then a `Bytes` without a
/// reference count, so replaying costs the peers (all of which take `Bytes`) next to nothing.
fn event_reads(body: &[u8]) -> Vec<Bytes> {
    let body: &'static [u8] = Box::leak(body.to_vec().into_boxed_slice());
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(end) = memchr::memmem::find(rest, b"\n\n") {
        out.push(Bytes::from_static(&rest[..end + 2]));
        rest = &rest[end + 2..];
    }
    out
}

fn sized_reads(body: &[u8], size: usize) -> Vec<Bytes> {
    let body: &'static [u8] = Box::leak(body.to_vec().into_boxed_slice());
    body.chunks(size).map(Bytes::from_static).collect()
}

/// One decode path alone, for a profiler: `OPENROUTER_BENCH_PROFILE=ours|limit|eventsource|
/// responses-ours|responses-floor|none|create-ours|create-raw|create-async-openai|create-cpu` runs it over the text stream (or the Responses events),
/// one event per read, 200 times; under `valgrind --tool=callgrind` the instruction counts
/// (minus `none`) compare the paths whatever the machine's load. `create-*` prints the client
/// thread's CPU time per call; `sizes` prints the sizes of the call futures and of the types
/// they carry (what a move copies).
fn profile(what: &str) {
    let rt = runtime();
    if what == "sizes" {
        let peers = Peers::new("http://127.0.0.1:9");
        let request = openrouter_kit::ChatRequestBuilder::new(peers::MODEL).user(peers::PROMPT).build().expect("a request");
        println!("ours create future {} bytes", std::mem::size_of_val(&peers.ours.chat().create(&request)));
        println!("ours stream future {} bytes", std::mem::size_of_val(&peers.ours.chat().stream(&request)));
        println!("raw create future {} bytes", std::mem::size_of_val(&peers.create_raw()));
        println!("ours bench create future {} bytes", std::mem::size_of_val(&peers.create_ours()));
        println!("async-openai create future {} bytes", std::mem::size_of_val(&peers.create_async_openai()));
        println!(
            "Result<ChatResult, Error> {} Error {} reqwest::Request {} reqwest::Response {}",
            std::mem::size_of::<Result<openrouter_kit_api::types::ChatResult, openrouter_kit::Error>>(),
            std::mem::size_of::<openrouter_kit::Error>(),
            std::mem::size_of::<reqwest::Request>(),
            std::mem::size_of::<reqwest::Response>()
        );
        println!("ChatResult {} ChatRequest {} ChatStreamChunk {}", std::mem::size_of::<openrouter_kit_api::types::ChatResult>(), std::mem::size_of::<openrouter_kit_api::types::ChatRequest>(), std::mem::size_of::<openrouter_kit_api::types::ChatStreamChunk>());
        return;
    }
    if what == "create-cpu" {
        return create_cpu(&rt);
    }
    if let Some(peer) = what.strip_prefix("create-") {
        let url = server::start(Answers::new(payloads::chat_completion(100), Bytes::new()));
        let peers = Peers::new(&url);
        let calls: u32 = std::env::var("OPENROUTER_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(2000);
        openrouter_bench::measure::pin_to_cpu(0);
        // `OPENROUTER_BENCH_TASKS=64`: the calls shared by that many concurrent tasks.
        let tasks: u32 = std::env::var("OPENROUTER_BENCH_TASKS").ok().and_then(|n| n.parse().ok()).unwrap_or(1);
        let one = |peers: &'static Peers| async move {
            match peer {
                "ours" => peers.create_ours().await,
                "raw" => peers.create_raw().await,
                "async-openai" => peers.create_async_openai().await,
                "openrouter-rs" => peers.create_openrouter_rs().await,
                other => panic!("unknown peer {other}"),
            }
        };
        let peers: &'static Peers = Box::leak(Box::new(peers));
        let (cpu, wall) = (openrouter_bench::measure::thread_cpu(), std::time::Instant::now());
        rt.block_on(async {
            let each = (0..tasks).map(|_| async {
                for _ in 0..calls.div_ceil(tasks) {
                    std::hint::black_box(one(peers).await);
                }
            });
            futures_util::future::join_all(each).await;
        });
        // The client's own CPU time (the server runs on another thread): an A/B figure steadier
        // than wall time on a shared machine.
        let calls = f64::from(calls.div_ceil(tasks) * tasks);
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / calls;
        eprintln!("{peer}: {:.2} µs client CPU, {:.2} µs wall per call", per(openrouter_bench::measure::thread_cpu() - cpu), per(wall.elapsed()));
        return;
    }
    let body = payloads::sse_body(&payloads::chat_chunks(200, ChatShape::Text), 20, true);
    let reads = event_reads(&body);
    let responses = event_reads(&payloads::sse_body(&payloads::responses_events(200), 20, true));
    for _ in 0..200 {
        let n = match what {
            "ours" => rt.block_on(peers::decode_ours(&reads)),
            "limit" => peers::decode_limit(&reads),
            "eventsource" => rt.block_on(peers::decode_eventsource(&reads)),
            "responses-ours" => rt.block_on(responses_ours(responses.clone())),
            "responses-floor" => responses_floor(&responses),
            // The payloads built, nothing decoded: subtract it from the others.
            "none" => reads.len() + responses.len(),
            other => panic!("unknown path {other}"),
        };
        std::hint::black_box(n);
    }
}

/// `OPENROUTER_BENCH_PROFILE=create-cpu`: the client thread's CPU time per sequential
/// `chat().create()` call of each peer, split into user and system time, in one process with
/// the peers' blocks of calls interleaved (a process of its own per peer varies more between
/// runs than the peers differ). Wall time per call includes the loopback server's share; CPU
/// time is the client's alone, so this tells a client's own cost from a slow moment.
fn create_cpu(rt: &tokio::runtime::Runtime) {
    use openrouter_bench::measure::{thread_cpu, thread_user_sys};
    let url = server::start(Answers::new(payloads::chat_completion(100), Bytes::new()));
    let peers = Peers::new(&url);
    openrouter_bench::measure::pin_to_cpu(0);
    let names = ["raw reqwest + serde_json", "ours", "async-openai", "openrouter-rs"];
    let (rounds, calls) = (40, 500u32);
    // user, system, CPU, wall; the first round warms and is not counted.
    let mut totals = [[Duration::ZERO; 4]; 4];
    for round in 0..rounds {
        for k in 0..names.len() {
            let i = (k + round) % names.len();
            let ((user, system), cpu, wall) = (thread_user_sys(), thread_cpu(), std::time::Instant::now());
            rt.block_on(async {
                for _ in 0..calls {
                    std::hint::black_box(match i {
                        0 => peers.create_raw().await,
                        1 => peers.create_ours().await,
                        2 => peers.create_async_openai().await,
                        _ => peers.create_openrouter_rs().await,
                    });
                }
            });
            let (user_after, system_after) = thread_user_sys();
            if round > 0 {
                let spent = [user_after - user, system_after - system, thread_cpu() - cpu, wall.elapsed()];
                for (total, d) in totals[i].iter_mut().zip(spent) {
                    *total += d;
                }
            }
        }
    }
    let counted = f64::from(calls) * (rounds - 1) as f64;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / counted;
    println!("sequential chat().create(), client thread, µs per call ({} calls each)", counted);
    for (name, t) in names.iter().zip(totals) {
        let ratio = t[2].as_secs_f64() / totals[0][2].as_secs_f64();
        println!("  {name:28} user {:6.2}  system {:6.2}  CPU {:6.2} ({ratio:.2}×)  wall {:6.2}", per(t[0]), per(t[1]), per(t[2]), per(t[3]));
    }
}

/// One decode case in a child process, for instruction counting: `shape:reads:path`, with
/// `shape` text|reasoning|tool|responses|whole, `reads` event|1400, `path` the peer (`none`:
/// the inputs built, nothing decoded); or `create:-:peer`, calls on loopback.
fn counted_child(case: &str) {
    let mut parts = case.split(':');
    let (shape, reads, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let rt = runtime();
    if shape == "create" {
        // A loopback server in this process (its work is counted too, the same for every
        // peer), one connection, then `CREATE_CALLS` sequential calls (none for `none`).
        let url = server::start(Answers::new(payloads::chat_completion(100), Bytes::new()));
        let peers = Peers::new(&url);
        let calls = if path == "none" { 0 } else { CREATE_CALLS };
        rt.block_on(async {
            for _ in 0..calls {
                let n = match path {
                    "raw" => peers.create_raw().await,
                    "ours" => peers.create_ours().await,
                    "async-openai" => peers.create_async_openai().await,
                    "openrouter-rs" => peers.create_openrouter_rs().await,
                    other => panic!("unknown peer {other}"),
                };
                std::hint::black_box(n);
            }
        });
        return;
    }
    let body = match shape {
        "text" => payloads::sse_body(&payloads::chat_chunks(200, ChatShape::Text), 20, true),
        "reasoning" => payloads::sse_body(&payloads::chat_chunks(200, ChatShape::Reasoning), 20, true),
        "tool" => payloads::sse_body(&payloads::chat_chunks(200, ChatShape::ToolCall), 20, true),
        "responses" => payloads::sse_body(&payloads::responses_events(200), 20, true),
        "whole" => payloads::chat_completion(100).into_bytes(),
        other => panic!("unknown shape {other}"),
    };
    let reads = if reads == "1400" { sized_reads(&body, 1400) } else { event_reads(&body) };
    for _ in 0..100 {
        let n = match (shape, path) {
            (_, "none") => reads.len() + body.len(),
            ("whole", "limit") => (0..20).map(|_| peers::decode_whole_limit(&body)).sum(),
            ("whole", "ours") => (0..20).map(|_| peers::decode_whole_ours(&body)).sum(),
            ("whole", "async-openai") => (0..20).map(|_| peers::decode_whole_async_openai(&body)).sum(),
            ("whole", "openrouter-rs") => (0..20).map(|_| peers::decode_whole_openrouter_rs(&body)).sum(),
            ("responses", "floor") => responses_floor(&reads),
            ("responses", "ours") => rt.block_on(responses_ours(reads.clone())),
            (_, "limit") => peers::decode_limit(&reads),
            (_, "ours") => rt.block_on(peers::decode_ours(&reads)),
            (_, "eventsource") => rt.block_on(peers::decode_eventsource(&reads)),
            (_, "async-openai") => rt.block_on(peers::decode_async_openai(&reads)),
            other => panic!("unknown case {other:?}"),
        };
        std::hint::black_box(n);
    }
}

/// The decode figures again as instruction counts under callgrind (each case in a child, minus
/// the same child decoding nothing): the same on every run whatever else the machine does,
/// where CPU time on a shared 2-core machine moves by ±15% between runs.
fn counted(figures: &mut Vec<Figure>) {
    let exe = std::env::current_exe().expect("this program's path");
    let count = |case: &str| -> f64 {
        let out = std::process::Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&exe)
            .env("OPENROUTER_BENCH_COUNT", case)
            .output()
            .expect("valgrind (Debian's valgrind package) runs");
        let text = String::from_utf8_lossy(&out.stderr);
        let refs = text.lines().find_map(|l| l.split("I   refs:").nth(1)).unwrap_or_else(|| panic!("no count for {case}: {text}"));
        refs.trim().replace(',', "").parse().expect("a count")
    };
    println!("\ndecode work in instructions (callgrind; 100 streams or 2,000 bodies, minus building the input)");
    let cases: [(&str, &str, &str, &[&str]); 8] = [
        ("text", "event", "chat text, one event per read", &["limit", "ours", "eventsource", "async-openai"]),
        ("text", "1400", "chat text, 1.4 KB reads", &["limit", "ours", "eventsource", "async-openai"]),
        ("reasoning", "event", "chat reasoning, one event per read", &["limit", "ours", "eventsource", "async-openai"]),
        ("reasoning", "1400", "chat reasoning, 1.4 KB reads", &["limit", "ours", "eventsource", "async-openai"]),
        ("tool", "event", "chat tool-call fragments, one event per read", &["limit", "ours", "eventsource", "async-openai"]),
        ("tool", "1400", "chat tool-call fragments, 1.4 KB reads", &["limit", "ours", "eventsource", "async-openai"]),
        ("responses", "event", "Responses events, one per read", &["floor", "ours"]),
        ("whole", "event", "whole chat completion", &["limit", "ours", "async-openai", "openrouter-rs"]),
    ];
    for (shape, reads, label, paths) in cases {
        let base = count(&format!("{shape}:{reads}:none"));
        let counts: Vec<f64> = paths.iter().map(|p| count(&format!("{shape}:{reads}:{p}")) - base).collect();
        let line: Vec<String> = paths.iter().zip(&counts).map(|(p, c)| format!("{p} {:.1} M ({:.2}×)", c / 1e6, c / counts[0])).collect();
        println!("  {label:<46} {}", line.join(", "));
        let peers = paths.iter().zip(&counts).skip(2).map(|(p, c)| (*p, c / counts[0])).collect();
        let (target, what) = match shape {
            "responses" => (Some((1.15, true)), "Responses events vs member-type floor, instructions".to_string()),
            "whole" => (None, "whole ChatResult decode vs from_slice, instructions".to_string()),
            _ => (Some((1.1, true)), format!("{label} vs limit, instructions")),
        };
        figures.push(Figure { what, ours: counts[1] / counts[0], peers, target });
        if paths.get(2) == Some(&"eventsource") {
            println!("  {:<46} ours is {:.2}× less work than eventsource-stream + serde_json", "", counts[2] / counts[1]);
        }
    }

    // The call itself: wall time on a shared 2-core machine moves by ±5% from run to run, more
    // than the peers differ by; the work of a call does not.
    println!("\ncall work in instructions (callgrind; {CREATE_CALLS} sequential chat().create() calls, client and loopback server, minus a child that makes none)");
    let base = count("create:-:none");
    let paths = ["raw", "ours", "async-openai", "openrouter-rs"];
    let per_call: Vec<f64> = paths.iter().map(|p| (count(&format!("create:-:{p}")) - base) / f64::from(CREATE_CALLS)).collect();
    let line: Vec<String> = paths.iter().zip(&per_call).map(|(p, c)| format!("{p} {:.1} K ({:.2}×)", c / 1e3, c / per_call[0])).collect();
    println!("  {:<46} {}", "per call", line.join(", "));
    let peers = paths.iter().zip(&per_call).skip(2).map(|(p, c)| (*p, c / per_call[0])).collect();
    figures.push(Figure { what: "chat().create() call work vs raw, instructions".into(), ours: per_call[1] / per_call[0], peers, target: None });
}

/// Calls per counted create child: enough that connecting once is lost in the average.
const CREATE_CALLS: u32 = 2000;

fn decode_chat(settings: &Settings, figures: &mut Vec<Figure>) {
    let rt = runtime();
    let iterations = if settings.quick { 5 } else { 40 };
    for (shape, label) in [(ChatShape::Text, "text"), (ChatShape::Reasoning, "reasoning"), (ChatShape::ToolCall, "tool-call fragments")] {
        let chunks = payloads::chat_chunks(200, shape);
        let body = payloads::sse_body(&chunks, 20, true);
        for (reads, how) in [(event_reads(&body), "one event per read"), (sized_reads(&body, 1400), "1.4 KB reads")] {
            let expected = peers::decode_limit(&reads);
            assert_eq!(expected, chunks.len(), "the floor decodes every chunk");
            assert_eq!(rt.block_on(peers::decode_ours(&reads)), expected, "ours decodes every chunk");
            assert_eq!(rt.block_on(peers::decode_eventsource(&reads)), expected);
            assert_eq!(rt.block_on(peers::decode_async_openai(&reads)), expected);
            let reads = &reads;
            let rt = &rt;
            let mut cases = [
                Case::new("limit (memchr + from_slice)", move |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(peers::decode_limit(reads)); }))),
                Case::new("ours (EventStream)", move |n| {
                    Clock::Cpu.time(|| rt.block_on(async { for _ in 0..n { peers::decode_ours(reads).await; } }))
                }),
                Case::new("eventsource-stream + serde_json", move |n| {
                    Clock::Cpu.time(|| rt.block_on(async { for _ in 0..n { peers::decode_eventsource(reads).await; } }))
                }),
                Case::new("async-openai's path (its own type)", move |n| {
                    Clock::Cpu.time(|| rt.block_on(async { for _ in 0..n { peers::decode_async_openai(reads).await; } }))
                }),
            ];
            let medians = compare(&mut cases, settings.rounds, iterations);
            let names: Vec<_> = cases.iter().map(|c| c.name).collect();
            let title = format!("chat SSE decode into ChatStreamChunk, {label}, {} chunks, {how} (CPU time per stream)", chunks.len());
            let r = report(&title, &names, &medians, "/stream");
            println!("  ours is {:.2}× faster than eventsource-stream + serde_json", r[2] / r[1]);
            figures.push(Figure {
                what: format!("chat SSE decode vs limit ({label}, {how})"),
                ours: r[1],
                peers: vec![("eventsource-stream + serde_json", r[2]), ("async-openai", r[3])],
                target: Some((1.1, true)),
            });
        }
    }
}

/// The floor of a tagged union: each payload decoded straight into the member its tag names.
fn decode_member(data: &[u8]) -> usize {
    use openrouter_kit_api::types::*;
    let tag_start = b"{\"type\":\"".len();
    let tag_end = tag_start + memchr::memchr(b'"', &data[tag_start..]).expect("a tag");
    macro_rules! member {
        ($t:ty) => {{ drop(std::hint::black_box(serde_json::from_slice::<$t>(data).expect("a member"))); 1 }};
    }
    match &data[tag_start..tag_end] {
        b"response.created" => member!(OpenResponsesCreatedEvent),
        b"response.in_progress" => member!(OpenResponsesInProgressEvent),
        b"response.output_item.added" => member!(StreamEventsResponseOutputItemAdded),
        b"response.content_part.added" => member!(ContentPartAddedEvent),
        b"response.output_text.delta" => member!(TextDeltaEvent),
        b"response.output_text.done" => member!(TextDoneEvent),
        b"response.content_part.done" => member!(ContentPartDoneEvent),
        b"response.output_item.done" => member!(StreamEventsResponseOutputItemDone),
        b"response.completed" => member!(StreamEventsResponseCompleted),
        other => panic!("the generator made an event the floor does not know: {}", String::from_utf8_lossy(other)),
    }
}

fn responses_floor(reads: &[Bytes]) -> usize {
    // Each read is one whole event here, so a line split is all the framing there is.
    let mut n = 0;
    for read in reads {
        for line in read.split(|b| *b == b'\n') {
            if let Some(data) = line.strip_prefix(b"data: ").filter(|d| *d != b"[DONE]") {
                n += decode_member(data);
            }
        }
    }
    n
}

async fn responses_ours(reads: Vec<Bytes>) -> usize {
    use futures_util::StreamExt as _;
    let source = futures_util::stream::iter(reads.into_iter().map(Ok::<_, std::io::Error>));
    let mut stream = openrouter_kit::EventStream::<openrouter_kit_api::types::StreamEvents>::from_byte_stream(source, Some(Duration::from_secs(120)));
    let mut n = 0;
    while let Some(event) = stream.next().await {
        drop(std::hint::black_box(event.expect("an event")));
        n += 1;
    }
    n
}

fn decode_responses(settings: &Settings, figures: &mut Vec<Figure>) {
    let rt = runtime();
    let events = payloads::responses_events(200);
    let body = payloads::sse_body(&events, 20, true);
    let reads = event_reads(&body);
    let (floor, ours) = (responses_floor, responses_ours);
    assert_eq!(floor(&reads), events.len());
    assert_eq!(rt.block_on(ours(reads.clone())), events.len());
    let iterations = if settings.quick { 5 } else { 40 };
    let (reads, rt) = (&reads, &rt);
    let mut cases = [
        Case::new("floor (member types, from_slice)", move |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(floor(reads)); }))),
        Case::new("ours (EventStream<StreamEvents>)", move |n| {
            Clock::Cpu.time(|| rt.block_on(async { for _ in 0..n { ours(reads.clone()).await; } }))
        }),
    ];
    let medians = compare(&mut cases, settings.rounds, iterations);
    let names: Vec<_> = cases.iter().map(|c| c.name).collect();
    let title = format!("Responses events decode, {} events (created … 200 deltas … completed), one per read (CPU time per stream)", events.len());
    let r = report(&title, &names, &medians, "/stream");
    figures.push(Figure { what: "Responses events vs member-type floor".into(), ours: r[1], peers: vec![], target: Some((1.15, true)) });
}

fn decode_whole(settings: &Settings, figures: &mut Vec<Figure>) {
    let body = payloads::chat_completion(100);
    let body = body.as_bytes();
    let expected = peers::decode_whole_limit(body);
    assert!(expected > 0);
    assert_eq!(peers::decode_whole_ours(body), expected);
    assert_eq!(peers::decode_whole_async_openai(body), expected);
    assert_eq!(peers::decode_whole_openrouter_rs(body), expected);
    let iterations = if settings.quick { 200 } else { 4000 };
    let mut cases = [
        Case::new("limit (from_slice into ChatResult)", |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(peers::decode_whole_limit(body)); }))),
        Case::new("ours (openrouter_kit::error::decode)", |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(peers::decode_whole_ours(body)); }))),
        Case::new("async-openai (its own type)", |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(peers::decode_whole_async_openai(body)); }))),
        Case::new("openrouter-rs (its own type)", |n| Clock::Cpu.time(|| (0..n).for_each(|_| { std::hint::black_box(peers::decode_whole_openrouter_rs(body)); }))),
    ];
    let medians = compare(&mut cases, settings.rounds, iterations);
    let names: Vec<_> = cases.iter().map(|c| c.name).collect();
    let r = report(&format!("whole chat completion decode, {} bytes (CPU time per body)", body.len()), &names, &medians, "/body");
    figures.push(Figure {
        what: "whole ChatResult decode vs from_slice".into(),
        ours: r[1],
        peers: vec![("async-openai", r[2]), ("openrouter-rs", r[3])],
        target: None,
    });
}

fn calls(settings: &Settings, figures: &mut Vec<Figure>) {
    let chunks = payloads::chat_chunks(200, ChatShape::Text);
    let url = server::start(Answers::new(payloads::chat_completion(100), payloads::sse_body(&chunks, 20, true)));
    let peers = Peers::new(&url);
    let rt = runtime();
    let p = &peers;
    // The same answer through every client first.
    let expected = rt.block_on(p.create_raw());
    assert_eq!(rt.block_on(p.create_ours()), expected);
    assert_eq!(rt.block_on(p.create_async_openai()), expected);
    assert_eq!(rt.block_on(p.create_openrouter_rs()), expected);
    assert_eq!(rt.block_on(p.stream_raw()), chunks.len());
    assert_eq!(rt.block_on(p.stream_ours()), chunks.len());
    assert_eq!(rt.block_on(p.stream_async_openai()), chunks.len());
    assert_eq!(rt.block_on(p.stream_openrouter_rs()), chunks.len());

    let rt = &rt;
    macro_rules! sequential {
        ($name:expr, $call:ident) => {
            Case::new($name, move |n| {
                Clock::Wall.time(|| rt.block_on(async { for _ in 0..n { p.$call().await; } }))
            })
        };
    }
    let iterations = if settings.quick { 20 } else { 200 };
    let mut cases = [
        sequential!("raw reqwest + serde_json", create_raw),
        sequential!("ours (chat().create)", create_ours),
        sequential!("async-openai (chat().create)", create_async_openai),
        sequential!("openrouter-rs (chat().create)", create_openrouter_rs),
    ];
    let medians = compare(&mut cases, settings.rounds, iterations);
    let names: Vec<_> = cases.iter().map(|c| c.name).collect();
    let r = report("sequential chat completion on loopback (wall time per call)", &names, &medians, "/call");
    figures.push(Figure {
        what: "sequential create latency vs raw".into(),
        ours: r[1],
        peers: vec![("async-openai", r[2]), ("openrouter-rs", r[3])],
        target: Some((1.05, true)),
    });

    macro_rules! concurrent {
        ($name:expr, $call:ident) => {
            Case::new($name, move |n| {
                Clock::Wall.time(|| {
                    rt.block_on(async {
                        let per_task = n.div_ceil(64);
                        let tasks = (0..64).map(|_| async move {
                            for _ in 0..per_task {
                                p.$call().await;
                            }
                        });
                        futures_util::future::join_all(tasks).await;
                    })
                })
            })
        };
    }
    let iterations = if settings.quick { 64 } else { 640 };
    let mut cases = [
        concurrent!("raw reqwest + serde_json", create_raw),
        concurrent!("ours", create_ours),
        concurrent!("async-openai", create_async_openai),
        concurrent!("openrouter-rs", create_openrouter_rs),
    ];
    let medians = compare(&mut cases, settings.rounds, iterations);
    let names: Vec<_> = cases.iter().map(|c| c.name).collect();
    let r = report("64 concurrent chat completions (wall time per call; throughput is the inverse)", &names, &medians, "/call");
    let throughput = |x: f64| 1.0 / x;
    println!("  throughput vs raw: ours {:.2}×, async-openai {:.2}×, openrouter-rs {:.2}×", throughput(r[1]), throughput(r[2]), throughput(r[3]));
    figures.push(Figure {
        what: "throughput at 64 concurrent vs raw".into(),
        ours: throughput(r[1]),
        peers: vec![("async-openai", throughput(r[2])), ("openrouter-rs", throughput(r[3]))],
        target: Some((0.95, false)),
    });

    let iterations = if settings.quick { 10 } else { 100 };
    let mut cases = [
        sequential!("raw reqwest + limit decoder", stream_raw),
        sequential!("ours (chat().stream)", stream_ours),
        sequential!("async-openai (create_stream)", stream_async_openai),
        sequential!("openrouter-rs (chat().stream)", stream_openrouter_rs),
    ];
    let medians = compare(&mut cases, settings.rounds, iterations);
    let names: Vec<_> = cases.iter().map(|c| c.name).collect();
    let title = format!("time to the last chunk of a {}-chunk stream on loopback (wall time per stream)", chunks.len());
    let r = report(&title, &names, &medians, "/stream");
    figures.push(Figure {
        what: "stream time to last chunk vs raw".into(),
        ours: r[1],
        peers: vec![("async-openai", r[2]), ("openrouter-rs", r[3])],
        target: Some((1.1, true)),
    });
}

const MEMORY_PEERS: [&str; 4] = ["raw", "ours", "async-openai", "openrouter-rs"];

/// Runs in a child process: one scenario with one peer, then prints `peak <bytes> chunks <n>`.
fn memory_child(spec: &str) {
    let mut parts = spec.split(':');
    let (scenario, peer) = (parts.next().expect("a scenario"), parts.next().expect("a peer"));
    // `one`: megabytes in the stream; `many`: how many streams.
    let size: usize = parts.next().and_then(|n| n.parse().ok()).expect("a size");
    let block_chunks = payloads::chat_chunks(200, ChatShape::Text);
    let (answers, streams) = match scenario {
        // 100 MB of small events: the 203-chunk stream's events without its end, repeated.
        "one" => {
            let mut block = payloads::sse_body(&block_chunks[1..201], 20, false);
            let repeat = (size << 20) / block.len();
            block.shrink_to_fit();
            let answers = Answers { whole: Bytes::new(), stream: block.into(), repeat, tail: Bytes::from_static(b"data: [DONE]\n\n") };
            (answers, 1)
        }
        "many" => (Answers::new(Bytes::new(), payloads::sse_body(&block_chunks, 20, true)), size),
        other => panic!("unknown scenario {other}"),
    };
    let url = server::start(answers);
    let peers = Peers::new(&url);
    let rt = runtime();
    let p = &peers;
    let chunks: usize = rt.block_on(async {
        let one = |_| async move {
            match peer {
                "raw" => p.stream_raw().await,
                "ours" => p.stream_ours().await,
                "async-openai" => p.stream_async_openai().await,
                "openrouter-rs" => p.stream_openrouter_rs().await,
                other => panic!("unknown peer {other}"),
            }
        };
        futures_util::future::join_all((0..streams).map(one)).await.into_iter().sum()
    });
    println!("peak {} chunks {chunks}", peak_rss_bytes());
}

fn memory(settings: &Settings, figures: &mut Vec<Figure>) {
    let exe = std::env::current_exe().expect("this program's path");
    let rounds = if settings.quick { 1 } else { 3 };
    let (megabytes, streams) = if settings.rounds == 1 { (8, 100) } else { (100, 1000) };
    for (scenario, size, title) in [
        ("one", megabytes, format!("peak RSS, one {megabytes} MB stream")),
        ("many", streams, format!("peak RSS, {streams} concurrent 203-chunk streams")),
    ] {
        println!("\n{title} (a child process per peer, median of {rounds})");
        let mut results = Vec::new();
        for peer in MEMORY_PEERS {
            let mut peaks = Vec::new();
            let mut chunks = 0;
            for _ in 0..rounds {
                let out = std::process::Command::new(&exe)
                    .env("OPENROUTER_BENCH_CHILD", format!("{scenario}:{peer}:{size}"))
                    .output()
                    .expect("the child runs");
                assert!(out.status.success(), "{peer}: {}", String::from_utf8_lossy(&out.stderr));
                let text = String::from_utf8_lossy(&out.stdout);
                let words: Vec<&str> = text.split_whitespace().collect();
                peaks.push(words[1].parse::<u64>().expect("a peak"));
                chunks = words[3].parse::<usize>().expect("a count");
            }
            peaks.sort();
            let peak = peaks[peaks.len() / 2];
            println!("  {peer:<16} {:>7.1} MB  ({chunks} chunks)", peak as f64 / 1e6);
            results.push((peer, peak, chunks));
        }
        let expected = results[0].2;
        for (peer, _, chunks) in &results {
            assert_eq!(*chunks, expected, "{peer} decoded every chunk");
        }
        let raw = results[0].1 as f64;
        let ours = results[1].1 as f64;
        let peers = results[2..].iter().map(|(p, b, _)| (*p, *b as f64 / raw)).collect();
        if scenario == "one" {
            figures.push(Figure { what: format!("peak RSS one {size} MB stream, MB"), ours: ours / 1e6, peers: vec![], target: Some((20.0, true)) });
            figures.push(Figure { what: format!("peak RSS one {size} MB stream vs raw"), ours: ours / raw, peers, target: None });
        } else {
            figures.push(Figure { what: format!("peak RSS {size} streams vs raw"), ours: ours / raw, peers, target: Some((1.1, true)) });
        }
    }
}

/// Clean debug builds, interleaved: a program using our crate with its default features, and
/// one using async-openai with `chat-completion,responses`, each with its own target directory.
fn compile(figures: &mut Vec<Figure>) {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf();
    let scratch = std::env::temp_dir().join(format!("openrouter-bench-compile-{}", std::process::id()));
    let ours_dep = format!("openrouter-kit = {{ path = {:?} }}", repo.join("crates/openrouter-kit"));
    let projects = [
        ("ours (default features)", "ours", ours_dep),
        ("async-openai (chat-completion,responses)", "peer", r#"async-openai = { version = "0.43", features = ["chat-completion", "responses"] }"#.to_string()),
    ];
    for (_, dir, dep) in &projects {
        let root = scratch.join(dir);
        std::fs::create_dir_all(root.join("src")).expect("a scratch project");
        std::fs::write(root.join("Cargo.toml"), format!("[package]\nname = \"{dir}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n{dep}\n"))
            .expect("a manifest");
        std::fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("a main");
        let fetched = std::process::Command::new("cargo").arg("fetch").current_dir(&root).status().expect("cargo");
        assert!(fetched.success(), "cargo fetch in the scratch project");
    }
    let rounds = 2;
    let mut times = vec![Vec::new(); projects.len()];
    let mut peaks = vec![Vec::new(); projects.len()];
    println!("\nclean debug build (cargo build, CARGO_INCREMENTAL=0, {rounds} interleaved rounds)");
    for round in 0..rounds {
        for i in 0..projects.len() {
            let root = scratch.join(projects[i].1);
            let _ = std::fs::remove_dir_all(root.join("target"));
            let start = Instant::now();
            let out = std::process::Command::new("/usr/bin/time")
                .args(["-f", "%M", "cargo", "build", "--quiet", "--offline"])
                .env("CARGO_INCREMENTAL", "0")
                .current_dir(&root)
                .output()
                .expect("/usr/bin/time and cargo");
            let elapsed = start.elapsed();
            assert!(out.status.success(), "{}: {}", projects[i].0, String::from_utf8_lossy(&out.stderr));
            let peak_kb: u64 = String::from_utf8_lossy(&out.stderr).lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
            println!("  round {round}: {:<42} {:>6.1} s  peak RSS {:.2} GB", projects[i].0, elapsed.as_secs_f64(), peak_kb as f64 / 1e6);
            times[i].push(elapsed);
            peaks[i].push(peak_kb);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let ours = openrouter_bench::measure::median(times[0].clone()).as_secs_f64();
    let peer = openrouter_bench::measure::median(times[1].clone()).as_secs_f64();
    println!("  ours / async-openai: {:.2}×", ours / peer);
    figures.push(Figure { what: "clean debug build vs async-openai".into(), ours: ours / peer, peers: vec![], target: Some((0.8, true)) });
}

fn summary(figures: &[Figure]) {
    println!("\nsummary (ours; peers in the same run; target)");
    let mut missed = 0;
    for f in figures {
        let peers: Vec<String> = f.peers.iter().map(|(n, v)| format!("{n} {v:.2}")).collect();
        let verdict = match f.target {
            Some((t, lower_is_better)) => {
                let met = if lower_is_better { f.ours <= t } else { f.ours >= t };
                missed += usize::from(!met);
                format!("{} {}{t}", if met { "met" } else { "MISSED" }, if lower_is_better { "≤ " } else { "≥ " })
            }
            None => String::new(),
        };
        println!("  {:<52} ours {:>6.2}   {:<60} {verdict}", f.what, f.ours, peers.join(", "));
    }
    println!("{missed} target(s) missed");
}
