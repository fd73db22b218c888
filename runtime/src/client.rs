//! The client every generated service client wraps: configuration,
//! request preparation (params, signing) and reply decoding.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::action::{is_read_only_name, Action};
use crate::credentials::{ProvideCredentials, SharedCredentialsProvider};
use crate::endpoint::{Endpoint, Target};
use crate::error::{body_snippet, bounded, ApiError, Error, RetryKind};
use crate::limit::{LimitConfig, Limiter};
use crate::params::{to_params, Params};
use crate::retry::{decide, Decision, RetryConfig};
use crate::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use crate::signing::{tc3, v1};
use crate::Credentials;

/// Reply language for messages and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    ZhCn,
    EnUs,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "zh-CN" => Ok(Language::ZhCn),
            "en-US" => Ok(Language::EnUs),
            other => Err(format!("language `{other}`: expected zh-CN or en-US")),
        }
    }
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest reply body a client reads by default: far above any real
/// reply, low enough that a broken or hostile endpoint cannot exhaust memory.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;
const USER_AGENT: &str = concat!("tencentcloud-rs/", env!("CARGO_PKG_VERSION"));
/// Sent as `X-TC-RequestClient` (TC3) or `RequestClient` (v1, API 3.0).
pub const DEFAULT_REQUEST_CLIENT: &str = concat!("SDK_RUST_", env!("CARGO_PKG_VERSION"));
/// The domain the service hosts are under.
pub const DEFAULT_ROOT_DOMAIN: &str = "tencentcloudapi.com";
/// The root domain of Tencent Cloud International ([`ClientConfig::international`]).
pub const INTERNATIONAL_ROOT_DOMAIN: &str = "intl.tencentcloudapi.com";

/// Environment variables read by [`ClientConfig::from_env`] and
/// [`ClientConfig::env`], as the official SDKs and tccli read them.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
/// Proxy variables, as curl, Go's and Python's HTTP clients read them.
pub const ENV_PROXIES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];
pub const ENV_NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// Where the client sends requests through.
#[derive(Clone, PartialEq, Eq)]
enum ProxySetting {
    /// HTTPS_PROXY, HTTP_PROXY and NO_PROXY of the process, read by the transport.
    System,
    None,
    /// `https` / `http`: proxies by scheme; `no_proxy`: hosts to reach directly.
    Explicit {
        https: Option<String>,
        http: Option<String>,
        no_proxy: Option<String>,
    },
}

/// Settings of a client. Everything but the credentials is optional; the
/// service's defaults apply.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    credentials: SharedCredentialsProvider,
    region: Option<String>,
    signing_method: Option<SigningMethod>,
    http_method: Option<HttpMethod>,
    language: Option<Language>,
    timeout: Duration,
    connect_timeout: Option<Duration>,
    endpoint: Option<String>,
    regional_endpoint: bool,
    root_domain: String,
    proxy: ProxySetting,
    request_client: String,
    retry: RetryConfig,
    limiter: Arc<Limiter>,
    log_bodies: bool,
    max_reply_bytes: usize,
    fill_client_token: bool,
    /// Streamed replies ([`crate::stream`]).
    pub(crate) stream: crate::stream::StreamConfig,
}

impl ClientConfig {
    /// `credentials` is fixed [`Credentials`] or any provider of them.
    pub fn new(credentials: impl ProvideCredentials + 'static) -> Self {
        ClientConfig {
            credentials: SharedCredentialsProvider::new(credentials),
            region: None,
            signing_method: None,
            http_method: None,
            language: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: None,
            endpoint: None,
            regional_endpoint: false,
            root_domain: DEFAULT_ROOT_DOMAIN.to_owned(),
            proxy: ProxySetting::System,
            request_client: DEFAULT_REQUEST_CLIENT.to_owned(),
            retry: RetryConfig::default(),
            limiter: Arc::new(Limiter::new(LimitConfig::default())),
            log_bodies: false,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
            fill_client_token: true,
            stream: crate::stream::StreamConfig::default(),
        }
    }

