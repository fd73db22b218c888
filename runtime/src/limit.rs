//! Client-side quota limiting: token buckets per account and per action,
//! so that scripts stay within the API's documented call quotas instead of
//! failing with `RequestLimitExceeded`.
//!
//! A bucket holds up to `burst` tokens and refills at `per_second`; a call
//! takes one token from its action's bucket and, where there is one, its
//! account's bucket. The defaults keep any window of the quota's length
//! within the quota: burst + rate × window = quota.
//!
//! A throttling reply halves the bucket's rate; it then climbs back to the
//! configured rate in a straight line over [`LimitConfig::recovery`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::service::Family;

/// A bucket's refill rate and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: u32,
}

impl Rate {
    /// `calls` a second on average, up to `burst` at once.
    pub const fn per_second(calls: f64, burst: u32) -> Rate {
        Rate {
            per_second: calls,
            burst,
        }
    }

    fn validate(&self, what: &str) -> Result<(), String> {
        if !(self.per_second.is_finite() && self.per_second > 0.0) || self.burst == 0 {
            return Err(format!(
                "rate limit {what}: the rate must be positive and the burst at least 1"
            ));
        }
        Ok(())
    }
}

/// API 3.0: many actions allow 20 calls a second.
pub const API3_ACTION_DEFAULT: Rate = Rate::per_second(15.0, 5);
/// API 2.0: at most 100 calls a minute per action…
pub const API2_ACTION_DEFAULT: Rate = Rate::per_second(90.0 / 60.0, 10);
/// …and 1,000 a minute per account.
pub const API2_ACCOUNT_DEFAULT: Rate = Rate::per_second(950.0 / 60.0, 50);

/// Rate limit settings. The default follows the documented quotas of each
/// API family; [`LimitConfig::disabled`] turns limiting off.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitConfig {
    enabled: bool,
    per_action: Option<Rate>,
    /// `None`: the family's default; `Some(None)`: no account bucket.
    per_account: Option<Option<Rate>>,
    actions: BTreeMap<String, Rate>,
    recovery: Duration,
}

impl Default for LimitConfig {
    fn default() -> Self {
        LimitConfig {
            enabled: true,
            per_action: None,
            per_account: None,
            actions: BTreeMap::new(),
            recovery: Duration::from_secs(10),
        }
    }
}

impl LimitConfig {
    pub fn disabled() -> Self {
        LimitConfig {
            enabled: false,
            ..LimitConfig::default()
        }
    }

    /// The rate of every action without its own setting.
    pub fn per_action(mut self, rate: Rate) -> Self {
        self.per_action = Some(rate);
        self
    }

    /// The rate of all calls of one account to one service; `None` for no limit.
    pub fn per_account(mut self, rate: Option<Rate>) -> Self {
        self.per_account = Some(rate);
        self
    }

    /// The rate of one action.
    pub fn action(mut self, name: impl Into<String>, rate: Rate) -> Self {
        self.actions.insert(name.into(), rate);
        self
    }

    /// How long a throttled bucket takes to climb back to its rate.
    pub fn recovery(mut self, recovery: Duration) -> Self {
        self.recovery = recovery;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(rate) = &self.per_action {
            rate.validate("per action")?;
        }
        if let Some(Some(rate)) = &self.per_account {
            rate.validate("per account")?;
        }
        for (name, rate) in &self.actions {
            rate.validate(&format!("of action `{name}`"))?;
        }
        Ok(())
    }

    fn action_rate(&self, family: Family, action: &str) -> Rate {
        self.actions
            .get(action)
            .or(self.per_action.as_ref())
            .copied()
            .unwrap_or(match family {
                Family::Api3 => API3_ACTION_DEFAULT,
                Family::Api2 => API2_ACTION_DEFAULT,
            })
    }

    fn account_rate(&self, family: Family) -> Option<Rate> {
        self.per_account.unwrap_or(match family {
            Family::Api3 => None,
            Family::Api2 => Some(API2_ACCOUNT_DEFAULT),
        })
    }
}

