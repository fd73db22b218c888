//! One caching layer for every provider of temporary credentials: it hands
//! out the cached credentials until a margin before they expire, then asks
//! the inner provider once, however many callers are waiting.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tencentcloud_runtime::credentials::{BoxFuture, Credentials, ProvideCredentials};
use tencentcloud_runtime::Error;

/// Refresh this long before the credentials expire, so a request signed
/// just before the refresh still arrives in time.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The time the cache compares expiries against; replaceable in tests.
pub trait Clock: fmt::Debug + Send + Sync {
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Caches what `P` provides.
///
/// - Credentials without an expiry are kept for good.
/// - Credentials are refreshed once `now + margin` reaches their expiry.
/// - Concurrent callers share one refresh: the first takes the refresh lock
///   and asks `P`; the others wait on the lock and then find the new value.
/// - A failed refresh while the old credentials have not yet expired (they
///   are only inside the margin) returns the old ones and logs the error
///   (never the secrets), so a brief STS or metadata outage does not fail
///   calls that would still be signed validly. Once they have expired, the
///   error is returned.
pub struct CachedProvider<P> {
    inner: P,
    margin: Duration,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<Credentials>>,
    refresh: tokio::sync::Mutex<()>,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    pub fn new(inner: P) -> Self {
        CachedProvider {
            inner,
            margin: DEFAULT_REFRESH_MARGIN,
            clock: Arc::new(SystemClock),
            cached: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// How long before expiry to refresh (default five minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn inner(&self) -> &P {
        &self.inner
    }

    fn cached(&self) -> Option<Credentials> {
        self.cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn is_fresh(&self, credentials: &Credentials) -> bool {
        match credentials.expiry() {
            None => true,
            Some(expiry) => self
                .clock
                .now()
                .checked_add(self.margin)
                .is_some_and(|deadline| deadline < expiry),
        }
    }

    fn still_valid(&self, credentials: &Credentials) -> bool {
        match credentials.expiry() {
            None => true,
            Some(expiry) => self.clock.now() < expiry,
        }
    }

    async fn get(&self) -> Result<Credentials, Error> {
        if let Some(credentials) = self.cached().filter(|c| self.is_fresh(c)) {
            return Ok(credentials);
        }
        let _refreshing = self.refresh.lock().await;
        // Someone else may have refreshed while this caller waited.
        let previous = self.cached();
        if let Some(credentials) = previous.as_ref().filter(|c| self.is_fresh(c)) {
            return Ok(credentials.clone());
        }
        match self.inner.provide_credentials().await {
            Ok(fresh) => {
                *self.cached.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh.clone());
                Ok(fresh)
            }
            Err(error) => match previous.filter(|c| self.still_valid(c)) {
                Some(old) => {
                    tracing::warn!(
                        provider = ?self.inner,
                        %error,
                        "refreshing credentials failed; using the cached ones until they expire"
                    );
                    Ok(old)
                }
                None => Err(error),
            },
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedProvider<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.get())
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cached credentials' own Debug hides the key and token.
        let expiry = self
            .cached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(Credentials::expiry);
        f.debug_struct("CachedProvider")
            .field("inner", &self.inner)
            .field("margin", &self.margin)
            .field("cached_expiry", &expiry)
            .finish()
    }
}