    /// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`
    /// and `TENCENTCLOUD_SESSION_TOKEN`, and the settings of
    /// [`ClientConfig::env`] from the process environment.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Credentials::from_env()?).env_settings()
    }

    /// Credentials from `provider` (e.g. `tencentcloud-credentials`'
    /// default chain), and the settings of [`ClientConfig::env`] from the
    /// process environment.
    pub fn from_env_with(provider: impl ProvideCredentials + 'static) -> Result<Self, Error> {
        Self::new(provider).env_settings()
    }

    /// [`ClientConfig::env`] over the process environment; a value that is
    /// not UTF-8 is an error naming its variable.
    fn env_settings(self) -> Result<Self, Error> {
        let mut bad = None;
        let lookup = |name: &str| match std::env::var(name) {
            Ok(value) => Some(value),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                bad.get_or_insert_with(|| name.to_owned());
                None
            }
        };
        let config = self.env(lookup);
        if let Some(name) = bad {
            return Err(Error::Config(format!(
                "environment variable {name}: the value is not valid UTF-8"
            )));
        }
        config
    }

    /// Reads the settings the official SDKs take from the environment
    /// through `lookup` (e.g. `|name| std::env::var(name).ok()`):
    /// the region from `TENCENTCLOUD_REGION`, and proxies from
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lower-case forms). Empty values count as unset. A bad value is an
    /// error that names the variable.
    pub fn env(mut self, lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, Error> {
        let mut lookup = lookup;
        let mut read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let env_error =
            |name: &str, why: String| Error::Config(format!("environment variable {name}: {why}"));
        if let Some(region) = read(ENV_REGION) {
            validate_region(&region).map_err(|why| env_error(ENV_REGION, why))?;
            self.region = Some(region);
        }
        let mut first = |names: &[&'static str]| {
            names
                .iter()
                .find_map(|name| read(name).map(|value| (*name, value)))
        };
        let https = first(&ENV_PROXIES[0..2]);
        let http = first(&ENV_PROXIES[2..4]);
        let all = first(&ENV_PROXIES[4..6]);
        let no_proxy = first(&ENV_NO_PROXY);
        for (name, url) in [&https, &http, &all].into_iter().flatten() {
            validate_proxy(url).map_err(|why| env_error(name, why))?;
        }
        if https.is_some() || http.is_some() || all.is_some() {
            let all = all.map(|(_, url)| url);
            self.proxy = ProxySetting::Explicit {
                https: https.map(|(_, url)| url).or_else(|| all.clone()),
                http: http.map(|(_, url)| url).or(all),
                no_proxy: no_proxy.map(|(_, hosts)| hosts),
            };
        }
        Ok(self)
    }

    /// The region, e.g. `ap-guangzhou`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    pub fn signing_method(mut self, method: SigningMethod) -> Self {
        self.signing_method = Some(method);
        self
    }

    pub fn http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = Some(method);
        self
    }

    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The whole-request timeout of one attempt (connect, send, read the
    /// reply), [`DEFAULT_TIMEOUT`] unless set. Running out of it is an
    /// [`Error::Timeout`] naming the phase it hit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long opening a connection may take (within the timeout). Set
    /// shorter than the timeout, it tells a connection that never opened
    /// (nothing sent, so retried for any action) from a request that got
    /// no reply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sends every request to this endpoint instead of the service's (or
    /// the action's) host: a bare host, reached over https
    /// (`cvm.ap-guangzhou.tencentcloudapi.com`, `127.0.0.1:8443`), or an
    /// http(s) URL (a local mock at `http://127.0.0.1:PORT`). A bare host,
    /// or a URL whose path is empty or `/`, keeps the service's path
    /// (`/v2/index.php` for API 2.0); any other path is used as given.
    /// Anything else makes [`Client::new`] fail with [`Error::Config`].
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The domain the service hosts are under, `tencentcloudapi.com` by
    /// default: `cvm.tencentcloudapi.com` becomes `cvm.<root_domain>`.
    /// Hosts of other domains (API 2.0's `cvm.api.qcloud.com`) stay.
    pub fn root_domain(mut self, domain: impl Into<String>) -> Self {
        self.root_domain = domain.into();
        self
    }

    /// Tencent Cloud International: API 3.0 hosts become
    /// `<service>.intl.tencentcloudapi.com`, and with
    /// [`regional_endpoint`](Self::regional_endpoint)
    /// `<service>.<region>.intl.tencentcloudapi.com`, as tccli-intl-en
    /// configures them. The same as `root_domain("intl.tencentcloudapi.com")`;
    /// `false` goes back to the default domain.
    pub fn international(self, on: bool) -> Self {
        self.root_domain(match on {
            true => INTERNATIONAL_ROOT_DOMAIN,
            false => DEFAULT_ROOT_DOMAIN,
        })
    }

    /// Sends every request through this proxy URL.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.proxy = ProxySetting::Explicit {
            https: Some(url.clone()),
            http: Some(url),
            no_proxy: None,
        };
        self
    }

    /// Connects directly, ignoring the proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::None;
        self
    }

    /// The `X-TC-RequestClient` string, `SDK_RUST_<version>` by default.
    pub fn request_client(mut self, name: impl Into<String>) -> Self {
        self.request_client = name.into();
        self
    }

    /// When and how failed calls are sent again; [`RetryConfig::disabled`]
    /// sends each call once.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Client-side quota limiting; [`LimitConfig::disabled`] turns it off.
    /// Clients built from clones of this config share the buckets.
    pub fn rate_limits(mut self, limits: LimitConfig) -> Self {
        self.limiter = Arc::new(Limiter::new(limits));
        self
    }

    /// Shares buckets with other configs.
    pub fn limiter(mut self, limiter: Arc<Limiter>) -> Self {
        self.limiter = limiter;
        self
    }

    pub fn shared_limiter(&self) -> &Arc<Limiter> {
        &self.limiter
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Logs request params and reply bodies at TRACE level. Off by default:
    /// they can hold personal data. Signatures, keys and tokens are never logged.
    pub fn log_bodies(mut self, on: bool) -> Self {
        self.log_bodies = on;
        self
    }

    /// Sends requests to the region's own host (`cvm.ap-guangzhou.tencentcloudapi.com`)
    /// instead of the nearest one; needs a region and a service that has one.
    pub fn regional_endpoint(mut self, on: bool) -> Self {
        self.regional_endpoint = on;
        self
    }

    /// The largest reply body to read ([`DEFAULT_MAX_REPLY_BYTES`] unless
    /// set); a longer one fails with [`Error::ReplyTooLarge`].
    pub fn max_reply_bytes(mut self, limit: usize) -> Self {
        self.max_reply_bytes = limit;
        self
    }

    /// Fills an empty `ClientToken` with a random UUID, once per call (on
    /// by default). Off, the param is sent as the caller left it, and a call
    /// without a token is retried only when the action only reads.
    pub fn fill_client_token(mut self, on: bool) -> Self {
        self.fill_client_token = on;
        self
    }

    /// Replaces the credentials provider.
    pub fn credentials_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials = provider;
        self
    }

    pub fn credentials(&self) -> &SharedCredentialsProvider {
        &self.credentials
    }
}

