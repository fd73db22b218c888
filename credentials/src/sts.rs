//! Temporary credentials from STS (`sts` 2018-08-13), through the generated
//! `tencentcloud-sts` crate: `AssumeRole`, signed with source credentials by
//! its client, and `AssumeRoleWithWebIdentity`, the TKE OIDC exchange, whose
//! generated request is sent unsigned (`Authorization: SKIP`) because the
//! web identity token is the proof.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tencentcloud_runtime::client::{decode_reply, ClientConfig, SigningContext};
use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, ProvideCredentials, SharedCredentialsProvider,
};
use tencentcloud_runtime::Error;
use tencentcloud_sts::v20180813::{
    output, AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithWebIdentityRequest,
    AssumeRoleWithWebIdentityResponse, Client, SERVICE,
};

use crate::cache::CachedProvider;
use crate::cvm_role::{describe, expiry_of};
use crate::env::{bare, read_var, EnvLookup};

/// STS is global; the official SDKs send this region.
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";
pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);
/// STS refuses longer sessions.
pub const MAX_DURATION: Duration = Duration::from_secs(43200);
pub const DEFAULT_STS_TIMEOUT: Duration = Duration::from_secs(10);

pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";
pub const ENV_TKE_REGION: &str = "TKE_REGION";

fn default_session_name() -> String {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    format!("tencentcloud-rs-{micros}")
}

fn check_duration(duration: Duration) -> Result<(), String> {
    if duration < Duration::from_secs(1) || duration > MAX_DURATION {
        return Err(format!(
            "the session duration must be 1 to {} seconds, not {}",
            MAX_DURATION.as_secs(),
            duration.as_secs()
        ));
    }
    Ok(())
}

fn check_text(what: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    Ok(())
}

/// Reads the credentials out of an STS reply. Errors describe what is
/// wrong and never quote the reply, which holds secrets.
fn credentials_from_reply(
    credentials: Option<&output::Credentials>,
    expired_time: Option<i64>,
    expiration: Option<&str>,
) -> Result<Credentials, String> {
    let credentials = credentials.ok_or("the reply has no Credentials object")?;
    let text = |value: &Option<String>, field: &str| match value.as_deref() {
        Some("") => Err(format!("the reply's {field} is empty")),
        Some(text) => Ok(text.to_owned()),
        None => Err(format!("the reply has no {field}")),
    };
    let expiry = expiry_of(expired_time, expiration)?;
    let result = Credentials::new(
        text(&credentials.tmp_secret_id, "TmpSecretId")?,
        text(&credentials.tmp_secret_key, "TmpSecretKey")?,
    )
    .with_token(text(&credentials.token, "Token")?)
    .with_expiry(expiry);
    result.validate().map_err(bare)?;
    Ok(result)
}

/// A failed STS call, without the body snippet a decode error carries: a
/// success body may hold new credentials.
fn call_error(error: Error) -> String {
    match error {
        Error::Decode {
            status, message, ..
        } => format!(
            "cannot decode the reply (HTTP {status}): {}",
            without_values(&message)
        ),
        other => bare(other),
    }
}

/// serde's "invalid type: integer `5`, expected a string" quotes the value
/// it found, which in an STS reply may be a secret: keep only its kind.
fn without_values(message: &str) -> String {
    for lead in ["invalid type: ", "invalid value: "] {
        if let (Some(start), Some(end)) = (message.find(lead), message.find(", expected")) {
            let found = &message[start + lead.len()..end.max(start + lead.len())];
            let kind = found.split([' ', '`', '"']).next().unwrap_or_default();
            return format!("{}{lead}{kind}{}", &message[..start], &message[end..]);
        }
    }
    message.to_owned()
}

/// Assumes a CAM role with source credentials (`sts:AssumeRole`).
#[derive(Debug, Clone)]
pub struct AssumeRoleProvider {
    client: Client,
    /// Where requests go, for errors.
    target: String,
    role_arn: String,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
}

/// Settings of an [`AssumeRoleProvider`].
#[derive(Debug, Clone)]
pub struct AssumeRoleProviderBuilder {
    source: SharedCredentialsProvider,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
    region: String,
    endpoint: Option<String>,
    timeout: Duration,
}

