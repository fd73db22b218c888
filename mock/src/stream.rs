//! Streamed replies from the mock: an action given a [`MockStream`]
//! answers a request with `"Stream": true` as `text/event-stream`, one
//! part at a time with the configured pacing, and can fail mid-stream
//! ([`StreamFault`]): a reset connection, a malformed event, an error event,
//! a stall. A request without `Stream: true`, or one that meets a queued or
//! set [`Fault`](super::Fault), is answered as any other.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use serde_json::{json, Value};

use super::{Fault, MockBuilder, MockServer, ResetConnection, Shared};

/// The body of every mock reply: whole, or streamed.
pub(super) type MockBody = BoxBody<Bytes, std::io::Error>;

/// What a stream sends, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamPart {
    /// `data: <json>` and an empty line.
    Event(Value),
    /// Bytes as they are (anything: comments, `event:`/`id:` fields, CR
    /// line endings, broken UTF-8).
    Raw(Vec<u8>),
    /// A failure at this point.
    Fault(StreamFault),
}

/// A failure mid-stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamFault {
    /// The connection is cut (the chunked body never ends).
    Reset,
    /// An event whose data is not JSON.
    Malformed,
    /// A `data: {"Response":{"Error":...}}` event, then the end.
    ErrorEvent { code: String, message: String },
    /// Nothing is sent for this long (then the stream goes on).
    Stall(Duration),
}

/// A scripted event stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MockStream {
    pub parts: Vec<StreamPart>,
    /// The wait before each part.
    pub pace: Duration,
    /// Write the stream in pieces of this many bytes (each its own write),
    /// so that events and line endings are split across reads.
    pub split_every: Option<usize>,
}

impl MockStream {
    pub fn new() -> Self {
        MockStream::default()
    }

    /// One event per value.
    pub fn events(values: impl IntoIterator<Item = Value>) -> Self {
        MockStream {
            parts: values.into_iter().map(StreamPart::Event).collect(),
            ..MockStream::default()
        }
    }

    /// A chat completion as Hunyuan (and lkeap, es, cls) stream it: one
    /// event per token, each with `Choices[0].Delta.Content`, the last with
    /// `FinishReason: "stop"`.
    pub fn chat<S: Into<String>>(tokens: impl IntoIterator<Item = S>) -> Self {
        let tokens: Vec<String> = tokens.into_iter().map(Into::into).collect();
        let count = tokens.len();
        let events = tokens
            .into_iter()
            .enumerate()
            .map(|(i, token)| chat_chunk(&token, i + 1 == count, i as u64 + 1));
        MockStream::events(events)
    }

    pub fn event(mut self, value: Value) -> Self {
        self.parts.push(StreamPart::Event(value));
        self
    }

    pub fn raw(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.parts.push(StreamPart::Raw(bytes.into()));
        self
    }

    pub fn fault(mut self, fault: StreamFault) -> Self {
        self.parts.push(StreamPart::Fault(fault));
        self
    }

    /// Inserts `fault` after the first `events` parts.
    pub fn fault_after(mut self, events: usize, fault: StreamFault) -> Self {
        let at = events.min(self.parts.len());
        self.parts.insert(at, StreamPart::Fault(fault));
        self
    }

    pub fn pace(mut self, pace: Duration) -> Self {
        self.pace = pace;
        self
    }

    pub fn split_every(mut self, bytes: usize) -> Self {
        self.split_every = Some(bytes.max(1));
        self
    }
}

/// One ChatCompletions event carrying `token`.
pub fn chat_chunk(token: &str, last: bool, completion_tokens: u64) -> Value {
    json!({
        "Note": "以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记",
        "Choices": [{
            "FinishReason": if last { "stop" } else { "" },
            "Delta": {"Role": "assistant", "Content": token}
        }],
        "Created": 1_700_000_000,
        "Id": "6d6f636b-5353-4500-8000-000000000001",
        "Usage": {"PromptTokens": 4, "CompletionTokens": completion_tokens, "TotalTokens": 4 + completion_tokens}
    })
}

/// The mock's streams and what became of them.
#[derive(Debug, Default)]
pub(super) struct Streams {
    scripts: HashMap<String, MockStream>,
    started: u64,
    completed: u64,
    cancelled: u64,
}

impl MockBuilder {
    /// Answers `action`'s requests that ask for a stream with `stream`.
    pub fn stream(mut self, action: impl Into<String>, stream: MockStream) -> Self {
        self.state.streams.scripts.insert(action.into(), stream);
        self
    }
}

impl MockServer {
    /// See [`MockBuilder::stream`]; `None` removes the script.
    pub fn set_stream(&self, action: impl Into<String>, stream: Option<MockStream>) {
        let mut state = self.shared.lock();
        let action = action.into();
        match stream {
            Some(stream) => state.streams.scripts.insert(action, stream),
            None => state.streams.scripts.remove(&action),
        };
    }

