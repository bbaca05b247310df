//! How the generated types treat what the real service sends (see
//! ../shared/notes/openrouter-behaviour.md): unknown enum values, unknown union members and
//! unknown fields are kept; absent "required" fields and nulls do not fail a response.

use openrouter_kit_api::types::{ChatFinishReasonEnum, ChatMessages, ChatResult, StreamEvents};
use serde_json::json;

#[test]
fn open_enum_keeps_unknown_values_and_round_trips() {
    let known: ChatFinishReasonEnum = serde_json::from_value(json!("tool_calls")).unwrap();
    assert_eq!(known, ChatFinishReasonEnum::ToolCalls);
    let new: ChatFinishReasonEnum = serde_json::from_value(json!("paused_for_approval")).unwrap();
    assert_eq!(new, ChatFinishReasonEnum::Unknown("paused_for_approval".into()));
    assert!(new.is_unknown());
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("paused_for_approval"));
    assert_eq!(new.to_string(), "paused_for_approval");
    assert_eq!("stop".parse::<ChatFinishReasonEnum>(), Ok(ChatFinishReasonEnum::Stop));
    // Still a type error for what is not a string at all.
    assert!(serde_json::from_value::<ChatFinishReasonEnum>(json!(3)).is_err());
}

#[test]
fn chat_result_tolerates_missing_and_null_fields_and_keeps_new_ones() {
    // No `system_fingerprint` or `object` (both required by the document), a null where the
    // document says string, a finish reason the document does not list, and a new field.
    let body = json!({
        "id": "gen-1",
        "created": 1,
        "model": "openai/gpt-4o",
        "service_tier": null,
        "choices": [{"index": 0, "finish_reason": "brand_new", "message": {"role": "assistant", "content": "hi"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4, "cost": 0.001},
        "brand_new_field": {"x": 1}
    });
    let result: ChatResult = serde_json::from_value(body).unwrap();
    assert_eq!(result.system_fingerprint, None);
    assert_eq!(result.object, None, "an absent `object` stays absent: nothing is written back that was not sent");
    let choices = &result.choices;
    assert_eq!(choices[0].finish_reason, Some(ChatFinishReasonEnum::Unknown("brand_new".into())));
    assert_eq!(result.extra["brand_new_field"], json!({"x": 1}));
    let back = serde_json::to_value(&result).unwrap();
    assert_eq!(back["brand_new_field"], json!({"x": 1}), "unknown fields survive a round trip");
    assert!(back.get("object").is_none());
}

#[test]
fn tagged_union_dispatches_on_the_tag() {
    let msg: ChatMessages = serde_json::from_value(json!({"role": "user", "content": "hello"})).unwrap();
    assert!(matches!(msg, ChatMessages::User(_)), "{msg:?}");
    assert_eq!(serde_json::to_value(&msg).unwrap(), json!({"role": "user", "content": "hello"}));

    let tool: ChatMessages =
        serde_json::from_value(json!({"role": "tool", "content": "42", "tool_call_id": "call_1"})).unwrap();
    assert!(matches!(tool, ChatMessages::Tool(_)), "{tool:?}");
}

#[test]
fn tagged_union_keeps_unknown_members_and_names_the_failing_one() {
    let event = json!({"type": "response.reasoning_budget.updated", "sequence_number": 9, "budget": 100});
    let parsed: StreamEvents = serde_json::from_value(event.clone()).unwrap();
    match &parsed {
        StreamEvents::Unknown(v) => assert_eq!(v, &event),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(serde_json::to_value(&parsed).unwrap(), event, "unknown members round-trip");

    let delta: StreamEvents = serde_json::from_value(json!({
        "type": "response.output_text.delta", "delta": "Hel", "sequence_number": 3
    }))
    .unwrap();
    let StreamEvents::ResponseOutputTextDelta(d) = delta else { panic!("{delta:?}") };
    assert_eq!(d.delta.as_deref(), Some("Hel"));

    // A known tag whose body is wrong is an error that names the variant, not "no variant matched".
    let err = serde_json::from_value::<StreamEvents>(json!({"type": "response.output_text.delta", "delta": 5}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("StreamEvents::ResponseOutputTextDelta"), "{err}");
}

#[test]
fn tool_choice_mixes_strings_tagged_objects_and_a_catch_all() {
    use openrouter_kit_api::types::ChatToolChoice;
    let auto: ChatToolChoice = serde_json::from_value(json!("auto")).unwrap();
    assert!(matches!(auto, ChatToolChoice::Auto));
    assert_eq!(serde_json::to_value(&auto).unwrap(), json!("auto"));

    let named = json!({"type": "function", "function": {"name": "get_weather"}});
    let parsed: ChatToolChoice = serde_json::from_value(named.clone()).unwrap();
    assert!(matches!(parsed, ChatToolChoice::Function(_)), "{parsed:?}");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), named);

    // Any other `type` names a server tool (the document's catch-all member).
    let server: ChatToolChoice = serde_json::from_value(json!({"type": "openrouter:web_search"})).unwrap();
    assert!(matches!(server, ChatToolChoice::ChatServerToolChoice(_)), "{server:?}");

    // A string the document does not list is kept.
    let new: ChatToolChoice = serde_json::from_value(json!("any")).unwrap();
    assert!(matches!(&new, ChatToolChoice::Unknown(v) if v == "any"), "{new:?}");
}

#[test]
fn tagged_unions_decode_the_same_whether_the_tag_comes_first_or_not() {
    // Tag first: decoded from the input directly; tag later: read whole first. Same answer.
    let cases = [
        (r#"{"type": "response.output_text.delta", "delta": "Hel", "sequence_number": 3, "later": {"a": 1}}"#,
         r#"{"sequence_number": 3, "delta": "Hel", "later": {"a": 1}, "type": "response.output_text.delta"}"#),
        (r#"{"type": "response.unheard_of", "x": [1, {"type": "nested"}]}"#,
         r#"{"x": [1, {"type": "nested"}], "type": "response.unheard_of"}"#),
    ];
    for (first, later) in cases {
        let a: StreamEvents = serde_json::from_str(first).unwrap();
        let b: StreamEvents = serde_json::from_str(later).unwrap();
        let c: StreamEvents = serde_json::from_value(serde_json::from_str(first).unwrap()).unwrap();
        assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&b), "{first}");
        assert_eq!(std::mem::discriminant(&a), std::mem::discriminant(&c), "{first}");
        let back: serde_json::Value = serde_json::to_value(&a).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(first).unwrap(), "written back unchanged, unknown keys included");
        assert_eq!(serde_json::to_value(&b).unwrap(), back);
    }
    assert!(matches!(serde_json::from_str::<StreamEvents>(r#"{"no_tag": true}"#).unwrap(), StreamEvents::Unknown(_)));
    assert!(matches!(serde_json::from_str::<StreamEvents>("[1, 2]").unwrap(), StreamEvents::Unknown(_)));
    assert!(matches!(serde_json::from_str::<StreamEvents>("{}").unwrap(), StreamEvents::Unknown(_)));
    // A member that does not decode is an error naming it, whichever way the tag came.
    for bad in [r#"{"type": "response.output_text.delta", "delta": 5}"#, r#"{"delta": 5, "type": "response.output_text.delta"}"#] {
        let e = serde_json::from_str::<StreamEvents>(bad).unwrap_err().to_string();
        assert!(e.contains("StreamEvents::"), "{e}");
    }
    assert!(serde_json::from_str::<StreamEvents>("{not json").is_err());
    let messages: openrouter_kit_api::types::MessagesStreamEvents = serde_json::from_str(r#"{"type": "ping"}"#).unwrap();
    assert!(matches!(messages, openrouter_kit_api::types::MessagesStreamEvents::Ping(_)));
}

#[test]
fn unknown_fields_cost_one_pointer_when_there_are_none() {
    use openrouter_kit_api::Extra;
    assert_eq!(std::mem::size_of::<Extra>(), std::mem::size_of::<usize>());
    let chunk: openrouter_kit_api::types::ChatStreamChunk = serde_json::from_str(r#"{"id": "x", "choices": []}"#).unwrap();
    assert!(chunk.extra.is_empty() && chunk.extra.as_map().is_none(), "nothing allocated for no unknown fields");
    assert_eq!(chunk.extra["absent"], serde_json::Value::Null);
    let mut extra = Extra::new();
    extra.insert("b", json!(2));
    extra.insert("a", json!(1));
    assert_eq!(extra.len(), 2);
    assert_eq!(extra.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["b", "a"], "kept in arrival order");
    assert_eq!(extra.remove("b"), Some(json!(2)));
    assert_eq!(serde_json::to_value(&extra).unwrap(), json!({"a": 1}));
}

#[test]
fn stream_event_unions_stay_small_because_large_members_are_boxed() {
    // Every Responses event is moved at the size of the union; `response.completed` holds a whole
    // response (over 1.5 KB), so such members are boxed and a text delta stays cheap.
    assert!(std::mem::size_of::<StreamEvents>() <= 512, "{}", std::mem::size_of::<StreamEvents>());
    let completed: StreamEvents = serde_json::from_str(r#"{"type": "response.completed", "sequence_number": 1, "response": {"id": "r", "output": []}}"#).unwrap();
    let StreamEvents::ResponseCompleted(event) = &completed else { panic!("{completed:?}") };
    assert_eq!(event.response.as_ref().and_then(|r| r.id.as_deref()), Some("r"));
}

/// A list the document requires reads as a plain `Vec` whatever the server did with it (sent,
/// left out, `null`), and is written back the way it came: `List` remembers.
#[test]
fn required_lists_are_plain_and_written_back_as_they_came() {
    use openrouter_kit_api::{List, Wire};
    use openrouter_kit_api::types::ChatStreamChunk;
    let cases = [
        (json!({"id": "c", "choices": []}), Wire::Sent, 0),
        (json!({"id": "c", "choices": [{"index": 0, "delta": {"content": "hi"}}]}), Wire::Sent, 1),
        (json!({"id": "c"}), Wire::Absent, 0),
        (json!({"id": "c", "choices": null}), Wire::Null, 0),
    ];
    for (body, wire, len) in cases {
        let chunk: ChatStreamChunk = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(chunk.choices.wire(), wire, "{body}");
        assert_eq!(chunk.choices.len(), len, "{body}");
        assert_eq!(chunk.choices.iter().count(), len, "iterates as a Vec: {body}");
        assert_eq!(serde_json::to_value(&chunk).unwrap(), body, "written back unchanged");
    }
    // Built by the caller: sent, even when empty.
    let built: List<String> = Vec::new().into();
    assert_eq!(serde_json::to_value(&built).unwrap(), json!([]));
    let mut absent: List<String> = List::absent();
    absent.push("x".into());
    assert_eq!(absent.wire(), Wire::Sent, "a list changed by the caller is sent");
    // Maps the document requires: the same.
    use openrouter_kit_api::types::FormatJsonSchemaConfig;
    for body in [json!({"type": "json_schema", "name": "n"}), json!({"type": "json_schema", "name": "n", "schema": null}), json!({"type": "json_schema", "name": "n", "schema": {"type": "object"}})] {
        let config: FormatJsonSchemaConfig = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&config).unwrap(), body);
    }
    // Not a list: still an error that says so, as before.
    assert!(serde_json::from_value::<ChatStreamChunk>(json!({"choices": "nope"})).is_err());
}


/// The accessors `openapi/accessors.toml` gives the hot types: plain values, `0`/`""` when the
/// server left them out, and the same rule as before for the text of a whole answer.
#[test]
fn accessors_read_plain_values_from_hot_types() {
    use openrouter_kit_api::types::{ChatStreamChunk, ChatUsage, OpenResponsesResult};
    let chunk: ChatStreamChunk = serde_json::from_value(json!({"choices": [{"index": 0, "delta": {"content": "Hel", "reasoning": "hm"}}]})).unwrap();
    assert_eq!((chunk.text(), chunk.reasoning()), ("Hel", "hm"));
    let usage_only: ChatStreamChunk = serde_json::from_value(json!({"choices": [], "usage": {"prompt_tokens": 5}})).unwrap();
    assert_eq!(usage_only.text(), "");
    let usage: &ChatUsage = usage_only.usage.as_ref().unwrap();
    assert_eq!((usage.prompt_tokens(), usage.completion_tokens(), usage.total_tokens(), usage.cost()), (5, 0, 0, 0.0));

    let whole = |content: serde_json::Value| -> ChatResult {
        serde_json::from_value(json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})).unwrap()
    };
    assert_eq!(whole(json!("Paris.")).text(), "Paris.");
    assert_eq!(whole(json!([{"type": "text", "text": "Par"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "is."}])).text(), "Paris.");
    assert_eq!(whole(json!(null)).text(), "");
    assert_eq!(serde_json::from_value::<ChatResult>(json!({})).unwrap().text(), "");

    let message = json!({"type": "message", "id": "m", "role": "assistant", "status": "completed",
        "content": [{"type": "output_text", "text": "Bon", "annotations": []}, {"type": "output_text", "text": "jour", "annotations": []}]});
    let response = |output_text: serde_json::Value| -> OpenResponsesResult {
        serde_json::from_value(json!({"id": "r", "output_text": output_text, "output": [message.clone()], "usage": {"input_tokens": 3, "output_tokens": 2, "cost": 0.5}})).unwrap()
    };
    assert_eq!(response(json!("Hello")).output_text(), "Hello", "the server's own text when it has one");
    assert_eq!(response(json!("")).output_text(), "Bonjour", "else the message parts, joined");
    let usage = response(json!(null)).usage.unwrap();
    assert_eq!((usage.input_tokens(), usage.output_tokens(), usage.total_tokens(), usage.cost()), (3, 2, 0, 0.5));
}
