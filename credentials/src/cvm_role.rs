//! Temporary credentials of the CAM role bound to a CVM instance, from the
//! instance metadata service:
//!
//! - `GET <base>` answers the role's name (one line of text; 404 when no
//!   role is bound);
//! - `GET <base><role>` answers
//!   `{"TmpSecretId", "TmpSecretKey", "Token", "ExpiredTime", "Expiration", "Code": "Success"}`.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::cache::CachedProvider;
use tencentcloud_runtime::credentials::{BoxFuture, Credentials, ProvideCredentials};
use tencentcloud_runtime::error::body_snippet;
use tencentcloud_runtime::Error;

pub const DEFAULT_METADATA_ENDPOINT: &str =
    "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/";
/// Off a CVM the host does not answer; give up quickly.
pub const DEFAULT_METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(5);

/// What asking for the role's name found out.
#[derive(Debug)]
pub(crate) enum RoleLookup {
    Role(String),
    /// The service answered 404: no role is bound to this instance.
    NoRole,
    /// The service did not answer: probably not on a CVM.
    Unreachable(String),
}

#[derive(Debug, Clone)]
pub struct CvmRoleProvider {
    endpoint: String,
    /// Given, or learned from the first lookup: a role stays bound.
    role: Arc<Mutex<Option<String>>>,
    http: reqwest::Client,
}

