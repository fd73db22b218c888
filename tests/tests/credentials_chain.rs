//! The default chain's order and its report when nothing is found. The
//! environment is a map, the files live in a temp dir, and the metadata
//! service is a local stand-in that counts the requests it gets, so each
//! test shows which sources were consulted.

mod credentials_support;

use std::path::Path;

use credentials_support::{closed_port_url, env, in_two_hours, metadata_reply, StandIn};
use tencentcloud_credentials::{DefaultCredentialsChain, ProvideCredentials};
use tencentcloud_runtime::Credentials;

const METADATA_PATH: &str = "/latest/meta-data/cam/security-credentials/";

async fn metadata() -> StandIn {
    StandIn::start(|seen| {
        if seen.path == METADATA_PATH {
            (200, "role".into())
        } else {
            (
                200,
                metadata_reply("AKIDrole", "rolekey", "roletoken", in_two_hours()),
            )
        }
    })
    .await
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create the folder");
    }
    std::fs::write(path, text).expect("write the file");
}

fn profile(id: &str) -> String {
    format!("[default]\nsecret_id = {id}\nsecret_key = key-{id}\n")
}

struct Setup {
    home: tempfile::TempDir,
    metadata: StandIn,
}

impl Setup {
    async fn new() -> Setup {
        Setup {
            home: tempfile::tempdir().expect("temp dir"),
            metadata: metadata().await,
        }
    }

    fn user_file(&self) -> std::path::PathBuf {
        self.home.path().join(".tencentcloud/credentials")
    }

    fn system_file(&self) -> std::path::PathBuf {
        self.home.path().join("etc/tencentcloud/credentials")
    }

    /// A chain over `vars` plus HOME, with the test's system file and metadata.
    fn chain(
        &self,
        vars: &[(&str, &str)],
    ) -> tencentcloud_credentials::DefaultCredentialsChainBuilder {
        let home = self.home.path().display().to_string();
        let mut all: Vec<(&str, &str)> = vars.to_vec();
        all.push(("HOME", &home));
        DefaultCredentialsChain::builder()
            .env(env(&all))
            .system_profile_file(self.system_file())
            .metadata_endpoint(self.metadata.url(METADATA_PATH))
    }

