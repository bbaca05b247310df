//! Drift: what changed between two of OpenRouter's documents, and whether the pipeline, unedited,
//! still generates a crate that compiles from each of them.

use openrouter_workspace_tests::{root, shared_document};
use xtask::diff::diff;
use xtask::inventory::Inventory;
use xtask::spec::Document;

fn inventory(date: &str) -> Option<Inventory> {
    let path = shared_document(date)?;
    Some(Inventory::of(&Document::read(&path).unwrap(), &xtask::features::FeatureConfig::read(&root()).unwrap()).unwrap())
}

#[test]
fn june_to_august_names_added_operations_and_fields() {
    let (Some(old), Some(new)) = (inventory("2026-06-09"), inventory("2026-08-22")) else { return };
    let drift = diff(&old, &new);
    let text = drift.render();
    for expected in [
        "+ operation GET /benchmarks (getBenchmarks) [feature management]",
        "+ operation DELETE /files/{file_id} (deleteFile)",
        "+ operation PUT /workspaces/{id}/budgets/{interval} (upsertWorkspaceBudget) [feature management]",
        "+ ChatRequest.prompt_cache_key: string",
        "+ ChatRequest.min_p: number/double",
    ] {
        assert!(text.lines().any(|l| l == expected), "missing {expected:?} in:\n{}", &text[..text.len().min(4000)]);
    }
    // Nothing the older document had is silently lost: each removal is marked breaking.
    for line in text.lines().filter(|l| l.starts_with("- ")) {
        assert!(line.ends_with("BREAKING"), "{line}");
    }
    // Direction decides: a new required field of a schema the client only decodes, or a value
    // added to an enum, is never marked breaking.
    for line in text.lines() {
        if line.contains("(required; only decoded)") || line.contains(": enum value ") && line.starts_with('+') {
            assert!(!line.ends_with("BREAKING"), "{line}");
        }
    }
    assert!(text.lines().any(|l| l.contains("(required; only decoded)")), "the pair has new required response fields");
    assert!(text.lines().all(|l| l.len() <= 300), "a diff line is not folded");
    let same = diff(&new, &new);
    assert!(same.lines.is_empty(), "a document differs from itself: {:?}", &same.lines[..same.lines.len().min(5)]);
}

/// Generates and compiles a crate from each shared document (about two minutes on a fresh
/// target directory; the dependencies are shared with the workspace build).
#[test]
fn every_shared_document_generates_and_compiles() {
    let dates = ["2025-10-23", "2026-03-27", "2026-06-09", "2026-08-22"];
    let scratch = root().join("target").join("drift-crates");
    for date in dates {
        let Some(path) = shared_document(date) else { return };
        let run = xtask::drift::generate_and_compile(&root(), &path, &scratch.join(date))
            .unwrap_or_else(|e| panic!("{date}: {e:#}"));
        let g = &run.generated;
        let operations = Document::read(&path).unwrap().operation_count();
        assert_eq!(g.operations - g.legacy_operations + g.report.notes.hand_written.len(), operations, "{date}");
        assert!(g.open_enums > 0 && !g.report.notes.unions.is_empty(), "{date}");
        let used: Vec<String> = g.report.counts.iter().filter(|(_, n)| *n > 0).map(|(p, n)| format!("{p}={n}")).collect();
        eprintln!("{date}: {operations} operations; passes used: {}", used.join(" "));
    }

    // Compatibility, June client → August payloads, reusing the June crate just built. Every
    // payload the older client cannot read must be explained by a breaking change of its schema
    // (not by our strictness), and nearly all must decode.
    let (Some(june), Some(august)) = (shared_document("2026-06-09"), shared_document("2026-08-22")) else { return };
    let report = xtask::compat::run(&root(), &june, &august, &scratch.join("2026-06-09")).unwrap();
    eprint!("{}", report.render());
    assert!(report.total > 600, "{}", report.render());
    assert_eq!(report.explained, report.failures.len(), "unexplained failures:\n{}", report.render());
    assert!(report.decoded * 100 >= report.total * 99, "{}", report.render());
}

/// The pipeline's property: small random documents built from the constructs OpenRouter's
/// documents have used (operations without ids, allOf of enums and unions, 3.1 type arrays,
/// consts, path item `$ref`s, webhooks, duplicate keys, components differing in case, and the
/// refused 3.1 keywords) generate — one compiles — or fail naming the refused construct.
/// `cargo xtask random-docs` runs more of them (CI prints its counts).
#[test]
fn random_documents_cover_every_construct_and_generate_or_are_refused_by_name() {
    let scratch = root().join("target").join("drift-crates").join("random");
    let report = xtask::random_docs::run(&root(), 1000, 200, 1, &scratch);
    eprint!("{}", report.render());
    assert!(report.failures.is_empty(), "{}", report.render());
    assert_eq!(report.compiled, 1, "{}", report.render());
    for construct in xtask::random_docs::CONSTRUCTS {
        assert!(report.constructs.get(construct).is_some_and(|n| *n > 0), "{construct} was not exercised:\n{}", report.render());
    }
}
