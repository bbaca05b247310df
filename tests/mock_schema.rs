//! Every answer the mock gives, checked by a JSON Schema validator nobody here wrote
//! (`jsonschema`) against the pinned document as published (not the normalised one): each
//! operation's default answer, streamed or not, every scripted reply and every event of every
//! scripted stream.
//!
//! With `Fidelity::Document` every answer must be valid. With the default `Fidelity::Service`
//! the only violations allowed are the fields the real service is known to leave out, each
//! listed once in `openrouter_kit_mock::SERVICE_OMISSIONS` with its reason.

use openrouter_kit_mock::{ChatScript, Fidelity, MessagesScript, MockOpenRouter, ResponsesScript, SERVICE_OMISSIONS};
use openrouter_workspace_tests::shared_document;
use serde_json::{Map, Value, json};
use xtask::spec::{Document, Lock};

/// Compiles validators for schemas of one document.
struct Schemas {
    components: Value,
    doc: Value,
}

impl Schemas {
    fn new(doc: Value) -> Self {
        let components = doc.get("components").cloned().unwrap_or(json!({}));
        Self { components, doc }
    }

    /// A validator for `schema`, whose `$ref`s point into the document's components.
    fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let mut root = match schema {
            Value::Object(o) => o.clone(),
            other => Map::from_iter([("allOf".to_string(), json!([other]))]),
        };
        root.insert("components".into(), self.components.clone());
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("the document's schema does not compile: {e}"))
    }

    /// Why `instance` fails the union at `pointer` inside `schema`: which members accept it (a
    /// `oneOf` wants exactly one), and what the others say. The validator itself only says
    /// "not valid under any of the schemas".
    fn explain(&self, schema: &Value, pointer: &str, instance: &Value) -> Vec<String> {
        let mut at = xtask::companions::deref(&self.doc, schema);
        if let Some(inner) = at.pointer(pointer) {
            at = xtask::companions::deref(&self.doc, inner);
        }
        let members = at.get("oneOf").or_else(|| at.get("anyOf")).and_then(Value::as_array).cloned().unwrap_or_default();
        let mut accepted = Vec::new();
        let mut said = Vec::new();
        for member in &members {
            let name = member.get("$ref").and_then(Value::as_str).unwrap_or("inline").rsplit('/').next().unwrap_or_default().to_string();
            let errors: Vec<String> =
                self.validator(member).iter_errors(instance).map(|e| format!("{e} at {:?}", e.instance_path().to_string())).collect();
            if errors.is_empty() {
                accepted.push(name);
            } else if errors.len() <= 3 && !errors.iter().any(|e| e.contains("is not one of") && e.ends_with("/type\"")) {
                said.push(format!("as {name}: {}", errors.join("; ")));
            }
        }
        let mut out = vec![format!("accepted by {} member(s): {accepted:?}", accepted.len())];
        out.extend(said.into_iter().take(4));
        out
    }

    /// The documented media types of the first success answer of `operation_id`.
    fn answer_content(&self, operation_id: &str) -> Option<&Map<String, Value>> {
        let (_, _, op) = xtask::spec::operations(&self.doc).find(|(_, _, op)| op["operationId"] == operation_id)?;
        let responses = op.get("responses")?.as_object()?;
        let (_, response) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
        xtask::companions::deref(&self.doc, response).get("content")?.as_object()
    }

    /// The schema of the first success answer of `operation_id` for `content_type`.
    fn answer_schema(&self, operation_id: &str, content_type: &str) -> Option<Value> {
        self.answer_content(operation_id)?.get(content_type)?.get("schema").cloned()
    }

    /// Whether `content_type` is one the answer documents (`audio/*` covers `audio/mpeg`).
    fn documents(&self, operation_id: &str, content_type: &str) -> bool {
        let family = content_type.split('/').next().unwrap_or_default();
        self.answer_content(operation_id).is_some_and(|c| c.keys().any(|k| k == content_type || *k == format!("{family}/*") || k == "*/*"))
    }
}

/// What the validator said about one answer.
struct Checked {
    what: String,
    errors: Vec<String>,
    /// What [`Schemas::explain`] found out about a failed union.
    notes: Vec<String>,
}

fn check(validator: &jsonschema::Validator, what: String, instance: &Value) -> Checked {
    let errors = validator.iter_errors(instance).map(|e| format!("{} at {:?}", e, e.instance_path().to_string())).collect();
    Checked { what, errors, notes: Vec::new() }
}

