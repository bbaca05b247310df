//! Server-sent events, framed as the WHATWG HTML standard says (§9.2.6): lines end in CRLF, LF
//! or CR (a CRLF split across two network chunks is one line end); `:` starts a comment;
//! `data:` lines of one event join with `\n`; `event:`, `id:` and `retry:` are kept; a blank
//! line dispatches; a leading byte-order mark is dropped.
//!
//! The decoder is incremental and allocation-frugal: bytes are scanned in place (`memchr`); an
//! event of one `data:` line (the usual kind) is handed out borrowed from the read buffer, and
//! only an event of several lines, or one cut across reads, is copied (into a buffer whose
//! capacity is reused): [`Decoder::next_raw`] allocates nothing per event.
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

/// One dispatched event, borrowed from the decoder: its data as received, not yet checked as
/// UTF-8 (a JSON decoder checks the text it reads anyway; [`RawEvent::text`] replaces invalid
/// bytes as the standard's decoding step does). An event of one `data:` line, the usual kind,
/// is not copied at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent<'a> {
    /// The `event:` name, if any.
    pub event: Option<String>,
    /// The `data:` lines, joined by `\n`.
    pub data: &'a [u8],
    /// The `id:` field, if any.
    pub id: Option<&'a str>,
    /// The `retry:` field in milliseconds, if any.
    pub retry: Option<u64>,
}

impl RawEvent<'_> {
    /// The data as text, invalid UTF-8 replaced.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.data)
    }

    /// An owned copy.
    pub fn to_event(&self) -> Event {
        Event { event: self.event.clone(), data: self.text().into_owned(), id: self.id.map(str::to_string), retry: self.retry }
    }
}

/// Incremental SSE decoder: [`push`](Self::push) bytes as they arrive, then take events with
/// [`next_event`](Self::next_event) (owned) or [`next_raw`](Self::next_raw) (borrowed) until it
/// returns `None`.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Bytes received and not yet consumed, when a line had to be carried across reads (or they
    /// came through [`push`](Self::push)).
    buf: Vec<u8>,
    /// The read being scanned, when it came as `Bytes` with nothing carried before it: scanned
    /// where it lies, never copied ([`push_bytes`](Self::push_bytes)).
    shared: bytes::Bytes,
    /// Which of the two holds the bytes.
    in_shared: bool,
    /// What came after the line end that completed a carried line: scanned in place (as
    /// `shared`) once `buf` is consumed, so that `buf` only ever holds the piece of a line.
    rest: bytes::Bytes,
    /// Where unread bytes start in them.
    start: usize,
    /// Up to where `buf` has been searched for a line end: an unfinished line is not searched
    /// again on every push (which made a long line quadratic in its length).
    scanned: usize,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    skip_lf: bool,
    bom_checked: bool,
    /// The pending event's data while it is a single line still in `buf` (its range there).
    line: Option<(usize, usize)>,
    /// The pending event's data once it had to be copied (a second line, or `buf` compacted).
    data: Vec<u8>,
    /// `data` belongs to the event handed out last; cleared when the next one starts.
    data_stale: bool,
    has_data: bool,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    comments: u64,
}

impl Decoder {
    /// A decoder with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append bytes received from the network.
    pub fn push(&mut self, chunk: &[u8]) {
        self.carry();
        self.push_owned(chunk);
    }

    /// `buf` is consumed and a rest is held: it becomes the bytes scanned in place.
    fn take_rest(&mut self) -> bool {
        if self.rest.is_empty() || self.in_shared || self.start < self.buf.len() {
            return false;
        }
        self.own_line();
        self.buf.clear();
        if self.buf.capacity() > KEEP_CAPACITY {
            self.buf.shrink_to(KEEP_CAPACITY);
        }
        self.shared = std::mem::take(&mut self.rest);
        self.in_shared = true;
        self.start = 0;
        self.scanned = 0;
        true
    }

