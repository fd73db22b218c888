//! Streamed replies: actions that answer `Stream: true` with server-sent
//! events (`text/event-stream`), such as Hunyuan's ChatCompletions, read
//! as a `futures::Stream` of typed events.
//!
//! Each event's `data:` is a JSON object shaped like the action's reply
//! (`Choices[].Delta` in place of `Choices[].Message`, …), so it is decoded
//! into the reply type, whose fields are all lenient. What can go wrong:
//!
//! - a JSON error body instead of the stream is the usual [`Error::Api`]
//!   (with its request id); a body that is not an event stream but a
//!   success is delivered as the only event; either is read within the
//!   client's `timeout`, counted from the start of the attempt, or is an
//!   [`Error::Timeout`];
//! - an error event (`{"Response":{"Error":{...}}}`, `{"Error":{...}}`, or
//!   Hunyuan's `ErrorMsg` with a code) is an [`Error::Api`] item;
//! - an event that is not JSON or does not fit the type is an
//!   [`Error::Decode`] item, holding the event's data only if the client's
//!   `log_bodies` is on; a connection that breaks is [`Error::Transport`];
//!   a stall, an oversized event or stream, or non-UTF-8 bytes is
//!   [`Error::Stream`];
//!
//! and after an error item the stream ends. Retries (the client's
//! `RetryConfig` and its usual decision) happen only
//! before the first event arrives. Dropping the stream cancels the request
//! and closes its connection. The call's `tencentcloud.call` span stays open
//! while the stream is read and records `events` and its `outcome` at the end.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use tencentcloud_runtime::client::{
    decode_reply_with_id, read_capped, refused_by_http_client, CallAttempts, CappedReadError,
};
use tencentcloud_runtime::error::{body_snippet, bounded};
use tencentcloud_runtime::retry::Decision;
use tencentcloud_runtime::{Action, ApiError, Client, Error, Phase as WirePhase, RetryKind};

pub use tencentcloud_runtime::StreamFailure;

pub mod sse;

use crate::sse::{SseError, SseEvent, SseLimits, SseParser};

/// No event for this long ends a stream.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest event (1 MiB); also capped by the client's `max_reply_bytes`.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1024 * 1024;
/// The longest stream (256 MiB).
pub const DEFAULT_MAX_STREAM_BYTES: u64 = 256 * 1024 * 1024;
/// The longest a stream may last, however often events come.
pub const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(3600);

/// How streamed replies are read; set as an extension of the client's
/// configuration, `ClientConfig::extension(StreamConfig::default()...)`,
/// and checked when a stream starts. For streams the client's `timeout`
/// bounds the wait for the reply's headers (and the whole of a reply that
/// is not an event stream); after them `idle_timeout` bounds each wait for
/// more bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamConfig {
    pub idle_timeout: Duration,
    pub max_event_bytes: usize,
    pub max_stream_bytes: u64,
    pub max_duration: Duration,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig {
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            max_stream_bytes: DEFAULT_MAX_STREAM_BYTES,
            max_duration: DEFAULT_MAX_DURATION,
        }
    }
}

impl StreamConfig {
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
    }

    pub fn max_stream_bytes(mut self, limit: u64) -> Self {
        self.max_stream_bytes = limit;
        self
    }

    pub fn max_duration(mut self, duration: Duration) -> Self {
        self.max_duration = duration;
        self
    }

    /// Checks the settings: timeouts and limits above zero.
    pub fn validate(&self) -> Result<(), String> {
        if self.idle_timeout.is_zero() || self.max_duration.is_zero() {
            return Err("stream: the timeouts must be longer than zero".into());
        }
        if self.max_event_bytes == 0 || self.max_stream_bytes == 0 {
            return Err("stream: the limits must be at least one byte".into());
        }
        Ok(())
    }

    /// The parser limits, the event limit capped by `max_reply_bytes`.
    pub fn limits(&self, max_reply_bytes: usize) -> SseLimits {
        SseLimits {
            max_event_bytes: self.max_event_bytes.min(max_reply_bytes),
            max_stream_bytes: self.max_stream_bytes,
        }
    }
}

