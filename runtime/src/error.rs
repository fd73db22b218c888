//! One error type for every call. Each kind keeps what a caller needs to
//! decide what to do: the API's code, the HTTP status, a body snippet.

use std::fmt;
use std::time::Duration;

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
    /// The exchange broke on the connection: it could not be opened
    /// (refused, DNS, TLS handshake), or it closed or was reset before the
    /// reply was read whole. [`Error::send_state`] tells whether the
    /// request was sent; the text names the phase and the cause.
    #[error("{action}: failed while {phase}: {}{}", crate::transport::causes(.source), .phase.state_note(*.status))]
    Transport {
        action: String,
        /// Where the exchange was when it broke.
        phase: Phase,
        /// The reply's HTTP status, when its headers had arrived.
        status: Option<u16>,
        #[source]
        source: reqwest::Error,
    },
    /// No reply within the timeout: the connect timeout while connecting,
    /// else the request timeout, counted from the start of the attempt.
    #[error("{action}: timed out after {after:?} while {phase}{}", .phase.state_note(*.status))]
    Timeout {
        action: String,
        /// Where the exchange was when the time ran out.
        phase: Phase,
        /// The timeout that ran out.
        after: Duration,
        /// The reply's HTTP status, when its headers had arrived.
        status: Option<u16>,
    },
    /// The reply came but is not what the API promises. From a client, a
    /// success reply's `body` is [`WITHHELD_BODY`] unless
    /// [`log_bodies`](crate::ClientConfig::log_bodies) is on.
    #[error("{action}: cannot decode the reply (HTTP {status}): {message}; body: {body}")]
    Decode {
        action: String,
        status: u16,
        message: String,
        body: String,
    },
    /// The reply body is longer than the client's
    /// [`max_reply_bytes`](crate::ClientConfig::max_reply_bytes); reading stopped there.
    #[error("{action}: the reply (HTTP {status}) is larger than the limit of {limit} bytes")]
    ReplyTooLarge {
        action: String,
        status: u16,
        limit: usize,
    },
    /// The request could not be encoded; nothing was sent.
    #[error("{action}: cannot encode the request: {message} (the request was not sent)")]
    Encode { action: String, message: String },
    /// The client configuration is unusable.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Credentials are missing or malformed.
    #[error("credentials: {0}")]
    Credentials(String),
    /// A streamed reply (`tencentcloud-stream`) stopped: no headers or no event
    /// in time, an event or the stream over its limit, or bytes that are not
    /// an event stream. The events before it were delivered.
    #[error("{action}: the event stream stopped after {events} events: {failure}")]
    Stream {
        action: String,
        /// Events delivered before the failure.
        events: u64,
        request_id: Option<String>,
        failure: StreamFailure,
    },
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

    /// The request id of an API error, or of the stream that failed.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Stream { request_id, .. } => request_id.as_deref(),
            _ => self.as_api().and_then(|api| api.request_id.as_deref()),
        }
    }

    /// No reply came within the timeout, in whichever phase.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.is_timeout(),
            Error::Stream { failure, .. } => failure.is_timeout(),
            _ => false,
        }
    }

    /// Where a transport failure or a timeout happened; `None` for the
    /// other kinds.
    pub fn phase(&self) -> Option<Phase> {
        match self {
            Error::Transport { phase, .. } | Error::Timeout { phase, .. } => Some(*phase),
            _ => None,
        }
    }

    /// Whether the request reached the wire, and whether a reply came.
    pub fn send_state(&self) -> SendState {
        match self {
            Error::Api(_) | Error::Http { .. } | Error::Decode { .. } => SendState::Replied,
            Error::ReplyTooLarge { .. } => SendState::Replied,
            Error::Transport { phase, .. } | Error::Timeout { phase, .. } => phase.send_state(),
            Error::Encode { .. } | Error::Config(_) | Error::Credentials(_) => SendState::NotSent,
            // Without headers the stream never began; otherwise the service answered.
            Error::Stream { failure, .. } => match failure {
                StreamFailure::HeadersTimeout(_) => SendState::SentNoReply,
                _ => SendState::Replied,
            },
        }
    }

    /// The class of an API error; `None` for errors that are not the service's answer.
    pub fn class(&self) -> Option<ErrorClass> {
        self.as_api().map(ApiError::class)
    }

    /// The credentials or the signature were refused (`AuthFailure*`,
    /// `UnauthorizedOperation*`; legacy 4100, 4200, 4300, 4500).
    pub fn is_auth(&self) -> bool {
        self.class() == Some(ErrorClass::Auth)
    }

    /// The request was refused for its rate (`RequestLimitExceeded*`,
    /// legacy 4400). Nothing was done, so trying again later is safe.
    pub fn is_throttling(&self) -> bool {
        self.class() == Some(ErrorClass::Throttling)
    }

    /// A param is missing, unknown or has a bad value.
    pub fn is_invalid_parameter(&self) -> bool {
        self.class() == Some(ErrorClass::InvalidParameter)
    }

    /// The resource is missing, busy, or in a state that refuses the action.
    pub fn is_resource_state(&self) -> bool {
        self.class() == Some(ErrorClass::ResourceState)
    }

    /// The service failed or is briefly unavailable; the action may or may
    /// not have taken effect.
    pub fn is_internal(&self) -> bool {
        self.class() == Some(ErrorClass::Internal)
    }

    /// Whether trying again may succeed, and whether the failed attempt may
    /// have had an effect on the service side.
    pub fn retry_kind(&self) -> RetryKind {
        match self {
            Error::Api(api) => match api.class() {
                ErrorClass::Throttling => RetryKind::Throttled,
                ErrorClass::Internal => RetryKind::Ambiguous,
                _ => RetryKind::Never,
            },
            // A 5xx without an API error came from a gateway or the service:
            // the request may have been processed.
            Error::Http { status, .. } if *status >= 500 => RetryKind::Ambiguous,
            // A connection that never opened carried nothing; one that broke
            // later may have carried the request to the service, and a
            // reply cut short may have reported success.
            Error::Transport { .. } | Error::Timeout { .. } => match self.send_state() {
                SendState::NotSent => RetryKind::NotSent,
                SendState::SentNoReply | SendState::Replied => RetryKind::Ambiguous,
            },
            Error::Stream { failure, .. } if failure.is_timeout() => RetryKind::Ambiguous,
            // The request is wrong, or was refused: sending it again changes nothing.
            _ => RetryKind::Never,
        }
    }
}

