//! `cargo xtask diff OLD NEW`: what changed between two documents, as the generated crate sees it.
//!
//! Breaking changes (for code written against OLD) are marked `BREAKING`: an operation or schema
//! removed, a field or parameter removed, a type changed, a request field or parameter that became
//! required, an enum value or union member removed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::inventory::{Inventory, Schema};

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
            None => d.add(format!("+ operation {key} ({})", op.id)),
            Some(o) => {
                for (name, p) in &op.parameters {
                    match o.parameters.get(name) {
                        None if p.ends_with("required") => d.breaking(format!("+ {key}: required parameter {name}: {p}")),
                        None => d.add(format!("+ {key}: parameter {name}: {p}")),
                        Some(q) if q != p => d.breaking(format!("~ {key}: parameter {name}: {q} → {p}")),
                        _ => {}
                    }
                }
                for name in o.parameters.keys().filter(|n| !op.parameters.contains_key(*n)) {
                    d.breaking(format!("- {key}: parameter {name}"));
                }
                if o.body != op.body {
                    d.breaking(format!("~ {key}: body {:?} → {:?}", o.body, op.body));
                }
                for (status, ty) in &op.responses {
                    match o.responses.get(status) {
                        None => d.add(format!("+ {key}: response {status}: {ty}")),
                        Some(t) if t != ty => d.breaking(format!("~ {key}: response {status}: {t} → {ty}")),
                        _ => {}
                    }
                }
            }
        }
    }
    for (key, op) in &old.operations {
        if !new.operations.contains_key(key) {
            d.breaking(format!("- operation {key} ({})", op.id));
        }
    }
    for (name, s) in &new.schemas {
        match old.schemas.get(name) {
            None => d.add(format!("+ schema {name}")),
            Some(o) => schema_diff(&mut d, name, o, s),
        }
    }
    for name in old.schemas.keys().filter(|n| !new.schemas.contains_key(*n)) {
        d.breaking(format!("- schema {name}"));
    }
    d
}

fn schema_diff(d: &mut Drift, name: &str, old: &Schema, new: &Schema) {
    match (old, new) {
        (Schema::Object { fields: of, .. }, Schema::Object { fields: nf, .. }) => {
            for (f, field) in nf {
                match of.get(f) {
                    None if field.required => d.breaking(format!("+ {name}.{f}: {} (required)", field.ty)),
                    None if field.overlay => d.add(format!("+ {name}.{f}: {} (from the overlay)", field.ty)),
                    None => d.add(format!("+ {name}.{f}: {}", field.ty)),
                    Some(o) => {
                        if o.overlay != field.overlay {
                            let now = if field.overlay { "now from the overlay" } else { "now in the document (retire its overlay entry)" };
                            d.add(format!("~ {name}.{f}: {now}"));
                        }
                        if o.ty != field.ty {
                            d.breaking(format!("~ {name}.{f}: {} → {}", o.ty, field.ty));
                        }
                        if !o.required && field.required {
                            d.breaking(format!("~ {name}.{f}: became required"));
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
        (Schema::Union { members: om, .. }, Schema::Union { members: nm, .. }) => {
            let (o, n): (BTreeSet<_>, BTreeSet<_>) = (om.iter().collect(), nm.iter().collect());
            for v in n.difference(&o) {
                d.add(format!("+ {name}: member {v}"));
            }
            for v in o.difference(&n) {
                d.breaking(format!("- {name}: member {v}"));
            }
        }
        (o, n) if o != n => d.breaking(format!("~ schema {name}: {} → {}", kind(o), kind(n))),
        _ => {}
    }
}

fn kind(s: &Schema) -> String {
    match s {
        Schema::Object { .. } => "object".into(),
        Schema::Enum { .. } => "enum".into(),
        Schema::Union { .. } => "union".into(),
        Schema::Other { ty } => ty.clone(),
    }
}

/// Counts by kind of change, for a one-line summary.
pub fn tally(d: &Drift) -> BTreeMap<&'static str, usize> {
    let mut t = BTreeMap::new();
    for l in &d.lines {
        let k = match l.chars().next() {
            Some('+') => "added",
            Some('-') => "removed",
            _ => "changed",
        };
        *t.entry(k).or_default() += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Field, Operation};

    fn inv(field_required: bool, values: &[&str], with_op: bool) -> Inventory {
        let mut operations = BTreeMap::new();
        if with_op {
            operations.insert("GET /x".into(), Operation { id: "x".into(), parameters: BTreeMap::new(), body: None, responses: BTreeMap::new(), streams: false });
        }
        let fields = BTreeMap::from([("a".to_string(), Field { ty: "string".into(), required: field_required, nullable: false, overlay: false })]);
        let schemas = BTreeMap::from([
            ("O".to_string(), Schema::Object { fields, open: false }),
            ("E".to_string(), Schema::Enum { values: values.iter().map(|s| s.to_string()).collect() }),
        ]);
        Inventory { operations, schemas, hand_written: BTreeMap::new() }
    }

    #[test]
    fn marks_breaking_changes() {
        let d = diff(&inv(false, &["a", "b"], true), &inv(true, &["a", "c"], false));
        let text = d.render();
        assert!(text.contains("~ O.a: became required  BREAKING"), "{text}");
        assert!(text.contains("+ E: enum value \"c\"\n"), "{text}");
        assert!(text.contains("- E: enum value \"b\"  BREAKING"), "{text}");
        assert!(text.contains("- operation GET /x (x)  BREAKING"), "{text}");
        assert_eq!(d.breaking, 3);
    }
}
