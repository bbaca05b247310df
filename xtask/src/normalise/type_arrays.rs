//! `type: [T, "null"]` → `type: T, nullable: true`.
//!
//! JSON Schema 2020-12 (OpenAPI 3.1) spells nullability as a type array; `openapiv3` only parses a
//! single string there and fails on the whole document. A type array of several non-null types
//! (`[string, number]`) becomes a `oneOf` of single-type schemas, which typify renders as an
//! untagged enum. `type: ["null"]` alone becomes `type: "null"`, left to [`super::null_members`].

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, loc| {
        let Some(Value::Array(types)) = s.get("type") else { return Ok(()) };
        let mut names = Vec::new();
        let mut nullable = false;
        for t in types {
            match t.as_str() {
                Some("null") => nullable = true,
                Some(name) => names.push(name.to_string()),
                None => bail!("{loc}: `type` array holds a non-string {t}"),
            }
        }
        changed += 1;
        match names.as_slice() {
            [] => {
                s.insert("type".into(), json!("null"));
            }
            [one] => {
                s.insert("type".into(), json!(one));
            }
            many => {
                s.remove("type");
                let members = many.iter().map(|t| split_member(s, t)).collect();
                s.insert("oneOf".into(), Value::Array(members));
            }
        }
        if nullable && !names.is_empty() {
            s.insert("nullable".into(), Value::Bool(true));
        }
        Ok(())
    })?;
    Ok(changed)
}

/// The part of a multi-typed schema that applies to one type (`items` only to arrays, …).
fn split_member(s: &Map<String, Value>, ty: &str) -> Value {
    let keep: &[&str] = match ty {
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &["properties", "required", "additionalProperties"],
        "string" => &["enum", "format", "pattern", "minLength", "maxLength"],
        "number" | "integer" => &["minimum", "maximum", "format", "multipleOf"],
        _ => &[],
    };
    let mut m = Map::new();
    m.insert("type".into(), json!(ty));
    for k in keep {
        if let Some(v) = s.get(*k) {
            m.insert((*k).into(), v.clone());
        }
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;

    #[test]
    fn nullable_single_type() {
        let mut doc = doc_with(json!({"A": {"type": ["string", "null"]}}));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(schema(&doc, "A"), &json!({"type": "string", "nullable": true}));
    }

    #[test]
    fn several_types_become_one_of() {
        let mut doc = doc_with(json!({"A": {"type": ["string", "array", "null"], "items": {"type": "integer"}}}));
        run(&mut doc, &mut Notes::default()).unwrap();
        assert_eq!(
            schema(&doc, "A"),
            &json!({"items": {"type": "integer"}, "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}], "nullable": true})
        );
    }

    #[test]
    fn only_null_is_left_for_the_null_pass() {
        let mut doc = doc_with(json!({"A": {"properties": {"x": {"type": ["null"]}}}}));
        run(&mut doc, &mut Notes::default()).unwrap();
        assert_eq!(schema(&doc, "A")["properties"]["x"], json!({"type": "null"}));
    }
}
