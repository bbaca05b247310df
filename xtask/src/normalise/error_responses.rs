//! Error responses → one error type per operation.
//!
//! progenitor gives an operation's error responses a single Rust type and panics
//! (`response_types.len() <= 1`) when they differ. OpenRouter declares a separate, structurally
//! identical schema per status (`BadRequestResponse`, `UnauthorizedResponse`, …). The pass:
//! - turns a `default` response into `4XX` and `5XX` (progenitor counts `default` as a success and
//!   panics when its type differs from the 2xx one);
//! - points every error status whose JSON schema has the same shape (ignoring descriptions and
//!   examples) at one shared `ErrorResponse` component;
//! - keeps only the JSON body of an error response, and drops from the document an error status
//!   with another shape, no body or a non-JSON body when the others have JSON (the generated
//!   client then reports it as an unexpected response, raw body intact, which the ergonomic crate
//!   decodes itself), with a remark;
//! - removes the per-status components nothing references any more (they would only cost compile
//!   time).

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Map, Value};
#[cfg(test)]
use serde_json::json;

use super::{Notes, ref_name, schemas, schemas_mut, walk};
use crate::spec::METHODS;

pub const SHARED_NAME: &str = "ErrorResponse";

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    let mut replaced: BTreeSet<String> = BTreeSet::new();
    let mut shared: Option<Value> = None; // canonical form of ErrorResponse
    let snapshot = doc.clone();
    let shared_name = free_name(&snapshot, SHARED_NAME);
    let mut shared_schema: Option<Value> = None;

    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(0) };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(responses) = item.pointer_mut(&format!("/{method}/responses")).and_then(Value::as_object_mut)
            else {
                continue;
            };
            if let Some(default) = responses.remove("default") {
                for range in ["4XX", "5XX"] {
                    responses.entry(range).or_insert_with(|| default.clone());
                }
                changed += 1;
            }
            let error_statuses: Vec<String> =
                responses.keys().filter(|s| !s.starts_with('2') && !s.starts_with('1')).cloned().collect();
            // The first JSON error schema is the operation's error type.
            let mut op_schema: Option<(Value, Value)> = None; // (schema, canonical)
            for status in &error_statuses {
                let resp = &mut responses[status];
                let json_schema = resp.pointer("/content/application~1json/schema").cloned();
                if let Some(content) = resp.get_mut("content").and_then(Value::as_object_mut)
                    && content.len() > 1 && content.contains_key("application/json") {
                        content.retain(|k, _| k == "application/json");
                        changed += 1;
                    }
                let Some(schema) = json_schema else { continue };
                let canon = canonical(&snapshot, &schema, 0);
                if op_schema.is_none() {
                    op_schema = Some((schema.clone(), canon.clone()));
                }
                if shared.is_none() {
                    shared = Some(canon.clone());
                    shared_schema = Some(super::resolve(&snapshot, &schema).clone());
                }
                // One type per operation: the first error schema's (the shared one when it has
                // that shape); another shape is dropped below.
                let op_canon = op_schema.as_ref().map(|(_, c)| c);
                let target = if op_canon != Some(&canon) {
                    None
                } else if Some(&canon) == shared.as_ref() {
                    Some(super::schema_ref(&shared_name))
                } else {
                    op_schema.as_ref().map(|(s, _)| s.clone())
                };
                let pointer = "/content/application~1json/schema";
                match target {
                    Some(t) => {
                        if let Some(name) = ref_name(&schema)
                            && Some(name) != ref_name(&t) {
                                replaced.insert(name.to_string());
                            }
                        if resp.pointer(pointer) != Some(&t) {
                            *resp.pointer_mut(pointer).unwrap_or(&mut Value::Null) = t;
                            changed += 1;
                        }
                    }
                    None => {
                        if let Some(name) = ref_name(&schema) {
                            replaced.insert(name.to_string());
                        }
                        notes.remarks.push(format!(
                            "error_responses: {method} {path} {status}: its error body has another shape; \
                             dropped from the generated client (decoded by hand)"
                        ));
                        responses.remove(status);
                        changed += 1;
                    }
                }
            }
            // Statuses without a JSON body next to ones with it would give two kinds of error.
            let has_json = responses
                .iter()
                .any(|(s, r)| !s.starts_with('2') && r.pointer("/content/application~1json").is_some());
            if has_json {
                let before = responses.len();
                responses.retain(|s, r| s.starts_with('2') || s.starts_with('1') || r.pointer("/content/application~1json").is_some());
                if responses.len() != before {
                    notes.remarks.push(format!(
                        "error_responses: {method} {path}: {} error status(es) without a JSON body dropped",
                        before - responses.len()
                    ));
                    changed += before - responses.len();
                }
            }
        }
    }
    if let (Some(schema), Some(all)) = (shared_schema, schemas_mut(doc)) {
        all.insert(shared_name.clone(), schema);
    }
    prune(doc, replaced);
    Ok(changed)
}

