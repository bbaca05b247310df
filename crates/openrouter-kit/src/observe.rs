//! One `tracing` span per request, named and filled after the OpenTelemetry GenAI conventions
//! (`gen_ai.*`), so that a tracing-opentelemetry layer exports it as a GenAI span. The retry
//! attempts are its children (`openrouter.attempt`). Nothing secret is recorded: the key lives
//! only in a sensitive header, and prompts and answers are not recorded at all.

use tracing::Span;
use tracing::field::Empty;

use openrouter_kit_api::types::{ChatResult, ChatStreamChunk, ChatUsage, OpenResponsesResult, StreamEvents, Usage};

/// The span of one request to `operation` (`chat`, `responses`, …) for `model`.
/// `model` is asked only when a subscriber records the span: the macro evaluates field values
/// only for an enabled span.
pub(crate) fn request_span(operation: &'static str, model: &dyn Fn() -> Option<String>) -> Span {
    tracing::info_span!(
        "gen_ai.request",
        otel.name = format!("{operation} {}", model().unwrap_or_default()),
        otel.kind = "client",
        gen_ai.system = "openrouter",
        gen_ai.operation.name = operation,
        gen_ai.request.model = model().unwrap_or_default().as_str(),
        gen_ai.response.model = Empty,
        gen_ai.response.id = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        gen_ai.usage.cost = Empty,
        openrouter.generation_id = Empty,
        http.response.status_code = Empty,
    )
}

/// What a response or event tells the request's span.
pub trait Observe {
    /// Records on `span` what this value tells (model, usage, …); nothing by default.
    fn observe(&self, _span: &Span) {}
}

fn record_usage(span: &Span, input: Option<i64>, output: Option<i64>, cost: Option<f64>) {
    if let Some(n) = input {
        span.record("gen_ai.usage.input_tokens", n);
    }
    if let Some(n) = output {
        span.record("gen_ai.usage.output_tokens", n);
    }
    if let Some(c) = cost {
        span.record("gen_ai.usage.cost", c);
    }
}

fn record_chat_usage(span: &Span, u: &ChatUsage) {
    record_usage(span, u.prompt_tokens, u.completion_tokens, u.cost);
}

fn record_responses_usage(span: &Span, usage: &Usage) {
    if let Some(u) = &usage.0 {
        record_usage(span, u.input_tokens, u.output_tokens, u.cost);
    }
}

fn record_response(span: &Span, model: &Option<String>, id: &Option<String>) {
    if let Some(m) = model {
        span.record("gen_ai.response.model", m.as_str());
    }
    if let Some(id) = id {
        span.record("gen_ai.response.id", id.as_str());
    }
}

impl Observe for ChatResult {
    fn observe(&self, span: &Span) {
        record_response(span, &self.model, &self.id);
        if let Some(u) = &self.usage {
            record_chat_usage(span, u);
        }
    }
}

impl Observe for openrouter_kit_api::types::TextCompletionResponse {
    fn observe(&self, span: &Span) {
        // Chunks of a stream have this shape too: usage comes in the last one.
        if let Some(u) = &self.usage {
            record_response(span, &self.model, &self.id);
            record_usage(span, u.prompt_tokens, u.completion_tokens, u.cost);
        }
    }
}

impl Observe for ChatStreamChunk {
    fn observe(&self, span: &Span) {
        // Every chunk repeats id and model; usage comes in the last one.
        if let Some(u) = &self.usage {
            record_response(span, &self.model, &self.id);
            record_chat_usage(span, u);
        }
    }
}

impl Observe for OpenResponsesResult {
    fn observe(&self, span: &Span) {
        record_response(span, &self.model, &self.id);
        if let Some(u) = &self.usage {
            record_responses_usage(span, u);
        }
    }
}

impl Observe for StreamEvents {
    fn observe(&self, span: &Span) {
        if let StreamEvents::ResponseCompleted(done) = self
            && let Some(r) = &done.response {
                r.observe(span);
            }
    }
}

impl Observe for openrouter_kit_api::types::MessagesResult {
    fn observe(&self, span: &Span) {
        record_response(span, &self.model, &self.id);
        if let Some(u) = &self.usage {
            record_usage(span, u.input_tokens, u.output_tokens, u.cost);
        }
    }
}

impl Observe for openrouter_kit_api::types::MessagesStreamEvents {
    /// `message_start` names the message and counts the input; `message_delta` the output.
    fn observe(&self, span: &Span) {
        use openrouter_kit_api::types::MessagesStreamEvents as E;
        match self {
            E::MessageStart(start) => {
                if let Some(m) = &start.message {
                    record_response(span, &m.model, &m.id);
                    if let Some(u) = &m.usage {
                        record_usage(span, u.input_tokens, None, None);
                    }
                }
            }
            E::MessageDelta(delta) => {
                if let Some(u) = &delta.usage {
                    record_usage(span, u.input_tokens, u.output_tokens, None);
                }
            }
            _ => {}
        }
    }
}
impl Observe for openrouter_kit_api::types::ImageGenerationResponse {}
impl Observe for openrouter_kit_api::types::ImageStreamingResponseData {}
impl Observe for openrouter_kit_api::types::FileResponse {}
