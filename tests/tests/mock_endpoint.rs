//! The mock endpoint behaves like the service: it validates params against
//! the spec, answers with example replies, runs handlers, and survives
//! malformed requests.

use serde_json::{json, Value};
use tencentcloud_cvm::runtime::signing::tc3;
use tencentcloud_cvm::runtime::{Client as RuntimeClient, SigningContext};
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
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=content-type;host, Signature=00\r\nContent-Type: application/json\r\nX-TC-Timestamp: soon\r\nX-TC-Action: DescribeZones\r\nContent-Length: 0\r\n\r\n",
        b"GET /?Action=DescribeZones&SecretId=x&Signature=%ZZ&Nonce=1&Timestamp=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\n\xff\xfe=\x00&a.b",
    ];
    let expected = [
        "400 Bad Request",
        "UnsupportedProtocol",
        "AuthFailure.InvalidAuthorization",
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

// ------------------------------------------------------------------------
// The request rules of Tencent's signature and request-structure docs: each
// request below is signed right and breaks exactly one rule.

const REGION: &str = "ap-guangzhou";

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(now.expect("after 1970").as_secs()).expect("fits")
}

/// Sends a request with these headers (reqwest adds Host and
/// Content-Length only) and returns the JSON reply.
async fn send(method: HttpMethod, url: &str, headers: &[(String, String)], body: Vec<u8>) -> Value {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    let method = match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
    };
    let mut request = http.request(method, url).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let reply = request.send().await.expect("the mock answers");
    let text = reply.text().await.expect("a reply body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `Code: Message` of an API 3.0 error reply, or `accepted`.
fn outcome(reply: &Value) -> String {
    let error = &reply["Response"]["Error"];
    match error["Code"].as_str() {
        Some(code) => format!("{code}: {}", error["Message"].as_str().unwrap_or("")),
        None => "accepted".into(),
    }
}

/// Asserts the reply is the error `code`, and says what broke otherwise.
fn assert_refused(reply: &Value, code: &str, case: &str) {
    let outcome = outcome(reply);
    assert!(
        outcome.starts_with(&format!("{code}: ")),
        "{case}: expected {code}, got {outcome}"
    );
}

/// A TC3-HMAC-SHA256 request, signed right over the headers `signed` names
/// (all of them sent); a test changes one thing from [`Tc3::post`] or
/// [`Tc3::get`].
struct Tc3 {
    method: HttpMethod,
    service: &'static str,
    version: &'static str,
    action: &'static str,
    content_type: Option<&'static str>,
    /// SignedHeaders, as sent: lowercase names, sorted, `;` between.
    signed: &'static str,
    /// The Credential's scope after the SecretId; `Date/service/tc3_request`
    /// when `None`.
    scope: Option<String>,
    query: String,
    body: Vec<u8>,
}

impl Tc3 {
    /// What this SDK sends: a JSON POST, the action header signed too.
    fn post(body: Value) -> Tc3 {
        Tc3 {
            method: HttpMethod::Post,
            service: "cvm",
            version: "2017-03-12",
            action: "DescribeZones",
            content_type: Some("application/json; charset=utf-8"),
            signed: "content-type;host;x-tc-action",
            scope: None,
            query: String::new(),
            body: body.to_string().into_bytes(),
        }
    }

    fn get(query: &str) -> Tc3 {
        Tc3 {
            method: HttpMethod::Get,
            action: "DescribeInstances",
            content_type: Some("application/x-www-form-urlencoded"),
            query: query.to_owned(),
            body: Vec::new(),
            ..Tc3::post(json!({}))
        }
    }

    async fn send(&self, mock: &MockServer) -> Value {
        let timestamp = unix_now();
        let host = mock.addr().to_string();
        let url = mock.url();
        let path = url
            .strip_prefix(&format!("http://{host}"))
            .expect("the mock's own URL");
        let stamp = timestamp.to_string();
        let action = self.action.to_ascii_lowercase();
        let values = [
            ("content-type", self.content_type.unwrap_or_default()),
            ("host", host.as_str()),
            // Signed lowercased, as the SDKs and Tencent's examples do.
            ("x-tc-action", action.as_str()),
            ("x-tc-timestamp", stamp.as_str()),
            ("x-tc-version", self.version),
        ];
        let signed: Vec<(&str, &str)> = self
            .signed
            .split(';')
            .map(|name| *values.iter().find(|(n, _)| *n == name).expect("known"))
            .collect();
        let canonical = tc3::canonical_request(&tc3::Tc3Request {
            method: self.method.as_str(),
            canonical_uri: path,
            canonical_query: &self.query,
            headers: &signed,
            payload: &self.body,
        });
        let string_to_sign = tc3::string_to_sign(&canonical, timestamp, self.service);
        let credentials = credentials();
        let signature = tc3::signature(
            credentials.secret_key(),
            timestamp,
            self.service,
            &string_to_sign,
        );
        let scope = self
            .scope
            .clone()
            .unwrap_or_else(|| tc3::credential_scope(timestamp, self.service));
        let authorization = format!(
            "{} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            tc3::ALGORITHM,
            credentials.secret_id(),
            self.signed
        );
        let mut headers = vec![("Authorization".to_owned(), authorization)];
        if let Some(content_type) = self.content_type {
            headers.push(("Content-Type".into(), content_type.into()));
        }
        for (name, value) in [
            ("X-TC-Action", self.action),
            ("X-TC-Timestamp", &stamp),
            ("X-TC-Version", self.version),
            ("X-TC-Region", REGION),
        ] {
            headers.push((name.into(), value.into()));
        }
        let url = match self.query.is_empty() {
            true => url.clone(),
            false => format!("{url}?{}", self.query),
        };
        send(self.method, &url, &headers, self.body.clone()).await
    }
}

/// The request forms Tencent documents are taken: this SDK's, the Python
/// SDK's (`application/json` without a charset, only content-type and host
/// signed) and a TC3 GET, so the refusals below come from the one rule
/// each breaks.
#[tokio::test(flavor = "multi_thread")]
async fn documented_tc3_requests_are_taken() {
    let mock = start().await;
    let python = Tc3 {
        content_type: Some("application/json"),
        signed: "content-type;host",
        ..Tc3::post(json!({}))
    };
    let charset_upper = Tc3 {
        content_type: Some("Application/JSON;charset=UTF-8"),
        ..Tc3::post(json!({}))
    };
    let cases = [
        ("this SDK's POST", Tc3::post(json!({}))),
        ("the Python SDK's POST", python),
        ("a charset in capitals", charset_upper),
        ("a GET", Tc3::get("Limit=1")),
    ];
    for (case, request) in cases {
        let reply = request.send(&mock).await;
        assert_eq!(outcome(&reply), "accepted", "{case}: {reply}");
        assert!(
            reply["Response"]["RequestId"].is_string(),
            "{case}: {reply}"
        );
    }
}

/// Signature v3: "content-type 和 host 为必选头部" (both are always signed).
#[tokio::test(flavor = "multi_thread")]
async fn tc3_must_sign_content_type_and_host() {
    let mock = start().await;
    for signed in [
        "host;x-tc-action",
        "content-type;x-tc-action",
        "x-tc-action",
    ] {
        let reply = Tc3 {
            signed,
            ..Tc3::post(json!({}))
        }
        .send(&mock)
        .await;
        assert_refused(&reply, "AuthFailure.InvalidAuthorization", signed);
        let missing = if signed.contains("content-type") {
            "host"
        } else {
            "content-type"
        };
        assert!(
            outcome(&reply).contains(&format!("must include `{missing}`")),
            "{signed}: {reply}"
        );
    }
}

/// Signature v3: the credential scope is exactly Date/service/tc3_request.
#[tokio::test(flavor = "multi_thread")]
async fn tc3_scope_must_end_with_tc3_request_and_have_three_parts() {
    let mock = start().await;
    let date = tc3::date_of(unix_now());
    let scopes = [
        format!("{date}/cvm/tc3_requests"),
        format!("{date}/cvm/aws4_request"),
        format!("{date}/cvm/tc3_request/extra"),
        format!("{date}/cvm"),
    ];
    for scope in scopes {
        let reply = Tc3 {
            scope: Some(scope.clone()),
            ..Tc3::post(json!({}))
        }
        .send(&mock)
        .await;
        assert_refused(&reply, "AuthFailure.InvalidAuthorization", &scope);
    }
}

/// The legacy API 2.0 (`/v2/index.php`) only takes the v1 signature, in the
/// `Signature` param; a TC3 request gets its auth failure, 4100.
#[tokio::test(flavor = "multi_thread")]
async fn api2_refuses_tc3() {
    let mock = tencentcloud_cvm::v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("binds 127.0.0.1");
    let post = Tc3 {
        action: "DescribeInstances",
        version: "v2",
        ..Tc3::post(json!({"limit": 1}))
    };
    let get = Tc3 {
        version: "v2",
        ..Tc3::get("limit=1")
    };
    for (case, request) in [("POST", post), ("GET", get)] {
        let reply = request.send(&mock).await;
        assert_eq!(reply["code"], 4100, "{case}: {reply}");
        assert_eq!(reply["codeDesc"], "AuthFailure.SignatureFailure", "{case}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains("TC3-HMAC-SHA256"), "{case}: {reply}");
    }
    // The same API 2.0 request signed v1 is answered.
    let client = tencentcloud_cvm::v2::Client::new(
        ClientConfig::new(credentials())
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid");
    client
        .invoke("DescribeInstances", json!({}))
        .await
        .expect("a v1 request is answered");
}

/// Request structure: "对于 GET 方法，只支持 Content-Type:
/// application/x-www-form-urlencoded"; a TC3 POST takes application/json
/// (or multipart/form-data, for the few actions documented for it).
#[tokio::test(flavor = "multi_thread")]
async fn tc3_content_type_must_match_the_http_method() {
    let mock = start().await;
    let post = |content_type| Tc3 {
        content_type,
        ..Tc3::post(json!({}))
    };
    let multipart = Tc3 {
        content_type: Some("multipart/form-data; boundary=b0undary"),
        body: b"--b0undary\r\nContent-Disposition: form-data; name=\"Limit\"\r\n\r\n1\r\n--b0undary--\r\n"
            .to_vec(),
        ..Tc3::post(json!({}))
    };
    let cases = [
        ("POST as text/plain", post(Some("text/plain"))),
        (
            "POST as a form",
            post(Some("application/x-www-form-urlencoded")),
        ),
        (
            "POST in another charset",
            post(Some("application/json; charset=gbk")),
        ),
        ("POST as multipart", multipart),
        (
            "GET as JSON",
            Tc3 {
                content_type: Some("application/json"),
                ..Tc3::get("Limit=1")
            },
        ),
    ];
    for (case, request) in cases {
        let reply = request.send(&mock).await;
        assert_refused(&reply, "UnsupportedProtocol", case);
    }
    // Without a Content-Type header at all.
    let reply = Tc3 {
        content_type: None,
        ..Tc3::post(json!({}))
    }
    .send(&mock)
    .await;
    assert_refused(&reply, "UnsupportedProtocol", "POST without a Content-Type");
}

/// A DescribeZones request as `client` signs it, sent with `content_type`
/// in place of its own Content-Type (none: without one).
async fn with_content_type(client: &RuntimeClient, content_type: Option<&str>) -> Value {
    let prepared = client
        .prepare(
            &credentials(),
            "DescribeZones",
            None,
            &json!({}),
            SigningContext::now(),
        )
        .expect("prepares");
    let mut headers: Vec<(String, String)> = prepared
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
        .cloned()
        .collect();
    if let Some(content_type) = content_type {
        headers.push(("Content-Type".into(), content_type.into()));
    }
    send(prepared.method, &prepared.url, &headers, prepared.body).await
}

/// What the v1 Content-Type tests send: the form type, others, none.
const V1_CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/x-www-form-urlencoded"),
    Some("application/json"),
    Some("text/plain"),
    None,
];

/// Request structure: a v1 (HmacSHA1/HmacSHA256) POST sends its params as
/// application/x-www-form-urlencoded.
#[tokio::test(flavor = "multi_thread")]
async fn v1_post_must_be_a_form() {
    let mock = start().await;
    let client = runtime(&mock, |c| {
        c.signing_method(SigningMethod::HmacSha256)
            .http_method(HttpMethod::Post)
    });
    for content_type in V1_CONTENT_TYPES {
        let reply = with_content_type(&client, content_type).await;
        match content_type {
            Some("application/x-www-form-urlencoded") => {
                assert_eq!(outcome(&reply), "accepted", "{reply}")
            }
            other => assert_refused(&reply, "UnsupportedProtocol", &format!("{other:?}")),
        }
    }
}

/// The request-structure doc gives every GET the form Content-Type, but
/// the mock does not check a v1 GET's (only a TC3 GET's), whatever it says
/// or without one: a deliberate leniency, since this SDK's v1 GET sends
/// none (its params are in the query).
#[tokio::test(flavor = "multi_thread")]
async fn a_v1_gets_content_type_is_not_checked() {
    let mock = start().await;
    let client = runtime(&mock, |c| {
        c.signing_method(SigningMethod::HmacSha256)
            .http_method(HttpMethod::Get)
    });
    for content_type in V1_CONTENT_TYPES {
        let reply = with_content_type(&client, content_type).await;
        assert_eq!(outcome(&reply), "accepted", "{content_type:?}: {reply}");
    }
}

/// This SDK's own requests pass every rule, in every signing method and
/// HTTP method each family takes.
#[tokio::test(flavor = "multi_thread")]
async fn the_sdks_requests_pass_in_every_signing_and_http_method() {
    let mock = start().await;
    let v2 = tencentcloud_cvm::v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("binds 127.0.0.1");
    for signing in [
        SigningMethod::Tc3HmacSha256,
        SigningMethod::HmacSha256,
        SigningMethod::HmacSha1,
    ] {
        for method in [HttpMethod::Post, HttpMethod::Get] {
            let client = runtime(&mock, |c| c.signing_method(signing).http_method(method));
            let reply: Value = client
                .call("DescribeZones", None, &json!({}))
                .await
                .unwrap_or_else(|e| panic!("{signing:?} {method:?}: {e}"));
            assert!(reply["ZoneSet"].is_array(), "{reply}");
            if signing == SigningMethod::Tc3HmacSha256 {
                continue;
            }
            let client = tencentcloud_cvm::v2::Client::new(
                ClientConfig::new(credentials())
                    .region("gz")
                    .endpoint(v2.url())
                    .signing_method(signing)
                    .http_method(method),
            )
            .expect("valid");
            client
                .invoke("DescribeInstances", json!({}))
                .await
                .unwrap_or_else(|e| panic!("API 2.0 {signing:?} {method:?}: {e}"));
        }
    }
}

/// A queued fault of a streamed action goes to exactly one request, even
/// when requests race for it: the check and the take are one locked step.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_queued_fault_of_a_stream_goes_to_exactly_one_of_racing_requests() {
    use tencentcloud_hunyuan::v20230901::mock as hunyuan;
    let mock = hunyuan::builder()
        .credentials(credentials())
        .stream("ChatCompletions", hunyuan::MockStream::chat(["o", "k"]))
        .start()
        .await
        .expect("binds 127.0.0.1");
    let client = tencentcloud_hunyuan::v20230901::Client::new(
        ClientConfig::new(credentials())
            .region(REGION)
            .endpoint(mock.url()),
    )
    .expect("valid");
    // A long message: hashing it widens the window between a check and a take.
    let content = "x".repeat(1 << 20);
    let request = json!({
        "Model": "hunyuan-lite",
        "Messages": [{"Role": "user", "Content": content}],
        "Stream": true
    });
    const RACERS: usize = 4;
    for round in 0..3 {
        mock.queue_faults(
            "ChatCompletions",
            [tencentcloud_mock::Fault::ApiError {
                code: "RequestLimitExceeded".into(),
                message: "slow down".into(),
            }],
        );
        let sends = (0..RACERS).map(|_| {
            let prepared = client
                .runtime()
                .prepare(
                    &credentials(),
                    "ChatCompletions",
                    None,
                    &request,
                    SigningContext::now(),
                )
                .expect("prepares");
            async move {
                let http = reqwest::Client::builder()
                    .no_proxy()
                    .build()
                    .expect("a client");
                let mut send = http.post(&prepared.url).body(prepared.body.clone());
                for (name, value) in &prepared.headers {
                    send = send.header(name, value);
                }
                let reply = send.send().await.expect("answered");
                let stream = reply
                    .headers()
                    .get("content-type")
                    .is_some_and(|t| t == "text/event-stream");
                let body = reply.text().await.expect("a body");
                match (stream, body.contains("RequestLimitExceeded")) {
                    (true, _) => "stream",
                    (false, true) => "fault",
                    (false, false) => "neither",
                }
            }
        });
        let mut outcomes = futures_util::future::join_all(sends).await;
        outcomes.sort_unstable();
        let mut expected = vec!["fault"];
        expected.extend(["stream"; RACERS - 1]);
        assert_eq!(outcomes, expected, "round {round}");
    }
}

/// A mock without a spec takes any params; what its request log's Debug
/// shows of a secret-named member holding an object is redacted whole.
#[tokio::test(flavor = "multi_thread")]
async fn secrets_under_a_secret_named_object_stay_out_of_the_logs_debug() {
    let mock = tencentcloud_mock::MockServer::builder(&tencentcloud_cvm::v20170312::SERVICE)
        .credentials(credentials())
        .reply("RunInstances", json!({"Response": {"RequestId": "r"}}))
        .start()
        .await
        .expect("binds 127.0.0.1");
    let params = json!({"Password": {"a": "secret-object-1"},
        "LoginSettings": {"Password": {"Plain": "secret-object-2"}}, "InstanceName": "kept-name"});
    for method in [HttpMethod::Post, HttpMethod::Get] {
        let client = runtime(&mock, |c| c.http_method(method));
        client
            .call::<Value, Value>("RunInstances", None, &params)
            .await
            .expect("no spec: accepted");
    }
    let received = mock.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].params["Password"]["a"], "secret-object-1");
    let shown = format!("{received:?} {received:#?}");
    for secret in ["secret-object-1", "secret-object-2"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("Password.a"), "{shown}");
    assert!(shown.contains("kept-name"), "{shown}");
}
