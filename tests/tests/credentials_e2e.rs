//! Credentials end to end: the generated CVM client signs every call with
//! what a provider gives, against the signature-checking mock on
//! 127.0.0.1; STS and the metadata service are local stand-ins too. The
//! credentials expire mid-run and the calls go on with the refreshed ones.

mod credentials_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use credentials_support::{env, metadata_reply, sts_reply, ManualClock, StandIn};
use tencentcloud_credentials::{AssumeRoleProvider, DefaultCredentialsChain, ProvideCredentials};
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest};
use tencentcloud_cvm::{ClientConfig, Credentials};
use tencentcloud_mock::{MockServer, ReceivedRequest};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/app";
const LONG_ID: &str = "AKIDlongtermsecretid000000000000";
const LONG_KEY: &str = "longtermsecretkey000000000000000";

fn temporary(n: usize) -> Credentials {
    Credentials::new(format!("AKIDtmp{n}"), format!("tmpkey{n}")).with_token(format!("tmptoken{n}"))
}

/// A CVM mock that accepts the first `n` temporary credentials.
async fn cvm_mock(n: usize) -> MockServer {
    let mut builder = tencentcloud_cvm::v20170312::mock::builder();
    for i in 1..=n {
        builder = builder.credentials(temporary(i));
    }
    builder.start().await.expect("the mock binds 127.0.0.1")
}

/// The SecretId in a TC3 Authorization header.
fn signed_by(request: &ReceivedRequest) -> String {
    let header = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.as_str())
        .expect("TC3 requests carry Authorization");
    let credential = header
        .split("Credential=")
        .nth(1)
        .expect("Authorization names the credential");
    credential.split('/').next().unwrap_or_default().to_owned()
}

fn token_of(request: &ReceivedRequest) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-tc-token"))
        .map(|(_, v)| v.clone())
}

