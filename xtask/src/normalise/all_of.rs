//! `allOf` → one flat object schema.
//!
//! typify panics while merging `allOf` members that are references with their own additions
//! (`assertion failed: a.reference.is_none()`, e.g. `OpenResponsesCreatedEvent = allOf[$ref
//! CreatedEvent, {response: …}]`). The pass merges the members itself: properties in member order,
//! a later member's property replacing an earlier one of the same name (each replacement is
//! recorded in the notes, since it means the document narrows or redefines an inherited field),
//! `required` as the union, the parent's own annotations first.
//!
//! Scalars merge too: `allOf` of string (or number) members, a `$ref` to a string enum among
//! them, is one scalar with the values every member allows. Members that only annotate
//! (`description`, `default`, …) carry no shape: their text and default move to the parent, and
//! a single member left that is not a reference (a union) becomes the schema.
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
                    o.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
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
                if let Some(d) = m.get("default") {
                    s.entry("default").or_insert_with(|| d.clone());
                }
                merged_this_round += 1;
            }
            if members.len() == 1 && ref_name(&members[0]).is_some() {
                return Ok(());
            }
            // One member left that is not a reference (a union beside annotation-only members):
            // the schema is that member, the parent's own keys first.
            if members.len() == 1 {
                let Some(only) = members[0].as_object() else { bail!("{loc}: allOf member 0 is not a schema") };
                s.remove("allOf");
                for (k, v) in only {
                    s.entry(k.clone()).or_insert_with(|| v.clone());
                }
                merged_this_round += 1;
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
            if resolved.iter().all(is_scalar) {
                merge_scalars(s, &resolved, loc)?;
            } else {
                merge_into(s, &resolved, loc, notes)?;
            }
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

/// Keys of a member that only annotate: it carries no shape, its text and default move up.
const ANNOTATIONS: &[&str] =
    &["description", "title", "example", "examples", "deprecated", "nullable", "default", "readOnly", "writeOnly", "externalDocs"];

/// A string, number or boolean schema (an enum of them included), not an object or a list.
fn is_scalar(schema: &Value) -> bool {
    let Some(o) = schema.as_object() else { return false };
    let ty = o.get("type").and_then(Value::as_str);
    let scalar_type = matches!(ty, Some("string" | "integer" | "number" | "boolean"));
    let enum_only = ty.is_none() && o.contains_key("enum");
    (scalar_type || enum_only) && !o.contains_key("properties") && !o.contains_key("items")
}

/// Scalars intersected: one type (they must agree, `integer` narrowing `number`), the values
/// every member with an `enum` allows (in the first such member's order), other keywords from
/// the later member when two give them. `allOf[$ref Enum, {type: string}]` (a reference to a
/// string enum beside annotations or a repeated type) is the enum.
fn merge_scalars(s: &mut Map<String, Value>, members: &[Value], loc: &str) -> Result<()> {
    s.remove("allOf");
    let mut ty: Option<String> = None;
    let mut values: Option<Vec<Value>> = None;
    let mut rest = Map::new();
    for (i, m) in members.iter().enumerate() {
        let Some(m) = m.as_object() else { bail!("{loc}: allOf member {i} is not a schema") };
        if let Some(t) = m.get("type").and_then(Value::as_str) {
            ty = match ty.as_deref() {
                None => Some(t.to_string()),
                Some(prev) if prev == t => Some(t.to_string()),
                Some("number") if t == "integer" => Some(t.to_string()),
                Some("integer") if t == "number" => Some("integer".to_string()),
                Some(prev) => bail!("{loc}: allOf members of different types ({prev}, {t}) allow no value"),
            };
        }
        if let Some(e) = m.get("enum").and_then(Value::as_array) {
            values = Some(match values {
                None => e.clone(),
                Some(prev) => prev.into_iter().filter(|v| e.contains(v)).collect(),
            });
        }
        for (k, v) in m {
            if k != "type" && k != "enum" {
                rest.insert(k.clone(), v.clone());
            }
        }
    }
    if values.as_ref().is_some_and(Vec::is_empty) {
        bail!("{loc}: allOf members' enums share no value");
    }
    for (k, v) in rest {
        s.entry(k).or_insert(v);
    }
    if let Some(t) = ty {
        s.insert("type".into(), Value::String(t));
    }
    if let Some(v) = values {
        s.insert("enum".into(), Value::Array(v));
    }
    Ok(())
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
    let mut carried = Map::new();
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
        // Any other keyword goes on to the merged schema (the first member's, when several
        // have it), for the passes after this one to handle or refuse by name: dropped here, a
        // `patternProperties` or `unevaluatedProperties` would vanish without a word.
        for (k, v) in m {
            let merged = matches!(k.as_str(), "type" | "properties" | "required" | "additionalProperties" | "description");
            if !merged && !ANNOTATIONS.contains(&k.as_str()) {
                carried.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    for (k, v) in carried {
        s.entry(k).or_insert(v);
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
    fn keywords_the_merge_does_not_know_go_on_to_be_refused_by_name() {
        let mut doc = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
            "D": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "patternProperties": {"^x-": {"type": "string"}}}]}
        }}});
        run(&mut doc, &mut Notes::default()).unwrap();
        assert_eq!(schema(&doc, "D")["patternProperties"], json!({"^x-": {"type": "string"}}), "not dropped");
    }

    #[test]
    fn refuses_to_merge_non_objects() {
        let mut doc = doc_with(json!({"X": {"allOf": [{"type": "string"}, {"type": "object"}]}}));
        let err = run(&mut doc, &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("only objects can be merged"), "{err}");
        let mut doc = doc_with(json!({"X": {"allOf": [{"type": "string"}, {"type": "integer"}]}}));
        let err = run(&mut doc, &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("different types"), "{err}");
        let mut doc = doc_with(json!({"X": {"allOf": [{"enum": ["a"]}, {"enum": ["b"]}]}}));
        let err = run(&mut doc, &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("share no value"), "{err}");
    }

    #[test]
    fn merges_string_enums_and_scalars() {
        let mut doc = doc_with(json!({
            "E": {"type": "string", "enum": ["low", "high", "max"]},
            // A reference to a string enum with a default beside it: the reference, the default up.
            "D": {"allOf": [{"$ref": "#/components/schemas/E"}, {"default": "low", "description": "how hard"}]},
            // Two string members: one string, the enum narrowed by the other.
            "T": {"allOf": [{"$ref": "#/components/schemas/E"}, {"type": "string", "enum": ["high", "max", "other"], "maxLength": 4}]},
            "N": {"allOf": [{"type": "number", "minimum": 0}, {"type": "integer"}]},
        }));
        run(&mut doc, &mut Notes::default()).unwrap();
        assert_eq!(schema(&doc, "D"), &json!({"allOf": [{"$ref": "#/components/schemas/E"}], "description": "how hard", "default": "low"}));
        assert_eq!(schema(&doc, "T"), &json!({"type": "string", "enum": ["high", "max"], "maxLength": 4}));
        assert_eq!(schema(&doc, "N"), &json!({"type": "integer", "minimum": 0}));
    }

    #[test]
    fn a_union_beside_annotation_members_is_that_union() {
        let mut doc = doc_with(json!({
            "R": {"type": "object", "properties": {"input": {"allOf": [
                {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                {"description": "what to embed"}
            ]}}}
        }));
        run(&mut doc, &mut Notes::default()).unwrap();
        assert_eq!(
            schema(&doc, "R")["properties"]["input"],
            json!({"description": "what to embed", "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
        );
    }
}
