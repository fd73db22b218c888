//! A local endpoint on 127.0.0.1 that checks signatures like the real
//! service and answers with canned replies, for tests that must not reach
//! Tencent Cloud. Enabled by the `mock` feature.
//!
//! It verifies TC3-HMAC-SHA256 and v1 (HmacSHA1/HmacSHA256) signatures
//! against its configured credentials; a wrong signature, a stale timestamp
//! or an unknown SecretId gets the matching `AuthFailure` reply. Replies
//! are registered per action; faults (error codes, 5xx, delays, malformed
//! bodies) can be injected per action.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::params::decode_query;
use crate::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use crate::signing::{tc3, v1};
use crate::Credentials;

/// API 3.0 accepts timestamps within five minutes of its clock.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);

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
}

/// A request the mock accepted (signature checked), as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedRequest {
    pub action: String,
    pub http_method: HttpMethod,
    pub signing_method: SigningMethod,
    /// The JSON body of a TC3 POST; otherwise the `.N` params folded into
    /// a flat JSON object of strings.
    pub params: Value,
    /// Query or form params as sent, for `.N` checks (empty for JSON bodies).
    pub raw_params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct State {
    replies: HashMap<String, Value>,
    faults: HashMap<String, Fault>,
    received: Vec<ReceivedRequest>,
}

pub struct MockBuilder {
    service: &'static ServiceInfo,
    credentials: Vec<Credentials>,
    max_skew: Duration,
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

    pub fn fault(mut self, action: impl Into<String>, fault: Fault) -> Self {
        self.state.faults.insert(action.into(), fault);
        self
    }

    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Binds 127.0.0.1 on a free port and serves until dropped.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            service: self.service,
            credentials: self.credentials,
            max_skew: self.max_skew,
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
                    let service = hyper::service::service_fn(move |request| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(shared.handle(request).await) }
                    });
                    // A broken connection only ends that connection.
                    let _ = hyper::server::conn::http1::Builder::new()
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
            max_skew: DEFAULT_MAX_SKEW,
            state: State::default(),
        }
    }

    /// `http://127.0.0.1:PORT/` plus the service path: give it to
    /// `ClientConfig::endpoint`.
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

    pub fn set_reply(&self, action: impl Into<String>, body: Value) {
        self.shared.lock().replies.insert(action.into(), body);
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
    state: Mutex<State>,
}

/// A rejected request: the error code and message of the real service.
struct Rejection {
    code: &'static str,
    message: String,
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

    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return self.error_reply(reject("InvalidParameter", "unreadable body")),
        };
        let received = match self.verify(&parts, &body) {
            Ok(received) => received,
            Err(rejection) => return self.error_reply(rejection),
        };
        let action = received.action.clone();
        let (fault, reply) = {
            let mut state = self.lock();
            state.received.push(received);
            (
                state.faults.get(&action).cloned(),
                state.replies.get(&action).cloned(),
            )
        };
        match fault {
            Some(Fault::ApiError { code, message }) => {
                return json_response(200, &self.error_body(&code, &message))
            }
            Some(Fault::Status(status)) => {
                return text_response(status, "upstream unavailable".into())
            }
            Some(Fault::Body(body)) => return text_response(200, body),
            Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
            None => {}
        }
        match reply {
            Some(body) => json_response(200, &body),
            None => self.error_reply(reject(
                "InvalidAction",
                format!("the mock has no reply for action `{action}`"),
            )),
        }
    }

    fn error_body(&self, code: &str, message: &str) -> Value {
        match self.service.family {
            Family::Api3 => json!({
                "Response": {
                    "Error": {"Code": code, "Message": message},
                    "RequestId": "00000000-0000-0000-0000-000000000000"
                }
            }),
            Family::Api2 => json!({"code": 4000, "message": message, "codeDesc": code}),
        }
    }

    fn error_reply(&self, rejection: Rejection) -> Response<Full<Bytes>> {
        json_response(200, &self.error_body(rejection.code, &rejection.message))
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
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let host = header("host").unwrap_or_default().to_owned();
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().unwrap_or_default().to_owned();
        if let Some(authorization) = header("authorization") {
            self.verify_tc3(http_method, &path, &query, &headers, authorization, body)
        } else {
            let form = if http_method == HttpMethod::Post {
                String::from_utf8_lossy(body).into_owned()
            } else {
                query
            };
            self.verify_v1(http_method, &host, &path, decode_query(&form), headers)
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
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let malformed = || {
            reject(
                "AuthFailure.SignatureFailure",
                "The Authorization header is malformed.",
            )
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
        let mut scope = credential.split('/');
        let secret_id = scope.next().ok_or_else(malformed)?;
        let date = scope.next().ok_or_else(malformed)?;
        let service = scope.next().ok_or_else(malformed)?;
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
                (flat_object(&raw), raw)
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
        const COMMON: [&str; 10] = [
            "Action",
            "Version",
            "Region",
            "Timestamp",
            "Nonce",
            "SecretId",
            "Signature",
            "SignatureMethod",
            "Token",
            "Language",
        ];
        let raw: Vec<(String, String)> = params
            .into_iter()
            .filter(|(n, _)| !COMMON.contains(&n.as_str()))
            .collect();
        Ok(ReceivedRequest {
            action,
            http_method,
            signing_method,
            params: flat_object(&raw),
            raw_params: raw,
            headers,
        })
    }
}

fn flat_object(params: &[(String, String)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(n, v)| (n.clone(), Value::String(v.clone())))
            .collect(),
    )
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
