//! Request bodies → one content type progenitor can generate.
//!
//! progenitor panics on a body offering several content types (`/audio/transcriptions` offers JSON
//! and multipart) and cannot generate `multipart/form-data` at all (`POST /files`). With JSON
//! among the choices, JSON is kept; an operation whose only body is multipart is taken out of the
//! generated client and listed in the notes as left to hand-written code.

use anyhow::Result;
use serde_json::Value;

use super::Notes;
use crate::spec::METHODS;

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(0) };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let mut removed = Vec::new();
        for method in METHODS {
            let Some(op) = item.get_mut(method) else { continue };
            let op_id = op.get("operationId").and_then(Value::as_str).unwrap_or(path).to_string();
            let Some(content) = op.pointer_mut("/requestBody/content").and_then(Value::as_object_mut) else {
                continue;
            };
            if content.len() > 1 && content.contains_key("application/json") {
                let dropped: Vec<String> =
                    content.keys().filter(|k| *k != "application/json").cloned().collect();
                content.retain(|k, _| k == "application/json");
                notes.remarks.push(format!(
                    "request_bodies: {op_id}: kept application/json, dropped {}",
                    dropped.join(", ")
                ));
                changed += 1;
            } else if content.keys().all(|k| k.starts_with("multipart/")) && !content.is_empty() {
                notes.hand_written.insert(
                    op_id,
                    format!(
                        "{} {path}: multipart/form-data request body, which progenitor cannot generate",
                        method.to_uppercase()
                    ),
                );
                removed.push(method);
                changed += 1;
            } else if content.len() > 1 {
                anyhow::bail!(
                    "{op_id}: request body offers {} and no application/json; \
                     add a rule to normalise/request_bodies.rs",
                    content.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            }
        }
        for method in removed {
            item.remove(method);
        }
    }
    paths.retain(|_, item| item.as_object().is_some_and(|i| METHODS.iter().any(|m| i.contains_key(*m))));
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_json_and_removes_multipart_only() {
        let mut doc = json!({"paths": {
            "/t": {"post": {"operationId": "t", "requestBody": {"content": {
                "application/json": {"schema": {"type": "object"}},
                "multipart/form-data": {"schema": {"type": "object"}}}}}},
            "/f": {"post": {"operationId": "upload", "requestBody": {"content": {
                "multipart/form-data": {"schema": {"type": "object"}}}}},
                   "get": {"operationId": "list"}},
        }});
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 2);
        assert_eq!(doc["paths"]["/t"]["post"]["requestBody"]["content"].as_object().unwrap().len(), 1);
        assert!(doc["paths"]["/f"].get("post").is_none());
        assert!(doc["paths"]["/f"].get("get").is_some());
        assert!(notes.hand_written["upload"].contains("multipart"));
    }
}
