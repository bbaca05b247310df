//! A list or map the document requires, in a type the server sends, reads as a plain one.
//!
//! `server_tolerance` made every such field optional (`Option<Vec<_>>`), because the service
//! leaves required fields out now and then. For lists and maps that costs the caller an unwrap
//! for nothing: absent and empty mean the same. This pass gives them back their place in
//! `required` with the typify extension `x-rust-type` naming the generated crate's `List<T>`
//! (or `Object`, for a map of any JSON value). `List` reads as the `Vec` it derefs to (absent and
//! `null` are empty) and remembers which of the three it was, so a decoded value serializes back
//! as it came (see `templates/support.rs`).
//!
//! The extension names the item type, so the items must have a name: a `$ref`, a scalar, or an
//! inline object or string enum of a component's own property, which is hoisted into a
//! component under the name typify would have given it (`{Parent}{Property}Item`), so no Rust
//! name changes. Inline unions (their tagged-union handling ran already) and items of nested
//! inline objects keep `Option<Vec<_>>`; the summary counts them.
//!
//! It runs after the union passes (they hoist union members, so more items are named by then).

use std::collections::BTreeSet;

use anyhow::Result;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::server_tolerance::DOCUMENT_REQUIRED;
use super::{Notes, resolve, walk};

/// The typify extension naming the Rust type of a schema.
pub const WIRE_TYPE: &str = "x-rust-type";

/// The crate the extensions name: the generated crate itself (the generator rewrites the path
/// to `crate::`).
pub const API_CRATE: &str = "openrouter-kit-api";

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    // Components, hoisted ones included (their own lists are seen in turn).
    let mut done = BTreeSet::new();
    loop {
        let names: Vec<String> = super::schemas(doc)
            .map(|all| all.keys().filter(|n| !done.contains(*n)).cloned().collect())
            .unwrap_or_default();
        if names.is_empty() {
            break;
        }
        let snapshot = doc.clone();
        let mut taken: BTreeSet<String> = super::schemas(&snapshot).map(|all| all.keys().cloned().collect()).unwrap_or_default();
        for name in names {
            done.insert(name.clone());
            let mut hoisted: Vec<Hoisted> = Vec::new();
            let Some(schema) = super::schemas_mut(doc).and_then(|all| all.get_mut(&name)) else { continue };
            walk::visit(schema, &name, &mut |o, loc| {
                let top = (loc == name).then_some(name.as_str());
                changed += plain(&snapshot, o, top, &taken, &mut hoisted, &mut notes.wire_collections);
                Ok(())
            })?;
            if let Some(all) = super::schemas_mut(doc) {
                for (n, s) in hoisted {
                    taken.insert(n.clone());
                    all.insert(n, s);
                }
            }
        }
    }
    // Inline response schemas.
    let snapshot = doc.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for m in crate::spec::METHODS {
                let Some(responses) = item.pointer_mut(&format!("/{m}/responses")).and_then(Value::as_object_mut) else { continue };
                for r in responses.values_mut() {
                    let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) else { continue };
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            walk::visit(s, "", &mut |o, _| {
                                changed += plain(&snapshot, o, None, &BTreeSet::new(), &mut Vec::new(), &mut notes.wire_collections);
                                Ok(())
                            })?;
                        }
                    }
                }
            }
        }
    }
    Ok(changed)
}

fn extension(path: &str, parameters: Vec<Value>) -> Value {
    json!({"crate": API_CRATE, "version": "*", "path": format!("openrouter_kit_api::{path}"), "parameters": parameters})
}

/// A component to add: its name and schema.
type Hoisted = (String, Value);