impl From<SseError> for StreamFailure {
    fn from(error: SseError) -> Self {
        match error {
            SseError::EventTooLarge { limit } => StreamFailure::EventTooLarge { limit },
            SseError::StreamTooLarge { limit } => StreamFailure::StreamTooLarge { limit },
            SseError::InvalidUtf8 { line } => StreamFailure::InvalidUtf8 { line },
        }
    }
}

/// Decodes one event's `data` as `T`: `Ok(None)` for the `[DONE]` marker
/// some services end with, `Err(Error::Api)` for an error event,
/// `Err(Error::Decode)` for data that is not JSON or does not fit `T`,
/// with the data as its body (a streamed call withholds it unless the
/// client's `log_bodies` is on). `index` counts events from 0, for the message.
pub fn decode_event<T: DeserializeOwned>(
    action: &str,
    status: u16,
    request_id: Option<&str>,
    index: u64,
    data: &str,
) -> Result<Option<T>, Error> {
    let decode_error = |message: String| Error::Decode {
        action: action.to_owned(),
        status,
        message: bounded(format!("event {index}: {message}")),
        body: body_snippet(data.as_bytes()),
    };
    let trimmed = data.trim();
    if trimmed == "[DONE]" {
        return Ok(None);
    }
    // The common event goes straight to `T`; one that may be an error or a
    // wrapped reply is looked at as JSON first.
    if !data.contains("\"Error") && !trimmed.starts_with("{\"Response\"") {
        return serde_json::from_str(data)
            .map(Some)
            .map_err(|e| decode_error(e.to_string()));
    }
    let json: Value = serde_json::from_str(data).map_err(|e| decode_error(e.to_string()))?;
    if let Some(error) = error_event(action, status, request_id, &json) {
        return Err(error);
    }
    let body = match json.get("Response") {
        Some(response) if response.is_object() => response,
        _ => &json,
    };
    T::deserialize(body)
        .map(Some)
        .map_err(|e| decode_error(e.to_string()))
}

/// The API error an event carries, if it is an error event.
fn error_event(action: &str, status: u16, request_id: Option<&str>, json: &Value) -> Option<Error> {
    let text = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::String(s) => Some(bounded(s.clone())),
            Value::Null => None,
            other => Some(bounded(other.to_string())),
        }
    };
    let response = json
        .get("Response")
        .filter(|r| r.is_object())
        .unwrap_or(json);
    let id = || {
        text(response.get("RequestId"))
            .or_else(|| text(json.get("RequestId")))
            .or_else(|| request_id.map(str::to_owned))
    };
    if let Some(error) = response.get("Error").filter(|e| e.is_object()) {
        return Some(
            ApiError {
                action: action.to_owned(),
                code: text(error.get("Code")).unwrap_or_else(|| "Unknown".into()),
                message: text(error.get("Message")).unwrap_or_default(),
                request_id: id(),
                code_desc: None,
                http_status: status,
            }
            .into(),
        );
    }
    // Hunyuan: "ErrorMsg": {"Code": 2001, "Msg": "..."} when the service
    // failed mid-stream.
    let error = json.get("ErrorMsg").filter(|e| e.is_object())?;
    let code = text(error.get("Code")).filter(|c| !c.is_empty() && c != "0");
    let message = text(error.get("Msg")).filter(|m| !m.is_empty());
    if code.is_none() && message.is_none() {
        return None;
    }
    Some(
        ApiError {
            action: action.to_owned(),
            code: code.unwrap_or_else(|| "Unknown".into()),
            message: message.unwrap_or_default(),
            request_id: id(),
            code_desc: None,
            http_status: status,
        }
        .into(),
    )
}

/// Reads a whole event stream held in memory into typed events, as a
/// streamed call would; stops at the first error (the example checks and
/// the benchmarks use it).
pub fn decode_stream<T: DeserializeOwned>(
    action: &str,
    bytes: &[u8],
    limits: SseLimits,
) -> Vec<Result<T, Error>> {
    let (events, error) = sse::parse_all(bytes, limits);
    let mut out = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        match decode_event(action, 200, None, index as u64, &event.data) {
            Ok(Some(item)) => out.push(Ok(item)),
            Ok(None) => return out,
            Err(error) => {
                out.push(Err(error));
                return out;
            }
        }
    }
    if let Some(error) = error {
        out.push(Err(Error::Stream {
            action: action.to_owned(),
            events: out.len() as u64,
            request_id: None,
            failure: error.into(),
        }));
    }
    out
}

