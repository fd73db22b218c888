//! Every failure says whether the request reached the wire
//! (`Error::send_state`), its message names the real cause (a timeout reads
//! as a timeout in the phase it hit), and retries follow the state: a
//! request that was not sent goes again for any action, one that was sent
//! without a reply or answered with a 5xx only for idempotent actions.
//! Each failure point is real: servers on 127.0.0.1 that refuse, reset,
//! close, stall or answer badly.

mod wire_support;

use std::time::Duration;

use serde_json::{json, Value};
use tencentcloud_credentials::BoxFuture;
use tencentcloud_cvm::runtime::{
    Action, CallReport, Phase, ProvideCredentials, RetryConfig, SendState,
};
use tencentcloud_cvm::v20170312::Client;
use tencentcloud_cvm::{ClientConfig, Credentials, Error, HttpMethod, SigningMethod};
use wire_support::{closed_port_url, Behaviour, RawServer};

const SECRET_ID: &str = "AKIDsendstatetest000000000000000";
const SECRET_KEY: &str = "sendstatesecretkey00000000000000";

/// Read-only: retried after any retryable failure.
const DESCRIBE_ZONES: Action = Action {
    name: "DescribeZones",
    host: None,
    client_token: None,
    read_only: true,
};
/// Neither read-only nor with a token: retried only when nothing was sent.
const START_INSTANCES: Action = Action::named("StartInstances");

const TIMEOUT: Duration = Duration::from_millis(300);

fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_KEY)
}