/// Settings of a [`CvmRoleProvider`].
#[derive(Debug, Clone)]
pub struct CvmRoleProviderBuilder {
    endpoint: String,
    role: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl CvmRoleProviderBuilder {
    /// The `.../cam/security-credentials/` URL (a test's local stand-in).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// Skips asking the metadata service for the role's name.
    pub fn role(mut self, name: impl Into<String>) -> Self {
        self.role = Some(name.into());
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Each call asks the metadata service; see [`Self::build`] for the cached one.
    pub fn build_uncached(self) -> Result<CvmRoleProvider, Error> {
        let config = |why: String| Error::Config(format!("CVM role provider: {why}"));
        let url = reqwest::Url::parse(&self.endpoint)
            .map_err(|e| config(format!("metadata endpoint `{}`: {e}", self.endpoint)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(config(format!(
                "metadata endpoint `{}`: the scheme must be http or https",
                self.endpoint
            )));
        }
        if let Some(role) = &self.role {
            check_role_name(role).map_err(config)?;
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(config("timeouts must be longer than zero".into()));
        }
        let mut endpoint = self.endpoint;
        if !endpoint.ends_with('/') {
            endpoint.push('/');
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // The metadata service is local; never route it through a proxy.
            .no_proxy()
            .build()
            .map_err(|e| config(format!("cannot build the HTTP client: {e}")))?;
        Ok(CvmRoleProvider {
            endpoint,
            role: Arc::new(Mutex::new(self.role)),
            http,
        })
    }

    /// Cached: asks again a margin before the credentials expire.
    pub fn build(self) -> Result<CachedProvider<CvmRoleProvider>, Error> {
        Ok(CachedProvider::new(self.build_uncached()?))
    }
}

fn check_role_name(role: &str) -> Result<(), String> {
    let ok = !role.is_empty()
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "role name `{}` is not a CAM role name",
            role.escape_debug()
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentialsReply {
    tmp_secret_id: Option<String>,
    tmp_secret_key: Option<String>,
    token: Option<String>,
    expired_time: Option<i64>,
    expiration: Option<String>,
    code: Option<String>,
}

impl CvmRoleProvider {
    pub fn builder() -> CvmRoleProviderBuilder {
        CvmRoleProviderBuilder {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            role: None,
            connect_timeout: DEFAULT_METADATA_CONNECT_TIMEOUT,
            timeout: DEFAULT_METADATA_TIMEOUT,
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn known_role(&self) -> Option<String> {
        self.role
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn failed(&self, url: &str, why: impl fmt::Display) -> Error {
        Error::Credentials(format!("CVM instance role: metadata service {url}: {why}"))
    }

    /// Asks for the name of the role bound to the instance.
    pub(crate) async fn lookup_role(&self) -> Result<RoleLookup, Error> {
        if let Some(role) = self.known_role() {
            return Ok(RoleLookup::Role(role));
        }
        let url = &self.endpoint;
        let response = match self.http.get(url).send().await {
            Ok(response) => response,
            Err(e) => return Ok(RoleLookup::Unreachable(describe(&e))),
        };
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(RoleLookup::NoRole);
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| self.failed(url, format!("reading the reply: {}", describe(&e))))?;
        if status != 200 {
            return Err(self.failed(
                url,
                format!("HTTP {status} for the role name: {}", body_snippet(&body)),
            ));
        }
        let text = String::from_utf8_lossy(&body);
        let role = text.lines().next().unwrap_or_default().trim().to_owned();
        check_role_name(&role).map_err(|why| self.failed(url, why))?;
        *self.role.lock().unwrap_or_else(PoisonError::into_inner) = Some(role.clone());
        Ok(RoleLookup::Role(role))
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        let role = match self.lookup_role().await? {
            RoleLookup::Role(role) => role,
            RoleLookup::NoRole => {
                return Err(self.failed(&self.endpoint, "no CAM role is bound to this instance"))
            }
            RoleLookup::Unreachable(why) => {
                return Err(self.failed(&self.endpoint, format!("not reachable: {why}")))
            }
        };
        let url = format!("{}{role}", self.endpoint);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| self.failed(&url, describe(&e)))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.failed(&url, format!("reading the reply: {}", describe(&e))))?;
        if status != 200 {
            // An error body carries no credentials.
            return Err(self.failed(&url, format!("HTTP {status}: {}", body_snippet(&body))));
        }
        // The body holds secrets: errors describe it, never quote it.
        let reply: RoleCredentialsReply = serde_json::from_slice(&body).map_err(|e| {
            self.failed(
                &url,
                format!(
                    "the reply is not the credentials JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if let Some(code) = reply.code.as_deref().filter(|c| *c != "Success") {
            return Err(self.failed(
                &url,
                format!("the reply's Code is `{}`", code.escape_debug()),
            ));
        }
        let missing = |field: &str| self.failed(&url, format!("the reply has no {field}"));
        let id = reply
            .tmp_secret_id
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("TmpSecretId"))?;
        let key = reply
            .tmp_secret_key
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("TmpSecretKey"))?;
        let token = reply
            .token
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("Token"))?;
        let expiry = expiry_of(reply.expired_time, reply.expiration.as_deref())
            .map_err(|why| self.failed(&url, why))?;
        let credentials = Credentials::new(id, key)
            .with_token(token)
            .with_expiry(expiry);
        credentials
            .validate()
            .map_err(|e| self.failed(&url, crate::env::bare(e)))?;
        tracing::debug!(role, "fetched CVM role credentials");
        Ok(credentials)
    }
}

/// Tencent's temporary credentials last 12 hours at most (STS's 43,200 s):
/// an expiry more than a week away is a unit error (milliseconds), which
/// would keep the credentials cached long after they expire.
const FURTHEST_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The expiry from `ExpiredTime` (Unix seconds), else `Expiration` (RFC 3339).
pub(crate) fn expiry_of(
    expired_time: Option<i64>,
    expiration: Option<&str>,
) -> Result<SystemTime, String> {
    let (what, seconds) = match expired_time {
        Some(seconds) => (format!("ExpiredTime {seconds}"), seconds),
        None => {
            let text = expiration.ok_or("the reply has neither ExpiredTime nor Expiration")?;
            let what = format!("Expiration `{}`", text.escape_debug());
            let format = &time::format_description::well_known::Rfc3339;
            let parsed = time::OffsetDateTime::parse(text, format)
                .map_err(|e| format!("{what} is not an RFC 3339 time: {e}"))?;
            (what, parsed.unix_timestamp())
        }
    };
    let seconds = u64::try_from(seconds).map_err(|_| format!("{what} is before 1970"))?;
    let furthest = SystemTime::now() + FURTHEST_EXPIRY;
    UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .filter(|expiry| *expiry <= furthest)
        .ok_or_else(|| format!("{what} is more than a week away (Unix seconds expected)"))
}

/// A transport error's chain of causes, without the URL (named separately).
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.fetch())
    }
}