/// Whether a failed request reached the wire ([`Error::send_state`]): only
/// [`SendState::NotSent`] proves that the service did nothing (what a retry
/// does with the others: [`crate::retry::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendState {
    /// Nothing left the client: a bad configuration, missing or malformed
    /// credentials, a request that cannot be encoded, or a connection that
    /// could not be opened (refused, DNS, TLS handshake, connect timeout).
    NotSent,
    /// The request was, or may have been, written, and no reply came: the
    /// connection closed or was reset, or the time ran out, before the
    /// reply's headers arrived.
    SentNoReply,
    /// The reply's status and headers arrived: an API error, an HTTP error
    /// status, an undecodable or oversized reply, or a body that broke off
    /// or stalled (the service answered; what it said is unknown).
    Replied,
}

/// A short phrase for messages: `the request was not sent`.
impl fmt::Display for SendState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendState::NotSent => "the request was not sent",
            SendState::SentNoReply => "the request may have been sent; no reply came",
            SendState::Replied => "the reply had begun",
        })
    }
}

/// Where a request was when its exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Resolving the host, opening the connection, the TLS handshake.
    Connect,
    /// Writing the request or waiting for the reply's headers (the HTTP
    /// client does not tell these apart; with no `connect_timeout` shorter
    /// than the timeout, a connection still opening when the timeout runs
    /// out counts here too).
    Send,
    /// Reading the body of a reply whose headers arrived.
    ReadBody,
}

