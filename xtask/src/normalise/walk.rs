//! Visiting every schema of a document, wherever it sits.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::spec::METHODS;

/// A visitor receives each schema object and a JSON-pointer-like location for messages.
pub type Visitor<'a> = dyn FnMut(&mut Map<String, Value>, &str) -> Result<()> + 'a;

/// Visit every schema in the document, children before parents (so a parent sees its children
/// already rewritten).
pub fn for_each_schema_mut(doc: &mut Value, f: &mut Visitor<'_>) -> Result<()> {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, s) in schemas.iter_mut() {
            visit(s, &format!("#/components/schemas/{name}"), f)?;
        }
    }
    for kind in ["parameters", "responses", "requestBodies"] {
        let ptr = format!("/components/{kind}");
        if let Some(items) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut) {
            for (name, item) in items.iter_mut() {
                visit_holder(item, &format!("#/components/{kind}/{name}"), f)?;
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (key, op) in item.iter_mut() {
                let loc = format!("{path} {key}");
                if key == "parameters" {
                    visit_parameters(op, &loc, f)?;
                } else if METHODS.contains(&key.as_str())
                    && let Some(op) = op.as_object_mut() {
                        if let Some(p) = op.get_mut("parameters") {
                            visit_parameters(p, &loc, f)?;
                        }
                        if let Some(b) = op.get_mut("requestBody") {
                            visit_holder(b, &format!("{loc} requestBody"), f)?;
                        }
                        if let Some(rs) = op.get_mut("responses").and_then(Value::as_object_mut) {
                            for (status, r) in rs.iter_mut() {
                                visit_holder(r, &format!("{loc} {status}"), f)?;
                            }
                        }
                    }
            }
        }
    }
    Ok(())
}

fn visit_parameters(params: &mut Value, loc: &str, f: &mut Visitor<'_>) -> Result<()> {
    if let Some(list) = params.as_array_mut() {
        for p in list {
            visit_holder(p, loc, f)?;
        }
    }
    Ok(())
}

/// A parameter, request body or response: a `schema`, or `content.*.schema`.
fn visit_holder(holder: &mut Value, loc: &str, f: &mut Visitor<'_>) -> Result<()> {
    if let Some(s) = holder.get_mut("schema") {
        visit(s, loc, f)?;
    }
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media, m) in content.iter_mut() {
            if let Some(s) = m.get_mut("schema") {
                visit(s, &format!("{loc} {media}"), f)?;
            }
        }
    }
    Ok(())
}

/// Visit one schema and everything below it.
pub fn visit(schema: &mut Value, loc: &str, f: &mut Visitor<'_>) -> Result<()> {
    let Some(obj) = schema.as_object_mut() else { return Ok(()) };
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (k, p) in props.iter_mut() {
            visit(p, &format!("{loc}/{k}"), f)?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = obj.get_mut(key)
            && child.is_object() {
                visit(child, &format!("{loc}/{key}"), f)?;
            }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, m) in list.iter_mut().enumerate() {
                visit(m, &format!("{loc}/{key}/{i}"), f)?;
            }
        }
    }
    f(obj, loc)
}

/// Call `f` with the component name of every local schema `$ref` anywhere inside `value`.
pub fn for_each_ref(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                f(name);
            }
            for (k, v) in map {
                // Examples are data, not schemas.
                if k != "example" && k != "examples" {
                    for_each_ref(v, f);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| for_each_ref(v, f)),
        _ => {}
    }
}

/// Rewrite every local schema `$ref` inside `value`.
pub fn rewrite_refs(value: &mut Value, f: &mut dyn FnMut(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            let new = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                // A closure, not `f` itself: `f` is a `&mut dyn FnMut`, used again below.
                .and_then(|name| (*f)(name));
            if let Some(new) = new {
                map.insert("$ref".into(), Value::String(format!("#/components/schemas/{new}")));
            }
            for (k, v) in map.iter_mut() {
                if k != "example" && k != "examples" {
                    rewrite_refs(v, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, f)),
        _ => {}
    }
}
