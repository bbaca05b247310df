//! Workspace-level tests (the files beside this one) and what they share: finding the OpenRouter
//! documents in `../shared/openapi/`, which CI lays beside the checkout. Tests that need a
//! document skip, saying so, when it is absent.

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::spec::workspace_root()
}

/// The shared document of that date, or `None` after printing why the test is skipped.
pub fn shared_document(date: &str) -> Option<PathBuf> {
    let path = xtask::spec::shared_document(&root(), date);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; this test reads OpenRouter's documents from ../shared/openapi/",
            path.display()
        );
        None
    }
}
