//! `oneOf` whose members one string property tells apart → a tagged union.
//!
//! progenitor ignores `discriminator`, and typify renders such a union as `#[serde(untagged)]`: it
//! tries each member in turn (slow, and its error says only "did not match any variant"), names
//! variants `Variant0..N` when a member is inline, and fails on a `type` it does not know. This
//! pass finds the unions whose members are told apart by a tag (the discriminator's
//! `propertyName`, else a property every member declares as a string enum, `type` first) with
//! disjoint values. Inline members and inline unions are moved into named components (so each
//! variant wraps a real type, and the generator can replace the union by name); the union is
//! recorded in [`Notes::unions`] and the generator emits it as an enum that reads the tag first,
//! with variants named after the tag values and an `Unknown` variant keeping unrecognised data.
//! String members beside the objects (`tool_choice: "auto" | "none" | {type: "function", …}`)
//! become unit variants of the same enum.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::{Notes, TaggedUnion, UnionVariant, ref_name, resolve, schema_ref, schemas, schemas_mut, walk};

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    let snapshot = doc.clone();
    let mut taken: BTreeSet<String> = schemas(&snapshot).map(|s| s.keys().cloned().collect()).unwrap_or_default();
    let mut hoisted: BTreeMap<String, Value> = BTreeMap::new();
    let mut found: BTreeMap<String, TaggedUnion> = BTreeMap::new();
    let mut untagged_hoisted = 0;
    // What each stream event decodes into: the `data` of an envelope root, or the root itself.
    let notes_stream_roots: BTreeSet<String> = notes
        .stream_roots
        .iter()
        .map(|root| {
            schemas(&snapshot)
                .and_then(|s| s.get(root))
                .and_then(|s| s.pointer("/properties/data"))
                .and_then(ref_name)
                .unwrap_or(root)
                .to_string()
        })
        .collect();
    // …or an inline union right there, hoisted under a name of its own.
    let stream_payload_locations: BTreeSet<String> =
        notes.stream_roots.iter().map(|root| format!("#/components/schemas/{root}/data")).collect();

    walk::for_each_schema_mut(doc, &mut |s, loc| {
        let Some(members) = s.get("oneOf").and_then(Value::as_array).cloned() else { return Ok(()) };
        let lookup = |m: &Value| -> Value {
            match ref_name(m).and_then(|n| hoisted.get(n)) {
                Some(h) => h.clone(),
                None => resolve(&snapshot, m).clone(),
            }
        };
        let all_resolved: Vec<Value> = members.iter().map(lookup).collect();
        // String-constant members are told apart by their value; the rest by the tag.
        let mut strings = Vec::new();
        let (mut object_members, mut resolved) = (Vec::new(), Vec::new());
        for (m, r) in members.iter().zip(&all_resolved) {
            match string_values(r) {
                Some(values) => strings.extend(values),
                None => {
                    object_members.push(m.clone());
                    resolved.push(r.clone());
                }
            }
        }
        let distinct: BTreeSet<&String> = strings.iter().collect();
        if object_members.is_empty() || distinct.len() != strings.len() {
            return Ok(());
        }
        let members = object_members;
        let Some((tag, values)) = find_tag(&snapshot, s, &members, &resolved) else {
            // Untagged: still give inline object members a name of their own, or typify makes
            // them struct-like variants `Variant7 { … }` that no code can name as a type.
            let base = component_name(loc).unwrap_or_else(|| inline_name(loc));
            if let Some(Value::Array(list)) = s.get_mut("oneOf") {
                for (i, m) in list.iter_mut().enumerate() {
                    if m.get("$ref").is_none() && m.get("properties").is_some() {
                        // Named after its `type` constant when it has one.
                        let suffix = m
                            .pointer("/properties/type/enum")
                            .and_then(Value::as_array)
                            .filter(|e| e.len() == 1)
                            .and_then(|e| e[0].as_str())
                            .map_or_else(|| format!("Member{i}"), variant_name);
                        let n = unique(&mut taken, &format!("{base}{suffix}"));
                        hoisted.insert(n.clone(), std::mem::replace(m, schema_ref(&n)));
                        untagged_hoisted += 1;
                    }
                }
            }
            return Ok(());
        };

        let union_name = match component_name(loc) {
            Some(name) => name,
            None => unique(&mut taken, &inline_name(loc)),
        };
        let mut variants = Vec::new();
        let mut fallback = None;
        let mut new_members = Vec::new();
        let mut variant_names = BTreeSet::new();
        // String members take the plain names ("auto" → Auto); an object member that several
        // tag values select, or any (the fallback), is named after its schema.
        let mut string_variants = Vec::new();
        for value in &strings {
            let name = variant_name(value);
            variant_names.insert(name.clone());
            string_variants.push((name, value.clone()));
        }
        for ((member, r), vals) in members.iter().zip(&resolved).zip(&values) {
            let base = match vals.as_slice() {
                [one] => variant_name(one),
                _ => match ref_name(member) {
                    Some(n) => crate::postprocess::rust_type_name(n)
                        .strip_prefix(&crate::postprocess::rust_type_name(&union_name))
                        .filter(|rest| !rest.is_empty())
                        .map(str::to_string)
                        .unwrap_or_else(|| crate::postprocess::rust_type_name(n)),
                    None if vals.is_empty() => "Other".to_string(),
                    None => variant_name(&vals.join("_or_")),
                },
            };
            let name = if variant_names.insert(base.clone()) {
                base
            } else {
                let alt = format!("{base}{}", variant_names.len());
                variant_names.insert(alt.clone());
                alt
            };
            let schema_name = match ref_name(member) {
                Some(n) => n.to_string(),
                None => {
                    let n = unique(&mut taken, &format!("{union_name}{name}"));
                    hoisted.insert(n.clone(), r.clone());
                    n
                }
            };
            new_members.push(schema_ref(&schema_name));
            let variant = UnionVariant { name, schema: schema_name, values: vals.clone() };
            if vals.is_empty() {
                fallback = Some(variant);
            } else {
                variants.push(variant);
            }
        }
        if !strings.is_empty() {
            new_members.insert(0, serde_json::json!({"type": "string", "enum": strings}));
        }
        s.insert("oneOf".into(), Value::Array(new_members));
        let description = s.get("description").and_then(Value::as_str).map(str::to_string);
        found.insert(union_name.clone(), TaggedUnion {
            stream_payload: notes_stream_roots.contains(&union_name) || stream_payload_locations.contains(loc),
            tag,
            variants,
            strings: string_variants,
            fallback,
            description,
        });
        if component_name(loc).is_none() {
            // Move the inline union itself into a component and leave a reference behind.
            let mut union = Map::new();
            std::mem::swap(&mut union, s);
            let nullable = union.remove("nullable");
            hoisted.insert(union_name.clone(), Value::Object(union));
            match nullable {
                Some(n) => {
                    s.insert("allOf".into(), Value::Array(vec![schema_ref(&union_name)]));
                    s.insert("nullable".into(), n);
                }
                None => {
                    s.insert("$ref".into(), schema_ref(&union_name)["$ref"].clone());
                }
            }
        }
        Ok(())
    })?;

    let changed = found.len() + untagged_hoisted;
    if let Some(all) = schemas_mut(doc) {
        for (name, s) in hoisted {
            all.insert(name, s);
        }
    }
    notes.unions.extend(found);
    Ok(changed)
}

