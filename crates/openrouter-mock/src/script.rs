//! Scripted server-sent event streams for chat completions, the Responses API and Messages, in
//! the shapes OpenRouter sends (see `notes/openrouter-behaviour.md` of the workspace): keep-alive
//! comments, `[DONE]`, usage in a last chunk, errors in the middle of a stream.

use serde_json::{Value, json};

/// Raw SSE text, built event by event.
#[derive(Debug, Clone, Default)]
pub struct Sse {
    text: String,
}

impl Sse {
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

    pub fn done(self) -> Self {
        self.raw("data: [DONE]\n\n")
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A chat completion stream (`POST /chat/completions` with `stream: true`).
///
/// ```
/// use openrouter_mock::ChatScript;
/// let script = ChatScript::new("openai/gpt-4o").keep_alive().text("Hel").text("lo").usage(5, 2, 0.0001);
/// assert!(script.to_sse().as_str().ends_with("data: [DONE]\n\n"));
/// ```
#[derive(Debug, Clone)]
pub struct ChatScript {
    id: String,
    model: String,
    sse: Sse,
    finished: bool,
    done: bool,
}

impl ChatScript {
    pub fn new(model: &str) -> Self {
        Self { id: "gen-mock-1".into(), model: model.into(), sse: Sse::new(), finished: false, done: true }
    }

    fn chunk(mut self, choices: Value, extra: Option<(&str, Value)>) -> Self {
        let mut chunk = json!({
            "id": self.id, "object": "chat.completion.chunk", "created": 1_767_225_600,
            "model": self.model, "provider": "MockProvider", "choices": choices,
        });
        if let Some((k, v)) = extra {
            chunk[k] = v;
        }
        self.sse = self.sse.data(&chunk);
        self
    }

    fn delta(self, delta: Value) -> Self {
        self.chunk(json!([{"index": 0, "delta": delta, "finish_reason": null}]), None)
    }

    pub fn keep_alive(mut self) -> Self {
        self.sse = self.sse.keep_alive();
        self
    }

    /// A chunk of your own (new fields, odd values), as is.
    pub fn raw_chunk(mut self, chunk: Value) -> Self {
        self.sse = self.sse.data(&chunk);
        self
    }

    /// A piece of the answer's text.
    pub fn text(self, text: &str) -> Self {
        self.delta(json!({"role": "assistant", "content": text}))
    }

    /// A piece of reasoning, with its `reasoning_details` entry.
    pub fn reasoning(self, text: &str) -> Self {
        self.delta(json!({
            "role": "assistant", "content": "", "reasoning": text,
            "reasoning_details": [{"type": "reasoning.text", "text": text, "format": "unknown", "index": 0}],
        }))
    }

    /// A tool call sent in pieces: the first fragment names it, each later one adds arguments.
    pub fn tool_call(mut self, index: u32, id: &str, name: &str, argument_fragments: &[&str]) -> Self {
        let first = json!({"index": index, "id": id, "type": "function", "function": {"name": name, "arguments": ""}});
        self = self.delta(json!({"role": "assistant", "tool_calls": [first]}));
        for fragment in argument_fragments {
            self = self.delta(json!({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]}));
        }
        self
    }

    /// The last content chunk's finish reason (`stop`, `tool_calls`, `length`, …).
    pub fn finish(mut self, reason: &str) -> Self {
        self.finished = true;
        self.chunk(json!([{"index": 0, "delta": {}, "finish_reason": reason}]), None)
    }

    /// The usage-only final chunk (empty `choices`), cost included. Finishes with `stop` first if
    /// no finish reason was scripted.
    pub fn usage(mut self, prompt: u64, completion: u64, cost: f64) -> Self {
        if !self.finished {
            self = self.finish("stop");
        }
        let usage = json!({
            "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion, "cost": cost,
        });
        self.chunk(json!([]), Some(("usage", usage)))
    }

    /// An error in the middle of the stream, as OpenRouter sends it once the `200` is out: a
    /// chunk with a top-level `error` and `finish_reason: "error"`. The stream ends there.
    pub fn error(mut self, code: Value, message: &str) -> Self {
        let error = json!({"code": code, "message": message, "metadata": {"provider_name": "MockProvider"}});
        self.done = false;
        self.chunk(json!([{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]), Some(("error", error)))
    }

    /// End without `[DONE]`, as a connection cut by a proxy would.
    pub fn truncated(mut self) -> Self {
        self.done = false;
        self
    }

    pub fn to_sse(&self) -> Sse {
        let sse = self.sse.clone();
        if self.done { sse.done() } else { sse }
    }
}

/// A Responses API stream (`POST /responses` with `stream: true`): `response.created`, the
/// scripted deltas, then `response.completed` with the whole response.
#[derive(Debug, Clone)]
pub struct ResponsesScript {
    model: String,
    events: Vec<Value>,
    text: String,
    output: Vec<Value>,
    keep_alive_first: bool,
    failure: Option<Value>,
    usage: Value,
}

impl ResponsesScript {
    pub fn new(model: &str) -> Self {
        Self {
            model: model.into(),
            events: Vec::new(),
            text: String::new(),
            output: Vec::new(),
            keep_alive_first: false,
            failure: None,
            usage: json!({"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}),
        }
    }

    pub fn keep_alive(mut self) -> Self {
        self.keep_alive_first = true;
        self
    }

    pub fn text(mut self, delta: &str) -> Self {
        self.text.push_str(delta);
        self.events.push(json!({
            "type": "response.output_text.delta", "item_id": "msg_mock_1", "output_index": 0,
            "content_index": 0, "delta": delta, "logprobs": [],
        }));
        self
    }

    pub fn reasoning(mut self, delta: &str) -> Self {
        self.events.push(json!({
            "type": "response.reasoning_text.delta", "item_id": "rs_mock_1", "output_index": 0,
            "content_index": 0, "delta": delta,
        }));
        self
    }

    /// A function call the model makes, streamed as one arguments delta and a done item.
    pub fn function_call(mut self, call_id: &str, name: &str, arguments: &str) -> Self {
        let item = json!({
            "type": "function_call", "id": format!("fc_{call_id}"), "call_id": call_id, "name": name,
            "arguments": arguments, "status": "completed",
        });
        let index = self.output.len() + 1;
        self.events.push(json!({
            "type": "response.function_call_arguments.delta", "item_id": format!("fc_{call_id}"),
            "output_index": index, "delta": arguments,
        }));
        self.events.push(json!({"type": "response.output_item.done", "output_index": index, "item": item}));
        self.output.push(item);
        self
    }

    pub fn usage(mut self, input: u64, output: u64) -> Self {
        self.usage = json!({"input_tokens": input, "output_tokens": output, "total_tokens": input + output});
        self
    }

    /// An `error` event after what was scripted so far; no `response.completed` follows.
    pub fn error(mut self, code: &str, message: &str) -> Self {
        self.failure = Some(json!({"type": "error", "code": code, "message": message, "param": null}));
        self
    }

    /// The whole response this stream describes (what `response.completed` carries).
    pub fn response(&self) -> Value {
        let mut output = Vec::new();
        if !self.text.is_empty() {
            output.push(json!({
                "type": "message", "id": "msg_mock_1", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": self.text, "annotations": []}],
            }));
        }
        output.extend(self.output.iter().cloned());
        json!({
            "id": "resp_mock_1", "object": "response", "created_at": 1_767_225_600, "model": self.model,
            "status": "completed", "output": output, "usage": self.usage,
        })
    }

    pub fn to_sse(&self) -> Sse {
        let mut sse = Sse::new();
        if self.keep_alive_first {
            sse = sse.keep_alive();
        }
        let mut started = self.response();
        started["status"] = json!("in_progress");
        started["output"] = json!([]);
        let mut seq = 0;
        let mut next = |mut event: Value| {
            event["sequence_number"] = json!(seq);
            seq += 1;
            event
        };
        sse = sse.data(&next(json!({"type": "response.created", "response": started})));
        for event in &self.events {
            sse = sse.data(&next(event.clone()));
        }
        match &self.failure {
            Some(error) => sse.data(&next(error.clone())),
            None => sse.data(&next(json!({"type": "response.completed", "response": self.response()}))).done(),
        }
    }
}

/// An Anthropic Messages stream (`POST /messages` with `stream: true`), with `event:` names.
#[derive(Debug, Clone)]
pub struct MessagesScript {
    model: String,
    deltas: Vec<String>,
    error: Option<(String, String)>,
}

impl MessagesScript {
    pub fn new(model: &str) -> Self {
        Self { model: model.into(), deltas: Vec::new(), error: None }
    }

    pub fn text(mut self, delta: &str) -> Self {
        self.deltas.push(delta.into());
        self
    }

    /// An `error` event (`overloaded_error`, …) after the text; the stream ends there.
    pub fn error(mut self, kind: &str, message: &str) -> Self {
        self.error = Some((kind.into(), message.into()));
        self
    }

    pub fn to_sse(&self) -> Sse {
        let message = json!({
            "id": "msg_mock_1", "type": "message", "role": "assistant", "content": [], "model": self.model,
            "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 1},
        });
        let mut sse = Sse::new()
            .named("message_start", &json!({"type": "message_start", "message": message}))
            .named("content_block_start", &json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}))
            .named("ping", &json!({"type": "ping"}));
        for d in &self.deltas {
            sse = sse.named("content_block_delta", &json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": d}}));
        }
        if let Some((kind, message)) = &self.error {
            return sse.named("error", &json!({"type": "error", "error": {"type": kind, "message": message}}));
        }
        sse.named("content_block_stop", &json!({"type": "content_block_stop", "index": 0}))
            .named("message_delta", &json!({
                "type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                "usage": {"output_tokens": self.deltas.len()},
            }))
            .named("message_stop", &json!({"type": "message_stop"}))
    }
}
