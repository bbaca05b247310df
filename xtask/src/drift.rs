//! Drift robustness: generate a crate from another document into a scratch directory and compile
//! it, with the same manifest as `crates/openrouter-kit-api` and the workspace's lock file (so no
//! dependency is resolved anew and the workspace's compiled dependencies are reused).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::generate::{self, Generated};
use crate::spec::Document;

pub struct DriftRun {
    pub label: String,
    pub generated: Generated,
    pub dir: PathBuf,
}

/// Generate from `spec` into `dir` (a scratch crate) and `cargo check` it.
pub fn generate_and_compile(root: &Path, spec: &Path, dir: &Path) -> Result<DriftRun> {
    let doc = Document::read(spec)?;
    let label = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let generated = generate::generate(&doc, &label, &generate::Config::read(root)?)?;
    generate::write(&dir.join("src"), &generated.files)?;
    // A program `compat` left here for another version of the crate is not part of this one.
    let stale_bins = dir.join("src").join("bin");
    if stale_bins.exists() {
        std::fs::remove_dir_all(&stale_bins)?;
    }
    let manifest = std::fs::read_to_string(root.join("crates/openrouter-kit-api/Cargo.toml"))?;
    let crate_name = format!("openrouter-kit-api-{}", label.trim_end_matches(".yaml").replace('.', "-"));
    let manifest = manifest.replacen("name = \"openrouter-kit-api\"", &format!("name = \"{crate_name}\""), 1);
    // An empty workspace table keeps the scratch crate out of any enclosing workspace.
    write_if_changed(&dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n").as_bytes())?;
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = root.join("target").join("drift");
    let output = Command::new(cargo)
        .args(["build", "--quiet", "--all-features", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .context("running cargo")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let head: String = stderr.lines().take(60).collect::<Vec<_>>().join("\n");
        bail!("the crate generated from {label} does not compile:\n{head}");
    }
    Ok(DriftRun { label, generated, dir: dir.to_path_buf() })
}

/// Write `bytes` unless the file already holds them (an unchanged file keeps its modification
/// time, so a second run reuses the first one's build).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        std::fs::write(path, bytes)?;
    }
    Ok(())
}
