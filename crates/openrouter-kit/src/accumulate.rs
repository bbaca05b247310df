//! Folding streamed chat chunks into the final message.

use openrouter_kit_api::types::{ChatFinishReasonEnum, ChatStreamChunk, ChatUsage, ReasoningDetailUnion};

/// A tool call assembled from its fragments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCall {
    /// The call's position among the answer's tool calls.
    pub index: i64,
    /// The call's id, from the first fragment.
    pub id: Option<String>,
    /// The tool's name, from the first fragment.
    pub name: Option<String>,
    /// The `function.arguments` fragments, concatenated (JSON text once the call is complete).
    pub arguments: String,
}

/// Accumulates [`ChatStreamChunk`]s of choice 0 (or of the index given to [`Self::for_choice`]).
#[derive(Debug, Clone, Default)]
pub struct ChatAccumulator {
    choice: i64,
    /// The answer's id (`gen-…`).
    pub id: Option<String>,
    /// The model that answered (with `models` fallbacks, not necessarily the one asked for).
    pub model: Option<String>,
    /// The answer's text so far.
    pub content: String,
    /// The `reasoning` text.
    pub reasoning: String,
    /// `reasoning_details` items in arrival order, to send back with the next turn.
    pub reasoning_details: Vec<ReasoningDetailUnion>,
    /// The model's refusal text, if it refused.
    pub refusal: Option<String>,
    /// Tool calls by `index`, in index order.
    pub tool_calls: Vec<ToolCall>,
    /// Why the answer ended (`stop`, `tool_calls`, `length`, …), from the last content chunk.
    pub finish_reason: Option<ChatFinishReasonEnum>,
    /// Usage, cost included, from the final chunk.
    pub usage: Option<ChatUsage>,
    /// Chunks folded in.
    pub chunks: usize,
}

impl ChatAccumulator {
    /// An empty accumulator for choice 0.
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
                self.fold(chunk);
                None
            }
            Err(error) => {
                let chunk = error.api().and_then(|e| e.body.as_ref()).and_then(|b| serde_json::from_value::<ChatStreamChunk>(b.clone()).ok());
                if let Some(chunk) = chunk {
                    self.fold(&chunk);
                }
                Some(error)
            }
        }
    }

    /// The cost of the request in credits, from the final chunk's usage (`None` until it came).
    pub fn cost(&self) -> Option<f64> {
        self.usage.as_ref().and_then(|u| u.cost)
    }

    /// The answer so far as the assistant message of the next turn: the text, the reasoning
    /// and its `reasoning_details` (unchanged, as the provider needs them back), the tool calls.
    pub fn to_message(&self) -> openrouter_kit_api::types::ChatMessages {
        let mut message = serde_json::json!({"role": "assistant", "content": self.content});
        if !self.reasoning.is_empty() {
            message["reasoning"] = self.reasoning.clone().into();
        }
        if !self.reasoning_details.is_empty() {
            message["reasoning_details"] = serde_json::to_value(&self.reasoning_details).unwrap_or_default();
        }
        if let Some(refusal) = &self.refusal {
            message["refusal"] = refusal.clone().into();
        }
        if !self.tool_calls.is_empty() {
            let calls: Vec<serde_json::Value> = self
                .tool_calls
                .iter()
                .map(|c| serde_json::json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
                .collect();
            message["tool_calls"] = calls.into();
        }
        crate::request::message_value(message)
    }

    /// Folds in one chunk; returns the text it added to [`content`](Self::content) (empty when
    /// it added none), so that one loop can print the answer as it comes and keep all of it:
    ///
    /// ```no_run
    /// # async fn run(stream: openrouter_kit::EventStream<openrouter_kit_api::types::ChatStreamChunk>) -> Result<(), openrouter_kit::Error> {
    /// use futures_util::StreamExt;
    /// let mut stream = stream;
    /// let mut answer = openrouter_kit::ChatAccumulator::new();
    /// while let Some(chunk) = stream.next().await {
    ///     print!("{}", answer.push(&chunk?));
    /// }
    /// println!("\n{} tokens, cost {:?}", answer.usage.as_ref().and_then(|u| u.total_tokens).unwrap_or(0), answer.cost());
    /// # Ok(()) }
    /// ```
    pub fn push(&mut self, chunk: &ChatStreamChunk) -> &str {
        let before = self.content.len();
        self.fold(chunk);
        &self.content[before..]
    }

    fn fold(&mut self, chunk: &ChatStreamChunk) {
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
        for choice in chunk.choices.iter() {
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
