//! What the real service sends that the document lacks: `openapi/overlay.yaml`, applied first.
//!
//! OpenRouter's document trails its service: `native_finish_reason`, message `annotations`
//! (citations), `usage.completion_tokens_details.image_tokens`, `tool_calls[].index`, the
//! embeddings `provider`, error `availability`, and string `error.code`s are all sent and all
//! missing (see the file's evidence lines). Keeping them only in `extra` maps would make them
//! reachable but untyped; the overlay gives them real types. It runs before every other pass,
//! so its schemas (OpenAPI 3.1, like the document's) get the same treatment as the document's.
//!
//! An entry the document has adopted since is not applied and is reported (so it can be
//! retired); an entry whose place this document does not have (an older or newer document
//! names its schemas otherwise) is skipped with a remark: every document must still generate.
//! Every property or component the overlay adds carries `x-overlay` (its evidence), which the
//! inventory and `cargo xtask diff` show.

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Notes, schemas};

/// The marker on what the overlay added: its evidence.
pub const MARKER: &str = "x-overlay";

const OVERLAY: &str = include_str!("../../../openapi/overlay.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    #[serde(default)]
    pub components: indexmap::IndexMap<String, Component>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub widen: Vec<Field>,
    #[serde(default)]
    pub operations: Vec<OperationEntry>,
}

/// An operation the document dropped (or never had) that the service answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationEntry {
    pub path: String,
    pub method: String,
    /// Which document last had it, and that the service still answers it.
    pub legacy: String,
    pub evidence: String,
    /// The OpenAPI operation object, as the document would write it.
    pub operation: Value,
}

/// The marker on an operation the overlay added: why it is legacy.
pub const LEGACY: &str = "x-legacy";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub evidence: String,
    pub schema: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// A JSON pointer (`#/components/schemas/X/properties/y`); `*` in the component name
    /// matches any run of characters.
    pub at: String,
    pub name: String,
    pub evidence: String,
    pub schema: Value,
}

/// The project's overlay file.
pub fn project_overlay() -> Result<Overlay> {
    parse(OVERLAY).context("openapi/overlay.yaml")
}

pub fn parse(text: &str) -> Result<Overlay> {
    Ok(serde_yaml_ng::from_str(text)?)
}

/// The document as published, plus the overlay's legacy operations and the components they use
/// (not its fields or widenings): what the mock answers and the contract tests call, so that
/// the legacy operations get default answers and calls like the document's own.
pub fn with_legacy_operations(raw: &Value) -> Result<Value> {
    let project = project_overlay()?;
    let overlay = Overlay { components: project.components, fields: Vec::new(), widen: Vec::new(), operations: project.operations };
    let mut doc = raw.clone();
    apply(&mut doc, &overlay, &mut Notes::default())?;
    Ok(doc)
}

pub fn run(doc: &mut Value, notes: &mut Notes) -> Result<usize> {
    apply(doc, &project_overlay()?, notes)
}

