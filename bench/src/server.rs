//! A loopback HTTP/1.1 server that answers chat requests with prepared bytes, on its own thread
//! and runtime so that its work is not charged to the client being measured. It does the least
//! a server can (no routing beyond `stream`, no parsing of the request JSON) so that the
//! differences measured are the clients'.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server sends back.
#[derive(Clone)]
pub struct Answers {
    /// The body of a `stream: false` request (`application/json`).
    pub whole: Bytes,
    /// The body of a `stream: true` request (`text/event-stream`): these bytes, `repeat` times,
    /// then `tail` (so a 100 MB stream needs no 100 MB buffer).
    pub stream: Bytes,
    pub repeat: usize,
    pub tail: Bytes,
}

impl Answers {
    pub fn new(whole: impl Into<Bytes>, stream: impl Into<Bytes>) -> Self {
        Self { whole: whole.into(), stream: stream.into(), repeat: 1, tail: Bytes::new() }
    }
}

/// The server's address (`http://127.0.0.1:port/api/v1`); it runs until the process ends.
pub fn start(answers: Answers) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        crate::measure::pin_to_cpu(1);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
            tx.send(listener.local_addr().expect("an address")).expect("the caller waits");
            let answers = Arc::new(answers);
            loop {
                let Ok((socket, _)) = listener.accept().await else { continue };
                let _ = socket.set_nodelay(true);
                tokio::spawn(serve(socket, answers.clone()));
            }
        });
    });
    let addr: SocketAddr = rx.recv().expect("the server starts");
    format!("http://{addr}/api/v1")
}

async fn serve(mut socket: TcpStream, answers: Arc<Answers>) {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        // The head, then as many body bytes as Content-Length says.
        let head_end = loop {
            if let Some(at) = memchr::memmem::find(&buffer, b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 8192];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body = &buffer[head_end..head_end + length];
        let streaming = memchr::memmem::find(body, br#""stream":true"#).is_some();
        let ok = if streaming { write_stream(&mut socket, &answers).await } else { write_whole(&mut socket, &answers).await };
        if ok.is_err() {
            return;
        }
        buffer.drain(..head_end + length);
    }
}

async fn write_whole(socket: &mut TcpStream, answers: &Answers) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-generation-id: gen-1733000000-AbCdEfGhIjKlMnOpQrSt\r\n\r\n",
        answers.whole.len()
    );
    let mut out = Vec::with_capacity(head.len() + answers.whole.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&answers.whole);
    socket.write_all(&out).await
}

async fn write_stream(socket: &mut TcpStream, answers: &Answers) -> std::io::Result<()> {
    let length = answers.stream.len() * answers.repeat + answers.tail.len();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ncontent-length: {length}\r\nx-generation-id: gen-1733000000-AbCdEfGhIjKlMnOpQrSt\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    for _ in 0..answers.repeat {
        socket.write_all(&answers.stream).await?;
    }
    socket.write_all(&answers.tail).await
}
