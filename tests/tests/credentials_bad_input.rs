//! Bad credentials input gets an error that names the source and the
//! reason, stops the chain when the source is configured but broken, and
//! never shows a secret (errors and Debug output alike).

mod credentials_support;

use std::path::Path;
use std::time::Duration;

use credentials_support::{env, in_two_hours, StandIn};
use serde_json::json;
use tencentcloud_credentials::{
    AssumeRoleProvider, CvmRoleProvider, DefaultCredentialsChain, OidcRoleProvider,
    ProvideCredentials,
};
use tencentcloud_mock::{Fault, MockServer};
use tencentcloud_runtime::{Credentials, Error};

const METADATA_PATH: &str = "/latest/meta-data/cam/security-credentials/";
const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/app";
/// Planted in replies and inputs; must never show up in an error.
const SECRET: &str = "leak-me-secret-value";

/// A metadata stand-in that must not be consulted: the chain stops earlier.
async fn untouched_metadata() -> StandIn {
    StandIn::start(|_| (200, "role".into())).await
}

fn chain_with(vars: &[(&str, &str)], home: &Path, metadata: &StandIn) -> DefaultCredentialsChain {
    let home_text = home.display().to_string();
    let mut all = vars.to_vec();
    all.push(("HOME", &home_text));
    DefaultCredentialsChain::builder()
        .env(env(&all))
        .system_profile_file(home.join("no-system-file"))
        .metadata_endpoint(metadata.url(METADATA_PATH))
        .build()
}

async fn chain_error(vars: &[(&str, &str)], home: &Path) -> String {
    let metadata = untouched_metadata().await;
    let err = chain_with(vars, home, &metadata)
        .provide_credentials()
        .await
        .expect_err("the input is bad");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(
        metadata.seen().is_empty(),
        "the chain stopped at the broken source: {err}"
    );
    let text = err.to_string();
    assert!(!text.contains(SECRET), "{text}");
    text
}

fn home_with_file(text: &[u8]) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp dir");
    let file = home.path().join(".tencentcloud/credentials");
    std::fs::create_dir_all(file.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(&file, text).expect("write");
    home
}