/// The events of an SSE body: `(event name, data)` per `data:` block; comments and `[DONE]` left out.
fn sse_events(body: &str) -> Vec<(Option<String>, Value)> {
    let mut out = Vec::new();
    for block in body.split("\n\n") {
        let mut name = None;
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if !data.is_empty() && data != "[DONE]" {
            let value = serde_json::from_str(&data).unwrap_or_else(|e| panic!("an event that is not JSON ({e}): {data}"));
            out.push((name, value));
        }
    }
    out
}

/// Checks a streamed answer event by event against the operation's `text/event-stream` schema
/// (the document's envelope: `{data}`, and `{event, data}` for Messages).
fn check_stream(schemas: &Schemas, operation_id: &str, what: &str, body: &str, out: &mut Vec<Checked>) {
    let schema = schemas.answer_schema(operation_id, "text/event-stream").unwrap_or_else(|| panic!("{operation_id} has no stream schema"));
    let validator = schemas.validator(&schema);
    let events = sse_events(body);
    assert!(!events.is_empty(), "{what}: no events in {body:?}");
    for (i, (name, data)) in events.into_iter().enumerate() {
        let kind = data.get("type").and_then(Value::as_str).unwrap_or("chunk").to_string();
        let mut envelope = json!({"data": data});
        if let Some(name) = name {
            envelope["event"] = json!(name);
        }
        let mut checked = check(&validator, format!("{what}, event {i} ({kind})"), &envelope);
        if !checked.errors.is_empty() {
            checked.notes = schemas.explain(&schema, "/properties/data", &envelope["data"]);
        }
        out.push(checked);
    }
}

fn concrete(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "abc" } else { s }).collect::<Vec<_>>().join("/")
}

/// Asks the mock for every operation's default answer (and default stream) over HTTP.
async fn default_answers(mock: &MockOpenRouter, schemas: &Schemas, out: &mut Vec<Checked>, binary: &mut usize) {
    // Building the mock's own client installs the TLS crypto provider reqwest needs.
    let _ = mock.client();
    let http = reqwest::Client::new();
    for op in openrouter_kit_mock::operations() {
        let url = format!("{}{}", mock.uri(), concrete(op.path));
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let mut request = http.request(method.clone(), &url).bearer_auth(openrouter_kit_mock::MOCK_API_KEY);
        if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
            request = request.header("content-type", "application/json").body("{}");
        }
        let answer = request.send().await.unwrap_or_else(|e| panic!("{}: {e}", op.id));
        assert_eq!(answer.status().as_u16(), op.status, "{}", op.id);
        let content_type = answer.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = answer.bytes().await.unwrap();
        if op.content_type.is_empty() {
            assert!(body.is_empty(), "{} documents no body", op.id);
            continue;
        }
        if !content_type.starts_with("application/json") {
            assert!(schemas.documents(op.id, &content_type), "{}: {content_type} is not a documented type", op.id);
            *binary += 1;
            continue;
        }
        let schema = schemas.answer_schema(op.id, "application/json").unwrap();
        let value: Value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{}: not JSON: {e}", op.id));
        out.push(check(&schemas.validator(&schema), format!("{} default answer", op.id), &value));
        if op.streams {
            let url = format!("{}{}", mock.uri(), concrete(op.path));
            let streamed = http.post(&url).header("content-type", "application/json").body(r#"{"stream": true}"#).send().await.unwrap();
            let is_stream = streamed.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
            let text = streamed.text().await.unwrap();
            if is_stream {
                check_stream(schemas, op.id, &format!("{} default stream", op.id), &text, out);
            } else {
                // Embeddings and rerank document a stream they do not have ("not used"): the
                // mock answers as it would without `stream`, as the service does.
                let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", op.id));
                out.push(check(&schemas.validator(&schema), format!("{} asked to stream", op.id), &value));
            }
        }
    }
}