/// The values of a member that is a string enum (a const), if it is one.
fn string_values(member: &Value) -> Option<Vec<String>> {
    if member.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    let values = member.get("enum")?.as_array()?;
    values.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// The tag property and each member's tag values, if the members are told apart by one.
/// Values per member; a member whose tag is an unconstrained string gets no values (the fallback;
/// at most one).
fn find_tag(doc: &Value, s: &Map<String, Value>, members: &[Value], resolved: &[Value]) -> Option<(String, Vec<Vec<String>>)> {
    if resolved.iter().any(|r| r.get("properties").is_none()) {
        return None;
    }
    let mut candidates: Vec<String> = Vec::new();
    let discriminator = s.get("discriminator");
    if let Some(p) = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str) {
        candidates.push(p.to_string());
    }
    candidates.push("type".into());
    if let Some(props) = resolved[0].get("properties").and_then(Value::as_object) {
        candidates.extend(props.keys().cloned());
    }
    let mapping = discriminator.and_then(|d| d.get("mapping")).and_then(Value::as_object);
    'candidate: for tag in candidates {
        let mut all_values = Vec::new();
        let mut seen = BTreeSet::new();
        let mut fallbacks = 0;
        for (member, r) in members.iter().zip(resolved) {
            let prop = r.pointer(&format!("/properties/{}", tag.replace('~', "~0").replace('/', "~1"))).map(|p| resolve(doc, p));
            let free_string = prop.is_some_and(|p| {
                p.get("type").and_then(Value::as_str) == Some("string") && p.get("enum").is_none()
            });
            let mut vals: Vec<String> = prop
                .and_then(|p| p.get("enum"))
                .and_then(Value::as_array)
                .map(|e| e.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if vals.is_empty()
                && let (Some(mapping), Some(target)) = (mapping, member.get("$ref")) {
                    vals = mapping.iter().filter(|(_, t)| *t == target).map(|(k, _)| k.clone()).collect();
                }
            if vals.is_empty() && free_string && members.len() > 1 {
                fallbacks += 1;
                all_values.push(vals);
                continue;
            }
            if vals.is_empty() || !vals.iter().all(|v| seen.insert(v.clone())) {
                continue 'candidate;
            }
            all_values.push(vals);
        }
        if fallbacks > 1 || fallbacks == members.len() {
            continue 'candidate;
        }
        return Some((tag, all_values));
    }
    None
}

