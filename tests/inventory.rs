//! The API-surface inventory of the pinned document, as an insta snapshot: a change to the pin or
//! to the normaliser shows up in review as a readable diff of operations, fields and enum values.

use openrouter_workspace_tests::shared_document;
use xtask::inventory::Inventory;
use xtask::spec::{Document, Lock};

#[test]
fn pinned_document_inventory() {
    let lock = Lock::read(&openrouter_workspace_tests::root()).unwrap().expect("openapi/openapi.lock.toml");
    let Some(path) = shared_document(&lock.date) else { return };
    let doc = Document::read(&path).unwrap();
    assert_eq!(doc.sha256, lock.sha256, "the shared document is not the pinned one");
    let inventory = Inventory::of(&doc).unwrap();
    // Every operation of the document is in the generated client or listed as hand-written.
    assert_eq!(inventory.operations.len() + inventory.hand_written.len(), lock.operations);
    insta::assert_snapshot!("inventory-pinned", inventory.render());
}
