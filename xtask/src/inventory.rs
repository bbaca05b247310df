//! A readable inventory of the API surface, derived from the normalised document: what the
//! generated crate offers. Committed as an insta snapshot so that a regeneration shows, in review,
//! exactly which operations, fields and enum values changed; [`crate::diff`] compares two.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::Result;
use serde_json::Value;

use crate::features::FeatureConfig;
use crate::normalise::{self, Report, ref_name};
use crate::spec::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Keyed by `METHOD /path`.
    pub operations: BTreeMap<String, Operation>,
    pub schemas: BTreeMap<String, Schema>,
    /// Operations left to hand-written code, with the reason.
    pub hand_written: BTreeMap<String, String>,
    /// Which way each schema travels: what decides whether a change of it breaks a client.
    pub directions: BTreeMap<String, Direction>,
}

/// Whether a schema is part of what the client sends, of what it decodes, or of both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Reached only from request bodies and parameters.
    Request,
    /// Reached only from responses — or from nothing: a component no operation names (stream
    /// events, payload members) is something the client decodes.
    Response,
    Both,
}

impl Direction {
    pub fn sent(self) -> bool {
        matches!(self, Self::Request | Self::Both)
    }

    fn label(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
            Self::Both => "request+response",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub id: String,
    /// `name` → `in type, required|optional`.
    pub parameters: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Status → media type → type (`(no body)` under an empty media type when there is none).
    pub responses: BTreeMap<String, BTreeMap<String, String>>,
    pub streams: bool,
    pub tags: Vec<String>,
    /// The cargo feature the generated method is behind (`openapi/features.toml`), if any.
    pub feature: Option<String>,
    /// Added by the overlay: the document dropped it, the service still answers it.
    pub legacy: bool,
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
    /// Normalise `doc` and take the inventory of the result; `features` says which operations
    /// are behind a cargo feature.
    pub fn of(doc: &Document, features: &FeatureConfig) -> Result<Self> {
        let mut value = doc.value.clone();
        let report = normalise::normalise(&mut value)?;
        Ok(Self::from_normalised(&value, &report, features))
    }

    pub fn from_normalised(doc: &Value, report: &Report, features: &FeatureConfig) -> Self {
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
                let mut media_types: BTreeMap<String, String> = r
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(media, m)| {
                        let ty = match m.get("schema") {
                            Some(s) if media.contains("json") || media == "text/event-stream" => type_of(s),
                            _ => "bytes".to_string(),
                        };
                        (media.clone(), ty)
                    })
                    .collect();
                if media_types.is_empty() {
                    media_types.insert(String::new(), "(no body)".into());
                }
                responses.insert(status.clone(), media_types);
            }
            let streams = report.notes.streaming.contains(&id);
            let tags: Vec<String> = op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            let feature = features.feature_of(&tags).map(str::to_string);
            let legacy = op.get(crate::normalise::overlay::LEGACY).is_some();
            operations.insert(format!("{} {path}", method.to_uppercase()), Operation { id, parameters, body, responses, streams, tags, feature, legacy });
        }
        let mut schemas = BTreeMap::new();
        for (name, s) in normalise::schemas(doc).into_iter().flatten() {
            schemas.insert(name.clone(), schema_of(s, report.notes.unions.get(name).map(|u| u.tag.clone())));
        }
        Self { operations, schemas, hand_written: report.notes.hand_written.clone(), directions: directions(doc) }
    }

    /// Operations of the document itself (not the overlay's legacy ones), generated or
    /// hand-written: what the document's operation count must equal.
    pub fn document_operations(&self) -> usize {
        self.operations.values().filter(|o| !o.legacy).count() + self.hand_written.len()
    }

    /// The text committed as a snapshot.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# operations ({})", self.operations.len());
        for (key, op) in &self.operations {
            let _ = writeln!(
                out,
                "{key}  {}{}{}{}{}",
                op.id,
                if op.legacy { "  [legacy, from the overlay]" } else { "" },
                if op.streams { "  [streams]" } else { "" },
                if op.tags.is_empty() { String::new() } else { format!("  tags: {}", op.tags.join(", ")) },
                op.feature.as_ref().map_or(String::new(), |f| format!("  [feature {f}]"))
            );
            for (name, p) in &op.parameters {
                let (place, rest) = p.split_once(' ').unwrap_or((p, ""));
                let (ty, required) = rest.rsplit_once(", ").unwrap_or((rest, ""));
                let _ = writeln!(out, "{}", fold_line(&format!("  param {name}: {place} "), ty, &format!(", {required}")));
            }
            if let Some(b) = &op.body {
                let _ = writeln!(out, "  body: {b}");
            }
            for (status, media_types) in &op.responses {
                let _ = writeln!(out, "  {status}: {}", response_text(media_types));
            }
        }
        let _ = writeln!(out, "\n# left to hand-written code ({})", self.hand_written.len());
        for (id, why) in &self.hand_written {
            let _ = writeln!(out, "{id}: {why}");
        }
        let _ = writeln!(out, "\n# schemas ({})", self.schemas.len());
        for (name, s) in &self.schemas {
            let direction = self.directions.get(name).map_or("", |d| d.label());
            match s {
                Schema::Object { fields, open } => {
                    // Every object keeps unknown fields (the `unknown_fields` pass); only the
                    // exceptions are worth a mark.
                    let _ = writeln!(out, "{name}: object [{direction}]{}", if *open { "" } else { " (unknown fields typed or dropped)" });
                    for (f, field) in fields {
                        let marks = format!(
                            "{}{}{}",
                            if field.required { ", required" } else { "" },
                            if field.nullable { ", nullable" } else { "" },
                            if field.overlay { ", overlay" } else { "" }
                        );
                        let _ = writeln!(out, "{}", fold_line(&format!("  {f}: "), &field.ty, &marks));
                    }
                }
                Schema::Enum { values } => {
                    let _ = writeln!(out, "{}", fold_line(&format!("{name}: [{direction}] enum "), &values.join(" | "), ""));
                }
                Schema::Union { tag, members } => {
                    let kind = tag.as_ref().map_or("untagged union".to_string(), |t| format!("union tagged by {t}"));
                    let _ = writeln!(out, "{}", fold_line(&format!("{name}: [{direction}] {kind}: "), &members.join(" | "), ""));
                }
                Schema::Other { ty } => {
                    let _ = writeln!(out, "{}", fold_line(&format!("{name}: [{direction}] "), ty, ""));
                }
            }
        }
        out
    }
}