    async fn resolve(&self, chain: DefaultCredentialsChain) -> (Credentials, String) {
        let credentials = chain
            .provide_credentials()
            .await
            .expect("the chain finds credentials");
        (credentials, chain.source().await.expect("chosen"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn explicit_credentials_come_first() {
    let setup = Setup::new().await;
    write(&setup.user_file(), &profile("AKIDfile"));
    let chain = setup
        .chain(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "envkey"),
        ])
        .credentials(Credentials::new("AKIDexplicit", "explicitkey"))
        .build();
    let (credentials, source) = setup.resolve(chain).await;
    assert_eq!(credentials.secret_id(), "AKIDexplicit");
    assert_eq!(source, "explicit credentials");
    assert!(setup.metadata.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_environment_comes_before_the_profile_file() {
    let setup = Setup::new().await;
    write(&setup.user_file(), &profile("AKIDfile"));
    let chain = setup
        .chain(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "envkey"),
            ("TENCENTCLOUD_SESSION_TOKEN", "envtoken"),
        ])
        .build();
    let (credentials, source) = setup.resolve(chain).await;
    assert_eq!(
        (
            credentials.secret_id(),
            credentials.secret_key(),
            credentials.token()
        ),
        ("AKIDenv", "envkey", Some("envtoken"))
    );
    assert_eq!(source, "environment");
    assert!(setup.metadata.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_named_file_then_home_then_system() {
    let setup = Setup::new().await;
    let named = setup.home.path().join("elsewhere/creds");
    write(&named, &profile("AKIDnamed"));
    write(&setup.user_file(), &profile("AKIDhome"));
    write(&setup.system_file(), &profile("AKIDsystem"));
    let named_text = named.display().to_string();

    let chain = setup
        .chain(&[("TENCENTCLOUD_CREDENTIALS_FILE", &named_text)])
        .build();
    let (credentials, source) = setup.resolve(chain).await;
    assert_eq!(credentials.secret_id(), "AKIDnamed");
    assert_eq!(source, format!("profile file {named_text} [default]"));

    let (credentials, source) = setup.resolve(setup.chain(&[]).build()).await;
    assert_eq!(credentials.secret_id(), "AKIDhome");
    assert_eq!(
        source,
        format!("profile file {} [default]", setup.user_file().display())
    );

    std::fs::remove_file(setup.user_file()).expect("remove the home file");
    let (credentials, source) = setup.resolve(setup.chain(&[]).build()).await;
    assert_eq!(credentials.secret_id(), "AKIDsystem");
    assert_eq!(
        source,
        format!("profile file {} [default]", setup.system_file().display())
    );
    assert!(
        setup.metadata.seen().is_empty(),
        "a profile file is found before the metadata service"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_profile_variable_picks_the_section() {
    let setup = Setup::new().await;
    write(
        &setup.user_file(),
        "[default]\nsecret_id = AKIDdefault\nsecret_key = k1\n\n[prod]\nsecret_id = AKIDprod\nsecret_key = k2\ntoken = t2\n",
    );
    let (credentials, source) = setup
        .resolve(setup.chain(&[("TENCENTCLOUD_PROFILE", "prod")]).build())
        .await;
    assert_eq!(
        (credentials.secret_id(), credentials.token()),
        ("AKIDprod", Some("t2"))
    );
    assert!(source.ends_with("[prod]"), "{source}");
    // The builder's profile applies when the variable is not set.
    let (credentials, _) = setup
        .resolve(setup.chain(&[]).profile("prod").build())
        .await;
    assert_eq!(credentials.secret_id(), "AKIDprod");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_metadata_service_comes_after_the_files() {
    let setup = Setup::new().await;
    let (credentials, source) = setup.resolve(setup.chain(&[]).build()).await;
    assert_eq!(
        (credentials.secret_id(), credentials.token()),
        ("AKIDrole", Some("roletoken"))
    );
    assert!(
        source.starts_with("CVM instance role role from"),
        "{source}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_found_lists_every_source_and_why() {
    let setup = Setup::new().await;
    let unreachable = closed_port_url(METADATA_PATH).await;
    let chain = setup.chain(&[]).metadata_endpoint(&unreachable).build();
    let err = chain
        .provide_credentials()
        .await
        .expect_err("nothing configured")
        .to_string();
    let expected = [
        "no credentials found; tried: ",
        "explicit credentials: none given",
        "environment: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set",
        &format!(
            "profile file: TENCENTCLOUD_CREDENTIALS_FILE is not set and {} and {} do not exist",
            setup.user_file().display(),
            setup.system_file().display()
        ),
        &format!("CVM instance role: metadata service {unreachable} not reachable (cannot connect"),
        "TKE OIDC: TKE_ROLE_ARN and the other TKE variables are not set",
    ];
    for part in expected {
        assert!(err.contains(part), "missing {part:?} in: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_role_bound_passes_on_and_is_reported() {
    let setup = Setup::new().await;
    let no_role = StandIn::start(|_| (404, "not found".into())).await;
    let chain = setup
        .chain(&[])
        .metadata_endpoint(no_role.url(METADATA_PATH))
        .build();
    let err = chain
        .provide_credentials()
        .await
        .expect_err("no role")
        .to_string();
    assert!(err.contains("says no role is bound"), "{err}");
    assert!(
        err.contains("TKE OIDC"),
        "the chain went on to the next source: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_choice_is_made_once() {
    let setup = Setup::new().await;
    write(&setup.user_file(), &profile("AKIDfirst"));
    let chain = setup.chain(&[]).build();
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("found")
            .secret_id(),
        "AKIDfirst"
    );
    // The file changes; the chain keeps the credentials it read.
    write(&setup.user_file(), &profile("AKIDsecond"));
    assert_eq!(
        chain
            .provide_credentials()
            .await
            .expect("found")
            .secret_id(),
        "AKIDfirst"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_first_callers_share_the_search_and_the_fetch() {
    let home = tempfile::tempdir().expect("temp dir");
    // The delay keeps the search in flight while all callers arrive.
    let metadata = StandIn::start_with_delay(std::time::Duration::from_millis(200), |seen| {
        if seen.path == METADATA_PATH {
            (200, "role".into())
        } else {
            (
                200,
                metadata_reply("AKIDrole", "rolekey", "roletoken", in_two_hours()),
            )
        }
    })
    .await;
    let chain = std::sync::Arc::new(
        DefaultCredentialsChain::builder()
            .env(env(&[("HOME", &home.path().display().to_string())]))
            .system_profile_file(home.path().join("none"))
            .metadata_endpoint(metadata.url(METADATA_PATH))
            .build(),
    );
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let chain = chain.clone();
            tokio::spawn(async move { chain.provide_credentials().await })
        })
        .collect();
    for task in tasks {
        let credentials = task.await.expect("the task ran").expect("credentials");
        assert_eq!(credentials.secret_id(), "AKIDrole");
    }
    assert_eq!(metadata.count(METADATA_PATH), 1);
    assert_eq!(metadata.count(&format!("{METADATA_PATH}role")), 1);
}
