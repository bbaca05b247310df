//! The tool loop: send, run the tools the model calls, send their results back, until the model
//! answers or a step limit is reached.
//!
//! What it keeps exactly as the model sent it: the assistant turn (its `tool_calls`, and its
//! `reasoning_details`, which providers verify on the next turn), and for the Responses API every
//! output item (reasoning items with encrypted content included). Parallel calls of one turn run
//! concurrently and their results go back in the order of the calls.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::StreamExt;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use openrouter_kit_api::types::{ChatMessages, ChatRequest, OutputItems, ResponsesRequest};

use crate::request::RequestBody;
use crate::tools::{Tool, ToolCallArguments};
use crate::{ChatAccumulator, Client, Error};

/// A handler's run: the serialized result, or the error's text.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, String>> + Send>>;
type Handler = Arc<dyn Fn(Value) -> HandlerFuture + Send + Sync>;

/// What a tool handler returns: `Result<T, ToolError>` (a plain function) or a future of one
/// (an async function), `T` anything serializable. `Kind` tells the two apart for the compiler
/// ([`SyncHandler`] or [`AsyncHandler`]); callers never name it.
#[diagnostic::on_unimplemented(
    message = "a tool handler returns `Result<T, ToolError>` or a future of one, not `{Self}`",
    label = "this is what the handler returns",
    note = "return `Ok(value)` (any `Serialize` value) from a plain function, or write the handler as `|args| async move {{ Ok(value) }}`"
)]
pub trait HandlerResult<Kind>: Send + 'static {
    /// The serialized result, or the error's text.
    fn into_output(self) -> HandlerFuture;
}

/// The [`HandlerResult`] kind of a plain function's `Result`.
#[derive(Debug)]
pub enum SyncHandler {}

/// The [`HandlerResult`] kind of an async function's future.
#[derive(Debug)]
pub enum AsyncHandler {}

impl<Out: Serialize + Send + 'static> HandlerResult<SyncHandler> for Result<Out, ToolError> {
    fn into_output(self) -> HandlerFuture {
        let output = self.map_err(|e| e.to_string()).and_then(|out| serde_json::to_value(out).map_err(|e| e.to_string()));
        Box::pin(std::future::ready(output))
    }
}

impl<Fut, Out> HandlerResult<AsyncHandler> for Fut
where
    Fut: Future<Output = Result<Out, ToolError>> + Send + 'static,
    Out: Serialize,
{
    fn into_output(self) -> HandlerFuture {
        Box::pin(async move {
            let out = self.await.map_err(|e| e.to_string())?;
            serde_json::to_value(out).map_err(|e| e.to_string())
        })
    }
}

/// Tools and the functions that run them.
#[derive(Clone, Default)]
pub struct ToolBox {
    tools: Vec<Tool>,
    handlers: BTreeMap<String, Handler>,
}

impl std::fmt::Debug for ToolBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolBox").field("tools", &self.tools.iter().map(|t| &t.name).collect::<Vec<_>>()).finish()
    }
}

impl ToolBox {
    /// An empty toolbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tool whose arguments are `Args` and whose result is anything serializable, from a plain
    /// function or an async one: the handler returns `Result<T, ToolError>` or a future of one
    /// ([`HandlerResult`]). An `Err` is a handler error (see [`HandlerErrors`]). The error type
    /// is fixed, so `Ok(x)` and `async move { Ok(x) }` need no annotation, `?` takes any
    /// `std::error::Error`, and `Err("why".into())` a message:
    ///
    /// ```
    /// # #[derive(serde::Deserialize, schemars::JsonSchema)] struct Path { path: String }
    /// let tools = openrouter_kit::ToolBox::new()
    ///     .add("size", "A file's size in bytes", |p: Path| async move { Ok(std::fs::metadata(&p.path)?.len()) })
    ///     .add("upper", "Upper-cases a path", |p: Path| if p.path.is_empty() { Err("empty".into()) } else { Ok(p.path.to_uppercase()) });
    /// assert_eq!(tools.tools().len(), 2);
    /// ```
    pub fn add<Args, F, R, Kind>(mut self, name: &str, description: &str, handler: F) -> Self
    where
        Args: JsonSchema + DeserializeOwned + Send + 'static,
        F: Fn(Args) -> R + Send + Sync + 'static,
        R: HandlerResult<Kind>,
    {
        self.tools.push(Tool::function::<Args>(name, description));
        let handler = Arc::new(handler);
        let run: Handler = Arc::new(move |arguments: Value| {
            let handler = handler.clone();
            Box::pin(async move {
                let args: Args = serde_json::from_value(arguments).map_err(|e| format!("the arguments do not fit: {e}"))?;
                handler(args).into_output().await
            })
        });
        self.handlers.insert(name.to_string(), run);
        self
    }

