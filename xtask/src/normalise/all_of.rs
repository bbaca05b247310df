//! `allOf` → one flat object schema.
//!
//! typify panics while merging `allOf` members that are references with their own additions
//! (`assertion failed: a.reference.is_none()`, e.g. `OpenResponsesCreatedEvent = allOf[$ref
//! CreatedEvent, {response: …}]`). The pass merges the members itself: properties in member order,
//! a later member's property replacing an earlier one of the same name (each replacement is
//! recorded in the notes, since it means the document narrows or redefines an inherited field),
//! `required` as the union, the parent's own annotations first.
//!
//! Two shapes are not merged:
//! - `allOf: [$ref]` alone (plus annotations such as `nullable` or `description`) is the OpenAPI
//!   3.0 idiom for "this reference, nullable"; typify reads it correctly.
//! - a member that is a union: if another member is a reference that the union also lists, the
//!   intersection is that reference (OpenRouter writes `allOf[$ref S, anyOf[$ref S, $ref T, null]]`);
//!   any other union member is an error, since intersecting unions changes their meaning.

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::{Notes, ref_name, resolve, walk};

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    // Each round merges every allOf whose referenced members are already flat; references to
    // components that still hold an allOf wait for the next round.
    for _round in 0..32 {
        let snapshot = doc.clone();
        let mut merged_this_round = 0;
        let mut waiting = 0;
        walk::for_each_schema_mut(doc, &mut |s, loc| {
            let Some(Value::Array(members)) = s.get_mut("allOf") else { return Ok(()) };
            // Members that only annotate (`{description: …}`) carry no shape; their text moves up.
            let mut notes_only = Vec::new();
            members.retain(|m| {
                let annotation = m.as_object().is_some_and(|o| {
                    o.keys().all(|k| matches!(k.as_str(), "description" | "title" | "example" | "deprecated" | "nullable") || k.starts_with("x-"))
                });
                if annotation {
                    notes_only.push(m.clone());
                }
                !annotation
            });
            let members = members.clone();
            for m in notes_only {
                if let Some(d) = m.get("description") {
                    s.entry("description").or_insert_with(|| d.clone());
                }
                if m.get("nullable") == Some(&Value::Bool(true)) {
                    s.insert("nullable".into(), Value::Bool(true));
                }
                merged_this_round += 1;
            }
            if members.len() == 1 && ref_name(&members[0]).is_some() {
                return Ok(());
            }
            let mut resolved = Vec::with_capacity(members.len());
            for m in &members {
                let r = resolve(&snapshot, m);
                if r.get("allOf").and_then(Value::as_array).is_some_and(|a| a.len() > 1 || ref_name(&a[0]).is_none()) {
                    waiting += 1;
                    return Ok(());
                }
                resolved.push(r.clone());
            }
            if let Some(pick) = union_intersection(&members, &resolved, loc)? {
                s.remove("allOf");
                s.insert("allOf".into(), json!([pick]));
                merged_this_round += 1;
                return Ok(());
            }
            merge_into(s, &resolved, loc, notes)?;
            merged_this_round += 1;
            Ok(())
        })?;
        changed += merged_this_round;
        if waiting == 0 {
            return Ok(changed);
        }
        if merged_this_round == 0 {
            bail!("{waiting} allOf schemas reference each other in a cycle; cannot flatten them");
        }
    }
    bail!("allOf flattening did not settle after 32 rounds")
}

/// `allOf[$ref S, anyOf[$ref S, …]]` → `$ref S`. Ok(None) when no member is a union.
fn union_intersection(members: &[Value], resolved: &[Value], loc: &str) -> Result<Option<Value>> {
    let unions: Vec<&Value> = members
        .iter()
        .filter(|m| m.get("anyOf").is_some() || m.get("oneOf").is_some())
        .collect();
    if unions.is_empty() {
        return Ok(None);
    }
    let refs: Vec<&Value> = members.iter().filter(|m| ref_name(m).is_some()).collect();
    for u in &unions {
        let listed = u.get("anyOf").or_else(|| u.get("oneOf")).and_then(Value::as_array);
        for r in &refs {
            if listed.is_some_and(|l| l.contains(r)) {
                return Ok(Some((*r).clone()));
            }
        }
    }
    let _ = resolved;
    bail!(
        "{loc}: allOf with a union member ({}) that no sibling reference narrows; \
         intersecting unions is not supported — add a rule to normalise/all_of.rs",
        serde_json::to_string(unions[0]).unwrap_or_default().chars().take(200).collect::<String>()
    )
}

