//! Where a client's requests go, worked out once when the client is built:
//! an endpoint override, else the region's own host, else the action's or
//! the service's host under the configured root domain.

use std::borrow::Cow;

use crate::config::{redact_url, ClientConfig, DEFAULT_ROOT_DOMAIN};
use crate::error::Error;
use crate::service::ServiceInfo;

/// Where one request goes, with its URL (no query) parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: String,
    /// `host` or `host:port`, as sent in the Host header.
    pub authority: String,
    pub path: String,
    /// `scheme://authority/path`, parsed.
    pub url: reqwest::Url,
}

impl Target {
    pub fn new(scheme: &str, authority: String, path: String) -> Result<Target, String> {
        let text = format!("{scheme}://{authority}{path}");
        let url = reqwest::Url::parse(&text).map_err(|e| format!("URL `{text}`: {e}"))?;
        Ok(Target {
            scheme: scheme.to_owned(),
            authority,
            path,
            url,
        })
    }

    /// `scheme://authority/path`, with room for `extra` more bytes (a query).
    pub fn url_text(&self, extra: usize) -> String {
        let parts = [&self.scheme, "://", &self.authority, &self.path];
        let mut url = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + extra);
        url.extend(parts);
        url
    }
}

/// A client's resolved endpoints.
#[derive(Debug)]
pub(crate) struct Endpoints {
    /// Where the service's own actions go.
    default: Target,
    /// An override or the regional host: every action goes to `default`.
    fixed: bool,
    service_path: &'static str,
    root_domain: String,
}

impl Endpoints {
    pub fn resolve(service: &ServiceInfo, config: &ClientConfig) -> Result<Endpoints, Error> {
        let root_domain = config.root_domain.clone();
        let https = |host: &str| hosted(host, &root_domain, service.path).map_err(Error::Config);
        let (default, fixed) = match (&config.endpoint, config.regional_endpoint) {
            (Some(endpoint), _) => (Endpoint::parse(endpoint)?.target(service.path)?, true),
            (None, true) => {
                let (Some(pattern), Some(region)) =
                    (service.regional_host, config.region.as_deref())
                else {
                    return Err(Error::Config(format!(
                        "a regional endpoint needs a region, and {} {} to have regional hosts",
                        service.service, service.version
                    )));
                };
                (https(&pattern.replace("{region}", region))?, true)
            }
            (None, false) => (https(service.host)?, false),
        };
        Ok(Endpoints {
            default,
            fixed,
            service_path: service.path,
            root_domain,
        })
    }

    /// The target of an action; `host` is the action's own host, if it
    /// has one.
    pub fn target(&self, host: Option<&str>) -> Result<Cow<'_, Target>, String> {
        match host {
            Some(host) if !self.fixed => {
                hosted(host, &self.root_domain, self.service_path).map(Cow::Owned)
            }
            _ => Ok(Cow::Borrowed(&self.default)),
        }
    }
}

/// A service's (or action's) own host, reached over https under `root_domain`.
fn hosted(host: &str, root_domain: &str, path: &str) -> Result<Target, String> {
    Target::new(
        "https",
        with_root_domain(host, root_domain),
        path.to_owned(),
    )
}

/// Moves a host under the default root domain to the configured one.
fn with_root_domain(host: &str, root_domain: &str) -> String {
    match host.strip_suffix(DEFAULT_ROOT_DOMAIN) {
        Some(prefix) if prefix.ends_with('.') && root_domain != DEFAULT_ROOT_DOMAIN => {
            format!("{prefix}{root_domain}")
        }
        _ => host.to_owned(),
    }
}

/// An endpoint override ([`ClientConfig::endpoint`](crate::ClientConfig::endpoint)),
/// checked once when the client is built.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Endpoint {
    scheme: String,
    authority: String,
    /// `None` (no path, or `/`) keeps the service's path.
    path: Option<String>,
}

