//! Side-by-side benchmarks of this SDK against the Rust clients users compare it with
//! (async-openai, openrouter-rs), the decoders they are built on (`eventsource-stream`) and the
//! floor (raw reqwest + serde_json, a memchr line split). Run from the workspace root:
//!
//! ```sh
//! cargo bench --manifest-path bench/Cargo.toml --bench peers             # every runtime figure
//! cargo bench --manifest-path bench/Cargo.toml --bench peers -- --compile  # and clean-build times
//! ```
//!
//! Not a workspace member: the peers' dependency trees (aws-lc among them) stay out of the
//! workspace's builds and lockfile.

pub mod measure;
pub mod payloads;
pub mod peers;
pub mod server;
