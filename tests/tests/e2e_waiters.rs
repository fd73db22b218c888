//! Generated CVM waiters end to end against the mock on 127.0.0.1, whose
//! instance lifecycle moves one state per poll (no clocks involved except
//! the timeout test's own short timeout).

use std::time::Duration;

use serde_json::json;
use tencentcloud_cvm::v20170312::mock::{builder, Fault, MockServer};
use tencentcloud_cvm::v20170312::waiters::{WaitError, WaiterConfig, INSTANCES_RUNNING};
use tencentcloud_cvm::v20170312::{
    Client, DescribeInstancesRequest, RunInstancesRequest, StartInstancesRequest,
    StopInstancesRequest, TerminateInstancesRequest,
};
use tencentcloud_cvm::{ClientConfig, Credentials};

fn credentials() -> Credentials {
    Credentials::new("AKIDwaitertest", "waiter-test-key")
}

async fn setup() -> (MockServer, Client) {
    let mock = builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let client =
        Client::new(ClientConfig::new(credentials()).endpoint(mock.url())).expect("valid config");
    (mock, client)
}

/// Polls fast; the mock's states move per poll, not per second.
fn fast() -> WaiterConfig {
    WaiterConfig::new()
        .interval(Duration::from_millis(1))
        .timeout(Duration::from_secs(30))
}

async fn run(client: &Client, count: i64) -> Vec<String> {
    client
        .run_instances(RunInstancesRequest::new().with_instance_count(count))
        .await
        .expect("RunInstances")
        .instance_id_set
}