/// Items the extension can name as they are.
fn named_items(items: &Map<String, Value>) -> bool {
    let scalar = matches!(items.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"))
        && !items.contains_key("enum");
    let named = items.contains_key("$ref");
    (named || scalar) && items.keys().all(|k| matches!(k.as_str(), "type" | "description" | "format" | "$ref" | "example"))
}

/// Items worth a component of their own: an object with properties, or a string enum.
fn hoistable(items: &Map<String, Value>) -> bool {
    let no_union = !["oneOf", "anyOf", "allOf"].iter().any(|k| items.contains_key(*k));
    let object = items.get("type").and_then(Value::as_str) == Some("object") && items.contains_key("properties");
    let string_enum = items.get("type").and_then(Value::as_str) == Some("string") && items.contains_key("enum");
    no_union && (object || string_enum)
}

/// The property as a plain list/map, if it is one the document requires: its schema, and the
/// component to hoist its items into.
fn as_collection(
    doc: &Value,
    owner: Option<&str>,
    prop: &str,
    p: &Map<String, Value>,
    taken: &BTreeSet<String>,
) -> Option<(Map<String, Value>, Option<Hoisted>)> {
    let mut spelt = p.clone();
    if p.contains_key("$ref") {
        // openapiv3 reads a `$ref` with siblings as the bare reference: the list is spelt out.
        let target = resolve(doc, &Value::Object(p.clone())).as_object()?.clone();
        if target.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        spelt.remove("$ref");
        for key in ["type", "items", "description"] {
            if let Some(v) = target.get(key) {
                spelt.entry(key).or_insert_with(|| v.clone());
            }
        }
    }
    let (ty, hoist) = match spelt.get("type").and_then(Value::as_str)? {
        "array" => {
            let items = spelt.get("items")?.as_object()?.clone();
            if named_items(&items) {
                (extension("List", vec![Value::Object(items)]), None)
            } else if let Some(owner) = owner.filter(|_| hoistable(&items)) {
                let name = format!("{}{}Item", crate::postprocess::rust_type_name(owner), prop.to_upper_camel_case());
                // Compared as Rust names: two components that differ in case are one Rust type.
                if taken.iter().any(|t| crate::postprocess::rust_type_name(t) == name) {
                    return None;
                }
                let reference = json!({"$ref": format!("#/components/schemas/{name}")});
                spelt.insert("items".into(), reference.clone());
                (extension("List", vec![reference]), Some((name, Value::Object(items))))
            } else {
                return None;
            }
        }
        "object" => {
            let any = match spelt.get("additionalProperties") {
                Some(Value::Bool(true)) => true,
                Some(Value::Object(a)) => a.is_empty(),
                _ => false,
            };
            if !any || spelt.get("properties").is_some_and(|v| v.as_object().is_none_or(|o| !o.is_empty())) {
                return None;
            }
            (extension("Object", vec![]), None)
        }
        _ => return None,
    };
    spelt.remove("nullable");
    spelt.remove("default");
    spelt.insert(WIRE_TYPE.into(), ty);
    Some((spelt, hoist))
}

fn plain(
    doc: &Value,
    s: &mut Map<String, Value>,
    owner: Option<&str>,
    taken: &BTreeSet<String>,
    hoisted: &mut Vec<Hoisted>,
    count: &mut usize,
) -> usize {
    let Some(required) = s.get(DOCUMENT_REQUIRED).and_then(Value::as_array).cloned() else { return 0 };
    let mut changed = 0;
    for name in required.iter().filter_map(Value::as_str) {
        let Some(p) = s.get("properties").and_then(|ps| ps.get(name)).and_then(Value::as_object) else { continue };
        if p.contains_key(WIRE_TYPE) {
            continue;
        }
        let Some((plain, hoist)) = as_collection(doc, owner, name, p, taken) else { continue };
        if let Some(ps) = s.get_mut("properties").and_then(Value::as_object_mut) {
            ps.insert(name.to_string(), Value::Object(plain));
        }
        let list = s.entry("required").or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut()
            && !list.iter().any(|r| r == name)
        {
            list.push(Value::String(name.to_string()));
        }
        hoisted.extend(hoist);
        *count += 1;
        changed += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schemas: Value) -> Value {
        json!({"paths": {}, "components": {"schemas": schemas}})
    }

    #[test]
    fn required_lists_and_maps_of_server_types_become_plain() {
        let mut d = doc(json!({
            "Names": {"type": "array", "items": {"$ref": "#/components/schemas/R"}},
            "R": {"type": "object", "x-document-required": ["names", "inline", "meta", "typed_map", "by_ref", "tags", "union"], "properties": {
                "names": {"type": "array", "nullable": true, "items": {"type": "string"}},
                "inline": {"type": "array", "nullable": true, "items": {"type": "object", "properties": {"a": {"type": "string", "nullable": true}}}},
                "tags": {"type": "array", "nullable": true, "items": {"type": "string", "enum": ["a", "b"]}},
                "union": {"type": "array", "nullable": true, "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
                "meta": {"type": "object", "nullable": true, "additionalProperties": {}},
                "typed_map": {"type": "object", "nullable": true, "additionalProperties": {"type": "integer"}},
                "by_ref": {"$ref": "#/components/schemas/Names"},
                "not_required": {"type": "array", "nullable": true, "items": {"type": "string"}}
            }},
            "RequestOnly": {"type": "object", "required": ["xs"], "properties": {"xs": {"type": "array", "items": {"type": "string"}}}}
        }));
        let mut notes = Notes::default();
        run(&mut d, &mut notes).unwrap();
        let s = &d["components"]["schemas"];
        let r = &s["R"];
        assert_eq!(r["required"], json!(["names", "inline", "meta", "by_ref", "tags"]));
        assert_eq!(r["properties"]["names"][WIRE_TYPE]["parameters"], json!([{"type": "string"}]));
        assert!(r["properties"]["names"].get("nullable").is_none());
        assert_eq!(r["properties"]["meta"][WIRE_TYPE]["path"], json!("openrouter_kit_api::Object"));
        // A `$ref` to a component that is a list: the list spelt out.
        assert!(r["properties"]["by_ref"].get("$ref").is_none());
        assert_eq!(r["properties"]["by_ref"][WIRE_TYPE]["parameters"], json!([{"$ref": "#/components/schemas/R"}]));
        // Inline objects and string enums: hoisted under typify's own name for them.
        assert_eq!(r["properties"]["inline"]["items"], json!({"$ref": "#/components/schemas/RInlineItem"}));
        assert_eq!(s["RInlineItem"]["properties"]["a"]["type"], json!("string"));
        assert_eq!(r["properties"]["tags"][WIRE_TYPE]["parameters"], json!([{"$ref": "#/components/schemas/RTagsItem"}]));
        // An inline union and a typed map are left as they were; so is what is not required.
        assert!(r["properties"]["union"].get(WIRE_TYPE).is_none());
        assert!(r["properties"]["typed_map"].get(WIRE_TYPE).is_none());
        assert_eq!(r["properties"]["not_required"]["nullable"], json!(true));
        // Request-only types were never relaxed: untouched.
        assert!(s["RequestOnly"]["properties"]["xs"].get(WIRE_TYPE).is_none());
        assert_eq!(notes.wire_collections, 5);
        // Idempotent.
        let before = d.clone();
        assert_eq!(run(&mut d, &mut notes).unwrap(), 0);
        assert_eq!(d, before);
    }

    #[test]
    fn a_hoisted_name_already_taken_leaves_the_list_optional() {
        let mut d = doc(json!({
            "R": {"type": "object", "x-document-required": ["inline"], "properties": {
                "inline": {"type": "array", "nullable": true, "items": {"type": "object", "properties": {"a": {"type": "string"}}}}
            }},
            "RInlineItem": {"type": "string"}
        }));
        let mut notes = Notes::default();
        run(&mut d, &mut notes).unwrap();
        assert!(d["components"]["schemas"]["R"]["properties"]["inline"].get(WIRE_TYPE).is_none());
        assert_eq!(d["components"]["schemas"]["RInlineItem"], json!({"type": "string"}));
        assert_eq!(notes.wire_collections, 0);
    }
}
