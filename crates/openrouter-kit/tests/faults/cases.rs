//! The matrix: each case is a server's exact bytes, a call, and the outcome it must have.

use std::time::Duration;

/// What a case checks of its outcome (and of what the server saw).
type Check = Box<dyn Fn(&Got, &Seen) -> bool + Send + Sync>;

use crate::{ATTEMPTS, Call, Case, Got, Kind, MAX_ERROR_BODY, Script, Seen, Step};

const CHAT: &str = r#"{"id":"gen-1","object":"chat.completion","created":1,"model":"openai/gpt-4o","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello"}}]}"#;
const CREDITS: &str = r#"{"data":{"total_credits":10.5,"total_usage":1.0}}"#;

/// An answer with a `Content-Length` and `Connection: close`.
fn answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

fn json(status: &str, body: &str) -> Vec<u8> {
    answer(status, &[("content-type", "application/json")], body.as_bytes())
}

fn error_json(code: u16) -> String {
    format!(r#"{{"error":{{"code":{code},"message":"failure {code}"}}}}"#)
}

/// A head with no length: the body runs to the connection's end (or is the script's).
fn open_head(status: &str, content_type: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n").into_bytes()
}

fn sse_head() -> Vec<u8> {
    open_head("200 OK", "text/event-stream")
}

fn chunk(text: &str) -> String {
    format!("data: {{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}}}}]}}\n\n")
}

const DONE: &str = "data: [DONE]\n\n";
const KEEP_ALIVE: &str = ": OPENROUTER PROCESSING\n\n";

fn w(bytes: impl Into<Vec<u8>>) -> Step {
    Step::Write(bytes.into())
}

fn sse(body: &str) -> Script {
    vec![w(sse_head()), w(body), Step::Close]
}

fn once(bytes: Vec<u8>) -> Vec<Script> {
    vec![vec![w(bytes), Step::Close]]
}

fn case(name: &str, scripts: Vec<Script>, call: Call, want: &str, check: impl Fn(&Got, &Seen) -> bool + Send + Sync + 'static) -> Case {
    Case { name: name.to_string(), scripts, target: None, call, want: want.to_string(), alone: false, check: Box::new(move |got, seen, _| check(got, seen)) }
}

fn alone(mut case: Case) -> Case {
    case.alone = true;
    case
}

fn api(got: &Got, status: u16) -> bool {
    got.status() == Some(status)
}

fn hello(got: &Got) -> bool {
    matches!(got, Got::Ok(t) if t == "Hello" || t == "Some(10.5)")
}

fn streamed(got: &Got, text: &str) -> bool {
    matches!(got, Got::Stream { text: t, errors, .. } if t == text && errors.is_empty())
}

fn ended_with(got: &Got, text: &str, kind: Kind) -> bool {
    matches!(got, Got::Stream { text: t, errors, .. } if t == text && errors.last() == Some(&kind))
}

fn is(got: &Got, kind: Kind) -> bool {
    got.last_err() == Some(&kind)
}

/// `n` big, an endless flood of `unit` (until the client stops reading, or 1 GiB).
fn flood(unit: &str) -> Step {
    Step::Flood { unit: unit.as_bytes().to_vec(), cap: 1 << 30 }
}

pub fn all() -> Vec<Case> {
    let mut cases = Vec::new();
    statuses(&mut cases);
    retry_after(&mut cases);
    errors_in_success(&mut cases);
    resets_and_truncation(&mut cases);
    stalls(&mut cases);
    sizes(&mut cases);
    encodings(&mut cases);
    headers(&mut cases);
    redirects(&mut cases);
    streams(&mut cases);
    cases
}

/// Every status a client meets, on each call: the transient ones are retried (two connections),
/// the rest are not.
fn statuses(cases: &mut Vec<Case>) {
    let transient = [408u16, 429, 500, 502, 503, 504, 524, 529];
    let final_ = [400u16, 401, 402, 403, 404, 413, 422];
    for (code, retried) in transient.iter().map(|c| (*c, true)).chain(final_.iter().map(|c| (*c, false))) {
        for call in [Call::Create, Call::Stream, Call::Generated] {
            if !retried && matches!(call, Call::Stream) && code != 400 && code != 401 {
                continue;
            }
            let connections = if retried { ATTEMPTS as usize } else { 1 };
            let want = format!("ApiError {code} after {connections} connection(s)");
            cases.push(case(&format!("status {code} {call:?}"), once(json(&format!("{code} X"), &error_json(code))), call, &want, move |got, seen| {
                api(got, code) && seen.connections() == connections
            }));
        }
    }
    cases.push(case("status 999 (unknown) is an error, not retried", once(json("999 Odd", "{}")), Call::Create, "ApiError 999, one connection", |got, seen| {
        api(got, 999) && seen.connections() == 1
    }));
    cases.push(case("status 200 then a success", vec![vec![w(json("503 X", &error_json(503))), Step::Close], vec![w(json("200 OK", CHAT)), Step::Close]], Call::Create, "the retry's answer", |got, seen| {
        hello(got) && seen.connections() == 2
    }));
    cases.push(case("a status line that is not one", once(b"HTTP/1.1 abc\r\n\r\n".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("not HTTP at all", once(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("500 with an HTML page", once(answer("500 X", &[("content-type", "text/html")], &b"<html>down</html>".repeat(500))), Call::Create, "ApiError 500 with a bounded raw body", |got, _| {
        matches!(got.last_err(), Some(Kind::Api { status: 500, raw_len, .. }) if *raw_len <= openrouter_kit::error::BODY_SNIPPET)
    }));
    cases.push(case("301 without a Location", once(answer("301 Moved", &[], b"")), Call::Create, "ApiError 301", |got, _| api(got, 301)));
    cases.push(case("204 to a create", once(answer("204 No Content", &[], b"")), Call::Create, "a decode error (no answer to decode)", |got, _| is(got, Kind::Decode)));
}

/// `Retry-After` in every form: honoured when short, the error at once (saying how long) when
/// longer than `max_retry_after`, absurd values never a panic.
fn retry_after(cases: &mut Vec<Case>) {
    let long = Some(Duration::MAX);
    let forms: [(&str, &str, Option<Option<Duration>>); 14] = [
        ("retry-after", "0", None),
        ("retry-after", "1", None),
        ("retry-after-ms", "50", None),
        ("retry-after", "-5", None),
        ("retry-after", "NaN", None),
        ("retry-after", "soon", None),
        ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT", None),
        ("retry-after", "999999", Some(Some(Duration::from_secs(999_999)))),
        ("retry-after", "1e20", Some(long)),
        ("retry-after", "12345678901234567890", Some(None)),
        ("retry-after", "1e43", Some(long)),
        ("retry-after", "inf", Some(long)),
        ("retry-after-ms", "1e300", Some(long)),
        ("retry-after", "Fri, 01 Jan 9999 00:00:00 GMT", Some(None)),
    ];
    for (name, value, at_once) in forms {
        for call in [Call::Create, Call::Stream] {
            let bytes = answer("429 Too Many Requests", &[("content-type", "application/json"), (name, value)], error_json(429).as_bytes());
            let (want, check): (String, Check) = match at_once {
                None => ("retried: 429 after two connections".into(), Box::new(|got: &Got, seen: &Seen| api(got, 429) && seen.connections() == 2)),
                Some(expected) => (
                    format!("429 at once with retry_after {expected:?}"),
                    Box::new(move |got: &Got, seen: &Seen| {
                        let said = match got.last_err() {
                            Some(Kind::Api { status: 429, retry_after, .. }) => *retry_after,
                            _ => return false,
                        };
                        // A date's wait is "a long time from now", not an exact figure.
                        let right = expected.is_none_or(|e| said == Some(e)) && said.is_some_and(|s| s > Duration::from_secs(3600));
                        right && seen.connections() == 1
                    }),
                ),
            };
            cases.push(case(&format!("429 {name}: {value} {call:?}"), once(bytes), call, &want, check));
        }
    }
    let bytes = answer("400 Bad Request", &[("content-type", "application/json"), ("retry-after", "1e43")], error_json(400).as_bytes());
    cases.push(case("400 with retry-after 1e43 (not retried, no panic)", once(bytes), Call::Generated, "ApiError 400, one connection", |got, seen| api(got, 400) && seen.connections() == 1));
    let bytes = answer("503 X", &[("content-type", "application/json"), ("retry-after", &"9".repeat(4000))], error_json(503).as_bytes());
    cases.push(case("503 with a 4000-digit retry-after", once(bytes), Call::Create, "ApiError 503 at once", |got, seen| api(got, 503) && seen.connections() == 1));
    let body = r#"{"error":{"code":503,"message":"busy","metadata":{"availability":{"retry_after":1e300}}}}"#;
    cases.push(case("503 whose body asks for 1e300 s", once(json("503 X", body)), Call::Create, "ApiError 503 at once", |got, seen| api(got, 503) && seen.connections() == 1));
}

/// OpenRouter's `200` that carries an error, in each content type.
fn errors_in_success(cases: &mut Vec<Case>) {
    for (content_type, call) in [("application/json", Call::Create), ("text/plain", Call::Create), ("application/json", Call::Generated), ("application/json", Call::Stream), ("text/plain", Call::Stream)] {
        let bytes = answer("200 OK", &[("content-type", content_type)], error_json(502).as_bytes());
        cases.push(case(&format!("200 {content_type} carrying a 502 {call:?}"), once(bytes), call, "ApiError 502, retried", |got, seen| {
            api(got, 502) && seen.connections() == 2
        }));
    }
    cases.push(case("200 carrying a 400", once(json("200 OK", &error_json(400))), Call::Create, "ApiError 400, not retried", |got, seen| api(got, 400) && seen.connections() == 1));
    cases.push(case("400 whose code is 502", once(json("400 Bad Request", &error_json(502))), Call::Create, "ApiError 400 with code 502, retried", |got, seen| {
        matches!(got.last_err(), Some(Kind::Api { status: 400, code: Some(502), .. })) && seen.connections() == 2
    }));
    let failed_choice = r#"{"id":"g","choices":[{"index":0,"finish_reason":"error","message":{"role":"assistant","content":""},"error":{"code":502,"message":"provider down"}}]}"#;
    cases.push(case("200 with a failed choice", once(json("200 OK", failed_choice)), Call::Create, "ApiError 502", |got, _| api(got, 502)));
}

fn resets_and_truncation(cases: &mut Vec<Case>) {
    for call in [Call::Create, Call::Stream, Call::Generated] {
        cases.push(case(&format!("closed before any answer {call:?}"), vec![vec![Step::Close]], call, "a transport error", |got, _| is(got, Kind::Transport)));
        cases.push(case(&format!("reset before any answer {call:?}"), vec![vec![Step::Reset]], call, "a transport error", |got, _| is(got, Kind::Transport)));
        cases.push(case(&format!("closed mid-head {call:?}"), vec![vec![w("HTTP/1.1 200 OK\r\ncontent-"), Step::Close]], call, "a transport error", |got, _| is(got, Kind::Transport)));
    }
    let cut = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n{\"id\":".to_vec();
    cases.push(case("closed mid-body Create", vec![vec![w(cut.clone()), Step::Close]], Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("reset mid-body Create", vec![vec![w(cut.clone()), Step::Reset]], Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("closed mid-body Generated", vec![vec![w(cut), Step::Close]], Call::Generated, "a transport error", |got, _| is(got, Kind::Transport)));
    let chunked = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n10\r\n{\"id\":\"gen-1\",\"".to_vec();
    cases.push(case("a chunked body cut mid-chunk", vec![vec![w(chunked), Step::Close]], Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("a JSON body cut short (length matches)", once(json("200 OK", &CHAT[..40])), Call::Create, "a decode error", |got, _| is(got, Kind::Decode)));
    cases.push(case("a content-length far beyond the body", vec![vec![w(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 999999999999\r\n\r\n{}".to_vec()), Step::Close]], Call::Create, "an error (the body is too long or cut)", |got, _| {
        matches!(got.last_err(), Some(Kind::BodyTooLarge | Kind::Transport))
    }));
    cases.push(case("stream: head, then closed before the first event", vec![vec![w(sse_head()), Step::Close]], Call::Stream, "retried, then truncated", |got, seen| {
        is(got, Kind::Truncated) && seen.connections() == 2
    }));
    cases.push(case("stream: head, then reset before the first event", vec![vec![w(sse_head()), w(KEEP_ALIVE), Step::Reset]], Call::Stream, "retried, then a body error", |got, seen| {
        matches!(got.last_err(), Some(Kind::Body | Kind::Truncated)) && seen.connections() == 2
    }));
    cases.push(case("stream: events, then closed without [DONE]", vec![sse(&(chunk("He") + &chunk("llo")))], Call::Stream, "both events, then truncated, not retried", |got, seen| {
        ended_with(got, "Hello", Kind::Truncated) && seen.connections() == 1
    }));
    cases.push(case("stream: events, then reset", vec![vec![w(sse_head()), w(chunk("He") + &chunk("llo")), Step::Reset]], Call::Stream, "both events, then a body error", |got, seen| {
        matches!(got, Got::Stream { text, errors, .. } if text == "Hello" && matches!(errors.last(), Some(Kind::Body | Kind::Truncated))) && seen.connections() == 1
    }));
    cases.push(case("stream: an event cut mid-line at the end", vec![sse(&(chunk("Hel") + "data: {\"id\":\"gen-1\",\"choi"))], Call::Stream, "the whole events, then truncated", |got, _| {
        ended_with(got, "Hel", Kind::Truncated)
    }));
}

/// Stalls in every place, with and without keep-alives: each ends within its bound.
fn stalls(cases: &mut Vec<Case>) {
    for call in [Call::Create, Call::Stream, Call::Generated] {
        cases.push(case(&format!("no answer at all {call:?}"), vec![vec![Step::Stall]], call, "a timeout", |got, _| is(got, Kind::Timeout)));
        cases.push(case(&format!("stalls mid-head {call:?}"), vec![vec![w("HTTP/1.1 200 OK\r\ncontent-type: app"), Step::Stall]], call, "a timeout", |got, _| is(got, Kind::Timeout)));
        cases.push(case(&format!("500 whose error body stalls {call:?}"), vec![vec![w(b"HTTP/1.1 500 X\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"error\":".to_vec()), Step::Stall]], call, "ApiError 500 with body_cut", |got, _| {
            matches!(got.last_err(), Some(Kind::Api { status: 500, body_cut: true, .. }))
        }));
    }
    let stalled_json = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\":".to_vec();
    cases.push(case("200 JSON whose body stalls Create", vec![vec![w(stalled_json.clone()), Step::Stall]], Call::Create, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    cases.push(case("200 JSON whose body stalls Generated", vec![vec![w(stalled_json), Step::Stall]], Call::Generated, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    for call in [Call::Create, Call::Generated] {
        cases.push(case(&format!("200 without a content type whose body stalls {call:?}"), vec![vec![w(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{".to_vec()), Step::Stall]], call, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    }
    cases.push(case("200 text/html whose body stalls Generated", vec![vec![w(open_head("200 OK", "text/html")), w("<html>"), Step::Stall]], Call::Generated, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    cases.push(case("200 audio whose body stalls Generated", vec![vec![w(open_head("200 OK", "audio/mpeg")), w("ID3"), Step::Stall]], Call::Generated, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    cases.push(case("200 text/html whose body stalls Create", vec![vec![w(open_head("200 OK", "text/html")), w("<html>"), Step::Stall]], Call::Create, "BodyStalled", |got, _| is(got, Kind::BodyStalled)));
    cases.push(case("stream answered 502 whose body stalls", vec![vec![w(open_head("502 Bad Gateway", "text/html")), w("<html>"), Step::Stall]], Call::Stream, "ApiError 502 with body_cut", |got, _| {
        matches!(got.last_err(), Some(Kind::Api { status: 502, body_cut: true, .. }))
    }));
    cases.push(case("stream answered 200 text/html whose body stalls", vec![vec![w(open_head("200 OK", "text/html")), w("<html>"), Step::Stall]], Call::Stream, "ApiError with body_cut", |got, _| {
        matches!(got.last_err(), Some(Kind::Api { body_cut: true, .. }))
    }));
    cases.push(case("stream: head, then stalls before the first event", vec![vec![w(sse_head()), Step::Stall]], Call::Stream, "an idle timeout, not retried", |got, seen| {
        is(got, Kind::Idle) && seen.connections() == 1
    }));
    cases.push(case("stream: events, then stalls", vec![vec![w(sse_head()), w(chunk("Hel")), Step::Stall]], Call::Stream, "the event, then an idle timeout", |got, _| ended_with(got, "Hel", Kind::Idle)));
    let trickled = KEEP_ALIVE.repeat(40).into_bytes();
    cases.push(alone(case("stream: keep-alives trickled and no event", vec![vec![w(sse_head()), Step::Trickle { bytes: trickled, every: Duration::from_millis(2) }, Step::Stall]], Call::Stream, "an idle timeout: keep-alives are not events", |got, _| {
        is(got, Kind::Idle)
    })));
    cases.push(case("stream: an endless flood of keep-alives", vec![vec![w(sse_head()), flood(KEEP_ALIVE)]], Call::Stream, "an idle timeout, in bounded memory", |got, _| is(got, Kind::Idle)));
    cases.push(case("stream: events, then a flood of keep-alives", vec![vec![w(sse_head()), w(chunk("Hel")), flood(KEEP_ALIVE)]], Call::Stream, "the event, then an idle timeout", |got, _| ended_with(got, "Hel", Kind::Idle)));
    let slow = json("200 OK", CHAT);
    let (head, body) = slow.split_at(slow.len() - CHAT.len());
    cases.push(alone(case("a body that trickles one byte every 2 ms", vec![vec![w(head), Step::Trickle { bytes: body.to_vec(), every: Duration::from_millis(2) }, Step::Close]], Call::Create, "the answer: the bound is between bytes", |got, _| hello(got))));
    let padded = format!("{}{CHAT}", " ".repeat(100));
    let padded = json("200 OK", &padded);
    let (head, body) = padded.split_at(padded.len() - CHAT.len() - 100);
    let mut script = vec![w(head)];
    script.push(Step::Trickle { bytes: body[..100].to_vec(), every: Duration::from_millis(5) });
    script.push(w(&body[100..]));
    cases.push(alone(case("a slow answer padded with whitespace", vec![script], Call::Create, "the answer", |got, _| hello(got))));
    let events = ["He", "l", "lo"].iter().map(|t| chunk(t)).collect::<String>() + DONE;
    cases.push(alone(case("stream: events trickled byte by byte", vec![vec![w(sse_head()), Step::Trickle { bytes: events.into_bytes(), every: Duration::ZERO }, Step::Close]], Call::Stream, "the whole text", |got, _| {
        streamed(got, "Hello")
    })));
}

/// Lines, events and bodies far past their limits: each a typed error, memory bounded.
fn sizes(cases: &mut Vec<Case>) {
    cases.push(case("stream: one endless data line", vec![vec![w(sse_head()), w("data: {\"x\":\""), flood("x")]], Call::Stream, "EventTooLarge", |got, _| is(got, Kind::EventTooLarge)));
    cases.push(case("stream: data lines with no blank line", vec![vec![w(sse_head()), flood("data: {\"x\":1}\n")]], Call::Stream, "EventTooLarge", |got, _| is(got, Kind::EventTooLarge)));
    cases.push(case("stream: an endless comment line", vec![vec![w(sse_head()), w(": "), flood("keep-alive ")]], Call::Stream, "EventTooLarge or an idle timeout", |got, _| {
        matches!(got.last_err(), Some(Kind::EventTooLarge | Kind::Idle))
    }));
    cases.push(case("stream: events, then one endless line", vec![vec![w(sse_head()), w(chunk("Hel")), w("data: "), flood("y")]], Call::Stream, "the event, then EventTooLarge", |got, _| ended_with(got, "Hel", Kind::EventTooLarge)));
    let endless = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"id\":\"".to_vec();
    cases.push(case("an endless JSON body Create", vec![vec![w(endless.clone()), flood("a")]], Call::Create, "BodyTooLarge", |got, _| is(got, Kind::BodyTooLarge)));
    cases.push(case("an endless JSON body Generated", vec![vec![w(endless), flood("a")]], Call::Generated, "BodyTooLarge", |got, _| is(got, Kind::BodyTooLarge)));
    let chunked = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    cases.push(case("an endless chunked body", vec![vec![w(chunked), flood("1000\r\n")]], Call::Create, "an error (too large, or the chunks do not parse)", |got, _| {
        matches!(got.last_err(), Some(Kind::BodyTooLarge | Kind::Transport))
    }));
    for call in [Call::Create, Call::Stream, Call::Generated] {
        cases.push(case(&format!("502 with an endless body {call:?}"), vec![vec![w(open_head("502 Bad Gateway", "text/html")), flood("<p>down</p>")]], call, "ApiError 502 with body_cut", |got, _| {
            matches!(got.last_err(), Some(Kind::Api { status: 502, body_cut: true, .. }))
        }));
    }
    let big_error = format!(r#"{{"error":{{"code":400,"message":"{}"}}}}"#, "m".repeat(MAX_ERROR_BODY * 2));
    cases.push(case("400 whose JSON is longer than the error-body limit", once(json("400 Bad Request", &big_error)), Call::Create, "ApiError 400 with body_cut", |got, _| {
        matches!(got.last_err(), Some(Kind::Api { status: 400, body_cut: true, .. }))
    }));
    let many: String = (0..20_000).map(|i| chunk(if i % 2 == 0 { "a" } else { "b" })).collect::<String>() + DONE;
    cases.push(case("stream: 20,000 events", vec![sse(&many)], Call::Stream, "all of them", |got, _| {
        matches!(got, Got::Stream { events: 20_000, errors, .. } if errors.is_empty())
    }));
}

/// Bytes that are not UTF-8, line endings of every kind, a byte-order mark, NULs.
fn encodings(cases: &mut Vec<Case>) {
    let mut invalid = br#"{"id":"g","choices":[{"index":0,"message":{"role":"assistant","content":"a"#.to_vec();
    invalid.extend_from_slice(b"\xff\xfe");
    invalid.extend_from_slice(br#""}}]}"#);
    cases.push(case("a JSON answer with invalid UTF-8", once(answer("200 OK", &[("content-type", "application/json")], &invalid)), Call::Create, "a decode error", |got, _| is(got, Kind::Decode)));
    let binary: Vec<u8> = (0..5000u32).map(|i| (i % 64 + 0x80) as u8).collect();
    for call in [Call::Create, Call::Generated] {
        cases.push(case(&format!("502 with a 5,000-byte binary body {call:?}"), once(answer("502 Bad Gateway", &[("content-type", "application/octet-stream")], &binary)), call, "ApiError 502 whose raw body is within BODY_SNIPPET bytes", |got, _| {
            matches!(got.last_err(), Some(Kind::Api { status: 502, raw_len, .. }) if *raw_len > 0 && *raw_len <= openrouter_kit::error::BODY_SNIPPET)
        }));
    }
    let mut bad_event = sse_head();
    bad_event.extend_from_slice(chunk("He").as_bytes());
    bad_event.extend_from_slice(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xff\"}}]}\n\n");
    bad_event.extend_from_slice((chunk("llo") + DONE).as_bytes());
    // The SSE standard decodes a stream as UTF-8 with replacement: the bad byte is U+FFFD.
    cases.push(case("stream: an event with invalid UTF-8", vec![vec![w(bad_event), Step::Close]], Call::Stream, "U+FFFD for the bad byte, as the SSE standard decodes", |got, _| {
        streamed(got, "He\u{fffd}llo")
    }));
    let crlf = (chunk("He") + &chunk("llo") + DONE).replace('\n', "\r\n");
    cases.push(case("stream: CRLF line endings", vec![sse(&crlf)], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
    let cr = (chunk("He") + &chunk("llo") + DONE).replace('\n', "\r");
    cases.push(case("stream: CR line endings", vec![sse(&cr)], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
    let bom = format!("\u{feff}{}", chunk("He") + &chunk("llo") + DONE);
    cases.push(case("stream: a byte-order mark", vec![sse(&bom)], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
    let nul = format!(": \0\0\0\n\n{}", chunk("He") + "event: \0\ndata: {\"choices\":[]}\n\n" + &chunk("llo") + DONE);
    cases.push(case("stream: NUL bytes in comments and fields", vec![sse(&nul)], Call::Stream, "the whole text", |got, _| {
        matches!(got, Got::Stream { text, .. } if text == "Hello")
    }));
    let odd_fields = format!("retry: 99999999999999999999999\nid: \0x\nevent:\n{}", chunk("He") + &chunk("llo") + DONE);
    cases.push(case("stream: an overflowing retry, odd id and empty event type", vec![sse(&odd_fields)], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
    let obs = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-generation-id: gen-\xff\xfe\r\ncontent-length: ".to_vec();
    let mut obs = obs;
    obs.extend_from_slice(format!("{}\r\nconnection: close\r\n\r\n{CHAT}", CHAT.len()).as_bytes());
    cases.push(case("a header value with bytes that are not UTF-8", once(obs), Call::Create, "the answer", |got, _| hello(got)));
    let gzip = answer("200 OK", &[("content-type", "application/json"), ("content-encoding", "gzip")], b"\x1f\x8b\x08\x00garbage");
    cases.push(case("a gzip body that is not gzip (the client asked for none)", once(gzip), Call::Create, "a decode error", |got, _| is(got, Kind::Decode)));
}

/// Headers no server should send.
fn headers(cases: &mut Vec<Case>) {
    for call in [Call::Create, Call::Stream, Call::Generated] {
        // Which bound ends it depends on how fast the flood arrives: hyper's header limit (a
        // transport error) or, on a loaded machine, the head timeout first. Both are the
        // bounded, typed end this case is about.
        cases.push(case(&format!("an endless header line {call:?}"), vec![vec![w("HTTP/1.1 200 OK\r\nx-a: "), flood("a")]], call, "a transport error or the head timeout", |got, _| {
            is(got, Kind::Transport) || is(got, Kind::Timeout)
        }));
    }
    let many: String = (0..10_000).map(|i| format!("x-h{i}: v\r\n")).collect();
    cases.push(case("10,000 headers", once(format!("HTTP/1.1 200 OK\r\n{many}content-length: 2\r\n\r\n{{}}").into_bytes()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("a content-length that is not a number", once(b"HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\n{}".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("two content-lengths that disagree", once(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 7\r\n\r\n{}".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("a chunk size that is not hex", once(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    cases.push(case("a header without a colon", once(b"HTTP/1.1 200 OK\r\nnonsense\r\ncontent-length: 2\r\n\r\n{}".to_vec()), Call::Create, "a transport error", |got, _| is(got, Kind::Transport)));
    let rate: Vec<(String, String)> = (0..50).map(|i| (format!("x-ratelimit-h{i}"), "x".repeat(1000))).collect();
    let rate: Vec<(&str, &str)> = rate.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(rate);
    cases.push(case("429 with 50 long rate-limit headers", once(answer("429 X", &headers, error_json(429).as_bytes())), Call::Create, "ApiError 429", |got, _| api(got, 429)));
    for call in [Call::Create, Call::Generated] {
        let spoof = answer("500 X", &[("content-type", "application/json"), ("x-sdk-original-status", "200"), ("x-sdk-original-body", "e30="), ("x-sdk-body-cut", "1")], error_json(500).as_bytes());
        cases.push(case(&format!("500 sending the client's private headers {call:?}"), once(spoof), call, "ApiError 500 as sent, not what the headers claim", |got, _| {
            matches!(got.last_err(), Some(Kind::Api { status: 500, code: Some(500), body_cut: false, .. }))
        }));
    }
    cases.push(case("a stream without a content type", once(answer("200 OK", &[], (chunk("He") + DONE).as_bytes())), Call::Stream, "ApiError: not an event stream", |got, _| {
        matches!(got.last_err(), Some(Kind::Api { .. }))
    }));
    cases.push(case("an event stream for a create", once(answer("200 OK", &[("content-type", "text/event-stream")], (chunk("He") + DONE).as_bytes())), Call::Create, "a decode error", |got, _| {
        is(got, Kind::Decode)
    }));
    cases.push(case("a 200 JSON to a stream request", once(json("200 OK", CHAT)), Call::Stream, "ApiError: not an event stream", |got, _| matches!(got.last_err(), Some(Kind::Api { .. }))));
}

fn redirect(name: &str, status: &str, call: Call, target: Vec<Script>, want: &str, check: impl Fn(&Got, &Seen, Option<&Seen>) -> bool + Send + Sync + 'static) -> Case {
    let bytes = answer(status, &[("location", "{TARGET}/credits")], b"");
    Case { name: name.into(), scripts: once(bytes), target: Some(target), call, want: want.into(), alone: false, check: Box::new(check) }
}

/// Redirects: followed, never carrying the key to another origin.
fn redirects(cases: &mut Vec<Case>) {
    let no_key = |target: Option<&Seen>| target.is_some_and(|t| !t.heads().is_empty() && t.heads().iter().all(|h| !h.contains(crate::KEY) && !h.to_ascii_lowercase().contains("authorization")));
    for status in ["301 Moved Permanently", "302 Found", "307 Temporary Redirect", "308 Permanent Redirect"] {
        cases.push(redirect(&format!("{status} to another origin"), status, Call::Generated, once(json("200 OK", CREDITS)), "followed, without the key", move |got, _, target| {
            hello(got) && no_key(target)
        }));
    }
    cases.push(redirect("a redirect to a closed port", "307 Temporary Redirect", Call::Generated, vec![vec![Step::Reset]], "a transport error, without the key", move |got, _, target| {
        is(got, Kind::Transport) && no_key(target)
    }));
    let looping = answer("302 Found", &[("location", "/credits")], b"");
    cases.push(case("a redirect loop", vec![vec![w(looping), Step::Close]], Call::Generated, "a transport error after reqwest's ten hops", |got, _| is(got, Kind::Transport)));
}

/// Event sequences: errors before and after the first event, odd but valid streams.
fn streams(cases: &mut Vec<Case>) {
    let error_event = |code: u16| format!("data: {{\"error\":{{\"code\":{code},\"message\":\"provider failed\"}}}}\n\n");
    cases.push(case("stream: keep-alives, then only a 502 error event", vec![sse(&(KEEP_ALIVE.repeat(3) + &error_event(502)))], Call::Stream, "retried, then ApiError 502", |got, seen| {
        api(got, 502) && seen.connections() == 2
    }));
    cases.push(case("stream: only a 400 error event", vec![sse(&error_event(400))], Call::Stream, "ApiError 400, not retried", |got, seen| api(got, 400) && seen.connections() == 1));
    cases.push(case("stream: a 502 error event, then a good stream", vec![sse(&error_event(502)), sse(&(chunk("Hello") + DONE))], Call::Stream, "the retry's text", |got, seen| {
        streamed(got, "Hello") && seen.connections() == 2
    }));
    cases.push(case("stream: events, then an error event", vec![sse(&(chunk("Hel") + &error_event(502)))], Call::Stream, "the event, then ApiError 502, not retried", |got, seen| {
        matches!(got, Got::Stream { text, errors, .. } if text == "Hel" && errors.last().and_then(Kind::status) == Some(502)) && seen.connections() == 1
    }));
    cases.push(case("stream: data after [DONE]", vec![sse(&(chunk("Hello") + DONE + &chunk("junk")))], Call::Stream, "the text before [DONE]", |got, _| streamed(got, "Hello")));
    cases.push(case("stream: an event that is not JSON", vec![sse(&(chunk("He") + "data: {not json\n\n" + &chunk("llo") + DONE))], Call::Stream, "a decode error item, and the stream goes on", |got, _| {
        matches!(got, Got::Stream { text, errors, .. } if text == "Hello" && errors == &[Kind::Decode])
    }));
    cases.push(case("stream: chunks with error: null", vec![sse(&(chunk("He").replace("\"model\"", "\"error\":null,\"model\"") + &chunk("llo") + DONE))], Call::Stream, "the whole text", |got, _| {
        streamed(got, "Hello")
    }));
    cases.push(case("stream: 200 JSON carrying a 502", once(json("200 OK", &error_json(502))), Call::Stream, "retried, ApiError 502", |got, seen| api(got, 502) && seen.connections() == 2));
    let split: Vec<Step> = std::iter::once(w(sse_head())).chain((chunk("Hel") + &chunk("lo") + DONE).into_bytes().chunks(7).map(|c| w(c.to_vec()))).chain([Step::Close]).collect();
    cases.push(case("stream: events in 7-byte writes", vec![split], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
    let events = (chunk("He") + &chunk("llo") + DONE).replace("data: ", "data:");
    cases.push(case("stream: data: without a space", vec![sse(&events)], Call::Stream, "the whole text", |got, _| streamed(got, "Hello")));
}