pub fn apply(doc: &mut Value, overlay: &Overlay, notes: &mut Notes) -> Result<usize> {
    let mut changed = 0;
    if !overlay.components.is_empty() && doc.pointer("/components/schemas").is_none() && doc.is_object() {
        // A document with no components yet (a small or early one) gets an empty list to add to.
        let components = doc.as_object_mut().map(|d| d.entry("components").or_insert_with(|| serde_json::json!({})));
        if let Some(c) = components.and_then(Value::as_object_mut) {
            c.entry("schemas").or_insert_with(|| serde_json::json!({}));
        }
    }
    for (name, c) in &overlay.components {
        let Some(all) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
            bail!("overlay component {name}: the document's `components` is not an object");
        };
        if all.contains_key(name) {
            notes.remarks.push(format!("overlay: component {name} is in the document now: retire the entry"));
            notes.overlay_adopted += 1;
            continue;
        }
        let mut schema = c.schema.clone();
        if let Some(o) = schema.as_object_mut() {
            o.insert(MARKER.into(), json!(c.evidence));
        }
        all.insert(name.clone(), schema);
        notes.overlay_applied.push(format!("component {name}"));
        changed += 1;
    }
    for entry in &overlay.operations {
        changed += add_operation(doc, entry, notes)?;
    }
    for (widen, list) in [(false, &overlay.fields), (true, &overlay.widen)] {
        for f in list {
            let targets = match expand(doc, &f.at) {
                Ok(t) => t,
                Err(e) => {
                    notes.remarks.push(format!("{e:#}; entry for `{}` skipped", f.name));
                    notes.overlay_skipped += 1;
                    continue;
                }
            };
            for at in targets {
                let target = doc.pointer_mut(&at).with_context(|| format!("overlay: {at}"))?;
                let Some(obj) = target.as_object_mut() else { bail!("overlay: {at} is not a schema object") };
                let props = obj.entry("properties").or_insert_with(|| json!({}));
                let Some(props) = props.as_object_mut() else { bail!("overlay: {at}/properties is not an object") };
                let label = format!("{}.{}", at.trim_start_matches("/components/schemas/"), f.name);
                let mut schema = f.schema.clone();
                if let Some(o) = schema.as_object_mut() {
                    o.insert(MARKER.into(), json!(f.evidence));
                }
                match (widen, props.get_mut(&f.name)) {
                    (false, Some(_)) => {
                        notes.remarks.push(format!("overlay: {label} is in the document now: retire the entry"));
                        notes.overlay_adopted += 1;
                    }
                    (false, None) => {
                        props.insert(f.name.clone(), schema);
                        notes.overlay_applied.push(label);
                        changed += 1;
                    }
                    (true, None) => bail!("overlay: {label} to widen is not in the document (drop the entry, or make it a field)"),
                    (true, Some(existing)) => {
                        if accepts(existing, &f.schema) {
                            notes.remarks.push(format!("overlay: {label} accepts the widened type now: retire the entry"));
                            notes.overlay_adopted += 1;
                            continue;
                        }
                        let mut document = existing.clone();
                        // The annotations stay on the union; the members only say their type.
                        let mut union = json!({ "anyOf": [], MARKER: f.evidence });
                        if let Some(d) = document.as_object_mut() {
                            for key in ["description", "example", "examples", "title"] {
                                if let Some(v) = d.remove(key) {
                                    union[key] = v;
                                }
                            }
                        }
                        if let Some(o) = schema.as_object_mut() {
                            o.remove(MARKER);
                        }
                        union["anyOf"] = json!([document, schema]);
                        *existing = union;
                        notes.overlay_applied.push(format!("{label} (widened)"));
                        changed += 1;
                    }
                }
            }
        }
    }
    Ok(changed)
}

/// Adds a legacy operation where the document has none; says so when the document has it again.
fn add_operation(doc: &mut Value, entry: &OperationEntry, notes: &mut Notes) -> Result<usize> {
    let method = entry.method.to_lowercase();
    let label = format!("{} {}", method.to_uppercase(), entry.path);
    let Some(doc) = doc.as_object_mut() else { bail!("overlay operation {label}: the document is not an object") };
    let Some(paths) = doc.entry("paths").or_insert_with(|| json!({})).as_object_mut() else {
        bail!("overlay operation {label}: the document's `paths` is not an object")
    };
    let Some(item) = paths.entry(entry.path.clone()).or_insert_with(|| json!({})).as_object_mut() else {
        bail!("overlay operation {label}: the path item is not an object")
    };
    if item.contains_key(&method) {
        notes.remarks.push(format!("overlay: the document has {label} again: retire its legacy operation entry"));
        notes.overlay_adopted += 1;
        return Ok(0);
    }
    if item.contains_key("$ref") {
        notes.remarks.push(format!("overlay: {} is a `$ref` in this document; legacy operation {label} skipped", entry.path));
        notes.overlay_skipped += 1;
        return Ok(0);
    }
    let mut operation = entry.operation.clone();
    let Some(o) = operation.as_object_mut() else { bail!("overlay operation {label}: `operation` is not an object") };
    let description = o.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    let summary = o.get("summary").and_then(Value::as_str).unwrap_or_default().to_string();
    // The generated method's doc says it is legacy, and why.
    o.insert("description".into(), json!(format!("{summary}\n\n**Legacy**: {}. {description}", entry.legacy).trim_end().to_string()));
    o.remove("summary");
    o.insert(MARKER.into(), json!(entry.evidence));
    o.insert(LEGACY.into(), json!(entry.legacy));
    item.insert(method, operation);
    notes.overlay_applied.push(format!("operation {label} (legacy)"));
    Ok(1)
}

