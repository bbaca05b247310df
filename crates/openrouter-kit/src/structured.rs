//! JSON Schemas from Rust types (schemars) in the form providers' structured-output and
//! tool-calling modes accept, and typed answers back.
//!
//! OpenAI-style strict mode (which OpenRouter passes on to the providers that support it) accepts
//! a subset of JSON Schema: every object closed (`additionalProperties: false`), every property
//! listed in `required` (an optional field is expressed as nullable instead), `anyOf` rather
//! than `oneOf`, and few validation keywords. schemars writes what serde accepts, which is
//! wider, so [`strict_schema`] rewrites it:
//! - `$ref`s into `$defs` are inlined; a recursive type keeps its `$defs` entry and its `$ref`
//!   (or `#` for the root; inlining would never end, and strict mode accepts both);
//! - objects are closed and list every property as required; a property that was optional
//!   becomes nullable (`type: [T, "null"]`, or `anyOf` with `{type: null}`), so the model may
//!   send `null` where serde would accept absence;
//! - `oneOf` becomes `anyOf`, `const` becomes a one-value `enum`;
//! - `format`, `default`, `examples`, length/size/range/pattern constraints and other keywords
//!   strict mode rejects are dropped (serde still checks the value on the way back);
//! - a map (`HashMap<String, T>`, an object with open `additionalProperties`) cannot be strict:
//!   it is kept as is, and the result says `strict: false`, so the request still works with
//!   providers that accept a plain JSON schema.

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

/// A schema ready to send, and whether strict mode can enforce it.
#[derive(Debug, Clone, PartialEq)]
pub struct StrictSchema {
    /// The JSON Schema to send.
    pub schema: Value,
    /// Whether the schema fits strict mode (every object closed, every field required).
    pub strict: bool,
}

/// The adapted schema of `T`.
pub fn strict_schema<T: JsonSchema>() -> StrictSchema {
    adapt(serde_json::to_value(schemars::schema_for!(T)).unwrap_or(json!({})))
}

/// A type name usable as a schema or tool name (`^[a-zA-Z0-9_-]{1,64}$`).
pub fn schema_name<T: JsonSchema>() -> String {
    let name: String = T::schema_name().chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    name.chars().take(64).collect()
}

/// Keywords strict mode rejects (or that only restate what serde checks anyway).
const DROPPED: &[&str] = &[
    "$schema", "format", "default", "examples", "minLength", "maxLength", "pattern", "minItems", "maxItems",
    "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties",
    "maxProperties", "propertyNames", "patternProperties", "contentEncoding", "contentMediaType", "readOnly",
    "writeOnly", "deprecated",
];

/// Rewrite a schemars schema (see the module documentation).
pub fn adapt(mut root: Value) -> StrictSchema {
    let defs = root.as_object_mut().and_then(|o| o.remove("$defs")).and_then(|d| d.as_object().cloned()).unwrap_or_default();
    let recursive: Vec<String> = defs.keys().filter(|name| reaches(&defs, name, name, &mut Vec::new())).cloned().collect();
    let mut strict = true;
    let mut out = rewrite(&root, &defs, &recursive, &mut strict, 0);
    if !recursive.is_empty() {
        let kept: Map<String, Value> = recursive
            .iter()
            .filter_map(|name| defs.get(name).map(|d| (name.clone(), rewrite(d, &defs, &recursive, &mut strict, 0))))
            .collect();
        if let Some(o) = out.as_object_mut() {
            o.insert("$defs".into(), Value::Object(kept));
        }
    }
    StrictSchema { schema: out, strict }
}

fn def_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

