//! `cargo xtask diff OLD NEW`: what changed between two documents, as the generated crate sees it.
//!
//! A change is marked `BREAKING` when it breaks code written against OLD, decided by direction:
//! - what the client sends: a parameter or request field added as required or made required, a
//!   parameter or body whose type or place changed;
//! - what it decodes: a success response's type or content type changed or removed, a field
//!   removed or retyped, an enum value, union member or union tag removed;
//! - where the method is: an operation removed, or moved behind a cargo feature (gone from
//!   default builds).
//!
//! Not breaking: a new required field of a schema the client only decodes, a value or member
//! added to an enum or union (the generated ones are open), an error status no longer listed.
//! Long unions and enums are folded to the members that changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::inventory::{Direction, Inventory, Operation, Schema, alternatives, response_text};

#[derive(Debug, Default)]
pub struct Drift {
    pub lines: Vec<String>,
    pub breaking: usize,
}

impl Drift {
    fn add(&mut self, line: String) {
        self.lines.push(line);
    }

    fn breaking(&mut self, line: String) {
        self.breaking += 1;
        self.lines.push(format!("{line}  BREAKING"));
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} change(s), {} breaking", self.lines.len(), self.breaking);
        for l in &self.lines {
            let _ = writeln!(out, "{l}");
        }
        out
    }
}

pub fn diff(old: &Inventory, new: &Inventory) -> Drift {
    let mut d = Drift::default();
    for (key, op) in &new.operations {
        match old.operations.get(key) {
            None => d.add(format!("+ operation {key} ({}){}", op.id, op.feature.as_ref().map_or(String::new(), |f| format!(" [feature {f}]")))),
            Some(o) => operation_diff(&mut d, key, o, op),
        }
    }
    for (key, op) in &old.operations {
        if !new.operations.contains_key(key) {
            d.breaking(format!("- operation {key} ({})", op.id));
        }
    }
    for (name, s) in &new.schemas {
        let direction = new.directions.get(name).copied().unwrap_or(Direction::Response);
        match old.schemas.get(name) {
            None => d.add(format!("+ schema {name}")),
            Some(o) => {
                let before = old.directions.get(name).copied().unwrap_or(Direction::Response);
                if before.sent() != direction.sent() {
                    let now = if direction.sent() { "now also sent in requests" } else { "no longer sent in requests" };
                    d.add(format!("~ {name}: {now}"));
                }
                schema_diff(&mut d, name, o, s, direction.sent());
            }
        }
    }
    for name in old.schemas.keys().filter(|n| !new.schemas.contains_key(*n)) {
        d.breaking(format!("- schema {name}"));
    }
    d
}