fn merge_into(s: &mut Map<String, Value>, members: &[Value], loc: &str, notes: &mut Notes) -> Result<()> {
    s.remove("allOf");
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut additional: Option<Value> = None;
    let mut description: Option<Value> = None;
    for (i, m) in members.iter().enumerate() {
        let Some(m) = m.as_object() else { bail!("{loc}: allOf member {i} is not a schema") };
        let ty = m.get("type").and_then(Value::as_str);
        if !(ty.is_none() || ty == Some("object")) || m.contains_key("enum") || m.contains_key("items") {
            bail!(
                "{loc}: allOf member {i} is not an object schema ({}); only objects can be merged",
                ty.unwrap_or("enum/array")
            );
        }
        if let Some(Value::Object(props)) = m.get("properties") {
            for (name, p) in props {
                if let Some(old) = properties.get(name)
                    && old != p {
                        notes.remarks.push(format!(
                            "all_of: {loc}: property `{name}` of allOf member {i} replaces an earlier member's"
                        ));
                    }
                properties.insert(name.clone(), p.clone());
            }
        }
        for r in m.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
        if let Some(a) = m.get("additionalProperties") {
            additional = Some(a.clone());
        }
        if description.is_none() {
            description = m.get("description").cloned();
        }
    }
    s.insert("type".into(), json!("object"));
    if !properties.is_empty() {
        s.insert("properties".into(), Value::Object(properties));
    }
    if !required.is_empty() {
        s.insert("required".into(), Value::Array(required));
    }
    if let Some(a) = additional {
        s.entry("additionalProperties").or_insert(a);
    }
    if let Some(d) = description {
        s.entry("description").or_insert(d);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;

    #[test]
    fn merges_refs_and_inline_members_with_override() {
        let mut doc = doc_with(json!({
            "Base": {"type": "object", "properties": {"type": {"type": "string"}, "n": {"type": "integer"}}, "required": ["type"]},
            "Mid": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"m": {"type": "string"}}}]},
            "Top": {"description": "top", "allOf": [
                {"$ref": "#/components/schemas/Mid"},
                {"type": "object", "properties": {"type": {"type": "string", "enum": ["top"]}}, "required": ["m"]}
            ]},
        }));
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 2);
        assert_eq!(schema(&doc, "Top"), &json!({
            "description": "top", "type": "object",
            "properties": {"type": {"type": "string", "enum": ["top"]}, "n": {"type": "integer"}, "m": {"type": "string"}},
            "required": ["type", "m"]
        }));
        assert_eq!(notes.remarks.len(), 1, "{:?}", notes.remarks);
        assert!(notes.remarks[0].contains("`type`"));
    }

    #[test]
    fn keeps_nullable_single_ref_and_narrows_union_members() {
        let mut doc = doc_with(json!({
            "S": {"type": "string", "enum": ["a"]},
            "N": {"allOf": [{"$ref": "#/components/schemas/S"}], "nullable": true},
            "U": {"allOf": [{"$ref": "#/components/schemas/S"}, {"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "integer"}]}]},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(schema(&doc, "N"), &json!({"allOf": [{"$ref": "#/components/schemas/S"}], "nullable": true}));
        assert_eq!(schema(&doc, "U"), &json!({"allOf": [{"$ref": "#/components/schemas/S"}]}));
    }

    #[test]
    fn annotation_members_reduce_to_a_single_ref() {
        let mut doc = doc_with(json!({
            "S": {"type": "string"},
            "A": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/S"}, {"description": "d"}]}},
            "N": {"allOf": [{"$ref": "#/components/schemas/S"}, {"nullable": true}]},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 2);
        assert_eq!(schema(&doc, "A")["items"], json!({"allOf": [{"$ref": "#/components/schemas/S"}], "description": "d"}));
        assert_eq!(schema(&doc, "N"), &json!({"allOf": [{"$ref": "#/components/schemas/S"}], "nullable": true}));
    }

    #[test]
    fn refuses_to_merge_non_objects() {
        let mut doc = doc_with(json!({"X": {"allOf": [{"type": "string"}, {"type": "object"}]}}));
        let err = run(&mut doc, &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("only objects can be merged"), "{err}");
    }
}