fn polls(mock: &MockServer, action: &str) -> usize {
    mock.received()
        .iter()
        .filter(|r| r.action == action)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn running_then_stopped_then_running_then_gone() {
    let (mock, client) = setup().await;
    let ids = run(&client, 3).await;

    client
        .wait_until_instances_running(ids.clone(), fast())
        .await
        .expect("running");
    // PENDING on the first poll, RUNNING on the second.
    assert_eq!(polls(&mock, "DescribeInstancesStatus"), 2);
    let asked = &mock.received()[1].params;
    assert_eq!(asked["InstanceIds"], json!(ids));
    assert_eq!(asked["Limit"], json!(3));

    client
        .stop_instances(StopInstancesRequest::new(ids.clone()))
        .await
        .expect("StopInstances");
    client
        .wait_until_instances_stopped(ids.clone(), fast())
        .await
        .expect("stopped");
    assert_eq!(polls(&mock, "DescribeInstancesStatus"), 4);

    client
        .start_instances(StartInstancesRequest::new(ids.clone()))
        .await
        .expect("StartInstances");
    client
        .wait_until_instances_running(ids.clone(), fast())
        .await
        .expect("running again");

    client
        .terminate_instances(TerminateInstancesRequest::new(ids.clone()))
        .await
        .expect("TerminateInstances");
    client
        .wait_until_instances_gone(ids.clone(), fast())
        .await
        .expect("gone");
    // TERMINATING on the first poll, not listed on the second.
    assert_eq!(polls(&mock, "DescribeInstances"), 2);
    let left = client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("DescribeInstances");
    assert_eq!(left.total_count, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_launch_is_a_typed_failure() {
    let (mock, client) = setup().await;
    let healthy = run(&client, 1).await;
    mock.with_behaviour(|world: &mut tencentcloud_mock::cvm::CvmWorld| {
        world.set_launch_failure(true)
    });
    let failing = run(&client, 1).await;
    let all = [healthy.clone(), failing.clone()].concat();
    let error = client
        .wait_until_instances_running(all, fast())
        .await
        .expect_err("LAUNCH_FAILED");
    match error {
        WaitError::FailureState { waiter, id, state } => {
            assert_eq!(waiter, "InstancesRunning");
            assert_eq!(id, failing[0]);
            assert_eq!(state, "LAUNCH_FAILED");
        }
        other => panic!("{other:?}"),
    }
    // Waiting for a stop cannot succeed either.
    let error = client
        .wait_until_instances_stopped(failing, fast())
        .await
        .expect_err("LAUNCH_FAILED");
    assert!(matches!(error, WaitError::FailureState { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeout_is_typed_and_says_what_is_pending() {
    let (mock, client) = setup().await;
    let ids = run(&client, 1).await;
    mock.set_handler("DescribeInstancesStatus", |request| {
        let id = request.params["InstanceIds"][0].clone();
        json!({"Response": {"TotalCount": 1, "InstanceStatusSet": [{"InstanceId": id, "InstanceState": "PENDING"}], "RequestId": "r"}})
    });
    let config = WaiterConfig::new()
        .interval(Duration::from_millis(5))
        .timeout(Duration::from_millis(60));
    let error = client
        .wait_until_instances_running(ids.clone(), config)
        .await
        .expect_err("never RUNNING");
    match error {
        WaitError::Timeout {
            waiter,
            attempts,
            last,
            elapsed,
        } => {
            assert_eq!(waiter, "InstancesRunning");
            assert!(attempts >= 2, "{attempts}");
            assert_eq!(attempts as usize, polls(&mock, "DescribeInstancesStatus"));
            assert!(elapsed >= Duration::from_millis(60), "{elapsed:?}");
            assert_eq!(last, vec![(ids[0].clone(), Some("PENDING".to_owned()))]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_typed_or_accepted_as_declared() {
    let (mock, client) = setup().await;
    mock.set_fault(
        "DescribeInstancesStatus",
        Some(Fault::ApiError {
            code: "InternalError".into(),
            message: "boom".into(),
        }),
    );
    let error = client
        .wait_until_instances_running(["ins-00000001"], fast())
        .await
        .expect_err("an API error");
    match &error {
        WaitError::Api { source, .. } => assert_eq!(source.code(), Some("InternalError")),
        other => panic!("{other:?}"),
    }
    // The gone waiter accepts InvalidInstanceId.NotFound as success.
    mock.set_fault(
        "DescribeInstances",
        Some(Fault::ApiError {
            code: "InvalidInstanceId.NotFound".into(),
            message: "no such instance".into(),
        }),
    );
    client
        .wait_until_instances_gone(["ins-00000001"], fast())
        .await
        .expect("gone");
    // No ids: nothing to wait for is a caller error, and nothing is sent.
    let before = mock.received().len();
    let error = client
        .wait_until_instances_running(Vec::<String>::new(), fast())
        .await
        .expect_err("no ids");
    assert!(matches!(error, WaitError::Api { .. }), "{error:?}");
    assert_eq!(mock.received().len(), before);
    // The defaults come from waiters.json.
    assert_eq!(INSTANCES_RUNNING.default_interval, Duration::from_secs(5));
    assert_eq!(INSTANCES_RUNNING.default_timeout, Duration::from_secs(600));
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_v2_waits_on_numeric_status() {
    use tencentcloud_cvm::v2;
    let mock = v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let client = v2::Client::new(
        ClientConfig::new(credentials())
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid config");
    let create = |count| {
        client.run_instances_hour(
            v2::RunInstancesHourRequest::new(100002, 1, 1, "img-lkxqa4kj", 50)
                .with_goods_num(count),
        )
    };
    let ids = create(2).await.expect("RunInstancesHour").un_instance_ids;

    client
        .wait_until_instances_running(ids.clone(), fast())
        .await
        .expect("status 2");
    // Status 3 (creating) on the first poll, 2 on the second.
    assert_eq!(polls(&mock, "DescribeInstances"), 2);
    let asked = &mock.received()[1].params;
    assert_eq!(asked["limit"], json!("2"));

    for id in &ids {
        client
            .return_instance(v2::ReturnInstanceRequest::new(id.clone()))
            .await
            .expect("ReturnInstance");
    }
    client
        .wait_until_instances_gone(ids, fast())
        .await
        .expect("gone");

    mock.with_behaviour(|world: &mut tencentcloud_mock::cvm::CvmWorld| {
        world.set_launch_failure(true)
    });
    let failing = create(1).await.expect("RunInstancesHour").un_instance_ids;
    let error = client
        .wait_until_instances_running(failing.clone(), fast())
        .await
        .expect_err("creation failed");
    match error {
        v2::waiters::WaitError::FailureState { id, state, .. } => {
            assert_eq!((id, state.as_str()), (failing[0].clone(), "-1"))
        }
        other => panic!("{other:?}"),
    }
}

/// More instances than one DescribeInstances takes (100 ids): the waiter
/// polls them in chunks, each within the limit the mock enforces.
#[tokio::test(flavor = "multi_thread")]
async fn more_than_a_hundred_instances_are_polled_in_chunks() {
    let (mock, client) = setup().await;
    let ids = run(&client, 150).await;
    assert_eq!(ids.len(), 150);
    client
        .wait_until_instances_running(ids.clone(), fast())
        .await
        .expect("all 150 running");
    let largest = mock
        .received()
        .iter()
        .filter(|r| r.action.starts_with("DescribeInstances"))
        .map(|r| {
            r.params
                .as_object()
                .and_then(|p| p.get("InstanceIds"))
                .and_then(|ids| ids.as_array())
                .map_or(0, Vec::len)
        })
        .max();
    assert_eq!(largest, Some(100));
}
