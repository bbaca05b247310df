//! The fault suite: the client against a raw TCP server sending exact bytes — statuses,
//! `Retry-After` forms, resets, truncation, stalls with and without keep-alives, huge lines and
//! bodies, invalid UTF-8, hostile headers, redirects. Each case states the outcome it expects;
//! every case must also end within the bound its configuration implies, never panic, and never
//! show the key (in an error's `Debug` or `Display`, or in any log line of the run).
//!
//! `cargo test -p openrouter-kit --test faults` prints `N passed, M failed` and fails when M > 0.
//! `cargo test -p openrouter-kit --test faults -- NAME` runs the cases whose name contains NAME.

mod cases;
mod server;

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use openrouter_kit::{Client, Error, StreamError};

pub use server::{Script, Seen, Step};

/// The key every case's client sends; no output may contain it.
pub const KEY: &str = "sk-or-v1-fault-suite-0123456789abcdef-secret";

/// The bounds every case's client has (short, so that the suite is quick).
pub const HEAD: Duration = Duration::from_millis(400);
pub const IDLE: Duration = Duration::from_millis(400);
pub const MAX_BODY: usize = 256 << 10;
pub const MAX_ERROR_BODY: usize = 8 << 10;
pub const MAX_EVENT: usize = 64 << 10;
pub const ATTEMPTS: u32 = 2;
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(1);

/// The longest any case may take: each attempt waits at most for its head and then for each
/// stalled read, and the waits between attempts are at most `MAX_RETRY_AFTER`; one more second
/// for everything else (a loaded 2-core machine).
pub fn bound() -> Duration {
    (HEAD + IDLE) * ATTEMPTS + MAX_RETRY_AFTER + Duration::from_secs(1)
}

/// The call a case makes.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    /// `chat().create()`, read whole.
    Create,
    /// `chat().stream()`, read to its end.
    Stream,
    /// A generated method (`api().get_credits()`), the live path.
    Generated,
}

/// What a failure was, without what it carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `code` is the error's numeric `code` (a `200` that carries an error keeps status 200).
    Api { status: u16, code: Option<i64>, retry_after: Option<Duration>, body_cut: bool, raw_len: usize },
    Timeout,
    BodyStalled,
    BodyTooLarge,
    Transport,
    Decode,
    Idle,
    Truncated,
    Body,
    EventTooLarge,
    Other(String),
}

impl Kind {
    /// The status an API error stands for: its numeric code when it was sent in a `200`.
    pub fn status(&self) -> Option<u16> {
        match self {
            Kind::Api { status: 200, code: Some(code), .. } => u16::try_from(*code).ok(),
            Kind::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What a call got.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    /// A whole answer: its text (chat) or a short description.
    Ok(String),
    /// A stream that started: its events, the text they told, and each error item in order.
    Stream { events: usize, text: String, errors: Vec<Kind> },
    Err(Kind),
}

impl Got {
    pub fn err(&self) -> Option<&Kind> {
        match self {
            Got::Err(k) => Some(k),
            _ => None,
        }
    }

    /// The error a call ended with: the call's, or a stream's last item's.
    pub fn last_err(&self) -> Option<&Kind> {
        match self {
            Got::Err(k) => Some(k),
            Got::Stream { errors, .. } => errors.last(),
            Got::Ok(_) => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.last_err().and_then(Kind::status)
    }
}

/// One case: the server's scripts, the call, and the outcome it must have.
pub struct Case {
    pub name: String,
    pub scripts: Vec<Script>,
    /// Scripts of a second server, whose URL replaces `{TARGET}` in the first one's bytes.
    pub target: Option<Vec<Script>>,
    pub call: Call,
    /// What is expected, in words (printed when the case fails).
    pub want: String,
    /// Run on its own after the others: its timing is the point (a trickle must not be starved
    /// by the floods of other cases on a 2-core machine).
    pub alone: bool,
    #[allow(clippy::type_complexity)]
    pub check: Box<dyn Fn(&Got, &Seen, Option<&Seen>) -> bool + Send + Sync>,
}

fn kind(e: &Error) -> Kind {
    match e {
        Error::Api(api) => Kind::Api {
            status: api.status.as_u16(),
            code: match &api.code {
                Some(openrouter_kit::ErrorCode::Number(n)) => Some(*n),
                _ => None,
            },
            retry_after: api.retry_after,
            body_cut: api.body_cut,
            raw_len: api.raw_body.as_ref().map_or(0, String::len),
        },
        Error::Timeout(_) => Kind::Timeout,
        Error::BodyStalled(_) => Kind::BodyStalled,
        Error::BodyTooLarge { .. } => Kind::BodyTooLarge,
        Error::Transport(_) => Kind::Transport,
        Error::Decode(_) => Kind::Decode,
        Error::Stream(StreamError::IdleTimeout(_)) => Kind::Idle,
        Error::Stream(StreamError::Truncated) => Kind::Truncated,
        Error::Stream(StreamError::Body(_)) => Kind::Body,
        Error::Stream(StreamError::EventTooLarge(_)) => Kind::EventTooLarge,
        other => Kind::Other(format!("{other:?}")),
    }
}

/// An error's `Debug` and `Display`, which must not show the key.
fn shown(e: &Error) -> String {
    format!("{e:?} {e}")
}

fn client(url: &str) -> Client {
    let retries = openrouter_kit::RetryPolicy {
        max_attempts: ATTEMPTS,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(10),
        max_retry_after: MAX_RETRY_AFTER,
        budget: Duration::from_secs(2),
    };
    Client::builder()
        .api_key(KEY)
        .base_url(url)
        .retry_policy(retries)
        .first_byte_timeout(HEAD)
        .read_idle_timeout(IDLE)
        .stream_idle_timeout(Some(IDLE))
        .max_body_bytes(MAX_BODY)
        .max_error_body_bytes(MAX_ERROR_BODY)
        .max_event_bytes(MAX_EVENT)
        .build()
        .expect("the suite's client builds")
}

/// Makes the call; returns what it got and everything it showed of its errors.
async fn call(client: &Client, call: Call) -> (Got, String) {
    let request = serde_json::json!({"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Hi"}]});
    match call {
        Call::Create => match client.chat().create(&request).await {
            Ok(answer) => (Got::Ok(answer.text()), String::new()),
            Err(e) => (Got::Err(kind(&e)), shown(&e)),
        },
        Call::Generated => match client.api().get_credits().await {
            Ok(answer) => (Got::Ok(format!("{:?}", answer.into_inner().data.and_then(|d| d.total_credits))), String::new()),
            Err(e) => {
                let e = Error::from_generated(e).await;
                (Got::Err(kind(&e)), shown(&e))
            }
        },
        Call::Stream => match client.chat().stream(&request).await {
            Err(e) => (Got::Err(kind(&e)), shown(&e)),
            Ok(mut stream) => {
                let (mut events, mut text, mut errors, mut shown_all) = (0, String::new(), Vec::new(), String::new());
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(chunk) => {
                            events += 1;
                            for choice in chunk.choices.iter() {
                                text.push_str(choice.delta.as_ref().and_then(|d| d.content.as_deref()).unwrap_or_default());
                            }
                        }
                        Err(e) => {
                            shown_all.push_str(&shown(&e));
                            errors.push(kind(&e));
                        }
                    }
                }
                (Got::Stream { events, text, errors }, shown_all)
            }
        },
    }
}

