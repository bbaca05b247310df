//! Success responses → one JSON body (or raw bytes) per operation.
//!
//! progenitor picks `application/json` and ignores `text/event-stream` silently; a 200 offering
//! both would give no hint that the operation streams. The pass keeps only the JSON body when
//! there is one, and records every operation that also streams, so the summary lists them and
//! the ergonomic crate owns streaming (it decides by the response's content type). A body with no
//! JSON form (`audio/*`, `video/mp4`, `application/octet-stream`, a stream only) is left alone:
//! progenitor returns it as a byte stream. Several 2xx statuses with different bodies would
//! panic progenitor (`response_types.len() <= 1`) and are an error here.

use anyhow::{Result, bail};
use serde_json::Value;

use super::Notes;
use crate::spec::METHODS;

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(0) };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method) else { continue };
            let op_id = op.get("operationId").and_then(Value::as_str).unwrap_or(path).to_string();
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { continue };
            let mut kinds = Vec::new();
            for (status, r) in responses.iter_mut() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) else {
                    kinds.push(Value::Null);
                    continue;
                };
                if let Some(stream) = content.get("text/event-stream") {
                    notes.streaming.insert(op_id.clone());
                    super::walk::for_each_ref(stream, &mut |name| {
                        notes.stream_roots.insert(name.to_string());
                    });
                }
                if content.contains_key("application/json") && content.len() > 1 {
                    content.retain(|k, _| k == "application/json");
                    changed += 1;
                }
                kinds.push(content.get("application/json").map_or(Value::from("raw"), |m| m["schema"].clone()));
            }
            kinds.dedup();
            if kinds.len() > 1 {
                bail!("{op_id}: its 2xx responses have different bodies; add a rule to normalise/success_responses.rs");
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_json_and_records_streams() {
        let mut doc = json!({"paths": {"/c": {"post": {"operationId": "chat", "responses": {"200": {"content": {
            "application/json": {"schema": {"type": "object"}},
            "text/event-stream": {"schema": {"type": "object"}}
        }}}}}}});
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 1);
        assert_eq!(doc["paths"]["/c"]["post"]["responses"]["200"]["content"].as_object().unwrap().len(), 1);
        assert!(notes.streaming.contains("chat"));
        let mut doc = json!({"paths": {"/c": {"post": {"operationId": "chat", "responses": {"200": {"content": {
            "text/event-stream": {"schema": {"properties": {"data": {"$ref": "#/components/schemas/Chunk"}}}}
        }}}}}}});
        run(&mut doc, &mut notes).unwrap();
        assert!(notes.stream_roots.contains("Chunk"));
        let mut bad = json!({"paths": {"/c": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "202": {"content": {"application/json": {"schema": {"type": "string"}}}}}}}}});
        assert!(run(&mut bad, &mut notes).is_err());
    }
}
