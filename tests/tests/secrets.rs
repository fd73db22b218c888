//! The SecretKey and the session token never show: not in Debug or Display
//! of credentials, configs, clients and errors, and not in the tracing
//! output of real calls (client and mock) that succeed and fail in every
//! way, over TC3 and v1, POST and GET.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tencentcloud_cvm::runtime::SigningContext;
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest, SERVICE};
use tencentcloud_cvm::{ClientConfig, Credentials, Error, HttpMethod, SigningMethod};
use tencentcloud_mock::{Fault, MockServer};

const SECRET_ID: &str = "AKIDvisibleid0000000000000000000";
const SECRET_KEY: &str = "SeCrEtKeY-must-never-show-7f3a9c";
const TOKEN: &str = "ToKeN-must-never-show-b41e";
const WRONG_KEY: &str = "WrOnGkEy-must-never-show-55d0";

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_hidden(what: &str, text: &str) {
    for secret in [SECRET_KEY, TOKEN, WRONG_KEY] {
        assert!(!text.contains(secret), "{what} shows a secret:\n{text}");
    }
}

/// A TRACE subscriber writing into the returned buffer, and a runtime to
/// run calls under it.
fn traced() -> (Captured, impl tracing::Subscriber, tokio::runtime::Runtime) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    (captured, subscriber, runtime)
}

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY).with_token(TOKEN)
}

#[test]
fn calls_that_succeed_and_fail_never_show_a_secret() {
    let (captured, subscriber, runtime) = traced();
    let mut shown = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let mock = MockServer::builder(&SERVICE)
                .behaviour(tencentcloud_mock::cvm::CvmWorld::seeded())
                .credentials(credentials())
                .start()
                .await
                .expect("the mock binds 127.0.0.1");
            let signings = [
                (SigningMethod::Tc3HmacSha256, HttpMethod::Post),
                (SigningMethod::Tc3HmacSha256, HttpMethod::Get),
                (SigningMethod::HmacSha256, HttpMethod::Get),
                (SigningMethod::HmacSha1, HttpMethod::Post),
            ];
            for (signing, http) in signings {
                let config = ClientConfig::new(credentials())
                    .region("ap-guangzhou")
                    .endpoint(mock.url())
                    .signing_method(signing)
                    .http_method(http);
                shown.push(format!("{config:?}"));
                let client = Client::new(config).expect("valid config");
                shown.push(format!("{client:?}"));
                let call = || client.describe_instances(DescribeInstancesRequest::new());
                let prepared = client
                    .runtime()
                    .prepare(
                        &credentials(),
                        "DescribeInstances",
                        None,
                        &DescribeInstancesRequest::new().with_limit(1),
                        SigningContext::now(),
                    )
                    .expect("prepares");
                assert!(
                    prepared.headers.iter().any(|(_, v)| v == TOKEN)
                        || prepared.url.contains(TOKEN)
                        || String::from_utf8_lossy(&prepared.body).contains(TOKEN),
                    "the token is sent"
                );
                // The signature can be replayed within minutes: Debug hides it too.
                let query = prepared.url.split_once('?').map_or("", |(_, q)| q);
                let body = String::from_utf8_lossy(&prepared.body).into_owned();
                let signature = prepared
                    .headers
                    .iter()
                    .find_map(|(_, v)| v.rsplit_once("Signature=").map(|(_, s)| s.to_owned()))
                    .or_else(|| {
                        [query, body.as_str()]
                            .into_iter()
                            .flat_map(tencentcloud_cvm::runtime::params::decode_query)
                            .find_map(|(name, value)| (name == "Signature").then_some(value))
                    })
                    .expect("the request is signed");
                let debug = format!("{prepared:?}");
                assert!(!debug.contains(&signature), "{signing:?}: {debug}");
                assert!(
                    !debug.contains(&tencentcloud_cvm::runtime::params::encode_component(
                        &signature
                    )),
                    "{signing:?}: {debug}"
                );
                shown.push(debug);

                let reply = call().await.expect("signed correctly");
                shown.push(format!("{reply:?}"));
                let faults = [
                    Fault::ApiError {
                        code: "InternalError".into(),
                        message: "boom".into(),
                    },
                    Fault::Status(503),
                    Fault::Body("{not json".into()),
                ];
                for fault in faults {
                    mock.set_fault("DescribeInstances", Some(fault));
                    let error = call().await.expect_err("the fault fails the call");
                    shown.push(format!("{error}\n{error:?}"));
                }
                mock.set_fault("DescribeInstances", None);

                // The mock rejects a signature made with another key.
                let wrong =
                    ClientConfig::new(Credentials::new(SECRET_ID, WRONG_KEY).with_token(TOKEN))
                        .endpoint(mock.url())
                        .signing_method(signing)
                        .http_method(http);
                let error = Client::new(wrong)
                    .expect("valid config")
                    .describe_instances(DescribeInstancesRequest::new())
                    .await
                    .expect_err("bad signature");
                assert!(
                    error.code().is_some_and(|c| c.starts_with("AuthFailure")),
                    "{error}"
                );
                shown.push(format!("{error}\n{error:?}"));
            }

            // Transport errors: the v1 GET URL carries the token; the error must not.
            let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
            let url = format!("http://{}", closed.local_addr().expect("addr"));
            drop(closed);
            let config = ClientConfig::new(credentials())
                .endpoint(url)
                .signing_method(SigningMethod::HmacSha1)
                .http_method(HttpMethod::Get)
                .timeout(Duration::from_secs(5));
            let error = Client::new(config)
                .expect("valid config")
                .describe_instances(DescribeInstancesRequest::new())
                .await
                .expect_err("nothing listens");
            assert!(matches!(error, Error::Transport { .. }), "{error:?}");
            shown.push(format!("{error}\n{error:?}"));
        })
    });

    // Configuration and credential errors.
    for bad in [
        Credentials::new(SECRET_ID, format!("{SECRET_KEY} ")),
        Credentials::new(SECRET_ID, SECRET_KEY).with_token(format!("{TOKEN}\n")),
    ] {
        shown.push(format!("{bad:?}"));
        let error = Client::new(ClientConfig::new(bad)).expect_err("whitespace is refused");
        shown.push(format!("{error}\n{error:?}"));
    }
    let from_env = Credentials::from_lookup(|name| {
        (name == "TENCENTCLOUD_SECRET_KEY").then(|| SECRET_KEY.to_owned())
    })
    .expect_err("no SecretId");
    shown.push(format!("{from_env}\n{from_env:?}"));

    for (i, text) in shown.iter().enumerate() {
        assert_hidden(&format!("value {i}"), text);
    }
    let logs = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("UTF-8");
    // The logs are really captured (the id is not secret and is logged by
    // nobody, so look for the actions instead).
    assert!(
        logs.contains("DescribeInstances"),
        "no logs captured:\n{logs}"
    );
    assert_hidden("the tracing output", &logs);
}

