//! A reference SSE decoder written from the WHATWG HTML standard (§9.2.6 "Interpreting an event
//! stream"), as plainly as the text reads: decode the whole stream as UTF-8 with replacement,
//! drop one leading BOM, split into lines at CRLF, LF or CR, and process each line. It is slow
//! and obviously right; the fuzzer checks that `openrouter_kit::sse::Decoder` gives the same events
//! whatever the read boundaries.
//!
//! Two choices of the crate that the standard leaves open are mirrored here:
//! - `retry` belongs to the event it came with (the standard sets the connection's
//!   reconnection time at once); a blank line clears it, as it clears the event type. A value
//!   too large for `u64` is ignored (the standard's integer has no limit).
//! - The last event id starts as "none" rather than the empty string.

use openrouter_kit::sse::Event;

/// The events a complete stream dispatches; what follows the last blank line is discarded (the
/// standard's end-of-stream rule).
pub fn decode(input: &[u8]) -> Vec<Event> {
    let text = String::from_utf8_lossy(input);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut events = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_id: Option<String> = None;
    let mut retry: Option<u64> = None;
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        let line = &rest[..end];
        rest = &rest[end + if rest[end..].starts_with("\r\n") { 2 } else { 1 }..];
        if line.is_empty() {
            // Dispatch.
            if !data.is_empty() {
                data.pop(); // the trailing LF
                events.push(Event {
                    event: (!event_type.is_empty()).then(|| event_type.clone()),
                    data: std::mem::take(&mut data),
                    id: last_id.clone(),
                    retry,
                });
            }
            data.clear();
            event_type.clear();
            retry = None;
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => event_type = value.to_string(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" if !value.contains('\0') => last_id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    retry = Some(ms);
                }
            }
            _ => {}
        }
    }
    events
}