async fn describe(client: &Client) {
    if let Err(e) = client
        .describe_instances(DescribeInstancesRequest::new())
        .await
    {
        panic!("the call signed with the provider's credentials fails: {e}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn assumed_role_credentials_expire_mid_run_and_are_refreshed() {
    let clock = ManualClock::new();
    // STS: checks the long-term signature and issues tmp N for ten minutes.
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let sts_clock = clock.clone();
    let sts = MockServer::builder(&tencentcloud_sts::v20180813::SERVICE)
        .credentials(Credentials::new(LONG_ID, LONG_KEY))
        .handler("AssumeRole", move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let t = temporary(n);
            sts_reply(
                t.secret_id(),
                t.secret_key(),
                t.token().unwrap_or_default(),
                sts_clock.unix() + 600,
            )
        })
        .start()
        .await
        .expect("the STS mock binds");
    let cvm = cvm_mock(3).await;

    let provider = AssumeRoleProvider::builder(Credentials::new(LONG_ID, LONG_KEY), ROLE_ARN)
        .session_name("e2e-session")
        .duration(Duration::from_secs(900))
        .endpoint(sts.url())
        .build()
        .expect("valid settings")
        .clock(clock.clone());
    let client = Client::new(
        ClientConfig::new(provider)
            .region("ap-guangzhou")
            .endpoint(cvm.url()),
    )
    .expect("valid configuration");

    // Two calls with the first credentials.
    describe(&client).await;
    clock.advance(Duration::from_secs(200));
    describe(&client).await;
    // Inside the five-minute margin: the next call refreshes first.
    clock.advance(Duration::from_secs(200));
    describe(&client).await;
    describe(&client).await;
    // Past the second credentials' expiry: refreshed again.
    clock.advance(Duration::from_secs(700));
    describe(&client).await;

    let calls = cvm.received();
    let ids: Vec<String> = calls.iter().map(signed_by).collect();
    assert_eq!(
        ids,
        ["AKIDtmp1", "AKIDtmp1", "AKIDtmp2", "AKIDtmp2", "AKIDtmp3"]
    );
    let tokens: Vec<Option<String>> = calls.iter().map(token_of).collect();
    assert_eq!(
        tokens,
        [
            "tmptoken1",
            "tmptoken1",
            "tmptoken2",
            "tmptoken2",
            "tmptoken3"
        ]
        .map(|t| Some(t.to_owned()))
    );

    // STS saw three AssumeRole calls with the role's params, each verified
    // against the long-term key by the mock.
    let assumed = sts.received();
    assert_eq!(assumed.len(), 3);
    for call in &assumed {
        assert_eq!(call.action, "AssumeRole");
        assert_eq!(signed_by(call), LONG_ID);
        assert_eq!(call.params["RoleArn"], ROLE_ARN);
        assert_eq!(call.params["RoleSessionName"], "e2e-session");
        assert_eq!(call.params["DurationSeconds"], 900);
        assert!(call.params.get("Policy").is_none());
    }
}

const METADATA_PATH: &str = "/latest/meta-data/cam/security-credentials/";

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_finds_the_cvm_role_and_refreshes_it() {
    let clock = ManualClock::new();
    let issued = AtomicUsize::new(0);
    let metadata_clock = clock.clone();
    let metadata = StandIn::start(move |seen| {
        if seen.path == METADATA_PATH {
            return (200, "cvm-app-role\n".into());
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let t = temporary(n);
        let body = metadata_reply(
            t.secret_id(),
            t.secret_key(),
            t.token().unwrap_or_default(),
            metadata_clock.unix() + 600,
        );
        (200, body)
    })
    .await;
    let cvm = cvm_mock(2).await;
    let home = tempfile::tempdir().expect("temp dir");

    let chain = DefaultCredentialsChain::builder()
        .env(env(&[("HOME", &home.path().display().to_string())]))
        .system_profile_file(home.path().join("no-system-file"))
        .metadata_endpoint(metadata.url(METADATA_PATH))
        .clock(clock.clone())
        .build();
    let chain = Arc::new(chain);
    let client = Client::new(
        ClientConfig::new(
            tencentcloud_cvm::runtime::SharedCredentialsProvider::from_arc(chain.clone()),
        )
        .region("ap-guangzhou")
        .endpoint(cvm.url()),
    )
    .expect("valid configuration");

    describe(&client).await;
    let source = chain.source().await.expect("chosen");
    assert!(
        source.contains("CVM instance role cvm-app-role"),
        "{source}"
    );
    clock.advance(Duration::from_secs(400));
    describe(&client).await;

    let ids: Vec<String> = cvm.received().iter().map(signed_by).collect();
    assert_eq!(ids, ["AKIDtmp1", "AKIDtmp2"]);
    // The role name is asked once, when the chain chooses.
    assert_eq!(metadata.count(METADATA_PATH), 1);
    assert_eq!(metadata.count(&format!("{METADATA_PATH}cvm-app-role")), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_exchanges_the_tke_token_unsigned_and_rereads_it() {
    let clock = ManualClock::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "oidc-jwt-1\n").expect("write the token");
    let issued = AtomicUsize::new(0);
    let sts_clock = clock.clone();
    let sts = StandIn::start(move |_| {
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        let t = temporary(n);
        let body = sts_reply(
            t.secret_id(),
            t.secret_key(),
            t.token().unwrap_or_default(),
            sts_clock.unix() + 600,
        );
        (200, body.to_string())
    })
    .await;
    let cvm = cvm_mock(2).await;

    let chain = DefaultCredentialsChain::builder()
        .env(env(&[
            ("TKE_REGION", "ap-shanghai"),
            ("TKE_PROVIDER_ID", "oidc-provider"),
            (
                "TKE_WEB_IDENTITY_TOKEN_FILE",
                &token_file.display().to_string(),
            ),
            ("TKE_ROLE_ARN", ROLE_ARN),
            ("HOME", &dir.path().display().to_string()),
        ]))
        .system_profile_file(dir.path().join("no-system-file"))
        .without_metadata()
        .sts_endpoint(sts.url("/"))
        .clock(clock.clone())
        .build();
    let client = Client::new(
        ClientConfig::new(chain)
            .region("ap-guangzhou")
            .endpoint(cvm.url()),
    )
    .expect("valid configuration");

    describe(&client).await;
    // TKE rotates the token file; the refresh sends the new token.
    std::fs::write(&token_file, "oidc-jwt-2").expect("rotate the token");
    clock.advance(Duration::from_secs(400));
    describe(&client).await;

    let ids: Vec<String> = cvm.received().iter().map(signed_by).collect();
    assert_eq!(ids, ["AKIDtmp1", "AKIDtmp2"]);
    let exchanges = sts.seen();
    assert_eq!(exchanges.len(), 2);
    for (exchange, token) in exchanges.iter().zip(["oidc-jwt-1", "oidc-jwt-2"]) {
        assert_eq!(exchange.method, "POST");
        assert_eq!(exchange.header("authorization"), Some("SKIP"));
        assert_eq!(
            exchange.header("x-tc-action"),
            Some("AssumeRoleWithWebIdentity")
        );
        assert_eq!(exchange.header("x-tc-version"), Some("2018-08-13"));
        assert_eq!(exchange.header("x-tc-region"), Some("ap-shanghai"));
        let body = exchange.json();
        assert_eq!(body["ProviderId"], "oidc-provider");
        assert_eq!(body["WebIdentityToken"], token);
        assert_eq!(body["RoleArn"], ROLE_ARN);
        assert_eq!(body["DurationSeconds"], 7200);
        assert!(body["RoleSessionName"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_assumes_a_role_with_the_profile_files_credentials() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("credentials");
    std::fs::write(
        &file,
        format!("[default]\nsecret_id = AKIDother\nsecret_key = other\n\n[ops]\nsecret_id = {LONG_ID}\nsecret_key = {LONG_KEY}\n"),
    )
    .expect("write the profile file");
    let sts = MockServer::builder(&tencentcloud_sts::v20180813::SERVICE)
        .credentials(Credentials::new(LONG_ID, LONG_KEY))
        .handler("AssumeRole", |_| {
            let t = temporary(1);
            let expires = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                + 3600;
            sts_reply(
                t.secret_id(),
                t.secret_key(),
                t.token().unwrap_or_default(),
                expires,
            )
        })
        .start()
        .await
        .expect("the STS mock binds");
    let cvm = cvm_mock(1).await;

    let chain = DefaultCredentialsChain::builder()
        .env(env(&[
            ("TENCENTCLOUD_CREDENTIALS_FILE", &file.display().to_string()),
            ("TENCENTCLOUD_PROFILE", "ops"),
            ("TENCENTCLOUD_ASSUME_ROLE_ARN", ROLE_ARN),
            ("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "from-env"),
            ("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "1800"),
        ]))
        .without_metadata()
        .sts_endpoint(sts.url())
        .build();
    let source = chain.source().await.expect("chosen");
    assert_eq!(
        source,
        format!(
            "role {ROLE_ARN} assumed with profile file {} [ops]",
            file.display()
        )
    );
    let client = Client::new(
        ClientConfig::new(chain)
            .region("ap-guangzhou")
            .endpoint(cvm.url()),
    )
    .expect("valid configuration");
    describe(&client).await;
    describe(&client).await;

    let ids: Vec<String> = cvm.received().iter().map(signed_by).collect();
    assert_eq!(ids, ["AKIDtmp1", "AKIDtmp1"]);
    let assumed = sts.received();
    assert_eq!(assumed.len(), 1, "cached for the second call");
    assert_eq!(signed_by(&assumed[0]), LONG_ID);
    assert_eq!(assumed[0].params["RoleSessionName"], "from-env");
    assert_eq!(assumed[0].params["DurationSeconds"], 1800);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_provider_signs_calls() {
    /// Rotates through long-term keys on every call: a stand-in for a
    /// vault client.
    #[derive(Debug)]
    struct Rotating(AtomicUsize);
    impl ProvideCredentials for Rotating {
        fn provide_credentials(
            &self,
        ) -> tencentcloud_credentials::BoxFuture<'_, Result<Credentials, tencentcloud_cvm::Error>>
        {
            let n = self.0.fetch_add(1, Ordering::SeqCst) % 2 + 1;
            Box::pin(async move { Ok(temporary(n)) })
        }
    }
    let cvm = cvm_mock(2).await;
    let client = Client::new(
        ClientConfig::new(Rotating(AtomicUsize::new(0)))
            .region("ap-guangzhou")
            .endpoint(cvm.url()),
    )
    .expect("valid configuration");
    for _ in 0..3 {
        describe(&client).await;
    }
    let ids: Vec<String> = cvm.received().iter().map(signed_by).collect();
    assert_eq!(ids, ["AKIDtmp1", "AKIDtmp2", "AKIDtmp1"]);
}