    /// Append a read received as `Bytes` (what reqwest yields): when nothing is carried from the
    /// read before, it is scanned in place and its one-line events are lent out of it uncopied.
    pub fn push_bytes(&mut self, mut chunk: bytes::Bytes) {
        if self.start == self.len() && self.rest.is_empty() {
            // A pending data line lives in the bytes being dropped: it moves out first.
            self.own_line();
            self.buf.clear();
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf.shrink_to(KEEP_CAPACITY);
            }
            self.shared = chunk;
            self.in_shared = true;
            self.start = 0;
            self.scanned = 0;
            return;
        }
        self.carry();
        if !self.rest.is_empty() {
            // Pushed again before every event was taken: all of it goes to `buf`, in order.
            self.push_owned(&chunk);
            return;
        }
        // Only up to the line end that completes the carried line is copied.
        let rest = match memchr::memchr2(b'\n', b'\r', &chunk) {
            Some(i) => chunk.split_off(if chunk[i] == b'\r' && chunk.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 }),
            None => bytes::Bytes::new(),
        };
        self.push_owned(&chunk);
        self.rest = rest;
    }

    /// Moves what is left of a shared read into `buf`, which then holds the bytes.
    fn carry(&mut self) {
        if !self.in_shared {
            return;
        }
        self.own_line();
        self.buf.clear();
        self.buf.extend_from_slice(&self.shared[self.start..]);
        self.scanned -= self.start.min(self.scanned);
        self.start = 0;
        self.shared = bytes::Bytes::new();
        self.in_shared = false;
    }

    fn push_owned(&mut self, chunk: &[u8]) {
        if !self.rest.is_empty() {
            let rest = std::mem::take(&mut self.rest);
            self.push_owned(&rest);
        }
        let consumed = self.start > 0 && self.start == self.buf.len();
        let compact = !consumed && self.start > 4096 && self.start * 2 > self.buf.len();
        if consumed || compact {
            // A pending data line lives before `start`: it moves out before the bytes do.
            self.own_line();
        }
        if consumed {
            self.buf.clear();
            self.start = 0;
            self.scanned = 0;
            // One huge line must not pin its buffer for the rest of the stream.
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf.shrink_to(KEEP_CAPACITY);
            }
        } else if compact {
            self.buf.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The bytes received and not given back yet (consumed ones included, up to `start`).
    fn bytes(&self) -> &[u8] {
        if self.in_shared { &self.shared } else { &self.buf }
    }

    fn len(&self) -> usize {
        self.bytes().len()
    }

    /// The next complete event, if the bytes pushed so far hold one.
    pub fn next_event(&mut self) -> Option<Event> {
        self.next_raw().map(|e| e.to_event())
    }

    /// The next complete event, borrowed until the next call.
    pub fn next_raw(&mut self) -> Option<RawEvent<'_>> {
        // Every read ends with this call (a live stream's read is one event): nothing unread,
        // nothing held back, so no line to look for; `scanned` is left where the search would.
        if self.bom_checked && self.start >= self.len() && self.rest.is_empty() {
            self.scanned = self.len();
            return None;
        }
        if let Some((from, to, next)) = self.single_line_event() {
            self.start = next;
            self.scanned = next;
            let bytes: &[u8] = if self.in_shared { &self.shared } else { &self.buf };
            return Some(RawEvent { event: None, data: &bytes[from..to], id: self.id.as_deref(), retry: None });
        }
        loop {
            let Some((line_end, next)) = self.next_line() else {
                if self.take_rest() {
                    continue;
                }
                return None;
            };
            let line_start = self.start;
            self.start = next;
            if line_end == line_start {
                if self.has_data {
                    return Some(self.dispatch());
                }
                // A blank line without data dispatches nothing, and resets the event's fields.
                self.event = None;
                self.retry = None;
                continue;
            }
            self.field(line_start, line_end);
        }
    }

    /// `data: <value>\n\n` at the read position, with no event under way: the commonest event
    /// of all (every chat chunk OpenRouter sends), taken with one search and none of the field
    /// handling. (data start, data end, next line start); `None` leaves it to the general path.
    /// A line scanned before in vain (`scanned` past `start`) is not searched again here, so
    /// every byte is still searched a bounded number of times.
    fn single_line_event(&self) -> Option<(usize, usize, usize)> {
        if self.has_data || self.skip_lf || !self.bom_checked || self.event.is_some() || self.retry.is_some() || self.scanned > self.start {
            return None;
        }
        let value = self.bytes().get(self.start..)?.strip_prefix(b"data: ")?;
        let end = memchr::memchr2(b'\n', b'\r', value)?;
        if value[end] != b'\n' || value.get(end + 1) != Some(&b'\n') {
            return None;
        }
        let from = self.start + 6;
        Some((from, from + end, from + end + 2))
    }

    /// Keep-alive comments seen so far.
    pub fn comments(&self) -> u64 {
        self.comments
    }

    /// Bytes held for an event not yet complete (its data so far and its unfinished line): what
    /// a caller bounds to refuse an endless event.
    pub fn pending_bytes(&self) -> usize {
        let line = self.line.map_or(0, |(a, b)| b - a);
        let data = if self.data_stale { 0 } else { self.data.len() };
        (self.len() - self.start) + self.rest.len() + line + data
    }

    /// At the end of the stream: an event whose blank line never came. The standard discards it;
    /// the caller decides (OpenRouter sometimes ends with an unterminated error event).
    pub fn finish(&mut self) -> Option<Event> {
        self.finish_raw().map(|e| e.to_event())
    }

    /// [`finish`](Self::finish), borrowed.
    pub fn finish_raw(&mut self) -> Option<RawEvent<'_>> {
        if self.start < self.len() {
            let (from, to) = (self.start, self.len());
            self.field(from, to);
            self.start = to;
            self.own_line();
        }
        if !self.has_data {
            self.event = None;
            self.retry = None;
            return None;
        }
        Some(self.dispatch())
    }

    /// Whether bytes or fields of an unfinished event are pending.
    pub fn has_pending(&self) -> bool {
        self.start < self.len() || !self.rest.is_empty() || self.has_data
    }

    /// (end of the line's content, start of the next line) for the next whole line.
    fn next_line(&mut self) -> Option<(usize, usize)> {
        // One look at which buffer holds the bytes (fields borrowed apart, so the positions can
        // be updated while it is held): this runs once per line.
        let bytes: &[u8] = if self.in_shared { &self.shared } else { &self.buf };
        let len = bytes.len();
        if !self.bom_checked {
            let unread = &bytes[self.start..];
            if unread.len() < 3 && b"\xEF\xBB\xBF".starts_with(unread) {
                return None;
            }
            if unread.starts_with(b"\xEF\xBB\xBF") {
                self.start += 3;
            }
            self.bom_checked = true;
        }
        if self.skip_lf && self.start < len {
            if bytes[self.start] == b'\n' {
                self.start += 1;
            }
            self.skip_lf = false;
        }
        // Clamped: whatever emptied the buffer, a stale position must not index past it.
        let from = self.scanned.max(self.start).min(len);
        let rest = &bytes[from..];
        // The blank line after a data line is the commonest line of all: no search for it.
        let found = match rest.first() {
            Some(b'\n' | b'\r') => Some(0),
            _ => memchr::memchr2(b'\n', b'\r', rest),
        };
        let Some(i) = found else {
            self.scanned = len;
            return None;
        };
        let end = from + i;
        self.scanned = end;
        if bytes[end] == b'\r' {
            match bytes.get(end + 1) {
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

    /// The line `bytes()[from..to]`.
    fn field(&mut self, from: usize, to: usize) {
        let bytes: &[u8] = if self.in_shared { &self.shared } else { &self.buf };
        let line = &bytes[from..to];
        // The two commonest lines first, without the general field split.
        if line.first() == Some(&b':') {
            self.comments += 1;
            return;
        }
        if let Some(value) = line.strip_prefix(b"data:") {
            self.data_line(from + 5 + usize::from(value.first() == Some(&b' ')), to);
            return;
        }
        let (name_end, value_start) = match memchr::memchr(b':', line) {
            Some(i) => (from + i, from + i + 1 + usize::from(line.get(i + 1) == Some(&b' '))),
            None => (to, to),
        };
        let value = &bytes[value_start..to];
        match &bytes[from..name_end] {
            b"data" => self.data_line(value_start, to),
            // An empty type is the default one, `message` (the standard's dispatch step).
            b"event" => self.event = (!value.is_empty()).then(|| String::from_utf8_lossy(value).into_owned()),
            b"id"
                if !value.contains(&0) => {
                    self.id = Some(String::from_utf8_lossy(value).into_owned());
                }
            b"retry" => {
                // Digits only; a value too large to hold is ignored, not a reset of the last one.
                if !value.is_empty() && value.iter().all(u8::is_ascii_digit)
                    && let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                        self.retry = Some(ms);
                    }
            }
            _ => {}
        }
    }

    /// A `data:` line whose value is `bytes()[from..to]`.
    fn data_line(&mut self, from: usize, to: usize) {
        self.clear_stale();
        if !self.has_data {
            self.line = Some((from, to));
            self.has_data = true;
            return;
        }
        self.own_line();
        let value = if self.in_shared { &self.shared[from..to] } else { &self.buf[from..to] };
        self.data.push(b'\n');
        self.data.extend_from_slice(value);
    }

    /// The pending single data line, copied out of `buf` (before `buf` changes, or a second
    /// line joins it).
    fn own_line(&mut self) {
        if let Some((a, b)) = self.line.take() {
            self.clear_stale();
            let from = if self.in_shared { &self.shared[a..b] } else { &self.buf[a..b] };
            self.data.extend_from_slice(from);
        }
    }

    /// Empties the data handed out with the last event; a huge one gives its room back.
    fn clear_stale(&mut self) {
        if self.data_stale {
            self.data.clear();
            self.data.shrink_to(KEEP_CAPACITY);
            self.data_stale = false;
        }
    }

    fn dispatch(&mut self) -> RawEvent<'_> {
        self.has_data = false;
        let event = self.event.take();
        let retry = self.retry.take();
        let data = match self.line.take() {
            Some((a, b)) => if self.in_shared { &self.shared[a..b] } else { &self.buf[a..b] },
            None => {
                self.data_stale = true;
                &self.data[..]
            }
        };
        RawEvent { event, data, id: self.id.as_deref(), retry }
    }
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
        // The tail is one-line events of the commonest shape (taken by the short path when
        // whole in a read), with fields set before them and between them.
        let input: &[u8] = b"\xEF\xBB\xBF: keep-alive\r\nevent: a\r\ndata: one\r\ndata: two\r\n\r\ndata: \xF0\x9F\x98\x80 three\r\rid: 9\ndata:four\n\n\
            data: five\n\nretry: 20\ndata: six\n\ndata: seven\ndata: 7\n\ndata: \n\nevent: b\ndata: eight\n\ndata: nine\n\n";
        let whole = all(input);
        assert_eq!(data(&whole), ["one\ntwo", "\u{1F600} three", "four", "five", "six", "seven\n7", "", "eight", "nine"]);
        let fields: Vec<_> = whole[3..].iter().map(|e| (e.event.as_deref(), e.id.as_deref(), e.retry)).collect();
        assert_eq!(
            fields,
            [(None, Some("9"), None), (None, Some("9"), Some(20)), (None, Some("9"), None), (None, Some("9"), None), (Some("b"), Some("9"), None), (None, Some("9"), None)]
        );
        for cut in 0..input.len() {
            for cut2 in cut..input.len() {
                let mut d = Decoder::new();
                let mut got = Vec::new();
                for part in [&input[..cut], &input[cut..cut2], &input[cut2..]] {
                    d.push(part);
                    got.extend(std::iter::from_fn(|| d.next_event()));
                }
                assert_eq!(got, whole, "split at {cut} and {cut2}");
                // The same reads as `Bytes`, scanned in place, and mixed with copied ones.
                for mix in 0..4u8 {
                    let mut d = Decoder::new();
                    let mut got = Vec::new();
                    for (k, part) in [&input[..cut], &input[cut..cut2], &input[cut2..]].into_iter().enumerate() {
                        if mix & (1 << k.min(1)) == 0 {
                            d.push_bytes(bytes::Bytes::copy_from_slice(part));
                        } else {
                            d.push(part);
                        }
                        got.extend(std::iter::from_fn(|| d.next_event()));
                    }
                    assert_eq!(got, whole, "split at {cut} and {cut2}, mix {mix}");
                }
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

    #[test]
    fn one_line_events_are_lent_not_copied() {
        let mut d = Decoder::new();
        d.push(b": keep-alive\n\ndata: {\"a\":1}\n\ndata: {\"b\":2}\n\n");
        assert_eq!(d.next_raw().map(|e| e.data.to_vec()), Some(br#"{"a":1}"#.to_vec()));
        assert_eq!(d.next_raw().map(|e| e.data.to_vec()), Some(br#"{"b":2}"#.to_vec()));
        assert_eq!(d.data.capacity(), 0, "nothing was copied");
        // A line cut across reads, and an event of two lines, are copied, and still whole.
        d.push(b"data: x");
        d.push(b"y\n");
        d.push(b"data: z\n\n");
        let e = d.next_raw().unwrap();
        assert_eq!((e.data, e.text()), (&b"xy\nz"[..], Cow::Borrowed("xy\nz")));
        assert_eq!(d.pending_bytes(), 0);
        d.push(b"data: pending");
        assert_eq!(d.pending_bytes(), 13);
    }

    #[test]
    fn only_the_piece_of_a_cut_line_is_copied() {
        // A read that completes a cut line and carries many more events: the copy holds the cut
        // line, the rest is scanned where it lies (1,000 concurrent streams each holding a whole
        // read in a copy is what this saves).
        let mut d = Decoder::new();
        d.push_bytes(bytes::Bytes::from_static(b"data: {\"a\":"));
        let mut next = b"1}\n\n".to_vec();
        for i in 0..200 {
            next.extend_from_slice(format!("data: {{\"n\":{i}}}\n\n").as_bytes());
        }
        d.push_bytes(bytes::Bytes::from(next));
        let events: Vec<Event> = std::iter::from_fn(|| d.next_event()).collect();
        assert_eq!(events.len(), 201);
        assert_eq!(events[0].data, r#"{"a":1}"#);
        assert_eq!(events[200].data, r#"{"n":199}"#);
        assert!(d.buf.capacity() < 64, "the copy held more than the cut line: {}", d.buf.capacity());
        assert!(!d.has_pending());
    }
}