impl Endpoint {
    /// Anything but a bare host or an http(s) URL is an [`Error::Config`] naming the value.
    fn parse(value: &str) -> Result<Endpoint, Error> {
        // A URL with a password is refused, and named without it.
        let shown = redact_url(value);
        let bad = |why: &str| {
            Error::Config(format!(
                "endpoint `{shown}`: {why}; expected a host such as cvm.tencentcloudapi.com or an http(s) URL"
            ))
        };
        if value.trim().is_empty() {
            return Err(bad("empty"));
        }
        let with_scheme = match value.contains("://") {
            true => Cow::Borrowed(value),
            false => Cow::Owned(format!("https://{value}")),
        };
        let parsed = reqwest::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https"));
        }
        let host = parsed
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| bad("no host"))?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad("a query or fragment is not allowed"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad("credentials in the URL are not allowed"));
        }
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let path = match parsed.path() {
            "" | "/" => None,
            path => Some(path.to_owned()),
        };
        Ok(Endpoint {
            scheme: parsed.scheme().to_owned(),
            authority,
            path,
        })
    }

    /// The target of a request to a service whose path is `service_path`.
    fn target(&self, service_path: &str) -> Result<Target, Error> {
        let path = self.path.as_deref().unwrap_or(service_path).to_owned();
        Target::new(&self.scheme, self.authority.clone(), path).map_err(Error::Config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(value: &str, service_path: &str) -> (String, String, String) {
        let endpoint = Endpoint::parse(value).expect("a valid endpoint");
        let target = endpoint.target(service_path).expect("a URL");
        (target.scheme, target.authority, target.path)
    }

    fn owned(scheme: &str, authority: &str, path: &str) -> (String, String, String) {
        (scheme.to_owned(), authority.to_owned(), path.to_owned())
    }

    #[test]
    fn hosts_and_bare_urls_keep_the_service_path() {
        for service_path in ["/", "/v2/index.php"] {
            assert_eq!(
                target("cvm.api.qcloud.com", service_path),
                owned("https", "cvm.api.qcloud.com", service_path)
            );
            assert_eq!(
                target("127.0.0.1:8080", service_path),
                owned("https", "127.0.0.1:8080", service_path)
            );
            assert_eq!(
                target("http://127.0.0.1:8080", service_path),
                owned("http", "127.0.0.1:8080", service_path)
            );
            assert_eq!(
                target("http://127.0.0.1:8080/", service_path),
                owned("http", "127.0.0.1:8080", service_path)
            );
            assert_eq!(
                target("https://[::1]:8443/", service_path),
                owned("https", "[::1]:8443", service_path)
            );
        }
    }

    #[test]
    fn other_paths_are_used_as_given() {
        assert_eq!(
            target("http://127.0.0.1:8080/custom/path", "/v2/index.php"),
            owned("http", "127.0.0.1:8080", "/custom/path")
        );
        assert_eq!(
            target("gateway.example.com/cvm/", "/"),
            owned("https", "gateway.example.com", "/cvm/")
        );
    }

    #[test]
    fn anything_else_is_a_config_error_naming_the_value() {
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            ("not a host", "endpoint `not a host`"),
            ("ftp://cvm.example", "the scheme must be http or https"),
            ("file:///etc/passwd", "the scheme must be http or https"),
            ("http://", "endpoint `http://`"),
            ("http://host:notaport", "endpoint `http://host:notaport`"),
            ("http://host/?a=1", "a query or fragment is not allowed"),
            ("http://user@host", "credentials in the URL are not allowed"),
        ];
        for (value, expected) in cases {
            match Endpoint::parse(value) {
                Err(Error::Config(message)) => {
                    assert!(message.contains(expected), "{value}: {message}");
                    assert!(
                        message.starts_with(&format!("endpoint `{value}`")),
                        "{message}"
                    );
                }
                other => panic!("{value}: expected a config error, got {other:?}"),
            }
        }
        let error = Endpoint::parse("http://user:hunter2@host").expect_err("refused");
        let message = error.to_string();
        assert!(message.contains("credentials in the URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn the_root_domain_moves_only_its_own_hosts() {
        assert_eq!(
            with_root_domain("cvm.tencentcloudapi.com", "tencentcloudapi.woa.com"),
            "cvm.tencentcloudapi.woa.com"
        );
        assert_eq!(
            with_root_domain("cvm.ap-guangzhou.tencentcloudapi.com", "example.com"),
            "cvm.ap-guangzhou.example.com"
        );
        assert_eq!(
            with_root_domain("cvm.api.qcloud.com", "example.com"),
            "cvm.api.qcloud.com"
        );
    }
}