/// What the client sends (parameters, body) must stay sendable; what it decodes (responses)
/// must stay decodable; the method must stay where it was (tags, feature).
fn operation_diff(d: &mut Drift, key: &str, o: &Operation, op: &Operation) {
    if o.tags != op.tags {
        d.add(format!("~ {key}: tags {} → {}", o.tags.join(", "), op.tags.join(", ")));
    }
    match (&o.feature, &op.feature) {
        (None, Some(f)) => d.breaking(format!("~ {key}: now behind feature `{f}` (gone from default builds)")),
        (Some(f), None) => d.add(format!("~ {key}: no longer behind feature `{f}`")),
        (Some(a), Some(b)) if a != b => d.breaking(format!("~ {key}: feature `{a}` → `{b}`")),
        _ => {}
    }
    if o.streams && !op.streams {
        d.breaking(format!("~ {key}: no longer streams"));
    } else if !o.streams && op.streams {
        d.add(format!("~ {key}: now streams"));
    }
    for (name, p) in &op.parameters {
        let (place, ty, required) = parameter_parts(p);
        match o.parameters.get(name) {
            None if required => d.breaking(format!("+ {key}: required parameter {name}: {p}")),
            None => d.add(format!("+ {key}: parameter {name}: {p}")),
            Some(q) if q != p => {
                let (old_place, old_ty, was_required) = parameter_parts(q);
                let at = format!("{key}: parameter {name}");
                if old_place != place {
                    d.breaking(format!("~ {at}: in {old_place} → in {place}"));
                }
                type_diff(d, &at, old_ty, ty);
                if required && !was_required {
                    d.breaking(format!("~ {at}: became required"));
                } else if was_required && !required {
                    d.add(format!("~ {at}: became optional"));
                }
            }
            _ => {}
        }
    }
    for name in o.parameters.keys().filter(|n| !op.parameters.contains_key(*n)) {
        d.breaking(format!("- {key}: parameter {name}"));
    }
    match (&o.body, &op.body) {
        (Some(a), Some(b)) if a != b => {
            let ((old_ty, old_media), (ty, media)) = (body_parts(a), body_parts(b));
            if old_media != media {
                d.breaking(format!("~ {key}: body media type {old_media} → {media}"));
            }
            type_diff(d, &format!("{key}: body"), old_ty, ty);
        }
        (None, Some(b)) => d.breaking(format!("+ {key}: body {b}")),
        (Some(a), None) => d.breaking(format!("- {key}: body {a}")),
        _ => {}
    }
    for (status, media_types) in &op.responses {
        match o.responses.get(status) {
            None => d.add(format!("+ {key}: response {status}: {}", response_text(media_types))),
            Some(before) => {
                let success = status.starts_with('2');
                for (media, ty) in media_types {
                    match before.get(media) {
                        None => d.add(format!("+ {key}: response {status}: {}", response_text(&BTreeMap::from([(media.clone(), ty.clone())])))),
                        Some(t) if t != ty => {
                            let at = format!("{key}: response {status}{}", if media.is_empty() { String::new() } else { format!(" ({media})") });
                            if success {
                                type_diff(d, &at, t, ty);
                            } else {
                                d.add(format!("~ {at}: {} → {}", short(t), short(ty)));
                            }
                        }
                        _ => {}
                    }
                }
                for media in before.keys().filter(|m| !media_types.contains_key(*m)) {
                    let line = format!("- {key}: response {status}: content type {}", if media.is_empty() { "(no body)" } else { media });
                    if success { d.breaking(line) } else { d.add(line) }
                }
            }
        }
    }
    for status in o.responses.keys().filter(|s| !op.responses.contains_key(*s)) {
        // The client decodes success bodies by their status; an error status it no longer sees
        // still lands in its generic error path.
        if status.starts_with('2') {
            d.breaking(format!("- {key}: response {status}"));
        } else {
            d.add(format!("~ {key}: response {status} no longer documented"));
        }
    }
}

/// `in TYPE, required|optional` → its parts.
fn parameter_parts(p: &str) -> (&str, &str, bool) {
    let (rest, required) = match p.rsplit_once(", ") {
        Some((rest, req)) => (rest, req == "required"),
        None => (p, false),
    };
    let (place, ty) = rest.split_once(' ').unwrap_or((rest, ""));
    (place, ty, required)
}

/// `TYPE (media)` → its parts.
fn body_parts(b: &str) -> (&str, &str) {
    match b.rsplit_once(" (") {
        Some((ty, media)) => (ty, media.trim_end_matches(')')),
        None => (b, ""),
    }
}

/// A type expression compared the way the client sees it. Values or members added to an enum or
/// union are not breaking (the client's enums and unions are open); removed ones are. An array's
/// items, an inline object's fields (a field added is not breaking, one removed is) and a union
/// member that changed in place are compared as such. Anything else that changed is a change of
/// type: breaking.
fn type_diff(d: &mut Drift, at: &str, old: &str, new: &str) {
    if old == new {
        return;
    }
    if let (Some(a), Some(b)) = (inner(old, '[', ']'), inner(new, '[', ']')) {
        return type_diff(d, &format!("{at}[]"), a, b);
    }
    if let (Some(a), Some(b)) = (inner(old, '{', '}'), inner(new, '{', '}'))
        && !a.starts_with("string: ")
        && !b.starts_with("string: ")
    {
        let (a, b): (BTreeSet<&str>, BTreeSet<&str>) = (a.split(", ").collect(), b.split(", ").collect());
        for f in b.difference(&a) {
            d.add(format!("+ {at}: field {f}"));
        }
        for f in a.difference(&b) {
            d.breaking(format!("- {at}: field {f}"));
        }
        return;
    }
    let is_enum = |t: &str| t.starts_with("enum(") && t.ends_with(')');
    let (a, b) = (alternatives(old), alternatives(new));
    let comparable = (is_enum(old) && is_enum(new)) || (!is_enum(old) && !is_enum(new) && a.len() > 1 && b.len() > 1);
    if comparable {
        members_diff(d, at, a, b, if is_enum(old) { "enum value" } else { "member" });
        return;
    }
    d.breaking(format!("~ {at}: {} → {}", short(old), short(new)));
}

