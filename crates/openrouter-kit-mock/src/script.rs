//! Scripted answers for chat completions, the Responses API and Messages, streamed or whole, in
//! the shapes and event sequences OpenRouter sends (see `notes/openrouter-behaviour.md` of the
//! workspace): keep-alive comments, `[DONE]`, usage in a last chunk, errors in the middle of a
//! stream. One script describes one answer: `to_sse()` streams it, and the whole-answer method
//! (`completion()`, `response()`, `message()`) gives the same answer in one body.

use serde_json::{Value, json};

use crate::Fidelity;

/// The creation time every scripted answer carries (2026-01-01).
const CREATED: u64 = 1_767_225_600;

/// Raw SSE text, built event by event.
#[derive(Debug, Clone, Default)]
pub struct Sse {
    text: String,
}

impl Sse {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// A `data:` event holding `value` as JSON.
    pub fn data(mut self, value: &Value) -> Self {
        self.text.push_str("data: ");
        self.text.push_str(&value.to_string());
        self.text.push_str("\n\n");
        self
    }

    /// An event with an `event:` name line (Anthropic Messages streams).
    pub fn named(mut self, name: &str, value: &Value) -> Self {
        self.text.push_str("event: ");
        self.text.push_str(name);
        self.text.push('\n');
        self.data(value)
    }

    /// OpenRouter's keep-alive comment, sent while a model is queued or thinking.
    pub fn keep_alive(mut self) -> Self {
        self.text.push_str(": OPENROUTER PROCESSING\n\n");
        self
    }

    /// Any text, as is (malformed events, other line endings, …).
    pub fn raw(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self
    }

    /// The `data: [DONE]` sentinel.
    pub fn done(self) -> Self {
        self.raw("data: [DONE]\n\n")
    }

    /// The stream's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }

    /// The stream's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A chat completion (`POST /chat/completions`), streamed or whole.
///
/// ```
/// use openrouter_kit_mock::ChatScript;
/// let script = ChatScript::new("openai/gpt-4o").keep_alive().text("Hel").text("lo").usage(5, 2, 0.0001);
/// assert!(script.to_sse().as_str().ends_with("data: [DONE]\n\n"));
/// assert_eq!(script.completion()["choices"][0]["message"]["content"], "Hello");
/// ```
#[derive(Debug, Clone)]
pub struct ChatScript {
    id: String,
    model: String,
    /// Rendered by `to_sse`, in the script's fidelity whatever the order of the calls.
    events: Vec<ChatEvent>,
    text: String,
    reasoning: String,
    tool_calls: Vec<Value>,
    finish: Option<String>,
    usage: Option<Value>,
    done: bool,
    fidelity: Fidelity,
}

impl ChatScript {
    /// An empty answer by `model`.
    pub fn new(model: &str) -> Self {
        Self {
            id: "gen-mock-1".into(),
            model: model.into(),
            events: Vec::new(),
            text: String::new(),
            reasoning: String::new(),
            tool_calls: Vec::new(),
            finish: None,
            usage: None,
            done: true,
            fidelity: Fidelity::Service,
        }
    }

    /// Answer like the service (the default) or strictly like the document.
    pub fn fidelity(mut self, fidelity: Fidelity) -> Self {
        self.fidelity = fidelity;
        self
    }

    fn chunk(mut self, choices: Value, extra: Option<(&str, Value)>) -> Self {
        let mut chunk = json!({
            "id": self.id, "object": "chat.completion.chunk", "created": CREATED,
            "model": self.model, "provider": "MockProvider", "choices": choices,
        });
        if let Some((k, v)) = extra {
            chunk[k] = v;
        }
        self.events.push(ChatEvent::Chunk(chunk));
        self
    }

    fn delta(self, delta: Value) -> Self {
        self.chunk(json!([{"index": 0, "delta": delta, "finish_reason": null}]), None)
    }

    /// OpenRouter's keep-alive comment (`: OPENROUTER PROCESSING`), here in the stream.
    pub fn keep_alive(mut self) -> Self {
        self.events.push(ChatEvent::KeepAlive);
        self
    }

