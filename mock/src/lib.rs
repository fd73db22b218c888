//! A local endpoint on 127.0.0.1 that behaves like a Tencent Cloud service
//! for tests and offline runs. Enabled by the `mock` feature; generated
//! crates hand it their spec (`<crate>::<version>::mock::builder()`).
//!
//! - It verifies TC3-HMAC-SHA256 and v1/legacy (HmacSHA1/HmacSHA256)
//!   signatures against its configured credentials; a wrong signature, a
//!   stale timestamp or an unknown SecretId gets the matching AuthFailure
//!   reply in the family's own format.
//! - It holds requests to the documented request structure: TC3's
//!   Authorization header must sign content-type and host and carry the
//!   scope `Date/service/tc3_request` (else
//!   `AuthFailure.InvalidAuthorization`); API 2.0 takes only the v1
//!   signature; a TC3 POST is `application/json`, a GET and a v1 POST
//!   `application/x-www-form-urlencoded` (else `UnsupportedProtocol`).
//! - With a spec, it checks required params, names and types, and answers
//!   a violation with MissingParameter, UnknownParameter or InvalidParameter.
//! - It answers each action with its example reply, unless a test registers
//!   a reply, a handler or a fault (error code, 5xx, delay, malformed body,
//!   connection reset): one per action, a queue of them per action (e.g.
//!   two throttling replies, then success), or random ones from a seed.
//! - A service's behaviour ([`ServiceBehaviour`]) can keep state and answer
//!   some actions from it; CVM's (`cvm/`) keeps a world of zones, instance
//!   types, images, key pairs, security groups and instances, and honours
//!   the documented Filters.
//!
//! A request to another path than the service's (`/`, or `/v2/index.php`
//! for API 2.0) gets HTTP 404. A bad request only ever gets an error
//! reply; it never stops the server.

mod behaviour;
pub mod cvm;
mod spec;
mod stream;

pub use behaviour::{Outcome, ServiceBehaviour};
pub use spec::{unflatten, MockAction, MockField, MockSpec};
pub use stream::{chat_chunk, MockStream, StreamCounts, StreamFault, StreamPart};

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use tencentcloud_runtime::params::{decode_query, COMMON_PARAMS};
use tencentcloud_runtime::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use tencentcloud_runtime::signing::{tc3, v1};
use tencentcloud_runtime::Credentials;

/// API 3.0 accepts timestamps within five minutes of its clock.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);
/// The legacy API 2.0 accepts two hours.
pub const LEGACY_MAX_SKEW: Duration = Duration::from_secs(7200);

/// How long a connection may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request body read: Tencent Cloud refuses requests over
/// 10 MB (`RequestSizeLimitExceeded`), and the mock holds bodies in memory.
pub const MAX_REQUEST_BYTES: usize = 10 * 1024 * 1024;

/// Builds a reply body for a request; registered per action.
pub type Handler = Arc<dyn Fn(&ReceivedRequest) -> Value + Send + Sync>;

/// What the mock does instead of the canned reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// An API error reply with this code and message.
    ApiError { code: String, message: String },
    /// A bare HTTP status with a plain-text body.
    Status(u16),
    /// Waits, then answers normally.
    Delay(Duration),
    /// HTTP 200 with this body as is.
    Body(String),
    /// Closes the connection after reading the request, without a reply.
    Reset,
}

/// Faults drawn at random for every request, from a seeded generator so a
/// failing run can be replayed.
#[derive(Debug, Clone)]
pub struct RandomFaults {
    pub seed: u64,
    /// The share of requests that get a fault, from 0 to 1.
    pub probability: f64,
    /// Drawn uniformly.
    pub faults: Vec<Fault>,
}

/// The connection is closed instead of answered.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by the mock")
    }
}

impl std::error::Error for ResetConnection {}

/// A request the mock accepted (signature checked), as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedRequest {
    pub action: String,
    pub http_method: HttpMethod,
    pub signing_method: SigningMethod,
    /// The JSON body of a TC3 POST; otherwise the `.N` params folded back
    /// into JSON (values as strings).
    pub params: Value,
    /// Query or form params as sent, for `.N` checks (empty for JSON bodies).
    pub raw_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