    /// The same as [`add`](Self::add), for a reader who wants it said that the handler is a
    /// plain function.
    pub fn add_sync<Args, F, Out>(self, name: &str, description: &str, handler: F) -> Self
    where
        Args: JsonSchema + DeserializeOwned + Send + 'static,
        F: Fn(Args) -> Result<Out, ToolError> + Send + Sync + 'static,
        Out: Serialize + Send + 'static,
    {
        self.add(name, description, handler)
    }

    /// The tools' definitions, as sent to the model.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// Run the tool `name` on `arguments` (JSON text); the result as the text sent back.
    pub async fn call(&self, name: &str, arguments: &str) -> Result<String, String> {
        let Some(handler) = self.handlers.get(name) else { return Err(format!("there is no tool named {name:?}")) };
        let text = if arguments.trim().is_empty() { "{}" } else { arguments };
        let value: Value = serde_json::from_str(text).map_err(|e| format!("the arguments are not JSON: {e}"))?;
        match handler(value).await? {
            Value::String(s) => Ok(s),
            other => Ok(other.to_string()),
        }
    }
}

/// What a failing handler (or a call of an unknown tool, or arguments that do not fit) does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HandlerErrors {
    /// Send `error: …` back as the tool's result, so the model can correct itself.
    #[default]
    ToModel,
    /// Stop the loop with [`Error::Tool`].
    ToCaller,
}

/// What happens in a loop, as it happens.
/// What a tool loop reports as it goes ([`ToolLoop::on_event`]).
#[derive(Debug, Clone, PartialEq)]
pub enum LoopEvent {
    /// A request is about to go out (1, 2, …).
    Step(usize),
    /// Answer text: a delta when streaming, the whole turn's text otherwise.
    Text(String),
    /// The model calls a tool.
    ToolCall {
        /// The call's id, which its result answers.
        id: String,
        /// The tool's name.
        name: String,
        /// The arguments as the model wrote them (JSON text).
        arguments: String,
    },
    /// A tool's result, as it goes back to the model.
    ToolResult {
        /// The id of the call it answers.
        id: String,
        /// The tool's name.
        name: String,
        /// What the handler returned (JSON text), or `error: …`.
        output: String,
        /// The handler failed, and `output` says why.
        is_error: bool,
    },
}

/// Why a loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The model answered without calling a tool.
    Answered,
    /// The step limit was reached with tool calls still coming.
    StepLimit,
}

/// The error a tool handler returns: any `std::error::Error` (through `?`), or a message
/// (`"why".into()`, `format!(…).into()`). The loop gives its text to the model, or to the caller
/// ([`HandlerErrors`]).
pub type ToolError = Box<dyn std::error::Error + Send + Sync>;

/// The result of a loop.
#[derive(Debug, Clone)]
pub struct LoopOutcome<M> {
    /// The last answer's text.
    pub text: String,
    /// The conversation: the request's messages (or input items), then every turn.
    pub transcript: Vec<M>,
    /// Requests sent.
    pub steps: usize,
    /// Why the loop stopped.
    pub stopped: Stopped,
    /// Tokens and cost summed over every request of the loop.
    pub usage: LoopUsage,
}