/// The outcome of one case, or why it failed.
async fn run(case: Arc<Case>) -> Result<(), String> {
    let (target_url, target_seen) = match &case.target {
        Some(scripts) => {
            let (url, seen) = server::start(scripts.clone(), None).await;
            (Some(url), Some(seen))
        }
        None => (None, None),
    };
    let (url, seen) = server::start(case.scripts.clone(), target_url.as_deref()).await;
    let started = Instant::now();
    let how = case.call;
    let task = tokio::spawn(async move {
        let client = client(&url);
        call(&client, how).await
    });
    let limit = bound();
    let outcome = match tokio::time::timeout(limit + Duration::from_secs(5), task).await {
        Err(_) => return Err(format!("no outcome after {:?}: a hang", limit + Duration::from_secs(5))),
        Ok(Err(join)) if join.is_panic() => return Err("the call panicked".into()),
        Ok(Err(join)) => return Err(format!("the call's task failed: {join}")),
        Ok(Ok(outcome)) => outcome,
    };
    let took = started.elapsed();
    let (got, shown) = outcome;
    if shown.contains(KEY) {
        return Err("an error shows the key".into());
    }
    if took > limit {
        return Err(format!("took {took:?}, more than the bound {limit:?}; got {got:?}"));
    }
    if !(case.check)(&got, &seen, target_seen.as_ref()) {
        return Err(format!("want {}; got {got:?} over {} connection(s) in {took:?}", case.want, seen.connections()));
    }
    Ok(())
}

/// Every log line of the run, at every level, to check that none shows the key.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's peak resident memory in bytes (Linux), for the bounded-memory check.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb * 1024)
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).with_ansi(false).init();

    let cases: Vec<Arc<Case>> = cases::all().into_iter().filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str()))).map(Arc::new).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let results: Vec<(String, Result<(), String>)> = runtime.block_on(async {
        let together = cases.iter().filter(|c| !c.alone).cloned();
        let mut results: Vec<_> = futures_util::stream::iter(together).map(|case| async move { (case.name.clone(), run(case).await) }).buffer_unordered(8).collect().await;
        for case in cases.iter().filter(|c| c.alone).cloned() {
            results.push((case.name.clone(), run(case).await));
        }
        results
    });

    let mut failed: Vec<(String, String)> = results.into_iter().filter_map(|(name, r)| r.err().map(|why| (name, why))).collect();
    let mut total = cases.len();
    // Two checks over the whole run.
    let written = logs.0.lock().unwrap().clone();
    total += 1;
    if written.windows(KEY.len()).any(|w| w == KEY.as_bytes()) {
        failed.push(("no log line shows the key".into(), "a TRACE-level log line of the run holds it".into()));
    }
    if filter.is_none() {
        // Cases send hundreds of MB (floods of keep-alives, of one event, of a body); what the
        // client holds stays within its limits, so the process stays far below that.
        total += 1;
        let limit = 192u64 << 20;
        match peak_rss() {
            Some(peak) if peak > limit => failed.push(("bounded memory".into(), format!("peak RSS {} MB, over {} MB", peak >> 20, limit >> 20))),
            _ => {}
        }
    }
    failed.sort();
    let mut out = std::io::stdout().lock();
    for (name, why) in &failed {
        let _ = writeln!(out, "FAILED {name}: {why}");
    }
    let peak = peak_rss().map_or_else(String::new, |b| format!(" (peak RSS {} MB)", b >> 20));
    let _ = writeln!(out, "fault suite: {} passed, {} failed{peak}", total - failed.len(), failed.len());
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