/// Lines longer than this are folded: one alternative (union member, enum value) per line, so a
/// snapshot diff shows the value that changed, not a 2,000-character line.
pub const FOLD_AT: usize = 120;

/// `head` + `ty` + `tail` on one line, or, when too long, `head`, a summary of `ty` and `tail`
/// on the first line and the parts of `ty` on lines of their own, indented under it (see [`fold`]).
fn fold_line(head: &str, ty: &str, tail: &str) -> String {
    let lines = fold(ty, head.len() + tail.len());
    let indent = " ".repeat(head.len() - head.trim_start().len() + 4);
    let mut out = format!("{head}{}{tail}", lines[0]);
    for l in &lines[1..] {
        let _ = write!(out, "\n{indent}{l}");
    }
    out
}

/// A type expression as lines: itself when it fits in [`FOLD_AT`] less `used`; else a first line
/// saying what it is (`enum (N)`, `one of (N)`, `object (N fields)`, `[` for a list) and one line
/// per alternative (`| a`) or field (`. name`), each folded again when it is long itself.
fn fold(ty: &str, used: usize) -> Vec<String> {
    if ty.len() + used <= FOLD_AT {
        return vec![ty.to_string()];
    }
    if let Some(items) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let mut lines = fold(items, used + 2);
        lines[0] = format!("[{}", lines[0]);
        if let Some(last) = lines.last_mut() {
            last.push(']');
        }
        return lines;
    }
    let nested = |prefix: &str, part: &str, lines: &mut Vec<String>| {
        let folded = fold(part, 8);
        lines.push(format!("{prefix}{}", folded[0]));
        lines.extend(folded[1..].iter().map(|l| format!("    {l}")));
    };
    let parts = alternatives(ty);
    if parts.len() > 1 {
        let kind = if ty.starts_with("enum(") { "enum" } else { "one of" };
        let mut lines = vec![format!("{kind} ({})", parts.len())];
        parts.iter().for_each(|a| nested("| ", a, &mut lines));
        return lines;
    }
    if let Some(keys) = ty.strip_prefix('{').and_then(|t| t.strip_suffix('}')).filter(|k| !k.starts_with("string: ")) {
        let keys = split_top(keys, ", ");
        let mut lines = vec![format!("object ({} fields)", keys.len())];
        keys.iter().for_each(|k| nested(". ", k, &mut lines));
        return lines;
    }
    vec![ty.to_string()]
}

