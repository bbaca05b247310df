//! Building requests: typed where the document describes a field, open where it does not.
//!
//! [`ChatRequestBuilder`] fills the generated [`ChatRequest`] (every field of the document is
//! reachable through [`ChatRequestBuilder::with`]) and merges [`extra`](ChatRequestBuilder::extra)
//! JSON over it, for fields OpenRouter accepts before its document lists them (the docs' chat
//! `reasoning.max_tokens`/`exclude`/`enabled`, for one).

use serde::Serialize;

use crate::content::Part;
use serde_json::{Map, Value, json};

use openrouter_kit_api::types::{
    ChatFunctionTool, ChatMessages, ChatModelNames, ChatRequest, ChatRequestStop, ChatToolChoice, Inputs, ModelName,
    ProviderPreferences, ResponsesRequest,
};

/// A chat message from a role and text, as the generated union. A role this document's union
/// does not take as plain text becomes its `Unknown` form (which serializes the same JSON), so
/// it never fails.
pub fn message(role: &str, text: impl Into<String>) -> ChatMessages {
    use openrouter_kit_api::types as t;
    let (content, name, extra) = (text.into(), None, openrouter_kit_api::Extra::new());
    // The roles every conversation uses are built in place (a `Value` and its decode cost more
    // than the rest of a call's request building); any other role goes through the document's
    // own decode, which knows what it needs.
    match role {
        "user" => ChatMessages::User(t::ChatUserMessage {
            content: t::ChatUserMessageContent::String(content),
            name,
            role: t::ChatUserMessageRole::User,
            extra,
        }),
        "system" => ChatMessages::System(t::ChatSystemMessage {
            content: t::ChatSystemMessageContent::String(content),
            name,
            role: t::ChatSystemMessageRole::System,
            extra,
        }),
        "developer" => ChatMessages::Developer(t::ChatDeveloperMessage {
            content: t::ChatDeveloperMessageContent::String(content),
            name,
            role: t::ChatDeveloperMessageRole::Developer,
            extra,
        }),
        _ => message_value(json!({"role": role, "content": content})),
    }
}

/// A `tool` message answering the call `call_id`.
pub fn tool_message(call_id: impl Into<String>, content: impl Into<String>) -> ChatMessages {
    message_value(json!({"role": "tool", "tool_call_id": call_id.into(), "content": content.into()}))
}

pub(crate) fn message_value(value: Value) -> ChatMessages {
    use serde::Deserialize as _;
    ChatMessages::deserialize(&value).unwrap_or(ChatMessages::Unknown(value))
}

/// A request ready to send: the typed request with extra fields merged over it.
#[derive(Debug, Clone)]
pub struct RequestBody<T> {
    /// The typed request. Boxed: a generated request is large (a chat request is 1.8 KB), and a
    /// request held across `.await` or passed by value would otherwise be copied whole at every
    /// step (measured: 14 KB of copies per call between the builder and the send).
    pub request: Box<T>,
    /// Fields the document does not have (yet), merged over `request` when sent.
    pub extra: Map<String, Value>,
}

/// A chat completion request, ready to send.
pub type ChatRequestBody = RequestBody<ChatRequest>;
/// A Responses API request, ready to send.
pub type ResponsesRequestBody = RequestBody<ResponsesRequest>;

impl<T: Serialize> Serialize for RequestBody<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        merged(&self.request, &self.extra, serializer)
    }
}

/// `request` with `extra` merged over it (as is when there is nothing to merge).
fn merged<T: Serialize, S: serde::Serializer>(request: &T, extra: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
    if extra.is_empty() {
        return request.serialize(serializer);
    }
    let mut value = serde_json::to_value(request).map_err(serde::ser::Error::custom)?;
    if let Some(object) = value.as_object_mut() {
        merge(object, extra);
    }
    value.serialize(serializer)
}

