//! The OpenRouter SDK's build tasks: fetch OpenRouter's OpenAPI document, normalise it, generate
//! `crates/openrouter-kit-api` with progenitor, and report drift between document versions.

pub mod normalise;
pub mod spec;
pub mod postprocess;
pub mod fetch;
pub mod generate;
pub mod inventory;
pub mod diff;
pub mod drift;
pub mod features;
pub mod accessors;
pub mod variant_names;
pub mod synth;
pub mod companions;
pub mod compat;
pub mod update;
pub mod random_docs;