impl Phase {
    /// Whether a failure in this phase left the request unsent.
    pub fn send_state(self) -> SendState {
        match self {
            Phase::Connect => SendState::NotSent,
            Phase::Send => SendState::SentNoReply,
            Phase::ReadBody => SendState::Replied,
        }
    }

    /// ` (the request was not sent)`, or the reply's status after its
    /// headers came: ` (HTTP 200; the reply had begun)`.
    fn state_note(self, status: Option<u16>) -> String {
        match status {
            Some(status) => format!(" (HTTP {status}; {})", self.send_state()),
            None => format!(" ({})", self.send_state()),
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connecting",
            Phase::Send => "sending the request or waiting for the reply",
            Phase::ReadBody => "reading the reply body",
        })
    }
}

/// Which kind of failure an API error code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    Auth,
    Throttling,
    InvalidParameter,
    ResourceState,
    Internal,
    /// Any other code (`FailedOperation`, `LimitExceeded`, `UnsupportedOperation`, …).
    Other,
}

/// How a failed attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// Not retryable: the request itself is wrong or refused.
    Never,
    /// The request never reached the service ([`SendState::NotSent`]):
    /// safe to send again.
    NotSent,
    /// The service refused the rate and did nothing: safe after a pause.
    Throttled,
    /// The service may have acted: safe only for read-only actions or with
    /// an idempotency token.
    Ambiguous,
}

impl ErrorClass {
    /// Classifies an API 3.0 code (`RequestLimitExceeded.UinLimitExceeded`) or
    /// an API 2.0 numeric code (`4400`) from Tencent's common error lists.
    pub fn of_code(code: &str) -> ErrorClass {
        if let Ok(legacy) = code.parse::<i64>() {
            return match legacy {
                4100 | 4200 | 4300 | 4500 => ErrorClass::Auth,
                4400 => ErrorClass::Throttling,
                4000 => ErrorClass::InvalidParameter,
                5000 | 5100 => ErrorClass::ResourceState,
                // 6000: internal error; 6200: the action is briefly down for maintenance.
                6000 | 6200 => ErrorClass::Internal,
                _ => ErrorClass::Other,
            };
        }
        let (head, tail) = code.split_once('.').unwrap_or((code, ""));
        match head {
            "AuthFailure" | "UnauthorizedOperation" => ErrorClass::Auth,
            "RequestLimitExceeded" => ErrorClass::Throttling,
            "InvalidParameter"
            | "InvalidParameterValue"
            | "MissingParameter"
            | "UnknownParameter" => ErrorClass::InvalidParameter,
            "ResourceInUse"
            | "ResourceInsufficient"
            | "ResourceNotFound"
            | "ResourceUnavailable" => ErrorClass::ResourceState,
            "InternalError" | "ServiceUnavailable" => ErrorClass::Internal,
            // e.g. UnsupportedOperation.InstanceStateStopped, OperationDenied.InstanceOperationInProgress
            _ if tail.contains("State") || tail.contains("InProgress") => ErrorClass::ResourceState,
            _ => ErrorClass::Other,
        }
    }
}

