//! Small random-but-valid OpenAPI 3.1 documents, built from the constructs OpenRouter's documents
//! have used or may use, for a property test of the whole pipeline (`cargo xtask random-docs`).
//!
//! Each document knows what it holds, so the test has an oracle: a document made only of
//! supported constructs must normalise and generate (and, for a sample, compile); one holding a
//! construct the normaliser refuses must fail with an error that names that construct. A panic,
//! or any other error, fails the property.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

/// A deterministic generator (xorshift64*): the same seed gives the same document everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// `true` with probability `percent`%.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Constructs the normaliser refuses, with the word its error must contain.
pub const REFUSED: &[(&str, &str)] = &[
    ("if/then", "`if`"),
    ("prefixItems", "`prefixItems`"),
    ("patternProperties", "`patternProperties`"),
    ("dependentSchemas", "`dependentSchemas`"),
    ("$defs", "`$defs`"),
    ("unevaluatedProperties", "`unevaluatedProperties`"),
];

/// Every construct the generator uses, so that a test can check each was exercised.
pub const CONSTRUCTS: &[&str] = &[
    "$defs",
    "$ref with siblings",
    "allOf of a string enum and annotations",
    "allOf of a union and annotations",
    "allOf of objects",
    "callbacks",
    "components differing only in case",
    "const object",
    "const string",
    "contentMediaType",
    "dependentSchemas",
    "discriminator mapping",
    "duplicate mapping key",
    "if/then",
    "list of a component",
    "map",
    "nullable (3.0 style)",
    "numeric exclusiveMinimum",
    "operation without operationId",
    "path item $ref",
    "path-level parameters",
    "patternProperties",
    "prefixItems",
    "required fields",
    "string enum",
    "tagged union",
    "type array of several types",
    "type array with null",
    "unevaluatedProperties",
    "untagged union",
    "webhooks",
];

/// A generated document: its bytes (YAML-compatible JSON text), the constructs it holds, and the
/// refused ones among them.
pub struct RandomDocument {
    pub seed: u64,
    pub bytes: Vec<u8>,
    pub constructs: Vec<&'static str>,
    pub refused: Vec<&'static str>,
}

struct Builder<'r> {
    rng: &'r mut Rng,
    schemas: serde_json::Map<String, Value>,
    constructs: Vec<&'static str>,
    refused: Vec<&'static str>,
    /// Percent chance of a refused construct per schema.
    refusal_rate: usize,
}

