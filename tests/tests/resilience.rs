//! End to end: retries, client-side quota limiting, the tracing span and
//! the client settings, against the mock on 127.0.0.1 injecting faults.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::limit::Rate;
use tencentcloud_cvm::runtime::{Action, CallReport, LimitConfig, RetryConfig};
use tencentcloud_cvm::v20170312::{
    Client, DescribeZonesRequest, RunInstancesRequest, StartInstancesRequest, SERVICE,
};
use tencentcloud_cvm::{ClientConfig, Credentials, Error};
use tencentcloud_mock::{Fault, MockServer};

const SECRET_ID: &str = "AKIDresiliencetest00000000000000";
const SECRET_KEY: &str = "resiliencesecretkey0000000000000";

const DESCRIBE_ZONES: Action = Action {
    name: "DescribeZones",
    host: None,
    client_token: None,
    read_only: true,
};
const START_INSTANCES: Action = Action::named("StartInstances");

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

async fn mock() -> MockServer {
    MockServer::builder(&SERVICE)
        .credentials(credentials())
        .without_behaviour()
        .reply(
            "DescribeZones",
            json!({"Response": {"TotalCount": 0, "ZoneSet": [], "RequestId": "req-zones"}}),
        )
        .reply(
            "RunInstances",
            json!({"Response": {"InstanceIdSet": ["ins-1"], "RequestId": "req-run"}}),
        )
        .reply(
            "StartInstances",
            json!({"Response": {"RequestId": "req-start"}}),
        )
        .start()
        .await
        .expect("the mock binds 127.0.0.1")
}

/// Fast backoff, so the tests spend no time waiting.
fn fast_retry() -> RetryConfig {
    RetryConfig::default()
        .max_attempts(4)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .throttle_backoff(Duration::from_millis(2))
}

fn config(mock: &MockServer) -> ClientConfig {
    ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint(mock.url())
        .retry(fast_retry())
}

fn client(config: ClientConfig) -> Client {
    Client::new(config).expect("the test configuration is valid")
}

fn throttled() -> Fault {
    Fault::ApiError {
        code: "RequestLimitExceeded".into(),
        message: "Your current request times equals to `21` in a second".into(),
    }
}

async fn call(
    client: &Client,
    action: &Action,
    params: Value,
) -> (Result<Value, Error>, CallReport) {
    client.runtime().call_with_report(action, &params).await
}

#[tokio::test]
async fn throttling_replies_then_success_are_retried_and_slow_the_bucket() {
    let mock = mock().await;
    let limits = LimitConfig::default().per_action(Rate::per_second(1000.0, 1000));
    let config = config(&mock).rate_limits(limits);
    let limiter = config.shared_limiter().clone();
    let client = client(config);
    mock.queue_faults("DescribeZones", [throttled(), throttled()]);

    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    let reply = result.expect("the third attempt succeeds");
    assert_eq!(reply["RequestId"], "req-zones");
    assert_eq!(report.attempts, 3);
    assert_eq!(mock.request_count("DescribeZones"), 3);
    let bucket = limiter
        .bucket_state(SECRET_ID, "cvm", Some("DescribeZones"))
        .expect("the call made a bucket");
    assert!(bucket.per_second < 1000.0, "{bucket:?}");

    // A throttled call did nothing, so even a call that changes things is retried.
    mock.queue_faults("StartInstances", [throttled()]);
    let request = StartInstancesRequest::new(["ins-1"]);
    client
        .start_instances(request)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(mock.request_count("StartInstances"), 2);
}