#[derive(Default)]
struct State {
    replies: HashMap<String, Value>,
    handlers: HashMap<String, Handler>,
    faults: HashMap<String, Fault>,
    queued: HashMap<String, VecDeque<Fault>>,
    random: Option<(rand::rngs::StdRng, RandomFaults)>,
    counts: HashMap<String, u64>,
    keep_received: bool,
    received: Vec<ReceivedRequest>,
    behaviour: Option<Box<dyn ServiceBehaviour>>,
    streams: stream::Streams,
}

pub struct MockBuilder {
    service: &'static ServiceInfo,
    credentials: Vec<Credentials>,
    max_skew: Duration,
    spec: Result<Option<MockSpec>, String>,
    state: State,
}

impl MockBuilder {
    /// Accepts requests signed with these credentials (repeatable).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials.push(credentials);
        self
    }

    /// Answers `action` with this whole reply body (`{"Response": {...}}`).
    pub fn reply(mut self, action: impl Into<String>, body: Value) -> Self {
        self.state.replies.insert(action.into(), body);
        self
    }

    /// Answers `action` with what `handler` builds from the request.
    pub fn handler(
        mut self,
        action: impl Into<String>,
        handler: impl Fn(&ReceivedRequest) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.state.handlers.insert(action.into(), Arc::new(handler));
        self
    }

    pub fn fault(mut self, action: impl Into<String>, fault: Fault) -> Self {
        self.state.faults.insert(action.into(), fault);
        self
    }

    /// The next requests of `action` get these faults, one each, in order;
    /// the requests after them are answered as usual.
    pub fn queue_faults(
        mut self,
        action: impl Into<String>,
        faults: impl IntoIterator<Item = Fault>,
    ) -> Self {
        self.state
            .queued
            .entry(action.into())
            .or_default()
            .extend(faults);
        self
    }

    /// Every request of any action may get a random fault.
    pub fn random_faults(mut self, random: RandomFaults) -> Self {
        use rand::SeedableRng;
        self.state.random = Some((rand::rngs::StdRng::seed_from_u64(random.seed), random));
        self
    }

    /// Whether to keep every accepted request for [`MockServer::received`]
    /// (on by default); long runs turn it off and use the counts.
    pub fn keep_received(mut self, keep: bool) -> Self {
        self.state.keep_received = keep;
        self
    }

    /// The service's actions, params and example replies (JSON, as the
    /// generated `mock::SPEC` holds it). Unknown actions are then refused.
    pub fn spec(mut self, json: &str) -> Self {
        self.spec = MockSpec::parse(json).map(Some);
        self
    }

    /// Answers the actions `behaviour` handles from its state (replacing
    /// the one the generated `builder()` plugged in, if any).
    pub fn behaviour(mut self, behaviour: impl ServiceBehaviour) -> Self {
        self.state.behaviour = Some(Box::new(behaviour));
        self
    }

    /// Only example replies, handlers and faults: no stateful behaviour.
    pub fn without_behaviour(mut self) -> Self {
        self.state.behaviour = None;
        self
    }

    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Binds 127.0.0.1 on a free port and serves until dropped.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let spec = self
            .spec
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            service: self.service,
            credentials: self.credentials,
            max_skew: self.max_skew,
            spec,
            requests: AtomicU64::new(0),
            connections: AtomicUsize::new(0),
            state: Mutex::new(self.state),
        });
        let server = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let shared = server.clone();
                tokio::spawn(async move {
                    let _open = OpenConnection::new(&shared);
                    let handler = shared.clone();
                    let service = hyper::service::service_fn(move |request| {
                        let shared = handler.clone();
                        stream::serve(shared, request)
                    });
                    // A broken connection only ends that connection.
                    // A client that stalls mid-headers is dropped, not waited on forever.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(MockServer { addr, shared, task })
    }
}

pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl MockServer {
    pub fn builder(service: &'static ServiceInfo) -> MockBuilder {
        MockBuilder {
            service,
            credentials: Vec::new(),
            max_skew: match service.family {
                Family::Api3 => DEFAULT_MAX_SKEW,
                Family::Api2 => LEGACY_MAX_SKEW,
            },
            spec: Ok(None),
            state: State {
                keep_received: true,
                ..State::default()
            },
        }
    }

    /// `http://127.0.0.1:PORT` plus the service path: give it to
    /// `ClientConfig::endpoint` (`http://{addr}` alone reaches the same
    /// path, since an endpoint without a path keeps the service's).
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.shared.service.path)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request whose signature checked out, in arrival order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.shared.lock().received.clone()
    }

    /// How many requests of `action` had a valid signature.
    pub fn request_count(&self, action: &str) -> u64 {
        self.shared.lock().counts.get(action).copied().unwrap_or(0)
    }

    /// Connections open now; zero once every client let go of its pool.
    pub fn open_connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// See [`MockBuilder::queue_faults`].
    pub fn queue_faults(&self, action: impl Into<String>, faults: impl IntoIterator<Item = Fault>) {
        self.shared
            .lock()
            .queued
            .entry(action.into())
            .or_default()
            .extend(faults);
    }

    pub fn set_reply(&self, action: impl Into<String>, body: Value) {
        self.shared.lock().replies.insert(action.into(), body);
    }

    pub fn set_handler(
        &self,
        action: impl Into<String>,
        handler: impl Fn(&ReceivedRequest) -> Value + Send + Sync + 'static,
    ) {
        self.shared
            .lock()
            .handlers
            .insert(action.into(), Arc::new(handler));
    }

    /// Runs `f` on the behaviour's state if it is a `B` (e.g. to seed or
    /// inspect [`cvm::CvmWorld`] while serving); `None` otherwise.
    pub fn with_behaviour<B: 'static, R>(&self, f: impl FnOnce(&mut B) -> R) -> Option<R> {
        let mut state = self.shared.lock();
        let behaviour = state.behaviour.as_mut()?;
        behaviour.as_any().downcast_mut::<B>().map(f)
    }

    pub fn set_fault(&self, action: impl Into<String>, fault: Option<Fault>) {
        let mut state = self.shared.lock();
        let action = action.into();
        match fault {
            Some(fault) => state.faults.insert(action, fault),
            None => state.faults.remove(&action),
        };
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Shared {
    service: &'static ServiceInfo,
    credentials: Vec<Credentials>,
    max_skew: Duration,
    spec: Option<MockSpec>,
    requests: AtomicU64,
    connections: AtomicUsize,
    state: Mutex<State>,
}

/// Counts a connection as open while alive.
struct OpenConnection<'a>(&'a Shared);

impl<'a> OpenConnection<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.connections.fetch_add(1, Ordering::SeqCst);
        OpenConnection(shared)
    }
}

impl Drop for OpenConnection<'_> {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A rejected request: the error code and message of the real service.
struct Rejection {
    code: &'static str,
    message: String,
}

/// A body over [`MAX_REQUEST_BYTES`], as Tencent Cloud refuses it.
fn too_large() -> Rejection {
    let message = format!("The request is larger than {MAX_REQUEST_BYTES} bytes.");
    reject("RequestSizeLimitExceeded", message)
}

