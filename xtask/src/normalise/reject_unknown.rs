//! Fail on any schema construct the other passes do not handle.
//!
//! Runs last. A keyword outside the OpenAPI 3.0 schema vocabulary (a new JSON Schema keyword such
//! as `if`/`then`, `prefixItems`, `patternProperties`, `dependentSchemas`, `unevaluatedProperties`)
//! would otherwise be dropped silently by `openapiv3` or make progenitor panic. Listing every
//! location at once tells whoever updates the pin exactly which pass to write. Extension keys
//! (`x-…`) are allowed.

use anyhow::{Result, bail};
use serde_json::Value;

use super::{Notes, walk};

const KNOWN: [&str; 38] = [
    "$ref", "type", "format", "nullable", "enum", "default", "description", "title", "example",
    "deprecated", "readOnly", "writeOnly", "properties", "required", "additionalProperties",
    "items", "allOf", "anyOf", "oneOf", "not", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "discriminator", "externalDocs", "xml",
    // openapiv3 reads these two on schemas it embeds; harmless annotations.
    "examples", "const",
];

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let mut problems = Vec::new();
    let components: std::collections::BTreeSet<String> =
        super::schemas(doc).map(|all| all.keys().cloned().collect()).unwrap_or_default();
    walk::for_each_schema_mut(doc, &mut |s, loc| {
        // A discriminator mapping names the member each tag selects; one that points anywhere
        // but a component (an inline schema, a property) cannot become a Rust variant.
        if let Some(mapping) = s.get("discriminator").and_then(|d| d.get("mapping")).and_then(Value::as_object) {
            for (tag, target) in mapping {
                let named = target.as_str().and_then(|t| t.strip_prefix("#/components/schemas/")).is_some_and(|n| components.contains(n));
                if !named {
                    problems.push(format!("{loc}: discriminator `mapping` of {tag:?} points to {target}, not a component schema"));
                }
            }
        }
        for k in s.keys() {
            if !k.starts_with("x-") && !KNOWN.contains(&k.as_str()) {
                problems.push(format!("{loc}: `{k}`"));
            }
        }
        if s.get("type").is_some_and(|t| !t.is_string()) {
            problems.push(format!("{loc}: `type` is not a single string"));
        }
        if s.contains_key("not") {
            problems.push(format!("{loc}: `not` has no Rust rendering"));
        }
        Ok(())
    })?;
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(20);
        bail!(
            "{n} schema construct(s) no normaliser pass handles (write a pass for them in \
             xtask/src/normalise/):\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::testing::*;
    use serde_json::json;

    #[test]
    fn names_every_unknown_construct() {
        let mut doc = doc_with(json!({"A": {"type": "object", "x-extra": 1, "properties": {"t": {"prefixItems": []}, "u": {"if": {}}}}}));
        let err = run(&mut doc, &mut Notes::default()).unwrap_err().to_string();
        assert!(err.contains("2 schema construct(s)"), "{err}");
        assert!(err.contains("#/components/schemas/A/t: `prefixItems`"), "{err}");
        assert!(run(&mut doc_with(json!({"A": {"type": "string", "x-y": 1}})), &mut Notes::default()).is_ok());
    }
}
