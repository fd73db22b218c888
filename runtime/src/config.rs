//! Configuration: [`ClientConfig`], a plain builder, and its checks
//! against a service. Reading settings from the environment is
//! `tencentcloud-credentials`' job (`config_from_env`, `env_settings`).

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{ProvideCredentials, SharedCredentialsProvider};
use crate::error::Error;
use crate::limit::{LimitConfig, Limiter};
use crate::retry::RetryConfig;
use crate::service::{HttpMethod, ServiceInfo, SigningMethod};

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

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest reply body a client reads by default: far above any real
/// reply, low enough that a broken or hostile endpoint cannot exhaust memory.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;
pub(crate) const USER_AGENT: &str = concat!("tencentcloud-rs/", env!("CARGO_PKG_VERSION"));
/// Sent as `X-TC-RequestClient` (TC3) or `RequestClient` (v1, API 3.0).
pub const DEFAULT_REQUEST_CLIENT: &str = concat!("SDK_RUST_", env!("CARGO_PKG_VERSION"));
/// The domain the service hosts are under.
pub const DEFAULT_ROOT_DOMAIN: &str = "tencentcloudapi.com";
/// The root domain of Tencent Cloud International ([`ClientConfig::international`]).
pub const INTERNATIONAL_ROOT_DOMAIN: &str = "intl.tencentcloudapi.com";

/// Where the client sends requests through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProxySetting {
    /// HTTPS_PROXY, HTTP_PROXY and NO_PROXY of the process, read by the HTTP client.
    System,
    None,
    /// `https` / `http`: proxies by scheme; `no_proxy`: hosts to reach directly.
    Explicit {
        https: Option<ProxyUrl>,
        http: Option<ProxyUrl>,
        no_proxy: Option<String>,
    },
}

/// A proxy URL. It may carry a password: Debug shows it redacted.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxyUrl(pub String);

impl std::fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&redact_url(&self.0), f)
    }
}

/// Settings of a client. Everything but the credentials is optional; the
/// service's defaults apply.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub(crate) credentials: SharedCredentialsProvider,
    pub(crate) region: Option<String>,
    pub(crate) signing_method: Option<SigningMethod>,
    pub(crate) http_method: Option<HttpMethod>,
    pub(crate) language: Option<Language>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) endpoint: Option<String>,
    pub(crate) regional_endpoint: bool,
    pub(crate) root_domain: String,
    pub(crate) proxy: ProxySetting,
    pub(crate) request_client: String,
    pub(crate) retry: RetryConfig,
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) log_bodies: bool,
    pub(crate) max_reply_bytes: usize,
    pub(crate) fill_client_token: bool,
    extensions: Extensions,
}

/// Settings for crates that extend the client, such as
/// `tencentcloud-stream`'s `StreamConfig`: at most one value of each type.
#[derive(Clone, Default)]
struct Extensions(Vec<Arc<dyn Any + Send + Sync>>);

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Extensions({})", self.0.len())
    }
}

