//! The OpenRouter client for applications: a hand-written layer over the generated
//! [`openrouter_api`] crate.
//!
//! Work in progress: so far this crate holds the error type ([`Error`], [`ApiError`]) and the
//! streaming layer's SSE framing ([`sse`]).

pub mod error;
pub mod sse;

pub use error::{ApiError, DecodeError, Error, ErrorCode};

/// The generated low-level client and its types, for every operation of OpenRouter's document.
pub use openrouter_api as api;