/// Objects merge key by key (so `extra("reasoning", {max_tokens})` keeps a typed `effort`);
/// anything else replaces.
fn merge(target: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (k, v) in extra {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(e)) => merge(t, e),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Builds a request of the generated type `T`: every field is reachable through
/// [`with`](Self::with), fields the document lacks through [`extra`](Self::extra); the
/// endpoint-specific setters are on [`ChatRequestBuilder`] and [`ResponsesRequestBuilder`].
#[derive(Debug, Clone)]
pub struct RequestBuilder<T> {
    /// `Err` only if this version's generated request cannot start empty; `build` reports it.
    /// Boxed so that each by-value builder step moves a pointer (see [`RequestBody::request`]).
    request: Result<Box<T>, String>,
    extra: Map<String, Value>,
}

/// Builds a chat completion request: `ChatRequestBuilder::new(model).system(..).user(..).build()?` (or pass the builder itself).
pub type ChatRequestBuilder = RequestBuilder<ChatRequest>;
/// Builds a Responses API request: `ResponsesRequestBuilder::new(model).input(..).build()?`.
pub type ResponsesRequestBuilder = RequestBuilder<ResponsesRequest>;

/// A builder is accepted wherever a request is (`client.chat().create(&builder)`): it sends
/// what [`build`](RequestBuilder::build) would give; a builder that cannot build fails the call
/// with that error ([`crate::Error::Config`]) instead.
impl<T: Serialize> Serialize for RequestBuilder<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.request {
            Ok(request) => merged(request, &self.extra, serializer),
            Err(e) => Err(serde::ser::Error::custom(format!("cannot start the request: {e}"))),
        }
    }
}

impl<T: serde::de::DeserializeOwned> RequestBuilder<T> {
    /// The empty request, built in place. The generator derives `Default` for a request whose
    /// every field is optional or a list; should a document make a field required, this stops
    /// compiling at regeneration, rather than every request failing at run time.
    fn empty() -> Self
    where
        T: Default,
    {
        Self { request: Ok(Box::default()), extra: Map::new() }
    }

    /// Any field of the document's request, typed: `.with(|r| r.top_k = Some(40))`.
    pub fn with(mut self, edit: impl FnOnce(&mut T)) -> Self {
        if let Ok(request) = &mut self.request {
            edit(request);
        }
        self
    }

    /// A field the document does not describe (yet), merged over the typed request (objects key
    /// by key).
    pub fn extra(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// Set field `key` typed from `value`; if this version's type cannot hold the value, send it
    /// as given through [`extra`](Self::extra) rather than drop it.
    fn typed_or_extra<V: serde::de::DeserializeOwned>(self, key: &str, value: Value, assign: impl FnOnce(&mut T, V)) -> Self {
        match serde_json::from_value(value.clone()) {
            Ok(typed) => self.with(|r| assign(r, typed)),
            Err(_) => self.extra(key, value),
        }
    }

    /// The request, or [`crate::Error::Config`] if this version's generated request type cannot
    /// be started empty (a required field the builder does not know).
    pub fn build(self) -> Result<RequestBody<T>, crate::Error> {
        let request = self.request.map_err(|e| crate::Error::Config(format!("cannot start the request: {e}")))?;
        Ok(RequestBody { request, extra: self.extra })
    }
}

impl RequestBuilder<ChatRequest> {
    /// A request for `model` with no messages yet.
    pub fn new(model: impl Into<String>) -> Self {
        let model = ModelName(model.into());
        Self::empty().with(|r| r.model = Some(model))
    }

    /// Any message of the generated union (see [`message`] and [`tool_message`]).
    pub fn message(self, message: impl Into<ChatMessages>) -> Self {
        let message = message.into();
        self.with(|r| r.messages.push(message))
    }

    /// A system message.
    pub fn system(self, text: impl Into<String>) -> Self {
        self.message(message("system", text))
    }

    /// A developer message (what newer OpenAI models take instead of system).
    pub fn developer(self, text: impl Into<String>) -> Self {
        self.message(message("developer", text))
    }

    /// A user message of text.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message(message("user", text))
    }