/// The generated types print no credential they carry: a request's
/// password, a new key pair's private key, STS's temporary key and token.
#[test]
fn generated_types_redact_credentials_in_debug() {
    use tencentcloud_cvm::v20170312::{EnterRescueModeRequest, LoginSettings};
    let request = EnterRescueModeRequest::new("ins-1", SECRET_KEY);
    let settings = LoginSettings::new().with_password(SECRET_KEY);
    let debug = format!("{request:?} {settings:?} {:?}", LoginSettings::new());
    assert_hidden("a request's Debug", &debug);
    // The other members show, and an unset password shows as unset.
    assert!(debug.contains("\"ins-1\""), "{debug}");
    assert!(
        debug.contains("password: Some(\"<redacted>\")") && debug.contains("password: None"),
        "{debug}"
    );

    let key_pair: tencentcloud_cvm::v20170312::output::KeyPair = serde_json::from_value(
        serde_json::json!({"KeyId": "skey-1", "PublicKey": "ssh-rsa AAAA", "PrivateKey": SECRET_KEY}),
    )
    .expect("a key pair");
    let credentials: tencentcloud_sts::v20180813::output::Credentials =
        serde_json::from_value(serde_json::json!({
            "TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET_KEY, "Token": TOKEN
        }))
        .expect("credentials");
    let debug = format!("{key_pair:?} {credentials:?}");
    assert_hidden("a reply's Debug", &debug);
    assert!(
        debug.contains("ssh-rsa AAAA") && debug.contains("AKIDtmp"),
        "{debug}"
    );
}

/// With `log_bodies` on, params and bodies reach the TRACE log and decode
/// errors, still without the credentials they carry: a request's password
/// (JSON body and `.N` params) and a garbled success reply's secret key.
#[test]
fn bodies_logged_on_request_still_hide_credentials() {
    use tencentcloud_cvm::v20170312::{
        LoginSettings, ResetInstancesPasswordRequest, RunInstancesRequest,
    };
    let (captured, subscriber, runtime) = traced();
    let mut shown = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let mock = MockServer::builder(&SERVICE)
                .credentials(credentials())
                .without_behaviour()
                .reply(
                    "ResetInstancesPassword",
                    serde_json::json!({"Response": {"RequestId": "r"}}),
                )
                .start()
                .await
                .expect("the mock binds 127.0.0.1");
            for (signing, http) in [
                (SigningMethod::Tc3HmacSha256, HttpMethod::Post),
                (SigningMethod::HmacSha256, HttpMethod::Get),
            ] {
                let client = Client::new(
                    ClientConfig::new(credentials())
                        .region("ap-guangzhou")
                        .endpoint(mock.url())
                        .signing_method(signing)
                        .http_method(http)
                        .log_bodies(true),
                )
                .expect("valid config");
                client
                    .reset_instances_password(ResetInstancesPasswordRequest::new(
                        ["ins-1"],
                        SECRET_KEY,
                    ))
                    .await
                    .expect("the mock answers");
                // A success reply that does not decode, holding a key.
                let garbled = serde_json::json!({"Response": {
                    "InstanceIdSet": 7, "PrivateKey": WRONG_KEY, "RequestId": "r"
                }});
                mock.set_fault("RunInstances", Some(Fault::Body(garbled.to_string())));
                let run = RunInstancesRequest::new()
                    .with_login_settings(LoginSettings::new().with_password(TOKEN));
                let error = client.run_instances(run).await.expect_err("garbled");
                let Error::Decode { body, .. } = &error else {
                    panic!("a decode error: {error:?}");
                };
                assert!(
                    body.contains("<redacted>") && body.contains("RequestId"),
                    "{body}"
                );
                shown.push(format!("{error}\n{error:?}"));
            }
        })
    });
    for (i, text) in shown.iter().enumerate() {
        assert_hidden(&format!("error {i}"), text);
    }
    let logs = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("UTF-8");
    // Bodies were logged, redacted.
    assert!(
        logs.contains("request params")
            && logs.contains("reply body")
            && logs.contains("<redacted>"),
        "{logs}"
    );
    assert_hidden("the logs", &logs);
}