type Inner<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// The typed events of a streamed call, as a `futures::Stream`. Nothing is
/// sent until it is first polled; dropping it cancels the call.
#[must_use = "a stream does nothing unless polled"]
pub struct EventStream<T> {
    inner: Inner<T>,
    span: tracing::Span,
    started: tokio::time::Instant,
    events: u64,
    failed: bool,
    finished: bool,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events", &self.events)
            .field("finished", &self.finished)
            .finish()
    }
}

impl<T> EventStream<T> {
    /// Events delivered so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    fn record(&self, outcome: &'static str) {
        self.span.record("events", self.events);
        self.span
            .record("latency_ms", self.started.elapsed().as_millis() as u64);
        self.span.record("outcome", outcome);
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let poll = self.inner.as_mut().poll_next(cx);
        match &poll {
            Poll::Ready(Some(Ok(_))) => self.events += 1,
            Poll::Ready(Some(Err(_))) => self.failed = true,
            Poll::Ready(None) => {
                self.finished = true;
                self.record(if self.failed { "error" } else { "ok" });
            }
            Poll::Pending => {}
        }
        poll
    }
}

impl<T> Drop for EventStream<T> {
    fn drop(&mut self) {
        if !self.finished {
            self.record(if self.failed { "error" } else { "cancelled" });
        }
    }
}

/// Where a stream is.
enum Phase<T> {
    Start(Box<Call>),
    Open(Box<Open<T>>),
    Done,
}

/// A call not yet answered.
struct Call {
    client: Client,
    action: Action,
    stream: StreamConfig,
    /// The call's attempts, or why its params could not be encoded.
    attempts: Result<CallAttempts<'static>, Error>,
}

/// A stream being read.
struct Open<T> {
    action: Action,
    response: Option<reqwest::Response>,
    status: u16,
    request_id: Option<String>,
    parser: SseParser,
    idle_timeout: Duration,
    max_duration: Duration,
    started: tokio::time::Instant,
    log_bodies: bool,
    /// Events parsed so far (the `[DONE]` marker included).
    parsed: u64,
    ready: VecDeque<Result<T, Error>>,
    /// Nothing more is read: the stream ended or failed.
    ended: bool,
}

impl<T: DeserializeOwned> Open<T> {
    /// `error` without the reply's content unless `log_bodies` is on, as
    /// the core client does: it reaches logs and callers.
    fn withhold(&self, error: Error) -> Error {
        match self.log_bodies {
            true => error,
            false => error.withhold_success_body(),
        }
    }

    fn fail(&mut self, failure: StreamFailure) {
        self.ready.push_back(Err(Error::Stream {
            action: self.action.name.to_owned(),
            events: self.parsed,
            request_id: self.request_id.clone(),
            failure,
        }));
        self.end();
    }

    fn end(&mut self) {
        self.ended = true;
        // Dropping the response closes its connection (the body is unread).
        self.response = None;
    }

