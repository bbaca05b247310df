//! Components no operation reaches → removed.
//!
//! typify generates a type for every component, used or not. After `allOf` flattening the bases
//! (`BaseResponsesResult`, `CreatedEvent`, …) are referenced by nothing, and neither are the
//! per-status error bodies [`super::error_responses`] replaced; each is compile time every user
//! pays for a type no method takes or returns. What streams deliver is kept: the payload types
//! of `text/event-stream` responses ([`Notes::stream_roots`], recorded before
//! [`super::success_responses`] removes that content) are what the ergonomic crate decodes each
//! event into.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use super::{Notes, reachable_components, schemas_mut};

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut roots: Vec<Value> = doc.get("paths").cloned().into_iter().collect();
    roots.extend(notes.stream_roots.iter().map(|n| super::schema_ref(n)));
    let keep: BTreeSet<String> = reachable_components(doc, roots);
    let Some(all) = schemas_mut(doc) else { return Ok(0) };
    let before = all.len();
    all.retain(|name, _| keep.contains(name));
    notes.unions.retain(|name, _| keep.contains(name));
    Ok(before - all.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;
    use serde_json::json;

    #[test]
    fn keeps_what_operations_and_streams_reach() {
        let mut doc = doc_with(json!({
            "Body": {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/Nested"}}},
            "Nested": {"type": "string"},
            "Chunk": {"type": "object", "properties": {"d": {"$ref": "#/components/schemas/Delta"}}},
            "Delta": {"type": "string"},
            "Base": {"type": "object"},
        }));
        doc["paths"] = json!({"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}}}});
        let mut notes = Notes::default();
        notes.stream_roots.insert("Chunk".into());
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 1);
        let names: Vec<_> = doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(names, ["Body", "Nested", "Chunk", "Delta"]);
    }
}
