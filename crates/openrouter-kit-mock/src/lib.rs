//! A mock OpenRouter for contract tests, on [wiremock](https://docs.rs/wiremock).
//!
//! [`MockOpenRouter::start`] answers every operation of the OpenAPI document the `openrouter-kit`
//! crate was generated from: with the document's own example where it has one, with a body
//! built from the schema where it has none ([`Operation::origin`] says which), and with a
//! scripted stream for chat, Responses and Messages requests that ask for one. On top of that:
//!
//! - your own answers per operation: [`MockOpenRouter::on`] with a [`Reply`] (any status, body,
//!   headers, delay, truncated body), for the next `n` requests or all;
//! - scripted streams: [`ChatScript`], [`ResponsesScript`], [`MessagesScript`] (text, reasoning,
//!   tool-call fragments, usage, keep-alive comments, mid-stream errors), or raw [`Sse`];
//! - faults below HTTP ([`Fault`]): a dropped connection, an answer cut short, a stream that stalls;
//! - what was received: [`MockOpenRouter::requests_to`], [`MockOpenRouter::last_request`],
//!   [`MockOpenRouter::assert_received`], [`MockOpenRouter::assert_header`],
//!   [`MockOpenRouter::assert_body_field`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_kit::Error> {
//! use openrouter_kit::ChatRequestBuilder;
//! use openrouter_kit_mock::{MockOpenRouter, Reply};
//!
//! let mock = MockOpenRouter::start().await;
//! // The first call is rate limited, the retry succeeds.
//! mock.on("sendChatCompletionRequest").times(1).reply(Reply::rate_limited(0)).mount().await;
//! mock.chat_reply("Paris.").await;
//!
//! let client = mock.client();
//! let request = ChatRequestBuilder::new("openai/gpt-4o").user("Capital of France?").build()?;
//! let answer = client.chat().create(&request).await?;
//! assert_eq!(answer.text(), "Paris.");
//!
//! mock.assert_received("sendChatCompletionRequest", 2).await;
//! mock.assert_body_field("sendChatCompletionRequest", "/messages/0/content", "Capital of France?".into()).await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod defaults;
mod env;
mod fidelity;
mod front;
mod operations;
mod script;
pub mod script_file;
mod server;

pub use env::Backend;
pub use fidelity::{Fidelity, Omission, SERVICE_OMISSIONS};
pub use front::Fault;
pub use operations::{Operation, Origin, operation, operation_for, operations};
pub use script::{ChatScript, MessagesScript, ResponsesScript, Sse};
pub use server::{MOCK_API_KEY, MockOpenRouter, RecordedRequest, Reply, Route, chat_completion};
