//! End to end for the legacy API 2.0: every v2 action through the
//! generated client and the signature-checking mock on 127.0.0.1.

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::error::WITHHELD_BODY;
use tencentcloud_cvm::v2::mock::{builder, Fault, MockServer};
use tencentcloud_cvm::v2::{Client, DescribeInstancesRequest, ReturnInstanceRequest};
use tencentcloud_cvm::{ClientConfig, Credentials, Error, HttpMethod, SigningMethod};
use tencentcloud_tests::{cvm_version, json_subset};

const SECRET_ID: &str = "AKIDlegacytest000000000000000000";
const SECRET_KEY: &str = "legacytestsecretkey0000000000000";

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

async fn mock() -> MockServer {
    builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1")
}

fn client(mock: &MockServer, configure: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    let config = ClientConfig::new(credentials())
        .region("gz")
        .endpoint(mock.url());
    Client::new(configure(config)).expect("valid configuration")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_v2_action_round_trips() {
    let spec = cvm_version("v2");
    assert!(spec.actions.len() >= 69, "{} actions", spec.actions.len());
    let mock = mock().await;
    let methods = [
        (SigningMethod::HmacSha1, HttpMethod::Get),
        (SigningMethod::HmacSha256, HttpMethod::Post),
    ];
    for (signing, method) in methods {
        let client = client(&mock, |c| c.signing_method(signing).http_method(method));
        for (name, action) in &spec.actions {
            let example = &action.value.examples[0];
            let at = format!("{name} ({signing:?} {method:?})");
            mock.set_reply(name.clone(), Value::Object(example.response.clone()));
            let params = Value::Object(example.request.clone());
            let reply = client
                .invoke(name, params.clone())
                .await
                .unwrap_or_else(|e| panic!("{at}: {e}"));

            let received = mock.received().pop().expect("recorded");
            assert_eq!(received.action, *name, "{at}");
            assert_eq!(
                (received.signing_method, received.http_method),
                (signing, method)
            );
            if let Err(diff) = json_subset(&params, &received.params) {
                panic!("{at}: a param was lost on the wire: {diff}");
            }
            if let Err(diff) = json_subset(&reply, &Value::Object(example.response.clone())) {
                panic!("{at}: the typed reply differs from the example: {diff}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_lists_are_sent_as_name_dot_n() {
    let mock = mock().await;
    mock.set_reply(
        "DescribeInstances",
        json!({"code": 0, "message": "", "totalCount": 0, "instanceSet": []}),
    );
    client(&mock, |c| c)
        .describe_instances(
            DescribeInstancesRequest::new()
                .with_instance_ids(["ins-1", "ins-2"])
                .with_limit(2),
        )
        .await
        .expect("accepted");
    let raw = mock.received().pop().expect("recorded").raw_params;
    assert_eq!(
        raw,
        [
            ("instanceIds.0", "ins-1"),
            ("instanceIds.1", "ins-2"),
            ("limit", "2")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn non_zero_codes_and_bad_bodies_are_typed_errors() {
    let mock = mock().await;
    let client = client(&mock, |c| c);
    let call = || client.return_instance(ReturnInstanceRequest::new("ins-1"));

    mock.set_reply(
        "ReturnInstance",
        json!({"code": 5100, "message": "(100004)projectId不正确", "codeDesc": "InvalidProjectId"}),
    );
    let error = call().await.expect_err("code 5100 is an error");
    let api = error.as_api().expect("an API error");
    assert_eq!(
        (api.code.as_str(), api.message.as_str()),
        ("5100", "(100004)projectId不正确")
    );
    assert_eq!(api.code_desc.as_deref(), Some("InvalidProjectId"));

    for body in ["<html>busy</html>", "", "{\"message\": \"no code\"}", "[]"] {
        mock.set_fault("ReturnInstance", Some(Fault::Body(body.to_owned())));
        match call().await {
            Err(Error::Decode { body: snippet, .. }) => assert_eq!(snippet, WITHHELD_BODY),
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
    mock.set_fault("ReturnInstance", Some(Fault::Status(502)));
    assert!(matches!(call().await, Err(Error::Http { status: 502, .. })));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mock_refuses_like_the_legacy_service() {
    let mock = mock().await;
    let wrong_key = Client::new(
        ClientConfig::new(Credentials::new(SECRET_ID, "wrong"))
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid");
    let error = wrong_key
        .return_instance(ReturnInstanceRequest::new("ins-1"))
        .await
        .expect_err("a wrong key is refused");
    let api = error.as_api().expect("an API error");
    assert_eq!(api.code, "4100");
    assert_eq!(
        api.code_desc.as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    let unknown = Client::new(
        ClientConfig::new(Credentials::new("AKIDnobody", SECRET_KEY))
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid");
    let error = unknown
        .return_instance(ReturnInstanceRequest::new("ins-1"))
        .await
        .expect_err("an unknown id is refused");
    assert_eq!(error.code(), Some("4104"));

    // The legacy API needs a region.
    let no_region =
        Client::new(ClientConfig::new(credentials()).endpoint(mock.url())).expect("valid");
    let error = no_region
        .return_instance(ReturnInstanceRequest::new("ins-1"))
        .await
        .expect_err("no region");
    assert_eq!(
        error.as_api().and_then(|a| a.code_desc.as_deref()),
        Some("MissingParameter")
    );

    // Params are checked against the spec.
    let error = client(&mock, |c| c)
        .invoke("ReturnInstance", json!({}))
        .await
        .expect_err("a required param is missing");
    assert!(
        matches!(error, Error::Encode { .. }),
        "the typed request refuses first: {error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_legacy_timestamp_is_a_replay_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = mock().await;
    let context = tencentcloud_cvm::runtime::SigningContext {
        timestamp: 1_465_185_768,
        nonce: 11_886,
    };
    let prepared = client(&mock, |c| c)
        .runtime()
        .prepare(
            &credentials(),
            "ReturnInstance",
            None,
            &ReturnInstanceRequest::new("ins-1"),
            context,
        )
        .expect("prepares");
    let target = prepared
        .url
        .split_once("/v2/")
        .map(|(_, rest)| format!("/v2/{rest}"))
        .expect("a path");
    let mut stream = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect("connects");
    let head = format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        mock.addr()
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("reads");
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {reply}"));
    assert_eq!(json["code"], 4500, "{json}");
    assert_eq!(json["codeDesc"], "AuthFailure.SignatureExpire");
}
