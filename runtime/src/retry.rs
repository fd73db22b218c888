//! When and how long to wait before sending a failed call again:
//! exponential backoff with full jitter, bounded in attempts and total time.

use std::time::Duration;

use crate::error::{Error, RetryKind, SendState};

/// Retry settings of a client. The default retries up to 3 attempts within
/// 30 seconds; [`RetryConfig::disabled`] sends every call once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts per call, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// No attempt starts later than this after the call began (the waits
    /// count; an attempt in flight is bounded by the request timeout).
    pub max_elapsed: Duration,
    /// The first backoff cap; it doubles each attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The first backoff cap after a throttling reply, larger because the
    /// quota windows are a second or a minute long (capped by `max_backoff`).
    pub throttle_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            max_elapsed: Duration::from_secs(30),
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            throttle_backoff: Duration::from_secs(1),
        }
    }
}

impl RetryConfig {
    /// Every call is sent once.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The first backoff cap and the largest one.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_backoff = base;
        self.max_backoff = max;
        self
    }

    pub fn throttle_backoff(mut self, base: Duration) -> Self {
        self.throttle_backoff = base;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("retry: max_attempts must be at least 1".into());
        }
        if self.base_backoff > self.max_backoff {
            return Err("retry: base_backoff must not exceed max_backoff".into());
        }
        Ok(())
    }

    /// The wait before attempt `next` (2 for the first retry): `unit` of a
    /// cap that doubles each attempt ("full jitter", so that many clients
    /// do not retry in step).
    fn backoff_for(&self, next: u32, kind: RetryKind, unit: f64) -> Duration {
        let base = match kind {
            RetryKind::Throttled => self.throttle_backoff,
            _ => self.base_backoff,
        };
        let doublings = next.saturating_sub(2).min(20);
        let cap = base.saturating_mul(1 << doublings).min(self.max_backoff);
        cap.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryAfter(Duration),
    /// Return the error: why, for the trace.
    Stop(&'static str),
}

/// Decides on a retry after attempt `attempt` failed with `error`, `elapsed`
/// after the call began. `idempotent`: sending the action twice is harmless
/// (it reads, or carries a `ClientToken`).
///
/// An error whose request was [not sent](SendState::NotSent) (a connection
/// that never opened) and a throttling reply are always retried; one that
/// was sent without a reply (reset, timeout) or answered with an internal
/// error or a 5xx only when the action is idempotent; the others never.
pub fn decide(
    config: &RetryConfig,
    error: &Error,
    attempt: u32,
    elapsed: Duration,
    idempotent: bool,
    unit: f64,
) -> Decision {
    let kind = error.retry_kind();
    if kind == RetryKind::Never {
        return Decision::Stop("not retryable");
    }
    if error.send_state() != SendState::NotSent && kind != RetryKind::Throttled && !idempotent {
        return Decision::Stop("may have taken effect and the action is not idempotent");
    }
    if attempt >= config.max_attempts {
        return Decision::Stop("attempts exhausted");
    }
    let wait = config.backoff_for(attempt + 1, kind, unit);
    if elapsed.saturating_add(wait) >= config.max_elapsed {
        return Decision::Stop("time budget exhausted");
    }
    Decision::RetryAfter(wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Phase;
    use crate::ApiError;

    fn api(code: &str) -> Error {
        ApiError {
            action: "A".into(),
            code: code.into(),
            message: String::new(),
            request_id: None,
            code_desc: None,
            http_status: 200,
        }
        .into()
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitters_below_it() {
        let config =
            RetryConfig::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        let full = |next| config.backoff_for(next, RetryKind::Ambiguous, 1.0);
        assert_eq!(full(2), Duration::from_millis(100));
        assert_eq!(full(3), Duration::from_millis(200));
        assert_eq!(full(4), Duration::from_millis(350));
        assert_eq!(full(60), Duration::from_millis(350));
        assert_eq!(
            config.backoff_for(3, RetryKind::Ambiguous, 0.5),
            Duration::from_millis(100)
        );
        assert_eq!(
            config.backoff_for(3, RetryKind::Ambiguous, 0.0),
            Duration::ZERO
        );
    }

    #[test]
    fn decisions_respect_kind_idempotency_and_bounds() {
        let config = RetryConfig::default();
        let zero = Duration::ZERO;
        assert_eq!(
            decide(&config, &api("InvalidParameter"), 1, zero, true, 1.0),
            Decision::Stop("not retryable")
        );
        // A throttled call did nothing: retried even when not idempotent.
        assert_eq!(
            decide(&config, &api("RequestLimitExceeded"), 1, zero, false, 1.0),
            Decision::RetryAfter(config.throttle_backoff)
        );
        assert!(matches!(
            decide(&config, &api("InternalError"), 1, zero, false, 1.0),
            Decision::Stop(_)
        ));
        assert_eq!(
            decide(&config, &api("InternalError"), 1, zero, true, 1.0),
            Decision::RetryAfter(config.base_backoff)
        );
        assert_eq!(
            decide(&config, &api("InternalError"), 3, zero, true, 1.0),
            Decision::Stop("attempts exhausted")
        );
        assert_eq!(
            decide(
                &config,
                &api("InternalError"),
                1,
                Duration::from_secs(30),
                true,
                0.0
            ),
            Decision::Stop("time budget exhausted")
        );
        // A timeout before any byte left is retried for any action; one
        // after the request left only for idempotent ones.
        let timeout = |phase| Error::Timeout {
            action: "A".into(),
            phase,
            after: Duration::from_secs(1),
            status: None,
        };
        assert_eq!(
            decide(&config, &timeout(Phase::Connect), 1, zero, false, 1.0),
            Decision::RetryAfter(config.base_backoff)
        );
        assert!(matches!(
            decide(&config, &timeout(Phase::Send), 1, zero, false, 1.0),
            Decision::Stop(_)
        ));
        assert_eq!(
            decide(&config, &timeout(Phase::Send), 1, zero, true, 1.0),
            Decision::RetryAfter(config.base_backoff)
        );
        assert_eq!(
            decide(&config, &Error::Config("x".into()), 1, zero, true, 1.0),
            Decision::Stop("not retryable")
        );
        assert_eq!(
            decide(
                &RetryConfig::disabled(),
                &api("RequestLimitExceeded"),
                1,
                zero,
                true,
                1.0
            ),
            Decision::Stop("attempts exhausted")
        );
    }
}
