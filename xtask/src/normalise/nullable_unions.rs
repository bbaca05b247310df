//! Nullable named unions and enums → nullability moved to each use site.
//!
//! A named component that is a `oneOf` *and* nullable (`PreferredMaxLatency`,
//! `ORAnthropicNullableCaller`, `BaseInputs`, …) makes typify emit an enum whose variants include
//! an `Option` of itself: duplicate definitions and an infinitely sized type. Nullability belongs
//! to the field, not the type: the component loses `nullable`, and every property that references
//! it and was required stops being required, so the field becomes `Option<_>` (and `null`
//! deserializes to `None`). A nullable named enum (`ChatFinishReasonEnum`) compiles, but as a
//! newtype around `Option<Inner>` that every use then wraps in another `Option`; it gets the same
//! treatment.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use super::{Notes, ref_name, schemas_mut, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut moved = BTreeSet::new();
    if let Some(schemas) = schemas_mut(doc) {
        for (name, s) in schemas.iter_mut() {
            let Some(obj) = s.as_object_mut() else { continue };
            let is_union = obj.contains_key("oneOf") || obj.contains_key("anyOf") || obj.contains_key("enum");
            if is_union && obj.get("nullable") == Some(&Value::Bool(true)) {
                obj.remove("nullable");
                moved.insert(name.clone());
            }
        }
    }
    if moved.is_empty() {
        return Ok(0);
    }
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        let targets: Vec<String> = s
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, p)| ref_name(p).is_some_and(|n| moved.contains(n)))
            .map(|(k, _)| k.clone())
            .collect();
        if let Some(Value::Array(req)) = s.get_mut("required") {
            req.retain(|r| !r.as_str().is_some_and(|r| targets.iter().any(|t| t == r)));
        }
        Ok(())
    })?;
    Ok(moved.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;
    use serde_json::json;

    #[test]
    fn moves_nullability_to_fields() {
        let mut doc = doc_with(json!({
            "U": {"oneOf": [{"type": "number"}, {"type": "object"}], "nullable": true},
            "E": {"type": "string", "enum": ["a"], "nullable": true},
            "P": {"type": "object", "properties": {"u": {"$ref": "#/components/schemas/U"}, "x": {"type": "string"}}, "required": ["u", "x"]},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 2);
        assert_eq!(schema(&doc, "E"), &json!({"type": "string", "enum": ["a"]}));
        assert_eq!(schema(&doc, "U"), &json!({"oneOf": [{"type": "number"}, {"type": "object"}]}));
        assert_eq!(schema(&doc, "P")["required"], json!(["x"]));
    }
}