/// The members (or enum values) added and removed. A member of one inline shape on each side (a
/// list, object or enum that changed in place) is the same member, changed: compared inside.
fn members_diff(d: &mut Drift, at: &str, old: Vec<&str>, new: Vec<&str>, what: &str) {
    let (a, b): (BTreeSet<&str>, BTreeSet<&str>) = (old.into_iter().collect(), new.into_iter().collect());
    let (mut added, mut removed): (Vec<&str>, Vec<&str>) = (b.difference(&a).copied().collect(), a.difference(&b).copied().collect());
    if what == "member" {
        for shape in ['[', '{', 'e'] {
            let (r, n): (Vec<usize>, Vec<usize>) = (
                removed.iter().enumerate().filter(|(_, t)| shape_of(t) == Some(shape)).map(|(i, _)| i).collect(),
                added.iter().enumerate().filter(|(_, t)| shape_of(t) == Some(shape)).map(|(i, _)| i).collect(),
            );
            if let ([i], [j]) = (r.as_slice(), n.as_slice()) {
                let (r, n) = (removed.remove(*i), added.remove(*j));
                type_diff(d, &format!("{at} (member {})", shape_label(r)), r, n);
            }
        }
    }
    for v in added {
        d.add(format!("+ {at}: {what} {}", short(v)));
    }
    for v in removed {
        d.breaking(format!("- {at}: {what} {}", short(v)));
    }
}

/// The text between `open` and `close` when `ty` is wrapped in them.
fn inner(ty: &str, open: char, close: char) -> Option<&str> {
    ty.strip_prefix(open)?.strip_suffix(close)
}

/// Inline members by shape: a list, an object, an enum; a named member has none.
fn shape_of(ty: &str) -> Option<char> {
    match ty.chars().next()? {
        '[' => Some('['),
        '{' => Some('{'),
        _ if ty.starts_with("enum(") => Some('e'),
        _ => None,
    }
}

fn shape_label(ty: &str) -> &'static str {
    match shape_of(ty) {
        Some('[') => "list",
        Some('{') => "object",
        _ => "enum",
    }
}

/// A type expression cut to a reviewable length.
fn short(ty: &str) -> String {
    const MAX: usize = 100;
    if ty.len() <= MAX {
        return ty.to_string();
    }
    let cut = (0..=MAX).rev().find(|i| ty.is_char_boundary(*i)).unwrap_or(0);
    format!("{}… ({} alternatives)", &ty[..cut], alternatives(ty).len())
}

