//! The mock endpoint behaves like the service: it validates params against
//! the spec, answers with example replies, runs handlers, and survives
//! malformed requests.

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::Client as RuntimeClient;
use tencentcloud_cvm::v20170312::mock::{builder, MockServer};
use tencentcloud_cvm::v20170312::{Client, DescribeZonesRequest};
use tencentcloud_cvm::{ClientConfig, Credentials, HttpMethod, SigningMethod};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn credentials() -> Credentials {
    Credentials::new(
        "AKIDmocktest00000000000000000000",
        "mocktestsecretkey000000000000000",
    )
}

async fn start() -> MockServer {
    builder()
        .credentials(credentials())
        .start()
        .await
        .expect("binds 127.0.0.1")
}

fn runtime(
    mock: &MockServer,
    configure: impl FnOnce(ClientConfig) -> ClientConfig,
) -> RuntimeClient {
    let config = configure(
        ClientConfig::new(credentials())
            .region("ap-guangzhou")
            .endpoint(mock.url()),
    );
    Client::new(config).expect("valid").runtime().clone()
}

async fn code_of(client: &RuntimeClient, action: &str, params: Value) -> String {
    match client.call::<Value, Value>(action, None, &params).await {
        Ok(reply) => panic!("{action} {params}: accepted with {reply}"),
        Err(e) => format!(
            "{}: {}",
            e.code().unwrap_or("-"),
            e.as_api().map_or(String::new(), |a| a.message.clone())
        ),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn params_are_checked_against_the_spec() {
    let mock = start().await;
    for method in [HttpMethod::Post, HttpMethod::Get] {
        let client = runtime(&mock, |c| c.http_method(method));
        assert_eq!(
            code_of(&client, "TerminateInstances", json!({})).await,
            "MissingParameter: The request is missing a required parameter `InstanceIds`."
        );
        assert_eq!(
            code_of(&client, "DescribeInstances", json!({"Limit": "many"})).await,
            "InvalidParameter: The value of parameter `Limit` is not a valid int64."
        );
        assert_eq!(
            code_of(&client, "DescribeInstances", json!({"Filters": [{"Name": "zone", "Values": "x"}]})).await,
            "InvalidParameter: The value of parameter `Filters.0.Values` is not a valid list<string>."
        );
        assert_eq!(
            code_of(&client, "DescribeInstances", json!({"Bogus": 1})).await,
            "UnknownParameter: The parameter `Bogus` is not recognized."
        );
        assert_eq!(
            code_of(&client, "LaunchRocket", json!({})).await,
            "InvalidAction: The action `LaunchRocket` does not exist."
        );
    }
    // Numbers in string form are fine in query params, not in a JSON body.
    let get = runtime(&mock, |c| {
        c.http_method(HttpMethod::Get)
            .signing_method(SigningMethod::HmacSha1)
    });
    let reply: Value = get
        .call("DescribeZones", None, &json!({}))
        .await
        .expect("valid");
    assert!(reply["ZoneSet"].is_array(), "the example reply: {reply}");
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_come_from_examples_handlers_and_faults() {
    // Without CVM's world, DescribeZones answers with its example reply.
    let mock = builder()
        .credentials(credentials())
        .without_behaviour()
        .start()
        .await
        .expect("binds 127.0.0.1");
    let client = Client::new(ClientConfig::new(credentials()).endpoint(mock.url())).expect("valid");
    let zones = client
        .describe_zones(DescribeZonesRequest::new())
        .await
        .expect("the example reply");
    assert_eq!(
        zones.zone_set.len(),
        3,
        "as in the spec's first DescribeZones example"
    );

    mock.set_handler("DescribeZones", |request| {
        json!({"Response": {"TotalCount": 1, "ZoneSet": [{"Zone": request.action}], "RequestId": "h"}})
    });
    let zones = client
        .describe_zones(DescribeZonesRequest::new())
        .await
        .expect("the handler's reply");
    assert_eq!(zones.zone_set[0].zone.as_deref(), Some("DescribeZones"));
}

/// Sends raw bytes and returns the whole reply.
async fn raw(mock: &MockServer, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect("connects");
    stream.write_all(bytes).await.expect("writes");
    let mut reply = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut reply),
    )
    .await;
    let text = String::from_utf8_lossy(&reply).into_owned();
    assert!(
        read.is_ok(),
        "the mock neither answered nor closed: {text:?}"
    );
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_error_replies_and_the_server_goes_on() {
    let mock = start().await;
    let requests: [&[u8]; 6] = [
        b"\x01\x02 not http\r\n\r\n",
        b"PUT / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: TC3-HMAC-SHA256 nonsense\r\nContent-Length: 2\r\n\r\n{}",
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=00\r\nX-TC-Timestamp: soon\r\nX-TC-Action: DescribeZones\r\nContent-Length: 0\r\n\r\n",
        b"GET /?Action=DescribeZones&SecretId=x&Signature=%ZZ&Nonce=1&Timestamp=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\n\xff\xfe=\x00&a.b",
    ];
    let expected = [
        "400 Bad Request",
        "UnsupportedProtocol",
        "AuthFailure.SignatureFailure",
        "AuthFailure.SecretIdNotFound",
        "AuthFailure.SecretIdNotFound",
        "MissingParameter",
    ];
    for (request, expected) in requests.iter().zip(expected) {
        let reply = raw(&mock, request).await;
        assert!(reply.contains(expected), "{expected} expected in:\n{reply}");
    }
    // One bad request does not affect the others.
    let client = Client::new(ClientConfig::new(credentials()).endpoint(mock.url())).expect("valid");
    client
        .describe_zones(DescribeZonesRequest::new())
        .await
        .expect("still serving");
}

/// A body over Tencent's 10 MB request limit is refused with its code,
/// and not held whole: the mock stops reading at the limit.
#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_request_is_refused_with_tencents_code() {
    let mock = start().await;
    let size = tencentcloud_mock::MAX_REQUEST_BYTES + 1024 * 1024;
    let stream = tokio::net::TcpStream::connect(mock.addr())
        .await
        .expect("connects");
    let (mut read, mut write) = stream.into_split();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    );
    // The mock may answer and close before all is written: ignore that.
    let writer = tokio::spawn(async move {
        let _ = write.write_all(head.as_bytes()).await;
        let _ = write.write_all(&vec![b' '; size]).await;
    });
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        read.read_to_end(&mut reply),
    )
    .await;
    writer.abort();
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.contains("RequestSizeLimitExceeded"), "{reply}");
}
