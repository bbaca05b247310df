//! `cargo xtask update` stops at the first step that fails and leaves the tree as it was.

use std::path::{Path, PathBuf};

use xtask::spec::{CACHE_PATH, LOCK_PATH};

const PINNED: &[u8] = b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {description: ok}}}}\n";

/// A tree with a lock pinning a small fetched document, and the features file the diff reads.
fn scratch_tree(name: &str) -> PathBuf {
    let root = openrouter_workspace_tests::root().join("target").join("update-tests").join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("openapi")).unwrap();
    std::fs::copy(openrouter_workspace_tests::root().join("openapi/features.toml"), root.join("openapi/features.toml")).unwrap();
    let file = root.join("openrouter-2026-01-01.yaml");
    std::fs::write(&file, PINNED).unwrap();
    xtask::fetch::fetch(&root, Some(file.to_str().unwrap()), None).unwrap();
    root
}

fn files(root: &Path) -> (String, Vec<u8>) {
    (std::fs::read_to_string(root.join(LOCK_PATH)).unwrap(), std::fs::read(root.join(CACHE_PATH)).unwrap())
}

#[test]
fn an_update_that_fails_names_its_step_and_restores_the_tree() {
    let root = scratch_tree("not-openapi");
    let before = files(&root);
    let broken = root.join("openrouter-2026-02-01.yaml");
    std::fs::write(&broken, b"<html>maintenance</html>").unwrap();
    let options = xtask::update::Options { from: Some(broken.display().to_string()), skip_compat: true, skip_build: true, ..Default::default() };
    let error = format!("{:#}", xtask::update::update(&root, &options).unwrap_err());
    assert!(error.contains("stopped at step \"fetch\"") && error.contains("the tree is as it was"), "{error}");
    assert!(error.contains("not an OpenAPI 3.x document"), "{error}");
    assert_eq!(files(&root), before);

    // A document that reads but that the normaliser refuses: fetched and pinned, then put back.
    let refused = root.join("openrouter-2026-03-01.yaml");
    std::fs::write(
        &refused,
        b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {description: ok, content: {application/json: {schema: {type: object, unknownKeyword: 1}}}}}}}\n",
    )
    .unwrap();
    let options = xtask::update::Options { from: Some(refused.display().to_string()), ..options };
    let error = format!("{:#}", xtask::update::update(&root, &options).unwrap_err());
    assert!(error.contains("stopped at step \"diff\"") && error.contains("unknownKeyword"), "{error}");
    assert_eq!(files(&root), before, "the lock and the fetched copy are the pinned ones again");
}

#[test]
fn the_pinned_document_again_is_nothing_to_update() {
    let root = scratch_tree("same");
    let before = files(&root);
    let same = root.join("openrouter-2026-01-01.yaml");
    let options = xtask::update::Options { from: Some(same.display().to_string()), skip_compat: true, skip_build: true, ..Default::default() };
    let outcome = xtask::update::update(&root, &options).unwrap();
    assert!(!outcome.changed && outcome.summary.contains("nothing to update"), "{}", outcome.summary);
    assert_eq!(files(&root), before);
}
