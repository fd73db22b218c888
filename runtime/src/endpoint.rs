//! Where requests go: the service's (or the action's) host and the
//! service's path, or an endpoint override from the configuration.

use crate::client::redact_url;
use crate::error::Error;

/// Where one request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub scheme: String,
    /// `host` or `host:port`, as sent in the Host header.
    pub authority: String,
    pub path: String,
}

/// An endpoint override ([`ClientConfig::endpoint`](crate::ClientConfig::endpoint)),
/// checked once when the client is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    scheme: String,
    authority: String,
    /// The override's own path; `None` (no path, or `/`) keeps the
    /// service's path, `/v2/index.php` for API 2.0.
    path: Option<String>,
}

impl Endpoint {
    /// A bare host (`cvm.api.qcloud.com`, `127.0.0.1:8080`, reached over
    /// https) or an http(s) URL. Anything else is an [`Error::Config`]
    /// naming the value.
    pub fn parse(value: &str) -> Result<Endpoint, Error> {
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
        let full;
        let with_scheme = if value.contains("://") {
            value
        } else {
            full = format!("https://{value}");
            &full
        };
        let parsed = reqwest::Url::parse(with_scheme).map_err(|e| bad(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https"));
        }
        let host = match parsed.host_str() {
            Some(host) if !host.is_empty() => host,
            _ => return Err(bad("no host")),
        };
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
    pub fn target(&self, service_path: &str) -> Target {
        Target {
            scheme: self.scheme.clone(),
            authority: self.authority.clone(),
            path: self.path.as_deref().unwrap_or(service_path).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(value: &str, service_path: &str) -> (String, String, String) {
        let endpoint = Endpoint::parse(value).expect("a valid endpoint");
        let target = endpoint.target(service_path);
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
}
