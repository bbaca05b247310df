//! Folding streamed chat chunks into the final message.

use openrouter_api::types::{ChatFinishReasonEnum, ChatStreamChunk, ChatUsage, ReasoningDetailUnion};

/// A tool call assembled from its fragments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCall {
    pub index: i64,
    pub id: Option<String>,
    pub name: Option<String>,
    /// The `function.arguments` fragments, concatenated (JSON text once the call is complete).
    pub arguments: String,
}

/// Accumulates [`ChatStreamChunk`]s of choice 0 (or of the index given to [`Self::for_choice`]).
#[derive(Debug, Clone, Default)]
pub struct ChatAccumulator {
    choice: i64,
    pub id: Option<String>,
    /// The model that answered (with `models` fallbacks, not necessarily the one asked for).
    pub model: Option<String>,
    pub content: String,
    /// The `reasoning` text.
    pub reasoning: String,
    /// `reasoning_details` items in arrival order, to send back with the next turn.
    pub reasoning_details: Vec<ReasoningDetailUnion>,
    pub refusal: Option<String>,
    /// Tool calls by `index`, in index order.
    pub tool_calls: Vec<ToolCall>,
    pub finish_reason: Option<ChatFinishReasonEnum>,
    /// Usage, cost included, from the final chunk.
    pub usage: Option<ChatUsage>,
    pub chunks: usize,
}

impl ChatAccumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Accumulate another choice than the first (`n > 1` requests).
    pub fn for_choice(index: i64) -> Self {
        Self { choice: index, ..Self::default() }
    }

    /// Accumulate what a stream item carries: a chunk, or the error that ended the stream — a
    /// mid-stream error chunk still carries the usage (and cost) of what was generated, which
    /// is taken from the error's body. Returns the error, for the caller to handle.
    pub fn push_result<'e>(&mut self, item: &'e Result<ChatStreamChunk, crate::Error>) -> Option<&'e crate::Error> {
        match item {
            Ok(chunk) => {
                self.push(chunk);
                None
            }
            Err(error) => {
                let chunk = error.api().and_then(|e| e.body.as_ref()).and_then(|b| serde_json::from_value::<ChatStreamChunk>(b.clone()).ok());
                if let Some(chunk) = chunk {
                    self.push(&chunk);
                }
                Some(error)
            }
        }
    }

    pub fn push(&mut self, chunk: &ChatStreamChunk) {
        self.chunks += 1;
        if self.id.is_none() {
            self.id.clone_from(&chunk.id);
        }
        if chunk.model.is_some() {
            self.model.clone_from(&chunk.model);
        }
        if chunk.usage.is_some() {
            self.usage.clone_from(&chunk.usage);
        }
        for choice in chunk.choices.iter().flatten() {
            if choice.index.unwrap_or(0) != self.choice {
                continue;
            }
            if choice.finish_reason.is_some() {
                self.finish_reason.clone_from(&choice.finish_reason);
            }
            let Some(delta) = &choice.delta else { continue };
            if let Some(text) = &delta.content {
                self.content.push_str(text);
            }
            if let Some(text) = &delta.reasoning {
                self.reasoning.push_str(text);
            }
            if let Some(details) = &delta.reasoning_details {
                self.reasoning_details.extend(details.iter().cloned());
            }
            if let Some(text) = &delta.refusal {
                self.refusal.get_or_insert_with(String::new).push_str(text);
            }
            for fragment in delta.tool_calls.iter().flatten() {
                // Fragments carry `index`; the first names the call, the rest add arguments.
                let index = fragment.index.unwrap_or(self.tool_calls.len() as i64);
                let call = match self.tool_calls.iter().position(|c| c.index == index) {
                    Some(i) => &mut self.tool_calls[i],
                    None => {
                        self.tool_calls.push(ToolCall { index, ..ToolCall::default() });
                        self.tool_calls.sort_by_key(|c| c.index);
                        let i = self.tool_calls.iter().position(|c| c.index == index).unwrap_or(0);
                        &mut self.tool_calls[i]
                    }
                };
                if fragment.id.is_some() {
                    call.id.clone_from(&fragment.id);
                }
                if let Some(f) = &fragment.function {
                    if f.name.is_some() {
                        call.name.clone_from(&f.name);
                    }
                    if let Some(args) = &f.arguments {
                        call.arguments.push_str(args);
                    }
                }
            }
        }
    }
}
