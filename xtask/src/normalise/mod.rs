//! The normaliser: OpenRouter's OpenAPI 3.1 document → the OpenAPI 3.0 subset progenitor and typify
//! handle, plus the project's own rules (open objects, tolerant server types, tagged unions).
//!
//! Each pass lives in its own file, says which construct it handles and why, and returns how many
//! places it changed. A construct no pass knows is an error at conversion time
//! ([`reject_unknown`]), so drift in OpenRouter's document fails here with a message rather than
//! as a panic inside progenitor.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result};
use serde_json::{Map, Value};

pub mod all_of;
pub mod any_of;
pub mod constants;
pub mod error_responses;
pub mod keywords_31;
pub mod null_members;
pub mod nullable_unions;
pub mod openapi_version;
pub mod operation_ids;
pub mod path_items;
pub mod overlay;
pub mod plain_strings;
pub mod prune;
pub mod reject_unknown;
pub mod request_bodies;
pub mod request_defaults;
pub mod server_tolerance;
pub mod wire_collections;
pub mod string_unions;
pub mod success_responses;
pub mod tagged_unions;
pub mod type_arrays;
pub mod type_names;
pub mod unknown_fields;
pub mod untagged_unions;
pub mod walk;

/// One named pass.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value, &mut Notes) -> Result<usize>,
}

/// The passes, in the order they run. Order matters: type arrays must be gone before null members
/// are found (the overlay comes first: its schemas are written like the document's); `allOf` must be flat before unions can see their members' tag properties; server
/// tolerance must know which schemas responses reach before streams lose their content types.
pub const PASSES: &[Pass] = &[
    Pass { name: "overlay", run: overlay::run },
    Pass { name: "openapi_version", run: openapi_version::run },
    Pass { name: "path_items", run: path_items::run },
    Pass { name: "operation_ids", run: operation_ids::run },
    Pass { name: "type_arrays", run: type_arrays::run },
    Pass { name: "null_members", run: null_members::run },
    Pass { name: "constants", run: constants::run },
    Pass { name: "keywords_31", run: keywords_31::run },
    Pass { name: "plain_strings", run: plain_strings::run },
    Pass { name: "all_of", run: all_of::run },
    Pass { name: "any_of", run: any_of::run },
    Pass { name: "string_unions", run: string_unions::run },
    Pass { name: "nullable_unions", run: nullable_unions::run },
    Pass { name: "request_bodies", run: request_bodies::run },
    Pass { name: "type_names", run: type_names::run },
    Pass { name: "error_responses", run: error_responses::run },
    Pass { name: "unknown_fields", run: unknown_fields::run },
    Pass { name: "server_tolerance", run: server_tolerance::run },
    Pass { name: "request_defaults", run: request_defaults::run },
    Pass { name: "success_responses", run: success_responses::run },
    Pass { name: "tagged_unions", run: tagged_unions::run },
    Pass { name: "untagged_unions", run: untagged_unions::run },
    Pass { name: "wire_collections", run: wire_collections::run },
    Pass { name: "prune", run: prune::run },
    Pass { name: "reject_unknown", run: reject_unknown::run },
];

/// What the passes learnt that later stages (generation, the summary) need.
#[derive(Debug, Default, Clone)]
pub struct Notes {
    /// Operations removed from the generated client, with the reason; the ergonomic crate
    /// implements them by hand.
    pub hand_written: BTreeMap<String, String>,
    /// Operations whose success response also streams (`text/event-stream`): the generated
    /// method returns the JSON form; the ergonomic crate streams.
    pub streaming: BTreeSet<String>,
    /// Components that stream events decode into (the `data` of `text/event-stream` bodies).
    pub stream_roots: BTreeSet<String>,
    /// Tagged unions found, by component name.
    pub unions: BTreeMap<String, TaggedUnion>,
    /// What `openapi/overlay.yaml` added (`Schema.property`, `component Name`).
    pub overlay_applied: Vec<String>,
    /// Overlay entries the document has adopted since (each also a remark).
    pub overlay_adopted: usize,
    /// Overlay entries whose place this document lacks (each also a remark).
    pub overlay_skipped: usize,
    /// Required lists and maps of server types given the generated crate's `List`/`Object`
    /// (the generator checks that as many fields came out of progenitor with that type).
    pub wire_collections: usize,
    /// Free-form remarks worth printing (override winners, dropped constraints, …).
    pub remarks: Vec<String>,
}

