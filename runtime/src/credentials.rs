//! Credentials: a SecretId, a SecretKey and an optional session token,
//! and the trait of the providers that supply them to a client. The
//! providers themselves (environment, profile file, CVM role, OIDC, STS
//! AssumeRole, the default chain) live in `tencentcloud-credentials`.
//! The key and the token never appear in Debug output, errors or logs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use crate::Error;

/// A boxed future, so that providers can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of credentials. The client asks before signing each request, so
/// a provider of temporary credentials should cache them and refresh them
/// before they expire.
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>>;

    /// Checks what can be checked before the first call (e.g. fixed
    /// credentials with whitespace), so `Client::new` fails early.
    fn check(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// Long-term credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }

    fn check(&self) -> Result<(), Error> {
        self.validate()
    }
}

/// A provider shared by the clones of a client.
#[derive(Debug, Clone)]
pub struct SharedCredentialsProvider(Arc<dyn ProvideCredentials>);

impl SharedCredentialsProvider {
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        SharedCredentialsProvider(Arc::new(provider))
    }

    pub fn from_arc(provider: Arc<dyn ProvideCredentials>) -> Self {
        SharedCredentialsProvider(provider)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        self.0.provide_credentials()
    }

    fn check(&self) -> Result<(), Error> {
        self.0.check()
    }
}

/// Environment variables the official SDKs read.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// The token variable of the tccli command-line tool, read as a fallback.
pub const ENV_TOKEN_TCCLI: &str = "TENCENTCLOUD_TOKEN";

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    /// When temporary credentials stop working; `None` for long-term ones.
    expiry: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
            expiry: None,
        }
    }

    /// Adds the session token of temporary (STS) credentials.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Marks temporary credentials with the moment they expire.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, when
    /// set, `TENCENTCLOUD_SESSION_TOKEN` (or tccli's `TENCENTCLOUD_TOKEN`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`], reading from any source of variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let read = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &str| {
            read(name).ok_or_else(|| Error::Credentials(format!("{name} is not set or empty")))
        };
        let mut credentials = Credentials::new(required(ENV_SECRET_ID)?, required(ENV_SECRET_KEY)?);
        credentials.token = read(ENV_SESSION_TOKEN).or_else(|| read(ENV_TOKEN_TCCLI));
        Ok(credentials)
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// Checks that the parts can go into a signature and a header: visible
    /// ASCII only, and no quotes in the keys (a value copied with its
    /// quotes, or a non-UTF-8 variable read lossily, fails here, not as an
    /// `AuthFailure` from the service).
    pub fn validate(&self) -> Result<(), Error> {
        let parts = [
            ("SecretId", Some(&self.secret_id), true),
            ("SecretKey", Some(&self.secret_key), true),
            ("session token", self.token.as_ref(), false),
        ];
        for (name, value, key) in parts {
            let bad = |v: &String| {
                v.is_empty()
                    || !v.bytes().all(|b| b.is_ascii_graphic())
                    || (key && v.contains(['"', '\'']))
            };
            if value.is_some_and(bad) {
                return Err(Error::Credentials(format!(
                    "the {name} is empty or contains whitespace, control, non-ASCII or quote characters"
                )));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("expiry", &self.expiry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_key_and_token() {
        let c = Credentials::new("AKIDexample", "very-secret-key").with_token("session-token-xyz");
        let debug = format!("{c:?}");
        assert!(debug.contains("AKIDexample"));
        assert!(!debug.contains("very-secret-key"));
        assert!(!debug.contains("session-token-xyz"));
    }

    #[test]
    fn reads_the_official_variables() {
        let env = |name: &str| match name {
            "TENCENTCLOUD_SECRET_ID" => Some("id".to_owned()),
            "TENCENTCLOUD_SECRET_KEY" => Some(" key ".to_owned()),
            "TENCENTCLOUD_SESSION_TOKEN" => Some("tok".to_owned()),
            _ => None,
        };
        let c = Credentials::from_lookup(env).expect("all variables are set");
        assert_eq!(
            (c.secret_id(), c.secret_key(), c.token()),
            ("id", "key", Some("tok"))
        );
    }

    #[test]
    fn falls_back_to_the_tccli_token_variable() {
        let env = |name: &str| match name {
            "TENCENTCLOUD_SECRET_ID" => Some("id".to_owned()),
            "TENCENTCLOUD_SECRET_KEY" => Some("key".to_owned()),
            "TENCENTCLOUD_TOKEN" => Some("tccli-token".to_owned()),
            _ => None,
        };
        let c = Credentials::from_lookup(env).expect("all variables are set");
        assert_eq!(c.token(), Some("tccli-token"));
    }

    #[test]
    fn missing_variable_is_named_without_leaking_values() {
        let env = |name: &str| (name == ENV_SECRET_KEY).then(|| "hidden-key".to_owned());
        let err = Credentials::from_lookup(env).expect_err("the id is missing");
        let text = err.to_string();
        assert!(text.contains("TENCENTCLOUD_SECRET_ID"), "{text}");
        assert!(!text.contains("hidden-key"));
    }

    #[test]
    fn rejects_keys_with_whitespace() {
        assert!(Credentials::new("id", "a b").validate().is_err());
        assert!(Credentials::new("", "k").validate().is_err());
        assert!(Credentials::new("id", "k").validate().is_ok());
    }
}
