//! The call: a [`Client`] for one service version, and each call's
//! attempts with their retries, quota limits and tracing. Configuration is
//! in [`crate::config`], preparation in [`crate::prepare`], decoding in
//! `reply.rs`.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::action::{is_read_only_name, Action};
use crate::credentials::ProvideCredentials;
use crate::endpoint::Endpoints;
use crate::error::{body_snippet, Error, RetryKind};
use crate::prepare::Encoded;
use crate::reply::redacted_body;
use crate::retry::{decide, Decision};
use crate::service::{HttpMethod, ServiceInfo, SigningMethod};

pub use crate::config::{
    ClientConfig, Language, DEFAULT_MAX_REPLY_BYTES, DEFAULT_REQUEST_CLIENT, DEFAULT_ROOT_DOMAIN,
    DEFAULT_TIMEOUT, INTERNATIONAL_ROOT_DOMAIN,
};
pub use crate::prepare::{new_client_token, PreparedRequest, SigningContext};
pub use crate::reply::{decode_reply, decode_reply_with_id};
pub use crate::transport::{read_capped, refused_by_http_client, CappedReadError};

/// A configured client for one service version. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub service: &'static ServiceInfo,
    pub config: ClientConfig,
    pub signing_method: SigningMethod,
    pub http_method: HttpMethod,
    pub endpoints: Endpoints,
    pub http: reqwest::Client,
    pub timers: crate::transport::TimerRelay,
}

impl Client {
    /// Checks the configuration against what the service accepts, and
    /// resolves its endpoint once.
    pub fn new(service: &'static ServiceInfo, config: ClientConfig) -> Result<Client, Error> {
        let (signing_method, http_method) = config.check(service)?;
        let endpoints = Endpoints::resolve(service, &config)?;
        let http = config.http_client()?;
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                config,
                signing_method,
                http_method,
                endpoints,
                http,
                timers: Default::default(),
            }),
        })
    }

    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls `action`, sending `request`'s fields as its params. `host`
    /// overrides the service host for actions served elsewhere. Without the
    /// action's metadata, it is retried after an ambiguous failure only when
    /// its name says it reads; [`Client::call_action`] knows better.
    pub async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        action: &str,
        host: Option<&str>,
        request: &Req,
    ) -> Result<Resp, Error> {
        let call = CallInfo {
            name: action,
            host,
            client_token: None,
            read_only: is_read_only_name(action),
        };
        self.execute(call, request).await.0
    }

    /// Calls an action described by its generated metadata: fills in its
    /// idempotency token, and retries and limits it accordingly.
    pub async fn call_action<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        action: &Action,
        request: &Req,
    ) -> Result<Resp, Error> {
        self.call_with_report(action, request).await.0
    }

    /// [`Client::call_action`], also telling how many attempts the call took.
    pub async fn call_with_report<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        action: &Action,
        request: &Req,
    ) -> (Result<Resp, Error>, CallReport) {
        self.execute(CallInfo::of(action), request).await
    }

    async fn execute<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        call: CallInfo<'_>,
        request: &Req,
    ) -> (Result<Resp, Error>, CallReport) {
        let inner = &*self.inner;
        let span = tracing::info_span!(
            "tencentcloud.call",
            service = inner.service.service,
            version = inner.service.version,
            action = call.name,
            region = inner.config.region.as_deref().unwrap_or(""),
            request_id = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = tokio::time::Instant::now();
        let mut report = CallReport::default();
        let result = self
            .attempts(call, request, &mut report)
            .instrument(span.clone())
            .await;
        report.elapsed = started.elapsed();
        span.record("latency_ms", report.elapsed.as_millis() as u64);
        span.record("outcome", if result.is_ok() { "ok" } else { "error" });
        (result, report)
    }

    async fn attempts<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        call: CallInfo<'_>,
        request: &Req,
        report: &mut CallReport,
    ) -> Result<Resp, Error> {
        let inner = &*self.inner;
        let config = &inner.config;
        let span = tracing::Span::current();
        let limits = crate::transport::Limits {
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
            max_reply_bytes: config.max_reply_bytes,
        };
        let mut attempts = CallAttempts::start(self, call, request)?;
        let action = call.name;
        loop {
            report.attempts += 1;
            let request = attempts.next_request().await?;
            let attempt = attempts.attempt();
            let sent = tokio::time::Instant::now();
            let (result, request_id) =
                match crate::transport::exchange(request, action, &limits, &inner.timers).await {
                    Ok(reply) => {
                        let family = inner.service.family;
                        let (result, id) =
                            decode_reply_with_id(family, action, reply.status, &reply.body);
                        // A success reply can hold credentials: its body reaches logs
                        // and errors only with `log_bodies`, and then redacted.
                        let result = match config.log_bodies {
                            true => {
                                let body = body_snippet(&redacted_body(&reply.body));
                                tracing::trace!(status = reply.status, %body, "reply body");
                                result.map_err(|error| error.with_success_body(body))
                            }
                            false => result.map_err(Error::withhold_success_body),
                        };
                        (result, id)
                    }
                    Err(error) => (Err(error), None),
                };
            let latency_ms = sent.elapsed().as_millis() as u64;
            if let Some(id) = &request_id {
                span.record("request_id", id.as_str());
            }
            let error = match result {
                Ok(reply) => {
                    tracing::debug!(attempt, latency_ms, request_id, "attempt succeeded");
                    return Ok(reply);
                }
                Err(error) => error,
            };
            match attempts.decide(&error) {
                Decision::RetryAfter(wait) => {
                    if error.retry_kind() == RetryKind::Ambiguous {
                        report.ambiguous_retries += 1;
                    }
                    tracing::debug!(
                        attempt,
                        latency_ms,
                        request_id,
                        %error,
                        wait_ms = wait.as_millis() as u64,
                        "attempt failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::Stop(why) => {
                    tracing::debug!(attempt, latency_ms, request_id, %error, why, "call failed");
                    return Err(error);
                }
            }
        }
    }
}

