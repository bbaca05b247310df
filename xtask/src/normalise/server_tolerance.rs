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
//! - `default` is dropped: `null` means absent, and the client must not invent a value;
//! - except: a list the document requires, of named or scalar items, stays a required field of
//!   type `List<T>` (see `templates/support.rs`): it reads as a plain `Vec` (absent and `null`
//!   are empty) and remembers which of the three it was, so it serializes back as it came;
//!   a required map of any JSON values (`additionalProperties: {}`) likewise becomes `Object`.
//!   Lists of inline items keep `Option<Vec<_>>`: the extension that names `List` cannot name
//!   an inline item type.
//!
//! Schemas that requests also use are relaxed as well: the server sends them too. A field the
//! caller truly cannot do without (a chat choice's message) is checked by the ergonomic crate,
//! which can name what is missing.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Map, Value};

use super::{Notes, reachable_components, resolve, schemas_mut, walk};

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
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
                                        changed += relax(&snapshot, o, false, &mut notes.wire_collections);
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
                    changed += relax(&snapshot, o, member && loc == name, &mut notes.wire_collections);
                    Ok(())
                })?;
            }
        }
    }
    Ok(changed)
}

/// The typify extension naming the Rust type of a schema.
pub const WIRE_TYPE: &str = "x-rust-type";

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

/// The crate `x-rust-type` extensions name: the generated crate itself (the generator rewrites
/// the path to `crate::`).
pub const API_CRATE: &str = "openrouter-kit-api";

