//! `anyOf` → `oneOf`.
//!
//! typify renders `anyOf` as a struct of `subtype_0 … subtype_N: Option<_>` flattened fields:
//! unusable for tools, tool_choice and input items, and it accepts any object. As a `oneOf` the
//! same members become an enum (tagged by [`super::tagged_unions`] where a property tells the
//! members apart, otherwise untagged, first match wins). OpenRouter uses `anyOf` for "one of these
//! shapes", never for "several at once", so nothing is lost. A schema with both is an error.

use anyhow::{Result, bail};
use serde_json::Value;

use super::{Notes, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, loc| {
        if let Some(any) = s.remove("anyOf") {
            if s.contains_key("oneOf") {
                bail!("{loc}: both anyOf and oneOf; no rule for combining them");
            }
            s.insert("oneOf".into(), any);
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
    use serde_json::json;

    #[test]
    fn renames() {
        let mut doc = doc_with(json!({"A": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}));
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(schema(&doc, "A"), &json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
    }
}