    /// Waits for more bytes and turns them into events (or the error that
    /// ends the stream) in `ready`; marks the end.
    async fn read_more(&mut self) {
        let Some(response) = self.response.as_mut() else {
            self.ended = true;
            return;
        };
        let left = self.max_duration.saturating_sub(self.started.elapsed());
        let (wait, failure) = if left < self.idle_timeout {
            (left, StreamFailure::TooLong(self.max_duration))
        } else {
            (
                self.idle_timeout,
                StreamFailure::IdleTimeout(self.idle_timeout),
            )
        };
        let chunk = match tokio::time::timeout(wait, response.chunk()).await {
            Err(_) => return self.fail(failure),
            Ok(Err(e)) => {
                let error =
                    Error::transport(self.action.name, WirePhase::ReadBody, Some(self.status), e);
                self.ready.push_back(Err(error));
                return self.end();
            }
            Ok(Ok(None)) => {
                if let Err(e) = self.parser.finish() {
                    return self.fail(e.into());
                }
                return self.end();
            }
            Ok(Ok(Some(chunk))) => chunk,
        };
        let mut events: Vec<SseEvent> = Vec::new();
        let result = self.parser.feed(&chunk, |event| events.push(event));
        for event in events {
            if self.log_bodies {
                tracing::trace!(data = %body_snippet(event.data.as_bytes()), "event");
            }
            let index = self.parsed;
            self.parsed += 1;
            match decode_event::<T>(
                self.action.name,
                self.status,
                self.request_id.as_deref(),
                index,
                &event.data,
            ) {
                Ok(Some(item)) => self.ready.push_back(Ok(item)),
                Ok(None) => return self.end(),
                Err(error) => {
                    let error = self.withhold(error);
                    self.ready.push_back(Err(error));
                    return self.end();
                }
            }
        }
        if let Err(e) = result {
            self.fail(e.into());
        }
    }

    /// The next item, reading as needed; `None` at the end.
    async fn next(&mut self) -> Option<Result<T, Error>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.ended {
                return None;
            }
            self.read_more().await;
        }
    }
}

