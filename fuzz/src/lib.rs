//! The properties the fuzzers check, one function per target (the libFuzzer targets in
//! `fuzz_targets/` and the structured fuzzer in `benches/structured.rs` call the same ones).
//! Each panics when a property fails; a panic is what libFuzzer reports as a crash.
//!
//! - [`sse`]: `sse::Decoder` under arbitrary read boundaries (owned and shared reads mixed,
//!   events taken at once or later) gives the events of [`reference::decode`].
//! - [`event_stream`]: `EventStream` of every streamed type over arbitrary reads ends, never
//!   yields more items than there are events, and never hangs.
//! - [`error_body`]: `ApiError` from any status, headers and body, and the `Retry-After`
//!   parsers: no panic, the raw body within `BODY_SNIPPET`, the retry hint never negative.
//! - [`decode`]: every decode entry of the public API (`openrouter_kit::error::decode` into the types
//!   the client returns): a value that decodes encodes to JSON that decodes to the same value.

pub mod reference;

use arbitrary::Unstructured;
use bytes::Bytes;
use futures_util::{FutureExt as _, StreamExt as _};

/// How the input is cut into reads and fed: (length of the read, how to push it).
fn reads(mut u: Unstructured<'_>) -> (Vec<(usize, u8)>, &[u8]) {
    let cuts: Vec<(u16, u8)> = u.arbitrary().unwrap_or_default();
    let body = u.take_rest();
    (cuts.into_iter().map(|(len, how)| (usize::from(len % 512) + 1, how)).collect(), body)
}

/// `body` in the pieces `cuts` describes (the rest in one piece).
fn pieces<'a>(cuts: &[(usize, u8)], body: &'a [u8]) -> Vec<(&'a [u8], u8)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(len, how) in cuts {
        if at >= body.len() {
            break;
        }
        let end = (at + len).min(body.len());
        out.push((&body[at..end], how));
        at = end;
    }
    if at < body.len() {
        out.push((&body[at..], 0));
    }
    out
}

/// The decoder's events for `body` cut as `cuts` says.
pub fn decoded(cuts: &[(usize, u8)], body: &[u8]) -> Vec<openrouter_kit::sse::Event> {
    let mut decoder = openrouter_kit::sse::Decoder::new();
    let mut events = Vec::new();
    for (piece, how) in pieces(cuts, body) {
        if how & 1 == 0 {
            decoder.push(piece);
        } else {
            decoder.push_bytes(Bytes::copy_from_slice(piece));
        }
        // Taking events later (after more pushes) is another path through the decoder.
        if how & 2 == 0 {
            events.extend(std::iter::from_fn(|| decoder.next_event()));
        }
        assert!(decoder.pending_bytes() <= body.len(), "the decoder holds more than it was given");
    }
    events.extend(std::iter::from_fn(|| decoder.next_event()));
    // The end of input: whatever `finish` makes of the rest, it must not panic.
    let _ = decoder.finish();
    events
}

pub fn sse(data: &[u8]) {
    let (cuts, body) = reads(Unstructured::new(data));
    check_sse(&cuts, body);
}

/// The decoder agrees with the reference on `body` cut as `cuts` says.
pub fn check_sse(cuts: &[(usize, u8)], body: &[u8]) {
    let ours = decoded(cuts, body);
    let expected = reference::decode(body);
    assert_eq!(ours, expected, "the decoder and the reference disagree on {:?}", String::from_utf8_lossy(body));
}

#[derive(Debug)]
struct ReadFailed;

impl std::fmt::Display for ReadFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the source failed")
    }
}

impl std::error::Error for ReadFailed {}

fn drain<T: openrouter_kit::EventData>(cuts: &[(usize, u8)], body: &[u8], fail_at_end: bool, max_event: usize) -> usize {
    let mut reads: Vec<Result<Bytes, ReadFailed>> = pieces(cuts, body).into_iter().map(|(p, _)| Ok(Bytes::copy_from_slice(p))).collect();
    if fail_at_end {
        reads.push(Err(ReadFailed));
    }
    let mut stream = openrouter_kit::EventStream::<T>::from_byte_stream(futures_util::stream::iter(reads), None).max_event_bytes(max_event);
    let mut items = 0;
    loop {
        // The source is always ready, so each item is too: `None` here would be a hang.
        let next = stream.next().now_or_never().expect("an event stream over ready bytes never waits");
        match next {
            Some(_) => items += 1,
            None => return items,
        }
        assert!(items <= body.len() + 2, "more items than bytes");
    }
}

