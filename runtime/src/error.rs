//! One error type for every call. Each kind keeps what a caller needs to
//! decide what to do: the API's code, the HTTP status, a body snippet.

use std::fmt;

/// How much of an unexpected body an error keeps.
pub const BODY_SNIPPET_CHARS: usize = 512;

/// How much of any one text from a reply (an API error's code or message,
/// a decode message quoting a value) an error keeps, so that a hostile or
/// broken reply cannot make an error, or a log line, arbitrarily large.
pub const REPLY_TEXT_CHARS: usize = 2048;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error code. Boxed to keep `Result`s small.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A non-success HTTP status whose body is not an API error.
    #[error("{action}: HTTP {status}: {body}")]
    Http {
        action: String,
        status: u16,
        body: String,
    },
    /// The request did not complete: connection, TLS, timeout.
    #[error("{action}: request failed: {source}")]
    Transport {
        action: String,
        #[source]
        source: reqwest::Error,
    },
    /// The reply came but is not what the API promises.
    #[error("{action}: cannot decode the reply (HTTP {status}): {message}; body: {body}")]
    Decode {
        action: String,
        status: u16,
        message: String,
        body: String,
    },
    /// The reply body is longer than the client's limit
    /// ([`ClientConfig::max_reply_bytes`](crate::ClientConfig::max_reply_bytes));
    /// reading stopped there.
    #[error("{action}: the reply (HTTP {status}) is larger than the limit of {limit} bytes")]
    ReplyTooLarge {
        action: String,
        status: u16,
        limit: usize,
    },
    /// The request could not be encoded.
    #[error("{action}: cannot encode the request: {message}")]
    Encode { action: String, message: String },
    /// The client configuration is unusable.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Credentials are missing or malformed.
    #[error("credentials: {0}")]
    Credentials(String),
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(Box::new(error))
    }
}

impl Error {
    /// The API error, when the service answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The API error code (`AuthFailure.SignatureFailure`, …), if any.
    pub fn code(&self) -> Option<&str> {
        self.as_api().map(|api| api.code.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.as_api().and_then(|api| api.request_id.as_deref())
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }
}

/// An error answered by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub action: String,
    /// `Response.Error.Code`, or the legacy numeric `code` as text.
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// The legacy API's `codeDesc`, when present.
    pub code_desc: Option<String>,
    pub http_status: u16,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.action, self.code, self.message)?;
        if let Some(desc) = &self.code_desc {
            write!(f, " ({desc})")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The first [`BODY_SNIPPET_CHARS`] characters of a body, lossily decoded.
pub fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut snippet: String = text.chars().take(BODY_SNIPPET_CHARS).collect();
    if text.chars().count() > BODY_SNIPPET_CHARS {
        snippet.push('…');
    }
    snippet
}

/// `text` cut to [`REPLY_TEXT_CHARS`] characters, marked with `…` if cut.
pub fn bounded(text: String) -> String {
    match text.char_indices().nth(REPLY_TEXT_CHARS) {
        Some((end, _)) => {
            let mut cut = text[..end].to_owned();
            cut.push('…');
            cut
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_and_lossy() {
        let long = "云".repeat(BODY_SNIPPET_CHARS + 10);
        let snippet = body_snippet(long.as_bytes());
        assert_eq!(snippet.chars().count(), BODY_SNIPPET_CHARS + 1);
        assert_eq!(body_snippet(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn bounded_cuts_long_texts_only() {
        assert_eq!(bounded("short".into()), "short");
        let long = "界".repeat(REPLY_TEXT_CHARS + 1);
        let cut = bounded(long);
        assert_eq!(cut.chars().count(), REPLY_TEXT_CHARS + 1);
        assert!(cut.ends_with("界…"));
        let exact = "a".repeat(REPLY_TEXT_CHARS);
        assert_eq!(bounded(exact.clone()), exact);
    }

    #[test]
    fn api_error_display_names_code_and_request() {
        let error = Error::from(ApiError {
            action: "DescribeInstances".into(),
            code: "AuthFailure.SignatureFailure".into(),
            message: "bad signature".into(),
            request_id: Some("req-1".into()),
            code_desc: None,
            http_status: 200,
        });
        assert_eq!(error.code(), Some("AuthFailure.SignatureFailure"));
        assert_eq!(
            error.to_string(),
            "DescribeInstances: AuthFailure.SignatureFailure: bad signature [request id req-1]"
        );
    }
}