/// Tokens and cost summed over the requests of a tool loop (a request whose answer gave no
/// usage adds nothing, and is counted in `requests_without_usage`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoopUsage {
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens, reasoning included.
    pub completion_tokens: u64,
    /// All tokens.
    pub total_tokens: u64,
    /// In credits, as OpenRouter reports it per request.
    pub cost: f64,
    /// Answers that reported no usage, so that a total known to be partial says so.
    pub requests_without_usage: usize,
}

impl LoopUsage {
    fn add(&mut self, prompt: Option<i64>, completion: Option<i64>, total: Option<i64>, cost: Option<f64>) {
        if prompt.is_none() && completion.is_none() && total.is_none() && cost.is_none() {
            self.requests_without_usage += 1;
            return;
        }
        let n = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        self.prompt_tokens += n(prompt);
        self.completion_tokens += n(completion);
        self.total_tokens += total.map_or(n(prompt) + n(completion), |t| n(Some(t)));
        self.cost += cost.unwrap_or(0.0);
    }

    fn add_chat(&mut self, usage: Option<&openrouter_kit_api::types::ChatUsage>) {
        match usage {
            Some(u) => self.add(u.prompt_tokens, u.completion_tokens, u.total_tokens, u.cost),
            None => self.requests_without_usage += 1,
        }
    }

    fn add_responses(&mut self, usage: Option<&openrouter_kit_api::types::Usage>) {
        match usage.and_then(|u| u.0.as_ref()) {
            Some(u) => self.add(u.input_tokens, u.output_tokens, u.total_tokens, u.cost),
            None => self.requests_without_usage += 1,
        }
    }
}

type Observer<'a> = Box<dyn FnMut(&LoopEvent) + Send + 'a>;

/// The endpoint a loop talks to: chat completions.
#[derive(Debug)]
pub struct ChatEndpoint;
/// The endpoint a loop talks to: the Responses API.
#[derive(Debug)]
pub struct ResponsesEndpoint;

/// A configured loop; start one with [`crate::chat::Chat::tool_loop`] or
/// [`crate::responses::Responses::tool_loop`], then `run`.
pub struct ToolLoop<'a, E> {
    client: &'a Client,
    tools: &'a ToolBox,
    max_steps: usize,
    errors: HandlerErrors,
    stream: bool,
    observer: Option<Observer<'a>>,
    usage: LoopUsage,
    endpoint: std::marker::PhantomData<E>,
}

impl<'a, E> ToolLoop<'a, E> {
    pub(crate) fn new(client: &'a Client, tools: &'a ToolBox) -> Self {
        Self {
            client,
            tools,
            max_steps: 8,
            errors: HandlerErrors::ToModel,
            stream: false,
            observer: None,
            usage: LoopUsage::default(),
            endpoint: std::marker::PhantomData,
        }
    }

    /// Requests at most (default 8).
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n.max(1);
        self
    }

    /// Where a failing tool's error goes: back to the model (default) or to the caller.
    pub fn handler_errors(mut self, errors: HandlerErrors) -> Self {
        self.errors = errors;
        self
    }

    /// Stream each turn, reporting text deltas as [`LoopEvent::Text`] as they come.
    pub fn stream(mut self, on: bool) -> Self {
        self.stream = on;
        self
    }

    /// Be told of each step, text, call and result.
    pub fn on_event(mut self, observer: impl FnMut(&LoopEvent) + Send + 'a) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    fn emit(&mut self, event: LoopEvent) {
        if let Some(o) = &mut self.observer {
            o(&event);
        }
    }

    /// Run the calls of one turn concurrently; results in call order.
    async fn run_calls(&mut self, calls: Vec<(String, String, String)>) -> Result<Vec<(String, String)>, Error> {
        for (id, name, arguments) in &calls {
            self.emit(LoopEvent::ToolCall { id: id.clone(), name: name.clone(), arguments: arguments.clone() });
        }
        let tools = self.tools;
        let results = futures_util::future::join_all(calls.iter().map(|(_, name, args)| tools.call(name, args))).await;
        let mut out = Vec::new();
        for ((id, name, _), result) in calls.into_iter().zip(results) {
            let (output, is_error) = match result {
                Ok(output) => (output, false),
                Err(message) if self.errors == HandlerErrors::ToCaller => return Err(Error::Tool { name, message }),
                Err(message) => (format!("error: {message}"), true),
            };
            self.emit(LoopEvent::ToolResult { id: id.clone(), name, output: output.clone(), is_error });
            out.push((id, output));
        }
        Ok(out)
    }

}