// A proxy URL may carry a password: Debug shows it redacted.
impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxySetting::System => f.write_str("System"),
            ProxySetting::None => f.write_str("None"),
            ProxySetting::Explicit {
                https,
                http,
                no_proxy,
            } => f
                .debug_struct("Explicit")
                .field("https", &https.as_deref().map(redact_url))
                .field("http", &http.as_deref().map(redact_url))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}

/// A signed request, ready to send: what the wire carries. Its `Debug`
/// output hides the session token (header, param and signed text).
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub method: HttpMethod,
    pub url: String,
    /// Headers in sending order (Host is set by the transport from the URL).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The signer's intermediate text: TC3's canonical request and string to
    /// sign, or v1's string to sign.
    pub canonical_request: Option<String>,
    pub string_to_sign: String,
}

/// What a TC3 request carries: a JSON body (POST) or a query (GET).
struct Tc3Payload {
    content_type: &'static str,
    query: String,
    body: Vec<u8>,
}

enum Encoded {
    /// The JSON body, for TC3 over POST.
    Body(Vec<u8>),
    /// The `.N` params, for every other form.
    Params(Params),
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        let query = self.url.split_once('?').map_or("", |(_, query)| query);
        let mut tokens: Vec<String> = self
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("X-TC-Token"))
            .map(|(_, value)| value.clone())
            .collect();
        for text in [query, body.as_ref()] {
            tokens.extend(
                crate::params::decode_query(text)
                    .into_iter()
                    .filter(|(name, _)| name == "Token")
                    .map(|(_, value)| value),
            );
        }
        let mut text = format!(
            "PreparedRequest {{ method: {:?}, url: {:?}, headers: {:?}, body: {:?}, canonical_request: {:?}, string_to_sign: {:?} }}",
            self.method, self.url, self.headers, body, self.canonical_request, self.string_to_sign
        );
        // Every form the token takes in the text: raw, percent-encoded, Debug-escaped.
        for token in tokens.iter().filter(|t| !t.is_empty()) {
            let escaped = format!("{token:?}");
            let forms = [
                token.clone(),
                crate::params::encode_component(token),
                escaped.trim_matches('"').to_owned(),
            ];
            for form in forms {
                text = text.replace(&form, "<redacted>");
            }
        }
        f.write_str(&text)
    }
}

/// The moment and nonce a request is signed with; fixed in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningContext {
    pub timestamp: i64,
    pub nonce: u32,
}

impl SigningContext {
    pub fn now() -> Self {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        SigningContext {
            timestamp,
            nonce: rand::random::<u32>().max(1),
        }
    }
}

/// A configured client for one service version. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: ClientConfig,
    signing_method: SigningMethod,
    http_method: HttpMethod,
    endpoint: Option<Endpoint>,
    /// The region's own host, with the service path.
    regional: Option<Target>,
    http: reqwest::Client,
}

