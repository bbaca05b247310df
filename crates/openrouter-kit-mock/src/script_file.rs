//! Scripted answers from a JSON file, for the standalone server (`--script FILE`) and for tests
//! that keep their scenarios as data. The format, by example:
//!
//! ```json
//! {
//!   "routes": [
//!     {"operation": "sendChatCompletionRequest", "times": 1,
//!      "reply": {"status": 429, "json": {"error": {"code": 429, "message": "slow down"}},
//!                "headers": {"retry-after": "1"}}},
//!     {"operation": "sendChatCompletionRequest",
//!      "chat": {"model": "openai/gpt-4o", "steps": [
//!        {"reasoning": "Thinking."}, {"text": "Hello"},
//!        {"tool_call": {"index": 0, "id": "call_1", "name": "get_weather", "arguments": ["{\"city\":", "\"Paris\"}"]}},
//!        {"finish": "tool_calls"}, {"usage": {"prompt": 12, "completion": 7, "cost": 0.0001}}]}},
//!     {"operation": "createResponses", "when_body": {"model": "openai/gpt-4o"},
//!      "responses": {"model": "openai/gpt-4o", "steps": [{"text": "Hi"}, {"function_call": {"call_id": "c1", "name": "f", "arguments": "{}"}}]}},
//!     {"operation": "createMessages", "messages": {"model": "anthropic/claude-sonnet-4", "steps": [{"thinking": "Hm"}, {"text": "Hi"}]}},
//!     {"operation": "getCredits", "fault": {"stall_after": 10}}
//!   ]
//! }
//! ```
//!
//! Each route names an operation by its `operationId` and gives one of `reply` (any status,
//! `json` or `body` + `content_type`, `headers`, `delay_ms`), `fault` (`"drop"`,
//! `{"cut_after": N}`, `{"stall_after": N}`), or a script: `chat`, `responses` or `messages`,
//! whose `steps` are the script builders' calls in order (a script answers streamed requests
//! with its stream and the others with its whole answer, in the mock's [`Fidelity`](crate::Fidelity)). `times` limits a route to the next
//! N requests; `stream` (`true`/`false`) and `when_body` (a partial JSON body) narrow which
//! requests it answers. Of two routes that match a request, the earlier in the file answers
//! (until its `times` are used up); operations no route matches get their default answer.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::{ChatScript, Fault, MessagesScript, MockOpenRouter, Reply, ResponsesScript};

/// A script file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptFile {
    /// The routes, in the order they are mounted.
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
}

/// One route of a script file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// The operation's `operationId`.
    pub operation: String,
    /// Only the next N requests.
    #[serde(default)]
    pub times: Option<u64>,
    /// Only streamed (`true`) or only whole (`false`) requests.
    #[serde(default)]
    pub stream: Option<bool>,
    /// Only requests whose JSON body contains this.
    #[serde(default)]
    pub when_body: Option<Value>,
    /// An answer of your own.
    #[serde(default)]
    pub reply: Option<ReplySpec>,
    /// A failure below HTTP.
    #[serde(default)]
    pub fault: Option<FaultSpec>,
    /// A chat completion script.
    #[serde(default)]
    pub chat: Option<ScriptSpec>,
    /// A Responses API script.
    #[serde(default)]
    pub responses: Option<ScriptSpec>,
    /// An Anthropic Messages script.
    #[serde(default)]
    pub messages: Option<ScriptSpec>,
}

/// An answer of your own, in a script file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplySpec {
    /// The status (200 unless set).
    #[serde(default = "ok")]
    pub status: u16,
    /// A JSON body.
    #[serde(default)]
    pub json: Option<Value>,
    /// A body of text.
    #[serde(default)]
    pub body: Option<String>,
    /// The text body's content type (`text/plain` unless set).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Headers to send.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Answer only after this many milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

fn ok() -> u16 {
    200
}