/// A `oneOf` whose members are told apart by one string property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedUnion {
    pub tag: String,
    pub variants: Vec<UnionVariant>,
    /// Members that are plain strings (`tool_choice: "auto"` beside `{type: "function", …}`):
    /// (variant name, value).
    pub strings: Vec<(String, String)>,
    /// The member whose tag is any string (`ChatServerToolChoice`: `type` names any server tool):
    /// tags no other member claims decode into it before falling back to `Unknown`.
    pub fallback: Option<UnionVariant>,
    /// A stream payload: also decodable straight from JSON text (see `support.rs`).
    pub stream_payload: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// The component the variant wraps.
    pub schema: String,
    /// The tag values that select it.
    pub values: Vec<String>,
}

/// The outcome of a whole run.
#[derive(Debug, Default)]
pub struct Report {
    pub counts: Vec<(&'static str, usize)>,
    pub notes: Notes,
}

/// Run every pass over `doc`, in order.
pub fn normalise(doc: &mut Value) -> Result<Report> {
    let mut report = Report::default();
    for pass in PASSES {
        let changed = (pass.run)(doc, &mut report.notes)
            .with_context(|| format!("normaliser pass `{}`", pass.name))?;
        report.counts.push((pass.name, changed));
    }
    Ok(report)
}

/// The `components.schemas` map.
pub fn schemas(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas").and_then(Value::as_object)
}

pub fn schemas_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
}

/// The component a `$ref` names, if it is a local schema reference.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

pub fn schema_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Follow `$ref`s to the schema they name (at most a few hops; cycles end it).
pub fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match ref_name(schema).and_then(|n| schemas(doc)?.get(n)) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The names of every component a schema mentions through `$ref`, transitively, including the
/// schema's own name when it is a reference.
pub fn reachable_components(doc: &Value, roots: impl IntoIterator<Item = Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Value> = roots.into_iter().collect();
    while let Some(v) = stack.pop() {
        walk::for_each_ref(&v, &mut |name| {
            if seen.insert(name.to_string())
                && let Some(s) = schemas(doc).and_then(|s| s.get(name)) {
                    stack.push(s.clone());
                }
        });
    }
    seen
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A document with the given components and no paths.
    pub fn doc_with(schemas: Value) -> Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        })
    }

    pub fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
        &doc["components"]["schemas"][name]
    }
}

/// OpenAPI 3.1 constructs no OpenRouter document has used yet, each in a small document: the
/// normaliser either turns it into what progenitor reads, or fails naming it (never a silent
/// drop, never a panic inside progenitor).
#[cfg(test)]
mod constructs_31 {
    use super::*;
    use serde_json::json;

