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
//!   signature; a TC3 POST is `application/json`, a TC3 GET and a v1 POST
//!   `application/x-www-form-urlencoded` (else `UnsupportedProtocol`).
//!   The doc has every GET take `application/x-www-form-urlencoded`, but
//!   the mock does not check a v1 GET's Content-Type, a deliberate
//!   leniency: this SDK's v1 GET sends none (`runtime/src/prepare.rs`
//!   builds it without headers, its params being in the query).
//! - With a spec, it checks required params, names and types, and answers
//!   a violation with MissingParameter, UnknownParameter or InvalidParameter.
//! - It answers each action with its example reply, unless a test registers
//!   a reply, a handler or a fault (error code, 5xx, delay, malformed body,
//!   connection reset): one per action, a queue of them per action (e.g.
//!   two throttling replies, then success), or random ones from a seed.
//! - It keeps the requests it accepted ([`MockServer::received`]) as they
//!   were sent, secrets included, for tests to check; their `Debug`
//!   output redacts the secrets.
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
mod verify;

pub use behaviour::{Outcome, ServiceBehaviour};
pub use spec::{unflatten, MockAction, MockField, MockSpec};
pub use stream::{chat_chunk, MockStream, StreamCounts, StreamFault, StreamPart};

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use tencentcloud_runtime::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
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

/// A request the mock accepted (signature checked), as it arrived: its
/// fields hold every value that was sent, passwords and the signing
/// headers included, for tests to check. Its `Debug` output redacts them
/// (see the impl).
#[derive(Clone, PartialEq)]
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

/// Shows the request without its credentials: the values of params named
/// as secrets at any depth (`Password`, `LoginSettings.Password`, legacy
/// `password`, `Token`; [`tencentcloud_runtime::wire_names::is_secret_name`]),
/// everything under such a param when it holds an object or a list
/// (`Password.a`), and `Signature`; the
/// Authorization header's signature and the `X-TC-Token` header. Params
/// show flattened (`LoginSettings.Password`), as the query form writes
/// them.
impl std::fmt::Debug for ReceivedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params = match tencentcloud_runtime::params::to_params(&self.params, 0) {
            Ok(params) => redacted(params.iter()),
            // Only a hand-built request holds anything but an object.
            Err(_) => redacted([("<not a JSON object>", "")].into_iter()),
        };
        let raw_params = redacted(
            self.raw_params
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        );
        let headers: Vec<(&str, std::borrow::Cow<'_, str>)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), redacted_header(name, value)))
            .collect();
        f.debug_struct("ReceivedRequest")
            .field("action", &self.action)
            .field("http_method", &self.http_method)
            .field("signing_method", &self.signing_method)
            .field("params", &params)
            .field("raw_params", &raw_params)
            .field("headers", &headers)
            .finish()
    }
}

/// Params whose Debug redacts secrets: the v1 `Signature`, and every
/// value under a secret-named member at any depth (`Password`,
/// `Password.a`, `LoginSettings.Password.0`), which the runtime's
/// [`Params`] Debug would show where a secret-named member holds an object
/// (it reads the last member name only). A request that matches no spec
/// can hold anything there.
///
/// [`Params`]: tencentcloud_runtime::params::Params
fn redacted<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> tencentcloud_runtime::params::Params {
    let mut params = tencentcloud_runtime::params::Params::new();
    for (name, value) in pairs {
        let secret = name == "Signature" || under_secret(name);
        params.push(name, if secret { REDACTED } else { value });
    }
    params
}

/// Whether a flattened param name (`A.0.B`) has a secret-named member
/// anywhere along it ([`tencentcloud_runtime::wire_names::is_secret_name`]).
fn under_secret(name: &str) -> bool {
    name.split('.')
        .filter(|part| part.parse::<u64>().is_err())
        .any(tencentcloud_runtime::wire_names::is_secret_name)
}

/// A header's value for Debug: the Authorization header without its
/// signature (replayable within minutes), secret-named headers
/// (`X-TC-Token`) not at all.
fn redacted_header<'a>(name: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
    if name.eq_ignore_ascii_case("authorization") {
        // Its Credential and SignedHeaders help debugging.
        return match value.find("Signature=") {
            Some(at) => format!("{}Signature={REDACTED}", &value[..at]).into(),
            None => REDACTED.into(),
        };
    }
    if tencentcloud_runtime::wire_names::is_secret_name(name) {
        return REDACTED.into();
    }
    value.into()
}