impl Client {
    /// Checks the configuration against what the service accepts.
    pub fn new(service: &'static ServiceInfo, config: ClientConfig) -> Result<Client, Error> {
        config.credentials.check()?;
        let signing_method = config
            .signing_method
            .unwrap_or(service.default_signing_method);
        if !service.signing_methods.contains(&signing_method) {
            return Err(Error::Config(format!(
                "{} {} does not accept the signing method {signing_method:?}",
                service.service, service.version
            )));
        }
        let http_method = match config.http_method {
            Some(method) => method,
            None => *service.http_methods.first().ok_or_else(|| {
                Error::Config(format!("{} lists no HTTP method", service.service))
            })?,
        };
        if !service.http_methods.contains(&http_method) {
            return Err(Error::Config(format!(
                "{} {} does not accept HTTP {}",
                service.service,
                service.version,
                http_method.as_str()
            )));
        }
        if let Some(region) = &config.region {
            validate_region(region).map_err(Error::Config)?;
        }
        if config.timeout.is_zero() || config.connect_timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::Config(
                "the timeouts must be longer than zero".into(),
            ));
        }
        config.retry.validate().map_err(Error::Config)?;
        config.stream.validate().map_err(Error::Config)?;
        config.limiter.config().validate().map_err(Error::Config)?;
        validate_root_domain(&config.root_domain).map_err(Error::Config)?;
        if config.request_client.is_empty()
            || !config.request_client.chars().all(|c| c.is_ascii_graphic())
            || config.request_client.len() > 128
        {
            return Err(Error::Config(format!(
                "request client `{}`: expected 1 to 128 visible ASCII characters",
                config.request_client
            )));
        }
        let endpoint = config
            .endpoint
            .as_deref()
            .map(Endpoint::parse)
            .transpose()?;
        let mut regional = None;
        if config.regional_endpoint && endpoint.is_none() {
            let (Some(pattern), Some(region)) = (service.regional_host, config.region.as_deref())
            else {
                return Err(Error::Config(format!(
                    "a regional endpoint needs a region, and {} {} to have regional hosts",
                    service.service, service.version
                )));
            };
            regional = Some(Target {
                scheme: "https".into(),
                authority: with_root_domain(
                    &pattern.replace("{region}", region),
                    &config.root_domain,
                ),
                path: service.path.to_owned(),
            });
        }
        // The request timeout is applied per phase by the transport.
        let mut builder = reqwest::Client::builder().user_agent(USER_AGENT);
        if let Some(timeout) = config.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        match &config.proxy {
            ProxySetting::System => {}
            ProxySetting::None => builder = builder.no_proxy(),
            ProxySetting::Explicit {
                https,
                http,
                no_proxy,
            } => {
                let exempt = no_proxy.as_deref().and_then(reqwest::NoProxy::from_string);
                // Without any proxy, the builder must still ignore the environment.
                builder = builder.no_proxy();
                for (url, https_only) in [(https, true), (http, false)] {
                    let Some(url) = url else { continue };
                    validate_proxy(url).map_err(Error::Config)?;
                    let proxy = if https_only {
                        reqwest::Proxy::https(url)
                    } else {
                        reqwest::Proxy::http(url)
                    };
                    let proxy = proxy
                        .map_err(|e| Error::Config(format!("proxy `{}`: {e}", redact_url(url))))?
                        .no_proxy(exempt.clone());
                    builder = builder.proxy(proxy);
                }
            }
        }
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                config,
                signing_method,
                http_method,
                endpoint,
                regional,
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
        let call = CallInfo {
            name: action.name,
            host: action.host,
            client_token: action.client_token,
            read_only: action.read_only,
        };
        self.execute(call, request).await
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
        let inner = &*self.inner;
        let span = tracing::Span::current();
        let mut json = serde_json::to_value(request).map_err(|e| Error::Encode {
            action: call.name.to_owned(),
            message: e.to_string(),
        })?;
        // One token for every attempt, so the service does the work once.
        let mut client_token = call.client_token;
        if let Some(field) = client_token {
            if inner.config.fill_client_token {
                fill_client_token(&mut json, field);
            } else if token_is_empty(&json, field) {
                client_token = None;
            }
        }
        if inner.config.log_bodies {
            tracing::trace!(params = %json, "request params");
        }
        let idempotent = call.read_only || client_token.is_some();
        loop {
            report.attempts += 1;
            let attempt = report.attempts;
            span.record("attempt", attempt);
            let credentials = inner.config.credentials.provide_credentials().await?;
            credentials.validate()?;
            inner
                .config
                .limiter
                .acquire(
                    inner.service.family,
                    credentials.secret_id(),
                    inner.service.service,
                    call.name,
                )
                .await;
            let sent = tokio::time::Instant::now();
            let (result, request_id) = self.send_once::<Resp>(&credentials, call, &json).await;
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
            if let (true, Some(code)) = (error.is_throttling(), error.code()) {
                inner.config.limiter.throttled(
                    inner.service.family,
                    credentials.secret_id(),
                    inner.service.service,
                    call.name,
                    code,
                );
            }
            let decision = decide(
                &inner.config.retry,
                &error,
                attempt,
                started.elapsed(),
                idempotent,
                rand::random::<f64>(),
            );
            match decision {
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

    /// One signed request and its decoded reply, with the reply's request id.
    async fn send_once<Resp: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        call: &CallInfo<'_>,
        json: &Value,
    ) -> (Result<Resp, Error>, Option<String>) {
        let inner = &*self.inner;
        let prepared = match self.prepare_value(
            credentials,
            call.name,
            call.host,
            json,
            SigningContext::now(),
        ) {
            Ok(prepared) => prepared,
            Err(error) => return (Err(error), None),
        };
        let limits = crate::transport::Limits {
            timeout: inner.config.timeout,
            connect_timeout: inner.config.connect_timeout,
            max_reply_bytes: inner.config.max_reply_bytes,
        };
        let reply = crate::transport::exchange(&inner.http, call.name, prepared, &limits).await;
        let (status, body) = match reply {
            Ok(reply) => (reply.status, reply.body),
            Err(error) => return (Err(error), None),
        };
        if inner.config.log_bodies {
            tracing::trace!(status, body = %body_snippet(&body), "reply body");
        }
        decode_reply_with_id(inner.service.family, call.name, status, &body)
    }

    /// Builds and signs the request without sending it: a pure function of
    /// the credentials, the moment and the request.
    pub fn prepare<Req: Serialize>(
        &self,
        credentials: &Credentials,
        action: &str,
        host: Option<&str>,
        request: &Req,
        context: SigningContext,
    ) -> Result<PreparedRequest, Error> {
        let encode_error = |message: String| Error::Encode {
            action: action.to_owned(),
            message,
        };
        let encoded = self.encode(request).map_err(encode_error)?;
        self.prepare_encoded(credentials, action, host, encoded, context)
            .map_err(encode_error)
    }

    /// [`Client::prepare`] for params already turned into JSON.
    pub fn prepare_value(
        &self,
        credentials: &Credentials,
        action: &str,
        host: Option<&str>,
        json: &Value,
        context: SigningContext,
    ) -> Result<PreparedRequest, Error> {
        let encode_error = |message: String| Error::Encode {
            action: action.to_owned(),
            message,
        };
        let encoded = self.encode(json).map_err(encode_error)?;
        self.prepare_encoded(credentials, action, host, encoded, context)
            .map_err(encode_error)
    }

    /// TC3 over POST sends the JSON as the body, written straight to bytes;
    /// the other forms serialize straight to `.N` params. Neither builds a
    /// JSON `Value`.
    fn encode<Req: Serialize + ?Sized>(&self, request: &Req) -> Result<Encoded, String> {
        if self.sends_json_body() {
            serde_json::to_vec(request)
                .map(Encoded::Body)
                .map_err(|e| e.to_string())
        } else {
            to_params(request, self.inner.service.list_index_base).map(Encoded::Params)
        }
    }

    fn sends_json_body(&self) -> bool {
        self.inner.signing_method == SigningMethod::Tc3HmacSha256
            && self.inner.http_method == HttpMethod::Post
    }

    /// The part of [`Client::prepare`] that does not depend on the request type.
    fn prepare_encoded(
        &self,
        credentials: &Credentials,
        action: &str,
        host: Option<&str>,
        encoded: Encoded,
        context: SigningContext,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        // An override's host wins over the action's own; its path, if it
        // has one, over the service's.
        let target = match (&inner.endpoint, &inner.regional) {
            (Some(endpoint), _) => endpoint.target(inner.service.path),
            (None, Some(regional)) => regional.clone(),
            (None, None) => Target {
                scheme: "https".into(),
                authority: with_root_domain(
                    host.unwrap_or(inner.service.host),
                    &inner.config.root_domain,
                ),
                path: inner.service.path.to_owned(),
            },
        };
        let (params, algorithm) = match (inner.signing_method, encoded) {
            (SigningMethod::Tc3HmacSha256, Encoded::Body(body)) => {
                let payload = Tc3Payload {
                    content_type: "application/json; charset=utf-8",
                    query: String::new(),
                    body,
                };
                return self.prepare_tc3(credentials, action, payload, &target, context);
            }
            (_, Encoded::Body(_)) => return Err("a JSON body is only sent with TC3".into()),
            (SigningMethod::Tc3HmacSha256, Encoded::Params(params)) => (params, None),
            (SigningMethod::HmacSha256, Encoded::Params(params)) => {
                (params, Some(v1::V1Algorithm::HmacSha256))
            }
            (SigningMethod::HmacSha1, Encoded::Params(params)) => {
                (params, Some(v1::V1Algorithm::HmacSha1))
            }
        };
        match algorithm {
            Some(algorithm) => {
                self.prepare_v1(credentials, action, params, &target, context, algorithm)
            }
            None => {
                let payload = Tc3Payload {
                    content_type: "application/x-www-form-urlencoded",
                    query: params.encode_query(),
                    body: Vec::new(),
                };
                self.prepare_tc3(credentials, action, payload, &target, context)
            }
        }
    }

    fn prepare_tc3(
        &self,
        credentials: &Credentials,
        action: &str,
        payload: Tc3Payload,
        target: &Target,
        context: SigningContext,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let Tc3Payload {
            content_type,
            query,
            body,
        } = payload;
        let action_lower = action.to_ascii_lowercase();
        let signed = [
            ("content-type", content_type),
            ("host", target.authority.as_str()),
            ("x-tc-action", action_lower.as_str()),
        ];
        let signature = tc3::sign(
            credentials.secret_id(),
            credentials.secret_key(),
            inner.service.service,
            context.timestamp,
            &tc3::Tc3Request {
                method: inner.http_method.as_str(),
                canonical_uri: &target.path,
                canonical_query: &query,
                headers: &signed,
                payload: &body,
            },
        );
        let mut headers = vec![
            ("Authorization".to_owned(), signature.authorization),
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-TC-Action".to_owned(), action.to_owned()),
            ("X-TC-Timestamp".to_owned(), context.timestamp.to_string()),
            ("X-TC-Version".to_owned(), inner.service.version.to_owned()),
        ];
        let optional = [
            ("X-TC-Region", inner.config.region.clone()),
            ("X-TC-Token", credentials.token().map(str::to_owned)),
            (
                "X-TC-Language",
                inner.config.language.map(|l| l.as_str().to_owned()),
            ),
            (
                "X-TC-RequestClient",
                Some(inner.config.request_client.clone()),
            ),
        ];
        headers.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| Some((name.to_owned(), value?))),
        );
        let mut url = String::with_capacity(
            target.scheme.len() + target.authority.len() + target.path.len() + query.len() + 4,
        );
        for part in [&target.scheme, "://", &target.authority, &target.path] {
            url.push_str(part);
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(PreparedRequest {
            method: inner.http_method,
            url,
            headers,
            body,
            canonical_request: Some(signature.canonical_request),
            string_to_sign: signature.string_to_sign,
        })
    }

    fn prepare_v1(
        &self,
        credentials: &Credentials,
        action: &str,
        mut params: Params,
        target: &Target,
        context: SigningContext,
        algorithm: v1::V1Algorithm,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let api3 = inner.service.family == Family::Api3;
        let mut timestamp = itoa::Buffer::new();
        let mut nonce = itoa::Buffer::new();
        // (sent with this family, name, value if any)
        let common = [
            (true, "Action", Some(action)),
            (api3, "Version", Some(inner.service.version)),
            (true, "Region", inner.config.region.as_deref()),
            (true, "Timestamp", Some(timestamp.format(context.timestamp))),
            (true, "Nonce", Some(nonce.format(context.nonce))),
            (true, "SecretId", Some(credentials.secret_id())),
            (true, "SignatureMethod", Some(algorithm.param_value())),
            (true, "Token", credentials.token()),
            (
                true,
                "Language",
                inner.config.language.map(Language::as_str),
            ),
            // API 2.0 documents no such param; only API 3.0 gets it.
            (api3, "RequestClient", Some(&inner.config.request_client)),
        ];
        let is_common = |name: &str| {
            common
                .iter()
                .any(|(sent, common, _)| *sent && *common == name)
        };
        // One pass over the request's params (names differ in length mostly).
        if let Some((name, _)) = params.iter().find(|(name, _)| is_common(name)) {
            return Err(format!(
                "the request has a field named `{name}`, a common param"
            ));
        }
        for (sent, name, value) in common {
            if let (true, Some(value)) = (sent, value) {
                params.push(name, value);
            }
        }
        let method = inner.http_method.as_str();
        let string_to_sign = v1::string_to_sign_of(
            method,
            &target.authority,
            &target.path,
            params.iter().collect(),
        );
        params.push_with("Signature", |out| {
            v1::push_signature(out, credentials.secret_key(), algorithm, &string_to_sign)
        });
        let mut url = String::with_capacity(
            target.scheme.len()
                + target.authority.len()
                + target.path.len()
                + 4
                + params.encoded_length_hint(),
        );
        for part in [&target.scheme, "://", &target.authority, &target.path] {
            url.push_str(part);
        }
        let (headers, body) = match inner.http_method {
            HttpMethod::Get => {
                url.push('?');
                params.push_query(&mut url);
                (Vec::new(), Vec::new())
            }
            HttpMethod::Post => (
                vec![(
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                )],
                params.encode_query().into_bytes(),
            ),
        };
        Ok(PreparedRequest {
            method: inner.http_method,
            url,
            headers,
            body,
            canonical_request: None,
            string_to_sign,
        })
    }
}