/// The pointers an `at` names (a `*` in the component name expands to every match).
fn expand(doc: &Value, at: &str) -> Result<Vec<String>> {
    let pointer = at.strip_prefix('#').unwrap_or(at).to_string();
    let Some(rest) = pointer.strip_prefix("/components/schemas/") else {
        if doc.pointer(&pointer).is_none() {
            bail!("overlay: {at} is not in the document (the document changed: update openapi/overlay.yaml)");
        }
        return Ok(vec![pointer]);
    };
    let (name, tail) = rest.split_once('/').map_or((rest, String::new()), |(n, t)| (n, format!("/{t}")));
    let names: Vec<String> = if name.contains('*') {
        let (prefix, suffix) = name.split_once('*').unwrap_or((name, ""));
        schemas(doc)
            .into_iter()
            .flat_map(|s| s.keys())
            .filter(|k| k.len() >= prefix.len() + suffix.len() && k.starts_with(prefix) && k.ends_with(suffix))
            .cloned()
            .collect()
    } else {
        vec![name.to_string()]
    };
    let found: Vec<String> = names
        .into_iter()
        .map(|n| format!("/components/schemas/{n}{tail}"))
        .filter(|p| doc.pointer(p).is_some())
        .collect();
    if found.is_empty() {
        bail!("overlay: {at} is not in the document (the document changed: update openapi/overlay.yaml)");
    }
    Ok(found)
}

/// Whether a schema already accepts the type a widening adds (`type: string` in it or a member).
fn accepts(existing: &Value, wider: &Value) -> bool {
    let Some(want) = wider.get("type").and_then(Value::as_str) else { return false };
    let has = |s: &Value| match s.get("type") {
        Some(Value::String(t)) => t == want,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == want),
        _ => false,
    };
    has(existing) || ["anyOf", "oneOf"].iter().any(|k| existing.get(*k).and_then(Value::as_array).is_some_and(|m| m.iter().any(has)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {"/e": {"post": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "array"}}}}}}}}}},
            "components": {"schemas": {
                "Choice": {"type": "object", "properties": {"finish_reason": {"type": "string"}}},
                "BadResponseErrorData": {"type": "object", "properties": {"code": {"type": "integer", "description": "Error code"}}},
                "GoneResponseErrorData": {"type": "object", "properties": {"code": {"type": "integer"}}},
            }}
        })
    }

    const OVERLAY: &str = r#"
components:
  Note: {evidence: seen, schema: {type: object, properties: {text: {type: string}}}}
fields:
  - {at: '#/components/schemas/Choice', name: native_finish_reason, evidence: seen in chat, schema: {type: string}}
  - {at: '#/components/schemas/Choice', name: finish_reason, evidence: old entry, schema: {type: string}}
  - {at: '#/paths/~1e/post/responses/200/content/application~1json/schema', name: provider, evidence: seen, schema: {type: string}}
widen:
  - {at: '#/components/schemas/*ResponseErrorData', name: code, evidence: string codes, schema: {type: string}}
