//! Workspace-level tests (the files beside this one) and what they share: finding the OpenRouter
//! documents in `../shared/openapi/`, which CI lays beside the checkout. Tests that need a
//! document skip, saying so, when it is absent.

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::spec::workspace_root()
}

/// The shared document of that date, or `None` after printing why the test is skipped.
pub fn shared_document(date: &str) -> Option<PathBuf> {
    let path = xtask::spec::shared_document(&root(), date);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; this test reads OpenRouter's documents from ../shared/openapi/",
            path.display()
        );
        None
    }
}

use serde_json::Value;

/// `value` without `null` members (recursively), and numbers as `f64`.
pub fn canonical(value: &serde_json::Value) -> Value {
    match value {
        Value::Object(o) => Value::Object(o.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Number(n) => n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or_else(|| value.clone()),
        other => other.clone(),
    }
}

/// The first place where `a` and `b` differ, as a JSON pointer and the two values.
pub fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let here = format!("{at}/{k}");
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(d) = first_difference(p, q, &here) {
                            return Some(d);
                        }
                    }
                    (Some(p), None) => return Some(format!("{here}: {p} was dropped")),
                    (None, Some(q)) => return Some(format!("{here}: {q} was added")),
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} became {b}")),
    }
}