/// Turns a reply body into the typed reply or the matching error kind.
pub fn decode_reply<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
) -> Result<Resp, Error> {
    decode_reply_with_id(family, action, status, body).0
}

/// [`decode_reply`], with the reply's `RequestId` when it has one.
pub(crate) fn decode_reply_with_id<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
) -> (Result<Resp, Error>, Option<String>) {
    // The common case, an API 3.0 success, in one pass.
    if family == Family::Api3 && (200..300).contains(&status) {
        if let Some((reply, request_id)) = crate::reply::api3_success(body) {
            return (Ok(reply), request_id);
        }
    }
    let json: Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(_) => return (decode_json(family, action, status, body, None), None),
    };
    let request_id = json
        .get("Response")
        .and_then(|r| r.get("RequestId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    (
        decode_json(family, action, status, body, Some(json)),
        request_id,
    )
}

fn decode_json<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
    json: Option<Value>,
) -> Result<Resp, Error> {
    let success = (200..300).contains(&status);
    let decode_error = |message: String| Error::Decode {
        action: action.to_owned(),
        status,
        // serde quotes the offending value, which can be huge.
        message: bounded(message),
        body: body_snippet(body),
    };
    let http_error = || Error::Http {
        action: action.to_owned(),
        status,
        body: body_snippet(body),
    };
    let json: Value = match json {
        Some(json) => json,
        None if !success => return Err(http_error()),
        None => {
            let why = serde_json::from_slice::<Value>(body)
                .err()
                .map_or_else(String::new, |e| e.to_string());
            return Err(decode_error(format!("not JSON: {why}")));
        }
    };
    let text = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::String(s) => Some(bounded(s.clone())),
            Value::Null => None,
            other => Some(bounded(other.to_string())),
        }
    };
    match family {
        Family::Api3 => {
            let Some(response) = json.get("Response").filter(|r| r.is_object()) else {
                return Err(if success {
                    decode_error("no `Response` object".into())
                } else {
                    http_error()
                });
            };
            if let Some(error) = response.get("Error") {
                return Err(ApiError {
                    action: action.to_owned(),
                    code: text(error.get("Code")).unwrap_or_else(|| "Unknown".into()),
                    message: text(error.get("Message")).unwrap_or_default(),
                    request_id: text(response.get("RequestId")),
                    code_desc: None,
                    http_status: status,
                }
                .into());
            }
            if !success {
                return Err(http_error());
            }
            Resp::deserialize(response).map_err(|e| decode_error(e.to_string()))
        }
        Family::Api2 => {
            let code = json.get("code");
            let ok = match code {
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s == "0",
                _ => {
                    return Err(if success {
                        decode_error("no `code` field".into())
                    } else {
                        http_error()
                    })
                }
            };
            if !ok {
                return Err(ApiError {
                    action: action.to_owned(),
                    code: text(code).unwrap_or_default(),
                    message: text(json.get("message")).unwrap_or_default(),
                    request_id: None,
                    code_desc: text(json.get("codeDesc")),
                    http_status: status,
                }
                .into());
            }
            if !success {
                return Err(http_error());
            }
            Resp::deserialize(&json).map_err(|e| decode_error(e.to_string()))
        }
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
struct CallInfo<'a> {
    name: &'a str,
    host: Option<&'a str>,
    client_token: Option<&'a str>,
    read_only: bool,
}