    /// An assistant message of text (to carry a whole answer with its tool calls, use [`assistant_message`](Self::assistant_message)).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message(message("assistant", text))
    }

    /// The assistant's answer of the previous turn, as it came: a [`ChatResult`](openrouter_kit_api::types::ChatResult),
    /// a [`ChatAccumulator`](crate::ChatAccumulator) of a stream, or a message (tool calls and
    /// `reasoning_details` kept; see [`crate::conversation`]).
    pub fn assistant_message(self, answer: impl crate::IntoAssistantMessage) -> Self {
        self.message(answer.into_assistant_message())
    }

    /// A user message of several parts: text, images, files, audio.
    /// `.user_parts([Part::text("What is this?"), Part::image_file("cat.jpg")?])`
    pub fn user_parts<I: IntoIterator<Item = P>, P: Into<Part>>(self, parts: I) -> Self {
        let content: Vec<Value> = parts.into_iter().map(|p| p.into().to_chat()).collect();
        self.message(message_value(json!({"role": "user", "content": content})))
    }

    /// The result of the tool call `call_id`, sent back as a `tool` message.
    pub fn tool_result(self, call_id: impl Into<String>, content: impl Into<String>) -> Self {
        self.message(tool_message(call_id, content))
    }

    /// Models to fall back to, in order, if the primary fails (the response's `model` says which
    /// answered).
    pub fn fallbacks<I: IntoIterator<Item = S>, S: Into<String>>(self, models: I) -> Self {
        let models = ChatModelNames(models.into_iter().map(|m| ModelName(m.into())).collect());
        self.with(|r| r.models = Some(models))
    }

    /// Sampling temperature (0–2).
    pub fn temperature(self, t: f64) -> Self {
        self.with(|r| r.temperature = Some(t))
    }

    /// Nucleus sampling: only the tokens of this much probability mass.
    pub fn top_p(self, p: f64) -> Self {
        self.with(|r| r.top_p = Some(p))
    }

    /// At most this many tokens in the answer.
    pub fn max_tokens(self, n: i64) -> Self {
        self.with(|r| r.max_tokens = Some(n))
    }

    /// A seed, for providers that sample deterministically with one.
    pub fn seed(self, seed: i64) -> Self {
        self.with(|r| r.seed = Some(seed))
    }

    /// Stop generating at any of these strings.
    pub fn stop<I: IntoIterator<Item = S>, S: Into<String>>(self, stop: I) -> Self {
        let stop = ChatRequestStop::Array(stop.into_iter().map(Into::into).collect());
        self.with(|r| r.stop = Some(stop))
    }

    /// Return log probabilities of the answer's tokens, and of the `top` likeliest at each.
    pub fn logprobs(self, top: Option<i64>) -> Self {
        self.with(|r| {
            r.logprobs = Some(true);
            r.top_logprobs = top;
        })
    }

    /// A tool: a [`crate::Tool`] (`Tool::function::<Args>(name, description)`) or any generated
    /// tool (server tools such as `openrouter:web_search`).
    pub fn tool(self, tool: impl Into<ChatFunctionTool>) -> Self {
        let tool = tool.into();
        self.with(|r| r.tools.push(tool))
    }

    /// Whether and which tool the model must call.
    pub fn tool_choice(self, choice: ChatToolChoice) -> Self {
        self.with(|r| r.tool_choice = Some(choice))
    }

    /// Provider routing preferences (order, only, ignore, sort, max price, …).
    pub fn provider(self, provider: ProviderPreferences) -> Self {
        self.with(|r| r.provider = Some(provider))
    }

    /// Reasoning effort (`minimal`, `low`, `medium`, `high`, …; unknown values are sent as given).
    pub fn reasoning_effort(self, effort: &str) -> Self {
        self.typed_or_extra("reasoning", json!({"effort": effort}), |r, v| r.reasoning = Some(v))
    }

    /// Any JSON object as the answer (`response_format: json_object`); for a typed answer use
    /// [`crate::chat::Chat::parse`].
    pub fn json_object(self) -> Self {
        self.typed_or_extra("response_format", json!({"type": "json_object"}), |r, v| r.response_format = Some(v))
    }

    /// A plugin (`{"id": "web", "max_results": 3}`, `{"id": "file-parser", …}`, …).
    pub fn plugin(self, plugin: Value) -> Self {
        let plugin = serde_json::from_value(plugin.clone()).unwrap_or(openrouter_kit_api::types::ChatRequestPluginsItem::Unknown(plugin));
        self.with(|r| r.plugins.push(plugin))
    }

    /// Whether the model may call several tools in one turn.
    pub fn parallel_tool_calls(self, on: bool) -> Self {
        self.with(|r| r.parallel_tool_calls = Some(on))
    }

    /// A per-request session id (sticky routing), over the client's default.
    pub fn session_id(self, id: impl Into<String>) -> Self {
        let id = id.into();
        self.with(|r| r.session_id = Some(id))
    }

    /// Your end user's id (`user`), for abuse tracking and per-user caching.
    pub fn user_id(self, user: impl Into<String>) -> Self {
        let user = user.into();
        self.with(|r| r.user = Some(user))
    }
}

