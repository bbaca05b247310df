//! A TCP front before the wiremock server, for the faults HTTP mocks cannot produce: a connection
//! dropped without an answer, an answer cut short, an answer that stalls half-way.
//!
//! It reads each request (head and `Content-Length` or chunked body), looks for a fault rule
//! matching its method and path, and otherwise forwards it to wiremock on a fresh connection.
//! Every answer goes back with `Connection: close`, so a client never reuses a connection the
//! front is about to close (which would turn a planned fault into a flaky one).
//!
//! The key never reaches wiremock: the front replaces `Bearer <key>` with `Bearer <redacted:N>`
//! (N numbers the keys it has seen, see [`Keys`]), so nothing wiremock keeps or prints — its
//! `received_requests()`, the report of a failed `expect` — can show it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A failure below HTTP: what a crashed proxy, a cut connection or a stuck provider looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection once the request is read, without an answer.
    DropConnection,
    /// Send the answer's head and this many bytes of its body, then close the connection
    /// (the body is shorter than its `Content-Length`).
    CutAfter(usize),
    /// Send the answer's head and this many bytes of its body, then send nothing more while
    /// keeping the connection open (a stalled stream).
    StallAfter(usize),
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub operation: &'static str,
    pub fault: Fault,
    /// How many more requests this rule applies to; `None` for all.
    pub remaining: Option<usize>,
}

pub(crate) type Rules = Arc<Mutex<Vec<Rule>>>;

/// The keys the front has seen, in order: the `N` of `Bearer <redacted:N>` is an index here.
/// They stay in this process's memory only, for [`crate::RecordedRequest::has_bearer`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys(Arc<Mutex<Vec<String>>>);

impl Keys {
    /// The redacted form of `Bearer <key>`.
    fn redact(&self, key: &str) -> String {
        let mut keys = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let index = keys.iter().position(|k| k == key).unwrap_or_else(|| {
            keys.push(key.to_string());
            keys.len() - 1
        });
        format!("Bearer {REDACTED_PREFIX}{index}>")
    }

    /// Whether a redacted `authorization` value stands for `key`.
    pub(crate) fn stands_for(&self, redacted: &str, key: &str) -> bool {
        let index = redacted.strip_prefix("Bearer ").and_then(|v| v.strip_prefix(REDACTED_PREFIX)).and_then(|v| v.strip_suffix('>'));
        let keys = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        index.and_then(|i| i.parse::<usize>().ok()).and_then(|i| keys.get(i)).is_some_and(|k| k == key)
    }
}

const REDACTED_PREFIX: &str = "<redacted:";

pub(crate) struct Front {
    pub addr: SocketAddr,
    pub rules: Rules,
    pub keys: Keys,
    /// Stalled answers whose client closed the connection (it gave up or dropped the stream).
    pub stalls_abandoned: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Front {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Front {
    /// Listens on `listen` (port 0: any free port) and forwards to `backend`.
    pub async fn start(backend: SocketAddr, listen: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let rules: Rules = Arc::default();
        let keys = Keys::default();
        let stalls_abandoned = Arc::new(AtomicUsize::new(0));
        let (shared, seen, abandoned) = (rules.clone(), keys.clone(), stalls_abandoned.clone());
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, backend, shared.clone(), seen.clone(), abandoned.clone()));
            }
        });
        Ok(Self { addr, rules, keys, stalls_abandoned, task })
    }
}

/// A request as read off the socket.
struct Incoming {
    method: String,
    path: String,
    head: Vec<u8>,
    body: Vec<u8>,
}

const MAX_HEAD: usize = 64 * 1024;

async fn serve(mut socket: TcpStream, backend: SocketAddr, rules: Rules, keys: Keys, abandoned: Arc<AtomicUsize>) {
    let Ok(Some(request)) = read_request(&mut socket).await else {
        return;
    };
    let fault = take_fault(&rules, &request.method, &request.path);
    if fault == Some(Fault::DropConnection) {
        return; // dropping the socket closes it
    }
    let Ok(answer) = forward(&request, backend, &keys).await else {
        return;
    };
    let split = find(&answer, b"\r\n\r\n").map(|i| i + 4).unwrap_or(answer.len());
    let (head, body) = answer.split_at(split);
    let head = with_connection_close(head);
    let _ = socket.write_all(&head).await;
    match fault {
        Some(Fault::CutAfter(n)) => {
            let _ = socket.write_all(&body[..n.min(body.len())]).await;
        }
        Some(Fault::StallAfter(n)) => {
            let _ = socket.write_all(&body[..n.min(body.len())]).await;
            let _ = socket.flush().await;
            // Hold the connection until the client gives up (or an hour passes).
            let mut sink = [0u8; 1024];
            let closed =
                tokio::time::timeout(Duration::from_secs(3600), async { while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {} }).await;
            if closed.is_ok() {
                abandoned.fetch_add(1, Ordering::SeqCst);
            }
        }
        _ => {
            let _ = socket.write_all(body).await;
        }
    }
    let _ = socket.shutdown().await;
}

fn take_fault(rules: &Rules, method: &str, path: &str) -> Option<Fault> {
    let operation = crate::operations::operation_for(method, path.split('?').next().unwrap_or(path))?;
    let mut rules = rules.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let index = rules.iter().position(|r| r.operation == operation.id && r.remaining != Some(0))?;
    let rule = &mut rules[index];
    if let Some(n) = &mut rule.remaining {
        *n -= 1;
    }
    Some(rule.fault)
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<Incoming>> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head_text = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut first = head_text.lines().next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let header = |name: &str| {
        head_text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let mut body = buf[head_end..].to_vec();
    if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while body.len() < length {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        while find(&body, b"0\r\n\r\n").is_none() {
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Ok(Some(Incoming { method, path, head: buf[..head_end].to_vec(), body }))
}

/// Send the request to wiremock with `Connection: close` and the key redacted, and read the
/// whole answer.
async fn forward(request: &Incoming, backend: SocketAddr, keys: &Keys) -> std::io::Result<Vec<u8>> {
    let mut upstream = TcpStream::connect(backend).await?;
    upstream.write_all(&with_connection_close(&redacted(&request.head, keys))).await?;
    upstream.write_all(&request.body).await?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// The same head with each `authorization: Bearer <key>` replaced by its redacted form (any
/// other `authorization` value by `<redacted>`).
fn redacted(head: &[u8], keys: &Keys) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive("\r\n") {
        match line.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("authorization") => {
                let value = value.trim();
                let redacted = match value.strip_prefix("Bearer ") {
                    Some(key) => keys.redact(key.trim()),
                    None => "<redacted>".to_string(),
                };
                out.push_str(name);
                out.push_str(": ");
                out.push_str(&redacted);
                out.push_str("\r\n");
            }
            _ => out.push_str(line),
        }
    }
    out.into_bytes()
}

/// The same head with any `Connection` header replaced by `Connection: close`.
fn with_connection_close(head: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::with_capacity(text.len() + 20);
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let is_connection = line.split_once(':').is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    out.into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
