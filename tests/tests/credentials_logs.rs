//! What the credential providers log holds no secrets: every event and
//! span field of a run through STS, the metadata service and TKE OIDC,
//! including a failed refresh, is captured and searched for the keys and
//! tokens. One test in its own binary, so the thread-local subscriber sees
//! everything (the current-thread runtime keeps the servers on this thread).

mod credentials_support;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use credentials_support::{env, in_two_hours, metadata_reply, sts_reply, ManualClock, StandIn};
use tencentcloud_credentials::{
    AssumeRoleProvider, CvmRoleProvider, DefaultCredentialsChain, ProvideCredentials,
};
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest};
use tencentcloud_cvm::{ClientConfig, Credentials};
use tencentcloud_mock::{Fault, MockServer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/app";
const SECRETS: [&str; 6] = [
    "source-secret-key",
    "sts-tmp-key",
    "sts-tmp-token",
    "metadata-tmp-key",
    "metadata-tmp-token",
    "oidc-web-identity-jwt",
];

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

impl Capture {
    fn text(&self) -> String {
        self.0.lock().expect("not poisoned").clone()
    }
}

impl Visit for Capture {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = self.0.lock().expect("not poisoned");
        let _ = write!(text, "{}={value:?} ", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut self.clone());
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        event.record(&mut self.clone());
        self.0.lock().expect("not poisoned").push('\n');
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn providers_log_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let clock = ManualClock::new();

    // AssumeRole: a fetch, calls, then a failed refresh that keeps the old ones.
    let source = Credentials::new("AKIDsource", "source-secret-key");
    let temporary = Credentials::new("AKIDststmp", "sts-tmp-key").with_token("sts-tmp-token");
    let sts_clock = clock.clone();
    let sts = MockServer::builder(&tencentcloud_sts::v20180813::SERVICE)
        .credentials(source.clone())
        .handler("AssumeRole", move |_| {
            sts_reply(
                "AKIDststmp",
                "sts-tmp-key",
                "sts-tmp-token",
                sts_clock.unix() + 600,
            )
        })
        .start()
        .await
        .expect("the STS mock binds");
    let cvm = tencentcloud_cvm::v20170312::mock::builder()
        .credentials(temporary)
        .start()
        .await
        .expect("the CVM mock binds");
    let provider = AssumeRoleProvider::builder(source, ROLE_ARN)
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
    client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("signed with the assumed role");
    sts.set_fault(
        "AssumeRole",
        Some(Fault::ApiError {
            code: "InternalError".into(),
            message: "try later".into(),
        }),
    );
    clock.advance(Duration::from_secs(400));
    client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("the old credentials still serve");
    // A success reply that does not decode, holding the keys: its body
    // must not reach the error the runtime logs.
    let mut garbled = sts_reply("AKIDststmp", "sts-tmp-key", "sts-tmp-token", 0);
    garbled["Response"]["ExpiredTime"] = serde_json::json!({});
    sts.set_fault("AssumeRole", Some(Fault::Body(garbled.to_string())));
    client
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect("the old credentials still serve");

    // The metadata service, through the chain.
    let metadata = StandIn::start(|seen| {
        if seen.path.ends_with("/security-credentials/") {
            (200, "role".into())
        } else {
            (
                200,
                metadata_reply(
                    "AKIDmeta",
                    "metadata-tmp-key",
                    "metadata-tmp-token",
                    in_two_hours(),
                ),
            )
        }
    })
    .await;
    let home = tempfile::tempdir().expect("temp dir");
    let chain = DefaultCredentialsChain::builder()
        .env(env(&[("HOME", &home.path().display().to_string())]))
        .system_profile_file(home.path().join("none"))
        .metadata_endpoint(metadata.url("/latest/meta-data/cam/security-credentials/"))
        .build();
    chain.provide_credentials().await.expect("the CVM role");
    let direct = CvmRoleProvider::builder()
        .endpoint(metadata.url("/latest/meta-data/cam/security-credentials/"))
        .build()
        .expect("valid settings");
    direct.provide_credentials().await.expect("the CVM role");

    // TKE OIDC, through the chain.
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "oidc-web-identity-jwt").expect("write the token");
    let oidc_sts = StandIn::start(|_| {
        (
            200,
            sts_reply("AKIDoidc", "sts-tmp-key", "sts-tmp-token", in_two_hours()).to_string(),
        )
    })
    .await;
    let chain = DefaultCredentialsChain::builder()
        .env(env(&[
            ("TKE_REGION", "ap-guangzhou"),
            ("TKE_PROVIDER_ID", "provider"),
            (
                "TKE_WEB_IDENTITY_TOKEN_FILE",
                &token_file.display().to_string(),
            ),
            ("TKE_ROLE_ARN", ROLE_ARN),
        ]))
        .system_profile_file(home.path().join("none"))
        .without_metadata()
        .sts_endpoint(oidc_sts.url("/"))
        .build();
    chain.provide_credentials().await.expect("the OIDC role");

    let logged = capture.text();
    for expected in [
        "assumed role",
        "refreshing credentials failed",
        "InternalError",
        "cannot decode the reply (HTTP 200)",
        "fetched CVM role credentials",
        "chose its source",
        "assumed role with web identity",
    ] {
        assert!(
            logged.contains(expected),
            "no {expected:?} in the log:\n{logged}"
        );
    }
    for secret in SECRETS {
        assert!(!logged.contains(secret), "{secret} was logged:\n{logged}");
    }
}
