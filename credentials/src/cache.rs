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
/// - Credentials are refreshed once `now + margin` reaches their expiry;
///   for credentials that last less than twice the margin, the margin is
///   half their lifetime, so that short-lived ones are still cached.
/// - Concurrent callers share one refresh: the first takes the refresh lock
///   and asks `P`; the others wait on the lock and then take its outcome,
///   the new credentials or its failure, without asking `P` again.
/// - A failed refresh while the old credentials have not yet expired (they
///   are only inside the margin) returns the old ones and logs the error
///   (never the secrets), so a brief STS or metadata outage does not fail
///   calls that would still be signed validly. Once they have expired, the
///   error is returned.
pub struct CachedProvider<P> {
    inner: P,
    margin: Duration,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Clone, Default)]
struct State {
    /// The credentials and when they were fetched.
    cached: Option<(Credentials, SystemTime)>,
    /// Refresh attempts so far: a caller that waited on the lock sees
    /// whether one ran meanwhile.
    attempts: u64,
    /// Why the last attempt failed, if it did.
    failure: Option<String>,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    pub fn new(inner: P) -> Self {
        CachedProvider {
            inner,
            margin: DEFAULT_REFRESH_MARGIN,
            clock: Arc::new(SystemClock),
            state: Mutex::new(State::default()),
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

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached credentials, if they need no refresh yet.
    fn fresh(&self, state: &State) -> Option<Credentials> {
        let (credentials, fetched) = state.cached.as_ref()?;
        let Some(expiry) = credentials.expiry() else {
            return Some(credentials.clone());
        };
        let lifetime = expiry.duration_since(*fetched).unwrap_or_default();
        let margin = self.margin.min(lifetime / 2);
        let deadline = self.clock.now().checked_add(margin)?;
        (deadline < expiry).then(|| credentials.clone())
    }

    /// The cached credentials, if they have not expired.
    fn still_valid(&self, state: &State) -> Option<Credentials> {
        let (credentials, _) = state.cached.as_ref()?;
        match credentials.expiry() {
            Some(expiry) if self.clock.now() >= expiry => None,
            _ => Some(credentials.clone()),
        }
    }

    async fn get(&self) -> Result<Credentials, Error> {
        let seen = {
            let state = self.state();
            if let Some(credentials) = self.fresh(&state) {
                return Ok(credentials);
            }
            state.attempts
        };
        let _refreshing = self.refresh.lock().await;
        let state = self.state().clone();
        // Someone else refreshed while this caller waited: take the outcome.
        if let Some(credentials) = self.fresh(&state) {
            return Ok(credentials);
        }
        if let (true, Some(why)) = (state.attempts != seen, &state.failure) {
            return self
                .still_valid(&state)
                .ok_or_else(|| Error::Credentials(why.clone()));
        }
        let outcome = self.inner.provide_credentials().await;
        let mut state = self.state();
        state.attempts += 1;
        match outcome {
            Ok(fresh) => {
                state.cached = Some((fresh.clone(), self.clock.now()));
                state.failure = None;
                Ok(fresh)
            }
            Err(error) => {
                state.failure = Some(match &error {
                    Error::Credentials(why) => why.clone(),
                    other => other.to_string(),
                });
                match self.still_valid(&state) {
                    Some(old) => {
                        tracing::warn!(
                            provider = ?self.inner,
                            %error,
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        Ok(old)
                    }
                    None => Err(error),
                }
            }
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
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cached
            .as_ref()
            .map(|(credentials, _)| credentials.expiry());
        f.debug_struct("CachedProvider")
            .field("inner", &self.inner)
            .field("margin", &self.margin)
            .field("cached_expiry", &expiry)
            .finish()
    }
}
