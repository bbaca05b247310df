//! The decode figures of `peers` as criterion groups, for criterion's statistics and its
//! change detection between runs (`peers` prints the side-by-side ratios):
//! `cargo bench --manifest-path bench/Cargo.toml --bench decode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use openrouter_bench::payloads::{self, ChatShape};
use openrouter_bench::peers;

fn chat_stream(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let body = payloads::sse_body(&payloads::chat_chunks(200, ChatShape::Text), 20, true);
    let reads = payloads::reads(&body, 1400);
    let mut group = c.benchmark_group("chat_sse_203_chunks");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("limit", |b| b.iter(|| peers::decode_limit(&reads)));
    group.bench_function("ours", |b| b.iter(|| rt.block_on(peers::decode_ours(&reads))));
    group.bench_function("eventsource_serde_json", |b| b.iter(|| rt.block_on(peers::decode_eventsource(&reads))));
    group.bench_function("async_openai", |b| b.iter(|| rt.block_on(peers::decode_async_openai(&reads))));
    group.finish();
}

fn whole(c: &mut Criterion) {
    let body = payloads::chat_completion(100);
    let mut group = c.benchmark_group("chat_completion_whole");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("limit", |b| b.iter(|| peers::decode_whole_limit(body.as_bytes())));
    group.bench_function("ours", |b| b.iter(|| peers::decode_whole_ours(body.as_bytes())));
    group.bench_function("async_openai", |b| b.iter(|| peers::decode_whole_async_openai(body.as_bytes())));
    group.bench_function("openrouter_rs", |b| b.iter(|| peers::decode_whole_openrouter_rs(body.as_bytes())));
    group.finish();
}

criterion_group!(benches, chat_stream, whole);
criterion_main!(benches);
