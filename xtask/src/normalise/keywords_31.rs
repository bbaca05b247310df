//! JSON Schema 2020-12 keywords that OpenAPI 3.0 spells differently or lacks.
//!
//! - `examples: [..]` (3.1) → `example: <first>` (3.0); `openapiv3` ignores `examples` in schemas.
//! - numeric `exclusiveMinimum: n` / `exclusiveMaximum: n` → `minimum: n` + `exclusiveMinimum:
//!   true`; `openapiv3` fails to parse the numeric form.
//! - `propertyNames`, `$schema`, `$id`, `$comment`, `contentMediaType`, `contentEncoding`: annotations
//!   with no 3.0 equivalent and no effect on the Rust types; dropped.
//!
//! Keywords that do change the shape of data (`if`, `prefixItems`, `patternProperties`, …) are not
//! handled here on purpose: [`super::reject_unknown`] fails on them.

use anyhow::Result;
use serde_json::Value;

use super::{Notes, walk};

const DROPPED: [&str; 6] =
    ["propertyNames", "$schema", "$id", "$comment", "contentMediaType", "contentEncoding"];

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        if let Some(examples) = s.remove("examples") {
            changed += 1;
            if let Some(first) = examples.as_array().and_then(|e| e.first()) {
                s.entry("example").or_insert_with(|| first.clone());
            }
        }
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(n @ Value::Number(_)) = s.get(exclusive).cloned() {
                changed += 1;
                s.insert(bound.into(), n);
                s.insert(exclusive.into(), Value::Bool(true));
            }
        }
        for k in DROPPED {
            if s.remove(k).is_some() {
                changed += 1;
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
    use serde_json::json;

    #[test]
    fn rewrites_31_keywords() {
        let mut doc = doc_with(json!({
            "A": {"type": "number", "exclusiveMinimum": 0, "examples": [1.5, 2]},
            "M": {"type": "object", "propertyNames": {"pattern": "^x"}, "additionalProperties": {"type": "string"}},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 3);
        assert_eq!(schema(&doc, "A"), &json!({"type": "number", "exclusiveMinimum": true, "example": 1.5, "minimum": 0}));
        assert_eq!(schema(&doc, "M"), &json!({"type": "object", "additionalProperties": {"type": "string"}}));
    }
}
