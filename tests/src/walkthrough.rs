//! Where the walkthrough examples run: against Tencent Cloud when
//! credentials are set, else against the local mock endpoint.

use tencentcloud_mock::{MockBuilder, MockServer};
use tencentcloud_runtime::credentials::{ENV_SECRET_ID, ENV_SECRET_KEY};
use tencentcloud_runtime::{ClientConfig, Credentials, Error};

/// A client configuration, and the mock it points at when there is one
/// (keep it alive while the client is used).
pub struct Target {
    pub config: ClientConfig,
    pub mock: Option<MockServer>,
}

impl Target {
    pub fn is_mock(&self) -> bool {
        self.mock.is_some()
    }
}

/// With `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY` set, the
/// real service; otherwise a mock from `mock`, started here.
pub async fn target(mock: MockBuilder) -> Result<Target, Box<dyn std::error::Error>> {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    if set(ENV_SECRET_ID) && set(ENV_SECRET_KEY) {
        println!("Using the credentials in {ENV_SECRET_ID}: calling Tencent Cloud.");
        return Ok(Target {
            config: tencentcloud_credentials::config_from_env_with(Credentials::from_env()?)?,
            mock: None,
        });
    }
    let credentials = Credentials::new(
        "AKIDwalkthroughmock00000000000000",
        "walkthrough-mock-secret-key-0000",
    );
    let server = mock.credentials(credentials.clone()).start().await?;
    println!(
        "{ENV_SECRET_ID} and {ENV_SECRET_KEY} are not set: running against the local mock endpoint at {}.",
        server.url()
    );
    Ok(Target {
        config: ClientConfig::new(credentials).endpoint(server.url()),
        mock: Some(server),
    })
}

/// Prints an error's kind and details the way a script's user needs them.
pub fn explain(error: &Error) -> String {
    match error.as_api() {
        Some(api) => format!(
            "the service refused {}: {} ({})",
            api.action, api.code, api.message
        ),
        None => error.to_string(),
    }
}