"#;

    #[test]
    fn adds_fields_components_and_widens_with_evidence() {
        let mut doc = doc();
        let mut notes = Notes::default();
        let n = apply(&mut doc, &parse(OVERLAY).unwrap(), &mut notes).unwrap();
        assert_eq!(n, 5, "{notes:?}");
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Choice"]["properties"]["native_finish_reason"], json!({"type": "string", "x-overlay": "seen in chat"}));
        assert_eq!(s["Note"]["x-overlay"], "seen");
        for name in ["BadResponseErrorData", "GoneResponseErrorData"] {
            let code = &s[name]["properties"]["code"];
            assert_eq!(code["anyOf"][1], json!({"type": "string"}), "{name}: {code}");
            assert_eq!(code["anyOf"][0]["type"], "integer");
        }
        assert_eq!(s["BadResponseErrorData"]["properties"]["code"]["description"], "Error code", "annotations stay on the union");
        let inline = &doc["paths"]["/e"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(inline["properties"]["provider"].is_object());
        // The document already has finish_reason: reported, not applied.
        assert_eq!(notes.overlay_adopted, 1);
        assert!(notes.remarks.iter().any(|r| r.contains("Choice.finish_reason is in the document now")), "{:?}", notes.remarks);
    }

    #[test]
    fn a_legacy_operation_is_added_where_the_document_has_none_and_retired_when_it_is_back() {
        let overlay = parse(
            "operations:\n  - path: /old\n    method: post\n    legacy: until 2025\n    evidence: users\n    operation: {operationId: createOld, summary: Old, responses: {'200': {description: ok}}}\n",
        )
        .unwrap();
        let mut d = doc();
        let mut notes = Notes::default();
        assert_eq!(apply(&mut d, &overlay, &mut notes).unwrap(), 1);
        let op = &d["paths"]["/old"]["post"];
        assert_eq!(op["operationId"], "createOld");
        assert_eq!(op[LEGACY], "until 2025");
        assert!(op["description"].as_str().unwrap().contains("**Legacy**: until 2025"), "{op}");
        assert_eq!(notes.overlay_applied, vec!["operation POST /old (legacy)".to_string()]);

        let mut back = doc();
        back["paths"]["/old"] = json!({"post": {"operationId": "createOld", "responses": {"200": {"description": "ok"}}}});
        let mut notes = Notes::default();
        assert_eq!(apply(&mut back, &overlay, &mut notes).unwrap(), 0);
        assert!(back["paths"]["/old"]["post"].get(LEGACY).is_none(), "the document's own operation stays");
        assert_eq!(notes.overlay_adopted, 1);
        assert!(notes.remarks.iter().any(|r| r.contains("the document has POST /old again")), "{:?}", notes.remarks);
    }

    #[test]
    fn a_widening_the_document_adopted_is_reported_and_a_missing_place_skipped() {
        let mut doc = doc();
        doc["components"]["schemas"]["GoneResponseErrorData"]["properties"]["code"] = json!({"type": ["integer", "string"]});
        let mut notes = Notes::default();
        apply(&mut doc, &parse(OVERLAY).unwrap(), &mut notes).unwrap();
        assert!(notes.remarks.iter().any(|r| r.contains("GoneResponseErrorData.code accepts the widened type now")), "{:?}", notes.remarks);
        let missing = parse("fields: [{at: '#/components/schemas/Nope', name: x, evidence: e, schema: {}}]").unwrap();
        let mut notes = Notes::default();
        assert_eq!(apply(&mut doc, &missing, &mut notes).unwrap(), 0, "skipped, not failed: every document must generate");
        assert_eq!(notes.overlay_skipped, 1);
        assert!(notes.remarks.iter().any(|r| r.contains("Nope is not in the document")), "{:?}", notes.remarks);
    }

    #[test]
    fn the_project_overlay_parses_and_applies_to_the_pinned_document_shape() {
        let overlay = project_overlay().unwrap();
        assert!(overlay.fields.iter().all(|f| !f.evidence.is_empty()));
        assert!(overlay.components.values().all(|c| !c.evidence.is_empty()));
    }
}
