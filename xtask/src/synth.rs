//! Example values for operations: the document's own examples first, a value built from the
//! schema where it has none.
//!
//! Used to give the mock a default answer for every operation and the contract tests a request
//! body for every operation. Works on the *published* document (not the normalised one): the
//! mock should answer what the real service documents, and the generated types must cope.

use serde_json::{Map, Value, json};

use crate::normalise::resolve;

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An `example`/`examples` of the operation's media type or of its schema.
    Example,
    /// Built from the schema by [`synthesize`] (or placeholder bytes for audio, video, files).
    Synthesized,
    /// The document specifies a response with no body.
    Empty,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Example => "Example",
            Origin::Synthesized => "Synthesized",
            Origin::Empty => "Empty",
        }
    }
}

/// The example of a media type object (`content.<type>`), or of its schema, or one built from
/// the schema.
pub fn media_value(doc: &Value, media: &Value) -> (Value, Origin) {
    if let Some(v) = media.get("example") {
        return (v.clone(), Origin::Example);
    }
    if let Some(v) = media.get("examples").and_then(Value::as_object).and_then(|e| e.values().next()) {
        let v = v.get("value").cloned().unwrap_or_else(|| v.clone());
        return (v, Origin::Example);
    }
    let schema = media.get("schema").cloned().unwrap_or(json!({}));
    if let Some(v) = schema_example(doc, &schema) {
        return (v, Origin::Example);
    }
    (synthesize(doc, &schema), Origin::Synthesized)
}

/// The schema's own example (after following `$ref`s).
pub fn schema_example(doc: &Value, schema: &Value) -> Option<Value> {
    let s = resolve(doc, schema);
    if let Some(v) = s.get("example") {
        return Some(v.clone());
    }
    s.get("examples").and_then(Value::as_array).and_then(|e| e.first()).cloned()
}

/// A value the schema accepts: examples, defaults, consts and enums where the schema gives them;
/// every required property, the first member of a union, the merge of an `allOf`.
pub fn synthesize(doc: &Value, schema: &Value) -> Value {
    build(doc, schema, 0)
}

const MAX_DEPTH: usize = 12;

fn build(doc: &Value, schema: &Value, depth: usize) -> Value {
    let s = resolve(doc, schema);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(v) = s.get("const") {
        return v.clone();
    }
    if let Some(v) = s.get("example") {
        return v.clone();
    }
    if let Some(v) = s.get("examples").and_then(Value::as_array).and_then(|e| e.first()) {
        return v.clone();
    }
    if let Some(v) = s.get("default") {
        return v.clone();
    }
    if let Some(v) = s.get("enum").and_then(Value::as_array).and_then(|e| e.iter().find(|v| !v.is_null())) {
        return v.clone();
    }
    if let Some(members) = s.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for m in members {
            if let Value::Object(o) = build(doc, m, depth + 1) {
                merged.extend(o);
            }
        }
        if let Value::Object(own) = object(doc, s, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = s.get(key).and_then(Value::as_array) {
            // The first member that is not `null`: a union's main shape comes first in practice.
            let member = members.iter().find(|m| resolve(doc, m).get("type") != Some(&json!("null")));
            let mut value = member.map(|m| build(doc, m, depth + 1)).unwrap_or(Value::Null);
            // The discriminator's mapping names the member's tag, whatever the member's own schema says.
            if let (Some(prop), Some(member), Value::Object(o)) =
                (s.pointer("/discriminator/propertyName").and_then(Value::as_str), member, &mut value)
            {
                let target = member.get("$ref").and_then(Value::as_str).unwrap_or_default();
                let mapping = s.pointer("/discriminator/mapping").and_then(Value::as_object);
                let tag = mapping.and_then(|m| m.iter().find(|(_, r)| r.as_str() == Some(target))).map(|(k, _)| k.clone());
                if let Some(tag) = tag {
                    o.insert(prop.to_string(), Value::String(tag));
                }
            }
            return value;
        }
    }
    match primary_type(s).as_deref() {
        Some("object") => object(doc, s, depth),
        Some("array") => {
            let item = s.get("items").map(|i| build(doc, i, depth + 1)).unwrap_or(json!("string"));
            let n = s.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
            Value::Array((0..n).map(|_| item.clone()).collect())
        }
        Some("string") => string(s),
        Some("integer") => json!(
            s.get("minimum").and_then(Value::as_i64).unwrap_or(1).max(s.get("exclusiveMinimum").and_then(Value::as_i64).map_or(i64::MIN, |m| m + 1))
        ),
        Some("number") => json!(s.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        Some("boolean") => json!(true),
        Some("null") => Value::Null,
        _ if s.get("properties").is_some() => object(doc, s, depth),
        _ => json!({}),
    }
}

/// Adds to `value` what `schema` requires and `value` lacks, at every depth: a required
/// property (built by [`synthesize`]), a union's discriminator tag (from the union's own
/// example, or its first mapping). Returns how many were added.
///
/// The document's examples are written by hand and some contradict their own schema (a file
/// without its `_shape` tag, a model entry without two required fields): a mock answering them
/// as they are would fail every client that validates. The example stays what it is otherwise.
pub fn complete(doc: &Value, schema: &Value, value: &mut Value) -> usize {
    fill(doc, schema, value, 0)
}

fn fill(doc: &Value, schema: &Value, value: &mut Value, depth: usize) -> usize {
    let s = resolve(doc, schema);
    if depth > MAX_DEPTH {
        return 0;
    }
    let mut added = 0;
    for m in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        added += fill(doc, m, value, depth + 1);
    }
    if let (Some(prop), Value::Object(o)) = (s.pointer("/discriminator/propertyName").and_then(Value::as_str), &mut *value) {
        let mapping = s.pointer("/discriminator/mapping").and_then(Value::as_object);
        if !o.contains_key(prop) {
            let tag = s
                .pointer(&format!("/example/{prop}"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| mapping.and_then(|m| m.keys().next().cloned()));
            if let Some(tag) = tag {
                o.insert(prop.to_string(), Value::String(tag));
                added += 1;
            }
        }
        let tag = o.get(prop).and_then(Value::as_str).map(str::to_string);
        if let Some(target) = tag.and_then(|t| mapping.and_then(|m| m.get(&t)).cloned()) {
            added += fill(doc, &json!({"$ref": target}), value, depth + 1);
        }
    }
    if let Value::Object(o) = value {
        let required = s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        let props = s.get("properties").and_then(Value::as_object);
        for name in required {
            if let (false, Some(p)) = (o.contains_key(name), props.and_then(|ps| ps.get(name))) {
                o.insert(name.to_string(), build(doc, p, depth + 1));
                added += 1;
            }
        }
        for (name, p) in props.into_iter().flatten() {
            if let Some(inner) = o.get_mut(name) {
                added += fill(doc, p, inner, depth + 1);
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, s.get("items")) {
        for v in items {
            added += fill(doc, item, v, depth + 1);
        }
    }
    added
}

fn primary_type(s: &Value) -> Option<String> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").map(str::to_string),
        _ => None,
    }
}

fn object(doc: &Value, s: &Value, depth: usize) -> Value {
    let required: Vec<&str> = s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let mut out = Map::new();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            if required.contains(&name.as_str()) {
                out.insert(name.clone(), build(doc, p, depth + 1));
            }
        }
    }
    Value::Object(out)
}

