//! Polling until resources reach a state, shared by every generated waiter.
//!
//! A waiter is declared in the spec (`waiters.json`): which action to poll,
//! which reply field holds each resource's state, and acceptors saying which
//! states (or a missing resource, or an error code) mean success, failure or
//! "keep polling". The generated `wait_until_*` methods call [`wait`] with a
//! closure that polls once and returns each resource's id and state.

use std::future::Future;
use std::time::Duration;

use crate::error::Error;

/// What an acceptor looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matcher {
    /// The resource's state field equals this.
    State(&'static str),
    /// The reply does not list the resource.
    Absent,
    /// The call failed with this API error code.
    ErrorCode(&'static str),
}

/// What a match means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Retry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptor {
    pub matcher: Matcher,
    pub outcome: Outcome,
}

/// A waiter as the spec declares it. Anything no acceptor matches is
/// polled again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterSpec {
    /// `InstancesRunning`.
    pub name: &'static str,
    /// The action polled.
    pub action: &'static str,
    pub acceptors: &'static [Acceptor],
    pub default_interval: Duration,
    pub default_timeout: Duration,
}

/// How often and how long to poll; unset values take the waiter's defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaiterConfig {
    interval: Option<Duration>,
    timeout: Option<Duration>,
}

impl WaiterConfig {
    pub fn new() -> Self {
        WaiterConfig::default()
    }

    /// The pause between two polls.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// How long to keep polling before [`WaitError::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// One resource as a poll saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub id: String,
    /// `None` when the reply has no state for it.
    pub state: Option<String>,
}

/// Why a wait did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// A resource reached a state (or the call an error code) from which
    /// the awaited state cannot follow, e.g. `LAUNCH_FAILED`.
    #[error("waiter {waiter}: `{id}` reached the failure state {state}")]
    FailureState {
        waiter: &'static str,
        id: String,
        state: String,
    },
    /// The timeout passed first; `last` is what the last poll saw of each
    /// resource still pending (`None`: not listed).
    #[error(
        "waiter {waiter}: timed out after {attempts} polls in {elapsed:?}; still pending: {last:?}"
    )]
    Timeout {
        waiter: &'static str,
        elapsed: Duration,
        attempts: u32,
        last: Vec<(String, Option<String>)>,
    },
    /// A poll failed with an error no acceptor expects.
    #[error("waiter {waiter}: {source}")]
    Api {
        waiter: &'static str,
        #[source]
        source: Error,
    },
}

/// Where one resource stands after a poll.
fn judge(spec: &WaiterSpec, observed: Option<&Observed>) -> Outcome {
    spec.acceptors
        .iter()
        .find(|a| match (a.matcher, observed) {
            (Matcher::Absent, None) => true,
            (Matcher::State(want), Some(seen)) => seen.state.as_deref() == Some(want),
            _ => false,
        })
        .map_or(Outcome::Retry, |a| a.outcome)
}

/// The most ids one poll asks about: Tencent's Describe actions take at
/// most 100 ids a request (`InstanceIds`, documented for DescribeInstances
/// and DescribeInstancesStatus), and as many replies per page.
pub const MAX_IDS_PER_POLL: usize = 100;