/// A failure below HTTP, in a script file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// `"drop"`: close the connection without an answer.
    Drop,
    /// `{"cut_after": N}`: the head and N bytes of the body, then close.
    CutAfter(usize),
    /// `{"stall_after": N}`: the head and N bytes of the body, then nothing.
    StallAfter(usize),
}

/// A script: the model and the builder calls in order, each a one-key object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    /// The model the answer names (`openai/gpt-4o` unless set).
    #[serde(default = "default_model")]
    pub model: String,
    /// The script builder's calls in order, each `{"name": argument}`.
    #[serde(default)]
    pub steps: Vec<BTreeMap<String, Value>>,
}

fn default_model() -> String {
    "openai/gpt-4o".into()
}

/// Why a script file was refused: which route, which step, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError(pub String);

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScriptError {}

fn step_of(step: &BTreeMap<String, Value>) -> Result<(&str, &Value), String> {
    match step.iter().next() {
        Some((k, v)) if step.len() == 1 => Ok((k.as_str(), v)),
        _ => Err(format!("a step is an object with one key, not {step:?}")),
    }
}

fn text(v: &Value) -> Result<&str, String> {
    v.as_str().ok_or_else(|| format!("{v} is not a string"))
}

fn num(v: &Value, key: &str) -> Result<u64, String> {
    v.get(key).and_then(Value::as_u64).ok_or_else(|| format!("{v} has no integer {key:?}"))
}

fn field<'v>(v: &'v Value, key: &str) -> Result<&'v str, String> {
    v.get(key).and_then(Value::as_str).ok_or_else(|| format!("{v} has no string {key:?}"))
}

fn chat(spec: &ScriptSpec) -> Result<ChatScript, String> {
    let mut s = ChatScript::new(&spec.model);
    for step in &spec.steps {
        s = match step_of(step)? {
            ("text", v) => s.text(text(v)?),
            ("reasoning", v) => s.reasoning(text(v)?),
            ("keep_alive", _) => s.keep_alive(),
            ("finish", v) => s.finish(text(v)?),
            ("truncated", _) => s.truncated(),
            ("raw_chunk", v) => s.raw_chunk(v.clone()),
            ("usage", v) => s.usage(num(v, "prompt")?, num(v, "completion")?, v.get("cost").and_then(Value::as_f64).unwrap_or(0.0)),
            ("error", v) => s.error(v.get("code").cloned().unwrap_or(Value::from(502)), field(v, "message")?),
            ("tool_call", v) => {
                let fragments: Vec<&str> = v.get("arguments").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                let index = u32::try_from(num(v, "index")?).map_err(|e| e.to_string())?;
                s.tool_call(index, field(v, "id")?, field(v, "name")?, &fragments)
            }
            (other, _) => return Err(format!("a chat script has no step {other:?}")),
        };
    }
    Ok(s)
}

fn responses(spec: &ScriptSpec) -> Result<ResponsesScript, String> {
    let mut s = ResponsesScript::new(&spec.model);
    for step in &spec.steps {
        s = match step_of(step)? {
            ("text", v) => s.text(text(v)?),
            ("reasoning", v) => s.reasoning(text(v)?),
            ("keep_alive", _) => s.keep_alive(),
            ("usage", v) => s.usage(num(v, "input")?, num(v, "output")?),
            ("error", v) => s.error(field(v, "code")?, field(v, "message")?),
            ("function_call", v) => s.function_call(field(v, "call_id")?, field(v, "name")?, field(v, "arguments")?),
            (other, _) => return Err(format!("a responses script has no step {other:?}")),
        };
    }
    Ok(s)
}

fn messages(spec: &ScriptSpec) -> Result<MessagesScript, String> {
    let mut s = MessagesScript::new(&spec.model);
    for step in &spec.steps {
        s = match step_of(step)? {
            ("text", v) => s.text(text(v)?),
            ("thinking", v) => s.thinking(text(v)?),
            ("usage", v) => s.usage(num(v, "input")?, num(v, "output")?),
            ("error", v) => s.error(field(v, "type")?, field(v, "message")?),
            ("tool_use", v) => s.tool_use(field(v, "id")?, field(v, "name")?, field(v, "input")?),
            (other, _) => return Err(format!("a messages script has no step {other:?}")),
        };
    }
    Ok(s)
}