/// A bucket's state, for inspection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketState {
    pub tokens: f64,
    /// The current refill rate, lowered after a throttling reply.
    pub per_second: f64,
}

#[derive(Debug)]
struct Bucket {
    rate: Rate,
    tokens: f64,
    updated: Instant,
    /// The lowered rate and when it was set, after a throttling reply.
    slowed: Option<(f64, Instant)>,
}

impl Bucket {
    fn new(rate: Rate, now: Instant) -> Bucket {
        Bucket {
            rate,
            tokens: f64::from(rate.burst),
            updated: now,
            slowed: None,
        }
    }

    /// The rate climbs back from the slowed one in a straight line.
    fn current_rate(&self, now: Instant, recovery: Duration) -> f64 {
        let nominal = self.rate.per_second;
        match self.slowed {
            Some((slowed, since)) if now - since < recovery => {
                let progress = (now - since).as_secs_f64() / recovery.as_secs_f64();
                slowed + (nominal - slowed) * progress
            }
            _ => nominal,
        }
    }

    fn refill(&mut self, now: Instant, recovery: Duration) {
        let elapsed = (now - self.updated).as_secs_f64();
        let rate = self.current_rate(now, recovery);
        self.tokens = (self.tokens + elapsed * rate).min(f64::from(self.rate.burst));
        self.updated = now;
        if matches!(self.slowed, Some((_, since)) if now - since >= recovery) {
            self.slowed = None;
        }
    }

    /// How long until a token is there.
    fn wait(&self, now: Instant, recovery: Duration) -> Duration {
        let missing = 1.0 - self.tokens;
        if missing <= 0.0 {
            return Duration::ZERO;
        }
        // A rate so low that the wait overflows a Duration waits "forever".
        Duration::try_from_secs_f64(missing / self.current_rate(now, recovery))
            .unwrap_or(Duration::MAX)
    }

    /// Full and not slowed: the same as a new bucket.
    fn settled(&self) -> bool {
        self.slowed.is_none() && self.tokens >= f64::from(self.rate.burst)
    }

