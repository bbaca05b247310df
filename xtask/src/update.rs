//! `cargo xtask update`: a new OpenRouter document turned into a change a maintainer can review.
//!
//! One step after another: pin the new document (`fetch`), diff it against the pinned one,
//! regenerate the API crate with the mock's answers and the contract tests' calls, refresh the
//! inventory snapshot, decode the new document's payloads with a client generated from the old
//! one (`compat`), build the workspace against the new types, then write a Markdown summary (a
//! pull request's body) and a CHANGELOG entry. Every file it writes goes through a [`Tree`]: the
//! first step that fails puts each back as it was, and the error names the step.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use crate::diff::Drift;
use crate::features::FeatureConfig;
use crate::inventory::Inventory;
use crate::spec::{self, Document, Lock};

/// What to update from, and what to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A URL or a local file; default: upstream.
    pub from: Option<String>,
    /// The new document's date, when neither it, its file name nor the server says.
    pub date: Option<String>,
    /// Skip the compatibility run (it generates and compiles a crate from the old document).
    pub skip_compat: bool,
    /// Skip the build and its compile figures.
    pub skip_build: bool,
    /// Also run the workspace's tests (`cargo test --workspace --all-features`).
    pub test: bool,
}

/// Where the summary is written (outside the tree's committed files).
pub const SUMMARY_PATH: &str = "target/openapi-update/summary.md";
pub const SNAPSHOT_PATH: &str = "tests/snapshots/inventory__inventory-pinned.snap";
const SNAPSHOT_HEADER: &str = "---\nsource: tests/inventory.rs\nexpression: inventory.render()\n---\n";
const API_SOURCES: &str = "crates/openrouter-kit-api/src";

/// What an update did.
#[derive(Debug)]
pub struct Outcome {
    /// `false` when the document was already the pinned one (nothing written).
    pub changed: bool,
    pub summary: String,
    pub summary_path: PathBuf,
}

/// The files an update writes, with what they held before, so that a failed update leaves the
/// tree as it found it.
pub struct Tree {
    root: PathBuf,
    saved: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Tree {
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf(), saved: Vec::new() }
    }

    /// Remember `path` (relative to the root) as it is now, once.
    pub fn save(&mut self, path: &str) {
        let full = self.root.join(path);
        if !self.saved.iter().any(|(p, _)| *p == full) {
            let before = std::fs::read(&full).ok();
            self.saved.push((full, before));
        }
    }

    /// Write `text` to `path`, remembering what was there.
    pub fn write(&mut self, path: &str, text: &str) -> Result<()> {
        self.save(path);
        let full = self.root.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if std::fs::read(&full).ok().as_deref() != Some(text.as_bytes()) {
            std::fs::write(&full, text).with_context(|| format!("writing {path}"))?;
        }
        Ok(())
    }

    /// Put every remembered file back (a file that did not exist is removed).
    pub fn restore(&mut self) -> Result<()> {
        for (path, before) in self.saved.drain(..).rev() {
            match before {
                Some(bytes) => std::fs::write(&path, bytes),
                None if path.exists() => std::fs::remove_file(&path),
                None => Ok(()),
            }
            .with_context(|| format!("restoring {}", path.display()))?;
        }
        Ok(())
    }
}

/// Run the update; on failure the tree is restored and the error says at which step it stopped.
pub fn update(root: &Path, options: &Options) -> Result<Outcome> {
    let mut tree = Tree::new(root);
    let mut step = "";
    let result = run(root, options, &mut tree, &mut step);
    match result {
        Ok(outcome) => Ok(outcome),
        Err(error) => {
            let restored = tree.restore();
            let state = match restored {
                Ok(()) => "the tree is as it was".to_string(),
                Err(e) => format!("restoring the tree failed too ({e:#}): check `git status`"),
            };
            Err(error.context(format!("`cargo xtask update` stopped at step \"{step}\"; {state}")))
        }
    }
}