impl ApiError {
    pub fn class(&self) -> ErrorClass {
        ErrorClass::of_code(&self.code)
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

/// What a [`Error::Decode`] of a success reply holds instead of its body,
/// unless [`log_bodies`](crate::ClientConfig::log_bodies) is on.
pub const WITHHELD_BODY: &str =
    "(withheld: a success reply can hold secrets; ClientConfig::log_bodies keeps it)";

impl Error {
    /// This error without the body of a success reply: STS's keys, a new
    /// key pair's private key and the like must not reach errors or logs.
    pub fn withhold_success_body(self) -> Error {
        self.with_success_body(WITHHELD_BODY.to_owned())
    }

    /// This error, if a [`Error::Decode`] of a success reply, with `body`
    /// in place of the reply's (a redacted one, say).
    pub fn with_success_body(self, body: String) -> Error {
        match self {
            Error::Decode {
                action,
                status,
                message,
                ..
            } if (200..300).contains(&status) => Error::Decode {
                action,
                status,
                message,
                body,
            },
            other => other,
        }
    }
}

/// The first [`BODY_SNIPPET_CHARS`] characters of a body, lossily decoded.
pub fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    cut(&text, BODY_SNIPPET_CHARS).unwrap_or_else(|| text.into_owned())
}

/// `text` cut to [`REPLY_TEXT_CHARS`] characters, marked with `…` if cut.
pub fn bounded(text: String) -> String {
    cut(&text, REPLY_TEXT_CHARS).unwrap_or(text)
}

/// The first `chars` characters of `text` and `…`, if it is longer.
fn cut(text: &str, chars: usize) -> Option<String> {
    let (end, _) = text.char_indices().nth(chars)?;
    Some(format!("{}…", &text[..end]))
}

/// Why a stream stopped, in [`Error::Stream`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamFailure {
    /// No reply headers within the client's timeout.
    HeadersTimeout(Duration),
    /// No bytes within the idle timeout.
    IdleTimeout(Duration),
    /// The stream lasted longer than `max_duration`.
    TooLong(Duration),
    /// An event longer than the limit (bytes).
    EventTooLarge { limit: usize },
    /// A stream longer than the limit (bytes).
    StreamTooLarge { limit: u64 },
    /// A line that is not UTF-8 (counting from 1).
    InvalidUtf8 { line: u64 },
}

impl StreamFailure {
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            StreamFailure::HeadersTimeout(_)
                | StreamFailure::IdleTimeout(_)
                | StreamFailure::TooLong(_)
        )
    }
}

