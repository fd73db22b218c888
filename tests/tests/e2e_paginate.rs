//! Generated paginators end to end: real HTTP to the mock on 127.0.0.1,
//! whose CVM lifecycle pages DescribeInstances by Offset and Limit.

use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use tencentcloud_cvm::v20170312::mock::{builder, MockServer};
use tencentcloud_cvm::v20170312::{
    Client, DescribeInstancesRequest, DescribeInstancesStatusRequest, RunInstancesRequest,
};
use tencentcloud_cvm::{ClientConfig, Credentials, Error};

fn credentials() -> Credentials {
    Credentials::new("AKIDpaginatetest", "paginate-test-key")
}

async fn mock() -> MockServer {
    builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1")
}

fn client(mock: &MockServer) -> Client {
    Client::new(ClientConfig::new(credentials()).endpoint(mock.url())).expect("valid config")
}

async fn run(client: &Client, count: i64) -> Vec<String> {
    let reply = client
        .run_instances(RunInstancesRequest::new().with_instance_count(count))
        .await
        .expect("RunInstances");
    assert_eq!(reply.instance_id_set.len(), count as usize);
    reply.instance_id_set
}

/// (Offset, Limit) of each DescribeInstances the mock received.
fn pages_asked(mock: &MockServer, action: &str) -> Vec<(Value, Value)> {
    mock.received()
        .into_iter()
        .filter(|r| r.action == action)
        .map(|r| (r.params["Offset"].clone(), r.params["Limit"].clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn forty_five_instances_in_pages_of_twenty() {
    let mock = mock().await;
    let client = client(&mock);
    let mut created = run(&client, 45).await;

    let pages: Vec<_> = client
        .describe_instances_paginator(DescribeInstancesRequest::new().with_limit(20))
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let sizes: Vec<usize> = pages.iter().map(|p| p.instance_set.len()).collect();
    assert_eq!(sizes, vec![20, 20, 5]);
    assert!(pages.iter().all(|p| p.total_count == Some(45)));
    assert_eq!(
        pages_asked(&mock, "DescribeInstances"),
        vec![
            (json!(0), json!(20)),
            (json!(20), json!(20)),
            (json!(40), json!(20))
        ]
    );

    let mut listed: Vec<String> = client
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .page_size(20)
        .items()
        .map_ok(|instance| instance.instance_id.expect("an id"))
        .try_collect()
        .await
        .expect("every item");
    created.sort();
    listed.sort();
    assert_eq!(listed, created);

    // Without a page size the documented maximum (100) is asked for: one call.
    let before = pages_asked(&mock, "DescribeInstances").len();
    let ids: Vec<_> = client
        .describe_instances_status_paginator(DescribeInstancesStatusRequest::new())
        .items()
        .try_collect()
        .await
        .expect("statuses");
    assert_eq!(ids.len(), 45);
    assert_eq!(pages_asked(&mock, "DescribeInstances").len(), before);
    assert_eq!(
        pages_asked(&mock, "DescribeInstancesStatus"),
        vec![(json!(0), json!(100))]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_list_is_one_empty_page() {
    let mock = mock().await;
    let client = client(&mock);
    let pages: Vec<_> = client
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .pages()
        .try_collect()
        .await
        .expect("a page");
    assert_eq!(pages.len(), 1);
    assert!(pages[0].instance_set.is_empty());
    let items: Vec<_> = client
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .items()
        .collect()
        .await;
    assert!(items.is_empty());
}

/// A DescribeInstances over `total` instances that serves at most `cap`
/// per page whatever Limit asks, and ignores Offset if `ignore_offset`.
fn capped_handler(
    total: u64,
    cap: u64,
    ignore_offset: bool,
) -> impl Fn(&tencentcloud_cvm::v20170312::mock::ReceivedRequest) -> Value + Send + Sync {
    move |request| {
        let number = |name: &str| request.params[name].as_u64().unwrap_or(0);
        let offset = if ignore_offset { 0 } else { number("Offset") };
        let end = total.min(offset + number("Limit").min(cap));
        let set: Vec<Value> = (offset..end)
            .map(|n| json!({"InstanceId": format!("ins-{n:08}")}))
            .collect();
        let mut response = json!({"InstanceSet": set, "RequestId": "r"});
        if !ignore_offset {
            response["TotalCount"] = json!(total);
        }
        json!({ "Response": response })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_capping_limit_is_followed_by_what_it_sent() {
    let mock = mock().await;
    mock.set_handler("DescribeInstances", capped_handler(25, 7, false));
    let client = client(&mock);
    let ids: Vec<String> = client
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .page_size(20)
        .items()
        .map_ok(|i| i.instance_id.unwrap_or_default())
        .try_collect()
        .await
        .expect("every item");
    let expected: Vec<String> = (0..25).map(|n| format!("ins-{n:08}")).collect();
    assert_eq!(ids, expected);
    let offsets: Vec<Value> = pages_asked(&mock, "DescribeInstances")
        .into_iter()
        .map(|(offset, _)| offset)
        .collect();
    assert_eq!(offsets, vec![json!(0), json!(7), json!(14), json!(21)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_ignoring_offset_ends_in_an_error_not_a_loop() {
    let mock = mock().await;
    mock.set_handler("DescribeInstances", capped_handler(50, 10, true));
    let client = client(&mock);
    let pages: Vec<Result<_, Error>> = client
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .page_size(10)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    let error = pages[1].as_ref().expect_err("the repeat is an error");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("ignores Offset"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_reply_ends_the_stream_with_it() {
    let mock = mock().await;
    mock.set_fault(
        "DescribeInstances",
        Some(tencentcloud_cvm::v20170312::mock::Fault::ApiError {
            code: "InternalError".into(),
            message: "boom".into(),
        }),
    );
    let items: Vec<_> = client(&mock)
        .describe_instances_paginator(DescribeInstancesRequest::new())
        .items()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().expect_err("the error").code(),
        Some("InternalError")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_v2_pages_by_offset_and_limit() {
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
    let run = client
        .run_instances_hour(
            v2::RunInstancesHourRequest::new(100002, 1, 1, "img-lkxqa4kj", 50).with_goods_num(45),
        )
        .await
        .expect("RunInstancesHour");
    let mut created = run.un_instance_ids.clone();
    assert_eq!(created.len(), 45);

    let pages: Vec<_> = client
        .describe_instances_paginator(v2::DescribeInstancesRequest::new())
        .page_size(20)
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let sizes: Vec<usize> = pages.iter().map(|p| p.instance_set.len()).collect();
    assert_eq!(sizes, vec![20, 20, 5]);
    // The legacy API takes lowercase params, sent as text.
    let asked: Vec<(Value, Value)> = mock
        .received()
        .into_iter()
        .filter(|r| r.action == "DescribeInstances")
        .map(|r| (r.params["offset"].clone(), r.params["limit"].clone()))
        .collect();
    assert_eq!(
        asked,
        vec![
            (json!("0"), json!("20")),
            (json!("20"), json!("20")),
            (json!("40"), json!("20"))
        ]
    );
    let mut listed: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.instance_set)
        .filter_map(|i| i.un_instance_id)
        .collect();
    created.sort();
    listed.sort();
    assert_eq!(listed, created);
}

/// A paged handler over `total` items that serves at most `cap` per page
/// whatever Limit asks; `item` builds the n-th item and `reply` the body.
fn paged_handler(
    total: u64,
    cap: u64,
    (offset, limit): (&'static str, &'static str),
    item: impl Fn(u64) -> Value + Send + Sync + 'static,
    reply: impl Fn(Vec<Value>, u64) -> Value + Send + Sync + 'static,
) -> impl Fn(&tencentcloud_cvm::v20170312::mock::ReceivedRequest) -> Value + Send + Sync {
    move |request| {
        let number = |name: &str| match &request.params[name] {
            Value::String(text) => text.parse().unwrap_or(0),
            other => other.as_u64().unwrap_or(0),
        };
        let start = number(offset);
        let end = total.min(start + number(limit).min(cap));
        reply((start..end).map(&item).collect(), total)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_english_documented_maximum_is_asked_for_and_caps_the_caller() {
    // DescribeReservedInstances documents its maximum (100) in English only.
    let mock = mock().await;
    mock.set_handler(
        "DescribeReservedInstances",
        paged_handler(
            150,
            100,
            ("Offset", "Limit"),
            |n| json!({"ReservedInstancesId": format!("ri-{n:04}")}),
            |set, total| {
                json!({"Response": {"ReservedInstancesSet": set, "TotalCount": total, "RequestId": "r"}})
            },
        ),
    );
    let client = client(&mock);
    let request = tencentcloud_cvm::v20170312::DescribeReservedInstancesRequest::new;
    let all: Vec<_> = client
        .describe_reserved_instances_paginator(request())
        .items()
        .try_collect()
        .await
        .expect("every item");
    assert_eq!(all.len(), 150);
    let capped: Vec<_> = client
        .describe_reserved_instances_paginator(request())
        .page_size(500)
        .items()
        .try_collect()
        .await
        .expect("every item");
    assert_eq!(capped.len(), 150);
    let limits: Vec<Value> = pages_asked(&mock, "DescribeReservedInstances")
        .into_iter()
        .map(|(_, limit)| limit)
        .collect();
    assert_eq!(limits, vec![json!(100); 4]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documented_default_does_not_cap_the_caller() {
    // The legacy DescribeInstancesOfSecurityGroup documents a default of 20
    // and no maximum.
    use tencentcloud_cvm::v2;
    let mock = v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    mock.set_handler(
        "DescribeInstancesOfSecurityGroup",
        paged_handler(
            120,
            1000,
            ("offset", "limit"),
            |n| json!({"instanceId": format!("ins-{n:08}")}),
            |data, total| json!({"code": 0, "message": "", "totalCount": total, "data": data}),
        ),
    );
    let client = v2::Client::new(
        ClientConfig::new(credentials())
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid config");
    let request = || v2::DescribeInstancesOfSecurityGroupRequest::new("sg-1");
    for page_size in [None, Some(100)] {
        let mut paginator = client.describe_instances_of_security_group_paginator(request());
        if let Some(n) = page_size {
            paginator = paginator.page_size(n);
        }
        let items: Vec<_> = paginator.items().try_collect().await.expect("every item");
        assert_eq!(items.len(), 120);
    }
    let limits: Vec<Value> = mock
        .received()
        .into_iter()
        .filter(|r| r.action == "DescribeInstancesOfSecurityGroup")
        .map(|r| r.params["limit"].clone())
        .collect();
    // 20 by default (six calls), then the caller's 100 as given (two); the
    // legacy API takes them as text.
    let mut expected = vec![json!("20"); 6];
    expected.extend([json!("100"), json!("100")]);
    assert_eq!(limits, expected);
}