/// The type a required list or map of a server type becomes, if it can: `List<T>` for an array
/// of named or scalar items, `Object` for a map of any JSON value; the same for a `$ref` to a
/// component that is such an array.
fn wire_collection(doc: &Value, p: &Map<String, Value>) -> Option<Value> {
    if p.contains_key("$ref") {
        let target = resolve(doc, &Value::Object(p.clone())).as_object()?.clone();
        return (target.get("type").and_then(Value::as_str) == Some("array")).then(|| wire_collection(doc, &target)).flatten();
    }
    let extension = |path: &str, parameters: Vec<Value>| {
        serde_json::json!({"crate": API_CRATE, "version": "*", "path": format!("openrouter_kit_api::{path}"), "parameters": parameters})
    };
    match p.get("type").and_then(Value::as_str)? {
        "array" => {
            let items = p.get("items")?.as_object()?;
            let scalar = matches!(items.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"));
            let named = items.len() == 1 && items.contains_key("$ref");
            let plain = items.keys().all(|k| matches!(k.as_str(), "type" | "description" | "format" | "$ref"));
            ((named || scalar) && plain).then(|| extension("List", vec![Value::Object(items.clone())]))
        }
        "object" => {
            let any = match p.get("additionalProperties") {
                Some(Value::Bool(true)) => true,
                Some(Value::Object(a)) => a.is_empty(),
                _ => false,
            };
            (any && p.get("properties").is_none_or(|v| v.as_object().is_some_and(Map::is_empty))).then(|| extension("Object", vec![]))
        }
        _ => None,
    }
}

fn relax(doc: &Value, s: &mut Map<String, Value>, union_member: bool, wire_collections: &mut usize) -> usize {
    let mut changed = 0;
    let props = s.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(Value::Array(req)) = s.get("required")
        && !s.contains_key(DOCUMENT_REQUIRED) {
            s.insert(DOCUMENT_REQUIRED.into(), Value::Array(req.clone()));
        }
    let mut collections = BTreeSet::new();
    if let Some(Value::Array(req)) = s.get_mut("required") {
        let before = req.len();
        req.retain(|r| {
            let Some(p) = r.as_str().and_then(|r| props.get(r)) else { return false };
            if p.as_object().and_then(|p| wire_collection(doc, p)).is_some() {
                collections.insert(r.as_str().unwrap_or_default().to_string());
                return true;
            }
            union_member && p.get("$ref").is_some() && is_tag(doc, p)
        });
        changed += before - req.len();
        if req.is_empty() {
            s.remove("required");
        }
    }
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        for (name, p) in props.iter_mut() {
            let Some(p) = p.as_object_mut() else { continue };
            if collections.contains(name) {
                if !p.contains_key(WIRE_TYPE)
                    && let Some(ty) = wire_collection(doc, p)
                {
                    // openapiv3 reads a `$ref` with siblings as the bare reference: the list
                    // is spelt out instead (the named array type is then unused).
                    if p.contains_key("$ref") {
                        let target = resolve(doc, &Value::Object(p.clone())).clone();
                        p.remove("$ref");
                        for key in ["type", "items", "description"] {
                            if let Some(v) = target.get(key) {
                                p.entry(key).or_insert_with(|| v.clone());
                            }
                        }
                    }
                    p.remove("nullable");
                    p.remove("default");
                    p.insert(WIRE_TYPE.into(), ty);
                    *wire_collections += 1;
                    changed += 1;
                }
                continue;
            }
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
        let mut notes = Notes::default();
        run(&mut doc, &mut notes).unwrap();
        let s = &doc["components"]["schemas"];
        // A required list of named items stays required, typed `List<I>`.
        assert_eq!(s["R"]["required"], json!(["items"]));
        assert_eq!(s["R"]["properties"]["items"][WIRE_TYPE]["path"], json!("openrouter_kit_api::List"));
        assert_eq!(s["R"]["properties"]["items"][WIRE_TYPE]["parameters"], json!([{"$ref": "#/components/schemas/I"}]));
        assert!(s["R"]["properties"]["items"].get("nullable").is_none());
        assert_eq!(notes.wire_collections, 1);
        assert_eq!(s["R"]["properties"]["type"]["default"], json!("r"));
        assert_eq!(s["R"]["properties"]["flag"], json!({"type": "boolean", "nullable": true}));
        assert!(s["R"]["properties"]["type"].get("nullable").is_none());
        assert!(s["I"].get("required").is_none());
        assert_eq!(s["RequestOnly"]["required"], json!(["n"]));
        // Not a union member: its one-value enum is optional, with no default to write back.
        assert!(s["Chunk"].get("required").is_none());
        assert!(s["Chunk"]["properties"]["object"].get("default").is_none());
        assert_eq!(s["Chunk"]["properties"]["object"]["nullable"], json!(true));
    }

    #[test]
    fn required_lists_and_maps_become_wire_collections_when_their_items_are_named() {
        let mut doc = json!({
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}}}},
            "components": {"schemas": {
                "Names": {"type": "array", "items": {"$ref": "#/components/schemas/R"}},
                "R": {"type": "object", "required": ["names", "inline", "meta", "typed_map", "optional_list", "by_ref"], "properties": {
                    "by_ref": {"$ref": "#/components/schemas/Names"},
                    "names": {"type": "array", "items": {"type": "string"}},
                    "inline": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}},
                    "meta": {"type": "object", "additionalProperties": {}},
                    "typed_map": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "optional_list": {"type": "array", "nullable": true, "items": {"$ref": "#/components/schemas/R"}},
                    "not_required": {"type": "array", "items": {"type": "string"}}
                }}
            }}
        });
        let mut notes = Notes::default();
        run(&mut doc, &mut notes).unwrap();
        let r = &doc["components"]["schemas"]["R"];
        assert_eq!(r["required"], json!(["names", "meta", "optional_list", "by_ref"]));
        // A `$ref` to a component that is a list: the list spelt out, typed `List<R>`.
        assert_eq!(r["properties"]["by_ref"]["type"], json!("array"));
        assert!(r["properties"]["by_ref"].get("$ref").is_none());
        assert_eq!(r["properties"]["by_ref"][WIRE_TYPE]["parameters"], json!([{"$ref": "#/components/schemas/R"}]));
        assert_eq!(r["properties"]["names"][WIRE_TYPE]["parameters"], json!([{"type": "string"}]));
        assert_eq!(r["properties"]["meta"][WIRE_TYPE]["path"], json!("openrouter_kit_api::Object"));
        // A nullable required list is one too: `null` is kept as `null`.
        assert!(r["properties"]["optional_list"].get("nullable").is_none());
        // An inline item type cannot be named by the extension; a typed map is left as it was.
        assert!(r["properties"]["inline"].get(WIRE_TYPE).is_none());
        assert_eq!(r["properties"]["inline"]["nullable"], json!(true));
        assert!(r["properties"]["typed_map"].get(WIRE_TYPE).is_none());
        assert!(r["properties"]["not_required"].get(WIRE_TYPE).is_none());
        assert_eq!(notes.wire_collections, 4);
        // Idempotent: a second run changes nothing and counts nothing again.
        let before = doc.clone();
        run(&mut doc, &mut notes).unwrap();
        assert_eq!(doc, before);
        assert_eq!(notes.wire_collections, 4);
    }
}