impl RequestBuilder<ResponsesRequest> {
    /// A Responses API request for `model`.
    pub fn new(model: impl Into<String>) -> Self {
        let model = model.into();
        Self::empty().with(|r| r.model = Some(model))
    }

    /// The input as plain text.
    pub fn input(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.with(|r| r.input = Some(Inputs::String(text)))
    }

    /// The input as one user message of several parts (text, images, files, audio).
    pub fn input_parts<I: IntoIterator<Item = P>, P: Into<Part>>(self, parts: I) -> Self {
        let content: Vec<Value> = parts.into_iter().map(|p| p.into().to_responses()).collect();
        self.input_items([json!({"type": "message", "role": "user", "content": content})])
    }

    /// Input items as JSON (messages, `function_call_output`s, items of an earlier response
    /// sent back). Typed when they match the document; otherwise sent as given.
    /// The previous answer's output items (messages, reasoning, function calls, as received),
    /// appended to this request's input as the next turn's history: a text input becomes a
    /// user message first. Add the function call outputs and the next question after it.
    pub fn previous_output(self, answer: &openrouter_kit_api::types::OpenResponsesResult) -> Self {
        let mut items: Vec<Value> = match (self.request.as_ref().ok().and_then(|r| r.input.as_ref()), self.extra.get("input")) {
            (_, Some(Value::Array(raw))) => raw.clone(),
            (Some(Inputs::String(text)), _) => vec![json!({"role": "user", "content": text})],
            (Some(Inputs::Array(typed)), _) => typed.iter().filter_map(|i| serde_json::to_value(i).ok()).collect(),
            _ => Vec::new(),
        };
        items.extend(answer.output.iter().filter_map(|item| serde_json::to_value(item).ok()));
        self.input_items(items)
    }

    /// The input as items (messages, function call outputs, …) in the document's JSON form; items the generated type cannot hold are sent as given.
    pub fn input_items<I: IntoIterator<Item = Value>>(self, items: I) -> Self {
        let items: Vec<Value> = items.into_iter().collect();
        match serde_json::from_value::<Vec<openrouter_kit_api::types::InputsArrayItem>>(Value::Array(items.clone())) {
            Ok(typed) => self.with(|r| r.input = Some(Inputs::Array(typed))),
            Err(_) => self.extra("input", Value::Array(items)),
        }
    }

    /// System-level instructions.
    pub fn instructions(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.with(|r| r.instructions = Some(text))
    }

    /// At most this many output tokens.
    pub fn max_output_tokens(self, n: i64) -> Self {
        self.with(|r| r.max_output_tokens = Some(n))
    }

    /// Sampling temperature (0–2).
    pub fn temperature(self, t: f64) -> Self {
        self.with(|r| r.temperature = Some(t))
    }

    /// Models to fall back to, in order.
    pub fn fallbacks<I: IntoIterator<Item = S>, S: Into<String>>(self, models: I) -> Self {
        let models: Vec<String> = models.into_iter().map(Into::into).collect();
        self.with(|r| r.models = models)
    }

    /// Provider routing preferences (order, only, ignore, data collection, …).
    pub fn provider(self, provider: ProviderPreferences) -> Self {
        self.with(|r| r.provider = Some(provider))
    }

    /// Reasoning effort (`minimal`, `low`, `medium`, `high`, …).
    pub fn reasoning_effort(self, effort: &str) -> Self {
        self.typed_or_extra("reasoning", json!({"effort": effort}), |r, v| r.reasoning = Some(v))
    }

    /// A plugin (`{"id": "web"}`, …).
    pub fn plugin(self, plugin: Value) -> Self {
        let plugin = serde_json::from_value(plugin.clone()).unwrap_or(openrouter_kit_api::types::ResponsesRequestPluginsItem::Unknown(plugin));
        self.with(|r| r.plugins.push(plugin))
    }