#[tokio::test]
async fn server_errors_are_retried_only_when_resending_is_safe() {
    let mock = mock().await;
    let client = client(config(&mock));

    mock.queue_faults("DescribeZones", [Fault::Status(503)]);
    client
        .describe_zones(DescribeZonesRequest::default())
        .await
        .expect("a read is retried after a 503");
    assert_eq!(mock.request_count("DescribeZones"), 2);

    // StartInstances has no ClientToken: the 503 may hide a started instance.
    mock.queue_faults("StartInstances", [Fault::Status(503)]);
    let (result, report) = call(&client, &START_INSTANCES, json!({"InstanceIds": ["ins-1"]})).await;
    match result {
        Err(Error::Http { status: 503, .. }) => {}
        other => panic!("expected the 503, got {other:?}"),
    }
    assert_eq!(report.attempts, 1);
    assert_eq!(mock.request_count("StartInstances"), 1);

    // Internal errors are retried for reads, up to the attempt limit.
    mock.set_fault(
        "DescribeZones",
        Some(Fault::ApiError {
            code: "InternalError".into(),
            message: "try again".into(),
        }),
    );
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    let error = result.expect_err("every attempt fails");
    assert!(error.is_internal(), "{error}");
    assert_eq!(report.attempts, 4);
    assert_eq!(mock.request_count("DescribeZones"), 2 + 4);

    // A bad param is never retried.
    mock.set_fault(
        "DescribeZones",
        Some(Fault::ApiError {
            code: "InvalidParameterValue".into(),
            message: "no".into(),
        }),
    );
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    assert!(result.expect_err("refused").is_invalid_parameter());
    assert_eq!(report.attempts, 1);
}

#[tokio::test]
async fn a_client_token_is_filled_in_once_and_makes_creation_retryable() {
    let mock = mock().await;
    let client = client(config(&mock));
    mock.queue_faults("RunInstances", [Fault::Status(502), Fault::Reset]);

    let reply = client
        .run_instances(RunInstancesRequest::default())
        .await
        .expect("the third attempt succeeds");
    assert_eq!(reply.instance_id_set, ["ins-1"]);
    let tokens: Vec<Value> = mock
        .received()
        .iter()
        .filter(|r| r.action == "RunInstances")
        .map(|r| r.params["ClientToken"].clone())
        .collect();
    assert_eq!(tokens.len(), 3);
    let first = tokens[0].as_str().expect("a token was filled in");
    assert_eq!(first.len(), 36, "{first}");
    assert!(tokens.iter().all(|t| t == &tokens[0]), "{tokens:?}");

    // The caller's own token is kept, and the next call gets a new one.
    client
        .run_instances(RunInstancesRequest::default().with_client_token("mine-1"))
        .await
        .expect("succeeds");
    client
        .run_instances(RunInstancesRequest::default())
        .await
        .expect("succeeds");
    let received = mock.received();
    let last: Vec<&Value> = received
        .iter()
        .rev()
        .take(2)
        .map(|r| &r.params["ClientToken"])
        .collect();
    assert_eq!(last[1], "mine-1");
    assert_ne!(last[0], &tokens[0]);
}

