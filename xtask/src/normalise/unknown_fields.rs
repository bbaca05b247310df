//! Every object keeps the fields the document does not know yet, at every depth.
//!
//! OpenRouter ships new fields without notice, and on every level (top level, choices, usage,
//! deltas, stream events): `native_finish_reason` on choices, `annotations` on messages,
//! `image_tokens` in usage details were all sent long before the document had them. A client
//! that keeps unknown fields only at the top level still loses them, silently. So every object
//! schema with properties gets `additionalProperties: {}`: typify renders it as a struct with an
//! `extra` map, the lean decoder (`lean_deserialize!` in `templates/support.rs`) routes unknown
//! keys into it, and `Serialize` writes them back — what the server sent comes back unchanged,
//! and a request can carry a field the document lacks at any depth (`reasoning.max_tokens`).
//!
//! `additionalProperties: false` is removed everywhere: typify turns it into
//! `#[serde(deny_unknown_fields)]`, which makes one new upstream field fail a whole response.
//!
//! Objects that already say what their other keys hold (`additionalProperties: {schema}`) keep
//! that; unions are left to their members.

use anyhow::Result;
use serde_json::{Value, json};

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        if s.get("additionalProperties") == Some(&Value::Bool(false)) {
            s.remove("additionalProperties");
            changed += 1;
        }
        let has_properties = s.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        let is_union = ["oneOf", "anyOf", "allOf"].iter().any(|k| s.contains_key(*k));
        if has_properties && !is_union && !s.contains_key("additionalProperties") {
            s.insert("additionalProperties".into(), json!({}));
            changed += 1;
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_every_object_at_every_depth() {
        let mut doc = json!({
            "paths": {"/c": {"post": {"responses": {"200": {"content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "inline": {"type": "object", "properties": {"n": {"type": "integer"}}}
                }}}
            }}}}}},
            "components": {"schemas": {
                "Resp": {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": false},
                "Nested": {"type": "object", "properties": {"usage": {"type": "object", "properties": {"n": {"type": "integer"}}}}},
                "Map": {"type": "object", "additionalProperties": {"type": "string"}},
                "Typed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "number"}},
                "Union": {"oneOf": [{"$ref": "#/components/schemas/Resp"}], "properties": {"x": {}}},
            }}
        });
        // Resp: false removed + opened; Nested and its usage; the inline response and its child.
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 6);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Resp"]["additionalProperties"], json!({}));
        assert_eq!(s["Nested"]["properties"]["usage"]["additionalProperties"], json!({}));
        assert_eq!(s["Map"]["additionalProperties"], json!({"type": "string"}));
        assert_eq!(s["Typed"]["additionalProperties"], json!({"type": "number"}));
        assert!(s["Union"].get("additionalProperties").is_none());
        let inline = &doc["paths"]["/c"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(inline["properties"]["inline"]["additionalProperties"], json!({}));
    }
}