/// `#/components/schemas/Name` (a whole component) → `Name`.
fn component_name(loc: &str) -> Option<String> {
    let rest = loc.strip_prefix("#/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.to_string())
}

/// A name for an inline union from where it sits: `Parent/prop/items` → `ParentPropItem`.
fn inline_name(loc: &str) -> String {
    let rest = loc.strip_prefix("#/components/schemas/").unwrap_or(loc);
    let mut name = String::new();
    let mut parts = rest.split(['/', ' ']).filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        match part {
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            "oneOf" | "allOf" | "anyOf" => {
                if let Some(i) = parts.next() {
                    name.push_str(&format!("Member{i}"));
                }
            }
            other => name.push_str(&other.to_upper_camel_case()),
        }
    }
    name
}

/// `response.output_text.delta` → `ResponseOutputTextDelta`; a leading digit gets a `V`.
pub fn variant_name(tag_value: &str) -> String {
    let name = tag_value.replace(['.', ':', '-', '/'], "_").to_upper_camel_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        None => "Empty".into(),
        _ => name,
    }
}

fn unique(taken: &mut BTreeSet<String>, base: &str) -> String {
    let name = if taken.contains(base) {
        (2..).map(|i| format!("{base}{i}")).find(|n| !taken.contains(n)).unwrap_or_default()
    } else {
        base.to_string()
    };
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;
    use serde_json::json;

    fn obj(tag: &str) -> Value {
        json!({"type": "object", "properties": {"type": {"type": "string", "enum": [tag]}, "x": {"type": "string"}}})
    }

    #[test]
    fn named_union_of_refs_and_inline_members() {
        let mut doc = doc_with(json!({
            "A": obj("input_text"),
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, obj("response.output_text.delta")]},
            "P": {"type": "object", "properties": {"tool_choice": {"oneOf": [obj("auto"), obj("function")], "nullable": true}}},
            "Untagged": {"oneOf": [{"type": "string"}, obj("x")]},
            "Clash": {"oneOf": [obj("same"), obj("same")]},
        }));
        let mut notes = Notes::default();
        // Two tagged unions, and the inline object members of `Untagged` (one) and `Clash` (two,
        // named after their `type`) moved into components.
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 5);
        assert_eq!(schema(&doc, "Untagged")["oneOf"][1], json!({"$ref": "#/components/schemas/UntaggedX"}));
        assert_eq!(schema(&doc, "Clash")["oneOf"][1], json!({"$ref": "#/components/schemas/ClashSame2"}));
        let u = &notes.unions["U"];
        assert_eq!(u.tag, "type");
        assert_eq!(u.variants[0], UnionVariant { name: "InputText".into(), schema: "A".into(), values: vec!["input_text".into()] });
        assert_eq!(u.variants[1].name, "ResponseOutputTextDelta");
        assert_eq!(u.variants[1].schema, "UResponseOutputTextDelta");
        assert_eq!(schema(&doc, "UResponseOutputTextDelta"), &obj("response.output_text.delta"));
        let p = &notes.unions["PToolChoice"];
        assert_eq!(p.variants.iter().map(|v| v.schema.as_str()).collect::<Vec<_>>(), ["PToolChoiceAuto", "PToolChoiceFunction"]);
        assert_eq!(schema(&doc, "P")["properties"]["tool_choice"], json!({"allOf": [{"$ref": "#/components/schemas/PToolChoice"}], "nullable": true}));
        assert!(!notes.unions.contains_key("Untagged") && !notes.unions.contains_key("Clash"));
    }

    #[test]
    fn string_members_become_unit_variants() {
        let mut doc = doc_with(json!({
            "F": obj("function"),
            "Choice": {"oneOf": [
                {"type": "string", "enum": ["none"]},
                {"type": "string", "enum": ["auto", "required"]},
                {"$ref": "#/components/schemas/F"}
            ]},
            "Clash": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a"]}, {"$ref": "#/components/schemas/F"}]},
        }));
        let mut notes = Notes::default();
        assert_eq!(run(&mut doc, &mut notes).unwrap(), 1);
        let u = &notes.unions["Choice"];
        assert_eq!(u.strings, vec![("None".into(), "none".into()), ("Auto".into(), "auto".into()), ("Required".into(), "required".into())]);
        assert_eq!(u.variants.len(), 1);
        assert_eq!(u.variants[0].name, "Function");
        assert_eq!(u.fallback, None);
        assert_eq!(schema(&doc, "Choice")["oneOf"][0], json!({"type": "string", "enum": ["none", "auto", "required"]}));
    }

    #[test]
    fn one_member_with_a_free_string_tag_is_the_fallback() {
        let mut doc = doc_with(json!({
            "F": obj("function"),
            "Server": {"type": "object", "properties": {"type": {"type": "string"}}},
            "Choice": {"oneOf": [{"$ref": "#/components/schemas/F"}, {"$ref": "#/components/schemas/Server"}]},
        }));
        let mut notes = Notes::default();
        run(&mut doc, &mut notes).unwrap();
        let u = &notes.unions["Choice"];
        assert_eq!(u.variants.len(), 1);
        assert_eq!(u.fallback.as_ref().map(|f| f.schema.as_str()), Some("Server"));
    }

    #[test]
    fn stream_payload_unions_are_marked() {
        let mut doc = doc_with(json!({
            "Env": {"type": "object", "properties": {"data": {"oneOf": [obj("a"), obj("b")]}}},
            "Named": {"oneOf": [obj("c"), obj("d")]},
            "Env2": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Named"}}},
            "Other": {"oneOf": [obj("e"), obj("f")]},
        }));
        let mut notes = Notes::default();
        notes.stream_roots.extend(["Env".to_string(), "Env2".to_string()]);
        run(&mut doc, &mut notes).unwrap();
        assert!(notes.unions["EnvData"].stream_payload, "inline under an envelope's data");
        assert!(notes.unions["Named"].stream_payload, "referenced from an envelope's data");
        assert!(!notes.unions["Other"].stream_payload);
    }

    #[test]
    fn discriminator_mapping_supplies_values() {
        let mut doc = doc_with(json!({
            "A": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "B": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                  "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"}}},
        }));
        let mut notes = Notes::default();
        run(&mut doc, &mut notes).unwrap();
        assert_eq!(notes.unions["U"].tag, "kind");
        assert_eq!(notes.unions["U"].variants[1].values, vec!["b".to_string()]);
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("openrouter:web_search"), "OpenrouterWebSearch");
        assert_eq!(variant_name("20250825"), "V20250825");
    }
}
