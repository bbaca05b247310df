//! `cargo xtask <command>`: see `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use xtask::spec::{self, Document, Lock};
use xtask::inventory::Inventory;
use xtask::{fetch, generate};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build tasks of the OpenRouter SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download the OpenAPI document (or copy a local one) and pin it in openapi/openapi.lock.toml.
    Fetch {
        /// A URL or a local file; default: OpenRouter's published document.
        #[arg(long)]
        from: Option<String>,
        /// The document's publication date (YYYY-MM-DD), when neither it, its file name nor the
        /// server's answer says.
        #[arg(long)]
        date: Option<String>,
    },
    /// Take a new document into the tree as a reviewable change: fetch, diff, regenerate (API crate,
    /// mock answers, contract calls, inventory snapshot), compat, build, then a Markdown summary
    /// and a CHANGELOG entry. The first step that fails restores every file it wrote.
    Update {
        /// A URL or a local file; default: OpenRouter's published document.
        #[arg(long)]
        from: Option<String>,
        /// The new document's publication date (YYYY-MM-DD), when neither it, its file name
        /// nor the server's answer says.
        #[arg(long)]
        date: Option<String>,
        /// Skip decoding the new payloads with a client generated from the old document.
        #[arg(long)]
        skip_compat: bool,
        /// Skip the build of the regenerated workspace (and its compile figures).
        #[arg(long)]
        skip_build: bool,
        /// Also run `cargo test --workspace --all-features`.
        #[arg(long)]
        test: bool,
    },
    /// Normalise the document and generate crates/openrouter-kit-api/src.
    Generate {
        /// The document to read; default: the fetched copy, else ../shared/openapi/ by the lock's date.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Where to write the sources; default: crates/openrouter-kit-api/src.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write nothing; fail with a diff if the committed sources differ from what would be generated.
        #[arg(long)]
        check: bool,
    },
    /// Decode a newer document's examples with a client generated from an older one; report the rate.
    Compat {
        /// The document the client is generated from.
        #[arg(long)]
        client_spec: PathBuf,
        /// The document whose component and response examples are decoded.
        #[arg(long)]
        payloads: PathBuf,
    },
    /// Report what changed between two documents: operations, fields, enum values; breaking changes marked.
    Diff { old: PathBuf, new: PathBuf },
    /// Generate and compile a crate from each given document in a scratch directory (drift robustness).
    DriftCheck {
        /// Documents to try; default: every document in ../shared/openapi/.
        specs: Vec<PathBuf>,
    },
    /// The pipeline's property test: small random OpenAPI 3.1 documents (from constructs
    /// OpenRouter's documents have used) must generate, or fail naming the refused construct
    /// they hold; a sample is compiled. Prints the counts; fails on any violation.
    RandomDocs {
        /// How many documents.
        #[arg(long, default_value_t = 300)]
        count: usize,
        /// How many of the generated ones to compile.
        #[arg(long, default_value_t = 3)]
        compile: usize,
        /// The first seed (documents are seeds `seed..seed + count`).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the normalised document as JSON (what progenitor is given).
    Normalise {
        #[arg(long)]
        spec: Option<PathBuf>,
    },
    /// Print the API-surface inventory of a document (what the tests snapshot).
    Inventory {
        #[arg(long)]
        spec: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = spec::workspace_root();
    match cli.command {
        Command::Fetch { from, date } => {
            let lock = fetch::fetch(&root, from.as_deref(), date.as_deref())?;
            println!(
                "pinned {} ({} operations, {} schemas, sha256 {}) in {}",
                lock.source, lock.operations, lock.schemas, lock.sha256, spec::LOCK_PATH
            );
            Ok(())
        }
        Command::Update { from, date, skip_compat, skip_build, test } => {
            let options = xtask::update::Options { from, date, skip_compat, skip_build, test };
            let outcome = xtask::update::update(&root, &options)?;
            if outcome.changed {
                println!("{}", outcome.summary);
                println!("summary written to {} (a pull request's body); CHANGELOG.md has an entry", xtask::update::SUMMARY_PATH);
            } else {
                print!("{}", outcome.summary);
            }
            Ok(())
        }
        Command::RandomDocs { count, compile, seed } => {
            let scratch = root.join("target").join("drift-crates").join("random");
            let report = xtask::random_docs::run(&root, seed, count, compile, &scratch);
            print!("{}", report.render());
            if !report.failures.is_empty() {
                bail!("{} of {} random documents break the property", report.failures.len(), report.documents);
            }
            Ok(())
        }
        Command::Compat { client_spec, payloads } => {
            let name = client_spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let scratch = root.join("target").join("compat-crates").join(name);
            let report = xtask::compat::run(&root, &client_spec, &payloads, &scratch)?;
            print!("{}", report.render());
            Ok(())
        }
        Command::Diff { old, new } => {
            let features = xtask::features::FeatureConfig::read(&root)?;
            let old = Inventory::of(&Document::read(&old)?, &features)?;
            let new = Inventory::of(&Document::read(&new)?, &features)?;
            let drift = xtask::diff::diff(&old, &new);
            print!("{}", drift.render());
            Ok(())
        }
        Command::DriftCheck { specs } => {
            let specs = if specs.is_empty() { xtask::spec::shared_documents(&root)? } else { specs };
            let scratch = root.join("target").join("drift-crates");
            for spec in specs {
                let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let run = xtask::drift::generate_and_compile(&root, &spec, &scratch.join(&name))?;
                let g = &run.generated;
                let passes: Vec<String> =
                    g.report.counts.iter().filter(|(_, n)| *n > 0).map(|(p, n)| format!("{p}={n}")).collect();
                println!(
                    "{}: compiles; {} operations, {} left to hand-written code, {} open enums, {} tagged unions; passes used: {}",
                    run.label,
                    g.operations,
                    g.report.notes.hand_written.len(),
                    g.open_enums,
                    g.report.notes.unions.len(),
                    passes.join(" ")
                );
            }
            Ok(())
        }
        Command::Normalise { spec: spec_path } => {
            let lock = Lock::read(&root)?;
            let path = generate::locate_document(&root, spec_path.as_deref(), lock.as_ref())?;
            let mut value = Document::read(&path)?.value;
            xtask::normalise::normalise(&mut value)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
            Ok(())
        }
        Command::Inventory { spec: spec_path } => {
            let lock = Lock::read(&root)?;
            let path = generate::locate_document(&root, spec_path.as_deref(), lock.as_ref())?;
            print!("{}", Inventory::of(&Document::read(&path)?, &xtask::features::FeatureConfig::read(&root)?)?.render());
            Ok(())
        }
        Command::Generate { spec: spec_path, out, check } => {
            let lock = Lock::read(&root)?;
            let path = generate::locate_document(&root, spec_path.as_deref(), lock.as_ref())?;
            let doc = Document::read(&path)?;
            let label = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            match &lock {
                Some(l) if l.sha256 == doc.sha256 => println!("document: {label} (matches the lock, {})", l.date),
                Some(l) => {
                    if out.is_none() {
                        bail!(
                            "{label} (sha256 {}) is not the pinned document (sha256 {}, {}); \
                             run `cargo xtask fetch` to update the pin, or pass --out to generate elsewhere",
                            doc.sha256, l.sha256, l.date
                        );
                    }
                    println!("document: {label} (sha256 {}; NOT the pinned one)", doc.sha256);
                }
                None => println!("document: {label} (no lock yet; sha256 {})", doc.sha256),
            }
            // The header names the pinned copy, whichever path it was read from, so that the
            // output does not depend on where the document sits.
            let label = match &lock {
                Some(l) if l.sha256 == doc.sha256 => l.source.clone(),
                _ => label,
            };
            let generated = generate::generate(&doc, &label, &generate::Config::read(&root)?)?;
            // The mock's answers and the contract tests' calls come from the same document; they
            // belong to this workspace, so only a run into it writes them.
            let companions = match &out {
                None => xtask::companions::all(&doc.value, &generated, &label, &doc.sha256)?,
                Some(_) => Vec::new(),
            };
            let out_dir = out.unwrap_or_else(|| root.join("crates/openrouter-kit-api/src"));
            print!("{}", generate::summary(&generated));
            if check {
                let mut stale = generate::check(&out_dir, &generated.files)?;
                stale.extend(generate::check(&root, &companions)?);
                if !stale.is_empty() {
                    for s in &stale {
                        eprintln!("{s}");
                    }
                    bail!("generated code is stale: run `cargo xtask generate` and commit the result");
                }
                println!("generated code is current");
            } else {
                generate::write(&out_dir, &generated.files)?;
                generate::write(&root, &companions)?;
                println!("wrote {}", out_dir.display());
            }
            Ok(())
        }
    }
}