    fn slow_down(&mut self, now: Instant, recovery: Duration) {
        let floor = self.rate.per_second / 16.0;
        let halved = (self.current_rate(now, recovery) / 2.0).max(floor);
        self.slowed = Some((halved, now));
        self.tokens = self.tokens.min(0.0);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    account: String,
    service: &'static str,
    /// `None` for the account's bucket.
    action: Option<String>,
}

/// The buckets of every account and action; shared by the clients built
/// from one [`crate::ClientConfig`].
pub struct Limiter {
    config: LimitConfig,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl std::fmt::Debug for Limiter {
    // The buckets can be many; their count is enough in a config's Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let buckets = self.buckets.lock().map_or(0, |b| b.len());
        f.debug_struct("Limiter")
            .field("config", &self.config)
            .field("buckets", &buckets)
            .finish()
    }
}

impl Limiter {
    pub fn new(config: LimitConfig) -> Limiter {
        Limiter {
            config,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &LimitConfig {
        &self.config
    }

    fn keys(
        &self,
        family: Family,
        account: &str,
        service: &'static str,
        action: &str,
    ) -> Vec<(Key, Rate)> {
        let key = |action: Option<&str>| Key {
            account: account.to_owned(),
            service,
            action: action.map(str::to_owned),
        };
        let mut keys = vec![(key(Some(action)), self.config.action_rate(family, action))];
        keys.extend(
            self.config
                .account_rate(family)
                .map(|rate| (key(None), rate)),
        );
        keys
    }

    /// Waits until the call may go out and takes its tokens. Dropping the
    /// future before it finishes takes nothing: tokens are only taken in
    /// the step that returns.
    pub async fn acquire(
        &self,
        family: Family,
        account: &str,
        service: &'static str,
        action: &str,
    ) {
        if !self.config.enabled {
            return;
        }
        let keys = self.keys(family, account, service, action);
        loop {
            let wait = self.try_take(&keys);
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a token from every bucket if all have one; otherwise the
    /// longest wait until they do.
    fn try_take(&self, keys: &[(Key, Rate)]) -> Duration {
        let recovery = self.config.recovery;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if keys.iter().any(|(key, _)| !buckets.contains_key(key)) {
            // Settled buckets go before a new one comes, so that the buckets
            // of rotated temporary keys and of actions no longer called do
            // not pile up.
            buckets.retain(|_, bucket| {
                bucket.refill(now, recovery);
                !bucket.settled()
            });
        }
        let mut wait = Duration::ZERO;
        for (key, rate) in keys {
            let bucket = buckets
                .entry(key.clone())
                .or_insert_with(|| Bucket::new(*rate, now));
            bucket.refill(now, recovery);
            wait = wait.max(bucket.wait(now, recovery));
        }
        if wait.is_zero() {
            for (key, _) in keys {
                if let Some(bucket) = buckets.get_mut(key) {
                    bucket.tokens -= 1.0;
                }
            }
        }
        wait
    }

    /// A throttling reply: slows the action's bucket down, and the account's
    /// too when the code says the account's quota ran out.
    pub fn throttled(
        &self,
        family: Family,
        account: &str,
        service: &'static str,
        action: &str,
        code: &str,
    ) {
        if !self.config.enabled {
            return;
        }
        let account_wide = code.contains("Uin") || code == "4400";
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, rate) in self.keys(family, account, service, action) {
            if key.action.is_none() && !account_wide {
                continue;
            }
            let bucket = buckets.entry(key).or_insert_with(|| Bucket::new(rate, now));
            bucket.refill(now, self.config.recovery);
            bucket.slow_down(now, self.config.recovery);
        }
    }

    /// The state of an action's bucket (`action: None`: the account's).
    pub fn bucket_state(
        &self,
        account: &str,
        service: &str,
        action: Option<&str>,
    ) -> Option<BucketState> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let (_, bucket) = buckets.iter_mut().find(|(key, _)| {
            key.account == account && key.service == service && key.action.as_deref() == action
        })?;
        bucket.refill(now, self.config.recovery);
        Some(BucketState {
            tokens: bucket.tokens,
            per_second: bucket.current_rate(now, self.config.recovery),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "AKIDaccount";

    fn limiter(rate: Rate) -> Limiter {
        Limiter::new(LimitConfig::default().per_action(rate).per_account(None))
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_and_the_rest_at_the_rate() {
        let limiter = limiter(Rate::per_second(10.0, 3));
        let start = Instant::now();
        for _ in 0..3 {
            limiter
                .acquire(Family::Api3, ACCOUNT, "cvm", "DescribeZones")
                .await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        for _ in 0..5 {
            limiter
                .acquire(Family::Api3, ACCOUNT, "cvm", "DescribeZones")
                .await;
        }
        // Five more tokens at 10 a second take half a second.
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(500) && elapsed < Duration::from_millis(510),
            "{elapsed:?}"
        );
        // Another action has its own bucket.
        let before = Instant::now();
        limiter
            .acquire(Family::Api3, ACCOUNT, "cvm", "DescribeRegions")
            .await;
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn settled_buckets_are_dropped_when_a_new_one_comes() {
        let limiter = limiter(Rate::per_second(10.0, 2));
        let state = |account: &str| limiter.bucket_state(account, "cvm", Some("A"));
        limiter.acquire(Family::Api3, "AKIDold", "cvm", "A").await;
        limiter
            .acquire(Family::Api3, "AKIDslowed", "cvm", "A")
            .await;
        limiter.throttled(
            Family::Api3,
            "AKIDslowed",
            "cvm",
            "A",
            "RequestLimitExceeded",
        );
        // Refilled, but nothing new came: both stay.
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(state("AKIDold").is_some() && state("AKIDslowed").is_some());
        // A rotated key's first call drops the full bucket, not the slowed one.
        limiter.acquire(Family::Api3, "AKIDnew", "cvm", "A").await;
        assert_eq!(state("AKIDold"), None);
        assert!(state("AKIDslowed").is_some() && state("AKIDnew").is_some());
        // A dropped bucket comes back full.
        let before = Instant::now();
        for _ in 0..2 {
            limiter.acquire(Family::Api3, "AKIDold", "cvm", "A").await;
        }
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_too_low_for_a_duration_waits_without_panicking() {
        let limiter = limiter(Rate::per_second(1e-30, 1));
        limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A").await;
        let waiting = limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A");
        assert!(tokio::time::timeout(Duration::from_secs(3600), waiting)
            .await
            .is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_wait_takes_no_token() {
        let limiter = limiter(Rate::per_second(1.0, 1));
        limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A").await;
        let waiting = limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A");
        assert!(tokio::time::timeout(Duration::from_millis(300), waiting)
            .await
            .is_err());
        let state = limiter
            .bucket_state(ACCOUNT, "cvm", Some("A"))
            .expect("the bucket exists");
        // 0.3 s at 1/s refilled 0.3 tokens, and the cancelled wait took none.
        assert!((state.tokens - 0.3).abs() < 1e-6, "{state:?}");
        let before = Instant::now();
        limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A").await;
        assert_eq!(before.elapsed(), Duration::from_millis(700));
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_halves_the_rate_and_it_recovers() {
        let limiter = Limiter::new(
            LimitConfig::default()
                .per_action(Rate::per_second(8.0, 1))
                .per_account(Some(Rate::per_second(100.0, 100)))
                .recovery(Duration::from_secs(10)),
        );
        limiter.acquire(Family::Api3, ACCOUNT, "cvm", "A").await;
        limiter.throttled(Family::Api3, ACCOUNT, "cvm", "A", "RequestLimitExceeded");
        let state = limiter
            .bucket_state(ACCOUNT, "cvm", Some("A"))
            .expect("bucket");
        assert_eq!(state.per_second, 4.0);
        // The plain code leaves the account's bucket alone.
        let account = limiter
            .bucket_state(ACCOUNT, "cvm", None)
            .expect("account bucket");
        assert_eq!(account.per_second, 100.0);
        limiter.throttled(
            Family::Api3,
            ACCOUNT,
            "cvm",
            "A",
            "RequestLimitExceeded.UinLimitExceeded",
        );
        assert_eq!(
            limiter
                .bucket_state(ACCOUNT, "cvm", Some("A"))
                .expect("bucket")
                .per_second,
            2.0
        );
        assert_eq!(
            limiter
                .bucket_state(ACCOUNT, "cvm", None)
                .expect("bucket")
                .per_second,
            50.0
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        // Halfway through the recovery: halfway back from 2 to 8.
        let half = limiter
            .bucket_state(ACCOUNT, "cvm", Some("A"))
            .expect("bucket")
            .per_second;
        assert!((half - 5.0).abs() < 1e-9, "{half}");
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(
            limiter
                .bucket_state(ACCOUNT, "cvm", Some("A"))
                .expect("bucket")
                .per_second,
            8.0
        );
    }

    #[test]
    fn the_defaults_keep_each_window_within_the_quota() {
        let within = |rate: Rate, window: f64, quota: f64| {
            f64::from(rate.burst) + rate.per_second * window <= quota + 1e-9
        };
        assert!(within(API3_ACTION_DEFAULT, 1.0, 20.0));
        assert!(within(API2_ACTION_DEFAULT, 60.0, 100.0));
        assert!(within(API2_ACCOUNT_DEFAULT, 60.0, 1000.0));
        let config = LimitConfig::default();
        assert_eq!(config.action_rate(Family::Api2, "X"), API2_ACTION_DEFAULT);
        assert_eq!(config.account_rate(Family::Api3), None);
        assert!(LimitConfig::default()
            .per_action(Rate::per_second(0.0, 1))
            .validate()
            .is_err());
    }
}
