//! A readable inventory of the API surface, derived from the normalised document: what the
//! generated crate offers. Committed as an insta snapshot so that a regeneration shows, in review,
//! exactly which operations, fields and enum values changed; [`crate::diff`] compares two.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use serde_json::Value;

use crate::normalise::{self, Report, ref_name};
use crate::spec::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Keyed by `METHOD /path`.
    pub operations: BTreeMap<String, Operation>,
    pub schemas: BTreeMap<String, Schema>,
    /// Operations left to hand-written code, with the reason.
    pub hand_written: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub id: String,
    /// `name` → `in type, required|optional`.
    pub parameters: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Status → type.
    pub responses: BTreeMap<String, String>,
    pub streams: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schema {
    Object { fields: BTreeMap<String, Field>, open: bool },
    Enum { values: Vec<String> },
    Union { tag: Option<String>, members: Vec<String> },
    Other { ty: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub ty: String,
    /// Required in OpenRouter's document (the generated type may still be optional, see the
    /// `server_tolerance` pass).
    pub required: bool,
    pub nullable: bool,
    /// Added by `openapi/overlay.yaml` (the service sends it; the document lacks it).
    pub overlay: bool,
}

impl Inventory {
    /// Normalise `doc` and take the inventory of the result.
    pub fn of(doc: &Document) -> Result<Self> {
        let mut value = doc.value.clone();
        let report = normalise::normalise(&mut value)?;
        Ok(Self::from_normalised(&value, &report))
    }

    pub fn from_normalised(doc: &Value, report: &Report) -> Self {
        let mut operations = BTreeMap::new();
        for (path, method, op) in crate::spec::operations(doc) {
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
            let mut parameters = BTreeMap::new();
            let shared = doc.pointer(&format!("/paths/{}/parameters", path.replace('~', "~0").replace('/', "~1")));
            for p in op.get("parameters").and_then(Value::as_array).into_iter().chain(shared.and_then(Value::as_array)).flatten() {
                let p = match p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                    Some(ptr) => doc.pointer(ptr).unwrap_or(p),
                    None => p,
                };
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let req = if p.get("required") == Some(&Value::Bool(true)) { "required" } else { "optional" };
                let ty = p.get("schema").map_or("?".into(), type_of);
                parameters.insert(name.to_string(), format!("{place} {ty}, {req}"));
            }
            let body = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next())
                .map(|(media, m)| format!("{} ({media})", m.get("schema").map_or("?".into(), type_of)));
            let mut responses = BTreeMap::new();
            for (status, r) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let ty = r
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.iter().next())
                    .map_or("(no body)".to_string(), |(media, m)| match m.get("schema") {
                        Some(s) if media == "application/json" => type_of(s),
                        _ => format!("bytes ({media})"),
                    });
                responses.insert(status.clone(), ty);
            }
            let streams = report.notes.streaming.contains(&id);
            operations.insert(format!("{} {path}", method.to_uppercase()), Operation { id, parameters, body, responses, streams });
        }
        let mut schemas = BTreeMap::new();
        for (name, s) in normalise::schemas(doc).into_iter().flatten() {
            schemas.insert(name.clone(), schema_of(s, report.notes.unions.get(name).map(|u| u.tag.clone())));
        }
        Self { operations, schemas, hand_written: report.notes.hand_written.clone() }
    }

    /// The text committed as a snapshot.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# operations ({})", self.operations.len());
        for (key, op) in &self.operations {
            let _ = writeln!(out, "{key}  {}{}", op.id, if op.streams { "  [streams]" } else { "" });
            for (name, p) in &op.parameters {
                let _ = writeln!(out, "  param {name}: {p}");
            }
            if let Some(b) = &op.body {
                let _ = writeln!(out, "  body: {b}");
            }
            for (status, ty) in &op.responses {
                let _ = writeln!(out, "  {status}: {ty}");
            }
        }
        let _ = writeln!(out, "\n# left to hand-written code ({})", self.hand_written.len());
        for (id, why) in &self.hand_written {
            let _ = writeln!(out, "{id}: {why}");
        }
        let _ = writeln!(out, "\n# schemas ({})", self.schemas.len());
        for (name, s) in &self.schemas {
            match s {
                Schema::Object { fields, open } => {
                    // Every object keeps unknown fields (the `unknown_fields` pass); only the
                    // exceptions are worth a mark.
                    let _ = writeln!(out, "{name}: object{}", if *open { "" } else { " (unknown fields typed or dropped)" });
                    for (f, field) in fields {
                        let _ = writeln!(
                            out,
                            "  {f}: {}{}{}{}",
                            field.ty,
                            if field.required { ", required" } else { "" },
                            if field.nullable { ", nullable" } else { "" },
                            if field.overlay { ", overlay" } else { "" }
                        );
                    }
                }
                Schema::Enum { values } => {
                    let _ = writeln!(out, "{name}: enum {}", values.join(" | "));
                }
                Schema::Union { tag, members } => {
                    let kind = tag.as_ref().map_or("untagged union".to_string(), |t| format!("union tagged by {t}"));
                    let _ = writeln!(out, "{name}: {kind}: {}", members.join(" | "));
                }
                Schema::Other { ty } => {
                    let _ = writeln!(out, "{name}: {ty}");
                }
            }
        }
        out
    }
}

