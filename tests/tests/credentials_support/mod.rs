//! Shared by the credentials tests: a tiny HTTP server on 127.0.0.1 that
//! stands in for the metadata service or STS, a clock the test moves, and
//! an environment that is a plain map.

#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tencentcloud_credentials::{Clock, EnvLookup};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A request the stand-in received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

type Handler = Arc<dyn Fn(&Seen) -> (u16, String) + Send + Sync>;

pub struct StandIn {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl StandIn {
    /// Answers each request with what `handler` returns (status, body).
    pub async fn start(
        handler: impl Fn(&Seen) -> (u16, String) + Send + Sync + 'static,
    ) -> StandIn {
        Self::start_with_delay(Duration::ZERO, handler).await
    }

    /// Waits `delay` before answering, so concurrent callers pile up.
    pub async fn start_with_delay(
        delay: Duration,
        handler: impl Fn(&Seen) -> (u16, String) + Send + Sync + 'static,
    ) -> StandIn {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = handler.clone();
                let record = record.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: Request<hyper::body::Incoming>| {
                            let handler = handler.clone();
                            let record = record.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let body = body
                                    .collect()
                                    .await
                                    .map(|b| b.to_bytes())
                                    .unwrap_or_default();
                                let seen = Seen {
                                    method: parts.method.to_string(),
                                    path: parts.uri.path().to_owned(),
                                    headers: parts
                                        .headers
                                        .iter()
                                        .map(|(n, v)| {
                                            (
                                                n.to_string(),
                                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                            )
                                        })
                                        .collect(),
                                    body: body.to_vec(),
                                };
                                record.lock().expect("not poisoned").push(seen.clone());
                                tokio::time::sleep(delay).await;
                                let (status, body) = handler(&seen);
                                let mut response = Response::new(Full::new(Bytes::from(body)));
                                *response.status_mut() =
                                    hyper::StatusCode::from_u16(status).expect("a valid status");
                                Ok::<_, Infallible>(response)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        StandIn { addr, seen, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }

    pub fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on 127.0.0.1 where nothing listens: connecting is refused at once.
pub async fn closed_port_url(path: &str) -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}{path}")
}

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    /// Starts at the real time, so expiries the stand-ins compute from it
    /// look plausible.
    pub fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock(Mutex::new(SystemTime::now())))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("not poisoned") += by;
    }

    pub fn unix(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().expect("not poisoned")
    }
}

/// An environment holding exactly these variables.
pub fn env(pairs: &[(&str, &str)]) -> EnvLookup {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Arc::new(move |name| map.get(name).cloned())
}

/// An `ExpiredTime` two hours from now, as STS and the metadata service give.
pub fn in_two_hours() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 2 * 60 * 60
}

/// The metadata service's reply for a role's credentials.
pub fn metadata_reply(id: &str, key: &str, token: &str, expired_time: u64) -> String {
    serde_json::json!({
        "TmpSecretId": id,
        "TmpSecretKey": key,
        "Token": token,
        "ExpiredTime": expired_time,
        "Expiration": "2030-01-01T00:00:00Z",
        "Code": "Success"
    })
    .to_string()
}

/// STS's reply to AssumeRole / AssumeRoleWithWebIdentity.
pub fn sts_reply(id: &str, key: &str, token: &str, expired_time: u64) -> serde_json::Value {
    serde_json::json!({
        "Response": {
            "Credentials": {"TmpSecretId": id, "TmpSecretKey": key, "Token": token},
            "ExpiredTime": expired_time,
            "Expiration": "2030-01-01T00:00:00Z",
            "RequestId": "req-sts"
        }
    })
}