fn reject(code: &'static str, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        message: message.into(),
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking test thread must not take the server down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        format!("6d6f636b-0000-4000-8000-{n:012x}")
    }

    async fn handle<B>(&self, request: Request<B>) -> Result<Response<Full<Bytes>>, ResetConnection>
    where
        B: hyper::body::Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let request_id = self.request_id();
        let (parts, body) = request.into_parts();
        // The service answers on its own path only (`/`, or `/v2/index.php`
        // for API 2.0), as the real hosts do.
        if parts.uri.path() != self.service.path {
            let message = format!(
                "no such path `{}`: {} {} is served at `{}`",
                parts.uri.path(),
                self.service.service,
                self.service.version,
                self.service.path
            );
            return Ok(text_response(404, message));
        }
        let body = match http_body_util::Limited::new(body, MAX_REQUEST_BYTES)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                return Ok(self.error_reply(&request_id, too_large()));
            }
            Err(_) => {
                return Ok(self.error_reply(
                    &request_id,
                    reject("InvalidParameter", "The request body could not be read."),
                ))
            }
        };
        let received = match self.verify(&parts, &body).and_then(|r| self.validate(r)) {
            Ok(received) => received,
            Err(rejection) => return Ok(self.error_reply(&request_id, rejection)),
        };
        self.respond(&request_id, received, None).await
    }

    /// Answers an accepted request: counts and records it, then replies
    /// with its fault, handler, reply, behaviour or example. `taken` is a
    /// fault the caller already took for it (the streaming handler takes
    /// it in the same locked step as its check); else a queued fault is
    /// popped here.
    async fn respond(
        &self,
        request_id: &str,
        received: ReceivedRequest,
        taken: Option<Fault>,
    ) -> Result<Response<Full<Bytes>>, ResetConnection> {
        let action = received.action.clone();
        let (fault, handler, reply, behaviour) = {
            let mut state = self.lock();
            *state.counts.entry(action.clone()).or_default() += 1;
            if state.keep_received {
                state.received.push(received.clone());
            }
            let queued =
                taken.or_else(|| state.queued.get_mut(&action).and_then(VecDeque::pop_front));
            let random = state.random.as_mut().and_then(|(rng, random)| {
                use rand::Rng;
                (!random.faults.is_empty() && rng.gen_bool(random.probability.clamp(0.0, 1.0)))
                    .then(|| random.faults[rng.gen_range(0..random.faults.len())].clone())
            });
            let fault = queued
                .or_else(|| state.faults.get(&action).cloned())
                .or(random);
            let handler = state.handlers.get(&action).cloned();
            let reply = state.replies.get(&action).cloned();
            let behaviour = match state.behaviour.as_mut() {
                Some(behaviour) if fault.is_none() && handler.is_none() && reply.is_none() => {
                    behaviour.handle(self.service.family, &action, &received.params, request_id)
                }
                _ => None,
            };
            (fault, handler, reply, behaviour)
        };
        match fault {
            Some(Fault::ApiError { code, message }) => {
                return Ok(json_response(
                    200,
                    &self.error_body(request_id, &code, &message),
                ))
            }
            Some(Fault::Status(status)) => {
                return Ok(text_response(status, "upstream unavailable".into()))
            }
            Some(Fault::Body(body)) => return Ok(text_response(200, body)),
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            // An error from the service makes hyper drop the connection unanswered.
            Some(Fault::Reset) => return Err(ResetConnection),
            None => {}
        }
        Ok(self.answer(&action, request_id, &received, handler, reply, behaviour))
    }

    fn answer(
        &self,
        action: &str,
        request_id: &str,
        received: &ReceivedRequest,
        handler: Option<Handler>,
        reply: Option<Value>,
        behaviour: Option<Outcome>,
    ) -> Response<Full<Bytes>> {
        let request_id = request_id.to_owned();
        let action = action.to_owned();
        if let Some(handler) = handler {
            return json_response(200, &handler(received));
        }
        match behaviour {
            Some(Outcome::Reply(body)) => return json_response(200, &body),
            Some(Outcome::Error(code, message)) => {
                return json_response(200, &self.error_body(&request_id, &code, &message))
            }
            None => {}
        }
        if let Some(body) = reply {
            return json_response(200, &body);
        }
        let example = self
            .spec
            .as_ref()
            .and_then(|spec| spec.actions.get(&action))
            .map(|a| {
                a.reply
                    .clone()
                    .unwrap_or_else(|| self.empty_success(&request_id))
            });
        match example {
            Some(body) => json_response(200, &body),
            None => self.error_reply(
                &request_id,
                reject(
                    "InvalidAction",
                    format!("The mock has no reply for action `{action}`."),
                ),
            ),
        }
    }

    fn empty_success(&self, request_id: &str) -> Value {
        match self.service.family {
            Family::Api3 => json!({"Response": {"RequestId": request_id}}),
            Family::Api2 => json!({"code": 0, "message": "", "codeDesc": "Success"}),
        }
    }

    /// Checks the action and its params against the spec, as the service does.
    fn validate(&self, received: ReceivedRequest) -> Result<ReceivedRequest, Rejection> {
        let Some(spec) = &self.spec else {
            return Ok(received);
        };
        let Some(action) = spec.actions.get(&received.action) else {
            return Err(reject(
                "InvalidAction",
                format!("The action `{}` does not exist.", received.action),
            ));
        };
        // Only a TC3 POST carries a typed JSON body; other params are text.
        let from_text = (received.signing_method, received.http_method)
            != (SigningMethod::Tc3HmacSha256, HttpMethod::Post);
        spec.check(action, &received.params, from_text)
            .map_err(|(code, message)| Rejection { code, message })?;
        Ok(received)
    }

    fn error_body(&self, request_id: &str, code: &str, message: &str) -> Value {
        match self.service.family {
            Family::Api3 => json!({
                "Response": {
                    "Error": {"Code": code, "Message": message},
                    "RequestId": request_id
                }
            }),
            Family::Api2 => {
                json!({"code": legacy_code(code), "message": message, "codeDesc": code})
            }
        }
    }

    fn error_reply(&self, request_id: &str, rejection: Rejection) -> Response<Full<Bytes>> {
        json_response(
            200,
            &self.error_body(request_id, rejection.code, &rejection.message),
        )
    }

    fn secret_key(&self, secret_id: &str) -> Result<&str, Rejection> {
        self.credentials
            .iter()
            .find(|c| c.secret_id() == secret_id)
            .map(Credentials::secret_key)
            .ok_or_else(|| {
                reject(
                    "AuthFailure.SecretIdNotFound",
                    "The SecretId is not found, please ensure that your SecretId is correct.",
                )
            })
    }

    fn check_timestamp(&self, text: &str) -> Result<i64, Rejection> {
        let timestamp: i64 = text.parse().map_err(|_| {
            reject(
                "InvalidParameter",
                format!("Timestamp `{text}` is not a number"),
            )
        })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        if now.abs_diff(timestamp) > self.max_skew.as_secs() {
            return Err(reject(
                "AuthFailure.SignatureExpire",
                "Signature expired. Timestamp and server time cannot differ by more than five minutes.",
            ));
        }
        Ok(timestamp)
    }

    fn verify(
        &self,
        parts: &hyper::http::request::Parts,
        body: &[u8],
    ) -> Result<ReceivedRequest, Rejection> {
        let http_method = match parts.method.as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            other => {
                return Err(reject(
                    "UnsupportedProtocol",
                    format!("HTTP method {other} is not supported; use GET or POST"),
                ))
            }
        };
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let header = |name: &str| find_header(&headers, name);
        let host = header("host").unwrap_or_default().to_owned();
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().unwrap_or_default().to_owned();
        match header("authorization") {
            // Only API 3.0 reads TC3's Authorization header.
            Some(authorization) if self.service.family == Family::Api3 => {
                self.verify_tc3(http_method, &path, &query, &headers, authorization, body)
            }
            authorization => {
                let form = if http_method == HttpMethod::Post {
                    String::from_utf8_lossy(body).into_owned()
                } else {
                    query
                };
                let params = decode_query(&form);
                // API 2.0 knows no Authorization header: it reads the
                // `Signature` param only, and without one the request is unsigned.
                if authorization.is_some() && !params.iter().any(|(name, _)| name == "Signature") {
                    return Err(reject(
                        "AuthFailure.SignatureFailure",
                        format!(
                            "{} {} (API 2.0) takes only the HmacSHA1 or HmacSHA256 signature, sent as the `Signature` param; it does not read a TC3-HMAC-SHA256 Authorization header.",
                            self.service.service, self.service.version
                        ),
                    ));
                }
                // A v1 POST sends its params as a form body; a GET sends
                // them in the query, whatever its Content-Type.
                if http_method == HttpMethod::Post {
                    let content_type = header("content-type");
                    check_content_type(content_type, FORM, "v1 (HmacSHA1/HmacSHA256) POST")?;
                }
                self.verify_v1(http_method, &host, &path, params, headers)
            }
        }
    }

    fn verify_tc3(
        &self,
        http_method: HttpMethod,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        authorization: &str,
        body: &[u8],
    ) -> Result<ReceivedRequest, Rejection> {
        let header = |name: &str| find_header(headers, name);
        // An Authorization header off Tencent's documented form.
        let invalid = |what: &str| {
            reject(
                "AuthFailure.InvalidAuthorization",
                format!("The Authorization header is malformed: {what}"),
            )
        };
        let malformed = || {
            invalid("expected `TC3-HMAC-SHA256 Credential=SecretId/Date/service/tc3_request, SignedHeaders=..., Signature=...`.")
        };
        let rest = authorization
            .strip_prefix(tc3::ALGORITHM)
            .ok_or_else(malformed)?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or_else(malformed)?;
            match key {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => return Err(malformed()),
            }
        }
        let (credential, signed_headers, signature) = (
            credential.ok_or_else(malformed)?,
            signed_headers.ok_or_else(malformed)?,
            signature.ok_or_else(malformed)?,
        );
        // Credential is SecretId/CredentialScope, and the scope is exactly
        // Date/service/tc3_request.
        let scope: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, terminator] = scope[..] else {
            return Err(invalid(&format!(
                "the Credential `{credential}` must be SecretId/Date/service/tc3_request, four parts; it has {}.",
                scope.len()
            )));
        };
        if terminator != SCOPE_TERMINATOR {
            return Err(invalid(&format!(
                "the credential scope must end with `{SCOPE_TERMINATOR}`, not `{terminator}`."
            )));
        }
        // content-type and host must always be signed.
        for required in ["content-type", "host"] {
            if !signed_headers.split(';').any(|name| name == required) {
                return Err(invalid(&format!(
                    "SignedHeaders `{signed_headers}` must include `{required}`; content-type and host are always signed."
                )));
            }
        }
        // GET sends its params as a form in the query; POST a JSON body.
        let content_type = header("content-type");
        match http_method {
            HttpMethod::Post => check_content_type(content_type, JSON, "TC3-HMAC-SHA256 POST")?,
            HttpMethod::Get => check_content_type(content_type, FORM, "GET")?,
        }
        let secret_key = self.secret_key(secret_id)?;
        let timestamp = self.check_timestamp(header("x-tc-timestamp").ok_or_else(|| {
            reject("MissingParameter", "The request is missing X-TC-Timestamp.")
        })?)?;
        let action = header("x-tc-action")
            .ok_or_else(|| reject("MissingParameter", "The request is missing X-TC-Action."))?
            .to_owned();
        if header("x-tc-version") != Some(self.service.version) {
            return Err(reject(
                "NoSuchVersion",
                "The requested version does not exist or is not supported.",
            ));
        }
        if date != tc3::date_of(timestamp) || service != self.service.service {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The credential scope does not match the timestamp or the service.",
            ));
        }
        // Rebuild the canonical request from what arrived.
        let mut signed: Vec<(&str, String)> = Vec::new();
        for name in signed_headers.split(';') {
            let value = header(name).ok_or_else(|| {
                reject(
                    "AuthFailure.SignatureFailure",
                    format!("The signed header `{name}` is missing."),
                )
            })?;
            // The action header is signed lowercased.
            let value = if name == "x-tc-action" {
                value.to_ascii_lowercase()
            } else {
                value.to_owned()
            };
            signed.push((name, value));
        }
        let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let canonical = tc3::canonical_request(&tc3::Tc3Request {
            method: http_method.as_str(),
            canonical_uri: path,
            canonical_query: query,
            headers: &signed,
            payload: body,
        });
        let string_to_sign = tc3::string_to_sign(&canonical, timestamp, service);
        let expected = tc3::signature(secret_key, timestamp, service, &string_to_sign);
        if expected != signature {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            ));
        }
        let (params, raw_params) = match http_method {
            HttpMethod::Post => {
                let params: Value = serde_json::from_slice(body).map_err(|e| {
                    reject(
                        "InvalidParameter",
                        format!("The request body is not valid JSON: {e}"),
                    )
                })?;
                if !params.is_object() {
                    return Err(reject(
                        "InvalidParameter",
                        "The request body must be a JSON object.",
                    ));
                }
                (params, Vec::new())
            }
            HttpMethod::Get => {
                let raw = decode_query(query);
                (
                    unflatten(&raw, self.service.list_index_base).map_err(|(c, m)| reject(c, m))?,
                    raw,
                )
            }
        };
        Ok(ReceivedRequest {
            action,
            http_method,
            signing_method: SigningMethod::Tc3HmacSha256,
            params,
            raw_params,
            headers: headers.to_vec(),
        })
    }

    fn verify_v1(
        &self,
        http_method: HttpMethod,
        host: &str,
        path: &str,
        params: Vec<(String, String)>,
        headers: Vec<(String, String)>,
    ) -> Result<ReceivedRequest, Rejection> {
        let param = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let missing = |name: &str| {
            reject(
                "MissingParameter",
                format!("The request is missing a required parameter `{name}`."),
            )
        };
        let action = param("Action").ok_or_else(|| missing("Action"))?.to_owned();
        let secret_id = param("SecretId").ok_or_else(|| missing("SecretId"))?;
        let signature = param("Signature").ok_or_else(|| missing("Signature"))?;
        let secret_key = self.secret_key(secret_id)?;
        self.check_timestamp(param("Timestamp").ok_or_else(|| missing("Timestamp"))?)?;
        param("Nonce").ok_or_else(|| missing("Nonce"))?;
        if self.service.family == Family::Api3 && param("Version") != Some(self.service.version) {
            return Err(reject(
                "NoSuchVersion",
                "The requested version does not exist or is not supported.",
            ));
        }
        let algorithm = match param("SignatureMethod") {
            None | Some("HmacSHA1") => v1::V1Algorithm::HmacSha1,
            Some("HmacSHA256") => v1::V1Algorithm::HmacSha256,
            Some(other) => {
                return Err(reject(
                    "InvalidParameterValue",
                    format!("SignatureMethod `{other}` is not supported."),
                ))
            }
        };
        let signing_method = match algorithm {
            v1::V1Algorithm::HmacSha1 => SigningMethod::HmacSha1,
            v1::V1Algorithm::HmacSha256 => SigningMethod::HmacSha256,
        };
        let param_region = param("Region").map(str::to_owned);
        let unsigned: Vec<(String, String)> = params
            .iter()
            .filter(|(n, _)| n != "Signature")
            .cloned()
            .collect();
        let string_to_sign = v1::string_to_sign(http_method.as_str(), host, path, &unsigned);
        if v1::signature(secret_key, algorithm, &string_to_sign) != signature {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            ));
        }
        let raw: Vec<(String, String)> = params
            .into_iter()
            .filter(|(n, _)| !COMMON_PARAMS.contains(&n.as_str()))
            .collect();
        if self.service.family == Family::Api2 && param_region.is_none() {
            return Err(missing("Region"));
        }
        Ok(ReceivedRequest {
            action,
            http_method,
            signing_method,
            params: unflatten(&raw, self.service.list_index_base).map_err(|(c, m)| reject(c, m))?,
            raw_params: raw,
            headers,
        })
    }
}

