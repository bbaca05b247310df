//! One `tracing` span per request, named and filled after the OpenTelemetry GenAI conventions
//! (`gen_ai.*`), so that a tracing-opentelemetry layer exports it as a GenAI span. The retry
//! attempts are its children (`openrouter.attempt`). Nothing secret is recorded: the key lives
//! only in a sensitive header, and prompts and answers are not recorded at all.

use tracing::Span;
use tracing::field::Empty;

use openrouter_api::types::{ChatResult, ChatStreamChunk, ChatUsage, OpenResponsesResult, StreamEvents, Usage};

/// The span of one request to `operation` (`chat`, `responses`, …) for `model`.
pub(crate) fn request_span(operation: &'static str, model: Option<&str>) -> Span {
    tracing::info_span!(
        "gen_ai.request",
        otel.name = format!("{operation} {}", model.unwrap_or_default()),
        otel.kind = "client",
        gen_ai.system = "openrouter",
        gen_ai.operation.name = operation,
        gen_ai.request.model = model.unwrap_or_default(),
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
    fn observe(&self, _span: &Span) {}
}

fn record_chat_usage(span: &Span, usage: &ChatUsage) {
    if let Some(n) = usage.prompt_tokens {
        span.record("gen_ai.usage.input_tokens", n);
    }
    if let Some(n) = usage.completion_tokens {
        span.record("gen_ai.usage.output_tokens", n);
    }
    if let Some(c) = usage.cost {
        span.record("gen_ai.usage.cost", c);
    }
}

fn record_responses_usage(span: &Span, usage: &Usage) {
    let Some(usage) = &usage.0 else { return };
    if let Some(n) = usage.input_tokens {
        span.record("gen_ai.usage.input_tokens", n);
    }
    if let Some(n) = usage.output_tokens {
        span.record("gen_ai.usage.output_tokens", n);
    }
    if let Some(c) = usage.cost {
        span.record("gen_ai.usage.cost", c);
    }
}

impl Observe for ChatResult {
    fn observe(&self, span: &Span) {
        if let Some(m) = &self.model {
            span.record("gen_ai.response.model", m.as_str());
        }
        if let Some(id) = &self.id {
            span.record("gen_ai.response.id", id.as_str());
        }
        if let Some(u) = &self.usage {
            record_chat_usage(span, u);
        }
    }
}

impl Observe for ChatStreamChunk {
    fn observe(&self, span: &Span) {
        // Every chunk repeats id and model; usage comes in the last one.
        if let Some(u) = &self.usage {
            if let Some(m) = &self.model {
                span.record("gen_ai.response.model", m.as_str());
            }
            if let Some(id) = &self.id {
                span.record("gen_ai.response.id", id.as_str());
            }
            record_chat_usage(span, u);
        }
    }
}

impl Observe for OpenResponsesResult {
    fn observe(&self, span: &Span) {
        if let Some(m) = &self.model {
            span.record("gen_ai.response.model", m.as_str());
        }
        if let Some(id) = &self.id {
            span.record("gen_ai.response.id", id.as_str());
        }
        if let Some(u) = &self.usage {
            record_responses_usage(span, u);
        }
    }
}

impl Observe for StreamEvents {
    fn observe(&self, span: &Span) {
        if let StreamEvents::ResponseCompleted(done) = self {
            if let Some(r) = &done.response {
                r.observe(span);
            }
        }
    }
}

impl Observe for openrouter_api::types::MessagesResult {}
impl Observe for openrouter_api::types::MessagesStreamEvents {}
impl Observe for openrouter_api::types::ImageGenerationResponse {}
impl Observe for openrouter_api::types::ImageStreamingResponseData {}
impl Observe for openrouter_api::types::FileResponse {}