/// `sent`: the schema is part of what the client sends — a new required field, or a field that
/// became required, breaks a request built by old code; in a schema the client only decodes it
/// does not (decoding stays tolerant of absence).
fn schema_diff(d: &mut Drift, name: &str, old: &Schema, new: &Schema, sent: bool) {
    match (old, new) {
        (Schema::Object { fields: of, .. }, Schema::Object { fields: nf, .. }) => {
            for (f, field) in nf {
                match of.get(f) {
                    None if field.required && sent => d.breaking(format!("+ {name}.{f}: {} (required)", short(&field.ty))),
                    None if field.required => d.add(format!("+ {name}.{f}: {} (required; only decoded)", short(&field.ty))),
                    None if field.overlay => d.add(format!("+ {name}.{f}: {} (from the overlay)", short(&field.ty))),
                    None => d.add(format!("+ {name}.{f}: {}", short(&field.ty))),
                    Some(o) => {
                        if o.overlay != field.overlay {
                            let now = if field.overlay { "now from the overlay" } else { "now in the document (retire its overlay entry)" };
                            d.add(format!("~ {name}.{f}: {now}"));
                        }
                        type_diff(d, &format!("{name}.{f}"), &o.ty, &field.ty);
                        if !o.required && field.required {
                            if sent { d.breaking(format!("~ {name}.{f}: became required")) } else { d.add(format!("~ {name}.{f}: became required (only decoded)")) }
                        } else if o.required && !field.required {
                            d.add(format!("~ {name}.{f}: became optional"));
                        }
                    }
                }
            }
            for f in of.keys().filter(|f| !nf.contains_key(*f)) {
                d.breaking(format!("- {name}.{f}"));
            }
        }
        (Schema::Enum { values: ov }, Schema::Enum { values: nv }) => {
            let (o, n): (BTreeSet<_>, BTreeSet<_>) = (ov.iter().collect(), nv.iter().collect());
            for v in n.difference(&o) {
                d.add(format!("+ {name}: enum value {v:?}"));
            }
            for v in o.difference(&n) {
                d.breaking(format!("- {name}: enum value {v:?}"));
            }
        }
        (Schema::Union { members: om, tag: ot }, Schema::Union { members: nm, tag: nt }) => {
            if ot != nt {
                d.breaking(format!("~ {name}: union tag {} → {}", ot.as_deref().unwrap_or("(none)"), nt.as_deref().unwrap_or("(none)")));
            }
            members_diff(d, name, om.iter().map(String::as_str).collect(), nm.iter().map(String::as_str).collect(), "member");
        }
        (Schema::Other { ty: a }, Schema::Other { ty: b }) => type_diff(d, &format!("{name}:"), a, b),
        (o, n) if o != n => d.breaking(format!("~ schema {name}: {} → {}", kind(o), kind(n))),
        _ => {}
    }
}

fn kind(s: &Schema) -> String {
    match s {
        Schema::Object { .. } => "object".into(),
        Schema::Enum { .. } => "enum".into(),
        Schema::Union { .. } => "union".into(),
        Schema::Other { ty } => short(ty),
    }
}

/// Counts of a diff by kind, for a summary's table: (added, removed) of each, and the changes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub operations: (usize, usize),
    pub schemas: (usize, usize),
    pub fields: (usize, usize),
    pub values: (usize, usize),
    pub changed: usize,
}

