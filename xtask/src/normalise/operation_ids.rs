//! Operations without an `operationId` get one, made from the method and the path.
//!
//! progenitor names each method after its operation's id and rejects the whole document when one
//! is missing ("path /activity is missing operation ID"); early OpenRouter documents have such
//! operations. The id made is stable (the same method and path always give the same id, whatever
//! else the document holds): `get /activity` → `getActivity`, `get /models/{author}/{slug}/
//! endpoints` → `getModelsAuthorSlugEndpoints`. An id that another operation already has gets the
//! method's position as a suffix rather than a silent clash. Each one made is a remark, so the
//! summary says which methods are named by us and not by the document.

use std::collections::BTreeSet;

use anyhow::Result;
use heck::ToUpperCamelCase;
use serde_json::Value;

use super::Notes;
use crate::spec::METHODS;

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut taken: BTreeSet<String> = crate::spec::operations(doc)
        .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str).map(str::to_string))
        .collect();
    let mut made = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(0) };
    for (path, item) in paths.iter_mut() {
        for (position, method) in METHODS.iter().enumerate() {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else { continue };
            if op.get("operationId").and_then(Value::as_str).is_some_and(|id| !id.is_empty()) {
                continue;
            }
            let mut id = operation_id(method, path);
            if taken.contains(&id) {
                id = format!("{id}{position}");
            }
            notes.remarks.push(format!("operation_ids: {} {path} has no operationId; named `{id}`", method.to_uppercase()));
            taken.insert(id.clone());
            op.insert("operationId".into(), Value::String(id));
            made += 1;
        }
    }
    Ok(made)
}

/// `get` + `/models/{author}/{slug}/endpoints` → `getModelsAuthorSlugEndpoints`.
fn operation_id(method: &str, path: &str) -> String {
    let words: String = path
        .split('/')
        .map(|segment| segment.trim_start_matches('{').trim_end_matches('}'))
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.to_upper_camel_case())
        .collect();
    format!("{method}{words}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_without_an_id_are_named_from_method_and_path() {
        let mut doc = json!({"paths": {
            "/activity": {"get": {"responses": {}}},
            "/models/{author}/{slug}/endpoints": {"get": {"responses": {}}, "post": {"operationId": "", "responses": {}}},
            "/keys": {"get": {"operationId": "getActivity", "responses": {}}, "delete": {"responses": {}}},
            "/": {"get": {"responses": {}}}
        }});
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 5);
        let id = |p: &str, m: &str| doc["paths"][p][m]["operationId"].as_str().unwrap().to_string();
        assert_eq!(id("/models/{author}/{slug}/endpoints", "get"), "getModelsAuthorSlugEndpoints");
        assert_eq!(id("/models/{author}/{slug}/endpoints", "post"), "postModelsAuthorSlugEndpoints", "an empty id is no id");
        assert_eq!(id("/keys", "get"), "getActivity", "an id the document gives is kept");
        assert_eq!(id("/keys", "delete"), "deleteKeys");
        assert_eq!(id("/", "get"), "get");
        // `getActivity` is taken by /keys: the made id says it is another one.
        assert_eq!(id("/activity", "get"), "getActivity0");
        assert_eq!(notes.remarks.len(), 5);
        assert!(notes.remarks.iter().any(|r| r.contains("GET /activity has no operationId; named `getActivity0`")), "{:?}", notes.remarks);
        // Stable: a second run has nothing to do.
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 0);
    }
}
