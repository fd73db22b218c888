//! Shared by the wire tests: a raw HTTP/1.1 server on 127.0.0.1 that
//! records each request's line and then behaves as told: answers, resets
//! the connection, closes it, or stalls before or inside the reply.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the server does once it has read a whole request.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers with this status and body (and closes the connection).
    Reply { status: u16, body: String },
    /// Resets the connection (TCP RST) without a reply.
    Reset,
    /// Closes the connection cleanly without a reply.
    Close,
    /// Never answers; holds the connection open.
    Stall,
    /// Sends the status line and headers promising `length` bytes, then stalls.
    HeadersThenStall { length: usize },
    /// Sends the headers and half the promised body, then resets.
    HeadersThenReset { length: usize },
    /// Without reading anything, answers with plain HTTP and closes: what
    /// a client speaking TLS gets from a plain-HTTP port.
    PlainTextAtOnce,
}

/// A request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    /// The path, without the query.
    pub path: String,
}

pub struct RawServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    pub async fn start(behaviour: Behaviour) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds 127.0.0.1");
        let addr = listener.local_addr().expect("a local address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        // Connections live in the set, so dropping the server ends them too.
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let behaviour = behaviour.clone();
                let record = record.clone();
                connections.spawn(serve(stream, behaviour, record));
            }
        });
        RawServer { addr, seen, task }
    }

    /// `http://127.0.0.1:PORT`, without a path.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `http://127.0.0.1:PORT` where nothing listens: bound, then released.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds 127.0.0.1");
    let addr = listener.local_addr().expect("a local address");
    drop(listener);
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour, seen: Arc<Mutex<Vec<Seen>>>) {
    if let Behaviour::PlainTextAtOnce = behaviour {
        let _ = stream
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
        let _ = stream.shutdown().await;
        return;
    }
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(request);
    let head = |status: u16, length: usize| {
        format!(
            "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    match behaviour {
        Behaviour::Reply { status, body } => {
            let _ = stream.write_all(head(status, body.len()).as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Behaviour::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Behaviour::Close => {
            let _ = stream.shutdown().await;
        }
        Behaviour::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Behaviour::HeadersThenStall { length } => {
            let _ = stream.write_all(head(200, length).as_bytes()).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Behaviour::PlainTextAtOnce => {}
        Behaviour::HeadersThenReset { length } => {
            let _ = stream.write_all(head(200, length).as_bytes()).await;
            let _ = stream.write_all(&vec![b' '; length / 2]).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
    }
}

/// Reads the head and the `Content-Length` body of one request.
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    }
    let line = head.lines().next()?;
    let mut parts = line.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let path = target.split('?').next().unwrap_or(target).to_owned();
    Some(Seen { method, path })
}
