//! One signed request on the wire: sent and its reply read within the
//! attempt's timeout, and, when that fails, an error that says where it
//! failed ([`Phase`]), why (the transport's chain of causes, never the
//! URL), and so whether the request reached the service
//! ([`SendState`](crate::error::SendState)).

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::Poll;
use std::time::Duration;

use tokio::time::Sleep;

use crate::client::PreparedRequest;
use crate::config::{redact_url, validate_proxy, ClientConfig, ProxySetting, ProxyUrl, USER_AGENT};
use crate::error::{Error, Phase};
use crate::service::HttpMethod;

/// What a request sends with, besides the request.
pub(crate) struct Limits {
    /// The whole attempt: sending, waiting and reading the body.
    pub timeout: Duration,
    /// The part of it opening a connection may take, if set (applied by reqwest).
    pub connect_timeout: Option<Duration>,
    pub max_reply_bytes: usize,
}

/// A reply read whole.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl ClientConfig {
    /// The HTTP client these settings ask for. Requests are small and
    /// answered at once, so Nagle's algorithm is off; the request timeout is
    /// applied by [`exchange`], one timer per attempt.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, Error> {
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .tcp_nodelay(true);
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        match &self.proxy {
            ProxySetting::System => {}
            ProxySetting::None => builder = builder.no_proxy(),
            ProxySetting::Explicit {
                https,
                http,
                no_proxy,
            } => {
                let exempt = no_proxy.as_deref().and_then(reqwest::NoProxy::from_string);
                // Without any proxy, the builder must still ignore the environment.
                builder = builder.no_proxy();
                for (url, https_only) in [(https, true), (http, false)] {
                    let Some(ProxyUrl(url)) = url else { continue };
                    validate_proxy(url).map_err(Error::Config)?;
                    let proxy = if https_only {
                        reqwest::Proxy::https(url)
                    } else {
                        reqwest::Proxy::http(url)
                    };
                    let proxy = proxy
                        .map_err(|e| Error::Config(format!("proxy `{}`: {e}", redact_url(url))))?
                        .no_proxy(exempt.clone());
                    builder = builder.proxy(proxy);
                }
            }
        }
        builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// The prepared request for `http` to send. The signers' header names are
/// known: they are not parsed again.
pub(crate) fn request(
    http: &reqwest::Client,
    action: &str,
    url: reqwest::Url,
    prepared: PreparedRequest,
) -> Result<reqwest::RequestBuilder, Error> {
    use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
    let method = match prepared.method {
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Get => reqwest::Method::GET,
    };
    let mut headers = HeaderMap::with_capacity(prepared.headers.len());
    for (name, value) in prepared.headers {
        let name = match name.as_str() {
            "Authorization" => header::AUTHORIZATION,
            "Content-Type" => header::CONTENT_TYPE,
            "X-TC-Action" => HeaderName::from_static("x-tc-action"),
            "X-TC-Timestamp" => HeaderName::from_static("x-tc-timestamp"),
            "X-TC-Version" => HeaderName::from_static("x-tc-version"),
            "X-TC-Region" => HeaderName::from_static("x-tc-region"),
            "X-TC-Token" => HeaderName::from_static("x-tc-token"),
            "X-TC-Language" => HeaderName::from_static("x-tc-language"),
            "X-TC-RequestClient" => HeaderName::from_static("x-tc-requestclient"),
            _ => HeaderName::try_from(name).map_err(|e| refused(action, &e))?,
        };
        // A value with a line break, say, is refused: nothing is sent.
        let value = HeaderValue::try_from(value).map_err(|e| refused(action, &e))?;
        headers.append(name, value);
    }
    Ok(http
        .request(method, url)
        .headers(headers)
        .body(prepared.body))
}

/// A request the HTTP client will not build (a URL `http::Uri` rejects,
/// say): nothing was sent. Its causes, not its text, which can hold the URL
/// (and with it a v1 signature).
pub fn refused_by_http_client(action: &str, error: reqwest::Error) -> Error {
    refused(action, &causes(&error.without_url()))
}

fn refused(action: &str, why: &dyn std::fmt::Display) -> Error {
    Error::Encode {
        action: action.to_owned(),
        message: format!("the HTTP client refused the request: {why}"),
    }
}

/// A client's last attempt timer, kept in tokio's timer wheel until the
/// next attempt's replaces it. Tokio wakes its time driver whenever a timer
/// lands in an empty wheel: on a multi-thread runtime, a cross-thread wake
/// per call (an eventfd write and an `epoll_wait` more). A later timer behind
/// one still waiting wakes nothing. The kept timer is only ever dropped, so
/// a timer of a runtime that has since ended is harmless.
#[derive(Debug, Default)]
pub(crate) struct TimerRelay(Mutex<Option<Pin<Box<Sleep>>>>);

