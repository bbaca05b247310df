//! `oneOf` of string enums → one string enum.
//!
//! OpenRouter writes a choice of string constants as `oneOf: [{enum: [a]}, {enum: [b]}]`. typify
//! renders that as an untagged enum of one-value enums (`Variant0(XVariant0)`, …); as one enum it
//! is one open enum with a variant per value, and a property typed this way can serve as a union
//! tag ([`super::tagged_unions`]).

use anyhow::Result;
use serde_json::{Value, json};

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        let Some(Value::Array(members)) = s.get("oneOf") else { return Ok(()) };
        let mut values = Vec::new();
        for m in members {
            let is_string_enum = m.get("type").and_then(Value::as_str) == Some("string")
                && m.as_object().is_some_and(|o| o.keys().all(|k| matches!(k.as_str(), "type" | "enum" | "description" | "example")));
            match m.get("enum").and_then(Value::as_array) {
                Some(e) if is_string_enum && e.iter().all(Value::is_string) => values.extend(e.iter().cloned()),
                _ => return Ok(()),
            }
        }
        values.dedup();
        s.remove("oneOf");
        s.insert("type".into(), json!("string"));
        s.insert("enum".into(), Value::Array(values));
        changed += 1;
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;

    #[test]
    fn merges_string_constants() {
        let mut doc = doc_with(json!({
            "T": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["b", "c"], "description": "d"}], "nullable": true},
            "Mixed": {"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "object"}]},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(schema(&doc, "T"), &json!({"nullable": true, "type": "string", "enum": ["a", "b", "c"]}));
        assert!(schema(&doc, "Mixed").get("oneOf").is_some());
    }
}
