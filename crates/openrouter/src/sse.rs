//! Server-sent events, framed as the WHATWG HTML standard says (§9.2.6): lines end in CRLF, LF
//! or CR (a CRLF split across two network chunks is one line end); `:` starts a comment;
//! `data:` lines of one event join with `\n`; `event:`, `id:` and `retry:` are kept; a blank
//! line dispatches; a leading byte-order mark is dropped.
//!
//! The decoder is incremental and allocation-frugal: bytes are scanned in place (`memchr`), a
//! line is only copied when it is a `data:` line (into the event's buffer, whose capacity is
//! reused), and the one allocation per event is the `String` handed to the caller.
//! OpenRouter's keep-alive comments (`: OPENROUTER PROCESSING`) are counted, not returned, so the
//! stream layer can tell "the server is alive" from "the generation is progressing".

use std::borrow::Cow;

/// Buffer room kept across events and lines; beyond it, room is given back.
const KEEP_CAPACITY: usize = 64 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The `event:` field; `None` means the default type, `message`.
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
    /// The last `id:` seen on the stream (it persists across events, as the standard says).
    pub id: Option<String>,
    /// A `retry:` field on this event, in milliseconds.
    pub retry: Option<u64>,
}

/// Incremental SSE decoder: [`push`](Self::push) bytes as they arrive, then take events with
/// [`next_event`](Self::next_event) until it returns `None`.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Where unread bytes start in `buf`.
    start: usize,
    /// Up to where `buf` has been searched for a line end: an unfinished line is not searched
    /// again on every push (which made a long line quadratic in its length).
    scanned: usize,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    skip_lf: bool,
    bom_checked: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    comments: u64,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append bytes received from the network.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
            self.scanned = 0;
            // One huge line must not pin its buffer for the rest of the stream.
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf.shrink_to(KEEP_CAPACITY);
            }
        } else if self.start > 4096 && self.start * 2 > self.buf.len() {
            self.buf.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete event, if the bytes pushed so far hold one.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let (line_end, next) = self.next_line()?;
            let line_start = self.start;
            self.start = next;
            if line_end == line_start {
                if let Some(event) = self.dispatch() {
                    return Some(event);
                }
                continue;
            }
            // Split borrow: the line lives in `buf`, the fields elsewhere in `self`.
            let line = std::mem::take(&mut self.buf);
            self.field(&line[line_start..line_end]);
            self.buf = line;
        }
    }

    /// Keep-alive comments seen so far.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// At the end of the stream: an event whose blank line never came. The standard discards it;
    /// the caller decides (OpenRouter sometimes ends with an unterminated error event).
    pub fn finish(&mut self) -> Option<Event> {
        if self.start < self.buf.len() {
            let rest = std::mem::take(&mut self.buf);
            self.field(&rest[self.start..]);
            self.start = 0;
            self.scanned = 0;
        }
        self.dispatch()
    }

    /// Whether bytes or fields of an unfinished event are pending.
    pub fn has_pending(&self) -> bool {
        self.start < self.buf.len() || self.has_data
    }

    /// (end of the line's content, start of the next line) for the next whole line.
    fn next_line(&mut self) -> Option<(usize, usize)> {
        if !self.bom_checked {
            if self.buf.len() - self.start < 3 && b"\xEF\xBB\xBF".starts_with(&self.buf[self.start..]) {
                return None;
            }
            if self.buf[self.start..].starts_with(b"\xEF\xBB\xBF") {
                self.start += 3;
            }
            self.bom_checked = true;
        }
        if self.skip_lf && self.start < self.buf.len() {
            if self.buf[self.start] == b'\n' {
                self.start += 1;
            }
            self.skip_lf = false;
        }
        // Clamped: whatever emptied the buffer, a stale position must not index past it.
        let from = self.scanned.max(self.start).min(self.buf.len());
        let Some(i) = memchr::memchr2(b'\n', b'\r', &self.buf[from..]) else {
            self.scanned = self.buf.len();
            return None;
        };
        let end = from + i;
        self.scanned = end;
        let rest = &self.buf[self.start..];
        let i = end - self.start;
        if rest[i] == b'\r' {
            match rest.get(i + 1) {
                Some(b'\n') => return Some((end, end + 2)),
                Some(_) => return Some((end, end + 1)),
                None => {
                    // The LF may come in the next chunk.
                    self.skip_lf = true;
                    return Some((end, end + 1));
                }
            }
        }
        Some((end, end + 1))
    }

    fn field(&mut self, line: &[u8]) {
        if line.first() == Some(&b':') {
            self.comments += 1;
            return;
        }
        let (name, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &line[..0]),
        };
        match name {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&text(value));
                self.has_data = true;
            }
            // An empty type is the default one, `message` (the standard's dispatch step).
            b"event" => self.event = (!value.is_empty()).then(|| text(value).into_owned()),
            b"id" => {
                if !value.contains(&0) {
                    self.id = Some(text(value).into_owned());
                }
            }
            b"retry" => {
                // Digits only; a value too large to hold is ignored, not a reset of the last one.
                if !value.is_empty() && value.iter().all(u8::is_ascii_digit) {
                    if let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                        self.retry = Some(ms);
                    }
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) -> Option<Event> {
        let event = self.event.take();
        let retry = self.retry.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        // The next event likely needs as much room as this one (one allocation per event, none
        // per line), but not more than a typical event: a huge one must not make every later
        // event as large.
        let capacity = self.data.len().min(KEEP_CAPACITY);
        let data = std::mem::replace(&mut self.data, String::with_capacity(capacity));
        Some(Event { event, data, id: self.id.clone(), retry })
    }
}