impl TimerRelay {
    fn keep(&self, timer: Pin<Box<Sleep>>) {
        // The previous timer is dropped after the lock is released.
        let _previous = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(timer);
    }
}

/// Sends `builder` and reads the reply. The timeout is applied here, one
/// timer for the attempt, so that running out of time reads as a timeout
/// in the phase it hit, not as the body decoding error reqwest reports.
pub(crate) async fn exchange(
    builder: reqwest::RequestBuilder,
    action: &str,
    limits: &Limits,
    relay: &TimerRelay,
) -> Result<Reply, Error> {
    let timed_out = |phase: Phase, after: Duration, status: Option<u16>| Error::Timeout {
        action: action.to_owned(),
        phase,
        after,
        status,
    };
    // The reply's status once its headers are in (0 before): where the
    // exchange was if the one timer for the attempt runs out.
    let headers_in = AtomicU16::new(0);
    let exchange = async {
        // reqwest connects inside `send`, and does not tell writing the
        // request apart from waiting for the reply's headers: one phase.
        let response = match builder.send().await {
            Ok(response) => response,
            // The HTTP client refused to build it: nothing was sent.
            Err(error) if error.is_builder() => return Err(refused_by_http_client(action, error)),
            Err(error) => {
                let phase = if error.is_connect() {
                    Phase::Connect
                } else {
                    Phase::Send
                };
                if error.is_timeout() {
                    let after = match phase {
                        Phase::Connect => limits.connect_timeout.unwrap_or(limits.timeout),
                        _ => limits.timeout,
                    };
                    return Err(timed_out(phase, after, None));
                }
                return Err(Error::transport(action, phase, None, error));
            }
        };
        let status = response.status().as_u16();
        headers_in.store(status, Ordering::Relaxed);
        match read_capped(response, limits.max_reply_bytes).await {
            Ok(body) => Ok(Reply { status, body }),
            Err(CappedReadError::TooLarge { limit }) => Err(Error::ReplyTooLarge {
                action: action.to_owned(),
                status,
                limit,
            }),
            Err(CappedReadError::Transport(error)) if error.is_timeout() => {
                Err(timed_out(Phase::ReadBody, limits.timeout, Some(status)))
            }
            Err(CappedReadError::Transport(error)) => Err(Error::transport(
                action,
                Phase::ReadBody,
                Some(status),
                error,
            )),
        }
    };
    let mut exchange = pin!(exchange);
    let mut timer = Box::pin(tokio::time::sleep(limits.timeout));
    let finished = poll_fn(|cx| match exchange.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending => timer.as_mut().poll(cx).map(|()| None),
    })
    .await;
    relay.keep(timer);
    match finished {
        Some(result) => result,
        None => Err(match headers_in.load(Ordering::Relaxed) {
            0 => timed_out(Phase::Send, limits.timeout, None),
            status => timed_out(Phase::ReadBody, limits.timeout, Some(status)),
        }),
    }
}

impl Error {
    /// A failure of the HTTP client in `phase`, without the request's URL
    /// (it can carry a v1 signature and token).
    pub fn transport(
        action: &str,
        phase: Phase,
        status: Option<u16>,
        source: reqwest::Error,
    ) -> Error {
        Error::Transport {
            action: action.to_owned(),
            phase,
            status,
            source: source.without_url(),
        }
    }
}

/// Why [`read_capped`] stopped.
pub enum CappedReadError {
    Transport(reqwest::Error),
    TooLarge { limit: usize },
}

/// Reads the body chunk by chunk and stops as soon as it passes `limit`,
/// so an oversized reply is never held in memory whole.
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, CappedReadError> {
    let too_large = CappedReadError::TooLarge { limit };
    // A declared length over the limit fails before any byte is read.
    let declared = response.content_length().unwrap_or(0);
    if declared > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large);
    }
    // The declared length is the server's word: reserve for it only up to 1 MiB.
    let reserve = usize::try_from(declared.min(1 << 20)).unwrap_or(0);
    let mut body = Vec::with_capacity(reserve);
    while let Some(chunk) = response.chunk().await.map_err(CappedReadError::Transport)? {
        if chunk.len() > limit - body.len() {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The causes of a transport error, most specific last, as one line:
/// `tcp connect error: Connection refused (os error 111)`. reqwest's own
/// outermost text (`error sending request`) says less than its causes and
/// is left out when there are any; repeated texts are said once.
pub(crate) fn causes(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        // hyper-util wraps its causes in `client error (Connect)` and the like.
        let generic = text.starts_with("client error (") || text.is_empty();
        if !generic && !parts.iter().any(|seen| seen.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}