#[tokio::test(flavor = "multi_thread")]
async fn half_set_or_malformed_environment_stops_the_chain() {
    // A valid profile file is there, yet the broken environment wins.
    let home = home_with_file(b"[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n");
    let err = chain_error(&[("TENCENTCLOUD_SECRET_ID", "AKIDenv")], home.path()).await;
    assert!(
        err.contains("environment: TENCENTCLOUD_SECRET_KEY is not set or empty"),
        "{err}"
    );

    let err = chain_error(&[("TENCENTCLOUD_SECRET_KEY", SECRET)], home.path()).await;
    assert!(
        err.contains("environment: TENCENTCLOUD_SECRET_ID is not set or empty"),
        "{err}"
    );

    let spaced = format!("{SECRET} with spaces");
    let err = chain_error(
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", &spaced),
        ],
        home.path(),
    )
    .await;
    assert!(
        err.contains("environment: the SecretKey is empty or contains whitespace, control, non-ASCII or quote"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_profile_file_is_named() {
    let home = tempfile::tempdir().expect("temp dir");
    let missing = home.path().join("missing-file").display().to_string();
    let err = chain_error(&[("TENCENTCLOUD_CREDENTIALS_FILE", &missing)], home.path()).await;
    assert!(
        err.contains(&format!("profile file {missing}: cannot read it:")),
        "{err}"
    );

    // A folder where the file should be.
    let folder = home.path().display().to_string();
    let err = chain_error(&[("TENCENTCLOUD_CREDENTIALS_FILE", &folder)], home.path()).await;
    assert!(
        err.contains(&format!("profile file {folder}: cannot read it:")),
        "{err}"
    );

    let err = chain_error(&[("TENCENTCLOUD_CREDENTIALS_FILE", " ")], home.path()).await;
    assert!(
        err.contains("TENCENTCLOUD_CREDENTIALS_FILE is set but empty"),
        "{err}"
    );

    let home = home_with_file(b"[default]\nsecret_id = \xff\xfe\n");
    let err = chain_error(&[], home.path()).await;
    assert!(
        err.contains("line 2: not UTF-8 text (bad byte at offset 22)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_profile_file_names_file_and_line() {
    let text = format!("[default]\nsecret_id = AKIDfile\n{SECRET}\n");
    let home = home_with_file(text.as_bytes());
    let file = home
        .path()
        .join(".tencentcloud/credentials")
        .display()
        .to_string();
    let err = chain_error(&[], home.path()).await;
    assert_eq!(
        err,
        format!("credentials: profile file {file}, line 3: expected `[section]` or `key = value`")
    );

    let home = home_with_file(
        format!("[default]\nsecret_id = AKIDfile\nsecret_key = {SECRET}\n").as_bytes(),
    );
    let file = home
        .path()
        .join(".tencentcloud/credentials")
        .display()
        .to_string();
    let err = chain_error(&[("TENCENTCLOUD_PROFILE", "prod")], home.path()).await;
    assert_eq!(
        err,
        format!("credentials: profile file {file}: no [prod] profile (it has: default)")
    );

    let home = home_with_file(format!("[default]\nsecret_key = {SECRET}\n").as_bytes());
    let err = chain_error(&[], home.path()).await;
    assert!(
        err.ends_with("line 1: [default] has no `secret_id`"),
        "{err}"
    );
}

/// A metadata stand-in that names the role and answers `reply` for it.
async fn metadata_answering(status: u16, reply: String) -> StandIn {
    StandIn::start(move |seen| {
        if seen.path == METADATA_PATH {
            (200, "role".into())
        } else {
            (status, reply.clone())
        }
    })
    .await
}

async fn metadata_error(status: u16, reply: String) -> String {
    let stand_in = metadata_answering(status, reply).await;
    let provider = CvmRoleProvider::builder()
        .endpoint(stand_in.url(METADATA_PATH))
        .build()
        .expect("valid settings");
    let err = provider
        .provide_credentials()
        .await
        .expect_err("the reply is bad")
        .to_string();
    let url = stand_in.url(&format!("{METADATA_PATH}role"));
    assert!(
        err.starts_with(&format!(
            "credentials: CVM instance role: metadata service {url}: "
        )),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");
    err
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_garbage_is_described_without_quoting_it() {
    let err = metadata_error(200, format!("<html>{SECRET}</html>")).await;
    assert!(
        err.ends_with("the reply is not the credentials JSON (line 1, column 1)"),
        "{err}"
    );

    let no_token = json!({"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "ExpiredTime": in_two_hours(), "Code": "Success"});
    let err = metadata_error(200, no_token.to_string()).await;
    assert!(err.ends_with("the reply has no Token"), "{err}");

    let failed = json!({"Code": "Failure", "TmpSecretKey": SECRET});
    let err = metadata_error(200, failed.to_string()).await;
    assert!(err.ends_with("the reply's Code is `Failure`"), "{err}");

    let bad_time = json!({"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "Token": "t", "Expiration": "tomorrow", "Code": "Success"});
    let err = metadata_error(200, bad_time.to_string()).await;
    assert!(
        err.contains("Expiration `tomorrow` is not an RFC 3339 time"),
        "{err}"
    );

    // Milliseconds instead of seconds: an expiry 50,000 years away.
    let millis = in_two_hours() * 1000;
    let unit_error = json!({"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "Token": "t", "ExpiredTime": millis, "Code": "Success"});
    let err = metadata_error(200, unit_error.to_string()).await;
    assert!(
        err.ends_with(&format!(
            "ExpiredTime {millis} is more than a week away (Unix seconds expected)"
        )),
        "{err}"
    );

    let wrong_type = json!({"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "Token": "t", "ExpiredTime": "soon"});
    let err = metadata_error(200, wrong_type.to_string()).await;
    assert!(
        err.contains("the reply is not the credentials JSON"),
        "{err}"
    );

    let err = metadata_error(503, "busy".into()).await;
    assert!(err.ends_with("HTTP 503: busy"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_metadata_service_answering_garbage_stops_the_chain() {
    let stand_in = StandIn::start(|_| (500, "internal error".into())).await;
    let home = tempfile::tempdir().expect("temp dir");
    let err = chain_with(&[], home.path(), &stand_in)
        .provide_credentials()
        .await
        .expect_err("a broken metadata service")
        .to_string();
    assert_eq!(
        err,
        format!(
            "credentials: CVM instance role: metadata service {}: HTTP 500 for the role name: internal error",
            stand_in.url(METADATA_PATH)
        )
    );

    let bad_name = StandIn::start(|_| (200, "../../etc".into())).await;
    let err = chain_with(&[], home.path(), &bad_name)
        .provide_credentials()
        .await
        .expect_err("a bad role name")
        .to_string();
    assert!(
        err.ends_with("role name `../../etc` is not a CAM role name"),
        "{err}"
    );
}

async fn sts_mock(
    configure: impl FnOnce(tencentcloud_mock::MockBuilder) -> tencentcloud_mock::MockBuilder,
) -> MockServer {
    configure(
        MockServer::builder(&tencentcloud_sts::v20180813::SERVICE)
            .credentials(Credentials::new("AKIDlong", "longkey")),
    )
    .start()
    .await
    .expect("the STS mock binds")
}

async fn assume_role_error(sts: &MockServer, source: Credentials) -> String {
    let provider = AssumeRoleProvider::builder(source, ROLE_ARN)
        .endpoint(sts.url())
        .build()
        .expect("valid settings");
    let err = provider
        .provide_credentials()
        .await
        .expect_err("STS refuses")
        .to_string();
    assert!(
        err.starts_with(&format!(
            "credentials: STS AssumeRole of {ROLE_ARN} at {}: ",
            sts.url()
        )),
        "{err}"
    );
    assert!(!err.contains(SECRET) && !err.contains("longkey"), "{err}");
    err
}

#[tokio::test(flavor = "multi_thread")]
async fn sts_refusals_and_bad_replies_name_the_role_and_reason() {
    let sts = sts_mock(|b| {
        b.fault(
            "AssumeRole",
            Fault::ApiError {
                code: "InvalidParameter.AccountNotAvaliable".into(),
                message: "the role cannot be assumed".into(),
            },
        )
    })
    .await;
    let err = assume_role_error(&sts, Credentials::new("AKIDlong", "longkey")).await;
    assert!(
        err.contains("InvalidParameter.AccountNotAvaliable: the role cannot be assumed"),
        "{err}"
    );

    // Source credentials STS does not know.
    let err = assume_role_error(&sts, Credentials::new("AKIDunknown", "longkey")).await;
    assert!(err.contains("AuthFailure.SecretIdNotFound"), "{err}");

    let sts = sts_mock(|b| {
        b.reply(
            "AssumeRole",
            json!({"Response": {"Credentials": {"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "Token": "t"}, "RequestId": "r"}}),
        )
    })
    .await;
    let err = assume_role_error(&sts, Credentials::new("AKIDlong", "longkey")).await;
    assert!(
        err.ends_with("the reply has neither ExpiredTime nor Expiration"),
        "{err}"
    );

    let sts = sts_mock(|b| {
        b.reply(
            "AssumeRole",
            json!({"Response": {"Credentials": {"TmpSecretId": 5, "TmpSecretKey": SECRET, "Token": "t"}, "ExpiredTime": in_two_hours()}}),
        )
    })
    .await;
    let err = assume_role_error(&sts, Credentials::new("AKIDlong", "longkey")).await;
    assert!(
        err.contains(
            "cannot decode the reply (HTTP 200): invalid type: integer, expected a string"
        ),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tke_oidc_problems_are_named() {
    let home = tempfile::tempdir().expect("temp dir");
    let missing = home.path().join("token").display().to_string();
    let tke = [
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", "provider"),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", missing.as_str()),
        ("TKE_ROLE_ARN", ROLE_ARN),
    ];
    let closed = credentials_support::closed_port_url(METADATA_PATH).await;
    let chain = |vars: &[(&str, &str)], sts: &str| {
        let home_text = home.path().display().to_string();
        let mut all = vars.to_vec();
        all.push(("HOME", &home_text));
        DefaultCredentialsChain::builder()
            .env(env(&all))
            .system_profile_file(home.path().join("none"))
            .metadata_endpoint(&closed)
            .sts_endpoint(sts)
            .build()
    };
    let err = chain(&tke[..2], "http://127.0.0.1:9/")
        .provide_credentials()
        .await
        .expect_err("half the variables")
        .to_string();
    assert_eq!(
        err,
        "credentials: TKE OIDC: TKE_REGION, TKE_PROVIDER_ID set but TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN not"
    );

    let err = chain(&tke, "http://127.0.0.1:9/")
        .provide_credentials()
        .await
        .expect_err("no token file")
        .to_string();
    assert!(
        err.starts_with(&format!(
            "credentials: TKE OIDC: cannot read the web identity token file {missing}: "
        )),
        "{err}"
    );

    std::fs::write(&missing, SECRET).expect("write the token");
    let garbage = StandIn::start(|_| (200, "<html>gateway</html>".into())).await;
    let err = chain(&tke, &garbage.url("/"))
        .provide_credentials()
        .await
        .expect_err("not JSON")
        .to_string();
    assert!(
        err.starts_with(&format!(
            "credentials: TKE OIDC: AssumeRoleWithWebIdentity of {ROLE_ARN} at {}: ",
            garbage.url("/")
        )),
        "{err}"
    );
    assert!(err.contains("not JSON"), "{err}");
    assert!(!err.contains(SECRET), "the token stays out: {err}");

    // JSON without the `Response` envelope: described, never quoted.
    let unwrapped = StandIn::start(|_| {
        (
            200,
            json!({"Credentials": {"TmpSecretKey": SECRET}}).to_string(),
        )
    })
    .await;
    let err = chain(&tke, &unwrapped.url("/"))
        .provide_credentials()
        .await
        .expect_err("no envelope")
        .to_string();
    assert!(
        err.ends_with("cannot decode the reply (HTTP 200): no `Response` object"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");

    let refusing = StandIn::start(|_| {
        (200, json!({"Response": {"Error": {"Code": "InvalidParameter.WebIdentityTokenError", "Message": "token expired"}, "RequestId": "r"}}).to_string())
    })
    .await;
    let err = chain(&tke, &refusing.url("/"))
        .provide_credentials()
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        err.ends_with("InvalidParameter.WebIdentityTokenError: token expired [request id r]"),
        "{err}"
    );
}

#[test]
fn unusable_provider_settings_are_config_errors() {
    let source = || Credentials::new("AKIDlong", "longkey");
    let config = |result: Result<(), Error>| match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    let err = config(
        AssumeRoleProvider::builder(source(), ROLE_ARN)
            .duration(Duration::ZERO)
            .build_uncached()
            .map(drop),
    );
    assert_eq!(
        err,
        "STS AssumeRole: the session duration must be 1 to 43200 seconds, not 0"
    );
    let err = config(
        AssumeRoleProvider::builder(source(), ROLE_ARN)
            .duration(Duration::from_secs(43201))
            .build_uncached()
            .map(drop),
    );
    assert!(err.ends_with("not 43201"), "{err}");
    let err = config(
        AssumeRoleProvider::builder(source(), " ")
            .build_uncached()
            .map(drop),
    );
    assert_eq!(err, "STS AssumeRole: the role ARN is empty");
    let err = config(
        AssumeRoleProvider::builder(source(), ROLE_ARN)
            .endpoint("ftp://sts.example")
            .build_uncached()
            .map(drop),
    );
    assert!(err.contains("the scheme must be http or https"), "{err}");
    let err = config(
        CvmRoleProvider::builder()
            .endpoint("not a url")
            .build_uncached()
            .map(drop),
    );
    assert!(
        err.starts_with("CVM role provider: metadata endpoint `not a url`"),
        "{err}"
    );
    let err = config(
        CvmRoleProvider::builder()
            .role("a/b")
            .build_uncached()
            .map(drop),
    );
    assert_eq!(
        err,
        "CVM role provider: role name `a/b` is not a CAM role name"
    );
    let err = config(
        OidcRoleProvider::builder("ap-guangzhou", "", "/token", ROLE_ARN)
            .build_uncached()
            .map(drop),
    );
    assert_eq!(err, "TKE OIDC: the provider id is empty");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_assume_role_duration_variable_is_named() {
    let home = home_with_file(b"[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n");
    let err = chain_error(
        &[
            ("TENCENTCLOUD_ASSUME_ROLE_ARN", ROLE_ARN),
            ("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "2h"),
        ],
        home.path(),
    )
    .await;
    assert_eq!(
        err,
        "credentials: TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION `2h` is not a number of seconds"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_output_shows_no_secrets() {
    // Explicit credentials in the chain, before and after choosing.
    let chain = DefaultCredentialsChain::builder()
        .credentials(Credentials::new("AKIDexplicit", SECRET).with_token(format!("{SECRET}-token")))
        .without_metadata()
        .build();
    let before = format!("{chain:?}");
    chain
        .provide_credentials()
        .await
        .expect("explicit credentials");
    let after = format!("{chain:?}");
    for text in [&before, &after] {
        assert!(text.contains("AKIDexplicit"), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert!(after.contains("explicit credentials"), "{after}");

    // A cache holding fetched temporary credentials.
    let reply = json!({"TmpSecretId": "AKIDtmp", "TmpSecretKey": SECRET, "Token": format!("{SECRET}-token"), "ExpiredTime": in_two_hours(), "Code": "Success"});
    let stand_in = metadata_answering(200, reply.to_string()).await;
    let cvm_role = CvmRoleProvider::builder()
        .endpoint(stand_in.url(METADATA_PATH))
        .build()
        .expect("valid settings");
    let fetched = cvm_role.provide_credentials().await.expect("fetched");
    assert_eq!(fetched.secret_key(), SECRET);
    let text = format!("{cvm_role:?} {fetched:?}");
    assert!(text.contains("AKIDtmp") && !text.contains(SECRET), "{text}");

    // An AssumeRole provider holding its source credentials, and the OIDC provider.
    let assume = AssumeRoleProvider::builder(Credentials::new("AKIDlong", SECRET), ROLE_ARN)
        .build()
        .expect("valid settings");
    let oidc = OidcRoleProvider::builder("ap-guangzhou", "provider", "/token", ROLE_ARN)
        .build()
        .expect("valid settings");
    let text = format!("{assume:?} {oidc:?}");
    assert!(text.contains(ROLE_ARN) && !text.contains(SECRET), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_named_profile_without_a_file_stops_the_chain() {
    // No profile file anywhere: with a profile asked for, the chain must not
    // go on to the metadata service's identity.
    let home = tempfile::tempdir().expect("temp dir");
    let err = chain_error(&[("TENCENTCLOUD_PROFILE", "work")], home.path()).await;
    assert!(err.contains("profile `work` was asked for, but"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_files_with_a_bom_are_read_and_quoted_keys_refused() {
    // A byte order mark, as Windows PowerShell 5 writes UTF-8.
    let home = home_with_file(b"\xef\xbb\xbf[default]\nsecret_id = AKIDbom\nsecret_key = bomkey\n");
    let metadata = untouched_metadata().await;
    let credentials = chain_with(&[], home.path(), &metadata)
        .provide_credentials()
        .await
        .expect("the BOM is skipped");
    assert_eq!(credentials.secret_id(), "AKIDbom");

    // A key copied with its quotes fails here, not at the service.
    let home = home_with_file(
        format!("[default]\nsecret_id = \"AKIDquoted\"\nsecret_key = {SECRET}\n").as_bytes(),
    );
    let err = chain_error(&[], home.path()).await;
    assert!(err.contains("SecretId is empty or contains"), "{err}");

    // A variable that was not UTF-8, read lossily, is refused too.
    let err = chain_error(
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKID\u{fffd}"),
            ("TENCENTCLOUD_SECRET_KEY", SECRET),
        ],
        home.path(),
    )
    .await;
    assert!(err.contains("SecretId is empty or contains"), "{err}");
}
