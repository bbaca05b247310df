//! Lossless, proved: whatever the server sends decodes into the public types, is reachable from
//! the typed value, and serializes back unchanged — also with an unknown field injected into
//! every JSON object and an unknown value put in place of every enum value.
//!
//! Fixtures: recorded-shape answers of our own that carry what the document lacks
//! (`fixtures/lossless/*.json`: chat completions with `native_finish_reason`, citations,
//! `image_tokens`, tool-call `index`; stream chunks; embeddings with `provider`; Responses
//! results and events; error bodies), every SSE fixture of the `openrouter-kit` crate, and the
//! pinned document's component examples.
//! "Unchanged" ignores key order, number spelling and explicit `null`s (absent and `null` are one
//! state); a one-value tag (`type`, `object`) that a document example omits and the type fills in
//! is allowed there (the server-tolerance rule), and counted.

use std::collections::BTreeSet;

use openrouter_kit_api::types::{
    ChatResult, ChatStreamChunk, ErrorResponse, ImageStreamingResponseData, MessagesStreamEvents, OpenResponsesResult,
    StreamEvents,
};
use openrouter_workspace_tests::{canonical, first_difference};
use serde_json::{Value, json};

#[path = "generated/component_types.rs"]
mod component_types;

/// Fixtures that are malformed on purpose (the crate's tests check that they fail without
/// ending the stream): they must still fail to decode, and are not counted.
const MALFORMED: &[&str] = &["chat_unknown.sse#1"];