/// Polls until every one of `ids` is accepted as a success, one fails, or
/// the timeout passes. `poll` calls the action once for the ids it is
/// given, at most [`MAX_IDS_PER_POLL`] of them: more ids take several
/// calls a round.
pub async fn wait<F, Fut>(
    spec: &'static WaiterSpec,
    config: WaiterConfig,
    ids: &[String],
    mut poll: F,
) -> Result<(), WaitError>
where
    F: FnMut(&[String]) -> Fut,
    Fut: Future<Output = Result<Vec<Observed>, Error>>,
{
    if ids.is_empty() {
        return Err(WaitError::Api {
            waiter: spec.name,
            source: Error::Config("a waiter needs at least one id".into()),
        });
    }
    let interval = config.interval.unwrap_or(spec.default_interval);
    let timeout = config.timeout.unwrap_or(spec.default_timeout);
    let started = tokio::time::Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let mut pending = Vec::new();
        for chunk in ids.chunks(MAX_IDS_PER_POLL) {
            let error = match poll(chunk).await {
                Ok(observed) => {
                    for id in chunk {
                        let seen = observed.iter().find(|o| &o.id == id);
                        let state = seen.and_then(|s| s.state.clone());
                        match judge(spec, seen) {
                            Outcome::Success => {}
                            Outcome::Failure => {
                                return Err(WaitError::FailureState {
                                    waiter: spec.name,
                                    id: id.clone(),
                                    state: state.unwrap_or_else(|| "absent".into()),
                                })
                            }
                            Outcome::Retry => pending.push((id.clone(), state)),
                        }
                    }
                    continue;
                }
                Err(error) => error,
            };
            // An error code an acceptor names decides for the ids polled.
            let code = error.code().map(str::to_owned);
            let acceptor = spec.acceptors.iter().find(
                |a| matches!(a.matcher, Matcher::ErrorCode(want) if code.as_deref() == Some(want)),
            );
            match (acceptor.map(|a| a.outcome), code) {
                (Some(Outcome::Success), _) => {}
                (Some(Outcome::Failure), Some(code)) => {
                    return Err(WaitError::FailureState {
                        waiter: spec.name,
                        id: chunk.join(","),
                        state: code,
                    })
                }
                (Some(Outcome::Retry), code) => {
                    pending.extend(chunk.iter().map(|id| (id.clone(), code.clone())))
                }
                _ => {
                    return Err(WaitError::Api {
                        waiter: spec.name,
                        source: error,
                    })
                }
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        let elapsed = started.elapsed();
        if elapsed >= timeout {
            return Err(WaitError::Timeout {
                waiter: spec.name,
                elapsed,
                attempts,
                last: pending,
            });
        }
        tokio::time::sleep(interval.min(timeout - elapsed)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RUNNING: WaiterSpec = WaiterSpec {
        name: "Running",
        action: "Describe",
        acceptors: &[
            Acceptor {
                matcher: Matcher::State("RUNNING"),
                outcome: Outcome::Success,
            },
            Acceptor {
                matcher: Matcher::State("LAUNCH_FAILED"),
                outcome: Outcome::Failure,
            },
            Acceptor {
                matcher: Matcher::ErrorCode("Busy"),
                outcome: Outcome::Retry,
            },
        ],
        default_interval: Duration::from_millis(1),
        default_timeout: Duration::from_secs(5),
    };

    fn seen(id: &str, state: &str) -> Observed {
        Observed {
            id: id.into(),
            state: Some(state.into()),
        }
    }

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn every_id_must_succeed_and_retry_errors_are_polled_again() {
        let ids = vec!["a".to_owned(), "b".to_owned()];
        let mut replies = vec![
            Ok(vec![seen("a", "RUNNING"), seen("b", "RUNNING")]),
            Ok(vec![seen("a", "RUNNING")]),
            Err(Error::from(crate::ApiError {
                action: "Describe".into(),
                code: "Busy".into(),
                message: String::new(),
                request_id: None,
                code_desc: None,
                http_status: 200,
            })),
            Ok(vec![seen("a", "RUNNING"), seen("b", "PENDING")]),
        ];
        let mut polls = 0;
        let result = block_on(wait(&RUNNING, WaiterConfig::new(), &ids, |_| {
            polls += 1;
            std::future::ready(replies.pop().expect("no more polls than replies"))
        }));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(polls, 4);
    }

    #[test]
    fn a_failure_state_names_the_id() {
        let ids = vec!["a".to_owned()];
        let result = block_on(wait(&RUNNING, WaiterConfig::new(), &ids, |_| {
            std::future::ready(Ok(vec![seen("a", "LAUNCH_FAILED")]))
        }));
        match result {
            Err(WaitError::FailureState { id, state, .. }) => {
                assert_eq!((id.as_str(), state.as_str()), ("a", "LAUNCH_FAILED"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unexpected_errors_and_empty_ids_are_api_errors() {
        let ids = vec!["a".to_owned()];
        let result = block_on(wait(&RUNNING, WaiterConfig::new(), &ids, |_| {
            std::future::ready(Err(Error::Config("down".into())))
        }));
        assert!(matches!(result, Err(WaitError::Api { .. })), "{result:?}");
        let result = block_on(wait(&RUNNING, WaiterConfig::new(), &[], |_| {
            std::future::ready(Ok(Vec::new()))
        }));
        assert!(matches!(result, Err(WaitError::Api { .. })), "{result:?}");
    }

    #[test]
    fn more_ids_than_one_poll_takes_are_polled_in_chunks() {
        let ids: Vec<String> = (0..250).map(|n| format!("ins-{n}")).collect();
        let mut asked = Vec::new();
        let result = block_on(wait(&RUNNING, WaiterConfig::new(), &ids, |chunk| {
            asked.push(chunk.len());
            let seen = chunk.iter().map(|id| seen(id, "RUNNING")).collect();
            std::future::ready(Ok(seen))
        }));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(asked, [100, 100, 50]);
    }

    // Paused time: the count does not depend on the machine's speed.
    #[tokio::test(start_paused = true)]
    async fn the_timeout_reports_what_is_pending() {
        let ids = vec!["a".to_owned()];
        let config = WaiterConfig::new()
            .interval(Duration::from_millis(1))
            .timeout(Duration::from_millis(20));
        let result = wait(&RUNNING, config, &ids, |_| {
            std::future::ready(Ok(vec![seen("a", "PENDING")]))
        })
        .await;
        match result {
            Err(WaitError::Timeout { attempts, last, .. }) => {
                assert!(attempts >= 2, "{attempts}");
                assert_eq!(last, vec![("a".to_owned(), Some("PENDING".to_owned()))]);
            }
            other => panic!("{other:?}"),
        }
    }
}