/// Puts a fresh UUID v4 into the token field unless the caller set one.
pub(crate) fn fill_client_token(json: &mut Value, field: &str) {
    if !token_is_empty(json, field) {
        return;
    }
    if let Value::Object(params) = json {
        params.insert(field.to_owned(), Value::String(new_client_token()));
    }
}

/// Whether the params are an object whose token field is absent, null or "".
pub(crate) fn token_is_empty(json: &Value, field: &str) -> bool {
    let Value::Object(params) = json else {
        return false;
    };
    match params.get(field) {
        None | Some(Value::Null) => true,
        Some(Value::String(token)) => token.is_empty(),
        Some(_) => false,
    }
}

/// A random (version 4) UUID in its usual text form.
pub fn new_client_token() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn validate_region(region: &str) -> Result<(), String> {
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "region `{region}`: expected lowercase letters, digits and `-`, like ap-guangzhou"
        ))
    }
}

fn validate_root_domain(domain: &str) -> Result<(), String> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!(
            "root domain `{domain}`: expected a DNS name like tencentcloudapi.com"
        ))
    }
}

/// Moves a host under the default root domain to the configured one.
fn with_root_domain(host: &str, root_domain: &str) -> String {
    match host.strip_suffix(DEFAULT_ROOT_DOMAIN) {
        Some(prefix) if prefix.ends_with('.') && root_domain != DEFAULT_ROOT_DOMAIN => {
            format!("{prefix}{root_domain}")
        }
        _ => host.to_owned(),
    }
}