impl fmt::Display for StreamFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamFailure::HeadersTimeout(t) => write!(f, "no reply headers within {t:?}"),
            StreamFailure::IdleTimeout(t) => write!(f, "no event within the idle timeout of {t:?}"),
            StreamFailure::TooLong(t) => write!(f, "the stream lasted longer than {t:?}"),
            StreamFailure::EventTooLarge { limit } => {
                write!(f, "an event is longer than the limit of {limit} bytes")
            }
            StreamFailure::StreamTooLarge { limit } => {
                write!(f, "the stream is longer than the limit of {limit} bytes")
            }
            StreamFailure::InvalidUtf8 { line } => {
                write!(f, "line {line} of the stream is not UTF-8")
            }
        }
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
    fn codes_fall_into_their_classes() {
        let cases = [
            ("AuthFailure.SignatureExpire", ErrorClass::Auth),
            ("UnauthorizedOperation", ErrorClass::Auth),
            ("RequestLimitExceeded", ErrorClass::Throttling),
            (
                "RequestLimitExceeded.UinLimitExceeded",
                ErrorClass::Throttling,
            ),
            (
                "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
                ErrorClass::Throttling,
            ),
            (
                "InvalidParameterValue.InvalidZone",
                ErrorClass::InvalidParameter,
            ),
            ("MissingParameter", ErrorClass::InvalidParameter),
            ("ResourceNotFound.NoDefaultCbs", ErrorClass::ResourceState),
            (
                "UnsupportedOperation.InstanceStateStopped",
                ErrorClass::ResourceState,
            ),
            ("InternalError.TradeUnknownError", ErrorClass::Internal),
            ("ServiceUnavailable", ErrorClass::Internal),
            ("LimitExceeded.InstanceQuota", ErrorClass::Other),
            ("FailedOperation", ErrorClass::Other),
            ("4400", ErrorClass::Throttling),
            ("4100", ErrorClass::Auth),
            ("4000", ErrorClass::InvalidParameter),
            ("5000", ErrorClass::ResourceState),
            ("6000", ErrorClass::Internal),
            ("5300", ErrorClass::Other),
        ];
        for (code, class) in cases {
            assert_eq!(ErrorClass::of_code(code), class, "{code}");
        }
    }

    #[test]
    fn retry_kinds_follow_the_class_and_the_status() {
        let api = |code: &str| {
            Error::from(ApiError {
                action: "RunInstances".into(),
                code: code.into(),
                message: String::new(),
                request_id: None,
                code_desc: None,
                http_status: 200,
            })
        };
        assert_eq!(
            api("RequestLimitExceeded").retry_kind(),
            RetryKind::Throttled
        );
        assert!(api("RequestLimitExceeded.IPLimitExceeded").is_throttling());
        assert_eq!(api("InternalError").retry_kind(), RetryKind::Ambiguous);
        assert_eq!(api("InvalidParameter").retry_kind(), RetryKind::Never);
        assert!(api("AuthFailure.SecretIdNotFound").is_auth());
        let http = |status| Error::Http {
            action: "RunInstances".into(),
            status,
            body: String::new(),
        };
        assert_eq!(http(503).retry_kind(), RetryKind::Ambiguous);
        assert_eq!(http(404).retry_kind(), RetryKind::Never);
        assert_eq!(Error::Config("x".into()).retry_kind(), RetryKind::Never);
    }

    #[test]
    fn every_kind_says_whether_the_request_was_sent() {
        let timeout = |phase, status| Error::Timeout {
            action: "RunInstances".into(),
            phase,
            after: Duration::from_millis(200),
            status,
        };
        let cases = [
            (
                Error::Config("x".into()),
                SendState::NotSent,
                RetryKind::Never,
            ),
            (
                Error::Credentials("x".into()),
                SendState::NotSent,
                RetryKind::Never,
            ),
            (
                Error::Encode {
                    action: "A".into(),
                    message: "x".into(),
                },
                SendState::NotSent,
                RetryKind::Never,
            ),
            (
                timeout(Phase::Connect, None),
                SendState::NotSent,
                RetryKind::NotSent,
            ),
            (
                timeout(Phase::Send, None),
                SendState::SentNoReply,
                RetryKind::Ambiguous,
            ),
            (
                timeout(Phase::ReadBody, Some(200)),
                SendState::Replied,
                RetryKind::Ambiguous,
            ),
            (
                Error::Http {
                    action: "A".into(),
                    status: 500,
                    body: String::new(),
                },
                SendState::Replied,
                RetryKind::Ambiguous,
            ),
            (
                Error::ReplyTooLarge {
                    action: "A".into(),
                    status: 200,
                    limit: 1,
                },
                SendState::Replied,
                RetryKind::Never,
            ),
            (
                Error::Decode {
                    action: "A".into(),
                    status: 200,
                    message: "x".into(),
                    body: String::new(),
                },
                SendState::Replied,
                RetryKind::Never,
            ),
        ];
        for (error, state, kind) in cases {
            assert_eq!(error.send_state(), state, "{error}");
            assert_eq!(error.retry_kind(), kind, "{error}");
        }
    }

    #[test]
    fn timeouts_name_the_phase_the_time_and_the_state() {
        let timeout = |phase, status| Error::Timeout {
            action: "DescribeZones".into(),
            phase,
            after: Duration::from_millis(200),
            status,
        };
        let error = timeout(Phase::Send, None);
        assert!(error.is_timeout());
        assert_eq!(error.phase(), Some(Phase::Send));
        assert_eq!(
            error.to_string(),
            "DescribeZones: timed out after 200ms while sending the request or waiting for the reply (the request may have been sent; no reply came)"
        );
        assert_eq!(
            timeout(Phase::ReadBody, Some(200)).to_string(),
            "DescribeZones: timed out after 200ms while reading the reply body (HTTP 200; the reply had begun)"
        );
        assert_eq!(
            timeout(Phase::Connect, None).to_string(),
            "DescribeZones: timed out after 200ms while connecting (the request was not sent)"
        );
        assert_eq!(Error::Config("x".into()).phase(), None);
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