fn string(s: &Value) -> Value {
    let v = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-08-22T12:00:00Z",
        Some("date") => "2026-08-22",
        Some("uuid") => "3f0c2a8e-6a4b-4a53-9a43-1f6f5d6e8b21",
        Some("uri") | Some("url") => "https://example.com/resource",
        Some("email") => "user@example.com",
        Some("byte") => "aGVsbG8=",
        _ => "string",
    };
    json!(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_required_fields_unions_and_tags() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["kind", "n"], "properties": {"kind": {"type": "string"}, "n": {"type": "integer", "minimum": 3}, "skip": {"type": "string"}}},
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}}},
            "E": {"type": ["string", "null"], "enum": [null, "x"]},
            "D": {"type": "string", "format": "date-time"},
        }}});
        let r = |n: &str| json!({"$ref": format!("#/components/schemas/{n}")});
        assert_eq!(synthesize(&doc, &r("U")), json!({"kind": "a", "n": 3}));
        assert_eq!(synthesize(&doc, &r("E")), json!("x"));
        assert_eq!(synthesize(&doc, &r("D")), json!("2026-08-22T12:00:00Z"));
    }

    #[test]
    fn completes_what_an_example_lacks() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["_shape", "n"], "properties": {"_shape": {"type": "string"}, "n": {"type": "integer"}}},
            "F": {"oneOf": [{"$ref": "#/components/schemas/A"}], "example": {"_shape": "a"},
                  "discriminator": {"propertyName": "_shape", "mapping": {"a": "#/components/schemas/A"}}},
            "L": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/F"}}}},
        }}});
        let mut v = json!({"data": [{"n": 2}, {"_shape": "a"}]});
        assert_eq!(complete(&doc, &json!({"$ref": "#/components/schemas/L"}), &mut v), 2);
        assert_eq!(v, json!({"data": [{"_shape": "a", "n": 2}, {"_shape": "a", "n": 1}]}));
        let mut whole = v.clone();
        assert_eq!(complete(&doc, &json!({"$ref": "#/components/schemas/L"}), &mut whole), 0, "a complete value is left alone");
    }

    #[test]
    fn prefers_the_documents_examples() {
        let doc = json!({"components": {"schemas": {"S": {"type": "object", "example": {"id": 1}}}}});
        let media = json!({"schema": {"$ref": "#/components/schemas/S"}});
        assert_eq!(media_value(&doc, &media), (json!({"id": 1}), Origin::Example));
        let media = json!({"examples": {"one": {"value": {"id": 2}}}, "schema": {"type": "object"}});
        assert_eq!(media_value(&doc, &media), (json!({"id": 2}), Origin::Example));
        let media = json!({"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}});
        assert_eq!(media_value(&doc, &media), (json!({"id": 1}), Origin::Synthesized));
    }
}