/// Calls a streaming action (one that answers `Stream: true` with
/// server-sent events) and reads its events as `T`. `request` must
/// already ask for a stream; the generated `<action>_stream` methods
/// set `Stream` to true. The client's [`StreamConfig`] extension, or the
/// default, says how the stream is read.
pub fn call_stream<Req, T>(client: &Client, action: &Action, request: &Req) -> EventStream<T>
where
    Req: Serialize,
    T: DeserializeOwned + Send + 'static,
{
    let config = client.config();
    let span = tracing::info_span!(
        "tencentcloud.call",
        service = client.service().service,
        version = client.service().version,
        action = action.name,
        region = config.region_name().unwrap_or(""),
        stream = true,
        request_id = tracing::field::Empty,
        attempt = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        events = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let stream = config
        .get_extension::<StreamConfig>()
        .copied()
        .unwrap_or_default();
    let attempts = match stream.validate() {
        Ok(()) => CallAttempts::new(client, action, request),
        Err(why) => Err(Error::Config(why)),
    };
    let start = Phase::Start(Box::new(Call {
        client: client.clone(),
        action: *action,
        stream,
        attempts,
    }));
    let step_span = span.clone();
    let inner = futures_util::stream::unfold(start, move |phase| {
        let span = step_span.clone();
        async move {
            let mut open = match phase {
                Phase::Done => return None,
                Phase::Open(open) => open,
                Phase::Start(call) => match call.connect::<T>().await {
                    Ok(open) => open,
                    Err(error) => return Some((Err(error), Phase::Done)),
                },
            };
            open.next().await.map(|item| (item, Phase::Open(open)))
        }
        .instrument(span)
    });
    EventStream {
        inner: Box::pin(inner),
        span,
        started: tokio::time::Instant::now(),
        events: 0,
        failed: false,
        finished: false,
    }
}

/// What one attempt came to.
enum Attempt<T> {
    /// A stream that delivered its first event, or ended cleanly.
    Open(Box<Open<T>>),
    Failed(Error, Option<String>),
}

impl Call {
    /// Sends the request, retrying as a call does, until the first event
    /// (or a reply that is not a stream) arrives.
    async fn connect<T: DeserializeOwned>(self) -> Result<Box<Open<T>>, Error> {
        let Call {
            client,
            action,
            stream,
            attempts,
        } = self;
        let mut attempts = attempts?;
        let span = tracing::Span::current();
        loop {
            let request = attempts.next_request().await?;
            let attempt = attempts.attempt();
            let (error, request_id) = match attempt_once(&client, &action, stream, request).await {
                Attempt::Open(open) => {
                    if let Some(id) = &open.request_id {
                        span.record("request_id", id.as_str());
                    }
                    tracing::debug!(attempt, "stream opened");
                    return Ok(open);
                }
                Attempt::Failed(error, request_id) => (error, request_id),
            };
            if let Some(id) = &request_id {
                span.record("request_id", id.as_str());
            }
            match attempts.decide(&error) {
                Decision::RetryAfter(wait) => {
                    tracing::debug!(
                        attempt,
                        %error,
                        ambiguous = error.retry_kind() == RetryKind::Ambiguous,
                        wait_ms = wait.as_millis() as u64,
                        "stream failed before its first event; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::Stop(why) => {
                    tracing::debug!(attempt, %error, why, "stream call failed");
                    return Err(error);
                }
            }
        }
    }
}

/// One signed request, read up to its first event.
async fn attempt_once<T: DeserializeOwned>(
    client: &Client,
    action: &Action,
    stream: StreamConfig,
    builder: reqwest::RequestBuilder,
) -> Attempt<T> {
    let config = client.config();
    // The client's whole-request timeout would cut a long stream: the
    // headers get `timeout`, then each read `idle_timeout`, and the whole
    // stream `max_duration`; a reply that is not a stream gets `timeout`
    // for headers and body, as any call.
    let builder = builder
        .timeout(stream.max_duration.saturating_add(config.request_timeout()))
        .header("Accept", "text/event-stream, application/json");

    let timeout = config.request_timeout();
    let deadline = tokio::time::Instant::now() + timeout;
    let response = match tokio::time::timeout_at(deadline, builder.send()).await {
        Err(_) => {
            let error = Error::Stream {
                action: action.name.to_owned(),
                events: 0,
                request_id: None,
                failure: StreamFailure::HeadersTimeout(timeout),
            };
            return Attempt::Failed(error, None);
        }
        // The HTTP client refused to build it: nothing was sent.
        Ok(Err(e)) if e.is_builder() => {
            return Attempt::Failed(refused_by_http_client(action.name, e), None)
        }
        Ok(Err(e)) => {
            let phase = match e.is_connect() {
                true => WirePhase::Connect,
                false => WirePhase::Send,
            };
            return Attempt::Failed(Error::transport(action.name, phase, None, e), None);
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("X-TC-RequestId")
        .and_then(|v| v.to_str().ok())
        .map(|id| bounded(id.to_owned()));
    let is_stream = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("text/event-stream"));
    let mut open = Open {
        action: *action,
        response: None,
        status,
        request_id,
        parser: SseParser::new(stream.limits(config.reply_limit())),
        idle_timeout: stream.idle_timeout,
        max_duration: stream.max_duration,
        started: tokio::time::Instant::now(),
        log_bodies: config.logs_bodies(),
        parsed: 0,
        ready: VecDeque::new(),
        ended: false,
    };
    if !is_stream || !(200..300).contains(&status) {
        // A JSON reply: an error, or a success the service did not stream.
        let read = read_capped(response, config.reply_limit());
        let body = match tokio::time::timeout_at(deadline, read).await {
            Err(_) => {
                let error = Error::Timeout {
                    action: action.name.to_owned(),
                    phase: WirePhase::ReadBody,
                    after: timeout,
                    status: Some(status),
                };
                return Attempt::Failed(error, open.request_id);
            }
            Ok(Ok(body)) => body,
            Ok(Err(CappedReadError::Transport(e))) => {
                let error = Error::transport(action.name, WirePhase::ReadBody, Some(status), e);
                return Attempt::Failed(error, None);
            }
            Ok(Err(CappedReadError::TooLarge { limit })) => {
                let error = Error::ReplyTooLarge {
                    action: action.name.to_owned(),
                    status,
                    limit,
                };
                return Attempt::Failed(error, open.request_id);
            }
        };
        if config.logs_bodies() {
            tracing::trace!(status, body = %body_snippet(&body), "reply body");
        }
        let (result, id) =
            decode_reply_with_id::<T>(client.service().family, action.name, status, &body);
        let id = id.or(open.request_id.take());
        return match result {
            Ok(reply) => {
                open.request_id = id;
                open.ready.push_back(Ok(reply));
                open.parsed = 1;
                open.ended = true;
                Attempt::Open(Box::new(open))
            }
            Err(error) => Attempt::Failed(open.withhold(error), id),
        };
    }
    open.response = Some(response);
    // Read until the first event: a failure before it may be retried.
    loop {
        open.read_more().await;
        match open.ready.front() {
            Some(Ok(_)) => return Attempt::Open(Box::new(open)),
            Some(Err(_)) => {
                let id = open.request_id.clone();
                return match open.ready.pop_front() {
                    Some(Err(error)) => Attempt::Failed(error, id),
                    _ => Attempt::Open(Box::new(open)),
                };
            }
            None if open.ended => return Attempt::Open(Box::new(open)),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Chunk {
        #[serde(rename = "Content")]
        content: Option<String>,
    }

    #[test]
    fn events_decode_and_errors_are_typed() {
        let ok: Option<Chunk> = decode_event("Chat", 200, None, 0, r#"{"Content":"hi"}"#).unwrap();
        assert_eq!(
            ok,
            Some(Chunk {
                content: Some("hi".into())
            })
        );
        let done: Option<Chunk> = decode_event("Chat", 200, None, 3, " [DONE] ").unwrap();
        assert_eq!(done, None);
        let wrapped: Option<Chunk> =
            decode_event("Chat", 200, None, 0, r#"{"Response":{"Content":"w"}}"#).unwrap();
        assert_eq!(
            wrapped,
            Some(Chunk {
                content: Some("w".into())
            })
        );

        let error = decode_event::<Chunk>(
            "Chat",
            200,
            Some("hdr-id"),
            2,
            r#"{"Response":{"Error":{"Code":"InternalError","Message":"boom"},"RequestId":"r-1"}}"#,
        )
        .unwrap_err();
        assert_eq!(error.code(), Some("InternalError"));
        assert_eq!(error.request_id(), Some("r-1"));
        let error = decode_event::<Chunk>(
            "Chat",
            200,
            Some("hdr-id"),
            2,
            r#"{"Choices":[],"ErrorMsg":{"Code":2001,"Msg":"overloaded"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            (error.code(), error.request_id()),
            (Some("2001"), Some("hdr-id"))
        );
        // An empty ErrorMsg is no error.
        let fine: Option<Chunk> = decode_event(
            "Chat",
            200,
            None,
            0,
            r#"{"Content":"a","ErrorMsg":{"Code":0,"Msg":""}}"#,
        )
        .unwrap();
        assert!(fine.is_some());

        let bad = decode_event::<Chunk>("Chat", 200, None, 5, "{not json").unwrap_err();
        assert!(matches!(bad, Error::Decode { .. }), "{bad}");
        assert!(bad.to_string().contains("event 5"), "{bad}");
        let mismatch =
            decode_event::<Chunk>("Chat", 200, None, 0, r#"{"Content":[1]}"#).unwrap_err();
        assert!(matches!(mismatch, Error::Decode { .. }));
    }

    #[test]
    fn a_whole_stream_decodes_and_stops_at_the_first_error() {
        let limits = StreamConfig::default().limits(usize::MAX);
        let items = decode_stream::<Chunk>(
            "Chat",
            b"data: {\"Content\":\"a\"}\r\n\r\ndata: {\"Content\":\"b\"}\n\ndata: oops\n\ndata: {}\n\n",
            limits,
        );
        assert_eq!(items.len(), 3);
        assert!(items[2].is_err());
        let limits = SseLimits {
            max_event_bytes: 8,
            max_stream_bytes: 100,
        };
        let items = decode_stream::<Chunk>("Chat", b"data: 0123456789\n\n", limits);
        assert!(matches!(
            &items[0],
            Err(Error::Stream {
                failure: StreamFailure::EventTooLarge { limit: 8 },
                ..
            })
        ));
    }

    #[test]
    fn stream_settings_are_checked() {
        assert!(StreamConfig::default().validate().is_ok());
        assert!(StreamConfig::default()
            .idle_timeout(Duration::ZERO)
            .validate()
            .is_err());
        assert!(StreamConfig::default()
            .max_event_bytes(0)
            .validate()
            .is_err());
        assert_eq!(
            StreamConfig::default()
                .max_event_bytes(100)
                .limits(50)
                .max_event_bytes,
            50
        );
    }
}
