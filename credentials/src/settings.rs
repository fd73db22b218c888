//! The settings the official SDKs take from the environment besides the
//! credentials: the region and the proxies. The core's `ClientConfig` is a
//! plain builder; reading the environment into it is done here, beside the
//! providers that read the credentials.

use tencentcloud_runtime::config::{validate_proxy, validate_region};
use tencentcloud_runtime::{ClientConfig, Error, ProvideCredentials};

use crate::DefaultCredentialsChain;

/// The region variable, as the official SDKs and tccli read it.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
/// Proxy variables, as curl, Go's and Python's HTTP clients read them.
pub const ENV_PROXIES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];
pub const ENV_NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// A client configuration whose credentials come from the default chain
/// (explicit environment, profile, CVM role, OIDC, AssumeRole), with the
/// region and proxies read from the process environment as
/// [`env_settings`] reads them.
pub fn config_from_env() -> Result<ClientConfig, Error> {
    config_from_env_with(DefaultCredentialsChain::new())
}

/// Credentials from `provider` (fixed ones, e.g. `Credentials::from_env()`,
/// or any other provider), and the settings of [`env_settings`] from the
/// process environment; a value that is not UTF-8 is an error naming its
/// variable.
pub fn config_from_env_with(
    provider: impl ProvideCredentials + 'static,
) -> Result<ClientConfig, Error> {
    let mut bad = None;
    let lookup = |name: &str| match std::env::var(name) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            bad.get_or_insert_with(|| name.to_owned());
            None
        }
    };
    let config = env_settings(ClientConfig::new(provider), lookup);
    if let Some(name) = bad {
        return Err(Error::Config(format!(
            "environment variable {name}: the value is not valid UTF-8"
        )));
    }
    config
}

/// Reads into `config` the settings the official SDKs take from the
/// environment, through `lookup` (e.g. `|name| std::env::var(name).ok()`):
/// the region from `TENCENTCLOUD_REGION`, and proxies from `HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case forms).
/// Empty values count as unset. A bad value is an error that names the
/// variable.
pub fn env_settings(
    mut config: ClientConfig,
    mut lookup: impl FnMut(&str) -> Option<String>,
) -> Result<ClientConfig, Error> {
    let mut read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    let env_error =
        |name: &str, why: String| Error::Config(format!("environment variable {name}: {why}"));
    if let Some(region) = read(ENV_REGION) {
        validate_region(&region).map_err(|why| env_error(ENV_REGION, why))?;
        config = config.region(region);
    }
    let mut first = |names: &[&'static str]| {
        names
            .iter()
            .find_map(|name| read(name).map(|value| (*name, value)))
    };
    let https = first(&ENV_PROXIES[0..2]);
    let http = first(&ENV_PROXIES[2..4]);
    let all = first(&ENV_PROXIES[4..6]);
    let no_proxy = first(&ENV_NO_PROXY);
    for (name, url) in [&https, &http, &all].into_iter().flatten() {
        validate_proxy(url).map_err(|why| env_error(name, why))?;
    }
    if https.is_some() || http.is_some() || all.is_some() {
        let all = all.map(|(_, url)| url);
        config = config.proxies(
            https.map(|(_, url)| url).or_else(|| all.clone()),
            http.map(|(_, url)| url).or(all),
            no_proxy.map(|(_, hosts)| hosts),
        );
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tencentcloud_runtime::Credentials;

    fn env(pairs: &[(&str, &str)]) -> impl FnMut(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn config() -> ClientConfig {
        ClientConfig::new(Credentials::new("AKIDtest", "key"))
    }

    #[test]
    fn the_environment_sets_region_and_proxies() {
        let config = env_settings(
            config(),
            env(&[
                ("TENCENTCLOUD_REGION", "ap-shanghai"),
                ("https_proxy", "http://proxy.example:3128"),
                ("NO_PROXY", "127.0.0.1,localhost"),
            ]),
        )
        .expect("valid environment");
        assert_eq!(config.region_name(), Some("ap-shanghai"));
        let debug = format!("{config:?}");
        assert!(
            debug.contains(
                r#"proxy: Explicit { https: Some("http://proxy.example:3128"), http: None, no_proxy: Some("127.0.0.1,localhost") }"#
            ),
            "{debug}"
        );
        let untouched = env_settings(config.clone(), env(&[])).expect("empty environment");
        assert_eq!(untouched.region_name(), Some("ap-shanghai"));
        assert_eq!(format!("{untouched:?}"), debug);
    }

    #[test]
    fn all_proxy_stands_for_both_schemes() {
        let config = env_settings(
            config(),
            env(&[("ALL_PROXY", "socks5://proxy.example:1080")]),
        )
        .expect("valid environment");
        let debug = format!("{config:?}");
        assert!(
            debug.contains(
                r#"proxy: Explicit { https: Some("socks5://proxy.example:1080"), http: Some("socks5://proxy.example:1080"), no_proxy: None }"#
            ),
            "{debug}"
        );
    }

    #[test]
    fn a_bad_environment_value_names_its_variable() {
        let error = env_settings(config(), env(&[("TENCENTCLOUD_REGION", "Ap Guangzhou")]))
            .expect_err("an invalid region");
        assert_eq!(
            error.to_string(),
            "invalid client configuration: environment variable TENCENTCLOUD_REGION: region `Ap Guangzhou`: expected lowercase letters, digits and `-`, like ap-guangzhou"
        );
        let error = env_settings(config(), env(&[("HTTP_PROXY", "http://user:hunter2@[bad")]))
            .expect_err("an invalid proxy");
        let text = error.to_string();
        assert!(
            text.contains("environment variable HTTP_PROXY: proxy"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }
}