pub fn event_stream(data: &[u8]) {
    use openrouter_kit_api::types::{ChatStreamChunk, ImageStreamingResponseData, MessagesStreamEvents, StreamEvents};
    let mut u = Unstructured::new(data);
    let which: u8 = u.arbitrary().unwrap_or_default();
    let max_event = usize::from(u.arbitrary::<u16>().unwrap_or(u16::MAX)).max(1);
    let (cuts, body) = reads(u);
    let fail = which & 0x10 != 0;
    let items = match which % 4 {
        0 => drain::<ChatStreamChunk>(&cuts, body, fail, max_event),
        1 => drain::<StreamEvents>(&cuts, body, fail, max_event),
        2 => drain::<MessagesStreamEvents>(&cuts, body, fail, max_event),
        _ => drain::<ImageStreamingResponseData>(&cuts, body, fail, max_event),
    };
    // At most one item per event, plus one for how the stream ended (and one for a failed source).
    let events = reference::decode(body).len() + 1;
    assert!(items <= events + 2, "{items} items from {events} events");
}

/// Header names an error answer is read for, to pick from (any other name works too).
const NAMES: &[&str] = &[
    "retry-after",
    "retry-after-ms",
    "x-generation-id",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "content-type",
    "x-sdk-original-status",
    "x-sdk-original-body",
];

pub fn error_body(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let status = u.int_in_range(100..=999u16).unwrap_or(500);
    let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers = http::HeaderMap::new();
    let count: u8 = u.int_in_range(0..=6).unwrap_or(0);
    for _ in 0..count {
        let pick: u8 = u.arbitrary().unwrap_or_default();
        let value: &[u8] = u.arbitrary().unwrap_or_default();
        let name = match NAMES.get(usize::from(pick)) {
            Some(name) => http::HeaderName::from_static(name),
            None => match http::HeaderName::from_bytes(value.get(..value.len() / 2).unwrap_or_default()) {
                Ok(name) => name,
                Err(_) => continue,
            },
        };
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let body = u.take_rest();
    let error = openrouter_kit::ApiError::from_response(status, &headers, body);
    if let Some(raw) = &error.raw_body {
        assert!(raw.len() <= openrouter_kit::error::BODY_SNIPPET, "a raw body of {} bytes", raw.len());
    }
    let _ = (error.to_string(), format!("{error:?}"), error.is_retryable(), error.effective_status());
    let _ = openrouter_kit::error::retry_after(&headers);
    for operation in ["sendChatCompletionRequest", "createResponses", "getCredits", "listModels"] {
        let _ = openrouter_kit::error::error_body(body, operation);
    }
    let _ = openrouter_kit::error::error_event(body);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let _ = openrouter_kit::error::body_retry_after(&value);
    }
}

/// Decodes `bytes` as `T` the way the client does; a value that decodes must encode to JSON
/// that decodes to the same value (nothing the type kept is lost on the way back).
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) {
    let Ok(value) = openrouter_kit::error::decode::<T>("fuzz", bytes) else { return };
    let once = serde_json::to_vec(&value).expect("a decoded value encodes");
    let again: T = openrouter_kit::error::decode("fuzz", &once).unwrap_or_else(|e| panic!("{} does not decode again: {e}", String::from_utf8_lossy(&once)));
    let twice = serde_json::to_vec(&again).expect("a decoded value encodes");
    assert_eq!(String::from_utf8_lossy(&once), String::from_utf8_lossy(&twice), "the value changed on its way back");
}

pub fn decode(data: &[u8]) {
    use openrouter_kit_api::types as t;
    let Some((&which, json)) = data.split_first() else { return };
    match which % 12 {
        0 => round_trip::<t::ChatResult>(json),
        1 => round_trip::<t::ChatStreamChunk>(json),
        2 => round_trip::<t::StreamEvents>(json),
        3 => round_trip::<t::OpenResponsesResult>(json),
        4 => round_trip::<t::MessagesResult>(json),
        5 => round_trip::<t::MessagesStreamEvents>(json),
        6 => round_trip::<t::ImageGenerationResponse>(json),
        7 => round_trip::<t::ImageStreamingResponseData>(json),
        8 => round_trip::<t::CreateEmbeddingsResponse>(json),
        9 => round_trip::<t::ModelsListResponse>(json),
        10 => round_trip::<t::ErrorResponse>(json),
        _ => round_trip::<t::VideoGenerationResponse>(json),
    }
}