/// Every builder of every script, streamed and whole.
fn scripted(schemas: &Schemas, fidelity: Fidelity, out: &mut Vec<Checked>) {
    let chat = ChatScript::new("openai/gpt-4o")
        .keep_alive()
        .reasoning("Thinking about it.")
        .text("Hello")
        .tool_call(0, "call_1", "get_weather", &["{\"city\":", "\"Paris\"}"])
        .finish("tool_calls")
        .usage(12, 7, 0.0001)
        .fidelity(fidelity);
    check_stream(schemas, "sendChatCompletionRequest", "chat script", chat.to_sse().as_str(), out);
    let failing = ChatScript::new("openai/gpt-4o").text("Hel").error(json!(502), "provider down").fidelity(fidelity);
    check_stream(schemas, "sendChatCompletionRequest", "chat script with an error", failing.to_sse().as_str(), out);
    let whole = schemas.validator(&schemas.answer_schema("sendChatCompletionRequest", "application/json").unwrap());
    out.push(check(&whole, "chat script, whole".into(), &chat.completion()));

    let responses = ResponsesScript::new("openai/gpt-4o")
        .keep_alive()
        .reasoning("Thinking.")
        .text("Hello ")
        .text("world")
        .function_call("call_1", "get_weather", "{\"city\":\"Paris\"}")
        .usage(20, 9)
        .fidelity(fidelity);
    check_stream(schemas, "createResponses", "responses script", responses.to_sse().as_str(), out);
    let failing = ResponsesScript::new("openai/gpt-4o").text("Hel").error("server_error", "provider down").fidelity(fidelity);
    check_stream(schemas, "createResponses", "responses script with an error", failing.to_sse().as_str(), out);
    let whole = schemas.validator(&schemas.answer_schema("createResponses", "application/json").unwrap());
    out.push(check(&whole, "responses script, whole".into(), &responses.response()));

    let messages = MessagesScript::new("anthropic/claude-sonnet-4")
        .thinking("Thinking.")
        .text("Hello ")
        .text("world")
        .tool_use("toolu_1", "get_weather", "{\"city\":\"Paris\"}")
        .usage(20, 9)
        .fidelity(fidelity);
    check_stream(schemas, "createMessages", "messages script", messages.to_sse().as_str(), out);
    let failing = MessagesScript::new("anthropic/claude-sonnet-4").text("Hel").error("overloaded_error", "busy").fidelity(fidelity);
    check_stream(schemas, "createMessages", "messages script with an error", failing.to_sse().as_str(), out);
    let whole = schemas.validator(&schemas.answer_schema("createMessages", "application/json").unwrap());
    out.push(check(&whole, "messages script, whole".into(), &messages.message()));
}

/// Whether every violation of an answer is a listed omission of the service.
fn only_listed(checked: &Checked) -> bool {
    checked.errors.iter().all(|e| SERVICE_OMISSIONS.iter().any(|o| e.starts_with(&format!("\"{}\" is a required property", o.field))))
}

async fn run(fidelity: Fidelity) -> Option<(usize, usize, usize, usize)> {
    let lock = Lock::read(&openrouter_workspace_tests::root()).unwrap().expect("openapi/openapi.lock.toml");
    let path = shared_document(&lock.date)?;
    let doc = Document::read(&path).unwrap();
    assert_eq!(doc.sha256, lock.sha256, "the shared document is not the pinned one");
    // The document as published, plus the overlay's legacy operations (the document dropped
    // them; their schemas are the overlay's).
    let schemas = Schemas::new(xtask::normalise::overlay::with_legacy_operations(&doc.value).unwrap());
    let mock = MockOpenRouter::start_with(fidelity).await;
    let mut checked = Vec::new();
    let mut binary = 0;
    default_answers(&mock, &schemas, &mut checked, &mut binary).await;
    scripted(&schemas, fidelity, &mut checked);
    let valid = checked.iter().filter(|c| c.errors.is_empty()).count();
    let listed = checked.iter().filter(|c| !c.errors.is_empty() && only_listed(c)).count();
    let wrong: Vec<String> = checked
        .iter()
        .filter(|c| !c.errors.is_empty() && (fidelity == Fidelity::Document || !only_listed(c)))
        .map(|c| format!("{}:\n    {}", c.what, c.errors.iter().take(6).chain(&c.notes).cloned().collect::<Vec<_>>().join("\n    ")))
        .collect();
    assert!(wrong.is_empty(), "{} answer(s) the document does not accept ({fidelity:?}):\n{}", wrong.len(), wrong.join("\n"));
    Some((checked.len(), valid, listed, binary))
}

#[tokio::test]
async fn every_answer_is_valid_against_the_document() {
    let Some((answers, valid, _, binary)) = run(Fidelity::Document).await else {
        return;
    };
    println!("Fidelity::Document: {answers} answers, {valid} valid, 0 listed exceptions (+{binary} media answers, type checked)");
    assert_eq!(valid, answers);
}

#[tokio::test]
async fn the_service_form_departs_only_where_listed() {
    let Some((answers, valid, listed, binary)) = run(Fidelity::Service).await else {
        return;
    };
    println!("Fidelity::Service: {answers} answers, {valid} valid, {listed} listed exceptions (+{binary} media answers, type checked)");
    assert_eq!(valid + listed, answers);
    // The list is not stale: each omission shows in at least one answer.
    assert!(listed >= 1, "no answer uses the listed omissions: {SERVICE_OMISSIONS:?}");
}