    /// A tool: a [`crate::Tool`] or any generated Responses tool.
    pub fn tool(self, tool: impl Into<openrouter_kit_api::types::ResponsesRequestToolsItem>) -> Self {
        let tool = tool.into();
        self.with(|r| r.tools.push(tool))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_nulls(v: &Value) -> Value {
        match v {
            Value::Object(o) => Value::Object(o.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect()),
            Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
            other => other.clone(),
        }
    }

    /// Every kind of input item goes out exactly as the caller wrote it, typed where a member
    /// holds it unchanged (the tag decides which), raw otherwise — never as another member.
    #[test]
    fn input_items_are_sent_as_given() {
        use openrouter_kit_api::types::InputsArrayItem as I;
        let items = [
            json!({"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}),
            json!({"type": "function_call_output", "call_id": "call_1", "output": "{\"temp\":3}"}),
            json!({"type": "custom_tool_call", "call_id": "call_2", "name": "patch", "input": "*** Begin Patch"}),
            json!({"type": "message", "role": "assistant", "id": "msg_1", "status": "completed", "content": [{"type": "output_text", "text": "Hi", "annotations": []}]}),
            json!({"type": "message", "role": "user", "content": "Hello"}),
            json!({"role": "user", "content": "No tag at all"}),
            json!({"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Thinking"}], "encrypted_content": "gAAA=="}),
            json!({"type": "brand_new_item", "payload": {"x": 1}}),
        ];
        let body = ResponsesRequestBuilder::new("openai/gpt-4o").input_items(items.clone()).build().unwrap();
        let sent = serde_json::to_value(&body).unwrap();
        for (i, item) in items.iter().enumerate() {
            assert_eq!(without_nulls(&sent["input"][i]), *item, "item {i}");
        }
        // Typed members where one holds the item, chosen by its tag.
        let Some(Inputs::Array(typed)) = &body.request.input else { panic!("input kept typed: {sent}") };
        let tag_of = |item: &I| serde_json::to_value(item).unwrap().get("type").cloned();
        for (item, given) in typed.iter().zip(&items) {
            assert_eq!(tag_of(item), given.get("type").cloned(), "{item:?}");
        }
        assert!(matches!(typed[7], I::Any(_)), "an unknown kind is kept raw: {:?}", typed[7]);
        assert!(!matches!(typed[0], I::Any(_) | I::ApplyPatchCallOutputItem(_)), "a function call is a function call: {:?}", typed[0]);
    }

    #[test]
    fn builds_typed_fields_and_merges_extra() {
        let body = ChatRequestBuilder::new("openai/gpt-4o")
            .system("Be terse.")
            .user("Hi")
            .fallbacks(["anthropic/claude-sonnet-4"])
            .temperature(0.2)
            .max_tokens(64)
            .stop(["END"])
            .with(|r| r.top_k = Some(40))
            .with(|r| r.reasoning = serde_json::from_value(json!({"effort": "high"})).ok())
            .extra("reasoning", json!({"max_tokens": 2000, "exclude": true}))
            .extra("brand_new_option", json!(1))
            .build()
            .unwrap();
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["model"], "openai/gpt-4o");
        assert_eq!(v["messages"], json!([{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hi"}]));
        assert_eq!(v["models"], json!(["anthropic/claude-sonnet-4"]));
        assert_eq!((v["temperature"].clone(), v["max_tokens"].clone(), v["top_k"].clone()), (json!(0.2), json!(64), json!(40)));
        assert_eq!(v["stop"], json!(["END"]));
        assert_eq!(v["reasoning"], json!({"effort": "high", "max_tokens": 2000, "exclude": true}), "extra merges into typed objects");
        assert_eq!(v["brand_new_option"], 1);
        assert!(v.get("tools").is_none(), "empty lists are not sent");
    }

    #[test]
    fn responses_builder_sets_the_seed_page_fields() {
        let body = ResponsesRequestBuilder::new("openai/gpt-4o")
            .input("Hello")
            .instructions("Be brief")
            .max_output_tokens(50)
            .fallbacks(["anthropic/claude-sonnet-4"])
            .with(|r| r.parallel_tool_calls = Some(false))
            .extra("text", json!({"verbosity": "low"}))
            .build()
            .unwrap();
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["model"], "openai/gpt-4o");
        assert_eq!(v["input"], "Hello");
        assert_eq!(v["instructions"], "Be brief");
        assert_eq!(v["max_output_tokens"], 50);
        assert_eq!(v["models"], json!(["anthropic/claude-sonnet-4"]));
        assert_eq!(v["parallel_tool_calls"], false);
        assert_eq!(v["text"], json!({"verbosity": "low"}));
        assert!(v.get("store").is_none() && v.get("service_tier").is_none(), "defaults the caller did not choose are not sent");
    }

    #[test]
    fn multimodal_parts_for_chat_and_responses() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let chat = ChatRequestBuilder::new("m")
            .user_parts([Part::text("What is this?"), Part::image_bytes(&png).unwrap(), Part::file_url("a.pdf", "https://x/a.pdf")])
            .tool_result("call_1", "42")
            .build()
            .unwrap();
        let v = serde_json::to_value(&chat).unwrap();
        assert_eq!(v["messages"][0]["content"][0], json!({"type": "text", "text": "What is this?"}));
        assert_eq!(v["messages"][0]["content"][1]["image_url"]["url"], "data:image/png;base64,iVBORw0KGgo=");
        assert_eq!(v["messages"][0]["content"][2]["file"]["file_data"], "https://x/a.pdf");
        assert_eq!(v["messages"][1], json!({"role": "tool", "tool_call_id": "call_1", "content": "42"}));
        let typed = &chat.request.messages;
        assert!(matches!(typed[0], ChatMessages::User(_)) && matches!(typed[1], ChatMessages::Tool(_)), "typed, not Unknown");

        let responses = ResponsesRequestBuilder::new("m")
            .input_parts([Part::text("Describe"), Part::image_url("https://x/cat.png")])
            .build()
            .unwrap();
        assert!(matches!(responses.request.input, Some(Inputs::Array(_))), "the parts decode into the typed input");
        let v = serde_json::to_value(&responses).unwrap();
        assert_eq!(v["input"][0]["role"], "user");
        assert_eq!(v["input"][0]["content"][1], json!({"type": "input_image", "image_url": "https://x/cat.png", "detail": "auto"}));
    }

    #[test]
    fn reasoning_format_plugins_and_session() {
        let v = serde_json::to_value(
            ChatRequestBuilder::new("m")
                .reasoning_effort("high")
                .json_object()
                .plugin(json!({"id": "web", "max_results": 3}))
                .plugin(json!({"id": "future-plugin", "x": 1}))
                .parallel_tool_calls(false)
                .session_id("s-1")
                .build()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(v["reasoning"], json!({"effort": "high"}));
        assert_eq!(v["response_format"], json!({"type": "json_object"}));
        assert_eq!(v["plugins"], json!([{"id": "web", "max_results": 3}, {"id": "future-plugin", "x": 1}]));
        assert_eq!((v["parallel_tool_calls"].clone(), v["session_id"].clone()), (json!(false), json!("s-1")));
        let v = serde_json::to_value(ResponsesRequestBuilder::new("m").reasoning_effort("low").plugin(json!({"id": "web"})).build().unwrap()).unwrap();
        assert_eq!(v["reasoning"]["effort"], "low");
        assert_eq!(v["plugins"][0]["id"], "web");
    }

    #[test]
    fn message_helper_gives_the_typed_variant() {
        assert!(matches!(message("tool", "x"), ChatMessages::Unknown(_)), "a tool message needs its call id");
        assert!(matches!(message("user", "x"), ChatMessages::User(_)));
        // The roles built in place write the same JSON, and decode back to the same variant, as
        // the document's own decode of that JSON.
        for role in ["user", "system", "developer", "assistant"] {
            let built = serde_json::to_value(message(role, "hi \u{1F600}")).unwrap();
            assert_eq!(built, json!({"role": role, "content": "hi \u{1F600}"}));
            let decoded = serde_json::to_value(message_value(built.clone())).unwrap();
            assert_eq!(decoded, built);
        }
    }
}