    /// A chunk of your own (new fields, odd values), as is. The whole answer does not see it.
    pub fn raw_chunk(mut self, chunk: Value) -> Self {
        self.events.push(ChatEvent::Raw(chunk));
        self
    }

    /// A piece of the answer's text.
    pub fn text(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self.delta(json!({"role": "assistant", "content": text}))
    }

    /// A piece of reasoning, with its `reasoning_details` entry.
    pub fn reasoning(mut self, text: &str) -> Self {
        self.reasoning.push_str(text);
        self.delta(json!({
            "role": "assistant", "content": "", "reasoning": text,
            "reasoning_details": [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}],
        }))
    }

    /// A tool call sent in pieces: the first fragment names it, each later one adds arguments.
    pub fn tool_call(mut self, index: u32, id: &str, name: &str, argument_fragments: &[&str]) -> Self {
        let first = json!({"index": index, "id": id, "type": "function", "function": {"name": name, "arguments": ""}});
        self.tool_calls.push(json!({
            "id": id, "type": "function", "index": index,
            "function": {"name": name, "arguments": argument_fragments.concat()},
        }));
        self = self.delta(json!({"role": "assistant", "tool_calls": [first]}));
        for fragment in argument_fragments {
            self = self.delta(json!({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]}));
        }
        self
    }

    /// The last content chunk's finish reason (`stop`, `tool_calls`, `length`, …).
    pub fn finish(mut self, reason: &str) -> Self {
        self.finish = Some(reason.into());
        let choice = json!([{"index": 0, "delta": {}, "finish_reason": reason, "native_finish_reason": reason}]);
        self.chunk(choice, None)
    }

    /// The usage-only final chunk (empty `choices`), cost included. Finishes first (with
    /// `tool_calls` after a tool call, `stop` otherwise) if no finish reason was scripted.
    pub fn usage(mut self, prompt: u64, completion: u64, cost: f64) -> Self {
        if self.finish.is_none() {
            let reason = if self.tool_calls.is_empty() { "stop" } else { "tool_calls" };
            self = self.finish(reason);
        }
        let usage = json!({
            "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion, "cost": cost,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": if self.reasoning.is_empty() { 0 } else { completion / 2 }},
        });
        self.usage = Some(usage.clone());
        self.chunk(json!([]), Some(("usage", usage)))
    }

    /// An error in the middle of the stream, as OpenRouter sends it once the `200` is out: a
    /// chunk with a top-level `error` and `finish_reason: "error"`. The stream ends there.
    pub fn error(mut self, code: Value, message: &str) -> Self {
        let error = json!({
            "code": code, "message": message, "metadata": {"provider_name": "MockProvider", "error_type": "provider_unavailable"},
        });
        self.done = false;
        self.finish = Some("error".into());
        self.chunk(json!([{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]), Some(("error", error)))
    }

    /// End without `[DONE]`, as a connection cut by a proxy would.
    pub fn truncated(mut self) -> Self {
        self.done = false;
        self
    }

    /// The answer as a stream.
    pub fn to_sse(&self) -> Sse {
        let mut sse = Sse::new();
        for event in &self.events {
            sse = match event {
                ChatEvent::KeepAlive => sse.keep_alive(),
                ChatEvent::Raw(chunk) => sse.data(chunk),
                ChatEvent::Chunk(chunk) => {
                    let mut chunk = self.fidelity.apply("sendChatCompletionRequest", chunk.clone());
                    if self.fidelity == Fidelity::Document {
                        chunk["system_fingerprint"] = json!("fp_mock");
                    }
                    sse.data(&chunk)
                }
            };
        }
        if self.done { sse.done() } else { sse }
    }

    /// The same answer not streamed: what `POST /chat/completions` without `stream` returns.
    pub fn completion(&self) -> Value {
        let mut message = json!({"role": "assistant", "content": self.text});
        if !self.reasoning.is_empty() {
            message["reasoning"] = json!(self.reasoning);
            message["reasoning_details"] = json!([{"type": "reasoning.text", "text": self.reasoning, "format": "unknown", "index": 0}]);
        }
        if !self.tool_calls.is_empty() {
            message["tool_calls"] = json!(self.tool_calls);
        }
        let reason = self.finish.clone().unwrap_or_else(|| if self.tool_calls.is_empty() { "stop" } else { "tool_calls" }.into());
        let usage = self.usage.clone().unwrap_or_else(|| json!({"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17, "cost": 0.00002}));
        let answer = json!({
            "id": self.id, "object": "chat.completion", "created": CREATED, "model": self.model,
            "provider": "MockProvider", "system_fingerprint": "fp_mock",
            "choices": [{"index": 0, "finish_reason": reason, "native_finish_reason": reason, "logprobs": null, "message": message}],
            "usage": usage,
        });
        self.fidelity.apply("sendChatCompletionRequest", answer)
    }
}

/// One event of a chat script.
#[derive(Debug, Clone)]
enum ChatEvent {
    Chunk(Value),
    KeepAlive,
    Raw(Value),
}

/// One output item of a Responses script, in the order it was scripted.
#[derive(Debug, Clone)]
enum Item {
    Reasoning { deltas: Vec<String> },
    Message { deltas: Vec<String> },
    FunctionCall { call_id: String, name: String, arguments: String },
}

impl Item {
    fn id(&self, index: usize) -> String {
        match self {
            Item::Reasoning { .. } => format!("rs_mock_{index}"),
            Item::Message { .. } => format!("msg_mock_{index}"),
            Item::FunctionCall { call_id, .. } => format!("fc_{call_id}"),
        }
    }

    /// The item as `output` lists it: `done` when finished, `in_progress` (and empty) when added.
    fn value(&self, index: usize, done: bool) -> Value {
        let id = self.id(index);
        let status = if done { "completed" } else { "in_progress" };
        match self {
            Item::Reasoning { deltas } => {
                let content = if done { json!([{"type": "reasoning_text", "text": deltas.concat()}]) } else { json!([]) };
                json!({"type": "reasoning", "id": id, "status": status, "summary": [], "content": content})
            }
            Item::Message { deltas } => {
                let content = if done { json!([output_text(&deltas.concat())]) } else { json!([]) };
                json!({"type": "message", "id": id, "role": "assistant", "status": status, "content": content})
            }
            Item::FunctionCall { call_id, name, arguments } => {
                let arguments = if done { arguments.as_str() } else { "" };
                json!({"type": "function_call", "id": id, "call_id": call_id, "name": name, "arguments": arguments, "status": status})
            }
        }
    }

    /// The events of this item, from `output_item.added` to `output_item.done` (or to its last
    /// delta when the stream fails before the item is done).
    fn events(&self, index: usize, finished: bool) -> Vec<Value> {
        let id = self.id(index);
        let mut events = vec![json!({"type": "response.output_item.added", "output_index": index, "item": self.value(index, false)})];
        let part = |_: &str, text: &str| output_text(text);
        let (kind, deltas, delta_type, done_type) = match self {
            Item::Reasoning { deltas } => ("reasoning_text", deltas, "response.reasoning_text.delta", "response.reasoning_text.done"),
            Item::Message { deltas } => ("output_text", deltas, "response.output_text.delta", "response.output_text.done"),
            Item::FunctionCall { name, arguments, .. } => {
                events.push(json!({"type": "response.function_call_arguments.delta", "item_id": id, "output_index": index, "delta": arguments}));
                if finished {
                    events.push(json!({
                        "type": "response.function_call_arguments.done", "item_id": id, "output_index": index,
                        "name": name, "arguments": arguments,
                    }));
                    events.push(json!({"type": "response.output_item.done", "output_index": index, "item": self.value(index, true)}));
                }
                return events;
            }
        };
        let located = |mut event: Value| {
            event["item_id"] = json!(id);
            event["output_index"] = json!(index);
            event["content_index"] = json!(0);
            if kind == "output_text" && event["type"] != "response.content_part.added" && event["type"] != "response.content_part.done" {
                event["logprobs"] = json!([]);
            }
            event
        };
        // The document allows content parts of text and refusals only: reasoning text goes
        // straight to its deltas.
        let parts = kind == "output_text";
        if parts {
            events.push(located(json!({"type": "response.content_part.added", "part": part(kind, "")})));
        }
        for delta in deltas {
            events.push(located(json!({"type": delta_type, "delta": delta})));
        }
        if finished {
            let text = deltas.concat();
            events.push(located(json!({"type": done_type, "text": text})));
            if parts {
                events.push(located(json!({"type": "response.content_part.done", "part": part(kind, &text)})));
            }
            events.push(json!({"type": "response.output_item.done", "output_index": index, "item": self.value(index, true)}));
        }
        events
    }
}

fn output_text(text: &str) -> Value {
    json!({"type": "output_text", "text": text, "annotations": [], "logprobs": []})
}

/// A Responses API answer (`POST /responses`), streamed as the service streams it:
/// `response.created`, `response.in_progress`, then for each output item (reasoning, message,
/// function call) its `output_item.added`, content part, deltas, `…done` events and
/// `output_item.done`, then `response.completed` with the whole response; `sequence_number`
/// counts up from 0.
///
/// ```
/// use openrouter_kit_mock::ResponsesScript;
/// let script = ResponsesScript::new("openai/gpt-4o").text("Hello ").text("world");
/// assert_eq!(script.response()["output"][0]["content"][0]["text"], "Hello world");
/// ```
#[derive(Debug, Clone)]
pub struct ResponsesScript {
    model: String,
    items: Vec<Item>,
    keep_alive_first: bool,
    failure: Option<Value>,
    usage: (u64, u64),
    fidelity: Fidelity,
}

impl ResponsesScript {
    /// An empty answer by `model`.
    pub fn new(model: &str) -> Self {
        Self { model: model.into(), items: Vec::new(), keep_alive_first: false, failure: None, usage: (10, 5), fidelity: Fidelity::Service }
    }

    /// Answer like the service (the default) or strictly like the document.
    pub fn fidelity(mut self, fidelity: Fidelity) -> Self {
        self.fidelity = fidelity;
        self
    }

    /// OpenRouter's keep-alive comment (`: OPENROUTER PROCESSING`), first.
    pub fn keep_alive(mut self) -> Self {
        self.keep_alive_first = true;
        self
    }

    /// A piece of the answer's text: a delta of the current message item (a new one after
    /// another kind of item).
    pub fn text(mut self, delta: &str) -> Self {
        match self.items.last_mut() {
            Some(Item::Message { deltas }) => deltas.push(delta.into()),
            _ => self.items.push(Item::Message { deltas: vec![delta.into()] }),
        }
        self
    }

    /// A piece of reasoning: a delta of the current reasoning item.
    pub fn reasoning(mut self, delta: &str) -> Self {
        match self.items.last_mut() {
            Some(Item::Reasoning { deltas }) => deltas.push(delta.into()),
            _ => self.items.push(Item::Reasoning { deltas: vec![delta.into()] }),
        }
        self
    }

    /// A function call the model makes, its arguments in one delta.
    pub fn function_call(mut self, call_id: &str, name: &str, arguments: &str) -> Self {
        self.items.push(Item::FunctionCall { call_id: call_id.into(), name: name.into(), arguments: arguments.into() });
        self
    }

    /// The token counts the answer reports (10 and 5 unless set).
    pub fn usage(mut self, input: u64, output: u64) -> Self {
        self.usage = (input, output);
        self
    }

    /// An `error` event after what was scripted so far (its last item left unfinished); no
    /// `response.completed` follows.
    pub fn error(mut self, code: &str, message: &str) -> Self {
        self.failure = Some(json!({"type": "error", "code": code, "message": message, "param": null}));
        self
    }

    /// The whole response this script describes: what `response.completed` carries and what a
    /// request without `stream` gets.
    pub fn response(&self) -> Value {
        let output: Vec<Value> = self.items.iter().enumerate().map(|(i, item)| item.value(i, true)).collect();
        let text: String = self.items.iter().filter_map(|i| if let Item::Message { deltas } = i { Some(deltas.concat()) } else { None }).collect();
        let reasoning = self.items.iter().any(|i| matches!(i, Item::Reasoning { .. }));
        let (input, out) = self.usage;
        let mut response = self.in_progress();
        response["status"] = json!("completed");
        response["completed_at"] = json!(CREATED + 1);
        response["output"] = json!(output);
        response["output_text"] = json!(text);
        response["usage"] = json!({
            "input_tokens": input, "output_tokens": out, "total_tokens": input + out,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": if reasoning { out / 2 } else { 0 }},
            "cost": 0.00002,
        });
        self.fidelity.apply("createResponses", response)
    }

    /// The response as `response.created` and `response.in_progress` carry it.
    fn in_progress(&self) -> Value {
        json!({
            "id": "resp_mock_1", "object": "response", "created_at": CREATED, "completed_at": null, "model": self.model,
            "status": "in_progress", "output": [], "error": null, "incomplete_details": null, "instructions": null,
            "metadata": {}, "tools": [], "tool_choice": "auto", "parallel_tool_calls": true,
            "temperature": null, "top_p": null, "presence_penalty": null, "frequency_penalty": null,
        })
    }

    /// The answer as a stream.
    pub fn to_sse(&self) -> Sse {
        let mut sse = Sse::new();
        if self.keep_alive_first {
            sse = sse.keep_alive();
        }
        let mut events = vec![
            json!({"type": "response.created", "response": self.in_progress()}),
            json!({"type": "response.in_progress", "response": self.in_progress()}),
        ];
        let last = self.items.len().saturating_sub(1);
        for (index, item) in self.items.iter().enumerate() {
            events.extend(item.events(index, self.failure.is_none() || index < last));
        }
        match &self.failure {
            Some(error) => events.push(error.clone()),
            None => events.push(json!({"type": "response.completed", "response": self.response()})),
        }
        for (seq, mut event) in events.into_iter().enumerate() {
            event["sequence_number"] = json!(seq);
            sse = sse.data(&event);
        }
        if self.failure.is_none() { sse.done() } else { sse }
    }
}

/// One content block of a Messages script.
#[derive(Debug, Clone)]
enum Block {
    Thinking { deltas: Vec<String> },
    Text { deltas: Vec<String> },
    ToolUse { id: String, name: String, input: String },
}

impl Block {
    /// The block as the whole message lists it.
    fn value(&self) -> Value {
        match self {
            Block::Thinking { deltas } => {
                json!({"type": "thinking", "thinking": deltas.concat(), "signature": "sig_mock"})
            }
            Block::Text { deltas } => {
                json!({"type": "text", "text": deltas.concat(), "citations": null})
            }
            Block::ToolUse { id, name, input } => {
                let input: Value = serde_json::from_str(input).unwrap_or_else(|_| json!({}));
                json!({"type": "tool_use", "id": id, "name": name, "input": input, "caller": {"type": "direct"}})
            }
        }
    }

    /// `content_block_start`, the deltas, `content_block_stop` (not when the stream fails in it).
    fn events(&self, index: usize, finished: bool) -> Vec<(&'static str, Value)> {
        let start = match self {
            Block::Thinking { .. } => json!({"type": "thinking", "thinking": "", "signature": ""}),
            Block::Text { .. } => json!({"type": "text", "text": "", "citations": null}),
            Block::ToolUse { id, name, .. } => {
                json!({"type": "tool_use", "id": id, "name": name, "input": {}, "caller": {"type": "direct"}})
            }
        };
        let mut events = vec![("content_block_start", json!({"type": "content_block_start", "index": index, "content_block": start}))];
        let delta = |d: Value| ("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": d}));
        match self {
            Block::Thinking { deltas } => {
                events.extend(deltas.iter().map(|t| delta(json!({"type": "thinking_delta", "thinking": t}))));
                events.push(delta(json!({"type": "signature_delta", "signature": "sig_mock"})));
            }
            Block::Text { deltas } => events.extend(deltas.iter().map(|t| delta(json!({"type": "text_delta", "text": t})))),
            Block::ToolUse { input, .. } => events.push(delta(json!({"type": "input_json_delta", "partial_json": input}))),
        }
        if finished {
            events.push(("content_block_stop", json!({"type": "content_block_stop", "index": index})));
        }
        events
    }
}

/// An Anthropic Messages answer (`POST /messages`), streamed with `event:` names
/// (`message_start`, per block `content_block_start` / `…_delta` / `…_stop`, `message_delta`,
/// `message_stop`) or whole.
///
/// ```
/// use openrouter_kit_mock::MessagesScript;
/// let script = MessagesScript::new("anthropic/claude-sonnet-4").text("Hi");
/// assert_eq!(script.message()["content"][0]["text"], "Hi");
/// ```
#[derive(Debug, Clone)]
pub struct MessagesScript {
    model: String,
    blocks: Vec<Block>,
    usage: (u64, u64),
    error: Option<(String, String)>,
    fidelity: Fidelity,
}

impl MessagesScript {
    /// An empty answer by `model`.
    pub fn new(model: &str) -> Self {
        Self { model: model.into(), blocks: Vec::new(), usage: (10, 5), error: None, fidelity: Fidelity::Service }
    }

    /// Answer like the service (the default) or strictly like the document.
    pub fn fidelity(mut self, fidelity: Fidelity) -> Self {
        self.fidelity = fidelity;
        self
    }

    /// A piece of text: a delta of the current text block.
    pub fn text(mut self, delta: &str) -> Self {
        match self.blocks.last_mut() {
            Some(Block::Text { deltas }) => deltas.push(delta.into()),
            _ => self.blocks.push(Block::Text { deltas: vec![delta.into()] }),
        }
        self
    }

    /// A piece of extended thinking: a delta of the current thinking block (signed at its end).
    pub fn thinking(mut self, delta: &str) -> Self {
        match self.blocks.last_mut() {
            Some(Block::Thinking { deltas }) => deltas.push(delta.into()),
            _ => self.blocks.push(Block::Thinking { deltas: vec![delta.into()] }),
        }
        self
    }

    /// A tool use block; `input` is its JSON, streamed as one `input_json_delta`.
    pub fn tool_use(mut self, id: &str, name: &str, input: &str) -> Self {
        self.blocks.push(Block::ToolUse { id: id.into(), name: name.into(), input: input.into() });
        self
    }

    /// The token counts the answer reports (10 and 5 unless set).
    pub fn usage(mut self, input: u64, output: u64) -> Self {
        self.usage = (input, output);
        self
    }

    /// An `error` event (`overloaded_error`, …) after what was scripted; the stream ends there.
    pub fn error(mut self, kind: &str, message: &str) -> Self {
        self.error = Some((kind.into(), message.into()));
        self
    }

    fn stop_reason(&self) -> &'static str {
        if self.blocks.iter().any(|b| matches!(b, Block::ToolUse { .. })) { "tool_use" } else { "end_turn" }
    }

    fn usage_value(&self, output: u64) -> Value {
        json!({
            "input_tokens": self.usage.0, "output_tokens": output, "cache_creation_input_tokens": null,
            "cache_read_input_tokens": null, "cache_creation": null, "inference_geo": null,
            "output_tokens_details": null, "server_tool_use": null, "service_tier": "standard",
        })
    }

    /// The whole message: what a request without `stream` gets.
    pub fn message(&self) -> Value {
        let answer = json!({
            "id": "msg_mock_1", "type": "message", "role": "assistant", "model": self.model, "container": null,
            "content": self.blocks.iter().map(Block::value).collect::<Vec<_>>(),
            "stop_reason": self.stop_reason(), "stop_sequence": null, "stop_details": null,
            "usage": self.usage_value(self.usage.1),
        });
        self.fidelity.apply("createMessages", answer)
    }

    /// The answer as a stream.
    pub fn to_sse(&self) -> Sse {
        let mut start = self.message();
        start["content"] = json!([]);
        start["stop_reason"] = Value::Null;
        start["usage"] = self.usage_value(1);
        let mut sse = Sse::new().named("message_start", &json!({"type": "message_start", "message": start})).named("ping", &json!({"type": "ping"}));
        let last = self.blocks.len().saturating_sub(1);
        for (index, block) in self.blocks.iter().enumerate() {
            for (name, event) in block.events(index, self.error.is_none() || index < last) {
                sse = sse.named(name, &event);
            }
        }
        if let Some((kind, message)) = &self.error {
            return sse.named("error", &json!({"type": "error", "error": {"type": kind, "message": message}}));
        }
        let usage = json!({
            "output_tokens": self.usage.1, "input_tokens": self.usage.0, "cache_creation_input_tokens": null,
            "cache_read_input_tokens": null, "output_tokens_details": null, "server_tool_use": null,
        });
        sse.named(
            "message_delta",
            &json!({
                "type": "message_delta", "usage": usage,
                "delta": {"stop_reason": self.stop_reason(), "stop_sequence": null, "container": null, "stop_details": null},
            }),
        )
        .named("message_stop", &json!({"type": "message_stop"}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(sse: &Sse) -> Vec<Value> {
        sse.as_str()
            .split("\n\n")
            .filter_map(|block| block.lines().find_map(|l| l.strip_prefix("data: ")))
            .filter(|d| *d != "[DONE]")
            .map(|d| serde_json::from_str(d).unwrap())
            .collect()
    }

    #[test]
    fn a_responses_stream_runs_in_the_services_order_and_agrees_with_its_response() {
        let script = ResponsesScript::new("m").reasoning("Hm").text("Hello ").text("world").function_call("c1", "f", "{}");
        let events = events(&script.to_sse());
        let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.reasoning_text.delta",
                "response.reasoning_text.done",
                "response.output_item.done",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta",
                "response.output_text.delta",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ]
        );
        let numbers: Vec<u64> = events.iter().map(|e| e["sequence_number"].as_u64().unwrap()).collect();
        assert_eq!(numbers, (0..events.len() as u64).collect::<Vec<_>>());
        // The final response is the items as their `done` events gave them, and its text is the deltas'.
        let done: Vec<&Value> = events.iter().filter(|e| e["type"] == "response.output_item.done").map(|e| &e["item"]).collect();
        let completed = &events.last().unwrap()["response"];
        assert_eq!(completed["output"].as_array().unwrap().iter().collect::<Vec<_>>(), done);
        assert_eq!(completed["output"][1]["content"][0]["text"], "Hello world");
        assert_eq!(completed, &script.response());
        // Every event of an item names the item `output_item.added` announced.
        for e in &events {
            if let (Some(id), Some(i)) = (e["item_id"].as_str(), e["output_index"].as_u64()) {
                assert_eq!(completed["output"][i as usize]["id"], id, "{e}");
            }
        }
    }

    #[test]
    fn a_failing_responses_stream_ends_with_its_error_and_leaves_the_item_open() {
        let events = events(&ResponsesScript::new("m").text("Hel").error("server_error", "down").to_sse());
        let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds.last(), Some(&"error"));
        assert!(!kinds.contains(&"response.output_item.done") && !kinds.contains(&"response.completed"), "{kinds:?}");
    }

    #[test]
    fn chat_and_messages_scripts_say_the_same_whole_and_streamed() {
        let chat = ChatScript::new("m").reasoning("Hm").text("Hi").tool_call(0, "c1", "f", &["{\"a\"", ":1}"]).usage(3, 4, 0.5);
        let whole = chat.completion();
        let message = &whole["choices"][0]["message"];
        assert_eq!((message["content"].as_str(), message["reasoning"].as_str()), (Some("Hi"), Some("Hm")));
        assert_eq!(message["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
        assert_eq!(whole["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(whole["usage"]["total_tokens"], 7);
        assert!(whole.get("system_fingerprint").is_none(), "the service leaves it out");
        assert_eq!(chat.clone().fidelity(Fidelity::Document).completion()["system_fingerprint"], "fp_mock");

        let messages = MessagesScript::new("m").thinking("Hm").text("Hi").tool_use("t1", "f", "{\"a\":1}");
        let streamed = events(&messages.to_sse());
        let kinds: Vec<&str> = streamed.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds.first(), Some(&"message_start"));
        assert_eq!(kinds.last(), Some(&"message_stop"));
        assert_eq!(kinds.iter().filter(|k| **k == "content_block_start").count(), 3);
        let whole = messages.message();
        assert_eq!(whole["content"][2]["input"], json!({"a": 1}));
        assert_eq!(whole["stop_reason"], "tool_use");
    }
}
