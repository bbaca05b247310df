//! The OpenRouter client for applications: a hand-written layer over the generated
//! [`openrouter_kit_api`] crate.
//!
//! - [`Client`]: the key held as a secret, attribution headers, retries with `Retry-After`,
//!   connect / first-byte / stream-idle timeouts; every operation of the document through
//!   [`Client::api`] with the same configuration.
//! - Chat completions ([`Client::chat`]), the Responses API ([`Client::responses`]), Messages and
//!   images, whole or streamed as typed events ([`EventStream`]); request builders
//!   ([`ChatRequestBuilder`], [`ResponsesRequestBuilder`]) and multimodal [`Part`]s.
//! - Structured outputs and tools from schemars types ([`chat::Chat::parse`], [`Tool`]) and the
//!   tool loop ([`ToolBox`], [`chat::Chat::tool_loop`]).
//! - Conveniences for the rest of the API: [`Client::models`], [`Client::generations`],
//!   [`Client::embeddings`], [`Client::files`], [`Client::audio`], [`Client::videos`].
//! - One [`Error`] that keeps what the server said; a `gen_ai.request` tracing span per request.
//!   What each failure gives, after how long, and whether it is retried: [`failures`].
//!
//! For tests, `openrouter-kit-mock` answers every operation offline.

#![warn(missing_docs)]

mod accumulate;
mod clock;
pub mod chat;
pub mod completions;
mod client;
pub mod content;
pub mod conversation;
pub mod embeddings;
pub mod failures;
pub mod generations;
#[cfg(feature = "management")]
pub mod keys;
pub mod media;
pub mod models;
pub mod observe;
pub mod files;
pub mod images;
pub mod messages;
pub mod request;
pub mod responses;
pub mod error;
pub mod retry;
mod secret;
pub mod structured;
pub mod tool_loop;
pub mod tools;
pub mod sse;
pub mod stream;
mod wire;

pub use accumulate::{ChatAccumulator, ToolCall};
pub use content::Part;
pub use conversation::IntoAssistantMessage;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_BODY, DEFAULT_TIMEOUT};
pub use error::{ApiError, ApiErrorKind, DecodeError, Error, ErrorCode, OutputError, StreamError};
pub use stream::{EventData, EventStream};
pub use request::{
    ChatRequestBody, ChatRequestBuilder, RequestBody, RequestBuilder, ResponsesRequestBody, ResponsesRequestBuilder, message, tool_message,
};
pub use models::ModelFilter;
pub use retry::RetryPolicy;
pub use structured::Parsed;
pub use tool_loop::{AsyncHandler, HandlerErrors, HandlerResult, SyncHandler, LoopEvent, LoopOutcome, LoopUsage, Stopped, ToolBox, ToolError};
/// The items of a chat transcript ([`LoopOutcome::transcript`]) and of a request's messages.
pub use openrouter_kit_api::types::ChatMessages;
pub use tools::{Tool, ToolCallArguments};
pub use secret::ApiKey;

/// The workspace README's Rust snippets, compiled (and the mock's one run) as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeSnippets;

/// schemars, for `#[derive(JsonSchema)]` on the types of structured outputs and tool arguments.
pub use schemars;

/// The generated low-level client and its types, for every operation of OpenRouter's document.
pub use openrouter_kit_api as api;