impl ClientConfig {
    /// `credentials` is fixed [`Credentials`](crate::Credentials) or any provider of them.
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
            extensions: Extensions::default(),
        }
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
    /// Anything else makes [`Client::new`](crate::Client::new) fail with [`Error::Config`].
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The domain the service hosts are under, `tencentcloudapi.com` by
    /// default: `cvm.tencentcloudapi.com` becomes `cvm.<root_domain>`.
    /// Hosts of other domains (API 2.0's `cvm.api.qcloud.com`) stay.
    /// Lowercased: the host is signed as the HTTP client sends it.
    pub fn root_domain(mut self, domain: impl Into<String>) -> Self {
        self.root_domain = domain.into().to_ascii_lowercase();
        self
    }

    /// Tencent Cloud International, as tccli-intl-en configures it: the same as
    /// `root_domain("intl.tencentcloudapi.com")`; `false` goes back to the default.
    pub fn international(self, on: bool) -> Self {
        self.root_domain(match on {
            true => INTERNATIONAL_ROOT_DOMAIN,
            false => DEFAULT_ROOT_DOMAIN,
        })
    }

    /// Sends every request through this proxy URL.
    pub fn proxy(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.proxies(Some(url.clone()), Some(url), None)
    }

    /// Sends https requests through `https` and http ones through `http`
    /// (`None`: directly), except to the hosts of `no_proxy`, a
    /// comma-separated list as `NO_PROXY` takes it.
    pub fn proxies(
        mut self,
        https: Option<String>,
        http: Option<String>,
        no_proxy: Option<String>,
    ) -> Self {
        self.proxy = ProxySetting::Explicit {
            https: https.map(ProxyUrl),
            http: http.map(ProxyUrl),
            no_proxy,
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

    /// Logs request params and reply bodies at TRACE level, and keeps a
    /// success reply's body in [`Error::Decode`]. Off by default: they can
    /// hold personal data and secrets. Signatures, keys and tokens of the
    /// request are never logged.
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

    /// Sets a setting of a crate that extends the client (e.g.
    /// `tencentcloud-stream`'s `StreamConfig`), replacing one of its type.
    pub fn extension<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.extensions.0.retain(|other| !other.is::<T>());
        self.extensions.0.push(Arc::new(value));
        self
    }

    /// The extension setting of type `T`, if one was set.
    pub fn get_extension<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.extensions
            .0
            .iter()
            .find_map(|value| value.downcast_ref())
    }

    /// The whole-attempt timeout ([`ClientConfig::timeout`]).
    pub fn request_timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest reply body read ([`ClientConfig::max_reply_bytes`]).
    pub fn reply_limit(&self) -> usize {
        self.max_reply_bytes
    }

    /// Whether params and bodies are traced ([`ClientConfig::log_bodies`]).
    pub fn logs_bodies(&self) -> bool {
        self.log_bodies
    }

    /// Checks every setting against what `service` accepts, and picks the
    /// signing and HTTP methods.
    pub(crate) fn check(
        &self,
        service: &ServiceInfo,
    ) -> Result<(SigningMethod, HttpMethod), Error> {
        self.credentials.check()?;
        let signing_method = self
            .signing_method
            .unwrap_or(service.default_signing_method);
        if !service.signing_methods.contains(&signing_method) {
            return Err(Error::Config(format!(
                "{} {} does not accept the signing method {signing_method:?}",
                service.service, service.version
            )));
        }
        let http_method = match self.http_method {
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
        if let Some(region) = &self.region {
            validate_region(region).map_err(Error::Config)?;
        }
        if self.timeout.is_zero() || self.connect_timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::Config(
                "the timeouts must be longer than zero".into(),
            ));
        }
        self.retry.validate().map_err(Error::Config)?;
        self.limiter.config().validate().map_err(Error::Config)?;
        validate_root_domain(&self.root_domain).map_err(Error::Config)?;
        if self.request_client.is_empty()
            || !self.request_client.chars().all(|c| c.is_ascii_graphic())
            || self.request_client.len() > 128
        {
            return Err(Error::Config(format!(
                "request client `{}`: expected 1 to 128 visible ASCII characters",
                self.request_client
            )));
        }
        Ok((signing_method, http_method))
    }
}

/// The check [`Client::new`](crate::Client::new) runs on the region, for
/// loaders that name where a value came from.
pub fn validate_region(region: &str) -> Result<(), String> {
    if !is_label(region, 64, |c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Err(format!(
            "region `{region}`: expected lowercase letters, digits and `-`, like ap-guangzhou"
        ));
    }
    Ok(())
}

fn validate_root_domain(domain: &str) -> Result<(), String> {
    let label = |label: &str| is_label(label, 63, |c| c.is_ascii_alphanumeric());
    if domain.len() > 253 || !domain.contains('.') || !domain.split('.').all(label) {
        return Err(format!(
            "root domain `{domain}`: expected a DNS name like tencentcloudapi.com"
        ));
    }
    Ok(())
}

/// 1 to `max` characters that are `allowed` or `-`, with no `-` at either
/// end: a DNS label, which a region also has to be.
fn is_label(text: &str, max: usize, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text.chars().all(|c| c == '-' || allowed(c))
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// The check [`Client::new`](crate::Client::new) runs on a proxy URL; the
/// message shows the URL without its password.
pub fn validate_proxy(url: &str) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    fn config() -> ClientConfig {
        ClientConfig::new(Credentials::new("AKIDtest", "key"))
    }

    #[test]
    fn proxy_passwords_stay_out_of_debug_output() {
        let config = config().proxy("http://user:hunter2@proxy.example:3128");
        let debug = format!("{config:?}");
        assert!(debug.contains("proxy.example:3128"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn root_domains_are_dns_names() {
        assert!(validate_root_domain("tencentcloudapi.com").is_ok());
        assert!(validate_root_domain("bad domain.com").is_err());
        assert!(validate_root_domain("com").is_err());
        // Signed as the HTTP client sends the host: lowercase.
        let config = config().root_domain("TencentCloudAPI.woa.COM");
        assert_eq!(config.root_domain, "tencentcloudapi.woa.com");
    }
}
