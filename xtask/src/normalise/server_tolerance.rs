//! In types the server sends, a missing or `null` field does not fail the response.
//!
//! The document's `required` is not a promise: about a third of recorded real responses violate
//! it (absent `system_fingerprint`, `total_count`, `workspace_id`; `null` in non-nullable fields).
//! The rule, for every schema reachable from a response (success, error or stream payload):
//! - a *tag* — an inline one-value string enum such as `type: "message"` — of a schema that is a
//!   union member stays a plain field but defaults to its only value when absent, so the member
//!   is easy to build and always writes the tag its union is told apart by (a tag behind a `$ref`
//!   cannot carry a default in OpenAPI 3.0 and stays required);
//! - a one-value enum of any other schema (`object: "chat.completion.chunk"`, a delta's `role:
//!   "assistant"`, a tool-call fragment's `type: "function"`) is optional like every other
//!   property: the server sends it on some chunks only, and a default would write it back on
//!   every chunk — a value the server never sent;
//! - every other property is optional, so typify gives it `Option<_>` (absent and `null` both
//!   become `None`), and inline property schemas are marked nullable, so arrays, maps and
//!   defaulted scalars are `Option<_>` too instead of failing on `null`;
//! - `default` is dropped: `null` means absent, and the client must not invent a value
//!   (required lists and maps are given back a plain type later, by `wire_collections`).
//!
//! Schemas that requests also use are relaxed as well: the server sends them too. A field the
//! caller truly cannot do without (a chat choice's message) is checked by the ergonomic crate,
//! which can name what is missing.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Map, Value};

use super::{Notes, reachable_components, resolve, schemas_mut, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut roots = Vec::new();
    for (_, _, op) in crate::spec::operations(doc) {
        if let Some(r) = op.get("responses") {
            roots.push(r.clone());
        }
    }
    let reachable: BTreeSet<String> = reachable_components(doc, roots.iter().cloned());
    let members = union_members(doc);
    let snapshot = doc.clone();
    let mut changed = 0;
    // Inline response schemas first, then the components responses reach.
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for m in crate::spec::METHODS {
                if let Some(responses) = item.pointer_mut(&format!("/{m}/responses")).and_then(Value::as_object_mut) {
                    for r in responses.values_mut() {
                        if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                            for media in content.values_mut() {
                                if let Some(s) = media.get_mut("schema") {
                                    walk::visit(s, "", &mut |o, _| {
                                        changed += relax(&snapshot, o, false);
                                        Ok(())
                                    })?;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(all) = schemas_mut(doc) {
        for name in &reachable {
            if let Some(s) = all.get_mut(name) {
                let member = members.contains(name);
                walk::visit(s, name, &mut |o, loc| {
                    // Only the component itself is a union member, not the objects inside it.
                    changed += relax(&snapshot, o, member && loc == name);
                    Ok(())
                })?;
            }
        }
    }
    Ok(changed)
}

/// Where the pass keeps the document's original `required` list (for the API inventory).
pub const DOCUMENT_REQUIRED: &str = "x-document-required";

/// Whether a property schema is a tag: a string enum with exactly one value.
pub fn is_tag(doc: &Value, prop: &Value) -> bool {
    let p = resolve(doc, prop);
    p.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_string())
}

/// Components some `oneOf`/`anyOf` names as a member.
fn union_members(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk_values(doc, &mut |v| {
        for key in ["oneOf", "anyOf"] {
            for m in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = super::ref_name(m) {
                    out.insert(name.to_string());
                }
            }
        }
    });
    out
}

fn walk_values(v: &Value, f: &mut dyn FnMut(&Value)) {
    f(v);
    match v {
        Value::Object(o) => o.iter().filter(|(k, _)| *k != "example" && *k != "examples").for_each(|(_, c)| walk_values(c, f)),
        Value::Array(a) => a.iter().for_each(|c| walk_values(c, f)),
        _ => {}
    }
}

fn relax(doc: &Value, s: &mut Map<String, Value>, union_member: bool) -> usize {
    let mut changed = 0;
    let props = s.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(Value::Array(req)) = s.get("required")
        && !s.contains_key(DOCUMENT_REQUIRED) {
            s.insert(DOCUMENT_REQUIRED.into(), Value::Array(req.clone()));
        }
    if let Some(Value::Array(req)) = s.get_mut("required") {
        let before = req.len();
        req.retain(|r| union_member && r.as_str().and_then(|r| props.get(r)).is_some_and(|p| p.get("$ref").is_some() && is_tag(doc, p)));
        changed += before - req.len();
        if req.is_empty() {
            s.remove("required");
        }
    }
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        for p in props.values_mut() {
            let Some(p) = p.as_object_mut() else { continue };
            let only_value = p.get("enum").and_then(Value::as_array).filter(|e| e.len() == 1).map(|e| e[0].clone());
            if let Some(v) = only_value.as_ref().filter(|_| union_member) {
                if p.get("default") != Some(v) {
                    p.insert("default".into(), v.clone());
                    changed += 1;
                }
                continue;
            }
            if p.remove("default").is_some() {
                changed += 1;
            }
            if !p.contains_key("$ref") && p.get("nullable") != Some(&Value::Bool(true)) {
                p.insert("nullable".into(), Value::Bool(true));
                changed += 1;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_tags_stay_required() {
        let mut doc = json!({
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}}}},
            "components": {"schemas": {
                "R": {"type": "object", "required": ["type", "id", "items"], "properties": {
                    "type": {"type": "string", "enum": ["r"]},
                    "id": {"type": "string"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/I"}},
                    "flag": {"type": "boolean", "default": false}
                }},
                "I": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                "RequestOnly": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                "Union": {"oneOf": [{"$ref": "#/components/schemas/R"}]},
                "Chunk": {"type": "object", "required": ["object"], "properties": {"object": {"type": "string", "enum": ["chunk"]}}},
            }}
        });
        doc["paths"]["/y"] = json!({"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}}}});
        run(&mut doc, &mut Notes::default()).unwrap();
        let s = &doc["components"]["schemas"];
        assert!(s["R"].get("required").is_none());
        assert_eq!(s["R"]["properties"]["type"]["default"], json!("r"));
        assert_eq!(s["R"]["properties"]["flag"], json!({"type": "boolean", "nullable": true}));
        assert_eq!(s["R"]["properties"]["items"]["nullable"], json!(true));
        assert!(s["R"]["properties"]["type"].get("nullable").is_none());
        assert!(s["I"].get("required").is_none());
        assert_eq!(s["RequestOnly"]["required"], json!(["n"]));
        // Not a union member: its one-value enum is optional, with no default to write back.
        assert!(s["Chunk"].get("required").is_none());
        assert!(s["Chunk"]["properties"]["object"].get("default").is_none());
        assert_eq!(s["Chunk"]["properties"]["object"]["nullable"], json!(true));
    }
}