impl ToolLoop<'_, ChatEndpoint> {
    /// Run a chat conversation. The toolbox's tools are added to the request's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::{ChatRequestBuilder, ToolBox, schemars::JsonSchema};
    /// use openrouter_kit_mock::{ChatScript, Reply};
    /// #[derive(serde::Deserialize, JsonSchema)]
    /// struct City { city: String }
    ///
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// // The model calls the tool once, then answers.
    /// let call = ChatScript::new("openai/gpt-4o").tool_call(0, "c1", "get_weather", &[r#"{"city":"Paris"}"#]).completion();
    /// mock.on("sendChatCompletionRequest").times(1).reply(Reply::json(200, call)).mount().await;
    /// mock.chat_reply("Sunny in Paris.").await;
    ///
    /// let tools = ToolBox::new().add_sync("get_weather", "The weather in a city", |c: City| Ok(format!("sunny in {}", c.city)));
    /// let request = ChatRequestBuilder::new("openai/gpt-4o").user("Weather in Paris?").build()?;
    /// let outcome = mock.client().chat().tool_loop(&tools).max_steps(4).run(&request).await?;
    /// assert_eq!((outcome.text.as_str(), outcome.steps), ("Sunny in Paris.", 2));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run(mut self, request: &RequestBody<ChatRequest>) -> Result<LoopOutcome<ChatMessages>, Error> {
        let mut request = request.clone();
        request.request.tools.extend(self.tools.tools().iter().map(Tool::to_chat));
        let mut text = String::new();
        for step in 1..=self.max_steps {
            self.emit(LoopEvent::Step(step));
            let (turn_text, assistant, calls) = if self.stream { self.chat_turn_streamed(&request).await? } else { self.chat_turn(&request).await? };
            text = turn_text;
            if calls.is_empty() {
                request.request.messages.push(assistant);
                return Ok(LoopOutcome { text, transcript: request.request.messages, steps: step, stopped: Stopped::Answered, usage: self.usage });
            }
            request.request.messages.push(assistant);
            for (id, output) in self.run_calls(calls).await? {
                request.request.messages.push(crate::request::tool_message(id, output));
            }
        }
        Ok(LoopOutcome { text, transcript: request.request.messages, steps: self.max_steps, stopped: Stopped::StepLimit, usage: self.usage })
    }

    /// One turn, whole: the text, the assistant message as sent (to go back unchanged), the calls.
    async fn chat_turn(&mut self, request: &RequestBody<ChatRequest>) -> Result<(String, ChatMessages, Vec<(String, String, String)>), Error> {
        let completion = self.client.chat().create(request).await?;
        self.usage.add_chat(completion.usage.as_ref());
        let text = completion.text();
        if !text.is_empty() {
            self.emit(LoopEvent::Text(text.clone()));
        }
        let message = completion.choices.iter().next().and_then(|c| c.message.as_ref());
        let calls = message
            .iter()
            .flat_map(|m| m.tool_calls.iter().flatten())
            .map(|c| (c.call_id().unwrap_or_default().to_string(), c.tool_name().unwrap_or_default().to_string(), c.arguments_text().to_string()))
            .collect();
        // The message as received, as a caller carrying the answer into the next turn sends it.
        let assistant = crate::IntoAssistantMessage::into_assistant_message(&completion);
        Ok((text, assistant, calls))
    }

    /// One turn, streamed and folded: text deltas reported as they come.
    async fn chat_turn_streamed(&mut self, request: &RequestBody<ChatRequest>) -> Result<(String, ChatMessages, Vec<(String, String, String)>), Error> {
        let mut stream = self.client.chat().stream(request).await?;
        let mut acc = ChatAccumulator::new();
        while let Some(chunk) = stream.next().await {
            let delta = acc.push(&chunk?).to_string();
            if !delta.is_empty() {
                self.emit(LoopEvent::Text(delta));
            }
        }
        self.usage.add_chat(acc.usage.as_ref());
        let calls: Vec<(String, String, String)> = acc
            .tool_calls
            .iter()
            .map(|c| (c.id.clone().unwrap_or_default(), c.name.clone().unwrap_or_default(), c.arguments.clone()))
            .collect();
        // The same message a caller carrying the stream into the next turn sends.
        let assistant = acc.to_message();
        Ok((acc.content, assistant, calls))
    }

}

