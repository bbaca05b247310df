//! A server of exact bytes for the fault suite: each connection plays one script of steps after
//! it has read the request, whatever HTTP would allow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One thing a connection does.
#[derive(Clone)]
pub enum Step {
    /// Write these bytes (`{TARGET}` in them is replaced by the redirect target's URL).
    Write(Vec<u8>),
    /// Close the connection (FIN).
    Close,
    /// Reset the connection (RST: linger 0, then close).
    Reset,
    /// Say nothing more and keep the connection open until the client leaves.
    Stall,
    /// Write `unit` again and again until the client stops reading (or `cap` bytes went out).
    Flood { unit: Vec<u8>, cap: usize },
    /// Write these bytes one at a time, `every` apart.
    Trickle { bytes: Vec<u8>, every: Duration },
}

/// A connection's script; the last script plays for every later connection.
pub type Script = Vec<Step>;

/// What the server saw.
#[derive(Clone, Default)]
pub struct Seen {
    pub connections: Arc<AtomicUsize>,
    /// The head of each request, as received.
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl Seen {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// Starts a server playing `scripts` (connection `n` plays `scripts[n]`, the last one after
/// that); returns its URL and what it sees.
pub async fn start(scripts: Vec<Script>, target: Option<&str>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let shared = seen.clone();
    let target = target.map(str::to_string);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let n = shared.connections.fetch_add(1, Ordering::SeqCst);
            let script = scripts[n.min(scripts.len() - 1)].clone();
            tokio::spawn(play(socket, script, shared.clone(), target.clone()));
        }
    });
    (url, seen)
}

async fn play(mut socket: TcpStream, script: Script, seen: Seen, target: Option<String>) {
    // Each write goes out as it is (a trickle is a trickle, not Nagle's batches).
    let _ = socket.set_nodelay(true);
    let Some(head) = read_request(&mut socket).await else { return };
    seen.heads.lock().unwrap().push(head);
    for step in script {
        match step {
            Step::Write(bytes) => {
                let bytes = match &target {
                    Some(url) => replace(&bytes, b"{TARGET}", url.as_bytes()),
                    None => bytes,
                };
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::Close => {
                let _ = socket.shutdown().await;
                return;
            }
            Step::Reset => {
                let _ = socket.set_zero_linger();
                return;
            }
            Step::Stall => {
                let mut sink = [0u8; 1024];
                let _ = tokio::time::timeout(Duration::from_secs(600), async {
                    while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
                })
                .await;
                return;
            }
            Step::Flood { unit, cap } => {
                let block = unit.repeat((64 * 1024 / unit.len().max(1)).max(1));
                let mut sent = 0;
                while sent < cap {
                    if socket.write_all(&block).await.is_err() {
                        return;
                    }
                    sent += block.len();
                }
            }
            Step::Trickle { bytes, every } => {
                for b in bytes {
                    if socket.write_all(&[b]).await.is_err() {
                        return;
                    }
                    if every.is_zero() {
                        tokio::task::yield_now().await;
                    } else {
                        tokio::time::sleep(every).await;
                    }
                }
            }
        }
    }
    let _ = socket.shutdown().await;
}

/// The request's head (its body, of `Content-Length`, is read and dropped).
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.trim().parse::<usize>().ok()))
        .unwrap_or(0);
    let mut body = buf.len() - end;
    while body < length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body += n,
        }
    }
    Some(head)
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(i) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(with);
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}
