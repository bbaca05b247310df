//! In what only requests use, an optional field with a `default` stays optional and unsent.
//!
//! typify renders an optional property with a `default` as a plain field that is always
//! serialized, so every request would carry `stream: false`, `service_tier: "auto"`, … whether
//! the caller chose them or not. That writes today's defaults into every request: when OpenRouter
//! changes a default, such a client would not follow, and a body says more than the caller
//! asked. Dropping `default` makes the field `Option<_>`, sent only when set; the server applies
//! its own default. (Schemas responses reach lost their defaults in
//! [`super::server_tolerance`] already, tags excepted, which must stay.)

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use super::{Notes, reachable_components, walk};

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    let roots: Vec<Value> = crate::spec::operations(doc).filter_map(|(_, _, op)| op.get("responses").cloned()).collect();
    let reachable: BTreeSet<String> = reachable_components(doc, roots);
    let mut changed = 0;
    walk::for_each_schema_mut(doc, &mut |s, loc| {
        let component = loc.strip_prefix("#/components/schemas/").map(|rest| rest.split('/').next().unwrap_or(rest));
        let request_only = match component {
            Some(name) => !reachable.contains(name),
            None => !loc.contains("responses"),
        };
        if !request_only {
            return Ok(());
        }
        let required: Vec<String> =
            s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
        if let Some(Value::Object(props)) = s.get_mut("properties") {
            for (name, p) in props.iter_mut() {
                if required.contains(name) {
                    continue;
                }
                if p.as_object_mut().and_then(|p| p.remove("default")).is_some() {
                    changed += 1;
                }
            }
        }
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_request_fields_lose_their_defaults() {
        let mut doc = json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}}}}
            }}},
            "components": {"schemas": {
                "Req": {"type": "object", "required": ["kind"], "properties": {
                    "stream": {"type": "boolean", "default": false},
                    "kind": {"type": "string", "enum": ["a"], "default": "a"}
                }},
                "Resp": {"type": "object", "properties": {"type": {"type": "string", "enum": ["r"], "default": "r"}}}
            }}
        });
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        let s = &doc["components"]["schemas"];
        assert!(s["Req"]["properties"]["stream"].get("default").is_none());
        assert_eq!(s["Req"]["properties"]["kind"]["default"], "a", "required: untouched");
        assert_eq!(s["Resp"]["properties"]["type"]["default"], "r", "responses keep their tag defaults");
    }
}