impl Builder<'_> {
    fn used(&mut self, construct: &'static str) {
        debug_assert!(CONSTRUCTS.contains(&construct), "{construct} is not listed in CONSTRUCTS");
        if !self.constructs.contains(&construct) {
            self.constructs.push(construct);
        }
    }

    fn name(&mut self, stem: &str) -> String {
        format!("{stem}{}", self.schemas.len())
    }

    fn leaf(&mut self) -> Value {
        match self.rng.below(10) {
            0 => json!({"type": "string"}),
            1 => json!({"type": "integer", "format": "int64"}),
            2 => json!({"type": "number", "format": "double"}),
            3 => json!({"type": "boolean"}),
            4 => {
                self.used("type array with null");
                json!({"type": ["string", "null"]})
            }
            5 => {
                self.used("nullable (3.0 style)");
                json!({"type": "string", "nullable": true})
            }
            6 => {
                self.used("numeric exclusiveMinimum");
                json!({"type": "number", "exclusiveMinimum": 0})
            }
            7 => {
                self.used("contentMediaType");
                json!({"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"})
            }
            8 => {
                self.used("const string");
                json!({"type": "string", "const": "fixed"})
            }
            _ => json!({"type": "array", "items": {"type": "string"}}),
        }
    }

    /// A property schema: a leaf, a `$ref` (with siblings now and then) to a component made
    /// before, a list of one, a map.
    fn property(&mut self) -> Value {
        let names: Vec<String> = self.schemas.keys().cloned().collect();
        match self.rng.below(6) {
            0 | 1 if !names.is_empty() => {
                let target = self.rng.pick(&names).clone();
                let r = json!({"$ref": format!("#/components/schemas/{target}")});
                if self.rng.chance(30) {
                    self.used("$ref with siblings");
                    json!({"$ref": format!("#/components/schemas/{target}"), "description": "see there"})
                } else if self.rng.chance(30) {
                    self.used("list of a component");
                    json!({"type": "array", "items": r})
                } else {
                    r
                }
            }
            2 => {
                self.used("map");
                json!({"type": "object", "additionalProperties": self.leaf()})
            }
            3 if self.rng.chance(30) => {
                self.used("const object");
                json!({"const": {"kind": "fixed"}})
            }
            _ => self.leaf(),
        }
    }

    fn object(&mut self) -> Value {
        let mut properties = serde_json::Map::new();
        for i in 0..1 + self.rng.below(4) {
            let key = *self.rng.pick(&["id", "name", "value", "items", "status", "count", "data"]);
            properties.insert(format!("{key}_{i}"), self.property());
        }
        let keys: Vec<String> = properties.keys().cloned().collect();
        let required: Vec<&String> = keys.iter().filter(|_| self.rng.chance(40)).collect();
        let mut o = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            o["required"] = json!(required);
            self.used("required fields");
        }
        if self.rng.chance(self.refusal_rate) {
            let (construct, extra) = match self.rng.below(4) {
                0 => ("if/then", json!({"if": {"required": [keys[0]]}, "then": {"required": [keys[0]]}})),
                1 => ("patternProperties", json!({"patternProperties": {"^x-": {"type": "string"}}})),
                2 => ("dependentSchemas", json!({"dependentSchemas": {keys[0].clone(): {"required": [keys[0]]}}})),
                _ => ("unevaluatedProperties", json!({"unevaluatedProperties": false})),
            };
            for (k, v) in extra.as_object().into_iter().flatten() {
                o[k] = v.clone();
            }
            self.used(construct);
            self.refused.push(construct);
        }
        o
    }

    /// One component of a random kind; returns its name.
    fn component(&mut self) -> String {
        let kind = self.rng.below(12);
        let (stem, schema) = match kind {
            0..=3 => ("Thing", self.object()),
            4 => {
                self.used("string enum");
                let values: Vec<String> = (0..1 + self.rng.below(4)).map(|i| format!("v{i}")).collect();
                ("Mode", json!({"type": "string", "enum": values}))
            }
            5 => {
                self.used("tagged union");
                let mut members = Vec::new();
                let mut mapping = serde_json::Map::new();
                for tag in ["text", "image"].iter().take(2) {
                    let mut member = self.object();
                    member["properties"]["type"] = json!({"type": "string", "enum": [tag]});
                    member["required"] = json!(["type"]);
                    let name = format!("{}{}", if *tag == "text" { "TextPart" } else { "ImagePart" }, self.schemas.len());
                    self.schemas.insert(name.clone(), member);
                    mapping.insert(tag.to_string(), json!(format!("#/components/schemas/{name}")));
                    members.push(json!({"$ref": format!("#/components/schemas/{name}")}));
                }
                let mut union = json!({"oneOf": members, "discriminator": {"propertyName": "type"}});
                if self.rng.chance(50) {
                    self.used("discriminator mapping");
                    union["discriminator"]["mapping"] = Value::Object(mapping);
                }
                ("Part", union)
            }
            6 => {
                self.used("untagged union");
                let p = self.property();
                ("Either", json!({"anyOf": [{"type": "string"}, {"type": "array", "items": p}]}))
            }
            7 => {
                self.used("type array of several types");
                ("Scalar", json!({"type": ["string", "integer", "null"]}))
            }
            8 => {
                self.used("allOf of objects");
                let base = self.object();
                let name = self.name("Base");
                self.schemas.insert(name.clone(), base);
                let more = self.object();
                ("Derived", json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}, more]}))
            }
            9 => {
                self.used("allOf of a string enum and annotations");
                let name = self.name("Level");
                self.schemas.insert(name.clone(), json!({"type": "string", "enum": ["low", "high"]}));
                ("Choice", json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}, {"description": "how much", "default": "low"}]}))
            }
            10 => {
                self.used("allOf of a union and annotations");
                ("Input", json!({"allOf": [{"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}, {"description": "text or lines"}]}))
            }
            _ => {
                if self.rng.chance(self.refusal_rate) {
                    let (construct, schema) = if self.rng.chance(50) {
                        ("prefixItems", json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}))
                    } else {
                        ("$defs", json!({"type": "object", "$defs": {"Inner": {"type": "string"}}, "properties": {"a": {"type": "string"}}}))
                    };
                    self.used(construct);
                    self.refused.push(construct);
                    ("Odd", schema)
                } else {
                    self.used("components differing only in case");
                    let n = self.schemas.len();
                    let (first, twin) = (self.object(), self.object());
                    self.schemas.insert(format!("FilePDFSource{n}"), first);
                    self.schemas.insert(format!("FilePdfSource{n}"), twin);
                    return format!("FilePdfSource{n}");
                }
            }
        };
        let name = self.name(stem);
        self.schemas.insert(name.clone(), schema);
        name
    }
}

