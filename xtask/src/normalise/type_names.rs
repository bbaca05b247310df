//! One Rust name for one schema: collisions are resolved here, deterministically, before typify
//! can merge two schemas into one type.
//!
//! Two ways a name collides:
//! - progenitor names an operation's inline body `{OperationId}Response` / `{OperationId}Body`;
//!   when a component already has that name (`listEndpoints` answers `{data:
//!   ListEndpointsResponse}`), typify keeps one of the two and the other's fields are silently
//!   lost (the envelope's `data` was). Inline bodies are therefore hoisted into components under a
//!   name no component takes (`ListEndpointsResponse2`, `…3`, …), so nothing is left for
//!   progenitor to invent;
//! - two components whose Rust names are equal (`AnthropicBase64PDFSource` and
//!   `AnthropicBase64PdfSource` are both `AnthropicBase64PdfSource`): rustc fails with E0428 after
//!   `generate` said it succeeded. The one whose name is not already its Rust name is renamed
//!   (`…2`) and every `$ref` to it follows.
//!
//! Each resolution is a remark in the summary.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use heck::ToUpperCamelCase as _;
use serde_json::Value;

use super::{Notes, schema_ref, schemas, schemas_mut, walk};
use crate::postprocess::rust_type_name;
use crate::spec::METHODS;

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = components(doc, notes);
    changed += inline_bodies(doc, notes);
    Ok(changed)
}

/// Rust names taken by components.
fn taken(doc: &Value) -> BTreeSet<String> {
    schemas(doc).into_iter().flat_map(|s| s.keys()).map(|k| rust_type_name(k)).collect()
}

fn free(taken: &BTreeSet<String>, wanted: &str) -> String {
    if !taken.contains(&rust_type_name(wanted)) {
        return wanted.to_string();
    }
    (2..).map(|n| format!("{wanted}{n}")).find(|c| !taken.contains(&rust_type_name(c))).unwrap_or_default()
}

fn components(doc: &mut Value, notes: &mut Notes) -> usize {
    let Some(all) = schemas(doc) else { return 0 };
    let mut by_rust: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in all.keys() {
        by_rust.entry(rust_type_name(name)).or_default().push(name.clone());
    }
    let mut taken: BTreeSet<String> = by_rust.keys().cloned().collect();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for (rust, mut names) in by_rust.into_iter().filter(|(_, n)| n.len() > 1) {
        // The name that is already the Rust name keeps it; the others, in order, get a suffix.
        names.sort_by_key(|n| (n != &rust, n.clone()));
        for other in names.into_iter().skip(1) {
            let new = free(&taken, &other);
            taken.insert(rust_type_name(&new));
            notes.remarks.push(format!("type_names: components {other} and {rust} are one Rust name; {other} is now {new}"));
            renames.insert(other, new);
        }
    }
    if renames.is_empty() {
        return 0;
    }
    if let Some(all) = schemas_mut(doc) {
        for (old, new) in &renames {
            if let Some(s) = all.remove(old) {
                all.insert(new.clone(), s);
            }
        }
    }
    walk::rewrite_refs(doc, &mut |name| renames.get(name).cloned());
    renames.len()
}

/// Whether an inline schema becomes a named Rust type (an object, a union, an enum).
fn names_a_type(s: &Value) -> bool {
    s.get("$ref").is_none() && ["properties", "oneOf", "anyOf", "allOf", "enum"].iter().any(|k| s.get(*k).is_some())
}

fn inline_bodies(doc: &mut Value, notes: &mut Notes) -> usize {
    let mut taken = taken(doc);
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return 0 };
    for item in paths.values_mut() {
        for m in METHODS {
            let Some(op) = item.get_mut(m).and_then(Value::as_object_mut) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str).map(|s| s.to_upper_camel_case()) else { continue };
            let mut hoist = |wanted: String, schema: &mut Value| {
                if !names_a_type(schema) {
                    return;
                }
                let name = free(&taken, &wanted);
                if name != wanted {
                    notes.remarks.push(format!("type_names: {wanted} is a component's name; the inline body is {name}"));
                }
                taken.insert(rust_type_name(&name));
                hoisted.push((name.clone(), std::mem::replace(schema, schema_ref(&name))));
            };
            if let Some(s) = op.get_mut("requestBody").and_then(|b| b.pointer_mut("/content/application~1json/schema")) {
                hoist(format!("{id}Body"), s);
            }
            if let Some(rs) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (_, r) in rs.iter_mut().filter(|(s, _)| s.starts_with('2')) {
                    if let Some(s) = r.pointer_mut("/content/application~1json/schema") {
                        hoist(format!("{id}Response"), s);
                    }
                }
            }
        }
    }
    let count = hoisted.len();
    if let Some(all) = schemas_mut(doc) {
        all.extend(hoisted);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_inline_body_never_takes_a_components_name() {
        let mut doc = json!({
            "paths": {"/m/{id}/endpoints": {"get": {"operationId": "listEndpoints", "responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"data": {"$ref": "#/components/schemas/ListEndpointsResponse"}}
            }}}}}}},
            "/c": {"get": {"operationId": "getCredits", "responses": {"200": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"data": {"type": "object"}}
            }}}}}}}},
            "components": {"schemas": {"ListEndpointsResponse": {"type": "object", "properties": {"id": {"type": "string"}}}}}
        });
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 2);
        let schema = &doc["paths"]["/m/{id}/endpoints"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/ListEndpointsResponse2");
        assert_eq!(doc["components"]["schemas"]["ListEndpointsResponse2"]["properties"]["data"]["$ref"], "#/components/schemas/ListEndpointsResponse");
        assert_eq!(doc["components"]["schemas"]["ListEndpointsResponse"]["properties"]["id"]["type"], "string", "the component is untouched");
        assert!(doc["components"]["schemas"]["GetCreditsResponse"].is_object(), "a free name is kept as progenitor would give it");
        assert!(notes.remarks.iter().any(|r| r.contains("ListEndpointsResponse is a component's name")), "{:?}", notes.remarks);
    }

    #[test]
    fn components_that_share_a_rust_name_are_told_apart() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "AnthropicBase64PDFSource": {"type": "object", "properties": {"a": {"type": "string"}}},
            "AnthropicBase64PdfSource": {"type": "object", "properties": {"b": {"type": "string"}}},
            "User": {"type": "object", "properties": {"src": {"$ref": "#/components/schemas/AnthropicBase64PDFSource"}}},
        }}});
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 1);
        let s = &doc["components"]["schemas"];
        assert!(s["AnthropicBase64PdfSource"]["properties"]["b"].is_object(), "the one already named as in Rust keeps its name");
        assert!(s["AnthropicBase64PDFSource2"]["properties"]["a"].is_object());
        assert_eq!(s["User"]["properties"]["src"]["$ref"], "#/components/schemas/AnthropicBase64PDFSource2");
        let names: BTreeSet<String> = s.as_object().unwrap().keys().map(|k| rust_type_name(k)).collect();
        assert_eq!(names.len(), 3, "three schemas, three Rust names");
    }
}