#[tokio::test]
async fn connection_resets_are_retried_for_reads_and_surface_for_writes() {
    let mock = mock().await;
    let client = client(config(&mock));

    mock.queue_faults("DescribeZones", [Fault::Reset, Fault::Reset]);
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    result.expect("the third attempt succeeds");
    assert_eq!(report.attempts, 3);

    mock.queue_faults("StartInstances", [Fault::Reset]);
    let (result, report) = call(&client, &START_INSTANCES, json!({"InstanceIds": ["ins-1"]})).await;
    match result {
        Err(Error::Transport { .. }) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(report.attempts, 1);
}

#[tokio::test]
async fn slow_replies_hit_the_timeout_and_the_time_budget_bounds_the_retries() {
    let mock = mock().await;
    let client = client(config(&mock).timeout(Duration::from_millis(200)));

    mock.queue_faults("DescribeZones", [Fault::Delay(Duration::from_secs(3))]);
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    result.expect("the retry after the timeout succeeds");
    assert_eq!(report.attempts, 2);

    mock.queue_faults("StartInstances", [Fault::Delay(Duration::from_secs(3))]);
    let (result, _) = call(&client, &START_INSTANCES, json!({"InstanceIds": ["ins-1"]})).await;
    assert!(result.expect_err("timed out").is_timeout());

    // Every attempt times out; the budget stops the retries long before
    // the attempt limit.
    let budget = RetryConfig::default()
        .max_attempts(50)
        .max_elapsed(Duration::from_millis(500))
        .backoff(Duration::from_millis(1), Duration::from_millis(5));
    let client = self::client(
        config(&mock)
            .timeout(Duration::from_millis(200))
            .retry(budget),
    );
    mock.set_fault("DescribeZones", Some(Fault::Delay(Duration::from_secs(3))));
    let before = mock.request_count("DescribeZones");
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    assert!(result.expect_err("every attempt times out").is_timeout());
    // 200 ms attempts within a 500 ms budget: two or three, never fifty.
    assert!((2..=3).contains(&report.attempts), "{report:?}");
    assert_eq!(
        mock.request_count("DescribeZones") - before,
        u64::from(report.attempts)
    );
}

/// A client keeps its last attempt's timer (so that the next one wakes no
/// thread); a call on a new runtime, after the runtime of the last call has
/// ended, still works and still times out.
#[test]
fn a_client_outlives_the_runtime_of_its_last_call() {
    let server_runtime = tokio::runtime::Runtime::new().expect("a runtime for the mock");
    let mock = server_runtime.block_on(mock());
    let client = client(
        config(&mock)
            .timeout(Duration::from_millis(300))
            .retry(RetryConfig::disabled()),
    );
    for flavor in ["current_thread", "multi_thread", "current_thread"] {
        let runtime = match flavor {
            "current_thread" => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        }
        .enable_all()
        .build()
        .expect("a runtime for the client");
        let (result, _) = runtime.block_on(call(&client, &DESCRIBE_ZONES, json!({})));
        result.unwrap_or_else(|e| panic!("a call on a fresh {flavor} runtime: {e}"));
        mock.queue_faults("DescribeZones", [Fault::Delay(Duration::from_secs(3))]);
        let (result, _) = runtime.block_on(call(&client, &DESCRIBE_ZONES, json!({})));
        let error = result.expect_err("the delayed reply times out");
        assert!(error.is_timeout(), "{flavor}: {error}");
        drop(runtime);
    }
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let mock = mock().await;
    let client = client(config(&mock).retry(RetryConfig::disabled()));
    mock.queue_faults("DescribeZones", [throttled()]);
    let (result, report) = call(&client, &DESCRIBE_ZONES, json!({})).await;
    let error = result.expect_err("throttled");
    assert!(error.is_throttling(), "{error}");
    assert_eq!(error.code(), Some("RequestLimitExceeded"));
    assert_eq!(report.attempts, 1);
    assert_eq!(mock.request_count("DescribeZones"), 1);
}

#[tokio::test]
async fn the_limiter_holds_calls_back_and_a_cancelled_wait_sends_nothing() {
    let mock = mock().await;
    let limits = LimitConfig::default().action("DescribeZones", Rate::per_second(0.5, 1));
    let config = config(&mock).rate_limits(limits);
    let limiter = config.shared_limiter().clone();
    // Two clients of one config share the buckets.
    let first = client(config.clone());
    let second = client(config);
    first
        .describe_zones(DescribeZonesRequest::default())
        .await
        .expect("the burst allows one call");
    let waiting = second.describe_zones(DescribeZonesRequest::default());
    assert!(
        tokio::time::timeout(Duration::from_millis(200), waiting)
            .await
            .is_err(),
        "the second call must wait for a token"
    );
    assert_eq!(mock.request_count("DescribeZones"), 1);
    let bucket = limiter
        .bucket_state(SECRET_ID, "cvm", Some("DescribeZones"))
        .expect("bucket");
    assert!(bucket.tokens < 1.0, "{bucket:?}");
    // Other actions are not held back by this bucket.
    first
        .run_instances(RunInstancesRequest::default())
        .await
        .expect("another action goes at once");

    let unlimited = client(self::config(&mock).rate_limits(LimitConfig::disabled()));
    for _ in 0..3 {
        unlimited
            .describe_zones(DescribeZonesRequest::default())
            .await
            .expect("no limit");
    }
    assert_eq!(mock.request_count("DescribeZones"), 4);
}

/// A writer into a shared buffer, for a tracing subscriber.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

fn subscriber(buffer: &Buffer) -> impl tracing::Subscriber {
    let buffer = buffer.clone();
    tracing_subscriber::fmt()
        .with_writer(move || buffer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish()
}

#[tokio::test]
async fn each_call_has_a_span_with_its_facts_and_no_secrets() {
    let mock = mock().await;
    let token = "sessiontoken-should-never-be-logged";
    let config = ClientConfig::new(credentials().with_token(token))
        .region("ap-guangzhou")
        .endpoint(mock.url())
        .retry(fast_retry());
    let client = client(config.clone());
    mock.queue_faults("DescribeZones", [throttled()]);
    let buffer = Buffer::default();
    {
        let _guard = tracing::subscriber::set_default(subscriber(&buffer));
        client
            .describe_zones(DescribeZonesRequest::default())
            .await
            .expect("succeeds on the retry");
    }
    let text = buffer.text();
    let closed = text
        .lines()
        .find(|line| line.contains("tencentcloud.call") && line.contains("close"))
        .unwrap_or_else(|| panic!("no closed call span in:\n{text}"));
    for field in [
        "service=\"cvm\"",
        "action=\"DescribeZones\"",
        "region=\"ap-guangzhou\"",
        "request_id=\"req-zones\"",
        "attempt=2",
        "latency_ms=",
        "outcome=\"ok\"",
    ] {
        assert!(closed.contains(field), "`{field}` missing from: {closed}");
    }
    assert!(text.contains("attempt failed; retrying"), "{text}");
    assert!(text.contains("RequestLimitExceeded"), "{text}");
    for secret in [SECRET_KEY, token, "TC3-HMAC-SHA256", "Signature"] {
        assert!(!text.contains(secret), "`{secret}` leaked into:\n{text}");
    }
    // No bodies unless asked for.
    assert!(!text.contains("InstanceIds"), "{text}");

    let client = self::client(
        config
            .log_bodies(true)
            .signing_method(tencentcloud_cvm::SigningMethod::HmacSha256),
    );
    let buffer = Buffer::default();
    {
        let _guard = tracing::subscriber::set_default(subscriber(&buffer));
        client
            .start_instances(StartInstancesRequest::new(["ins-77"]))
            .await
            .expect("succeeds");
    }
    let text = buffer.text();
    assert!(text.contains("ins-77"), "the params are logged: {text}");
    assert!(text.contains("req-start"), "the reply is logged: {text}");
    for secret in [SECRET_KEY, token, "Signature"] {
        assert!(!text.contains(secret), "`{secret}` leaked into:\n{text}");
    }
}

#[tokio::test]
async fn endpoint_root_domain_request_client_and_proxy_settings_reach_the_wire() {
    let mock = mock().await;
    let prepare = |config: ClientConfig| {
        client(config)
            .runtime()
            .prepare(
                &credentials(),
                "DescribeZones",
                None,
                &json!({}),
                tencentcloud_cvm::runtime::SigningContext {
                    timestamp: 1_700_000_000,
                    nonce: 1,
                },
            )
            .expect("prepares")
    };
    let base = || ClientConfig::new(credentials()).region("ap-guangzhou");
    assert_eq!(prepare(base()).url, "https://cvm.tencentcloudapi.com/");
    assert_eq!(
        prepare(base().endpoint("cvm.ap-guangzhou.tencentcloudapi.com")).url,
        "https://cvm.ap-guangzhou.tencentcloudapi.com/"
    );
    assert_eq!(
        prepare(base().root_domain("internal.example.com")).url,
        "https://cvm.internal.example.com/"
    );
    assert_eq!(
        prepare(
            base()
                .root_domain("internal.example.com")
                .regional_endpoint(true)
        )
        .url,
        "https://cvm.ap-guangzhou.internal.example.com/"
    );
    let headers = prepare(base().request_client("my-tool/2")).headers;
    assert!(
        headers.contains(&("X-TC-RequestClient".to_owned(), "my-tool/2".to_owned())),
        "{headers:?}"
    );

    // The request client string arrives.
    client(config(&mock))
        .describe_zones(DescribeZonesRequest::default())
        .await
        .expect("succeeds");
    let received = mock.received().pop().expect("recorded");
    let sent = received
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-tc-requestclient"))
        .map(|(_, value)| value.clone());
    assert_eq!(
        sent.as_deref(),
        Some(tencentcloud_cvm::runtime::client::DEFAULT_REQUEST_CLIENT)
    );

    // Through a proxy: the endpoint's host does not resolve, so only the
    // proxy (the mock itself) can have answered.
    let proxied = ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint("http://cvm.unresolvable.invalid/")
        .proxy(format!("http://{}", mock.addr()))
        .retry(RetryConfig::disabled());
    let before = mock.request_count("DescribeZones");
    client(proxied)
        .describe_zones(DescribeZonesRequest::default())
        .await
        .expect("the proxy forwards the signed request");
    assert_eq!(mock.request_count("DescribeZones"), before + 1);
}

#[test]
fn bad_settings_get_errors_that_say_what_is_wrong() {
    let base = || ClientConfig::new(credentials());
    let error = |config: ClientConfig| match Client::new(config) {
        Ok(_) => panic!("the configuration must be refused"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        error(base().root_domain("not a domain")),
        "invalid client configuration: root domain `not a domain`: expected a DNS name like tencentcloudapi.com"
    );
    assert!(error(base().proxy("ftp://proxy.example")).contains("proxy `ftp://proxy.example`"));
    assert_eq!(
        error(base().retry(RetryConfig::default().max_attempts(0))),
        "invalid client configuration: retry: max_attempts must be at least 1"
    );
    assert!(error(
        base().rate_limits(LimitConfig::default().per_action(Rate::per_second(-1.0, 1)))
    )
    .contains("rate limit per action"));
    assert!(error(base().request_client("has space")).contains("request client `has space`"));
    assert!(error(base().endpoint("ftp://x")).contains("endpoint `ftp://x`"));
    let env = tencentcloud_credentials::env_settings(base(), |name| {
        (name == "HTTPS_PROXY").then(|| "not a url".to_owned())
    })
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        env.as_deref(),
        Some("invalid client configuration: environment variable HTTPS_PROXY: proxy `not a url`: relative URL without a base")
    );
}

#[tokio::test]
async fn legacy_throttling_code_4400_is_retried_and_slows_the_account() {
    use tencentcloud_cvm::v2;
    let mock = v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let limits = LimitConfig::default()
        .per_action(Rate::per_second(1000.0, 1000))
        .per_account(Some(Rate::per_second(1000.0, 1000)));
    let config = ClientConfig::new(credentials())
        .region("gz")
        .endpoint(mock.url())
        .retry(fast_retry())
        .rate_limits(limits);
    let limiter = config.shared_limiter().clone();
    let client = v2::Client::new(config).expect("valid configuration");
    let uin_throttled = Fault::ApiError {
        code: "RequestLimitExceeded.UinLimitExceeded".into(),
        message: "too many calls from this account".into(),
    };
    mock.queue_faults("DescribeInstances", [uin_throttled]);
    client
        .describe_instances(v2::DescribeInstancesRequest::new())
        .await
        .expect("the retry succeeds");
    assert_eq!(mock.request_count("DescribeInstances"), 2);
    // The legacy reply only says 4400: the account's bucket slows down too.
    let account = limiter
        .bucket_state(SECRET_ID, "cvm", None)
        .expect("API 2.0 has an account bucket");
    assert!(account.per_second < 1000.0, "{account:?}");

    mock.queue_faults("DescribeInstances", [throttled()]);
    let client = v2::Client::new(
        ClientConfig::new(credentials())
            .region("gz")
            .endpoint(mock.url())
            .retry(RetryConfig::disabled()),
    )
    .expect("valid configuration");
    let error = client
        .describe_instances(v2::DescribeInstancesRequest::new())
        .await
        .expect_err("throttled");
    assert_eq!(error.code(), Some("4400"));
    assert!(error.is_throttling(), "{error}");
}

/// Which generated CVM actions count as read-only (retried after an
/// ambiguous failure), against a table written by hand from the API docs.
#[test]
fn generated_actions_that_only_read_are_the_documented_reads() {
    use tencentcloud_cvm::runtime::operation::Operation;
    use tencentcloud_cvm::v20170312 as cvm;
    // The name and the read-only flag, as the generated action carries them.
    fn facts<O: Operation>() -> (&'static str, bool) {
        (O::ACTION.name, O::ACTION.read_only)
    }
    let table = [
        (facts::<cvm::DescribeInstancesRequest>(), true),
        (facts::<cvm::DescribeZonesRequest>(), true),
        (facts::<cvm::InquiryPriceRunInstancesRequest>(), true),
        (facts::<cvm::RunInstancesRequest>(), false),
        (facts::<cvm::StartInstancesRequest>(), false),
        (facts::<cvm::TerminateInstancesRequest>(), false),
        (facts::<cvm::ResetInstancesPasswordRequest>(), false),
    ];
    for ((name, generated), documented) in table {
        assert_eq!(generated, documented, "{name}");
    }
}