    /// Streams begun, sent to their end, and cut short because the client
    /// went away (seen at the next write).
    pub fn stream_counts(&self) -> StreamCounts {
        let state = self.shared.lock();
        StreamCounts {
            started: state.streams.started,
            completed: state.streams.completed,
            cancelled: state.streams.cancelled,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamCounts {
    pub started: u64,
    pub completed: u64,
    pub cancelled: u64,
}

/// Where an accepted request goes.
enum Route {
    /// Streamed with its action's script.
    Stream(MockStream),
    /// Answered with this fault, already taken from the queue.
    Faulted(Fault),
    /// Answered as any other request.
    Plain,
}

/// Serves one request: a stream when the action has a script and the
/// request asks for one, else the usual reply.
pub(super) async fn serve(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<MockBody>, ResetConnection> {
    let whole = |response: Response<Full<Bytes>>| {
        response.map(|body| body.map_err(|never| match never {}).boxed())
    };
    // No scripts or a wrong path: the plain handler answers (a 404 for the path).
    if shared.lock().streams.scripts.is_empty() || request.uri().path() != shared.service.path {
        return shared.handle(request).await.map(whole);
    }
    let (parts, body) = request.into_parts();
    let body = match http_body_util::Limited::new(body, crate::MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            let rejection = crate::too_large();
            return Ok(whole(shared.error_reply(&shared.request_id(), rejection)));
        }
        // A body that cannot be read means a broken connection.
        Err(_) => return Err(ResetConnection),
    };
    let request_id = shared.request_id();
    let received = match shared
        .verify(&parts, &body)
        .and_then(|r| shared.validate(r))
    {
        Ok(received) => received,
        Err(rejection) => return Ok(whole(shared.error_reply(&request_id, rejection))),
    };
    let asks = received
        .params
        .get("Stream")
        .and_then(crate::spec::bool_value)
        == Some(true);
    // One locked step: whether a fault is due is decided by taking it, so
    // no other request can take it in between.
    let route = {
        let mut state = shared.lock();
        match state.streams.scripts.get(&received.action).cloned() {
            Some(script) if asks => {
                let action = &received.action;
                let queued = state.queued.get_mut(action).and_then(VecDeque::pop_front);
                match queued.or_else(|| state.faults.get(action).cloned()) {
                    Some(fault) => Route::Faulted(fault),
                    None => {
                        state.accept(&received);
                        state.streams.started += 1;
                        Route::Stream(script)
                    }
                }
            }
            _ => Route::Plain,
        }
    };
    // A request without a stream, or one that met a fault, is answered as any other.
    let script = match route {
        Route::Stream(script) => script,
        Route::Faulted(fault) => {
            let reply = shared.respond(&request_id, received, Some(fault)).await;
            return reply.map(whole);
        }
        Route::Plain => return shared.respond(&request_id, received, None).await.map(whole),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(1);
    tokio::spawn(send_script(shared.clone(), script, request_id.clone(), tx));
    let frames = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|frame| (frame, rx))
    });
    let mut response = Response::new(StreamBody::new(frames).boxed());
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-cache"),
    );
    if let Ok(id) = hyper::header::HeaderValue::from_str(&request_id) {
        headers.insert("X-TC-RequestId", id);
    }
    Ok(response)
}

/// Writes the script's parts; stops when the client has gone.
async fn send_script(
    shared: Arc<Shared>,
    script: MockStream,
    request_id: String,
    tx: tokio::sync::mpsc::Sender<Result<Frame<Bytes>, std::io::Error>>,
) {
    let send = |bytes: Vec<u8>| {
        let tx = tx.clone();
        let split = script.split_every;
        async move {
            let pieces: Vec<Bytes> = match split {
                Some(n) => bytes.chunks(n).map(Bytes::copy_from_slice).collect(),
                None => vec![Bytes::from(bytes)],
            };
            for piece in pieces {
                tx.send(Ok(Frame::data(piece))).await.map_err(|_| ())?;
                if split.is_some() {
                    // Let each piece go out as its own write.
                    tokio::task::yield_now().await;
                }
            }
            Ok::<(), ()>(())
        }
    };
    let mut finished = true;
    for part in &script.parts {
        if !script.pace.is_zero() {
            tokio::time::sleep(script.pace).await;
        }
        let bytes = match part {
            StreamPart::Event(value) => format!("data: {value}\n\n").into_bytes(),
            StreamPart::Raw(bytes) => bytes.clone(),
            StreamPart::Fault(StreamFault::Malformed) => {
                b"data: {\"Choices\": [{\"Delta\"\n\n".to_vec()
            }
            StreamPart::Fault(StreamFault::ErrorEvent { code, message }) => {
                let body = json!({
                    "Response": {
                        "Error": {"Code": code, "Message": message},
                        "RequestId": request_id
                    }
                });
                format!("data: {body}\n\n").into_bytes()
            }
            StreamPart::Fault(StreamFault::Stall(wait)) => {
                tokio::time::sleep(*wait).await;
                continue;
            }
            StreamPart::Fault(StreamFault::Reset) => {
                let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "mock reset");
                let _ = tx.send(Err(reset)).await;
                finished = false;
                break;
            }
        };
        if send(bytes).await.is_err() {
            shared.lock().streams.cancelled += 1;
            return;
        }
        if matches!(part, StreamPart::Fault(StreamFault::ErrorEvent { .. })) {
            break;
        }
    }
    if finished {
        shared.lock().streams.completed += 1;
    }
}
