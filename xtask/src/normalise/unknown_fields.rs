//! Response objects keep the fields the document does not know yet.
//!
//! OpenRouter ships new response fields without notice. typify renders an object schema with
//! `additionalProperties: {}` as a struct with a flattened `extra` map, so a field added upstream
//! is readable (`response.extra["new_field"]`) before the next regeneration. That is done for the
//! top-level object of every success response and of every streamed event payload (the `data`
//! of the document's `{data: T}` stream envelope).
//!
//! The members of the unions listed in [`ECHOED_UNIONS`] are opened too: the client sends them
//! back to the server unchanged on the next turn, so a field it did not know must survive the
//! round trip, not only be readable.
//!
//! `additionalProperties: false` is removed everywhere: typify turns it into
//! `#[serde(deny_unknown_fields)]`, which makes one new upstream field fail a whole response.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Value, json};

use super::{Notes, ref_name, schemas_mut, walk};

/// Unions whose items a conversation echoes back: chat `reasoning_details` and the Responses
/// API's output items (sent back as the next request's input) must be returned exactly as
/// received (signatures and encrypted blobs are checked by the provider).
const ECHOED_UNIONS: &[&str] = &["ReasoningDetailUnion", "OutputItems"];

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        if s.get("additionalProperties") == Some(&Value::Bool(false)) {
            s.remove("additionalProperties");
            changed += 1;
        }
        Ok(())
    })?;
    let mut tops = BTreeSet::new();
    for (_, _, op) in crate::spec::operations(doc) {
        let Some(responses) = op.get("responses").and_then(Value::as_object) else { continue };
        for (status, r) in responses {
            if !status.starts_with('2') {
                continue;
            }
            if let Some(name) = r.pointer("/content/application~1json/schema").and_then(ref_name) {
                tops.insert(name.to_string());
            }
            let stream = r.pointer("/content/text~1event-stream/schema");
            let payload = stream.and_then(|s| {
                let s = super::resolve(doc, s);
                s.pointer("/properties/data")
            });
            if let Some(name) = payload.and_then(ref_name) {
                tops.insert(name.to_string());
            }
        }
    }
    if let Some(all) = schemas_mut(doc) {
        for union in ECHOED_UNIONS {
            let members = all.get(*union).and_then(|u| u.get("oneOf").or_else(|| u.get("anyOf"))).and_then(Value::as_array);
            tops.extend(members.into_iter().flatten().filter_map(ref_name).map(str::to_string));
        }
        for name in tops {
            let Some(s) = all.get_mut(&name).and_then(Value::as_object_mut) else { continue };
            let is_object = s.contains_key("properties") && !s.contains_key("oneOf");
            if is_object && !s.contains_key("additionalProperties") {
                s.insert("additionalProperties".into(), json!({}));
                changed += 1;
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_response_objects_and_stream_payloads() {
        let mut doc = json!({
            "paths": {"/c": {"post": {"responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Resp"}},
                "text/event-stream": {"schema": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Chunk"}}}}
            }}}}}},
            "components": {"schemas": {
                "Resp": {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false},
                "Chunk": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Other": {"type": "object", "properties": {"id": {"type": "string"}}},
            }}
        });
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 3);
        assert_eq!(doc["components"]["schemas"]["Resp"]["additionalProperties"], json!({}));
        assert_eq!(doc["components"]["schemas"]["Chunk"]["additionalProperties"], json!({}));
        assert!(doc["components"]["schemas"]["Other"].get("additionalProperties").is_none());
    }

    #[test]
    fn opens_the_members_of_echoed_unions() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "ReasoningDetailUnion": {"oneOf": [{"$ref": "#/components/schemas/Text"}]},
            "Text": {"type": "object", "properties": {"type": {"type": "string"}}},
        }}});
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(doc["components"]["schemas"]["Text"]["additionalProperties"], json!({}));
    }
}