fn validate_proxy(url: &str) -> Result<(), String> {
    let shown = redact_url(url);
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("proxy `{shown}`: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https" | "socks5" | "socks5h")
        || parsed.host_str().is_none()
    {
        return Err(format!(
            "proxy `{shown}`: expected a URL like http://proxy.example:3128"
        ));
    }
    Ok(())
}

/// A URL without its password, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Unparsable: it may still hold a password after `:` and before `@`.
        Err(_) => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        },
    }
}

/// What [`crate::stream`] needs of the client and its settings.
impl Client {
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

impl ClientConfig {
    pub(crate) fn request_timeout(&self) -> Duration {
        self.timeout
    }
    pub(crate) fn reply_limit(&self) -> usize {
        self.max_reply_bytes
    }
    pub(crate) fn logs_bodies(&self) -> bool {
        self.log_bodies
    }
    pub(crate) fn fills_client_token(&self) -> bool {
        self.fill_client_token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl FnMut(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn config() -> ClientConfig {
        ClientConfig::new(Credentials::new("AKIDtest", "key"))
    }

    #[test]
    fn the_environment_sets_region_and_proxies() {
        let config = config()
            .env(env(&[
                ("TENCENTCLOUD_REGION", "ap-shanghai"),
                ("https_proxy", "http://proxy.example:3128"),
                ("NO_PROXY", "127.0.0.1,localhost"),
            ]))
            .expect("valid environment");
        assert_eq!(config.region_name(), Some("ap-shanghai"));
        assert_eq!(
            config.proxy,
            ProxySetting::Explicit {
                https: Some("http://proxy.example:3128".into()),
                http: None,
                no_proxy: Some("127.0.0.1,localhost".into()),
            }
        );
        let untouched = config.clone().env(env(&[])).expect("empty environment");
        assert_eq!(untouched.region_name(), Some("ap-shanghai"));
    }

    #[test]
    fn a_bad_environment_value_names_its_variable() {
        let error = config()
            .env(env(&[("TENCENTCLOUD_REGION", "Ap Guangzhou")]))
            .expect_err("an invalid region");
        assert_eq!(
            error.to_string(),
            "invalid client configuration: environment variable TENCENTCLOUD_REGION: region `Ap Guangzhou`: expected lowercase letters, digits and `-`, like ap-guangzhou"
        );
        let error = config()
            .env(env(&[("HTTP_PROXY", "http://user:hunter2@[bad")]))
            .expect_err("an invalid proxy");
        let text = error.to_string();
        assert!(
            text.contains("environment variable HTTP_PROXY: proxy"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn proxy_passwords_stay_out_of_debug_output() {
        let config = config().proxy("http://user:hunter2@proxy.example:3128");
        let debug = format!("{config:?}");
        assert!(debug.contains("proxy.example:3128"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn the_root_domain_moves_only_its_own_hosts() {
        assert_eq!(
            with_root_domain("cvm.tencentcloudapi.com", "tencentcloudapi.woa.com"),
            "cvm.tencentcloudapi.woa.com"
        );
        assert_eq!(
            with_root_domain("cvm.ap-guangzhou.tencentcloudapi.com", "example.com"),
            "cvm.ap-guangzhou.example.com"
        );
        assert_eq!(
            with_root_domain("cvm.api.qcloud.com", "example.com"),
            "cvm.api.qcloud.com"
        );
        assert!(validate_root_domain("tencentcloudapi.com").is_ok());
        assert!(validate_root_domain("bad domain.com").is_err());
        assert!(validate_root_domain("com").is_err());
    }

    #[test]
    fn client_tokens_fill_only_empty_fields() {
        let mut json = serde_json::json!({"ClientToken": "", "A": 1});
        fill_client_token(&mut json, "ClientToken");
        let token = json["ClientToken"].as_str().expect("a token").to_owned();
        assert_eq!(token.len(), 36);
        assert_eq!(&token[14..15], "4");
        assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        let mut kept = serde_json::json!({"ClientToken": "mine"});
        fill_client_token(&mut kept, "ClientToken");
        assert_eq!(kept["ClientToken"], "mine");
        let mut missing = serde_json::json!({});
        fill_client_token(&mut missing, "ClientToken");
        assert_ne!(missing["ClientToken"].as_str(), Some(token.as_str()));
    }
}
