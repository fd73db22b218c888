//! End to end: the generated CVM client sends real HTTP requests to the
//! signature-checking mock on 127.0.0.1 and decodes its replies.

use std::time::Duration;

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::error::WITHHELD_BODY;
use tencentcloud_cvm::v20170312::{
    Client, DescribeInstancesRequest, Filter, RunInstancesRequest, SERVICE,
};
use tencentcloud_cvm::{ClientConfig, Credentials, Error, HttpMethod, SigningMethod};
use tencentcloud_mock::{Fault, MockServer};
use tencentcloud_tests::{cvm_spec, json_subset};

const SECRET_ID: &str = "AKIDtestsecretid0000000000000000";
const SECRET_KEY: &str = "testsecretkey0000000000000000000";

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

fn client(mock: &MockServer, configure: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    let config = ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint(mock.url());
    Client::new(configure(config)).expect("the test configuration is valid")
}

fn describe_reply() -> Value {
    json!({"Response": {"TotalCount": 1, "InstanceSet": [{"InstanceId": "ins-1", "InstanceState": "RUNNING"}], "RequestId": "req-describe"}})
}

#[tokio::test(flavor = "multi_thread")]
async fn every_action_and_every_example_round_trips() {
    let spec = cvm_spec();
    // tccli's 106 and the international site's 5 Reserved Instances actions.
    assert_eq!(spec.actions.len(), 111);
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let client = client(&mock, |c| c);

    let mut calls = 0;
    for (name, action) in &spec.actions {
        assert!(!action.value.examples.is_empty(), "{name} has no example");
        for (i, example) in action.value.examples.iter().enumerate() {
            let at = format!("{name} example {i}");
            mock.set_reply(name.clone(), Value::Object(example.response.clone()));
            let params = Value::Object(example.request.clone());
            let reply = match client.invoke(name, params.clone()).await {
                Ok(reply) => reply,
                Err(e) => panic!("{at}: {e}"),
            };
            calls += 1;

            // The mock saw this action, signed, with the example's params.
            let received = mock.received().pop().expect("the mock recorded the call");
            assert_eq!(received.action, *name, "{at}");
            assert_eq!(received.signing_method, SigningMethod::Tc3HmacSha256);
            if let Err(diff) = json_subset(&params, &received.params) {
                panic!("{at}: the request lost a param: {diff}");
            }

            // The example reply decoded into the typed reply, and nothing the
            // typed reply carries differs from what the service sent.
            let sent = &example.response["Response"];
            assert_eq!(reply["RequestId"], sent["RequestId"], "{at}");
            if let Err(diff) = json_subset(&reply, sent) {
                panic!("{at}: the typed reply differs from the example: {diff}");
            }
        }
    }
    assert!(calls >= 106, "{calls} calls");
    assert_eq!(mock.received().len(), calls);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_signing_and_http_method_is_accepted() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply("DescribeInstances", describe_reply())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let request = DescribeInstancesRequest::new()
        .with_filters([
            Filter::new("zone", ["ap-guangzhou-3", "ap-guangzhou-4"]),
            Filter::new("instance-name", ["web"]),
        ])
        .with_limit(2);
    let combos = [
        (SigningMethod::Tc3HmacSha256, HttpMethod::Post),
        (SigningMethod::Tc3HmacSha256, HttpMethod::Get),
        (SigningMethod::HmacSha1, HttpMethod::Get),
        (SigningMethod::HmacSha1, HttpMethod::Post),
        (SigningMethod::HmacSha256, HttpMethod::Get),
        (SigningMethod::HmacSha256, HttpMethod::Post),
    ];
    for (signing, method) in combos {
        let client = client(&mock, |c| c.signing_method(signing).http_method(method));
        let reply = client
            .describe_instances(request.clone())
            .await
            .unwrap_or_else(|e| panic!("{signing:?} {method:?}: {e}"));
        assert_eq!(reply.total_count, Some(1));
        assert_eq!(reply.instance_set[0].instance_id.as_deref(), Some("ins-1"));

        let received = mock.received().pop().expect("recorded");
        assert_eq!(
            (received.signing_method, received.http_method),
            (signing, method)
        );
        if (signing, method) != (SigningMethod::Tc3HmacSha256, HttpMethod::Post) {
            let raw: Vec<(&str, &str)> = received
                .raw_params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(
                raw,
                [
                    ("Filters.0.Name", "zone"),
                    ("Filters.0.Values.0", "ap-guangzhou-3"),
                    ("Filters.0.Values.1", "ap-guangzhou-4"),
                    ("Filters.1.Name", "instance-name"),
                    ("Filters.1.Values.0", "web"),
                    ("Limit", "2"),
                ],
                "{signing:?} {method:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn session_token_and_language_travel_with_the_request() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply("DescribeInstances", describe_reply())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let config = ClientConfig::new(credentials().with_token("session-token"))
        .endpoint(mock.url())
        .language(tencentcloud_cvm::Language::EnUs);
    let client = Client::new(config).expect("valid");
    client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("accepted");
    let headers = mock.received().pop().expect("recorded").headers;
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("x-tc-token").as_deref(), Some("session-token"));
    assert_eq!(header("x-tc-language").as_deref(), Some("en-US"));
    assert_eq!(header("x-tc-region"), None, "no region was configured");
}

async fn error_of(
    mock: &MockServer,
    configure: impl FnOnce(ClientConfig) -> ClientConfig,
) -> Error {
    client(mock, configure)
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect_err("the call must fail")
}

#[tokio::test(flavor = "multi_thread")]
async fn authentication_failures_are_typed_api_errors() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply("DescribeInstances", describe_reply())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");

    for signing in [SigningMethod::Tc3HmacSha256, SigningMethod::HmacSha1] {
        let wrong_key = Client::new(
            ClientConfig::new(Credentials::new(SECRET_ID, "not-the-key"))
                .endpoint(mock.url())
                .signing_method(signing),
        )
        .expect("valid");
        let error = wrong_key
            .describe_instances(DescribeInstancesRequest::new())
            .await
            .expect_err("a wrong key is refused");
        assert_eq!(
            error.code(),
            Some("AuthFailure.SignatureFailure"),
            "{signing:?}"
        );
        assert!(error.request_id().is_some());
        assert!(
            !error.to_string().contains("not-the-key"),
            "the key must not leak: {error}"
        );

        let unknown = Client::new(
            ClientConfig::new(Credentials::new("AKIDunknown", SECRET_KEY))
                .endpoint(mock.url())
                .signing_method(signing),
        )
        .expect("valid");
        let error = unknown
            .describe_instances(DescribeInstancesRequest::new())
            .await
            .expect_err("an unknown id is refused");
        assert_eq!(
            error.code(),
            Some("AuthFailure.SecretIdNotFound"),
            "{signing:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_keep_code_message_and_request_id() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply(
            "DescribeInstances",
            json!({"Response": {"Error": {"Code": "InvalidInstanceId.NotFound", "Message": "no such instance"}, "RequestId": "req-42"}}),
        )
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let error = error_of(&mock, |c| c).await;
    let api = error.as_api().expect("an API error");
    assert_eq!(api.code, "InvalidInstanceId.NotFound");
    assert_eq!(api.message, "no such instance");
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    assert_eq!(api.action, "DescribeInstances");
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_become_distinct_error_kinds() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply("DescribeInstances", describe_reply())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");

    mock.set_fault("DescribeInstances", Some(Fault::Status(503)));
    match error_of(&mock, |c| c).await {
        Error::Http { status, body, .. } => {
            assert_eq!(status, 503);
            assert_eq!(body, "upstream unavailable");
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }

    let malformed = [
        "<html>gateway</html>",
        "",
        "{\"Response\": ",
        "[1, 2]",
        "{\"Response\": {\"TotalCount\": \"many\"}}",
        "{\"Response\": {\"InstanceSet\": [{\"CPU\": {\"deep\": true}}]}}",
        "{\"Response\": {\"Error\": 7}}",
        "{\"NotResponse\": {}}",
    ];
    for body in malformed {
        mock.set_fault("DescribeInstances", Some(Fault::Body(body.to_owned())));
        // A success reply's body can hold secrets: only `log_bodies` keeps it.
        for (log_bodies, shown) in [(false, WITHHELD_BODY), (true, body)] {
            match error_of(&mock, |c| c.log_bodies(log_bodies)).await {
                Error::Decode {
                    status,
                    body: snippet,
                    ..
                } => {
                    assert_eq!(status, 200);
                    assert_eq!(snippet, shown);
                }
                Error::Api(api) => assert_eq!(body, "{\"Response\": {\"Error\": 7}}", "{api}"),
                other => panic!("{body}: expected a decode error, got {other:?}"),
            }
        }
    }

    mock.set_fault(
        "DescribeInstances",
        Some(Fault::ApiError {
            code: "RequestLimitExceeded".into(),
            message: "slow down".into(),
        }),
    );
    assert_eq!(
        error_of(&mock, |c| c).await.code(),
        Some("RequestLimitExceeded")
    );

    mock.set_fault(
        "DescribeInstances",
        Some(Fault::Delay(Duration::from_secs(2))),
    );
    let error = error_of(&mock, |c| c.timeout(Duration::from_millis(200))).await;
    assert!(error.is_timeout(), "{error:?}");

    // Nulls and missing fields are fine in a reply.
    mock.set_fault("DescribeInstances", None);
    mock.set_reply(
        "DescribeInstances",
        json!({"Response": {"TotalCount": null, "InstanceSet": null, "RequestId": "r", "Unknown": 1}}),
    );
    let reply = client(&mock, |c| c)
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("nulls decode");
    assert_eq!(reply.total_count, None);
    assert!(reply.instance_set.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_timestamp_is_refused_as_expired() {
    let mock = MockServer::builder(&SERVICE)
        .credentials(credentials())
        .reply("RunInstances", json!({"Response": {"RequestId": "r"}}))
        .max_clock_skew(Duration::from_secs(60))
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let runtime = client(&mock, |c| c).runtime().clone();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let signed_ago = |seconds: u64| {
        let context = tencentcloud_cvm::runtime::SigningContext {
            timestamp: i64::try_from(now - seconds).expect("fits"),
            nonce: 1,
        };
        runtime
            .prepare(
                &credentials(),
                "RunInstances",
                None,
                &RunInstancesRequest::new(),
                context,
            )
            .expect("prepares")
    };
    // Past the 60 s the mock tolerates: refused as expired.
    let http = reqwest_free_post(&mock, &signed_ago(90)).await;
    assert!(http.contains("AuthFailure.SignatureExpire"), "{http}");
    // Within it: the same request is answered.
    let http = reqwest_free_post(&mock, &signed_ago(30)).await;
    assert!(
        http.starts_with("HTTP/1.1 200") && !http.contains("AuthFailure"),
        "{http}"
    );
}

/// Sends a prepared request over a plain TCP connection, so the test
/// controls the timestamp; returns the reply body.
async fn reqwest_free_post(
    mock: &MockServer,
    prepared: &tencentcloud_cvm::runtime::PreparedRequest,
) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect("connects");
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        mock.addr(),
        prepared.body.len()
    );
    for (name, value) in &prepared.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("writes");
    stream.write_all(&prepared.body).await.expect("writes");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("reads");
    reply
}