fn run(root: &Path, options: &Options, tree: &mut Tree, step: &mut &'static str) -> Result<Outcome> {
    let scratch = root.join("target").join("openapi-update");
    std::fs::create_dir_all(&scratch)?;
    let features = FeatureConfig::read(root)?;

    *step = "read the pinned document";
    let old_lock = Lock::read(root)?.context("no openapi/openapi.lock.toml: run `cargo xtask fetch` first")?;
    let old_path = crate::generate::locate_document(root, None, Some(&old_lock))?;
    let old_doc = Document::read(&old_path)?;
    if old_doc.sha256 != old_lock.sha256 {
        bail!("{} is not the pinned document (sha256 {}, the lock says {})", old_path.display(), old_doc.sha256, old_lock.sha256);
    }
    // `fetch` overwrites the fetched copy: compat needs the old document after it.
    let old_copy = scratch.join(format!("openrouter-{}.yaml", old_lock.date));
    std::fs::copy(&old_path, &old_copy).with_context(|| format!("copying {}", old_path.display()))?;
    let old_inventory = Inventory::of(&old_doc, &features)?;
    println!("update: pinned {} ({}), {} operations", old_lock.source, old_lock.date, old_lock.operations);

    *step = "fetch";
    tree.save(spec::LOCK_PATH);
    tree.save(spec::CACHE_PATH);
    let lock = crate::fetch::fetch(root, options.from.as_deref(), options.date.as_deref())?;
    if lock.sha256 == old_lock.sha256 {
        tree.restore()?;
        let summary = format!("The pinned document ({}, sha256 {}) is already the newest: nothing to update.\n", old_lock.date, old_lock.sha256);
        return Ok(Outcome { changed: false, summary, summary_path: root.join(SUMMARY_PATH) });
    }
    let new_path = root.join(spec::CACHE_PATH);
    let doc = Document::read(&new_path)?;
    for warning in &doc.warnings {
        eprintln!("warning: {warning}");
    }
    println!("update: fetched {} ({}, from {}), {} operations", lock.source, lock.date, lock.date_from, lock.operations);

    *step = "diff";
    let new_inventory = Inventory::of(&doc, &features)?;
    let drift = crate::diff::diff(&old_inventory, &new_inventory);
    println!("update: {} change(s), {} breaking", drift.lines.len(), drift.breaking);

    *step = "generate";
    let generated = crate::generate::generate(&doc, &lock.source, &crate::generate::Config::read(root)?)?;
    let companions = crate::companions::all(&doc.value, &generated, &lock.source, &doc.sha256)?;
    for (name, text) in &generated.files {
        tree.write(&format!("{API_SOURCES}/{name}"), text)?;
    }
    for (path, text) in &companions {
        tree.write(path, text)?;
    }
    let generation = crate::generate::summary(&generated);
    println!("update: regenerated the API crate, the mock's answers and the contract calls");

    *step = "inventory snapshot";
    tree.write(SNAPSHOT_PATH, &format!("{SNAPSHOT_HEADER}{}", new_inventory.render()))?;

    let compat = if options.skip_compat {
        None
    } else {
        *step = "compat";
        let report = crate::compat::run(root, &old_copy, &new_path, &root.join("target").join("compat-crates").join("update-old"))?;
        println!("update: {}", report.render().lines().next().unwrap_or_default());
        Some(report)
    };

    let build = if options.skip_build {
        None
    } else {
        *step = "build";
        Some(build(root)?)
    };

    if options.test {
        *step = "test";
        cargo(root, &["test", "--workspace", "--all-features"])?;
    }

    *step = "summary";
    let summary = render_summary(&old_lock, &lock, &drift, compat.as_ref(), build.as_ref(), &generation, options.test);
    tree.write(SUMMARY_PATH, &summary)?;
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap_or_default();
    tree.write("CHANGELOG.md", &changelog_with_entry(&changelog, &changelog_entry(&old_lock, &lock, &drift)))?;
    Ok(Outcome { changed: true, summary, summary_path: root.join(SUMMARY_PATH) })
}

/// Compile figures of the regenerated tree.
#[derive(Debug)]
pub struct Build {
    /// `cargo check --workspace --all-targets --all-features`, seconds.
    pub check_seconds: f64,
    /// A build of the API crate alone, after `cargo clean -p` of it: default features, then all.
    pub api_default_seconds: f64,
    pub api_all_features_seconds: f64,
    /// Lines of the generated sources.
    pub generated_lines: usize,
}

