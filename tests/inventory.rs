//! The API-surface inventory of the pinned document, as an insta snapshot: a change to the pin or
//! to the normaliser shows up in review as a readable diff of operations, fields and enum values.
//!
//! The document is the one the lock pins, wherever it is: the fetched copy
//! (`openapi/cache/openapi.yaml`, after `cargo xtask fetch`) or `../shared/openapi/`. A copy
//! that is not the pinned one fails the test; none at all skips it, saying which were looked for.

use openrouter_workspace_tests::root;
use xtask::inventory::Inventory;
use xtask::spec::{Document, Lock};

#[test]
fn pinned_document_inventory() {
    let lock = Lock::read(&root()).unwrap().expect("openapi/openapi.lock.toml");
    let path = match xtask::generate::locate_document(&root(), None, Some(&lock)) {
        Ok(path) => path,
        Err(why) => {
            eprintln!(
                "SKIPPED: the pinned document ({}, sha256 {}) is neither at {} nor at {}: {why:#}",
                lock.source,
                lock.sha256,
                xtask::spec::CACHE_PATH,
                xtask::spec::shared_document(&root(), &lock.date).display()
            );
            return;
        }
    };
    let doc = Document::read(&path).unwrap();
    assert_eq!(doc.sha256, lock.sha256, "{} is not the pinned document: run `cargo xtask update` (or fetch again)", path.display());
    let inventory = Inventory::of(&doc, &xtask::features::FeatureConfig::read(&root()).unwrap()).unwrap();
    // Every operation of the document is in the generated client or listed as hand-written.
    assert_eq!(inventory.document_operations(), lock.operations);
    // The overlay's legacy operations are there too, marked.
    for key in ["POST /completions", "GET /parameters/{author}/{slug}"] {
        assert!(inventory.operations.get(key).is_some_and(|o| o.legacy), "{key} is not a legacy operation of the inventory");
    }
    insta::assert_snapshot!("inventory-pinned", inventory.render());
}