fn free_name(doc: &Value, base: &str) -> String {
    let taken = |n: &str| schemas(doc).is_some_and(|s| s.contains_key(n));
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|i| format!("{base}{i}")).find(|n| !taken(n)).unwrap_or_default()
}

/// The shape of a schema: references inlined (a few levels deep), annotations removed.
pub fn canonical(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return schema.clone();
    }
    match schema {
        Value::Object(map) => {
            if let Some(name) = ref_name(schema)
                && let Some(target) = schemas(doc).and_then(|s| s.get(name)) {
                    return canonical(doc, target, depth + 1);
                }
            let mut out = Map::new();
            for (k, v) in map {
                if matches!(k.as_str(), "description" | "example" | "examples" | "title" | "externalDocs")
                    || k.starts_with("x-")
                {
                    continue;
                }
                let v = match (k.as_str(), v) {
                    // Property names are data here, not keywords: keep them all.
                    ("properties", Value::Object(props)) => Value::Object(
                        props.iter().map(|(n, p)| (n.clone(), canonical(doc, p, depth + 1))).collect(),
                    ),
                    _ => canonical(doc, v, depth + 1),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(doc, v, depth + 1)).collect()),
        other => other.clone(),
    }
}

/// Remove the `candidates` (and what only they referenced) once nothing else references them.
pub fn prune(doc: &mut Value, mut candidates: BTreeSet<String>) {
    loop {
        let mut referenced = BTreeSet::new();
        let mut without = doc.clone();
        if let Some(s) = schemas_mut(&mut without) {
            for c in &candidates {
                s.remove(c);
            }
        }
        walk::for_each_ref(&without, &mut |n| {
            referenced.insert(n.to_string());
        });
        let dead: Vec<String> = candidates.iter().filter(|c| !referenced.contains(*c)).cloned().collect();
        if dead.is_empty() {
            return;
        }
        let Some(all) = schemas_mut(doc) else { return };
        for d in &dead {
            candidates.remove(d);
            if let Some(s) = all.remove(d) {
                walk::for_each_ref(&s, &mut |n| {
                    candidates.insert(n.to_string());
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(name: &str, extra: &str) -> Value {
        json!({"type": "object", "description": name, "properties": {"error": {"$ref": format!("#/components/schemas/{name}Data")}, extra: {"type": "string"}}})
    }

    #[test]
    fn one_error_type_per_operation_even_when_a_later_status_has_the_shared_shape() {
        let mut doc = json!({
            "paths": {
                "/a": {"get": {"responses": {"400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}}}}},
                "/m": {"get": {"responses": {
                    "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Odd"}}}},
                    "403": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}}}}}
            },
            "components": {"schemas": {"Bad": err("Bad", "user_id"), "Odd": err("Odd", "other")}}
        });
        run(&mut doc, &mut Notes::default()).unwrap();
        let m = &doc["paths"]["/m"]["get"]["responses"];
        assert_eq!(m["400"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Odd");
        assert!(m.get("403").is_none());
    }

    #[test]
    fn shares_one_error_type_and_prunes() {
        let mut doc = json!({
            "paths": {"/x": {"get": {"operationId": "x", "responses": {
                "200": {"content": {"application/json": {"schema": {"type": "string"}}}},
                "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}},
                "401": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unauth"}}}},
                "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Odd"}}}},
                "500": {"description": "no body"},
                "default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unauth"}}}}
            }}}},
            "components": {"schemas": {
                "Bad": err("Bad", "user_id"), "BadData": {"type": "object", "properties": {"code": {"type": "integer"}}},
                "Unauth": err("Unauth", "user_id"), "UnauthData": {"type": "object", "description": "x", "properties": {"code": {"type": "integer"}}},
                "Odd": err("Odd", "other"), "OddData": {"type": "object", "properties": {"code": {"type": "integer"}}},
            }}
        });
        let mut notes = Notes::default();
        run(&mut doc, &mut notes).unwrap();
        let r = &doc["paths"]["/x"]["get"]["responses"];
        for s in ["400", "401", "4XX", "5XX"] {
            assert_eq!(r[s]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorResponse", "{s}");
        }
        assert!(r.get("404").is_none() && r.get("500").is_none());
        let mut names: Vec<_> = doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
        names.sort();
        assert_eq!(names, ["BadData", "ErrorResponse"], "Bad's data stays: ErrorResponse is a copy of Bad");
        assert_eq!(notes.remarks.len(), 2, "{:?}", notes.remarks);
    }
}