impl MockOpenRouter {
    /// Mounts the routes of a script file (the format is in the [module docs](self)); returns
    /// how many. Nothing is mounted if any route is wrong.
    ///
    /// # Errors
    /// A [`ScriptError`] naming the route and what is wrong with it.
    pub async fn load_script(&self, json: &str) -> Result<usize, ScriptError> {
        let file: ScriptFile = serde_json::from_str(json).map_err(|e| ScriptError(format!("the script is not valid: {e}")))?;
        // Everything is checked before anything is mounted.
        let mut mounts = Vec::new();
        for (i, route) in file.routes.iter().enumerate() {
            let wrong = |e: String| ScriptError(format!("route {i} ({}): {e}", route.operation));
            if crate::operation(&route.operation).is_none() {
                return Err(wrong("the pinned document has no such operation".into()));
            }
            let given = [route.reply.is_some(), route.fault.is_some(), route.chat.is_some(), route.responses.is_some(), route.messages.is_some()];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err(wrong("give exactly one of reply, fault, chat, responses, messages".into()));
            }
            let answers: Vec<(Option<bool>, Option<Reply>, Option<Fault>)> = if let Some(r) = &route.reply {
                let mut reply = match (&r.json, &r.body) {
                    (Some(json), None) => Reply::json(r.status, json.clone()),
                    (None, Some(body)) => Reply::status(r.status).body(body.clone(), r.content_type.as_deref().unwrap_or("text/plain")),
                    (None, None) => Reply::status(r.status),
                    (Some(_), Some(_)) => {
                        return Err(wrong("a reply has json or body, not both".into()));
                    }
                };
                for (k, v) in &r.headers {
                    reply = reply.header(k, v);
                }
                if let Some(ms) = r.delay_ms {
                    reply = reply.delay(Duration::from_millis(ms));
                }
                vec![(route.stream, Some(reply), None)]
            } else if let Some(f) = &route.fault {
                let fault = match f {
                    FaultSpec::Drop => Fault::DropConnection,
                    FaultSpec::CutAfter(n) => Fault::CutAfter(*n),
                    FaultSpec::StallAfter(n) => Fault::StallAfter(*n),
                };
                vec![(None, None, Some(fault))]
            } else {
                let (sse, whole) = if let Some(spec) = &route.chat {
                    let s = chat(spec).map_err(wrong)?.fidelity(self.fidelity());
                    (s.to_sse(), s.completion())
                } else if let Some(spec) = &route.responses {
                    let s = responses(spec).map_err(wrong)?.fidelity(self.fidelity());
                    (s.to_sse(), s.response())
                } else {
                    let s = messages(route.messages.as_ref().expect("one of the five is given")).map_err(wrong)?.fidelity(self.fidelity());
                    (s.to_sse(), s.message())
                };
                let mut both = Vec::new();
                if route.stream != Some(false) {
                    both.push((Some(true), Some(Reply::sse(sse)), None));
                }
                if route.stream != Some(true) {
                    both.push((Some(false), Some(Reply::json(200, whole)), None));
                }
                both
            };
            mounts.push((route, answers));
        }
        let count = mounts.len();
        for (route, answers) in mounts {
            for (stream, reply, fault) in answers {
                let mut r = self.on(&route.operation);
                r = match stream {
                    Some(true) => r.streaming(),
                    Some(false) => r.not_streaming(),
                    None => r,
                };
                if let Some(body) = &route.when_body {
                    r = r.when_body(body.clone());
                }
                if let Some(n) = route.times {
                    r = r.times(n);
                }
                if let Some(reply) = reply {
                    r = r.reply(reply);
                }
                if let Some(fault) = fault {
                    r = r.fault(fault);
                }
                r.mount().await;
            }
        }
        Ok(count)
    }
}
