//! The call: a [`Client`] for one service version, and each call's
//! attempts with their retries, quota limits and tracing. Configuration is
//! in [`crate::config`], preparation in [`crate::prepare`], decoding in
//! [`crate::reply`].

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
use crate::retry::{decide, Decision};
use crate::service::{HttpMethod, ServiceInfo, SigningMethod};
use crate::Credentials;

pub use crate::config::{
    ClientConfig, Language, DEFAULT_MAX_REPLY_BYTES, DEFAULT_REQUEST_CLIENT, DEFAULT_ROOT_DOMAIN,
    DEFAULT_TIMEOUT, ENV_NO_PROXY, ENV_PROXIES, ENV_REGION, INTERNATIONAL_ROOT_DOMAIN,
};
pub use crate::prepare::{new_client_token, PreparedRequest, SigningContext};
pub use crate::reply::decode_reply;

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
    pub async fn call<Req, Resp>(
        &self,
        action: &str,
        host: Option<&str>,
        request: &Req,
    ) -> Result<Resp, Error>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
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
    pub async fn call_action<Req, Resp>(
        &self,
        action: &Action,
        request: &Req,
    ) -> Result<Resp, Error>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
        self.call_with_report(action, request).await.0
    }

    /// [`Client::call_action`], also telling how many attempts the call took.
    pub async fn call_with_report<Req, Resp>(
        &self,
        action: &Action,
        request: &Req,
    ) -> (Result<Resp, Error>, CallReport)
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
        self.execute(CallInfo::of(action), request).await
    }

    async fn execute<Req, Resp>(
        &self,
        call: CallInfo<'_>,
        request: &Req,
    ) -> (Result<Resp, Error>, CallReport)
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
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
            .attempts(&call, request, &mut report, started)
            .instrument(span.clone())
            .await;
        report.elapsed = started.elapsed();
        span.record("latency_ms", report.elapsed.as_millis() as u64);
        span.record("outcome", if result.is_ok() { "ok" } else { "error" });
        (result, report)
    }

    /// The request encoded once (token filled, logged if asked), and the
    /// action's idempotency: what every attempt of a call starts from.
    pub(crate) fn encode_call<Req: Serialize + ?Sized>(
        &self,
        call: &CallInfo<'_>,
        request: &Req,
    ) -> Result<(Encoded, bool), Error> {
        let config = &self.inner.config;
        let mut encoded = self.encode(call.name, request)?;
        // One token for every attempt, so the service does the work once.
        let has_token = call
            .client_token
            .is_some_and(|field| encoded.fill_client_token(field, config.fill_client_token));
        if config.log_bodies {
            encoded.log();
        }
        Ok((encoded, call.read_only || has_token))
    }

    async fn attempts<Req, Resp>(
        &self,
        call: &CallInfo<'_>,
        request: &Req,
        report: &mut CallReport,
        started: tokio::time::Instant,
    ) -> Result<Resp, Error>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
        let span = tracing::Span::current();
        let (encoded, idempotent) = self.encode_call(call, request)?;
        loop {
            report.attempts += 1;
            let attempt = report.attempts;
            span.record("attempt", attempt);
            let credentials = self.acquire(call.name).await?;
            let sent = tokio::time::Instant::now();
            let (result, request_id) = self.send_once::<Resp>(&credentials, call, &encoded).await;
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
            match self.after_failure(
                &credentials,
                call.name,
                &error,
                attempt,
                started,
                idempotent,
            ) {
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

    /// Credentials for one attempt, and its turn under the quota limits.
    pub(crate) async fn acquire(&self, action: &str) -> Result<Credentials, Error> {
        let inner = &*self.inner;
        let credentials = inner.config.credentials.provide_credentials().await?;
        credentials.validate()?;
        inner
            .config
            .limiter
            .acquire(
                inner.service.family,
                credentials.secret_id(),
                inner.service.service,
                action,
            )
            .await;
        Ok(credentials)
    }

    /// Tells the limiter of throttling, and decides whether to retry.
    pub(crate) fn after_failure(
        &self,
        credentials: &Credentials,
        action: &str,
        error: &Error,
        attempt: u32,
        started: tokio::time::Instant,
        idempotent: bool,
    ) -> Decision {
        let inner = &*self.inner;
        if let (true, Some(code)) = (error.is_throttling(), error.code()) {
            inner.config.limiter.throttled(
                inner.service.family,
                credentials.secret_id(),
                inner.service.service,
                action,
                code,
            );
        }
        decide(
            &inner.config.retry,
            error,
            attempt,
            started.elapsed(),
            idempotent,
            rand::random::<f64>(),
        )
    }

    /// One signed request and its decoded reply, with the reply's request id.
    async fn send_once<Resp: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        call: &CallInfo<'_>,
        encoded: &Encoded,
    ) -> (Result<Resp, Error>, Option<String>) {
        let inner = &*self.inner;
        let prepared = self.prepare_encoded(
            credentials,
            call.name,
            call.host,
            encoded,
            SigningContext::now(),
        );
        let reply = match prepared {
            Ok(prepared) => self.exchange(call, prepared).await,
            Err(error) => return (Err(error), None),
        };
        let (status, body) = match reply {
            Ok(reply) => (reply.status, reply.body),
            Err(error) => return (Err(error), None),
        };
        if inner.config.log_bodies {
            tracing::trace!(status, body = %body_snippet(&body), "reply body");
        }
        crate::reply::decode_reply_with_id(inner.service.family, call.name, status, &body)
    }

    /// Sends a prepared request and reads its reply whole.
    async fn exchange(
        &self,
        call: &CallInfo<'_>,
        prepared: PreparedRequest,
    ) -> Result<crate::transport::Reply, Error> {
        let inner = &*self.inner;
        let limits = crate::transport::Limits {
            timeout: inner.config.timeout,
            connect_timeout: inner.config.connect_timeout,
            max_reply_bytes: inner.config.max_reply_bytes,
        };
        let url = self.url_of(call.host, &prepared.url)?;
        crate::transport::exchange(&inner.http, call.name, url, prepared, &limits).await
    }

    /// The parsed URL of a prepared request: the target's own, parsed when
    /// the client was built, unless a query was added to it.
    pub(crate) fn url_of(&self, host: Option<&str>, url: &str) -> Result<reqwest::Url, Error> {
        let target = self.inner.endpoints.target(host).map_err(Error::Config)?;
        if target.url.as_str() == url {
            return Ok(target.url.clone());
        }
        reqwest::Url::parse(url).map_err(|e| Error::Config(format!("request URL: {e}")))
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
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
pub(crate) struct CallInfo<'a> {
    pub name: &'a str,
    pub host: Option<&'a str>,
    pub client_token: Option<&'a str>,
    pub read_only: bool,
}

impl<'a> CallInfo<'a> {
    pub fn of(action: &'a Action) -> CallInfo<'a> {
        CallInfo {
            name: action.name,
            host: action.host,
            client_token: action.client_token,
            read_only: action.read_only,
        }
    }
}