/// The document of `seed`: 2–6 components, 1–4 operations; `refusal_rate`% of objects (and of
/// the odd components) carry a refused construct.
pub fn document(seed: u64, refusal_rate: usize) -> RandomDocument {
    let mut rng = Rng::new(seed);
    let mut b = Builder { rng: &mut rng, schemas: serde_json::Map::new(), constructs: Vec::new(), refused: Vec::new(), refusal_rate };
    let count = 2 + b.rng.below(5);
    let components: Vec<String> = (0..count).map(|_| b.component()).collect();
    let mut paths = serde_json::Map::new();
    let mut path_items = serde_json::Map::new();
    for i in 0..1 + b.rng.below(4) {
        let target = b.rng.pick(&components).clone();
        let body = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{target}")}}});
        let post = b.rng.chance(50);
        let mut op = json!({"tags": [if b.rng.chance(20) { "Admin" } else { "Things" }], "responses": {"200": {"description": "ok", "content": body.clone()}}});
        if b.rng.chance(25) {
            b.used("operation without operationId");
        } else {
            op["operationId"] = json!(format!("op{i}"));
        }
        if post {
            let sent = b.rng.pick(&components).clone();
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{sent}")}}}});
        }
        if b.rng.chance(15) {
            b.used("callbacks");
            op["callbacks"] = json!({"done": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}});
        }
        let mut item = json!({ if post { "post" } else { "get" }: op });
        let path = format!("/things{i}/{{id}}");
        if b.rng.chance(40) {
            b.used("path-level parameters");
            item["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
        } else {
            item[if post { "post" } else { "get" }]["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
        }
        if b.rng.chance(15) {
            b.used("path item $ref");
            path_items.insert(format!("Item{i}"), item);
            paths.insert(path, json!({"$ref": format!("#/components/pathItems/Item{i}")}));
        } else {
            paths.insert(path, item);
        }
    }
    // Every component reachable (the normaliser prunes what no operation uses, refused
    // constructs included): one operation answers an object holding them all.
    let all: serde_json::Map<String, Value> = b.schemas.keys().enumerate().map(|(i, k)| (format!("c{i}"), json!({"$ref": format!("#/components/schemas/{k}")}))).collect();
    paths.insert("/all".into(), json!({"get": {"operationId": "getAll", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": all}}}}}}}));
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Random", "version": "1"},
        "paths": paths,
        "components": {"schemas": b.schemas},
    });
    if !path_items.is_empty() {
        doc["components"]["pathItems"] = Value::Object(path_items);
    }
    if b.rng.chance(15) {
        b.used("webhooks");
        doc["webhooks"] = json!({"ping": {"post": {"responses": {"200": {"description": "ok"}}}}});
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    if b.rng.chance(15) {
        // A key given twice (the document is read as YAML, last one wins, with a warning).
        if let Some(at) = text.find("\"info\": {") {
            b.used("duplicate mapping key");
            text.insert_str(at + "\"info\": {".len(), "\n    \"title\": \"Given twice\",");
        }
    }
    let (constructs, refused) = (b.constructs, b.refused);
    RandomDocument { seed, bytes: text.into_bytes(), constructs, refused }
}

/// What a run of the property found.
#[derive(Debug, Default)]
pub struct Report {
    pub documents: usize,
    /// Generated (every construct supported).
    pub generated: usize,
    /// Refused, naming a refused construct they hold.
    pub refused_by_name: usize,
    /// Compiled (the sample).
    pub compiled: usize,
    /// The constructs the compiled documents held.
    pub compiled_constructs: std::collections::BTreeSet<&'static str>,
    /// Documents each construct appeared in.
    pub constructs: BTreeMap<&'static str, usize>,
    /// Violations of the property: seed and what happened.
    pub failures: Vec<String>,
}

impl Report {
    pub fn render(&self) -> String {
        let mut s = format!(
            "random documents: {} — {} generated, {} refused naming the construct, {} of the generated compiled, {} failures\n",
            self.documents,
            self.generated,
            self.refused_by_name,
            self.compiled,
            self.failures.len()
        );
        s.push_str("constructs (documents holding each; * = in a compiled one):\n");
        for (c, n) in &self.constructs {
            let mark = if self.compiled_constructs.contains(c) { "*" } else { " " };
            s.push_str(&format!("  {mark} {c:<42} {n}\n"));
        }
        for f in &self.failures {
            s.push_str(&format!("FAIL {f}\n"));
        }
        s
    }
}

/// Runs `count` documents from `first_seed` through read → normalise → generate; compiles the
/// first `compile` that generate (each in `scratch`, sharing one target directory).
pub fn run(root: &Path, first_seed: u64, count: usize, compile: usize, scratch: &Path) -> Report {
    let mut report = Report::default();
    for seed in first_seed..first_seed + count as u64 {
        let doc = document(seed, 12);
        report.documents += 1;
        for c in &doc.constructs {
            *report.constructs.entry(c).or_default() += 1;
        }
        let outcome = std::panic::catch_unwind(|| -> anyhow::Result<crate::generate::Generated> {
            let read = crate::spec::Document::from_bytes(&doc.bytes)?;
            crate::generate::generate(&read, "random.json", &crate::generate::Config::default())
        });
        let supported_only = doc.refused.is_empty();
        match (outcome, supported_only) {
            (Err(_), _) => report.failures.push(format!("seed {seed}: panicked ({:?})", doc.constructs)),
            (Ok(Ok(_)), true) => {
                report.generated += 1;
                // The sample: documents bringing a construct no compiled one had yet.
                let brings_new = doc.constructs.iter().any(|c| !report.compiled_constructs.contains(c));
                if report.compiled < compile && brings_new {
                    report.compiled_constructs.extend(doc.constructs.iter().copied());
                    let path = scratch.join(format!("random-{seed}.json"));
                    let compiled = std::fs::create_dir_all(scratch)
                        .map_err(anyhow::Error::from)
                        .and_then(|()| std::fs::write(&path, &doc.bytes).map_err(anyhow::Error::from))
                        .and_then(|()| crate::drift::generate_and_compile(root, &path, &scratch.join(format!("random-{seed}"))));
                    match compiled {
                        Ok(_) => report.compiled += 1,
                        Err(e) => report.failures.push(format!("seed {seed}: generated but does not compile: {e:#}")),
                    }
                }
            }
            (Ok(Ok(_)), false) => report.failures.push(format!("seed {seed}: holds {:?}, which should be refused, but generated", doc.refused)),
            (Ok(Err(e)), supported_only) => {
                let text = format!("{e:#}");
                let named = doc.refused.iter().any(|c| REFUSED.iter().any(|(name, word)| name == c && text.contains(word)));
                if !supported_only && named {
                    report.refused_by_name += 1;
                } else if supported_only {
                    report.failures.push(format!("seed {seed}: only supported constructs {:?}, yet: {}", doc.constructs, first_line(&text)));
                } else {
                    report.failures.push(format!("seed {seed}: refused without naming {:?}: {}", doc.refused, first_line(&text)));
                }
            }
        }
    }
    report
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_document() {
        assert_eq!(document(7, 12).bytes, document(7, 12).bytes);
        assert_ne!(document(7, 12).bytes, document(8, 12).bytes);
    }

    #[test]
    fn random_documents_generate_or_are_refused_by_name() {
        let report = run(Path::new("."), 1, 60, 0, Path::new("."));
        eprint!("{}", report.render());
        assert!(report.failures.is_empty(), "{}", report.render());
        assert!(report.generated > 20 && report.refused_by_name > 0, "{}", report.render());
    }
}
