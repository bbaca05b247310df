//! Feature-gating the management operation groups (see `openapi/features.toml`).
//!
//! A method whose operation carries only management tags gets `#[cfg(feature = "management")]`,
//! and so does every type that only such methods reach: the types reachable from the other
//! methods (and those no method reaches, such as stream payloads) stay ungated. Reachability is
//! computed on the generated code itself, from the identifiers each item mentions, so it covers
//! the inline types typify names on its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context as _, Result};
use proc_macro2::{TokenStream, TokenTree};
use serde::Deserialize;
use serde_json::Value;

pub const FEATURE: &str = "management";
pub const CONFIG_PATH: &str = "openapi/features.toml";

#[derive(Debug, Default, Clone, Deserialize)]
pub struct FeatureConfig {
    #[serde(default)]
    pub management: Vec<String>,
}

impl FeatureConfig {
    pub fn read(root: &Path) -> Result<Self> {
        let path = root.join(CONFIG_PATH);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in {}", path.display()))
    }

    /// The feature an operation with these tags is behind: all of them management tags.
    pub fn feature_of(&self, tags: &[String]) -> Option<&'static str> {
        (!tags.is_empty() && tags.iter().all(|t| self.management.contains(t))).then_some(FEATURE)
    }

    /// Method names (progenitor's snake_case of the operationId) of the gated operations.
    pub fn gated_methods(&self, normalised: &Value) -> BTreeSet<String> {
        use heck::ToSnakeCase;
        crate::spec::operations(normalised)
            .filter(|(_, _, op)| {
                let tags: Vec<&str> =
                    op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                !tags.is_empty() && tags.iter().all(|t| self.management.iter().any(|m| m == t))
            })
            .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str).map(|id| id.to_snake_case()))
            .collect()
    }
}

/// Every identifier in a token stream.
pub fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

/// The types reachable from `roots` through `refs` (type → the type names its items mention).
pub fn closure(roots: &BTreeSet<String>, refs: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.iter().filter(|r| refs.contains_key(*r)).cloned().collect();
    while let Some(t) = stack.pop() {
        if seen.insert(t.clone()) {
            for n in refs.get(&t).into_iter().flatten() {
                if !seen.contains(n) && refs.contains_key(n) {
                    stack.push(n.clone());
                }
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_follows_references_only_between_known_types() {
        let refs = BTreeMap::from([
            ("A".to_string(), BTreeSet::from(["B".to_string(), "String".to_string()])),
            ("B".to_string(), BTreeSet::new()),
            ("C".to_string(), BTreeSet::from(["A".to_string()])),
        ]);
        let got = closure(&BTreeSet::from(["A".to_string()]), &refs);
        assert_eq!(got, BTreeSet::from(["A".to_string(), "B".to_string()]));
    }

    #[test]
    fn gates_operations_whose_tags_are_all_management() {
        let cfg = FeatureConfig { management: vec!["Workspaces".into()] };
        let doc = serde_json::json!({"paths": {
            "/w": {"get": {"operationId": "listWorkspaces", "tags": ["Workspaces"]}},
            "/m": {"get": {"operationId": "getModels", "tags": ["Models"]}},
            "/x": {"get": {"operationId": "mixed", "tags": ["Workspaces", "Models"]}},
        }});
        assert_eq!(cfg.gated_methods(&doc), BTreeSet::from(["list_workspaces".to_string()]));
    }
}