/// Decode through the path the client takes (`openrouter_kit::error::decode`) and encode again.
fn via<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let typed: T = openrouter_kit::error::decode("fixture", &bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

fn decode_as(kind: &str, value: &Value) -> Result<Value, String> {
    match kind {
        "ChatResult" => via::<ChatResult>(value),
        "ChatStreamChunk" => via::<ChatStreamChunk>(value),
        "StreamEvents" => via::<StreamEvents>(value),
        "MessagesStreamEvents" => via::<MessagesStreamEvents>(value),
        "ImageStreamingResponseData" => via::<ImageStreamingResponseData>(value),
        "OpenResponsesResult" => via::<OpenResponsesResult>(value),
        "ErrorResponse" => via::<ErrorResponse>(value),
        "CreateEmbeddingsResponse" => via::<openrouter_kit_api::types::CreateEmbeddingsResponse>(value),
        "ListEndpointsResponse2" => via::<openrouter_kit_api::types::ListEndpointsResponse2>(value),
        "ModelsListResponse" => via::<openrouter_kit_api::types::ModelsListResponse>(value),
        other => component_types::round_trip(other, value).unwrap_or_else(|| Err(format!("no type for {other}"))),
    }
}

/// Every enum value the document lists (string enums), to replace with an unknown one.
fn enum_values(doc: &Value, out: &mut BTreeSet<String>) {
    match doc {
        Value::Object(o) => {
            if let Some(values) = o.get("enum").and_then(Value::as_array) {
                out.extend(values.iter().filter_map(Value::as_str).map(str::to_string));
            }
            o.iter().filter(|(k, _)| *k != "example" && *k != "examples").for_each(|(_, v)| enum_values(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| enum_values(v, out)),
        _ => {}
    }
}

#[derive(Default, Debug)]
struct Counts {
    values: usize,
    objects: usize,
    injected: usize,
    reachable: usize,
    enum_values_replaced: usize,
    equal: usize,
    filled_in_tags: usize,
    failures: Vec<String>,
}

/// `value` with `"zz_unknown_<n>": n` in every object and every enum value replaced; the JSON
/// pointers of what was injected.
fn inject(value: &Value, enums: &BTreeSet<String>, at: &str, counts: &mut Counts, injected: &mut Vec<(String, Value)>) -> Value {
    match value {
        Value::Object(o) => {
            counts.objects += 1;
            let mut out = serde_json::Map::new();
            for (k, v) in o {
                out.insert(k.clone(), inject(v, enums, &format!("{at}/{k}"), counts, injected));
            }
            let key = format!("zz_unknown_{}", injected.len());
            let marker = json!(format!("zz_unknown_value_{}", injected.len()));
            injected.push((format!("{at}/{key}"), marker.clone()));
            out.insert(key, marker);
            counts.injected += 1;
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().enumerate().map(|(i, v)| inject(v, enums, &format!("{at}/{i}"), counts, injected)).collect()),
        Value::String(s) if enums.contains(s) && !at.ends_with("/type") => {
            // Tags are left alone: an unknown tag is an unknown member, tested by its own test
            // (`Unknown` keeps the data); here the member must stay typed to show its fields keep
            // unknown keys.
            counts.enum_values_replaced += 1;
            json!(format!("zz_unknown_value_{s}"))
        }
        other => other.clone(),
    }
}

fn check(name: &str, kind: &str, value: &Value, enums: &BTreeSet<String>, allow_filled_tags: bool, counts: &mut Counts) {
    if MALFORMED.contains(&name) {
        assert!(decode_as(kind, value).is_err(), "{name} decodes now: take it off MALFORMED");
        return;
    }
    counts.values += 1;
    let compare = |input: &Value, output: &Value, counts: &mut Counts| -> Option<String> {
        let (a, b) = (canonical(input), canonical(output));
        let mut diff = first_difference(&a, &b, "");
        // A filled-in tag is allowed where a document example omitted it.
        let mut patched = b.clone();
        while let Some(d) = diff.clone().filter(|d| allow_filled_tags && examples_is_filled_in_tag(d)) {
            let at = d.split_once(": ").map(|(at, _)| at.to_string()).unwrap_or_default();
            remove_at(&mut patched, &at);
            counts.filled_in_tags += 1;
            diff = first_difference(&a, &patched, "");
        }
        diff
    };
    match decode_as(kind, value) {
        Ok(back) => {
            if let Some(d) = compare(value, &back, counts) {
                counts.failures.push(format!("{name} ({kind}) plain: {d}"));
                return;
            }
        }
        Err(e) => {
            counts.failures.push(format!("{name} ({kind}) plain: does not decode: {e}"));
            return;
        }
    }
    let mut injected = Vec::new();
    let hostile = inject(value, enums, "", counts, &mut injected);
    match decode_as(kind, &hostile) {
        Ok(back) => {
            for (pointer, marker) in &injected {
                if back.pointer(pointer) == Some(marker) {
                    counts.reachable += 1;
                } else {
                    counts.failures.push(format!("{name} ({kind}): unknown field {pointer} lost"));
                }
            }
            match compare(&hostile, &back, counts) {
                None => counts.equal += 1,
                Some(d) => counts.failures.push(format!("{name} ({kind}) injected: {d}")),
            }
        }
        Err(e) => counts.failures.push(format!("{name} ({kind}) injected: does not decode: {e}")),
    }
}

fn examples_is_filled_in_tag(difference: &str) -> bool {
    let Some((at, rest)) = difference.split_once(": ") else { return false };
    (at.ends_with("/type") || at.ends_with("/object")) && rest.starts_with('"') && rest.ends_with("\" was added")
}

fn remove_at(value: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return };
    if let Some(Value::Object(o)) = value.pointer_mut(parent) {
        o.remove(key);
    }
}

/// The `data:` payloads of an SSE fixture (not `[DONE]`).
fn sse_payloads(text: &str) -> Vec<Value> {
    let mut decoder = openrouter_kit::sse::Decoder::new();
    decoder.push(text.as_bytes());
    let mut out = Vec::new();
    while let Some(event) = decoder.next_event() {
        if let Ok(v) = serde_json::from_str::<Value>(&event.data) {
            out.push(v);
        }
    }
    if let Some(event) = decoder.finish()
        && let Ok(v) = serde_json::from_str::<Value>(&event.data) {
            out.push(v);
        }
    out
}

#[test]
fn everything_the_server_sends_survives_decoding() {
    let Some(path) = openrouter_workspace_tests::shared_document("2026-08-22") else { return };
    let doc = xtask::spec::Document::read(&path).unwrap().value;
    let mut enums = BTreeSet::new();
    enum_values(&doc, &mut enums);
    let mut counts = Counts::default();
    let root = openrouter_workspace_tests::root();

    // Our fixtures: each file is {"type": <public type>, "body": <what the server sent>}.
    let dir = root.join("tests/fixtures/lossless");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in &files {
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let kind = fixture["type"].as_str().unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        check(&name, kind, &fixture["body"], &enums, false, &mut counts);
    }
    let own = counts.values;

    // Every SSE fixture, each event as the stream decodes it.
    let sse_dir = root.join("crates/openrouter-kit/tests/fixtures");
    let mut sse: Vec<_> = std::fs::read_dir(&sse_dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "sse")).collect();
    sse.sort();
    for file in &sse {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let kind = match name.split('_').next().unwrap() {
            "chat" => "ChatStreamChunk",
            "responses" => "StreamEvents",
            "messages" => "MessagesStreamEvents",
            "images" => "ImageStreamingResponseData",
            other => panic!("an SSE fixture of an unknown kind: {other}"),
        };
        for (i, payload) in sse_payloads(&std::fs::read_to_string(file).unwrap()).iter().enumerate() {
            check(&format!("{name}#{i}"), kind, payload, &enums, false, &mut counts);
        }
    }
    let streamed = counts.values - own;

    // The document's component examples that decode into a type of their own.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else { continue };
        if component_types::round_trip(name, example).is_none() || component_types::stand_in(name).is_some() {
            continue;
        }
        check(name, name, example, &enums, true, &mut counts);
    }
    let examples = counts.values - own - streamed;

    println!(
        "lossless: {} values ({own} own fixtures, {streamed} stream events, {examples} document examples), {} objects, \
         {} unknown fields injected, {} reachable after decoding, {} enum values replaced by unknown ones, \
         {} of {} equal after re-serializing ({} filled-in tags of document examples allowed)",
        counts.values, counts.objects, counts.injected, counts.reachable, counts.enum_values_replaced, counts.equal, counts.values,
        counts.filled_in_tags
    );
    assert!(own >= 10 && streamed >= 20 && examples >= 500, "{counts:?}");
    assert!(counts.failures.is_empty(), "{} failures:\n{}", counts.failures.len(), counts.failures.join("\n"));
    assert_eq!(counts.reachable, counts.injected);
    assert_eq!(counts.equal, counts.values);
}

/// The top-level `provider` of chat answers and chunks (the document lacks it; every answer
/// carries it) is a typed field, not an unknown one: decoding it costs no map entry per chunk,
/// and it is written back where it came from.
#[test]
fn the_answering_provider_is_typed() {
    let root = openrouter_workspace_tests::root();
    let body = |file: &str| -> Value {
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(root.join("tests/fixtures/lossless").join(file)).unwrap()).unwrap();
        fixture["body"].clone()
    };
    let result: ChatResult = openrouter_kit::error::decode("chat completion", body("chat_citations.json").to_string().as_bytes()).unwrap();
    assert_eq!(result.provider.as_deref(), Some("Perplexity"));
    assert!(!result.extra.contains_key("provider"));
    assert_eq!(serde_json::to_value(&result).unwrap()["provider"], "Perplexity");

    let chunk: ChatStreamChunk = serde_json::from_value(body("stream_chunk_annotations.json")).unwrap();
    assert_eq!(chunk.provider.as_deref(), Some("OpenAI"));
    assert!(!chunk.extra.contains_key("provider"));
    assert_eq!(serde_json::to_value(&chunk).unwrap()["provider"], "OpenAI");
}
