//! Folding streamed chat chunks into the final message.

use openrouter_kit_api::types::{
    ChatAudioOutput, ChatFinishReasonEnum, ChatMessageAnnotation, ChatStreamChunk, ChatStreamToolCallType, ChatUsage, ReasoningDetailUnion,
};
use serde_json::{Map, Value};

/// A tool call assembled from its fragments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCall {
    /// The call's position among the answer's tool calls.
    pub index: i64,
    /// The call's id, from the first fragment.
    pub id: Option<String>,
    /// The tool's name, from the first fragment.
    pub name: Option<String>,
    /// The call's `type`, as sent (`function` when no fragment says).
    pub kind: Option<ChatStreamToolCallType>,
    /// The `function.arguments` fragments, concatenated (JSON text once the call is complete).
    pub arguments: String,
    /// Fields of the fragments this crate does not know, folded as in
    /// [`ChatAccumulator::unknown`] (sent back with the call).
    pub unknown: Map<String, Value>,
    /// Fields of the fragments' `function` objects this crate does not know, folded likewise.
    pub function_unknown: Map<String, Value>,
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
    /// `annotations` (web search citations, …) in arrival order.
    pub annotations: Vec<ChatMessageAnnotation>,
    /// Audio output: `data` and `transcript` fragments concatenated, `id` and `expires_at`
    /// from the latest fragment that has them.
    pub audio: Option<ChatAudioOutput>,
    /// Fields of the deltas this crate does not know (yet): nothing the server streams is lost.
    /// Strings are concatenated and arrays extended across chunks (how deltas of a text or a
    /// list arrive); any other value replaces the one before; a `null` does not erase a value.
    /// They go into [`to_message`](Self::to_message) as they are.
    pub unknown: Map<String, Value>,
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
        if !self.annotations.is_empty() {
            message["annotations"] = serde_json::to_value(&self.annotations).unwrap_or_default();
        }
        if let Some(audio) = &self.audio {
            message["audio"] = serde_json::to_value(audio).unwrap_or_default();
        }
        if !self.tool_calls.is_empty() {
            let calls: Vec<Value> = self
                .tool_calls
                .iter()
                .map(|c| {
                    let mut function = c.function_unknown.clone();
                    function.insert("name".into(), c.name.clone().into());
                    function.insert("arguments".into(), c.arguments.clone().into());
                    let mut call = c.unknown.clone();
                    call.insert("id".into(), c.id.clone().into());
                    call.insert("type".into(), c.kind.as_ref().map_or("function", |k| k.as_str()).into());
                    call.insert("function".into(), function.into());
                    Value::Object(call)
                })
                .collect();
            message["tool_calls"] = calls.into();
        }
        if let Value::Object(fields) = &mut message {
            for (key, value) in &self.unknown {
                fields.entry(key.clone()).or_insert_with(|| value.clone());
            }
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
            if let Some(annotations) = &delta.annotations {
                self.annotations.extend(annotations.iter().cloned());
            }
            if let Some(fragment) = &delta.audio {
                fold_audio(self.audio.get_or_insert_with(|| ChatAudioOutput {
                    data: None,
                    expires_at: None,
                    id: None,
                    transcript: None,
                    extra: Default::default(),
                }), fragment);
            }
            fold_unknown(&mut self.unknown, delta.extra.iter());
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
                if fragment.type_.is_some() {
                    call.kind.clone_from(&fragment.type_);
                }
                fold_unknown(&mut call.unknown, fragment.extra.iter());
                if let Some(f) = &fragment.function {
                    fold_unknown(&mut call.function_unknown, f.extra.iter());
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

/// Folds fields a type does not know into what came before (the rule [`ChatAccumulator::unknown`]
/// documents).
fn fold_unknown<'a>(into: &mut Map<String, Value>, fields: impl Iterator<Item = (&'a String, &'a Value)>) {
    for (key, value) in fields {
        match (into.get_mut(key), value) {
            (Some(Value::String(before)), Value::String(more)) => before.push_str(more),
            (Some(Value::Array(before)), Value::Array(more)) => before.extend(more.iter().cloned()),
            (Some(_), Value::Null) => {}
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

fn fold_audio(into: &mut ChatAudioOutput, fragment: &ChatAudioOutput) {
    for (before, more) in [(&mut into.data, &fragment.data), (&mut into.transcript, &fragment.transcript)] {
        if let Some(more) = more {
            before.get_or_insert_with(String::new).push_str(more);
        }
    }
    if fragment.id.is_some() {
        into.id.clone_from(&fragment.id);
    }
    if fragment.expires_at.is_some() {
        into.expires_at = fragment.expires_at;
    }
    let mut extra = std::mem::take(&mut into.extra).into_map();
    fold_unknown(&mut extra, fragment.extra.iter());
    into.extra = extra.into();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chunk(delta: Value) -> ChatStreamChunk {
        serde_json::from_value(json!({"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [{"index": 0, "delta": delta}]})).unwrap()
    }

    #[test]
    fn what_the_deltas_carry_beyond_text_reaches_the_next_turn() {
        let mut answer = ChatAccumulator::new();
        let citation = json!({"type": "url_citation", "url_citation": {"url": "https://example.com", "title": "Example", "start_index": 0, "end_index": 4, "content": "x"}});
        for delta in [
            json!({"role": "assistant", "content": "He", "audio": {"id": "audio_1", "data": "AAA", "transcript": "He"}, "images": [{"type": "image_url", "image_url": {"url": "data:a"}}], "future_text": "ab", "future_flag": true}),
            json!({"content": "llo", "annotations": [citation], "audio": {"data": "BBB", "transcript": "llo", "expires_at": 9}, "images": [{"type": "image_url", "image_url": {"url": "data:b"}}], "future_text": "cd", "future_flag": null}),
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{", "future_fn": 1}, "future_call": "x"}]}),
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "}"}, "future_call": "y"}]}),
        ] {
            answer.push(&chunk(delta));
        }
        assert_eq!(answer.unknown["future_text"], "abcd", "strings concatenate across deltas");
        assert_eq!(answer.unknown["future_flag"], true, "a null does not erase a value");
        assert_eq!(answer.unknown["images"].as_array().map(Vec::len), Some(2), "arrays extend");
        let audio = answer.audio.as_ref().unwrap();
        assert_eq!((audio.data.as_deref(), audio.transcript.as_deref(), audio.id.as_deref(), audio.expires_at), (Some("AAABBB"), Some("Hello"), Some("audio_1"), Some(9)));

        let message = serde_json::to_value(answer.to_message()).unwrap();
        assert_eq!(message["content"], "Hello");
        assert_eq!(message["annotations"], json!([citation]));
        assert_eq!(message["audio"], json!({"id": "audio_1", "data": "AAABBB", "transcript": "Hello", "expires_at": 9}));
        assert_eq!(message["images"][1]["image_url"]["url"], "data:b");
        assert_eq!(message["future_text"], "abcd");
        assert_eq!(
            message["tool_calls"][0],
            json!({"id": "call_1", "type": "function", "future_call": "xy", "function": {"name": "f", "arguments": "{}", "future_fn": 1}})
        );
    }

    #[test]
    fn a_tool_call_type_the_crate_does_not_know_is_sent_back_as_it_came() {
        let mut answer = ChatAccumulator::new();
        answer.push(&chunk(json!({"tool_calls": [{"index": 0, "id": "c", "type": "custom", "function": {"name": "f", "arguments": ""}}]})));
        let message = serde_json::to_value(answer.to_message()).unwrap();
        assert_eq!(message["tool_calls"][0]["type"], "custom");
    }
}
