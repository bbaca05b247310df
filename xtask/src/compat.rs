//! `cargo xtask compat --client-spec OLD --payloads NEW`: would a client generated from an older
//! document still read what the newer one documents?
//!
//! Generates the API crate from OLD into a scratch crate (as `drift-check` does), adds a small
//! program that decodes payloads by component name with that crate's types, and feeds it NEW's
//! examples: every component example whose component OLD also has, and every success-response
//! example of an operation OLD also has (decoded as OLD's response type). A failure is reported
//! with the `cargo xtask diff` lines about that schema, which name the change that broke it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

use crate::companions::{component_types, deref};
use crate::spec::Document;

/// One payload of NEW and the OLD component to decode it as.
struct Payload {
    label: String,
    component: String,
    value: Value,
}

pub struct Report {
    pub decoded: usize,
    pub total: usize,
    /// Components of NEW that OLD does not have (nothing to decode them as).
    pub new_components: usize,
    pub failures: Vec<String>,
    /// Failures the diff explains with a breaking change of that schema.
    pub explained: usize,
}

impl Report {
    pub fn render(&self) -> String {
        let rate = if self.total == 0 { 100.0 } else { 100.0 * self.decoded as f64 / self.total as f64 };
        let mut s = format!(
            "{}/{} payloads of the newer document decode with the older client ({rate:.1}%); \
             {} components are new (nothing to decode them as); {} of {} failures explained by a breaking \
             change of their schema in `cargo xtask diff`\n",
            self.decoded,
            self.total,
            self.new_components,
            self.explained,
            self.failures.len()
        );
        for f in &self.failures {
            s.push_str(f);
            s.push('\n');
        }
        s
    }
}

fn payloads(old: &Value, new: &Value) -> (Vec<Payload>, usize) {
    let old_schemas = old.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut out = Vec::new();
    let mut new_components = 0;
    for (name, schema) in new.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        let Some(example) = schema.get("example") else { continue };
        if !old_schemas.contains_key(name) {
            new_components += 1;
            continue;
        }
        out.push(Payload { label: format!("component {name}"), component: name.clone(), value: example.clone() });
    }
    // Response examples, by operation id, decoded as the old operation's response component.
    let old_ops: Vec<(String, String)> = crate::spec::operations(old)
        .filter_map(|(_, _, op)| {
            let id = op.get("operationId")?.as_str()?.to_string();
            let (_, r) = op.get("responses")?.as_object()?.iter().find(|(s, _)| s.starts_with('2'))?;
            let schema = deref(old, r).pointer("/content/application~1json/schema")?;
            let component = crate::normalise::ref_name(schema)?.to_string();
            Some((id, component))
        })
        .collect();
    for (_, _, op) in crate::spec::operations(new) {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
        let Some((_, component)) = old_ops.iter().find(|(i, _)| i == id) else { continue };
        let Some((_, r)) = op.get("responses").and_then(Value::as_object).and_then(|r| r.iter().find(|(s, _)| s.starts_with('2'))) else {
            continue;
        };
        let Some(media) = deref(new, r).pointer("/content/application~1json") else { continue };
        let example = media.get("example").cloned().or_else(|| {
            media.get("examples").and_then(Value::as_object).and_then(|e| e.values().next()).and_then(|e| e.get("value")).cloned()
        });
        if let Some(value) = example {
            out.push(Payload { label: format!("response of {id}"), component: component.clone(), value });
        }
    }
    (out, new_components)
}

/// Run the comparison; `scratch` is where the old crate is generated.
pub fn run(root: &Path, client_spec: &Path, payload_spec: &Path, scratch: &Path) -> Result<Report> {
    let old = Document::read(client_spec)?;
    let new = Document::read(payload_spec)?;
    let run = crate::drift::generate_and_compile(root, client_spec, scratch)?;
    let manifest = std::fs::read_to_string(scratch.join("Cargo.toml"))?;
    let package = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \"").and_then(|n| n.strip_suffix('"')))
        .context("the scratch crate has no name")?
        .to_string();
    let krate = package.replace('-', "_");

    let dispatch = component_types(&old.value, &run.generated, &krate);
    let program = format!(
        "//! Decodes payloads (a JSON file: [{{label, component, value}}]) with this crate's types.\n\n\
         mod dispatch {{\n{dispatch}\n}}\n\n\
         fn main() {{\n    \
         let path = std::env::args().nth(1).expect(\"payload file\");\n    \
         let text = std::fs::read_to_string(path).expect(\"readable payload file\");\n    \
         let payloads: Vec<serde_json::Value> = serde_json::from_str(&text).expect(\"payload JSON\");\n    \
         for p in payloads {{\n        \
         let label = p[\"label\"].as_str().unwrap_or_default();\n        \
         let component = p[\"component\"].as_str().unwrap_or_default();\n        \
         match dispatch::round_trip(component, &p[\"value\"]) {{\n            \
         None => println!(\"NOTYPE\\t{{label}}\\t{{component}}\"),\n            \
         Some(Ok(_)) => println!(\"OK\\t{{label}}\\t{{component}}\"),\n            \
         Some(Err(e)) => println!(\"FAIL\\t{{label}}\\t{{component}}\\t{{e}}\"),\n        \
         }}\n    }}\n}}\n"
    );
    let bin_dir = scratch.join("src/bin");
    std::fs::create_dir_all(&bin_dir)?;
    crate::drift::write_if_changed(&bin_dir.join("compat.rs"), program.as_bytes())?;

    let (payloads, new_components) = payloads(&old.value, &new.value);
    let file: Vec<Value> = payloads.iter().map(|p| json!({"label": p.label, "component": p.component, "value": p.value})).collect();
    let payload_file: PathBuf = scratch.join("payloads.json");
    crate::drift::write_if_changed(&payload_file, &serde_json::to_vec(&file)?)?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--all-features", "--bin", "compat", "--manifest-path"])
        .arg(scratch.join("Cargo.toml"))
        .arg("--")
        .arg(&payload_file)
        .env("CARGO_TARGET_DIR", root.join("target").join("drift"))
        .output()
        .context("running the compat program")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the compat program failed:\n{}", stderr.lines().take(40).collect::<Vec<_>>().join("\n"));
    }

    let features = crate::features::FeatureConfig::read(root)?;
    let drift = crate::diff::diff(&crate::inventory::Inventory::of(&old, &features)?, &crate::inventory::Inventory::of(&new, &features)?);
    let mut report = Report { decoded: 0, total: 0, new_components, failures: Vec::new(), explained: 0 };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        match fields.as_slice() {
            ["OK", ..] => {
                report.decoded += 1;
                report.total += 1;
            }
            ["FAIL", label, component, error] => {
                report.total += 1;
                // Diff lines are `± Schema.field …` / `~ Schema: …`; keep those about this schema.
                let about = |l: &&String| {
                    let rest = l.get(2..).unwrap_or_default();
                    rest.starts_with(&format!("{component}.")) || rest.starts_with(&format!("{component}:"))
                };
                let why: Vec<&String> = drift.lines.iter().filter(about).take(4).collect();
                if why.iter().any(|l| l.ends_with("BREAKING")) {
                    report.explained += 1;
                }
                let mut text = format!("FAIL {label} (as {component}): {error}");
                for w in why {
                    text.push_str(&format!("\n    diff: {w}"));
                }
                report.failures.push(text);
            }
            // A component OLD has but generated no type for (pruned, inlined): not decodable either way.
            _ => {}
        }
    }
    Ok(report)
}