/// Whether `from` refers (transitively) to `target`.
fn reaches(defs: &Map<String, Value>, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
    if seen.iter().any(|s| s == from) {
        return false;
    }
    seen.push(from.to_string());
    let Some(schema) = defs.get(from) else { return false };
    let mut refs = Vec::new();
    collect_refs(schema, &mut refs);
    refs.iter().any(|r| r == target || reaches(defs, r, target, seen))
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(name) = def_name(v) {
                out.push(name.to_string());
            }
            o.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

fn rewrite(schema: &Value, defs: &Map<String, Value>, recursive: &[String], strict: &mut bool, depth: usize) -> Value {
    if let Some(name) = def_name(schema) {
        if recursive.iter().any(|r| r == name) || depth > 32 {
            return json!({"$ref": format!("#/$defs/{name}")});
        }
        if let Some(target) = defs.get(name) {
            // schemars may put a description beside the `$ref`; keep it on the inlined copy.
            let mut inlined = rewrite(target, defs, recursive, strict, depth + 1);
            if let (Some(o), Some(d)) = (inlined.as_object_mut(), schema.get("description")) {
                o.insert("description".into(), d.clone());
            }
            return inlined;
        }
    }
    let Value::Object(o) = schema else { return schema.clone() };
    let mut out = Map::new();
    for (k, v) in o {
        if DROPPED.contains(&k.as_str()) {
            continue;
        }
        let v = match k.as_str() {
            "properties" => Value::Object(
                v.as_object().into_iter().flatten().map(|(p, s)| (p.clone(), rewrite(s, defs, recursive, strict, depth + 1))).collect(),
            ),
            "items" | "additionalProperties" | "not" if v.is_object() => rewrite(v, defs, recursive, strict, depth + 1),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                Value::Array(v.as_array().into_iter().flatten().map(|s| rewrite(s, defs, recursive, strict, depth + 1)).collect())
            }
            _ => v.clone(),
        };
        match k.as_str() {
            "oneOf" => {
                out.insert("anyOf".into(), v);
            }
            "const" => {
                out.insert("enum".into(), json!([v]));
            }
            _ => {
                out.insert(k.clone(), v);
            }
        }
    }
    if is_object_schema(&out) {
        close_object(&mut out, strict);
    }
    Value::Object(out)
}

fn is_object_schema(o: &Map<String, Value>) -> bool {
    match o.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => o.contains_key("properties"),
    }
}

fn close_object(o: &mut Map<String, Value>, strict: &mut bool) {
    match o.get("additionalProperties") {
        // A map: strict mode cannot say "any key"; keep it open and give up strictness.
        Some(Value::Object(_)) | Some(Value::Bool(true)) if !o.contains_key("properties") => {
            *strict = false;
            return;
        }
        _ => {}
    }
    o.insert("additionalProperties".into(), Value::Bool(false));
    let required: Vec<String> =
        o.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
    let Some(Value::Object(props)) = o.get_mut("properties") else {
        o.insert("properties".into(), json!({}));
        o.insert("required".into(), json!([]));
        return;
    };
    let names: Vec<String> = props.keys().cloned().collect();
    for (name, p) in props.iter_mut() {
        if !required.contains(name) {
            make_nullable(p);
        }
    }
    o.insert("required".into(), json!(names));
}

