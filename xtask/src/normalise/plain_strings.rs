//! String and integer constraints → plain types.
//!
//! typify turns `pattern`, `minLength`/`maxLength` into validating newtypes (pulling in the
//! `regress` crate), `format: date-time`/`uuid`/`uri` into `chrono`/`uuid`/`url` types, and an
//! integer `minimum: 1` into `NonZeroU64`. For a client that is the wrong trade: the server does
//! the validating, a value the server sends that misses a constraint (an empty id, a date without
//! a zone) would fail the whole response, every constrained string in a request needs a
//! `try_into()`, and each of those crates is compile time every user pays. The constraint stays
//! in the doc comment for humans. Integer `minimum: 0` is kept (typify's `u64` is honest for
//! counts); everything else numeric is left alone (typify does not validate floats).

use anyhow::Result;
use serde_json::Value;

use super::{Notes, walk};

const STRING_CONSTRAINTS: [&str; 3] = ["pattern", "minLength", "maxLength"];
/// Formats typify maps to a crate type or a validating newtype.
const TYPED_FORMATS: [&str; 7] = ["date-time", "date", "time", "uuid", "uri", "ip", "ipv4"];

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, _loc| {
        for k in STRING_CONSTRAINTS {
            if s.remove(k).is_some() {
                changed += 1;
            }
        }
        if s.get("type").and_then(Value::as_str) == Some("string")
            && let Some(f) = s.get("format").and_then(Value::as_str)
                && (TYPED_FORMATS.contains(&f) || f.starts_with("ipv")) {
                    s.remove("format");
                    changed += 1;
                }
        if s.get("type").and_then(Value::as_str) == Some("integer") {
            let min = s.get("minimum").and_then(Value::as_f64);
            if min.is_some_and(|m| m > 0.0) {
                s.remove("minimum");
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
    fn drops_validating_constraints() {
        let mut doc = doc_with(json!({
            "S": {"type": "string", "pattern": "^a", "minLength": 1, "format": "date-time"},
            "I": {"type": "integer", "minimum": 1, "maximum": 10},
            "U": {"type": "integer", "minimum": 0},
            "B": {"type": "string", "format": "binary"},
        }));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 4);
        assert_eq!(schema(&doc, "S"), &json!({"type": "string"}));
        assert_eq!(schema(&doc, "I"), &json!({"type": "integer", "maximum": 10}));
        assert_eq!(schema(&doc, "U"), &json!({"type": "integer", "minimum": 0}));
        assert_eq!(schema(&doc, "B"), &json!({"type": "string", "format": "binary"}));
    }
}
