//! `const: v` → `enum: [v]`; `null` inside `enum` → `nullable: true`.
//!
//! `openapiv3` silently drops `const` (a tag like `type: const "message"` would vanish, and with it
//! the only way to tell union members apart). A string const becomes a one-value enum, which
//! typify renders as a type and which [`super::tagged_unions`] reads as a tag. Boolean and numeric
//! consts keep their type and lose the constraint: typify has no useful rendering for a
//! one-value boolean, and the server, not the client, enforces it; an object or array const
//! likewise keeps its shape (a map, a list) and loses the constraint. JSON Schema lets `enum` list
//! `null`; OpenAPI 3.0 says `nullable` instead, and typify would otherwise see a mixed-type enum.

use anyhow::Result;
use serde_json::{Value, json};

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        if let Some(c) = s.remove("const") {
            changed += 1;
            match &c {
                Value::String(_) => {
                    s.insert("enum".into(), json!([c]));
                    s.entry("type").or_insert(json!("string"));
                }
                Value::Bool(_) => {
                    s.entry("type").or_insert(json!("boolean"));
                }
                Value::Number(n) => {
                    let ty = if n.is_f64() { "number" } else { "integer" };
                    s.entry("type").or_insert(json!(ty));
                }
                Value::Null => {
                    s.insert("nullable".into(), Value::Bool(true));
                }
                // An object or array const keeps its shape (any map, any list) and loses the
                // constraint, like a number: the value decodes whole, and is sent as built.
                Value::Object(_) => {
                    s.entry("type").or_insert(json!("object"));
                }
                Value::Array(_) => {
                    s.entry("type").or_insert(json!("array"));
                    s.entry("items").or_insert(json!({}));
                }
            }
        }
        if let Some(Value::Array(values)) = s.get_mut("enum") {
            let before = values.len();
            values.retain(|v| !v.is_null());
            if values.len() != before {
                changed += 1;
                s.insert("nullable".into(), Value::Bool(true));
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;

    #[test]
    fn consts_and_null_enum_values() {
        let mut doc = doc_with(json!({
            "A": {"properties": {"type": {"const": "message"}, "ok": {"const": true}, "n": {"const": 2}}},
            "B": {"type": "string", "enum": ["a", null]},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 4);
        let a = &schema(&doc, "A")["properties"];
        assert_eq!(a["type"], json!({"enum": ["message"], "type": "string"}));
        assert_eq!(a["ok"], json!({"type": "boolean"}));
        assert_eq!(a["n"], json!({"type": "integer"}));
        assert_eq!(schema(&doc, "B"), &json!({"type": "string", "enum": ["a"], "nullable": true}));
    }
}