/// The attempts of one call: the low-level hook for callers that send each
/// attempt and read its reply themselves, such as streamed replies
/// (`tencentcloud-stream`); [`Client::call_action`] runs on it too. The
/// params are encoded once, with the client token filled, for every attempt.
pub struct CallAttempts<'a> {
    client: Client,
    call: CallInfo<'a>,
    encoded: Encoded,
    idempotent: bool,
    started: tokio::time::Instant,
    attempt: u32,
    secret_id: String,
}

impl<'a> CallAttempts<'a> {
    /// Starts a call of `action` with `request`; an error if the request
    /// cannot be encoded.
    pub fn new<Req: Serialize + ?Sized>(
        client: &Client,
        action: &Action,
        request: &Req,
    ) -> Result<CallAttempts<'static>, Error> {
        CallAttempts::start(client, CallInfo::of(action), request)
    }

    fn start<Req: Serialize + ?Sized>(
        client: &Client,
        call: CallInfo<'a>,
        request: &Req,
    ) -> Result<Self, Error> {
        let config = &client.inner.config;
        let mut encoded = client.encode(call.name, request)?;
        // One token for every attempt, so the service does the work once.
        let has_token = call
            .client_token
            .is_some_and(|field| encoded.fill_client_token(field, config.fill_client_token));
        if config.log_bodies {
            encoded.log();
        }
        Ok(CallAttempts {
            client: client.clone(),
            call,
            encoded,
            idempotent: call.read_only || has_token,
            started: tokio::time::Instant::now(),
            attempt: 0,
            secret_id: String::new(),
        })
    }

    /// Attempts begun so far, counting from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The next attempt's request, with fresh credentials, after its turn
    /// under the quota limits, signed; without a timeout: the caller sends it
    /// and bounds the wait.
    pub async fn next_request(&mut self) -> Result<reqwest::RequestBuilder, Error> {
        let (client, inner) = (&self.client, &*self.client.inner);
        self.attempt += 1;
        tracing::Span::current().record("attempt", self.attempt);
        let credentials = inner.config.credentials.provide_credentials().await?;
        credentials.validate()?;
        let (family, service) = (inner.service.family, inner.service.service);
        let (action, host) = (self.call.name, self.call.host);
        let secret_id = credentials.secret_id();
        let limiter = &inner.config.limiter;
        limiter.acquire(family, secret_id, service, action).await;
        if self.secret_id != secret_id {
            secret_id.clone_into(&mut self.secret_id);
        }
        let (encoded, context) = (self.encoded.clone(), SigningContext::now());
        let target = client.target_of(action, host)?;
        let prepared = client.prepare_encoded(&credentials, action, &target, encoded, context)?;
        // The target's URL, parsed when the client was built, unless a
        // query was added to it.
        let url = match target.url.as_str() == prepared.url {
            true => target.url.clone(),
            false => reqwest::Url::parse(&prepared.url)
                .map_err(|e| Error::Config(format!("request URL: {e}")))?,
        };
        crate::transport::request(&inner.http, action, url, prepared)
    }

    /// After the last attempt failed with `error`: throttling slows the
    /// quota limiter down, and the client's retry settings decide.
    pub fn decide(&self, error: &Error) -> Decision {
        let inner = &*self.client.inner;
        if let (true, Some(code)) = (error.is_throttling(), error.code()) {
            let (family, service) = (inner.service.family, inner.service.service);
            let limiter = &inner.config.limiter;
            limiter.throttled(family, &self.secret_id, service, self.call.name, code);
        }
        decide(
            &inner.config.retry,
            error,
            self.attempt,
            self.started.elapsed(),
            self.idempotent,
            crate::random::unit_random(),
        )
    }
}

/// What one call took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallReport {
    /// Attempts sent or tried, the first included.
    pub attempts: u32,
    /// From the start of the call to its result, waits included.
    pub elapsed: Duration,
    /// Retries after a failure that may have taken effect (5xx, timeout,
    /// reset, internal error): only ever non-zero for idempotent actions.
    pub ambiguous_retries: u32,
}

/// The action facts a call runs with.
#[derive(Clone, Copy)]
pub(crate) struct CallInfo<'a> {
    pub name: &'a str,
    pub host: Option<&'a str>,
    pub client_token: Option<&'a str>,
    pub read_only: bool,
}

impl CallInfo<'static> {
    pub fn of(action: &Action) -> CallInfo<'static> {
        CallInfo {
            name: action.name,
            host: action.host,
            client_token: action.client_token,
            read_only: action.read_only,
        }
    }
}
