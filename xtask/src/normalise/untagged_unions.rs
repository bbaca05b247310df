//! Untagged unions in what the server sends: members told apart again, and a catch-all member.
//!
//! typify renders a `oneOf` without a tag as `#[serde(untagged)]`, which takes the first member
//! that decodes. [`super::server_tolerance`] made every field of a response type optional, so
//! the first object member decodes *anything*, and the fields only a later member has are
//! silently lost (the benchmarks list's `accuracy`, a generation's input `messages`). So, for
//! each union left untagged after [`super::tagged_unions`] whose object members were relaxed:
//! - each member gets back one required property from the document's own `required`
//!   (`x-document-required`) that no other member has, so a value only decodes as the member it
//!   is (a member with no such property stays as it is, and so does a member that is also a
//!   variant of a tagged union: there the tag tells it apart, and a missing field must not fail it);
//! - a last member `{}` (any JSON) is added, so a value no member accepts (a new shape, a server
//!   omitting the telling field) is kept as `serde_json::Value` instead of failing the response.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Value, json};

use super::server_tolerance::DOCUMENT_REQUIRED;
use super::{Notes, ref_name, resolve, schemas_mut, walk};

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let snapshot = doc.clone();
    let tagged: BTreeSet<String> = notes.unions.keys().cloned().collect();
    let tagged_variants: BTreeSet<String> = notes.unions.values().flat_map(|u| u.variants.iter().map(|v| v.schema.clone())).collect();
    // (member component, property to require again)
    let mut restore: Vec<(String, String)> = Vec::new();
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, loc| {
        let component = loc.strip_prefix("#/components/schemas/").filter(|n| !n.contains('/'));
        if component.is_some_and(|n| tagged.contains(n)) {
            return Ok(());
        }
        let Some(Value::Array(members)) = s.get("oneOf") else { return Ok(()) };
        let resolved: Vec<&Value> = members.iter().map(|m| resolve(&snapshot, m)).collect();
        let relaxed_objects = resolved.iter().filter(|r| r.get("properties").is_some() && r.get(DOCUMENT_REQUIRED).is_some()).count();
        if relaxed_objects < 2 || members.iter().any(|m| m.as_object().is_some_and(|o| o.is_empty())) {
            return Ok(());
        }
        for (i, (member, r)) in members.iter().zip(&resolved).enumerate() {
            let Some(name) = ref_name(member).filter(|n| !tagged_variants.contains(*n)) else { continue };
            let required = r.get(DOCUMENT_REQUIRED).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
            let own = required.into_iter().find(|p| {
                resolved.iter().enumerate().all(|(j, other)| j == i || other.pointer(&format!("/properties/{p}")).is_none())
            });
            if let Some(p) = own {
                restore.push((name.to_string(), p.to_string()));
            }
        }
        if let Some(Value::Array(members)) = s.get_mut("oneOf") {
            members.push(json!({}));
            changed += 1;
        }
        Ok(())
    })?;
    if let Some(all) = schemas_mut(doc) {
        for (name, prop) in restore {
            let Some(s) = all.get_mut(&name).and_then(Value::as_object_mut) else { continue };
            let required = s.entry("required").or_insert_with(|| json!([]));
            if let Some(list) = required.as_array_mut()
                && !list.iter().any(|v| v == prop.as_str()) {
                    list.push(json!(prop));
                    changed += 1;
                }
            // A required property must not also be nullable-by-tolerance, or `null` would pass.
            if let Some(p) = s.get_mut("properties").and_then(|p| p.get_mut(&prop)).and_then(Value::as_object_mut) {
                p.remove("nullable");
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_get_a_telling_field_and_the_union_a_catch_all() {
        let mut doc = json!({"paths": {}, "components": {"schemas": {
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
            "A": {"type": "object", "x-document-required": ["id", "prompt"], "properties": {"id": {"type": "string"}, "prompt": {"type": "string", "nullable": true}}},
            "B": {"type": "object", "x-document-required": ["id", "messages"], "properties": {"id": {"type": "string"}, "messages": {"type": "array", "items": {}}}},
            "Request": {"oneOf": [{"$ref": "#/components/schemas/C"}, {"type": "string"}]},
            "C": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
        }}});
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 3);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["A"]["required"], json!(["prompt"]), "`id` is in both members: it tells nothing");
        assert!(s["A"]["properties"]["prompt"].get("nullable").is_none());
        assert_eq!(s["B"]["required"], json!(["messages"]));
        assert_eq!(s["U"]["oneOf"].as_array().unwrap().last(), Some(&json!({})));
        assert_eq!(s["Request"]["oneOf"].as_array().unwrap().len(), 2, "request-only unions are not touched");
    }
}
