//! `{type: "null"}` members of `anyOf`/`oneOf` → dropped, the parent marked `nullable`.
//!
//! OpenAPI 3.0 has no null type; progenitor panics on it (`not yet implemented: invalid type:
//! null`). A union left with one member collapses into that member (a `$ref` member keeps its
//! nullability as `allOf: [$ref]` + `nullable`, the 3.0 idiom). A lone `type: "null"` elsewhere
//! (a property that is always null) becomes an unconstrained nullable schema.

use anyhow::Result;
use serde_json::{Value, json};

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = s.get_mut(key) else { continue };
            let before = members.len();
            // Children are visited first, so a `{type: null}` member may already read `{nullable: true}`
            // (OpenRouter also writes that form itself).
            members.retain(|m| {
                m.get("type").and_then(Value::as_str) != Some("null") && *m != json!({"nullable": true})
            });
            if members.len() == before {
                continue;
            }
            changed += before - members.len();
            s.insert("nullable".into(), Value::Bool(true));
            let members = s.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            if members.len() == 1 {
                s.remove(key);
                let only = members.into_iter().next().unwrap_or_default();
                if only.get("$ref").is_some() {
                    s.insert("allOf".into(), json!([only]));
                } else if let Value::Object(fields) = only {
                    for (k, v) in fields {
                        s.entry(k).or_insert(v);
                    }
                }
            }
        }
        if s.get("type").and_then(Value::as_str) == Some("null") {
            s.remove("type");
            s.insert("nullable".into(), Value::Bool(true));
            changed += 1;
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
    fn drops_null_member_and_collapses() {
        let mut doc = doc_with(json!({
            "A": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}], "description": "d"},
            "C": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "D": {"anyOf": [{"type": "string", "enum": ["x"]}, {"type": "null"}]},
        }));
        // Three lone `type: null` schemas rewritten, then three members dropped.
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 6);
        assert_eq!(schema(&doc, "A"), &json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/B"}]}));
        assert_eq!(schema(&doc, "C"), &json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
        assert_eq!(schema(&doc, "D"), &json!({"nullable": true, "type": "string", "enum": ["x"]}));
    }
}
