//! The default chain of credential sources.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::cache::{CachedProvider, Clock, SystemClock, DEFAULT_REFRESH_MARGIN};
use crate::cvm_role::{
    CvmRoleProvider, RoleLookup, DEFAULT_METADATA_CONNECT_TIMEOUT, DEFAULT_METADATA_ENDPOINT,
};
use crate::env::{bare, process_env, read_var, EnvLookup, EnvironmentProvider};
use crate::profile::{
    load_profile, user_credentials_file, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE, ENV_PROFILE,
    SYSTEM_CREDENTIALS_FILE,
};
use crate::sts::{AssumeRoleProvider, OidcRoleProvider, DEFAULT_DURATION, ENV_TKE_ROLE_ARN};
use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, ProvideCredentials, SharedCredentialsProvider, ENV_SECRET_ID,
    ENV_SECRET_KEY,
};
use tencentcloud_runtime::Error;

pub const ENV_ASSUME_ROLE_ARN: &str = "TENCENTCLOUD_ASSUME_ROLE_ARN";
pub const ENV_ASSUME_ROLE_SESSION_NAME: &str = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME";
pub const ENV_ASSUME_ROLE_SESSION_DURATION: &str = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION";

/// A role the chain assumes with the credentials it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub duration: Duration,
}

impl AssumeRoleSettings {
    pub fn new(role_arn: impl Into<String>) -> Self {
        AssumeRoleSettings {
            role_arn: role_arn.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
        }
    }
}

/// Settings of a [`DefaultCredentialsChain`]; every outside input (the
/// environment, file paths, service URLs, the clock) can be replaced.
#[derive(Clone)]
pub struct DefaultCredentialsChainBuilder {
    explicit: Option<Credentials>,
    lookup: EnvLookup,
    profile: Option<String>,
    system_profile_file: PathBuf,
    metadata_endpoint: Option<String>,
    metadata_connect_timeout: Duration,
    sts_endpoint: Option<String>,
    assume_role: Option<AssumeRoleSettings>,
    clock: Arc<dyn Clock>,
    refresh_margin: Duration,
}

impl DefaultCredentialsChainBuilder {
    /// Step 1: these credentials, before anything else.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// Where variables are read (`HOME` too); the process environment by default.
    pub fn env(mut self, lookup: EnvLookup) -> Self {
        self.lookup = lookup;
        self
    }

    /// The profile to read when `TENCENTCLOUD_PROFILE` is not set.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Replaces `/etc/tencentcloud/credentials`.
    pub fn system_profile_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.system_profile_file = path.into();
        self
    }

    /// Replaces the metadata service's `.../cam/security-credentials/` URL.
    pub fn metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        self.metadata_endpoint = Some(url.into());
        self
    }

    /// Skips step 4 (the metadata service).
    pub fn without_metadata(mut self) -> Self {
        self.metadata_endpoint = None;
        self
    }

    /// How long to wait for the metadata service to accept a connection
    /// (one second by default): off a CVM it never does.
    pub fn metadata_connect_timeout(mut self, timeout: Duration) -> Self {
        self.metadata_connect_timeout = timeout;
        self
    }

    /// Sends STS calls (steps 5 and 6) to this URL.
    pub fn sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// Step 5: assume this role with the credentials found.
    pub fn assume_role(mut self, settings: AssumeRoleSettings) -> Self {
        self.assume_role = Some(settings);
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How long before temporary credentials expire to refresh them.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    pub fn build(self) -> DefaultCredentialsChain {
        DefaultCredentialsChain {
            settings: self,
            chosen: tokio::sync::OnceCell::new(),
        }
    }
}

/// Finds credentials as the official SDKs do, when the caller does not
/// hand them over.
///
/// In order, the first source that is configured wins:
/// 1. credentials given to the builder;
/// 2. the environment: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`,
///    `TENCENTCLOUD_SESSION_TOKEN` (or tccli's `TENCENTCLOUD_TOKEN`);
/// 3. the profile file: `TENCENTCLOUD_CREDENTIALS_FILE`, else
///    `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`;
///    the profile `TENCENTCLOUD_PROFILE`, else `default`;
/// 4. the CAM role of the CVM instance, from the metadata service;
/// 5. a role to assume with STS `AssumeRole`: not a source of its own but a
///    layer. When a role is configured (builder, or
///    `TENCENTCLOUD_ASSUME_ROLE_ARN` with optional
///    `TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME` and
///    `TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION` seconds, the Terraform
///    provider's names), the credentials found by the other steps sign the
///    `AssumeRole` calls and the role's credentials are used;
/// 6. TKE OIDC: `TKE_REGION`, `TKE_PROVIDER_ID`,
///    `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN`.
///
/// A source that is absent (no variables, no file, no metadata service,
/// no role bound) passes to the next. A source that is present but broken
/// (one variable of a pair, an unreadable or malformed file, a missing
/// profile, a metadata service answering garbage, half the TKE variables)
/// stops the chain with an error naming it: falling through would quietly
/// use another identity. When nothing is found, the error lists every
/// source tried and why it did not apply.
///
/// The chain decides once, on the first call (concurrent first callers
/// share that), and then asks the chosen provider, which caches and
/// refreshes temporary credentials.
pub struct DefaultCredentialsChain {
    settings: DefaultCredentialsChainBuilder,
    chosen: tokio::sync::OnceCell<(SharedCredentialsProvider, String)>,
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the chain's search ended.
enum Found {
    Provider(SharedCredentialsProvider, String),
    /// Not here; why.
    Absent(String),
}

impl DefaultCredentialsChain {
    /// The chain over the process environment and the real metadata service.
    pub fn new() -> Self {
        Self::builder().build()
    }