    fn with_schema(schema: Value) -> Value {
        json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
            "components": {"schemas": {"S": schema, "T": {"type": "object", "properties": {"n": {"type": "integer"}}}}}
        })
    }

    enum Outcome {
        /// Normalises; the check says what became of the construct.
        Supported(fn(&Value) -> bool),
        /// Fails, naming this.
        Refused(&'static str),
    }

    fn check(name: &str, mut doc: Value, expected: Outcome) {
        let result = normalise(&mut doc);
        match (expected, result) {
            (Outcome::Supported(ok), Ok(_)) => assert!(ok(&doc), "{name}: normalised, but not as expected: {doc}"),
            (Outcome::Supported(_), Err(e)) => panic!("{name}: expected support, got {e:#}"),
            (Outcome::Refused(what), Err(e)) => {
                let text = format!("{e:#}");
                assert!(text.contains(what), "{name}: the error should name {what}: {text}")
            }
            (Outcome::Refused(what), Ok(_)) => panic!("{name}: expected a refusal naming {what}, it normalised: {doc}"),
        }
    }

    fn s(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }

    #[test]
    fn each_construct_is_supported_or_refused_by_name() {
        use Outcome::*;
        let object = |extra: Value| {
            let mut o = json!({"type": "object", "properties": {"a": {"type": "string"}}});
            o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            o
        };
        let mut cases: Vec<(&str, Value, Outcome)> = vec![
            ("if/then", with_schema(object(json!({"if": {"required": ["a"]}, "then": {"required": ["b"]}}))), Refused("`if`")),
            ("prefixItems", with_schema(json!({"type": "array", "prefixItems": [{"type": "string"}]})), Refused("`prefixItems`")),
            ("patternProperties", with_schema(object(json!({"patternProperties": {"^x": {"type": "string"}}}))), Refused("`patternProperties`")),
            ("dependentSchemas", with_schema(object(json!({"dependentSchemas": {"a": {"required": ["b"]}}}))), Refused("`dependentSchemas`")),
            ("$defs", with_schema(object(json!({"$defs": {"D": {"type": "string"}}}))), Refused("`$defs`")),
            ("unevaluatedProperties", with_schema(object(json!({"unevaluatedProperties": false}))), Refused("`unevaluatedProperties`")),
            ("contentMediaType", with_schema(json!({"type": "string", "contentMediaType": "image/png"})), Supported(|d| s(d).get("contentMediaType").is_none() && s(d)["type"] == "string")),
            ("numeric exclusiveMinimum", with_schema(json!({"type": "number", "exclusiveMinimum": 0})), Supported(|d| s(d)["minimum"] == 0 && s(d)["exclusiveMinimum"] == true)),
            ("type array of non-null types", with_schema(json!({"type": ["string", "integer"]})), Supported(|d| s(d).get("anyOf").is_some() || s(d).get("oneOf").is_some())),
            ("$ref with siblings", with_schema(object(json!({"properties": {"t": {"$ref": "#/components/schemas/T", "description": "a T"}}}))), Supported(|d| s(d)["properties"]["t"].to_string().contains("#/components/schemas/T"))),
            ("const on an object", with_schema(object(json!({"properties": {"k": {"const": {"a": 1}}, "l": {"const": [1]}}}))), Supported(|d| s(d)["properties"]["k"]["type"] == "object" && s(d)["properties"]["l"]["type"] == "array")),
            ("discriminator mapping to an inline schema", with_schema(json!({"oneOf": [{"$ref": "#/components/schemas/T"}], "discriminator": {"propertyName": "type", "mapping": {"t": "#/components/schemas/T/properties/n"}}})), Refused("mapping")),
        ];
        let mut webhooks = with_schema(json!({"type": "string"}));
        webhooks["webhooks"] = json!({"ping": {"post": {"responses": {"200": {"description": "ok"}}}}});
        cases.push(("webhooks", webhooks, Supported(|d| d.get("webhooks").is_none())));
        let mut path_ref = with_schema(json!({"type": "string"}));
        path_ref["paths"]["/y"] = json!({"$ref": "#/components/pathItems/Y"});
        cases.push(("path item $ref to nothing", path_ref.clone(), Refused("path /y is a `$ref`")));
        path_ref["components"]["pathItems"] = json!({"Y": {"get": {"responses": {"200": {"description": "ok"}}}}});
        cases.push(("path item $ref", path_ref, Supported(|d| d["paths"]["/y"]["get"]["operationId"] == "getY")));
        let mut callbacks = with_schema(json!({"type": "string"}));
        callbacks["paths"]["/x"]["get"]["callbacks"] = json!({"done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}});
        cases.push(("callbacks", callbacks, Supported(|d| d["paths"]["/x"]["get"].get("callbacks").is_none())));
        for (name, doc, expected) in cases {
            check(name, doc, expected);
        }
    }
}