impl ToolLoop<'_, ResponsesEndpoint> {
    /// Run a Responses API conversation (stateless: each request carries the whole input).
    pub async fn run(mut self, request: &RequestBody<ResponsesRequest>) -> Result<LoopOutcome<Value>, Error> {
        let mut body = serde_json::to_value(request).map_err(|e| Error::Config(e.to_string()))?;
        let mut input: Vec<Value> = match body.get("input") {
            Some(Value::String(text)) => vec![json!({"type": "message", "role": "user", "content": text})],
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let mut tools: Vec<Value> = body.get("tools").and_then(Value::as_array).cloned().unwrap_or_default();
        tools.extend(self.tools.tools().iter().map(|t| serde_json::to_value(t.to_responses()).unwrap_or_default()));
        body["tools"] = Value::Array(tools);
        let mut text = String::new();
        for step in 1..=self.max_steps {
            self.emit(LoopEvent::Step(step));
            body["input"] = Value::Array(input.clone());
            let response = if self.stream { self.responses_turn_streamed(&body).await? } else { self.client.responses().create(&body).await? };
            self.usage.add_responses(response.usage.as_ref());
            text = response.output_text();
            if !text.is_empty() && !self.stream {
                self.emit(LoopEvent::Text(text.clone()));
            }
            let mut calls = Vec::new();
            for item in response.output.iter() {
                // Every output item goes back as it came (reasoning with its encrypted content too).
                input.push(serde_json::to_value(item).unwrap_or_default());
                if let OutputItems::FunctionCall(call) = item {
                    calls.push((call.call_id().unwrap_or_default().to_string(), call.tool_name().unwrap_or_default().to_string(), call.arguments_text().to_string()));
                }
            }
            if calls.is_empty() {
                return Ok(LoopOutcome { text, transcript: input, steps: step, stopped: Stopped::Answered, usage: self.usage });
            }
            for (id, output) in self.run_calls(calls).await? {
                input.push(json!({"type": "function_call_output", "call_id": id, "output": output}));
            }
        }
        Ok(LoopOutcome { text, transcript: input, steps: self.max_steps, stopped: Stopped::StepLimit, usage: self.usage })
    }

    /// One turn streamed: text deltas reported, the response taken from the event that ends
    /// the stream (`response.completed`, or `incomplete`/`failed`, which carry it too).
    async fn responses_turn_streamed(&mut self, body: &Value) -> Result<openrouter_kit_api::types::OpenResponsesResult, Error> {
        use openrouter_kit_api::types::StreamEvents as E;
        let mut events = self.client.responses().stream(body).await?;
        let mut last = None;
        while let Some(event) = events.next().await {
            match event? {
                E::ResponseOutputTextDelta(d) => {
                    if let Some(delta) = d.delta.filter(|d| !d.is_empty()) {
                        self.emit(LoopEvent::Text(delta));
                    }
                }
                E::ResponseCompleted(e) => last = e.response,
                E::ResponseIncomplete(e) => last = e.response,
                E::ResponseFailed(e) => last = e.response,
                _ => {}
            }
        }
        last.ok_or(Error::Stream(crate::StreamError::Truncated))
    }
}