fn build(root: &Path) -> Result<Build> {
    let check_seconds = cargo(root, &["check", "--workspace", "--all-targets", "--all-features"])?;
    cargo(root, &["clean", "-p", "openrouter-kit-api"])?;
    let api_default_seconds = cargo(root, &["build", "-p", "openrouter-kit-api"])?;
    cargo(root, &["clean", "-p", "openrouter-kit-api"])?;
    let api_all_features_seconds = cargo(root, &["build", "-p", "openrouter-kit-api", "--all-features"])?;
    let mut generated_lines = 0;
    for entry in std::fs::read_dir(root.join(API_SOURCES))? {
        generated_lines += std::fs::read_to_string(entry?.path()).map(|t| t.lines().count()).unwrap_or(0);
    }
    Ok(Build { check_seconds, api_default_seconds, api_all_features_seconds, generated_lines })
}

/// Run cargo in the workspace; its time in seconds, or an error with the end of its output.
fn cargo(root: &Path, args: &[&str]) -> Result<f64> {
    let program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("update: cargo {}", args.join(" "));
    let started = Instant::now();
    let output = Command::new(program).args(args).current_dir(root).output().with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = stderr.lines().chain(stdout.lines()).filter(|l| !l.trim_start().starts_with("Compiling")).collect();
        bail!("cargo {} failed:\n{}", args.join(" "), tail[tail.len().saturating_sub(40)..].join("\n"));
    }
    Ok(started.elapsed().as_secs_f64())
}

fn render_summary(
    old: &Lock,
    new: &Lock,
    drift: &Drift,
    compat: Option<&crate::compat::Report>,
    build: Option<&Build>,
    generation: &str,
    tested: bool,
) -> String {
    let c = drift.counts();
    let mut s = format!("# OpenRouter's OpenAPI document: {} → {}\n\n", old.date, new.date);
    s += "Written by `cargo xtask update`: the API crate, the mock's answers, the contract calls and the inventory snapshot are regenerated from the new document.\n\n";
    s += "| | pinned | new |\n|---|---|---|\n";
    s += &format!("| document | `{}` | `{}` |\n", old.source, new.source);
    s += &format!("| date | {} | {} (from {}) |\n", old.date, new.date, if new.date_from.is_empty() { "?" } else { &new.date_from });
    s += &format!("| sha256 | `{}` | `{}` |\n", &old.sha256[..12.min(old.sha256.len())], &new.sha256[..12.min(new.sha256.len())]);
    s += &format!("| operations | {} | {} |\n| schemas | {} | {} |\n\n", old.operations, new.operations, old.schemas, new.schemas);
    s += "## What changed\n\n| | added | removed |\n|---|---|---|\n";
    for (what, (added, removed)) in [("operations", c.operations), ("schemas", c.schemas), ("fields, parameters, responses", c.fields), ("enum values, union members", c.values)] {
        s += &format!("| {what} | {added} | {removed} |\n");
    }
    s += &format!("\n{} other changes; **{} breaking** (a change that breaks what the client sends or decodes, or removes a method from default builds).\n\n", c.changed, drift.breaking);
    let breaking: Vec<&String> = drift.lines.iter().filter(|l| l.ends_with("BREAKING")).collect();
    if !breaking.is_empty() {
        s += &format!("### Breaking ({})\n\n```\n", breaking.len());
        for l in &breaking {
            s += l.trim_end_matches("BREAKING").trim_end();
            s.push('\n');
        }
        s += "```\n\n";
    }
    let added_operations: Vec<&String> = drift.lines.iter().filter(|l| l.starts_with("+ operation ")).collect();
    if !added_operations.is_empty() {
        s += &format!("### New operations ({})\n\n", added_operations.len());
        for l in added_operations {
            s += &format!("- `{}`\n", l.trim_start_matches("+ operation "));
        }
        s.push('\n');
    }
    s += "## Compatibility: the pinned client reading the new document's payloads\n\n";
    match compat {
        Some(r) => {
            s += &format!("{}\n", r.render().lines().next().unwrap_or_default());
            if !r.failures.is_empty() {
                s += "\n<details><summary>Failures</summary>\n\n```\n";
                for f in &r.failures {
                    s += f;
                    s.push('\n');
                }
                s += "```\n</details>\n";
            }
        }
        None => s += "Not run (`--skip-compat`).\n",
    }
    s += "\n## Build\n\n";
    match build {
        Some(b) => {
            s += &format!("- `cargo check --workspace --all-targets --all-features`: passes ({:.0} s on the runner)\n", b.check_seconds);
            s += &format!(
                "- `openrouter-kit-api` alone, after `cargo clean -p`: {:.0} s with default features, {:.0} s with all features; {} generated lines\n",
                b.api_default_seconds, b.api_all_features_seconds, b.generated_lines
            );
        }
        None => s += "- Not run (`--skip-build`).\n",
    }
    if tested {
        s += "- `cargo test --workspace --all-features`: passes\n";
    }
    s += "\n<details><summary>Generation summary</summary>\n\n```\n";
    s += generation;
    s += "```\n</details>\n\n<details><summary>Full diff (`cargo xtask diff`)</summary>\n\n```\n";
    s += &drift.render();
    s += "```\n</details>\n";
    s
}