impl Drift {
    /// The lines counted by what they are about and whether they add, remove or change it.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for line in &self.lines {
            let (sign, rest) = line.split_at(line.char_indices().nth(1).map_or(line.len(), |(i, _)| i));
            let slot = if rest.starts_with(" operation ") {
                &mut c.operations
            } else if rest.starts_with(" schema ") {
                &mut c.schemas
            } else if rest.contains(": enum value ") || rest.contains(": member ") {
                &mut c.values
            } else {
                &mut c.fields
            };
            match sign {
                "+" => slot.0 += 1,
                "-" => slot.1 += 1,
                _ => c.changed += 1,
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureConfig;
    use crate::spec::Document;
    use serde_json::{Value, json};

    /// A small document: `POST /things` sends `ThingRequest` and answers `Thing`; `GET /admin`
    /// is tagged `Admin`. `edit` changes it before it is read.
    fn inventory(edit: impl FnOnce(&mut Value)) -> Inventory {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/things": {"post": {
                    "operationId": "createThing",
                    "tags": ["Things"],
                    "parameters": [{"name": "limit", "in": "query", "required": false, "schema": {"type": "integer"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingRequest"}}}},
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                    }
                }},
                "/admin": {"get": {
                    "operationId": "getAdmin",
                    "tags": ["Things"],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
                }}
            },
            "components": {"schemas": {
                "ThingRequest": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "mode": {"type": "string", "enum": ["fast", "slow"]}
                }},
                "Thing": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": ["ready", "busy"]},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "part": {"$ref": "#/components/schemas/Part"}
                }},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Part": {"oneOf": [{"$ref": "#/components/schemas/TextPart"}, {"$ref": "#/components/schemas/ImagePart"}]},
                "TextPart": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
                "ImagePart": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}},
                "Problem": {"type": "object", "properties": {"message": {"type": "string"}}}
            }}
        });
        edit(&mut doc);
        let doc = Document::from_bytes(&serde_json::to_vec(&doc).unwrap()).unwrap();
        Inventory::of(&doc, &FeatureConfig { management: vec!["Admin".into()] }).unwrap()
    }

    fn changes(edit: impl FnOnce(&mut Value)) -> Drift {
        diff(&inventory(|_| {}), &inventory(edit))
    }

    fn has(d: &Drift, line: &str) -> bool {
        d.lines.iter().any(|l| l == line)
    }

    #[test]
    fn the_same_document_has_no_changes() {
        assert!(changes(|_| {}).lines.is_empty());
    }

    #[test]
    fn directions_follow_references_from_requests_and_responses() {
        let inv = inventory(|_| {});
        assert_eq!(inv.directions["ThingRequest"], Direction::Request);
        assert_eq!(inv.directions["Thing"], Direction::Response);
        assert_eq!(inv.directions["TextPart"], Direction::Response, "through the union");
        assert_eq!(inv.directions["ErrorResponse"], Direction::Response, "the error schema, named by the error_responses pass");
    }

    #[test]
    fn a_new_required_field_breaks_a_request_not_a_response() {
        let d = changes(|doc| {
            let s = &mut doc["components"]["schemas"];
            s["ThingRequest"]["properties"]["owner"] = json!({"type": "string"});
            s["ThingRequest"]["required"] = json!(["name", "owner"]);
            s["Thing"]["properties"]["created"] = json!({"type": "integer"});
            s["Thing"]["required"] = json!(["id", "created"]);
        });
        assert!(has(&d, "+ ThingRequest.owner: string (required)  BREAKING"), "{}", d.render());
        assert!(has(&d, "+ Thing.created: integer (required; only decoded)"), "{}", d.render());
        assert_eq!(d.breaking, 1, "{}", d.render());
    }

    #[test]
    fn a_field_made_required_breaks_only_what_is_sent() {
        let d = changes(|doc| {
            let s = &mut doc["components"]["schemas"];
            s["ThingRequest"]["required"] = json!(["name", "mode"]);
            s["Thing"]["required"] = json!(["id", "status"]);
        });
        assert!(has(&d, "~ ThingRequest.mode: became required  BREAKING"), "{}", d.render());
        assert!(has(&d, "~ Thing.status: became required (only decoded)"), "{}", d.render());
        assert_eq!(d.breaking, 1);
    }

    #[test]
    fn values_added_to_an_inline_or_named_enum_are_not_breaking_removed_ones_are() {
        let d = changes(|doc| {
            let s = &mut doc["components"]["schemas"];
            s["Thing"]["properties"]["status"]["enum"] = json!(["ready", "failed"]);
            s["Kind"]["enum"] = json!(["a", "b", "c"]);
            s["ThingRequest"]["properties"]["mode"]["enum"] = json!(["fast", "slow", "auto"]);
        });
        assert!(has(&d, "+ Thing.status: enum value failed"), "{}", d.render());
        assert!(has(&d, "- Thing.status: enum value busy  BREAKING"), "{}", d.render());
        assert!(has(&d, "+ Kind: enum value \"c\""), "{}", d.render());
        assert!(has(&d, "+ ThingRequest.mode: enum value auto"), "{}", d.render());
        assert_eq!(d.breaking, 1, "{}", d.render());
    }

    #[test]
    fn union_members_added_are_not_breaking_removed_ones_and_retyped_fields_are() {
        let d = changes(|doc| {
            let s = &mut doc["components"]["schemas"];
            s["AudioPart"] = json!({"type": "object", "properties": {"data": {"type": "string"}}});
            s["Part"]["oneOf"] = json!([{"$ref": "#/components/schemas/TextPart"}, {"$ref": "#/components/schemas/AudioPart"}]);
            s["Thing"]["properties"]["id"] = json!({"type": "integer"});
        });
        assert!(has(&d, "+ Part: member AudioPart"), "{}", d.render());
        assert!(has(&d, "- Part: member ImagePart  BREAKING"), "{}", d.render());
        assert!(has(&d, "~ Thing.id: string → integer  BREAKING"), "{}", d.render());
    }

    #[test]
    fn an_operation_moved_behind_a_feature_is_breaking_a_tag_change_alone_is_not() {
        let d = changes(|doc| {
            doc["paths"]["/admin"]["get"]["tags"] = json!(["Admin"]);
            doc["paths"]["/things"]["post"]["tags"] = json!(["Things", "Stuff"]);
        });
        assert!(has(&d, "~ GET /admin: tags Things → Admin"), "{}", d.render());
        assert!(has(&d, "~ GET /admin: now behind feature `management` (gone from default builds)  BREAKING"), "{}", d.render());
        assert!(has(&d, "~ POST /things: tags Things → Things, Stuff"), "{}", d.render());
        assert_eq!(d.breaking, 1, "{}", d.render());
        let back = diff(&inventory(|doc| doc["paths"]["/admin"]["get"]["tags"] = json!(["Admin"])), &inventory(|_| {}));
        assert!(has(&back, "~ GET /admin: no longer behind feature `management`"), "{}", back.render());
    }

    #[test]
    fn statuses_and_content_types_are_compared() {
        let d = changes(|doc| {
            let responses = &mut doc["paths"]["/things"]["post"]["responses"];
            responses.as_object_mut().unwrap().remove("404");
            responses["429"] = json!({"description": "slow down"});
            let ok = &mut doc["paths"]["/admin"]["get"]["responses"]["200"]["content"];
            *ok = json!({"text/event-stream": {"schema": {"$ref": "#/components/schemas/Thing"}}});
        });
        assert!(has(&d, "~ POST /things: response 404 no longer documented"), "{}", d.render());
        assert!(has(&d, "+ POST /things: response 429: (no body)"), "{}", d.render());
        assert!(has(&d, "+ GET /admin: response 200: Thing (text/event-stream)"), "{}", d.render());
        assert!(has(&d, "- GET /admin: response 200: content type application/json  BREAKING"), "{}", d.render());
        // The error schema only the 404 named is gone from the crate: a type removed.
        assert!(has(&d, "- schema ErrorResponse  BREAKING"), "{}", d.render());
        assert_eq!(d.breaking, 2, "{}", d.render());
        let removed = changes(|doc| {
            doc["paths"]["/admin"]["get"]["responses"] = json!({"204": {"description": "none"}});
        });
        assert!(has(&removed, "- GET /admin: response 200  BREAKING"), "{}", removed.render());
    }

    #[test]
    fn what_the_client_sends_breaks_when_it_changes() {
        let d = changes(|doc| {
            let op = &mut doc["paths"]["/things"]["post"];
            op["parameters"] = json!([
                {"name": "limit", "in": "query", "required": true, "schema": {"type": "integer"}},
                {"name": "cursor", "in": "query", "required": true, "schema": {"type": "string"}}
            ]);
        });
        assert!(has(&d, "~ POST /things: parameter limit: became required  BREAKING"), "{}", d.render());
        assert!(has(&d, "+ POST /things: required parameter cursor: query string, required  BREAKING"), "{}", d.render());
        let removed = changes(|doc| {
            doc["paths"]["/things"]["post"]["parameters"] = json!([]);
            doc["paths"].as_object_mut().unwrap().remove("/admin");
        });
        assert!(has(&removed, "- POST /things: parameter limit  BREAKING"), "{}", removed.render());
        assert!(has(&removed, "- operation GET /admin (getAdmin)  BREAKING"), "{}", removed.render());
    }

    #[test]
    fn a_long_union_line_is_folded_to_what_changed() {
        let values: Vec<String> = (0..200).map(|i| format!("value_{i}")).collect();
        let mut more = values.clone();
        more.push("value_new".into());
        let (old, new) = (
            inventory(|doc| doc["components"]["schemas"]["Thing"]["properties"]["status"]["enum"] = json!(values)),
            inventory(|doc| doc["components"]["schemas"]["Thing"]["properties"]["status"]["enum"] = json!(more)),
        );
        let d = diff(&old, &new);
        assert_eq!(d.lines, vec!["+ Thing.status: enum value value_new".to_string()]);
        let snapshot = new.render();
        assert!(snapshot.lines().all(|l| l.len() <= 200), "a line of the inventory is not folded");
        assert!(snapshot.lines().any(|l| l.trim() == "| value_new"), "{snapshot}");
    }
}