const REDACTED: &str = "<redacted>";

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

impl State {
    /// Counts an accepted request, and keeps it if asked to.
    fn accept(&mut self, received: &ReceivedRequest) {
        *self.counts.entry(received.action.clone()).or_default() += 1;
        if self.keep_received {
            self.received.push(received.clone());
        }
    }
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
    /// (on by default); long runs turn it off and use the counts. The log
    /// keeps each request as it was sent, passwords and signing headers
    /// included, until the server is dropped; only its `Debug` output
    /// redacts them ([`ReceivedRequest`]).
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

    /// Every request whose signature checked out, in arrival order (when
    /// [`MockBuilder::keep_received`] is on). The fields hold what was
    /// sent, secrets too, so that tests can check them; printing them with
    /// `{:?}` redacts the secrets.
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
            state.accept(&received);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// The log keeps what was sent; its Debug shows none of the secrets.
    #[test]
    fn received_requests_debug_without_secrets() {
        let received = ReceivedRequest {
            action: "ResetInstance".into(),
            http_method: HttpMethod::Post,
            signing_method: SigningMethod::Tc3HmacSha256,
            params: json!({"InstanceIds": ["ins-kept0001"], "Password": "secret-1",
                "LoginSettings": {"Password": "secret-2", "KeyIds": ["skey-kept0001"]},
                "Accounts": [{"UserName": "ops", "Passwd": "secret-3"}],
                "Token": "secret-4", "Signature": "secret-5", "ClientToken": "kept-token"}),
            raw_params: pairs(&[
                ("password", "secret-6"),
                ("LoginSettings.Password", "secret-7"),
                ("Signature", "secret-8"),
                ("Token", "secret-9"),
                ("instanceIds.0", "ins-kept0002"),
            ]),
            headers: pairs(&[
                (
                    "authorization",
                    "TC3-HMAC-SHA256 Credential=AKIDkept/2024-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=secret10",
                ),
                ("x-tc-token", "secret11"),
                ("x-tc-action", "ResetInstance"),
            ]),
        };
        let shown = format!("{received:?} {received:#?}");
        for n in 1..=11 {
            let secret = format!("secret{}{n}", if n < 10 { "-" } else { "" });
            assert!(!shown.contains(&secret), "{secret} in {shown}");
        }
        for kept in [
            "ins-kept0001",
            "skey-kept0001",
            "kept-token",
            "ins-kept0002",
            "Credential=AKIDkept/2024-01-01/cvm/tc3_request",
            "ResetInstance",
        ] {
            assert!(shown.contains(kept), "{kept} missing from {shown}");
        }
        // The fields themselves keep every value, for tests to check.
        assert_eq!(received.params["LoginSettings"]["Password"], "secret-2");
    }

    /// A secret-named member holding an object or a list (which only a
    /// mock without a spec accepts) is redacted whole, at any depth, in
    /// the JSON params and in the raw ones.
    #[test]
    fn everything_under_a_secret_named_member_is_redacted() {
        let received = ReceivedRequest {
            action: "RunInstances".into(),
            http_method: HttpMethod::Post,
            signing_method: SigningMethod::Tc3HmacSha256,
            params: json!({"Password": {"a": "secret-1", "b": ["secret-2"]},
                "LoginSettings": {"Password": {"Plain": "secret-3"}, "KeyIds": ["skey-kept0001"]},
                "Accounts": [{"Token": [{"Value": "secret-4"}]}],
                "ClientToken": {"Id": "kept-token"}}),
            raw_params: pairs(&[
                ("Password.a", "secret-5"),
                ("LoginSettings.Password.0.Plain", "secret-6"),
                ("InstanceIds.0", "ins-kept0001"),
            ]),
            headers: Vec::new(),
        };
        let shown = format!("{received:?} {received:#?}");
        for n in 1..=6 {
            let secret = format!("secret-{n}");
            assert!(!shown.contains(&secret), "{secret} in {shown}");
        }
        for kept in [
            "Password.a",
            "LoginSettings.KeyIds.0",
            "skey-kept0001",
            "ClientToken.Id",
            "kept-token",
            "ins-kept0001",
        ] {
            assert!(shown.contains(kept), "{kept} missing from {shown}");
        }
    }
}