fn schema_of(s: &Value, tag: Option<String>) -> Schema {
    if let Some(members) = s.get("oneOf").and_then(Value::as_array) {
        return Schema::Union { tag, members: members.iter().map(type_of).collect() };
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        return Schema::Enum { values: values.iter().map(|v| v.as_str().map_or(v.to_string(), str::to_string)).collect() };
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = s
            .get("required")
            .into_iter()
            .chain(s.get(crate::normalise::server_tolerance::DOCUMENT_REQUIRED))
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let fields = props
            .iter()
            .map(|(k, p)| {
                let field = Field {
                    ty: type_of(p),
                    required: required.contains(&k.as_str()),
                    nullable: p.get("nullable") == Some(&Value::Bool(true)),
                    overlay: p.get(crate::normalise::overlay::MARKER).is_some(),
                };
                (k.clone(), field)
            })
            .collect();
        return Schema::Object { fields, open: s.get("additionalProperties").is_some_and(|a| a.as_object().is_some_and(|o| o.is_empty())) };
    }
    Schema::Other { ty: type_of(s) }
}

/// A compact type expression: `Name`, `[T]`, `{string: T}`, `A | B`, `enum(a|b)`, `string/double`.
pub fn type_of(s: &Value) -> String {
    if let Some(name) = ref_name(s) {
        return name.to_string();
    }
    if let Some([only]) = s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return type_of(only);
    }
    if let Some(members) = s.get("oneOf").and_then(Value::as_array) {
        return members.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let v: Vec<String> = values.iter().map(|v| v.as_str().map_or(v.to_string(), str::to_string)).collect();
        return format!("enum({})", v.join("|"));
    }
    match s.get("type").and_then(Value::as_str) {
        Some("array") => format!("[{}]", s.get("items").map_or("any".into(), type_of)),
        Some("object") | None if s.get("properties").is_some() => {
            let keys: Vec<&str> = s["properties"].as_object().into_iter().flatten().map(|(k, _)| k.as_str()).collect();
            format!("{{{}}}", keys.join(", "))
        }
        Some("object") | None => match s.get("additionalProperties") {
            Some(a) if a.is_object() && !a.as_object().is_some_and(|o| o.is_empty()) => format!("{{string: {}}}", type_of(a)),
            _ if s.get("type").is_some() => "object".into(),
            _ => "any".into(),
        },
        Some(t) => match s.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t}/{f}"),
            None => t.to_string(),
        },
    }
}