fn config(endpoint: &str) -> ClientConfig {
    ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint(endpoint)
        .timeout(TIMEOUT)
        .retry(
            RetryConfig::default()
                .max_attempts(3)
                .backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
}

async fn call(config: ClientConfig, action: &Action) -> (Error, CallReport) {
    let client = Client::new(config).expect("a valid configuration");
    let (result, report) = client
        .runtime()
        .call_with_report::<Value, Value>(action, &json!({}))
        .await;
    match result {
        Ok(reply) => panic!("{}: expected an error, got {reply}", action.name),
        Err(error) => (error, report),
    }
}

/// One failure point: how the server behaves, and what the client must say.
struct Case {
    name: &'static str,
    behaviour: Behaviour,
    configure: fn(ClientConfig) -> ClientConfig,
    state: SendState,
    /// Attempts for a read-only and for a non-idempotent action.
    attempts: (u32, u32),
    check: fn(&Error),
}

fn same(config: ClientConfig) -> ClientConfig {
    config
}

fn reply(status: u16, body: &str) -> Behaviour {
    Behaviour::Reply {
        status,
        body: body.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_failure_point_has_its_state_and_retries_follow_it() {
    let cases = [
        Case {
            name: "the server resets the connection after reading the request",
            behaviour: Behaviour::Reset,
            configure: same,
            state: SendState::SentNoReply,
            attempts: (3, 1),
            check: |e| {
                assert!(
                    matches!(
                        e,
                        Error::Transport {
                            phase: Phase::Send,
                            status: None,
                            ..
                        }
                    ),
                    "{e:?}"
                );
                assert!(!e.is_timeout());
            },
        },
        Case {
            name: "the server closes the connection without a reply",
            behaviour: Behaviour::Close,
            configure: same,
            state: SendState::SentNoReply,
            attempts: (3, 1),
            check: |e| {
                assert!(
                    matches!(
                        e,
                        Error::Transport {
                            phase: Phase::Send,
                            ..
                        }
                    ),
                    "{e:?}"
                )
            },
        },
        Case {
            name: "the server reads the request and never answers",
            behaviour: Behaviour::Stall,
            configure: same,
            state: SendState::SentNoReply,
            attempts: (3, 1),
            check: |e| {
                assert!(e.is_timeout(), "{e:?}");
                assert!(
                    matches!(e, Error::Timeout { phase: Phase::Send, after, .. } if *after == TIMEOUT),
                    "{e:?}"
                );
            },
        },
        Case {
            name: "HTTP 500",
            behaviour: reply(500, "upstream unavailable"),
            configure: same,
            state: SendState::Replied,
            attempts: (3, 1),
            check: |e| assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}"),
        },
        Case {
            name: "an API error",
            behaviour: reply(
                200,
                r#"{"Response": {"Error": {"Code": "InvalidParameter", "Message": "no"}, "RequestId": "r"}}"#,
            ),
            configure: same,
            state: SendState::Replied,
            attempts: (1, 1),
            check: |e| assert_eq!(e.code(), Some("InvalidParameter"), "{e:?}"),
        },
        Case {
            name: "an internal error",
            behaviour: reply(
                200,
                r#"{"Response": {"Error": {"Code": "InternalError", "Message": "oops"}, "RequestId": "r"}}"#,
            ),
            configure: same,
            state: SendState::Replied,
            attempts: (3, 1),
            check: |e| assert!(e.is_internal(), "{e:?}"),
        },
        Case {
            name: "an undecodable reply",
            behaviour: reply(200, "<html>not json</html>"),
            configure: same,
            state: SendState::Replied,
            attempts: (1, 1),
            check: |e| assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}"),
        },
        Case {
            name: "a reply larger than the cap",
            behaviour: reply(
                200,
                &format!(r#"{{"Response": {{"Pad": "{}"}}}}"#, "x".repeat(200)),
            ),
            configure: |c| c.max_reply_bytes(64),
            state: SendState::Replied,
            attempts: (1, 1),
            check: |e| assert!(matches!(e, Error::ReplyTooLarge { limit: 64, .. }), "{e:?}"),
        },
        Case {
            name: "the server sends the headers and stalls in the body",
            behaviour: Behaviour::HeadersThenStall { length: 100 },
            configure: same,
            state: SendState::Replied,
            attempts: (3, 1),
            check: |e| {
                assert!(e.is_timeout(), "{e:?}");
                assert!(
                    matches!(
                        e,
                        Error::Timeout {
                            phase: Phase::ReadBody,
                            status: Some(200),
                            ..
                        }
                    ),
                    "{e:?}"
                );
            },
        },
        Case {
            name: "the server resets the connection in the middle of the body",
            behaviour: Behaviour::HeadersThenReset { length: 100 },
            configure: same,
            state: SendState::Replied,
            attempts: (3, 1),
            check: |e| {
                assert!(
                    matches!(
                        e,
                        Error::Transport {
                            phase: Phase::ReadBody,
                            status: Some(200),
                            ..
                        }
                    ),
                    "{e:?}"
                );
            },
        },
    ];
    for case in cases {
        let server = RawServer::start(case.behaviour.clone()).await;
        let config = (case.configure)(config(&server.url()));
        for (action, expected) in [
            (&DESCRIBE_ZONES, case.attempts.0),
            (&START_INSTANCES, case.attempts.1),
        ] {
            let before = server.seen().len();
            let (error, report) = call(config.clone(), action).await;
            let at = format!("{} ({}): {error}", case.name, action.name);
            assert_eq!(error.send_state(), case.state, "{at}");
            (case.check)(&error);
            assert_eq!(report.attempts, expected, "{at}");
            // Every attempt reached the server: the state said so.
            assert_eq!(server.seen().len() - before, expected as usize, "{at}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_was_not_sent_and_is_retried_for_any_action() {
    let url = closed_port_url();
    for action in [&DESCRIBE_ZONES, &START_INSTANCES] {
        let (error, report) = call(config(&url), action).await;
        assert_eq!(error.send_state(), SendState::NotSent, "{error}");
        assert_eq!(error.phase(), Some(Phase::Connect), "{error}");
        assert!(!error.is_timeout(), "{error}");
        assert_eq!(report.attempts, 3, "{}: {error}", action.name);
    }
}

/// A plain-HTTP server spoken to over https: the TLS handshake fails, and
/// nothing of the request was sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_tls_handshake_was_not_sent() {
    let server = RawServer::start(Behaviour::PlainTextAtOnce).await;
    let url = format!("https://{}", server.addr());
    let (error, report) = call(config(&url), &START_INSTANCES).await;
    assert_eq!(error.send_state(), SendState::NotSent, "{error}");
    assert_eq!(error.phase(), Some(Phase::Connect), "{error}");
    assert_eq!(report.attempts, 3, "{error}");
    let text = error.to_string();
    assert!(
        text.starts_with("StartInstances: failed while connecting: "),
        "{text}"
    );
    assert!(text.ends_with(" (the request was not sent)"), "{text}");
}

#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async { Err(Error::Credentials("no credentials found".into())) })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn config_credentials_and_encoding_failures_send_nothing() {
    let server = RawServer::start(reply(200, r#"{"Response": {"RequestId": "r"}}"#)).await;

    let error = Client::new(config(&server.url()).timeout(Duration::ZERO))
        .map(drop)
        .expect_err("a zero timeout");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_eq!(error.send_state(), SendState::NotSent);
    let error = Client::new(config("ftp://127.0.0.1"))
        .map(drop)
        .expect_err("not an http(s) URL");
    assert_eq!(error.send_state(), SendState::NotSent);

    let error = Client::new(ClientConfig::new(Credentials::new(SECRET_ID, "")))
        .map(drop)
        .expect_err("an empty key");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert_eq!(error.send_state(), SendState::NotSent);

    let no_credentials = ClientConfig::new(NoCredentials).endpoint(server.url());
    let (error, report) = call(no_credentials, &DESCRIBE_ZONES).await;
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    assert_eq!(error.send_state(), SendState::NotSent);
    assert_eq!(report.attempts, 1);

    // v1 signing puts params next to the common ones: a field named like
    // one cannot be encoded.
    let client = Client::new(config(&server.url()).signing_method(SigningMethod::HmacSha256))
        .expect("valid");
    let (result, report) = client
        .runtime()
        .call_with_report::<Value, Value>(&DESCRIBE_ZONES, &json!({"Nonce": 1}))
        .await;
    let error = result.expect_err("cannot encode");
    assert!(matches!(error, Error::Encode { .. }), "{error:?}");
    assert_eq!(error.send_state(), SendState::NotSent);
    assert_eq!(report.attempts, 1);

    // An action name no header can carry: the HTTP client refuses it.
    let client = Client::new(config(&server.url())).expect("valid");
    let (result, report) = client
        .runtime()
        .call_with_report::<Value, Value>(&Action::named("Describe\nZones"), &json!({}))
        .await;
    let error = result.expect_err("cannot be sent");
    assert!(
        matches!(&error, Error::Encode { message, .. } if message.starts_with("the HTTP client refused the request")),
        "{error:?}"
    );
    assert_eq!(error.send_state(), SendState::NotSent);
    assert_eq!(report.attempts, 1);

    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

/// The messages name the cause and the phase, say what became of the
/// request, and carry no URL (a v1 GET URL holds the signature).
#[tokio::test(flavor = "multi_thread")]
async fn messages_name_the_real_cause() {
    let once = |config: ClientConfig| {
        config
            .retry(RetryConfig::disabled())
            .signing_method(SigningMethod::HmacSha256)
            .http_method(HttpMethod::Get)
    };
    let message = |error: &Error| {
        let text = error.to_string();
        assert!(!text.contains("127.0.0.1"), "{text}");
        assert!(!text.contains("Signature"), "{text}");
        assert!(!text.contains("AKID"), "{text}");
        text
    };

    let (error, _) = call(once(config(&closed_port_url())), &DESCRIBE_ZONES).await;
    let text = message(&error);
    assert!(
        text.starts_with("DescribeZones: failed while connecting: "),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(text.ends_with(" (the request was not sent)"), "{text}");

    let stalled = RawServer::start(Behaviour::Stall).await;
    let (error, _) = call(once(config(&stalled.url())), &DESCRIBE_ZONES).await;
    assert_eq!(
        message(&error),
        "DescribeZones: timed out after 300ms while sending the request or waiting for the reply (the request may have been sent; no reply came)"
    );

    let stalled_body = RawServer::start(Behaviour::HeadersThenStall { length: 100 }).await;
    let (error, _) = call(once(config(&stalled_body.url())), &DESCRIBE_ZONES).await;
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        message(&error),
        "DescribeZones: timed out after 300ms while reading the reply body (HTTP 200; the reply had begun)"
    );

    let reset = RawServer::start(Behaviour::Reset).await;
    let (error, _) = call(once(config(&reset.url())), &DESCRIBE_ZONES).await;
    let text = message(&error);
    assert!(
        text.starts_with(
            "DescribeZones: failed while sending the request or waiting for the reply: "
        ),
        "{text}"
    );
    assert!(
        text.to_lowercase().contains("reset") || text.contains("closed"),
        "{text}"
    );
    assert!(
        text.ends_with(" (the request may have been sent; no reply came)"),
        "{text}"
    );

    let reset_body = RawServer::start(Behaviour::HeadersThenReset { length: 100 }).await;
    let (error, _) = call(once(config(&reset_body.url())), &DESCRIBE_ZONES).await;
    let text = message(&error);
    assert!(
        text.starts_with("DescribeZones: failed while reading the reply body: "),
        "{text}"
    );
    assert!(text.ends_with(" (HTTP 200; the reply had begun)"), "{text}");
}