impl AssumeRoleProvider {
    /// `source` signs the AssumeRole calls; `role_arn` is
    /// `qcs::cam::uin/<owner>:roleName/<name>`.
    pub fn builder(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
    ) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            source: SharedCredentialsProvider::new(source),
            role_arn: role_arn.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            policy: None,
            external_id: None,
            region: DEFAULT_STS_REGION.to_owned(),
            endpoint: None,
            timeout: DEFAULT_STS_TIMEOUT,
        }
    }

    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        let failed = |why: String| {
            Error::Credentials(format!(
                "STS AssumeRole of {} at {}: {why}",
                self.role_arn, self.target
            ))
        };
        let mut request = AssumeRoleRequest::new(&self.role_arn, &self.session_name)
            .with_duration_seconds(self.duration.as_secs());
        request.policy = self.policy.clone();
        request.external_id = self.external_id.clone();
        let AssumeRoleResponse {
            credentials,
            expired_time,
            expiration,
            ..
        } = self
            .client
            .assume_role(request)
            .await
            .map_err(|e| failed(call_error(e)))?;
        let credentials =
            credentials_from_reply(credentials.as_ref(), expired_time, expiration.as_deref())
                .map_err(failed)?;
        tracing::debug!(role_arn = %self.role_arn, "assumed role");
        Ok(credentials)
    }
}

impl AssumeRoleProviderBuilder {
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the credentials last (default two hours, at most twelve).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// A policy narrowing the role's permissions, as STS takes it.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Sends the calls to this URL instead of `https://sts.tencentcloudapi.com/`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Each call asks STS; see [`Self::build`] for the cached one.
    pub fn build_uncached(self) -> Result<AssumeRoleProvider, Error> {
        let config = |why: String| Error::Config(format!("STS AssumeRole: {why}"));
        check_text("the role ARN", &self.role_arn).map_err(config)?;
        check_duration(self.duration).map_err(config)?;
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        check_text("the session name", &session_name).map_err(config)?;
        let mut client_config = ClientConfig::new(Credentials::new("unused", "unused"))
            .credentials_provider(self.source)
            .region(self.region)
            .timeout(self.timeout);
        let target = match &self.endpoint {
            Some(url) => url.clone(),
            None => format!("https://{}{}", SERVICE.host, SERVICE.path),
        };
        if let Some(url) = self.endpoint {
            client_config = client_config.endpoint(url);
        }
        let client = Client::new(client_config).map_err(|e| config(e.to_string()))?;
        Ok(AssumeRoleProvider {
            client,
            target,
            role_arn: self.role_arn,
            session_name,
            duration: self.duration,
            policy: self.policy,
            external_id: self.external_id,
        })
    }

    /// Cached: assumes the role again a margin before the credentials expire.
    pub fn build(self) -> Result<CachedProvider<AssumeRoleProvider>, Error> {
        Ok(CachedProvider::new(self.build_uncached()?))
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.fetch())
    }
}

#[derive(Clone)]
pub struct OidcRoleProvider {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
    duration: Duration,
    url: String,
    authority: String,
    http: reqwest::Client,
}

impl fmt::Debug for OidcRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Holds no secret (the token stays in its file), but list fields by
        // hand so one added later is not printed by accident.
        f.debug_struct("OidcRoleProvider")
            .field("region", &self.region)
            .field("provider_id", &self.provider_id)
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .field("url", &self.url)
            .finish()
    }
}

/// Settings of an [`OidcRoleProvider`].
#[derive(Debug, Clone)]
pub struct OidcRoleProviderBuilder {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    endpoint: Option<String>,
    timeout: Duration,
}

impl OidcRoleProvider {
    pub fn builder(
        region: impl Into<String>,
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
    ) -> OidcRoleProviderBuilder {
        OidcRoleProviderBuilder {
            region: region.into(),
            provider_id: provider_id.into(),
            token_file: token_file.into(),
            role_arn: role_arn.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            endpoint: None,
            timeout: DEFAULT_STS_TIMEOUT,
        }
    }