fn make_nullable(p: &mut Value) {
    let Some(o) = p.as_object_mut() else { return };
    match o.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = t.clone();
            o.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(ts)) => {
            if !ts.iter().any(|t| t == "null") {
                ts.push(json!("null"));
            }
        }
        Some(_) => {}
        None => {
            if let Some(Value::Array(members)) = o.get_mut("anyOf") {
                if !members.iter().any(|m| m.get("type") == Some(&json!("null"))) {
                    members.push(json!({"type": "null"}));
                }
            } else {
                let inner = std::mem::take(o);
                o.insert("anyOf".into(), json!([Value::Object(inner), {"type": "null"}]));
            }
        }
    }
    // `enum` lists the allowed values: `null` must be one of them too.
    if let Some(Value::Array(values)) = p.get_mut("enum")
        && !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    struct Address {
        /// The street.
        street: String,
        #[schemars(length(min = 1))]
        city: String,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mood {
        Happy,
        Sad,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Shape {
        Circle { radius: f64 },
        Square { side: f64 },
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    struct Person {
        name: String,
        #[serde(default)]
        nickname: Option<String>,
        age: u8,
        home: Address,
        previous: Vec<Address>,
        mood: Option<Mood>,
        shape: Shape,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    struct Tree {
        label: String,
        children: Vec<Tree>,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    struct Tags {
        tags: HashMap<String, u32>,
    }

    fn walk(v: &Value, f: &mut impl FnMut(&Map<String, Value>)) {
        match v {
            Value::Object(o) => {
                f(o);
                o.values().for_each(|c| walk(c, f));
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, f)),
            _ => {}
        }
    }

    #[test]
    fn nested_structs_are_inlined_closed_and_fully_required() {
        let s = strict_schema::<Person>();
        assert!(s.strict);
        let v = &s.schema;
        assert!(v.get("$defs").is_none() && !v.to_string().contains("$ref"), "{v:#}");
        assert_eq!(v["additionalProperties"], false);
        assert_eq!(v["required"], json!(["name", "nickname", "age", "home", "previous", "mood", "shape"]));
        assert_eq!(v["properties"]["home"]["additionalProperties"], false);
        assert_eq!(v["properties"]["home"]["required"], json!(["street", "city"]));
        assert_eq!(v["properties"]["previous"]["items"]["additionalProperties"], false, "Vec items are closed too");
        assert_eq!(v["properties"]["nickname"]["type"], json!(["string", "null"]), "an Option is nullable and required");
        // Every object anywhere is closed; no keyword strict mode rejects is left.
        walk(v, &mut |o| {
            if o.get("type") == Some(&json!("object")) {
                assert_eq!(o.get("additionalProperties"), Some(&json!(false)), "{o:?}");
            }
            for k in ["format", "minimum", "minLength", "oneOf", "$schema", "const"] {
                assert!(!o.contains_key(k), "{k} left in {o:?}");
            }
        });
    }

    #[test]
    fn enums_become_string_enums_and_tagged_unions_any_of() {
        let v = strict_schema::<Person>().schema;
        let mood = &v["properties"]["mood"];
        let values = mood.get("enum").cloned().or_else(|| mood.pointer("/anyOf/0/enum").cloned()).unwrap();
        assert!(values.as_array().unwrap().contains(&json!("happy")), "{mood:#}");
        assert!(mood.to_string().contains("null"), "Option<Mood> admits null: {mood:#}");
        let shape = &v["properties"]["shape"];
        let members = shape["anyOf"].as_array().expect("oneOf became anyOf");
        assert_eq!(members.len(), 2);
        assert_eq!(members[0]["properties"]["kind"]["enum"], json!(["circle"]));
        assert_eq!(members[0]["required"], json!(["kind", "radius"]));
    }

    #[allow(dead_code)]
    #[derive(JsonSchema, Deserialize)]
    struct Forest {
        trees: Vec<Tree>,
    }

    #[test]
    fn recursive_types_keep_their_reference() {
        // The root refers to itself as `#`.
        let s = strict_schema::<Tree>();
        assert_eq!(s.schema["properties"]["children"]["items"]["$ref"], "#", "{:#}", s.schema);
        assert!(s.strict);
        // A recursive type below the root keeps its `$defs` entry, closed like the rest.
        let v = strict_schema::<Forest>().schema;
        assert_eq!(v["properties"]["trees"]["items"]["$ref"], "#/$defs/Tree", "{v:#}");
        assert_eq!(v["$defs"]["Tree"]["additionalProperties"], false);
        assert_eq!(v["$defs"]["Tree"]["properties"]["children"]["items"]["$ref"], "#/$defs/Tree");
    }

    #[test]
    fn maps_cannot_be_strict() {
        let s = strict_schema::<Tags>();
        assert!(!s.strict);
        assert_eq!(s.schema["properties"]["tags"]["additionalProperties"]["type"], "integer");
        assert_eq!(s.schema["additionalProperties"], false, "the outer object is still closed");
    }

    #[test]
    fn names_are_safe_for_the_api() {
        assert_eq!(schema_name::<Person>(), "Person");
        assert_eq!(schema_name::<Vec<Person>>(), "Array_of_Person");
    }
}

/// A structured answer: the typed value and the response it came in.
#[derive(Debug, Clone)]
pub struct Parsed<T, R> {
    /// The answer, decoded.
    pub value: T,
    /// The whole response it came in (usage, cost, model).
    pub response: R,
}

/// Decode the model's text as `T`, keeping the text, the refusal and the path on failure.
pub(crate) fn decode_output<T: serde::de::DeserializeOwned>(
    content: Option<&str>,
    refusal: Option<&str>,
    finish_reason: Option<String>,
) -> Result<T, crate::Error> {
    let fail = |path: String, source: Option<serde_json::Error>| {
        crate::Error::Output(Box::new(crate::OutputError {
            content: content.map(str::to_string),
            refusal: refusal.map(str::to_string),
            finish_reason: finish_reason.clone(),
            path,
            source,
        }))
    };
    if refusal.is_some() {
        return Err(fail(String::new(), None));
    }
    let Some(text) = content.filter(|t| !t.trim().is_empty()) else { return Err(fail(String::new(), None)) };
    let mut de = serde_json::Deserializer::from_str(text.trim());
    serde_path_to_error::deserialize(&mut de).map_err(|e| fail(e.path().to_string(), Some(e.into_inner())))
}

/// The request as JSON with `key` set (objects merged, so `text.verbosity` survives `text.format`).
pub(crate) fn with_field<R: serde::Serialize + ?Sized>(request: &R, key: &str, value: Value) -> Result<Value, crate::Error> {
    let mut body = serde_json::to_value(request).map_err(|e| crate::Error::Config(format!("the request does not serialize: {e}")))?;
    let Some(object) = body.as_object_mut() else {
        return Err(crate::Error::Config("the request must serialize to a JSON object".into()));
    };
    match (object.get_mut(key), value) {
        (Some(Value::Object(existing)), Value::Object(new)) => existing.extend(new),
        (_, value) => {
            object.insert(key.to_string(), value);
        }
    }
    Ok(body)
}
