//! A request's bytes, written once: the request serialized straight into the body, then the
//! top-level `stream` member set in those bytes (replaced if the request had one, else added
//! first), with no `serde_json::Value` built in between. The scan reads only the top level of an
//! object `serde_json` itself just wrote, so it is a small, linear pass.

use std::ops::Range;

use crate::Error;

/// The body of `request` with `"stream": stream`, and where the request's `model` value lies
/// (read with [`model_name`] only by a caller that wants it: a span nobody records does not).
pub(crate) fn request_body<R: serde::Serialize + ?Sized>(request: &R, stream: bool) -> Result<(Vec<u8>, Option<Range<usize>>), Error> {
    let mut body = Vec::with_capacity(512);
    serde_json::to_writer(&mut body, request).map_err(|e| Error::Config(format!("the request does not serialize to JSON: {e}")))?;
    let (mut model, mut flag_at, mut members) = (None, None, 0);
    top_level(&body, |m| {
        members += 1;
        match m.key(&body) {
            b"model" => model = Some(m.value_start..m.value_end),
            b"stream" => flag_at = Some(m.value_start..m.value_end),
            _ => {}
        }
    })
    .ok_or_else(|| Error::Config("the request must serialize to a JSON object".into()))?;
    let flag: &[u8] = if stream { b"true" } else { b"false" };
    match flag_at {
        Some(at) => {
            let shift = flag.len() as isize - at.len() as isize;
            body.splice(at.clone(), flag.iter().copied());
            // The model's place moves with the bytes before it.
            model = model.map(|m| if m.start > at.start { m.start.saturating_add_signed(shift)..m.end.saturating_add_signed(shift) } else { m });
        }
        None => {
            let mut member = b"\"stream\":".to_vec();
            member.extend_from_slice(flag);
            if members > 0 {
                member.push(b',');
            }
            let shift = member.len();
            body.splice(1..1, member);
            model = model.map(|m| m.start + shift..m.end + shift);
        }
    }
    Ok((body, model))
}

/// The model named at `at` in `body` (a JSON string, as [`request_body`] found it); `None` when
/// the value there is not a string.
pub(crate) fn model_name(body: &[u8], at: Range<usize>) -> Option<String> {
    let value = body.get(at)?;
    // Most names have no escape: the bytes between the quotes are the name (serde_json wrote
    // them, so they are UTF-8).
    match value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")) {
        Some(plain) if !plain.contains(&b'\\') => String::from_utf8(plain.to_vec()).ok(),
        _ => serde_json::from_slice(value).ok(),
    }
}

/// Where one top-level member's key (without its quotes) and value lie.
#[derive(Debug, Clone, Copy)]
struct Member {
    key_start: usize,
    key_end: usize,
    value_start: usize,
    value_end: usize,
}

impl Member {
    fn key<'a>(&self, body: &'a [u8]) -> &'a [u8] {
        &body[self.key_start..self.key_end]
    }
}

/// Calls `each` with every member of the object `body` is (compact JSON, as `serde_json`
/// writes it); `None` if it is not an object.
fn top_level(body: &[u8], mut each: impl FnMut(Member)) -> Option<()> {
    if body.first() != Some(&b'{') {
        return None;
    }
    let mut at = 1;
    if body.get(at) == Some(&b'}') {
        return Some(());
    }
    loop {
        if body.get(at) != Some(&b'"') {
            return None;
        }
        let past_key = string_end(body, at)?;
        if body.get(past_key) != Some(&b':') {
            return None;
        }
        let value_start = past_key + 1;
        let value_end = value_end(body, value_start)?;
        each(Member { key_start: at + 1, key_end: past_key - 1, value_start, value_end });
        match body.get(value_end) {
            Some(b',') => at = value_end + 1,
            Some(b'}') => return Some(()),
            _ => return None,
        }
    }
}

/// The index just past the string that starts at `at` (a `"`).
fn string_end(body: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        let j = i + memchr::memchr2(b'"', b'\\', &body[i..])?;
        if body[j] == b'\\' {
            i = j + 2;
        } else {
            return Some(j + 1);
        }
    }
}

/// The index just past the value that starts at `at`.
fn value_end(body: &[u8], at: usize) -> Option<usize> {
    match body.get(at)? {
        b'"' => string_end(body, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match body.get(i)? {
                    b'"' => {
                        i = string_end(body, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let len = body[at..].iter().position(|b| matches!(b, b',' | b'}' | b']')).unwrap_or(body.len() - at);
            Some(at + len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn body(request: Value, stream: bool) -> (Value, Option<String>) {
        let (bytes, model) = request_body(&request, stream).unwrap();
        (serde_json::from_slice(&bytes).unwrap(), model.and_then(|at| model_name(&bytes, at)))
    }

    #[test]
    fn the_flag_is_set_whatever_the_request_said() {
        let request = json!({"model": "a/\"b\"", "messages": [{"role": "user", "content": "}{\",\\"}], "stream": false, "n": 1.5e3});
        let (sent, model) = body(request.clone(), true);
        assert_eq!(model.as_deref(), Some("a/\"b\""));
        let mut expected = request;
        expected["stream"] = json!(true);
        assert_eq!(sent, expected);
        let (sent, _) = body(json!({"messages": [], "stream": true}), false);
        assert_eq!(sent, json!({"messages": [], "stream": false}));
    }

    #[test]
    fn the_flag_is_added_to_any_object_and_nothing_else_changes() {
        for request in [json!({}), json!({"a": {"stream": 1, "b": [{"stream": [1, {"x": "]"}]}]}}), json!({"tools": [], "z": null})] {
            for stream in [true, false] {
                let (sent, model) = body(request.clone(), stream);
                let mut expected = request.clone();
                expected["stream"] = json!(stream);
                assert_eq!(sent, expected);
                assert_eq!(model, None);
            }
        }
    }

    #[test]
    fn the_model_is_found_wherever_the_flag_moves_it() {
        let cases = [
            json!({"stream": false, "model": "a/b"}),
            json!({"stream": "a long value to replace", "model": "a/b"}),
            json!({"model": "a/b", "stream": null}),
            json!({"messages": [{"model": "not this"}], "model": "caf\u{e9}/\"q\""}),
            json!({"model": 7}),
        ];
        for request in cases {
            for stream in [true, false] {
                let (_, model) = body(request.clone(), stream);
                assert_eq!(model.as_deref(), request["model"].as_str(), "{request}");
            }
        }
    }

    #[test]
    fn what_is_not_an_object_is_refused() {
        assert!(request_body(&json!([1]), true).is_err());
        assert!(request_body(&"text", true).is_err());
    }

    #[test]
    fn the_typed_request_goes_out_byte_for_byte_but_the_flag() {
        let request = crate::ChatRequestBuilder::new("openai/gpt-4o").user("hi").temperature(0.5).build().unwrap();
        let (bytes, model) = request_body(&request, true).unwrap();
        let mut expected = serde_json::to_value(&request).unwrap();
        expected["stream"] = json!(true);
        assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), expected);
        assert_eq!(model.and_then(|at| model_name(&bytes, at)).as_deref(), Some("openai/gpt-4o"));
    }
}