/// The last part of TC3's credential scope (`Date/service/tc3_request`).
const SCOPE_TERMINATOR: &str = "tc3_request";
/// The body of a TC3 POST.
const JSON: &str = "application/json";
/// A GET's query (TC3 and v1), and the body of a v1 POST.
const FORM: &str = "application/x-www-form-urlencoded";

/// Checks a request's Content-Type against the one media type its
/// signing method and HTTP method take, as Tencent's request structure
/// documents them: `application/json` for a TC3 POST (`multipart/form-data`
/// only for the few actions documented for it, which the mock serves none
/// of), `application/x-www-form-urlencoded` for a GET and a v1 POST. Only a
/// `charset=utf-8` param may follow; the service speaks UTF-8 only.
fn check_content_type(value: Option<&str>, expected: &str, request: &str) -> Result<(), Rejection> {
    let refuse = |got: String| {
        let mut message = format!("A {request} request takes Content-Type {expected}; got {got}.");
        if value.is_some_and(|v| media_type(v).eq_ignore_ascii_case("multipart/form-data")) {
            message.push_str(
                " multipart/form-data is taken only by the few actions documented for it, and the mock serves none of them.",
            );
        }
        reject("UnsupportedProtocol", message)
    };
    let Some(value) = value else {
        return Err(refuse("none".into()));
    };
    let utf8 = |param: &str| {
        param.split_once('=').is_some_and(|(name, charset)| {
            name.trim().eq_ignore_ascii_case("charset")
                && charset
                    .trim()
                    .trim_matches('"')
                    .eq_ignore_ascii_case("utf-8")
        })
    };
    let mut params = value.split(';').skip(1);
    if !media_type(value).eq_ignore_ascii_case(expected) || !params.all(utf8) {
        return Err(refuse(format!("`{value}`")));
    }
    Ok(())
}

/// The media type of a Content-Type value, without its params.
fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or_default().trim()
}

/// A header's value by case-insensitive name.
fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The legacy API's numeric code for an API 3.0 style error code.
fn legacy_code(code: &str) -> i64 {
    match code {
        "AuthFailure.SecretIdNotFound" => 4104,
        "AuthFailure.SignatureExpire" => 4500,
        c if c.starts_with("AuthFailure") => 4100,
        "MissingParameter"
        | "InvalidParameter"
        | "UnknownParameter"
        | "InvalidParameterValue"
        | "InvalidAction"
        | "UnsupportedProtocol" => 4000,
        c if c.starts_with("RequestLimitExceeded") => 4400,
        "InternalError" => 6000,
        "ServiceUnavailable" => 6200,
        _ => 5100,
    }
}

fn json_response(status: u16, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn text_response(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
}
