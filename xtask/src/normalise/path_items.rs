//! Path items as progenitor reads them: each one written out, and only the calls a client makes.
//!
//! - A path item that is a `$ref` (3.1: `#/components/pathItems/X`) is replaced by what it
//!   names; `openapiv3` would read it as a reference it cannot resolve. A reference to nothing
//!   is an error naming the path.
//! - `webhooks` (3.1) and operations' `callbacks` are calls the *server* makes to the
//!   application: a client has no method for them. They are removed, each counted in a remark,
//!   so the summary says what the document has that the crate does not.

use anyhow::{Result, bail};
use serde_json::Value;

use super::Notes;
use crate::spec::METHODS;

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    let items = doc.pointer("/components/pathItems").cloned().unwrap_or(Value::Null);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(target) = item.get("$ref").and_then(Value::as_str).map(str::to_string) else { continue };
            let resolved = target.strip_prefix("#/components/pathItems/").and_then(|name| items.get(name));
            let Some(resolved) = resolved.and_then(Value::as_object) else {
                bail!("path {path} is a `$ref` to {target}, which the document does not have");
            };
            let mut written = resolved.clone();
            // Siblings of the `$ref` (a summary, a description) stay.
            if let Some(own) = item.as_object() {
                for (k, v) in own.iter().filter(|(k, _)| *k != "$ref") {
                    written.insert(k.clone(), v.clone());
                }
            }
            *item = Value::Object(written);
            changed += 1;
        }
        let mut callbacks = 0;
        for item in paths.values_mut() {
            for m in METHODS {
                if let Some(op) = item.get_mut(m).and_then(Value::as_object_mut)
                    && let Some(Value::Object(c)) = op.remove("callbacks")
                {
                    callbacks += c.len();
                }
            }
        }
        if callbacks > 0 {
            notes.remarks.push(format!("path_items: {callbacks} callback(s) not generated: the server calls them, not the client"));
            changed += callbacks;
        }
    }
    if let Some(root) = doc.as_object_mut() {
        if let Some(Value::Object(hooks)) = root.remove("webhooks") {
            let names: Vec<&str> = hooks.keys().map(String::as_str).collect();
            notes.remarks.push(format!("path_items: webhooks not generated (the server calls them, not the client): {}", names.join(", ")));
            changed += hooks.len();
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            components.remove("pathItems");
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_item_refs_are_written_out_and_server_calls_are_named_and_removed() {
        let mut doc = json!({
            "paths": {
                "/y": {"$ref": "#/components/pathItems/Y", "summary": "why"},
                "/x": {"post": {"operationId": "x", "callbacks": {"done": {"{$request.body#/url}": {}}}, "responses": {}}}
            },
            "webhooks": {"ping": {"post": {}}},
            "components": {"pathItems": {"Y": {"get": {"operationId": "getY", "responses": {}}}}}
        });
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 3);
        assert_eq!(doc["paths"]["/y"], json!({"get": {"operationId": "getY", "responses": {}}, "summary": "why"}));
        assert!(doc["paths"]["/x"]["post"].get("callbacks").is_none());
        assert!(doc.get("webhooks").is_none() && doc["components"].get("pathItems").is_none());
        assert!(notes.remarks.iter().any(|r| r.contains("webhooks not generated") && r.contains("ping")), "{:?}", notes.remarks);
        assert!(notes.remarks.iter().any(|r| r.contains("1 callback(s)")), "{:?}", notes.remarks);

        let mut missing = json!({"paths": {"/z": {"$ref": "#/components/pathItems/Z"}}});
        let err = run(&mut missing, &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("path /z is a `$ref` to #/components/pathItems/Z"), "{err}");
    }
}