/// The top-level alternatives of a type expression: members of `A | B | C`, or the values of
/// `enum(a|b|c)`; a single element when it has none.
pub fn alternatives(ty: &str) -> Vec<&str> {
    let inner = match ty.strip_prefix("enum(").and_then(|t| t.strip_suffix(')')) {
        Some(values) if split_top(values, "|").len() > 1 => return split_top(values, "|"),
        _ => ty,
    };
    split_top(inner, " | ")
}

/// `text` split at `sep` where it is not inside brackets or braces.
fn split_top<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ if depth == 0 && text[i..].starts_with(sep) => {
                out.push(&text[start..i]);
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

/// A response as one line: its type when it is JSON only, else each media type with its type.
pub fn response_text(media_types: &BTreeMap<String, String>) -> String {
    match media_types.iter().collect::<Vec<_>>().as_slice() {
        [(media, ty)] if media.is_empty() || *media == "application/json" => (*ty).clone(),
        all => all.iter().map(|(media, ty)| format!("{ty} ({media})")).collect::<Vec<_>>().join(", "),
    }
}

/// Every schema's [`Direction`], following `$ref`s from the operations' request bodies and
/// parameters and from their responses.
fn directions(doc: &Value) -> BTreeMap<String, Direction> {
    let schemas = normalise::schemas(doc);
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, s) in schemas.into_iter().flatten() {
        let mut found = BTreeSet::new();
        collect_refs(s, &mut found);
        refs.insert(name.clone(), found);
    }
    let (mut sent, mut received) = (BTreeSet::new(), BTreeSet::new());
    for (path, _, op) in crate::spec::operations(doc) {
        let shared = doc.pointer(&format!("/paths/{}/parameters", path.replace('~', "~0").replace('/', "~1")));
        for part in [op.get("requestBody"), op.get("parameters"), shared].into_iter().flatten() {
            collect_refs(part, &mut sent);
        }
        if let Some(responses) = op.get("responses") {
            collect_refs(responses, &mut received);
        }
    }
    let (sent, received) = (crate::features::closure(&sent, &refs), crate::features::closure(&received, &refs));
    refs.keys()
        .map(|name| {
            let d = match (sent.contains(name), received.contains(name)) {
                (true, true) => Direction::Both,
                (true, false) => Direction::Request,
                _ => Direction::Response,
            };
            (name.clone(), d)
        })
        .collect()
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(o) => {
            if let Some(name) = ref_name(value) {
                out.insert(name.to_string());
            }
            o.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
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
            // A map of anything is the same generated type as a free-form object.
            Some(a) if a.is_object() && !a.as_object().is_some_and(|o| o.is_empty()) && type_of(a) != "any" => {
                format!("{{string: {}}}", type_of(a))
            }
            _ if s.get("type").is_some() => "object".into(),
            _ => "any".into(),
        },
        Some(t) => match s.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t}/{f}"),
            None => t.to_string(),
        },
    }
}