    /// From the variables TKE sets in a pod: `TKE_REGION`, `TKE_PROVIDER_ID`,
    /// `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN`. `Ok(None)` when none is
    /// set; an error naming the missing ones when only some are.
    pub fn builder_from_env(lookup: &EnvLookup) -> Result<Option<OidcRoleProviderBuilder>, Error> {
        let names = [
            ENV_TKE_REGION,
            ENV_TKE_PROVIDER_ID,
            ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
            ENV_TKE_ROLE_ARN,
        ];
        let values: Vec<Option<String>> = names.iter().map(|n| read_var(lookup, n)).collect();
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        match values.as_slice() {
            [Some(region), Some(provider), Some(file), Some(role)] => Ok(Some(
                OidcRoleProvider::builder(region, provider, file, role),
            )),
            _ => Err(Error::Credentials(format!(
                "TKE OIDC: {} set but {} not",
                names
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| v.is_some())
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
                missing.join(", ")
            ))),
        }
    }

    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    fn failed(&self, why: impl fmt::Display) -> Error {
        Error::Credentials(format!(
            "TKE OIDC: AssumeRoleWithWebIdentity of {} at {}: {why}",
            self.role_arn, self.url
        ))
    }

    async fn fetch(&self) -> Result<Credentials, Error> {
        const ACTION: &str = "AssumeRoleWithWebIdentity";
        let token = std::fs::read_to_string(&self.token_file).map_err(|e| {
            Error::Credentials(format!(
                "TKE OIDC: cannot read the web identity token file {}: {e}",
                self.token_file.display()
            ))
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::Credentials(format!(
                "TKE OIDC: the web identity token file {} is empty",
                self.token_file.display()
            )));
        }
        let request = AssumeRoleWithWebIdentityRequest::new(
            &self.provider_id,
            token,
            &self.role_arn,
            &self.session_name,
        )
        .with_duration_seconds(i64::try_from(self.duration.as_secs()).unwrap_or(i64::MAX));
        let body = serde_json::to_vec(&request)
            .map_err(|e| self.failed(format!("cannot encode the request: {e}")))?;
        let timestamp = SigningContext::now().timestamp;
        let response = self
            .http
            .post(&self.url)
            .header("Authorization", "SKIP")
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Host", &self.authority)
            .header("X-TC-Action", ACTION)
            .header("X-TC-Version", SERVICE.version)
            .header("X-TC-Region", &self.region)
            .header("X-TC-Timestamp", timestamp.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| self.failed(describe(&e)))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.failed(format!("reading the reply: {}", describe(&e))))?;
        let AssumeRoleWithWebIdentityResponse {
            credentials,
            expired_time,
            expiration,
            ..
        } = decode_reply(SERVICE.family, ACTION, status, &bytes)
            .map_err(|e| self.failed(call_error(e)))?;
        // Past i64 is out of range either way; expiry_of says so.
        let expired_time = expired_time.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
        let credentials =
            credentials_from_reply(credentials.as_ref(), expired_time, expiration.as_deref())
                .map_err(|why| self.failed(why))?;
        tracing::debug!(role_arn = %self.role_arn, "assumed role with web identity");
        Ok(credentials)
    }
}

impl OidcRoleProviderBuilder {
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Sends the exchange to this URL instead of `https://sts.tencentcloudapi.com/`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn build_uncached(self) -> Result<OidcRoleProvider, Error> {
        let config = |why: String| Error::Config(format!("TKE OIDC: {why}"));
        check_text("the region", &self.region).map_err(config)?;
        check_text("the provider id", &self.provider_id).map_err(config)?;
        check_text("the role ARN", &self.role_arn).map_err(config)?;
        check_duration(self.duration).map_err(config)?;
        if self.timeout.is_zero() {
            return Err(config("the timeout must be longer than zero".into()));
        }
        let url = self
            .endpoint
            .unwrap_or_else(|| format!("https://{}{}", SERVICE.host, SERVICE.path));
        let parsed =
            reqwest::Url::parse(&url).map_err(|e| config(format!("endpoint `{url}`: {e}")))?;
        let host = match (parsed.scheme(), parsed.host_str()) {
            ("http" | "https", Some(host)) => host.to_owned(),
            _ => {
                return Err(config(format!(
                    "endpoint `{url}`: expected an http(s) URL with a host"
                )))
            }
        };
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| config(format!("cannot build the HTTP client: {e}")))?;
        Ok(OidcRoleProvider {
            region: self.region,
            provider_id: self.provider_id,
            token_file: self.token_file,
            role_arn: self.role_arn,
            session_name: self.session_name.unwrap_or_else(default_session_name),
            duration: self.duration,
            url,
            authority,
            http,
        })
    }

    pub fn build(self) -> Result<CachedProvider<OidcRoleProvider>, Error> {
        Ok(CachedProvider::new(self.build_uncached()?))
    }
}

impl ProvideCredentials for OidcRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn decode_messages_keep_the_kind_of_a_value_but_not_the_value() {
        assert_eq!(
            without_values("invalid type: integer `5`, expected a string at line 1 column 9"),
            "invalid type: integer, expected a string at line 1 column 9"
        );
        assert_eq!(
            without_values("invalid type: string \"AKIDsecret\", expected i64"),
            "invalid type: string, expected i64"
        );
        assert_eq!(without_values("EOF while parsing"), "EOF while parsing");
    }
}