fn changelog_entry(old: &Lock, new: &Lock, drift: &Drift) -> String {
    let c = drift.counts();
    format!(
        "- Generated from OpenRouter's document of {} (was {}): {} operations added, {} removed; {} fields and {} values added; {} breaking changes (see the update's summary).\n",
        new.date, old.date, c.operations.0, c.operations.1, c.fields.0, c.values.0, drift.breaking
    )
}

/// `changelog` with `entry` under `## Unreleased` → `### OpenRouter document` (each made if missing).
pub fn changelog_with_entry(changelog: &str, entry: &str) -> String {
    const UNRELEASED: &str = "## Unreleased\n";
    const SECTION: &str = "### OpenRouter document\n";
    let mut text = changelog.to_string();
    if !text.contains(UNRELEASED) {
        let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
        text.insert_str(at, &format!("{UNRELEASED}\n"));
    }
    let unreleased = text.find(UNRELEASED).unwrap_or(0) + UNRELEASED.len();
    let end = text[unreleased..].find("\n## ").map_or(text.len(), |i| unreleased + i + 1);
    match text[unreleased..end].find(SECTION) {
        Some(i) => {
            let at = unreleased + i + SECTION.len();
            text.insert_str(at, entry);
        }
        None => text.insert_str(unreleased, &format!("\n{SECTION}{entry}")),
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changelog_entry_goes_under_unreleased() {
        let before = "# Changelog\n\nintro\n\n## Unreleased\n\n### Added\n- x\n\n## 0.1.0\n- old\n";
        let once = changelog_with_entry(before, "- doc A\n");
        assert_eq!(once, "# Changelog\n\nintro\n\n## Unreleased\n\n### OpenRouter document\n- doc A\n\n### Added\n- x\n\n## 0.1.0\n- old\n");
        let twice = changelog_with_entry(&once, "- doc B\n");
        assert!(twice.contains("### OpenRouter document\n- doc B\n- doc A\n"), "{twice}");
        let without = changelog_with_entry("# Changelog\n\n## 0.1.0\n- old\n", "- doc\n");
        assert!(without.contains("## Unreleased\n\n### OpenRouter document\n- doc\n"), "{without}");
        assert!(without.find("## Unreleased").unwrap() < without.find("## 0.1.0").unwrap());
    }

    #[test]
    fn a_failed_update_puts_back_what_it_wrote() {
        let root = std::env::temp_dir().join(format!("xtask-tree-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/kept.txt"), "before").unwrap();
        let mut tree = Tree::new(&root);
        tree.write("a/kept.txt", "after").unwrap();
        tree.write("a/kept.txt", "after again").unwrap();
        tree.write("b/new.txt", "new").unwrap();
        assert_eq!(std::fs::read_to_string(root.join("a/kept.txt")).unwrap(), "after again");
        tree.restore().unwrap();
        assert_eq!(std::fs::read_to_string(root.join("a/kept.txt")).unwrap(), "before");
        assert!(!root.join("b/new.txt").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn counts_sort_diff_lines_by_kind() {
        use crate::diff::Counts;
        let drift = Drift {
            lines: vec![
                "+ operation GET /x (x)".into(),
                "- operation GET /y (y)  BREAKING".into(),
                "+ schema S".into(),
                "+ S.f: string".into(),
                "- S.g  BREAKING".into(),
                "+ E: enum value \"c\"".into(),
                "+ U: member M".into(),
                "~ S.h: string → integer  BREAKING".into(),
            ],
            breaking: 3,
        };
        assert_eq!(drift.counts(), Counts { operations: (1, 1), schemas: (1, 0), fields: (1, 1), values: (2, 0), changed: 1 });
    }
}
