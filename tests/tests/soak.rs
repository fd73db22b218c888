//! Soak: 10,000 calls through the client against the mock on 127.0.0.1,
//! which injects random faults from a fixed seed. Every call must end in
//! success or a typed error, within the retry bounds, without panics, and
//! leave no task or connection behind.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::limit::Rate;
use tencentcloud_cvm::runtime::{Action, CallReport, LimitConfig, RetryConfig};
use tencentcloud_cvm::v20170312::{Client, SERVICE};
use tencentcloud_cvm::{ClientConfig, Credentials, Error};
use tencentcloud_mock::{Fault, MockServer, RandomFaults};

const CALLS: usize = 10_000;
const WORKERS: usize = 48;
const MAX_ATTEMPTS: u32 = 4;
const SEED: u64 = 0x5eed_2026;

/// A read, a write without a token and a write with one.
const ACTIONS: [Action; 3] = [
    Action {
        name: "DescribeZones",
        host: None,
        client_token: None,
        read_only: true,
    },
    Action::named("StartInstances"),
    Action {
        name: "RunInstances",
        host: None,
        client_token: Some("ClientToken"),
        read_only: false,
    },
];

/// The action's params, marked with the call's index so the server's
/// record can be grouped by call.
fn params(action: &Action, index: usize) -> Value {
    match action.name {
        "StartInstances" => json!({"InstanceIds": ["ins-1"], "SoakCall": index}),
        _ => json!({"SoakCall": index}),
    }
}

/// What a call ended in, by kind.
fn outcome(result: &Result<Value, Error>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) if e.is_throttling() => "throttled",
        Err(e) if e.is_internal() => "internal",
        Err(e) if e.is_timeout() => "timeout",
        Err(Error::Http { status: 503, .. }) => "http 503",
        Err(Error::Transport { .. }) => "transport",
        Err(e) => panic!("an unexpected error: {e:?}"),
    }
}

async fn soak() -> (MockServer, BTreeMap<&'static str, usize>, u64) {
    let credentials = Credentials::new(
        "AKIDsoaktest000000000000000000000",
        "soaksecretkey000000000000000000",
    );
    let faults = vec![
        Fault::ApiError {
            code: "RequestLimitExceeded".into(),
            message: "slow down".into(),
        },
        Fault::ApiError {
            code: "InternalError".into(),
            message: "try again".into(),
        },
        Fault::Status(503),
        Fault::Reset,
        Fault::Delay(Duration::from_millis(800)),
    ];
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials.clone())
        .without_behaviour()
        .reply(
            "DescribeZones",
            json!({"Response": {"TotalCount": 0, "ZoneSet": [], "RequestId": "req-z"}}),
        )
        .reply(
            "StartInstances",
            json!({"Response": {"RequestId": "req-s"}}),
        )
        .reply(
            "RunInstances",
            json!({"Response": {"InstanceIdSet": ["ins-1"], "RequestId": "req-r"}}),
        )
        .random_faults(RandomFaults {
            seed: SEED,
            probability: 0.2,
            faults,
        })
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let retry = RetryConfig::default()
        .max_attempts(MAX_ATTEMPTS)
        .max_elapsed(Duration::from_secs(5))
        .backoff(Duration::from_millis(1), Duration::from_millis(4))
        .throttle_backoff(Duration::from_millis(2));
    // High limits, so the buckets take part (and slow down on throttling)
    // without holding the run back much.
    let limits = LimitConfig::default().per_action(Rate::per_second(50_000.0, 5_000));
    let config = ClientConfig::new(credentials)
        .region("ap-guangzhou")
        .endpoint(mock.url())
        .timeout(Duration::from_millis(300))
        .retry(retry)
        .rate_limits(limits);
    let client = Client::new(config).expect("valid configuration");

    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut results: Vec<(usize, Result<Value, Error>, CallReport)> = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= CALLS {
                        return results;
                    }
                    let action = &ACTIONS[index % ACTIONS.len()];
                    let (result, report) = client
                        .runtime()
                        .call_with_report(action, &params(action, index))
                        .await;
                    results.push((index, result, report));
                }
            })
        })
        .collect();
    let mut finished = Vec::with_capacity(CALLS);
    for worker in workers {
        finished.extend(worker.await.expect("no worker panicked"));
    }
    // What the server saw of each call: its attempts and their ClientTokens.
    let mut seen: Vec<Vec<Value>> = vec![Vec::new(); CALLS];
    for received in mock.received() {
        let index = received.params["SoakCall"]
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < CALLS)
            .unwrap_or_else(|| panic!("an unmarked request: {:?}", received.params));
        seen[index].push(received.params["ClientToken"].clone());
    }
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut attempts = 0u64;
    let mut calls = 0;
    for (index, result, report) in finished {
        let action = &ACTIONS[index % ACTIONS.len()];
        calls += 1;
        assert!(
            (1..=MAX_ATTEMPTS).contains(&report.attempts),
            "call {index}: {report:?}"
        );
        assert_eq!(
            seen[index].len(),
            report.attempts as usize,
            "call {index}: the server saw another number of attempts than reported"
        );
        if !action.is_idempotent() {
            assert_eq!(
                report.ambiguous_retries, 0,
                "call {index} of {}",
                action.name
            );
        }
        if action.client_token.is_some() {
            let token = &seen[index][0];
            assert!(token.is_string(), "call {index}: no token");
            assert!(
                seen[index].iter().all(|t| t == token),
                "call {index}: {:?}",
                seen[index]
            );
        }
        *outcomes.entry(outcome(&result)).or_default() += 1;
        attempts += u64::from(report.attempts);
    }
    assert_eq!(calls, CALLS);
    drop(client);
    (mock, outcomes, attempts)
}

#[test]
fn ten_thousand_calls_with_random_faults_end_cleanly() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let metrics = runtime.handle().metrics();
    let (mock, outcomes, attempts) = runtime.block_on(soak());
    let sent: u64 = ACTIONS.iter().map(|a| mock.request_count(a.name)).sum();
    // Every attempt reached the server once: none lost, none duplicated.
    assert_eq!(sent, attempts, "{outcomes:?}");
    assert!(
        attempts > CALLS as u64,
        "faults caused retries: {outcomes:?}"
    );
    assert!(
        outcomes.get("ok").copied().unwrap_or(0) > CALLS * 9 / 10,
        "{outcomes:?}"
    );
    // Write-without-token calls that hit an ambiguous fault surface as errors.
    assert!(outcomes.len() > 1, "some calls failed: {outcomes:?}");

    // The client is gone: its pooled connections close, and once the mock
    // is dropped no task remains.
    runtime.block_on(async {
        for _ in 0..200 {
            if mock.open_connections() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    assert_eq!(mock.open_connections(), 0, "connections left open");
    drop(mock);
    runtime.block_on(async {
        for _ in 0..200 {
            if tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
                == 0
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    assert_eq!(metrics.num_alive_tasks(), 0, "tasks leaked");
    eprintln!("soak: {CALLS} calls, {attempts} attempts, outcomes {outcomes:?}");
}
