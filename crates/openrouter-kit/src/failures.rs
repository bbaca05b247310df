//! The failure model: for each way a call can fail, what the caller gets, after how long, and
//! whether it was retried. Nothing here panics on what a server sends, and nothing waits
//! without a bound unless the caller asked for that with `Duration::MAX`.
//!
//! | class | what happens | the caller gets | bounded by (default) | retried |
//! |---|---|---|---|---|
//! | connect | no TCP/TLS connection | [`Error::Transport`] | [`ClientBuilder::connect_timeout`] (10 s) | yes |
//! | head | connected, no response head | [`Error::Timeout`] | [`ClientBuilder::first_byte_timeout`] (120 s, each attempt) | no |
//! | status | 408, 429, 5xx (524, 529 included) | [`Error::Api`] with the status, the body as sent, `retry_after()` | the retry policy | yes, after the `Retry-After` asked for; one longer than [`RetryPolicy::max_retry_after`] (30 s) is not retried: the error comes back at once |
//! | status | any other 4xx | [`Error::Api`] | — | no |
//! | error in a 200 | a body that is only `{"error": …}`, or a failed choice | [`Error::Api`] with the error's status (its code, else 502) | — | when that status is transient |
//! | body | a whole answer stops coming | [`Error::BodyStalled`] | [`ClientBuilder::read_idle_timeout`] (120 s between bytes) | no: the generation may be paid for |
//! | body | a whole answer is too long | [`Error::BodyTooLarge`], the rest unread | [`ClientBuilder::max_body_bytes`] (64 MiB) | no |
//! | body | an error body stalls or is huge | [`Error::Api`] with its status and what came, at most [`ClientBuilder::max_error_body_bytes`] kept ([`DEFAULT_MAX_ERROR_BODY`], 1 MiB), [`ApiError::body_cut`] set | read-idle bound | a stalled one no, a huge one per its status |
//! | body | a whole answer does not decode | [`Error::Decode`] with the path and a snippet of at most [`BODY_SNIPPET`] bytes | — | no |
//! | stream | a `200` that is not `text/event-stream` | [`Error::Api`] with the server's words | read-idle bound | no |
//! | event | an event does not decode | an `Err` item ([`Error::Decode`]); the stream goes on | — | no |
//! | event | an error event (`{"error": …}`, `type: error`) | an `Err` item ([`Error::Api`]); the stream ends | — | when transient and before the first event (the request is sent again); after it, no |
//! | stall | no event (keep-alive comments do not count) | an `Err` item, [`StreamError::IdleTimeout`] | [`ClientBuilder::stream_idle_timeout`] (120 s) | no |
//! | size | one event grows without ending | an `Err` item, [`StreamError::EventTooLarge`] | [`ClientBuilder::max_event_bytes`] (32 MiB) | no |
//! | end | the body ends without `[DONE]` | an `Err` item, [`StreamError::Truncated`] (after every event that came) | — | before the first event only |
//! | broken | the connection breaks | an `Err` item, [`StreamError::Body`] | — | before the first event only |
//!
//! A stream's `stream()` call returns once its first item is in: that is what lets a stream that
//! fails before its first event be sent again, and the caller waits for that item anyway.
//!
//! Retries ([`RetryPolicy`]): at most `max_attempts` in all (3), waits doubling from
//! `initial_backoff` (500 ms) with full jitter, a server's hint (`Retry-After` in seconds or as
//! a date, `retry-after-ms`, a hint in the error body such as `availability.retry_after`) used instead when it gives
//! one, our own waits capped by `max_backoff` (30 s) and all of them by `budget` (60 s). A server
//! that asks for more than `max_retry_after` (30 s) is not tried again before it said: its error
//! comes back at once with `retry_after()` saying how long. A hint that is absurd (`1e300`,
//! 20 digits) is a very long wait (so not retried), a negative or unreadable one is ignored; never a panic.
//!
//! Why these defaults: OpenRouter sends a response head at once and pads a slow non-streamed
//! answer with whitespace (streams with `: OPENROUTER PROCESSING` comments), so a healthy
//! answer never goes 120 s without a byte however long the model thinks, while a dead peer is
//! found in two minutes rather than never. Sizes are far above any real answer (an image
//! generated in one base64 event is a few MiB) and far below what a machine can hold a thousand
//! of.
//!
//! How this is checked: `cargo test -p openrouter-kit --test faults` plays over 180 cases of exact bytes
//! from a raw TCP server against these rules and prints `N passed, M failed`; `fuzz/run` runs
//! libFuzzer on the SSE decoder (against a reference decoder written from the WHATWG rules),
//! the event streams, the error-body and header parsing and every decode entry of the API.
//!
//! The key: it lives in one sensitive header value, so it is not in `Debug` output, errors or
//! this crate's logs. A caller-supplied `reqwest::Client` built with `connection_verbose(true)`
//! logs raw headers at TRACE level, the key's included: do not turn that on where logs are kept.
//! `openrouter-kit-mock` replaces the key before wiremock sees a request, so neither its recorded
//! requests nor wiremock's report of a failed expectation can show it.
//!
//! [`Error::Transport`]: crate::Error::Transport
//! [`Error::Timeout`]: crate::Error::Timeout
//! [`Error::Api`]: crate::Error::Api
//! [`Error::BodyStalled`]: crate::Error::BodyStalled
//! [`Error::BodyTooLarge`]: crate::Error::BodyTooLarge
//! [`Error::Decode`]: crate::Error::Decode
//! [`StreamError::IdleTimeout`]: crate::StreamError::IdleTimeout
//! [`StreamError::EventTooLarge`]: crate::StreamError::EventTooLarge
//! [`StreamError::Truncated`]: crate::StreamError::Truncated
//! [`StreamError::Body`]: crate::StreamError::Body
//! [`ClientBuilder::connect_timeout`]: crate::ClientBuilder::connect_timeout
//! [`ClientBuilder::first_byte_timeout`]: crate::ClientBuilder::first_byte_timeout
//! [`ClientBuilder::read_idle_timeout`]: crate::ClientBuilder::read_idle_timeout
//! [`ClientBuilder::max_body_bytes`]: crate::ClientBuilder::max_body_bytes
//! [`ClientBuilder::max_event_bytes`]: crate::ClientBuilder::max_event_bytes
//! [`ClientBuilder::stream_idle_timeout`]: crate::ClientBuilder::stream_idle_timeout
//! [`RetryPolicy`]: crate::RetryPolicy
//! [`RetryPolicy::max_retry_after`]: crate::RetryPolicy::max_retry_after
//! [`DEFAULT_MAX_ERROR_BODY`]: crate::retry::DEFAULT_MAX_ERROR_BODY
//! [`BODY_SNIPPET`]: crate::error::BODY_SNIPPET
//! [`ClientBuilder::max_error_body_bytes`]: crate::ClientBuilder::max_error_body_bytes
//! [`ApiError::body_cut`]: crate::ApiError::body_cut