    pub fn builder() -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder {
            explicit: None,
            lookup: process_env(),
            profile: None,
            system_profile_file: PathBuf::from(SYSTEM_CREDENTIALS_FILE),
            metadata_endpoint: Some(DEFAULT_METADATA_ENDPOINT.to_owned()),
            metadata_connect_timeout: DEFAULT_METADATA_CONNECT_TIMEOUT,
            sts_endpoint: None,
            assume_role: None,
            clock: Arc::new(SystemClock),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
        }
    }

    /// Which source the chain chose (e.g. `profile file /home/a/.tencentcloud/credentials [default]`),
    /// choosing it if not done yet. The description holds no secrets.
    pub async fn source(&self) -> Result<String, Error> {
        Ok(self.choose().await?.1)
    }

    fn cached<P: ProvideCredentials + 'static>(&self, provider: P) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(
            CachedProvider::new(provider)
                .clock(self.settings.clock.clone())
                .refresh_margin(self.settings.refresh_margin),
        )
    }

    async fn choose(&self) -> Result<(SharedCredentialsProvider, String), Error> {
        // Concurrent first callers share one search; a failed one is retried.
        self.chosen.get_or_try_init(|| self.search()).await.cloned()
    }

    async fn search(&self) -> Result<(SharedCredentialsProvider, String), Error> {
        let mut tried = Vec::new();
        let mut base = None;
        for step in 0..5 {
            let found = match step {
                0 => self.explicit()?,
                1 => self.environment()?,
                2 => self.profile_file()?,
                3 => self.metadata().await?,
                _ => self.tke_oidc()?,
            };
            match found {
                Found::Provider(provider, source) => {
                    base = Some((provider, source));
                    break;
                }
                Found::Absent(why) => tried.push(why),
            }
        }
        let role = self.role_settings()?;
        let Some((base, source)) = base else {
            let role_note = match &role {
                Some(role) => format!(" (so the role {} cannot be assumed)", role.role_arn),
                None => String::new(),
            };
            return Err(Error::Credentials(format!(
                "no credentials found{role_note}; tried: {}",
                tried.join("; ")
            )));
        };
        let (provider, source) = match role {
            None => (base, source),
            Some(role) => {
                let mut builder =
                    AssumeRoleProvider::builder(base, &role.role_arn).duration(role.duration);
                if let Some(name) = &role.session_name {
                    builder = builder.session_name(name);
                }
                if let Some(url) = &self.settings.sts_endpoint {
                    builder = builder.endpoint(url);
                }
                let source = format!("role {} assumed with {source}", role.role_arn);
                (self.cached(builder.build_uncached()?), source)
            }
        };
        tracing::debug!(source, "credentials chain chose its source");
        Ok((provider, source))
    }

    fn explicit(&self) -> Result<Found, Error> {
        match &self.settings.explicit {
            Some(credentials) => {
                credentials.validate().map_err(|e| {
                    Error::Credentials(format!("explicit credentials: {}", bare(e)))
                })?;
                Ok(Found::Provider(
                    SharedCredentialsProvider::new(credentials.clone()),
                    "explicit credentials".into(),
                ))
            }
            None => Ok(Found::Absent("explicit credentials: none given".into())),
        }
    }

    fn environment(&self) -> Result<Found, Error> {
        let env = EnvironmentProvider::with_lookup(self.settings.lookup.clone());
        Ok(match env.load()? {
            Some(credentials) => Found::Provider(
                SharedCredentialsProvider::new(credentials),
                "environment".into(),
            ),
            None => Found::Absent(format!(
                "environment: {ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set"
            )),
        })
    }

    fn profile_file(&self) -> Result<Found, Error> {
        let lookup = &self.settings.lookup;
        let chosen = read_var(lookup, ENV_PROFILE).or_else(|| self.settings.profile.clone());
        let profile = chosen.clone().unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
        let found = |path: &Path| -> Result<Found, Error> {
            let credentials = load_profile(path, &profile)?;
            Ok(Found::Provider(
                SharedCredentialsProvider::new(credentials),
                format!("profile file {} [{profile}]", path.display()),
            ))
        };
        // A file named on purpose must be there.
        if let Some(named) = lookup(ENV_CREDENTIALS_FILE) {
            if named.trim().is_empty() {
                return Err(Error::Credentials(format!(
                    "profile file: {ENV_CREDENTIALS_FILE} is set but empty"
                )));
            }
            return found(Path::new(named.trim()));
        }
        let home = read_var(lookup, "HOME").or_else(|| read_var(lookup, "USERPROFILE"));
        let mut candidates = Vec::new();
        if let Some(home) = home {
            candidates.push(user_credentials_file(Path::new(&home)));
        }
        candidates.push(self.settings.system_profile_file.clone());
        for path in &candidates {
            match std::fs::metadata(path) {
                Ok(_) => return found(path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::Credentials(format!(
                        "profile file {}: cannot read it: {e}",
                        path.display()
                    )))
                }
            }
        }
        let names: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        let why = format!(
            "{ENV_CREDENTIALS_FILE} is not set and {} do not exist",
            names.join(" and ")
        );
        // A profile named on purpose must not quietly become another identity.
        match chosen {
            Some(profile) => Err(Error::Credentials(format!(
                "profile file: profile `{profile}` was asked for, but {why}"
            ))),
            None => Ok(Found::Absent(format!("profile file: {why}"))),
        }
    }

    async fn metadata(&self) -> Result<Found, Error> {
        let Some(endpoint) = &self.settings.metadata_endpoint else {
            return Ok(Found::Absent(
                "CVM instance role: metadata service disabled".into(),
            ));
        };
        let provider = CvmRoleProvider::builder()
            .endpoint(endpoint)
            .connect_timeout(self.settings.metadata_connect_timeout)
            .build_uncached()?;
        match provider.lookup_role().await? {
            RoleLookup::Role(role) => {
                // The provider remembers the role it just looked up.
                let source = format!("CVM instance role {role} from {endpoint}");
                Ok(Found::Provider(self.cached(provider), source))
            }
            RoleLookup::NoRole => Ok(Found::Absent(format!(
                "CVM instance role: {endpoint} says no role is bound"
            ))),
            RoleLookup::Unreachable(why) => Ok(Found::Absent(format!(
                "CVM instance role: metadata service {endpoint} not reachable ({why})"
            ))),
        }
    }

    fn tke_oidc(&self) -> Result<Found, Error> {
        let Some(mut builder) = OidcRoleProvider::builder_from_env(&self.settings.lookup)? else {
            return Ok(Found::Absent(format!(
                "TKE OIDC: {ENV_TKE_ROLE_ARN} and the other TKE variables are not set"
            )));
        };
        if let Some(url) = &self.settings.sts_endpoint {
            builder = builder.endpoint(url);
        }
        let provider = builder.build_uncached()?;
        let source = format!("TKE OIDC role {}", provider.role_arn());
        Ok(Found::Provider(self.cached(provider), source))
    }

    fn role_settings(&self) -> Result<Option<AssumeRoleSettings>, Error> {
        if let Some(role) = &self.settings.assume_role {
            return Ok(Some(role.clone()));
        }
        let lookup = &self.settings.lookup;
        let Some(role_arn) = read_var(lookup, ENV_ASSUME_ROLE_ARN) else {
            return Ok(None);
        };
        let mut role = AssumeRoleSettings::new(role_arn);
        role.session_name = read_var(lookup, ENV_ASSUME_ROLE_SESSION_NAME);
        if let Some(text) = read_var(lookup, ENV_ASSUME_ROLE_SESSION_DURATION) {
            let seconds: u64 = text.parse().map_err(|_| {
                Error::Credentials(format!(
                    "{ENV_ASSUME_ROLE_SESSION_DURATION} `{}` is not a number of seconds",
                    text.escape_debug()
                ))
            })?;
            role.duration = Duration::from_secs(seconds);
        }
        Ok(Some(role))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let (provider, _) = self.choose().await?;
            provider.provide_credentials().await
        })
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chosen = self.chosen.get().map(|(_, source)| source);
        f.debug_struct("DefaultCredentialsChain")
            .field("settings", &self.settings)
            .field("chosen", &chosen)
            .finish()
    }
}

impl fmt::Debug for DefaultCredentialsChainBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Explicit credentials print through their redacting Debug.
        f.debug_struct("DefaultCredentialsChainBuilder")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("system_profile_file", &self.system_profile_file)
            .field("metadata_endpoint", &self.metadata_endpoint)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("assume_role", &self.assume_role)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}
