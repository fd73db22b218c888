//! Credentials from environment variables, read through a replaceable
//! lookup so tests never touch the process environment.

use std::fmt;
use std::sync::Arc;

use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, ProvideCredentials, ENV_SECRET_ID, ENV_SECRET_KEY,
};
use tencentcloud_runtime::Error;

/// Reads one variable; `std::env::var` by default.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment. A value that is not UTF-8 is read lossily
/// (with U+FFFD), so that it fails the checks it meets (a key's, a file's
/// path) with an error instead of counting as unset and letting another
/// source win.
pub fn process_env() -> EnvLookup {
    Arc::new(|name| std::env::var_os(name).map(|value| value.to_string_lossy().into_owned()))
}

/// A variable's trimmed value, `None` when unset or blank.
pub(crate) fn read_var(lookup: &EnvLookup, name: &str) -> Option<String> {
    lookup(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and the session
/// token (`TENCENTCLOUD_SESSION_TOKEN`, else tccli's `TENCENTCLOUD_TOKEN`),
/// read on every call.
#[derive(Clone)]
pub struct EnvironmentProvider {
    lookup: EnvLookup,
}

impl EnvironmentProvider {
    pub fn new() -> Self {
        EnvironmentProvider {
            lookup: process_env(),
        }
    }

    pub fn with_lookup(lookup: EnvLookup) -> Self {
        EnvironmentProvider { lookup }
    }

    /// `Ok(None)` when neither the id nor the key is set: the environment
    /// does not hold credentials. Only one of them set, or a malformed
    /// value, is an error.
    pub fn load(&self) -> Result<Option<Credentials>, Error> {
        if read_var(&self.lookup, ENV_SECRET_ID).is_none()
            && read_var(&self.lookup, ENV_SECRET_KEY).is_none()
        {
            return Ok(None);
        }
        let context = |e: Error| Error::Credentials(format!("environment: {}", bare(e)));
        let credentials = Credentials::from_lookup(|name| (self.lookup)(name)).map_err(context)?;
        credentials.validate().map_err(context)?;
        Ok(Some(credentials))
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvironmentProvider")
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let result = self.load().and_then(|found| {
            found.ok_or_else(|| {
                Error::Credentials(format!(
                    "environment: {ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set"
                ))
            })
        });
        Box::pin(async move { result })
    }
}

/// The message of a credentials error without its `credentials: ` prefix,
/// for wrapping it in a message that names the source.
pub(crate) fn bare(error: Error) -> String {
    match error {
        Error::Credentials(message) => message,
        other => other.to_string(),
    }
}