/// Invalid UTF-8 is replaced, as the standard's decoding step does; valid text is borrowed.
fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<Event> {
        let mut d = Decoder::new();
        d.push(input);
        std::iter::from_fn(|| d.next_event()).collect()
    }

    fn data(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn joins_multi_line_data_and_keeps_fields() {
        let events = all(b"event: delta\nid: 7\nretry: 1500\ndata: a\ndata:b\ndata\n\ndata: next\n\n");
        assert_eq!(events[0], Event { event: Some("delta".into()), data: "a\nb\n".into(), id: Some("7".into()), retry: Some(1500) });
        assert_eq!(events[1], Event { event: None, data: "next".into(), id: Some("7".into()), retry: None });
    }

    #[test]
    fn every_line_ending_and_a_bom() {
        assert_eq!(data(&all(b"\xEF\xBB\xBFdata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n")), ["1", "2", "3"]);
    }

    #[test]
    fn comments_are_counted_not_returned() {
        let mut d = Decoder::new();
        d.push(b": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {\"x\":1}\n\n");
        assert_eq!(d.next_event().map(|e| e.data), Some("{\"x\":1}".to_string()));
        assert_eq!(d.comments(), 2);
        assert_eq!(d.next_event(), None);
    }

    #[test]
    fn a_blank_line_without_data_dispatches_nothing_and_resets_the_type() {
        let events = all(b"event: ping\n\ndata: x\n\n");
        assert_eq!(events, [Event { data: "x".into(), ..Event::default() }]);
    }

    #[test]
    fn any_split_of_the_input_gives_the_same_events() {
        let input: &[u8] = b"\xEF\xBB\xBF: keep-alive\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\ndata: \xF0\x9F\x98\x80 three\r\rid: 9\ndata:four\n\n";
        let whole = all(input);
        assert_eq!(data(&whole), ["one\ntwo", "\u{1F600} three", "four"]);
        for cut in 0..input.len() {
            for cut2 in cut..input.len() {
                let mut d = Decoder::new();
                let mut got = Vec::new();
                for part in [&input[..cut], &input[cut..cut2], &input[cut2..]] {
                    d.push(part);
                    got.extend(std::iter::from_fn(|| d.next_event()));
                }
                assert_eq!(got, whole, "split at {cut} and {cut2}");
            }
        }
    }

    #[test]
    fn an_unterminated_event_is_left_for_finish() {
        let mut d = Decoder::new();
        d.push(b"data: {\"error\":{\"code\":502}}");
        assert_eq!(d.next_event(), None);
        assert!(d.has_pending());
        assert_eq!(d.finish().map(|e| e.data), Some("{\"error\":{\"code\":502}}".to_string()));
        assert!(!d.has_pending());
        // Asking again after the end, as a stream's last poll does, finds nothing and holds.
        assert_eq!(d.next_event(), None);
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn a_long_line_costs_the_same_whatever_the_read_size() {
        // 4 MiB in 1-byte reads would take minutes if each read rescanned the unfinished line;
        // the work counted here is the bytes searched, which must stay linear.
        let line = format!("data: {}\n\n", "x".repeat(4 << 20));
        for read in [1usize, 8 << 10, line.len()] {
            let mut d = Decoder::new();
            let mut events = Vec::new();
            for part in line.as_bytes().chunks(read) {
                d.push(part);
                events.extend(std::iter::from_fn(|| d.next_event()));
                assert!(d.scanned <= d.buf.len());
            }
            assert_eq!(events.len(), 1, "read size {read}");
            assert_eq!(events[0].data.len(), 4 << 20);
        }
    }

    #[test]
    fn a_huge_event_does_not_make_later_ones_huge() {
        let mut d = Decoder::new();
        d.push(format!("data: {}\n\n", "x".repeat(1 << 20)).as_bytes());
        assert_eq!(d.next_event().map(|e| e.data.len()), Some(1 << 20));
        d.push(b"data: small\n\n");
        let small = d.next_event().unwrap();
        assert_eq!(small.data, "small");
        assert!(d.data.capacity() <= KEEP_CAPACITY && d.buf.capacity() <= (1 << 20) + 64, "{} {}", d.data.capacity(), d.buf.capacity());
        d.push(b"data: again\n\n");
        assert!(d.next_event().is_some());
        assert!(d.buf.capacity() <= KEEP_CAPACITY, "the big line's buffer is given back: {}", d.buf.capacity());
    }

    #[test]
    fn an_empty_type_is_the_default_and_an_overflowing_retry_is_ignored() {
        let events = all(b"event:\ndata: a\n\nretry: 1500\ndata: b\n\nretry: 1500\nretry: 99999999999999999999999\ndata: c\n\n");
        assert_eq!(events[0].event, None);
        assert_eq!(events[1].retry, Some(1500));
        assert_eq!(events[2].retry, Some(1500), "an overflowing retry keeps the one before");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(data(&all(b"data: a\xFFb\n\n")), ["a\u{FFFD}b"]);
    }
}
