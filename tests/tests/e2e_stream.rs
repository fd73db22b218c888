//! Streamed replies end to end: the generated `chat_completions_stream` of
//! tencentcloud-hunyuan against the mock endpoint on 127.0.0.1, streaming
//! server-sent events over real HTTP, with faults before and during the
//! stream.
#![allow(deprecated)] // tccli 3.1.189.1 marks Hunyuan's actions deprecated.

mod wire_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tencentcloud_hunyuan::runtime::error::WITHHELD_BODY;
use tencentcloud_hunyuan::runtime::{Error, Phase, RetryConfig, SendState, StreamFailure};
use tencentcloud_hunyuan::stream::StreamConfig;
use tencentcloud_hunyuan::v20230901::mock::{self, Fault, MockServer, MockStream, StreamFault};
use tencentcloud_hunyuan::v20230901::{
    ChatCompletionsRequest, ChatCompletionsResponse, Client, Message,
};
use tencentcloud_hunyuan::{ClientConfig, Credentials, HttpMethod};
use wire_support::{Behaviour, RawServer};

fn credentials() -> Credentials {
    Credentials::new("AKIDstreamtest", "stream-test-key")
}

async fn server() -> MockServer {
    mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock starts")
}

fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint(server.url())
        .retry(
            RetryConfig::default()
                .backoff(Duration::from_millis(1), Duration::from_millis(5))
                .throttle_backoff(Duration::from_millis(1)),
        )
}

fn client(config: ClientConfig) -> Client {
    Client::new(config).expect("a valid config")
}

fn request() -> ChatCompletionsRequest {
    let mut message = Message::new("user");
    message.content = Some("1+1=?".into());
    ChatCompletionsRequest::new("hunyuan-lite", [message])
}

fn token(event: &ChatCompletionsResponse) -> String {
    event
        .choices
        .first()
        .and_then(|c| c.delta.as_ref())
        .and_then(|d| d.content.clone())
        .unwrap_or_default()
}

/// Every item of a stream; the stream must end after an error.
async fn collect(client: &Client) -> Vec<Result<ChatCompletionsResponse, Error>> {
    client.chat_completions_stream(request()).collect().await
}

fn tokens(items: &[Result<ChatCompletionsResponse, Error>]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.as_ref().ok())
        .map(token)
        .collect()
}

#[tokio::test]
async fn tokens_arrive_in_order_split_across_reads() {
    let server = server().await;
    let words = ["1", "+", "1", "=", "2", "。"];
    server.set_stream(
        "ChatCompletions",
        Some(
            MockStream::chat(words)
                .pace(Duration::from_millis(2))
                .split_every(7),
        ),
    );
    let client = client(config(&server));
    let items = collect(&client).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(tokens(&items), words);
    let last = items
        .last()
        .and_then(|i| i.as_ref().ok())
        .expect("an event");
    assert_eq!(last.choices[0].finish_reason.as_deref(), Some("stop"));
    assert_eq!(
        last.usage.as_ref().and_then(|u| u.completion_tokens),
        Some(6)
    );
    // The request asked for a stream.
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].params["Stream"], json!(true));
    assert_eq!(server.stream_counts().completed, 1);
}

#[tokio::test]
async fn every_line_ending_comments_ids_and_multi_line_data_are_read() {
    let server = server().await;
    // CRLF with a comment, an id and a type; LF with data on two lines;
    // lone CRs with a retry field; all written three bytes at a time.
    let stream = MockStream::new()
        .raw(": keep-alive\r\nid: 1\r\nevent: delta\r\ndata: {\"Choices\":[{\"Delta\":{\"Content\":\"a\"}}]}\r\n\r\n")
        .raw("data: {\"Choices\":\ndata: [{\"Delta\":{\"Content\":\"b\"}}]}\n\n")
        .raw("retry: 10\rdata: {\"Choices\":[{\"Delta\":{\"Content\":\"c\"}}]}\r\r")
        .split_every(3);
    server.set_stream("ChatCompletions", Some(stream));
    let items = collect(&client(config(&server))).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert_eq!(tokens(&items), ["a", "b", "c"]);
}

#[tokio::test]
async fn without_stream_the_call_is_as_before() {
    let server = server().await;
    server.set_stream("ChatCompletions", Some(MockStream::chat(["never"])));
    let client = client(config(&server));
    let reply = client
        .chat_completions(request())
        .await
        .expect("the example reply");
    assert!(reply.choices[0].message.is_some());
    assert_eq!(server.stream_counts().started, 0);
    // A service that answers a stream request with plain JSON gives one event.
    server.set_stream("ChatCompletions", None);
    let items = collect(&client).await;
    assert_eq!(items.len(), 1);
    assert!(
        items[0].as_ref().is_ok_and(|r| !r.choices.is_empty()),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_json_error_instead_of_the_stream_is_an_api_error() {
    let server = server().await;
    server.set_stream("ChatCompletions", Some(MockStream::chat(["a"])));
    server.queue_faults(
        "ChatCompletions",
        [Fault::ApiError {
            code: "InvalidParameter".into(),
            message: "Temperature must be 2 or less".into(),
        }],
    );
    let items = collect(&client(config(&server))).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let error = items[0].as_ref().expect_err("an error");
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert!(
        error
            .request_id()
            .is_some_and(|id| id.starts_with("6d6f636b")),
        "{error}"
    );
    assert_eq!(server.request_count("ChatCompletions"), 1);
}

#[tokio::test]
async fn a_json_reply_that_stalls_in_its_body_times_out_with_the_request_timeout() {
    let server = RawServer::start(Behaviour::HeadersThenStall { length: 100 }).await;
    let timeout = Duration::from_millis(300);
    let config = ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .endpoint(server.url())
        .timeout(timeout);
    let started = std::time::Instant::now();
    // Not the stream's hour: the attempt's timeout covers the body too.
    let items = tokio::time::timeout(Duration::from_secs(5), collect(&client(config)))
        .await
        .expect("the read ends with the request timeout");
    assert!(started.elapsed() >= timeout);
    assert_eq!(items.len(), 1, "{items:?}");
    let error = items[0].as_ref().expect_err("a timeout");
    assert!(
        matches!(
            error,
            Error::Timeout {
                phase: Phase::ReadBody,
                status: Some(200),
                after,
                ..
            } if *after == timeout
        ),
        "{error:?}"
    );
    assert_eq!(error.send_state(), SendState::Replied);
    // The reply came: not retried for an action that writes.
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_request_the_http_client_refuses_is_an_encode_error_and_not_sent() {
    let server = server().await;
    server.set_stream("ChatCompletions", Some(MockStream::chat(["a"])));
    // A GET whose query is longer than any `http::Uri` can be.
    let mut message = Message::new("user");
    message.content = Some("x".repeat(70_000));
    let request = ChatCompletionsRequest::new("hunyuan-lite", [message]);
    let client = client(config(&server).http_method(HttpMethod::Get));
    let items: Vec<_> = client.chat_completions_stream(request).collect().await;
    assert_eq!(items.len(), 1, "{items:?}");
    let error = items[0].as_ref().expect_err("refused");
    assert!(
        matches!(error, Error::Encode { message, .. } if message.starts_with("the HTTP client refused the request")),
        "{error:?}"
    );
    assert_eq!(error.send_state(), SendState::NotSent);
    assert!(!error.to_string().contains("xxxx"), "no URL: {error}");
    assert_eq!(server.request_count("ChatCompletions"), 0);
}

#[tokio::test]
async fn throttling_before_the_first_event_is_retried() {
    let server = server().await;
    server.set_stream("ChatCompletions", Some(MockStream::chat(["o", "k"])));
    server.queue_faults(
        "ChatCompletions",
        [
            Fault::ApiError {
                code: "RequestLimitExceeded".into(),
                message: "slow down".into(),
            },
            Fault::Status(503),
        ],
    );
    let client = client(
        config(&server).retry(
            RetryConfig::default()
                .max_attempts(3)
                .backoff(Duration::from_millis(1), Duration::from_millis(5))
                .throttle_backoff(Duration::from_millis(1)),
        ),
    );
    // Throttling is retried; a 503 is not for an action that writes.
    let items = collect(&client).await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(items[0], Err(Error::Http { status: 503, .. })),
        "{items:?}"
    );
    assert_eq!(server.request_count("ChatCompletions"), 2);
    server.queue_faults(
        "ChatCompletions",
        [Fault::ApiError {
            code: "RequestLimitExceeded".into(),
            message: "slow down".into(),
        }],
    );
    let items = collect(&client).await;
    assert_eq!(tokens(&items), ["o", "k"]);
    assert_eq!(server.request_count("ChatCompletions"), 4);
}

#[tokio::test]
async fn an_error_event_mid_stream_ends_it_with_the_api_error() {
    let server = server().await;
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a", "b", "c"]).fault_after(
            2,
            StreamFault::ErrorEvent {
                code: "InternalError".into(),
                message: "model overloaded".into(),
            },
        )),
    );
    let items = collect(&client(config(&server))).await;
    assert_eq!(tokens(&items), ["a", "b"]);
    assert_eq!(items.len(), 3, "the error is the last item: {items:?}");
    let error = items[2].as_ref().expect_err("an error");
    assert_eq!(error.code(), Some("InternalError"));
    assert!(error.request_id().is_some());
    // Never retried once events came.
    assert_eq!(server.request_count("ChatCompletions"), 1);
}

#[tokio::test]
async fn a_malformed_event_is_a_decode_error_and_the_end() {
    let server = server().await;
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a", "b", "c"]).fault_after(1, StreamFault::Malformed)),
    );
    let items = collect(&client(config(&server))).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(
        matches!(&items[1], Err(Error::Decode { message, .. }) if message.contains("event 1")),
        "{items:?}"
    );

    // An event that is JSON but not the reply's shape.
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a"]).event(json!({"Choices": "not a list"}))),
    );
    let items = collect(&client(config(&server))).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(items[1], Err(Error::Decode { .. })), "{items:?}");
}

#[tokio::test]
async fn a_success_body_stays_out_of_decode_errors_and_logs_unless_log_bodies_is_on() {
    let server = server().await;
    let secret = "private-key-material";
    // The misfit is not the secret: serde's message quotes it.
    let bad = json!({"Choices": "not a list", "Note": secret});
    // A misfit event after a good one, as the first event, and a success
    // reply that is not a stream.
    let cases = [
        (Some(MockStream::chat(["a"]).event(bad.clone())), None),
        (Some(MockStream::events([bad.clone()])), None),
        (None, Some(json!({"Response": bad}).to_string())),
    ];
    for (i, (stream, body)) in cases.into_iter().enumerate() {
        for log_bodies in [false, true] {
            server.set_stream("ChatCompletions", stream.clone());
            if let Some(body) = &body {
                server.queue_faults("ChatCompletions", [Fault::Body(body.clone())]);
            }
            let buffer = Buffer::default();
            let writer = buffer.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_max_level(tracing::Level::DEBUG)
                .with_ansi(false)
                .finish();
            let items = {
                let _guard = tracing::subscriber::set_default(subscriber);
                collect(&client(config(&server).log_bodies(log_bodies))).await
            };
            let at = format!("case {i}, log_bodies {log_bodies}: {items:?}");
            let error = items.last().and_then(|i| i.as_ref().err()).expect(&at);
            let Error::Decode {
                status: 200, body, ..
            } = error
            else {
                panic!("{at}");
            };
            let logs = String::from_utf8_lossy(&buffer.0.lock().unwrap_or_else(|e| e.into_inner()))
                .into_owned();
            if log_bodies {
                assert!(body.contains(secret), "{at}");
            } else {
                assert_eq!(body, WITHHELD_BODY, "{at}");
                assert!(!error.to_string().contains(secret), "{at}");
                assert!(!logs.contains(secret), "{at}\n{logs}");
            }
        }
    }
}

#[tokio::test]
async fn a_reset_mid_stream_is_a_transport_error() {
    let server = server().await;
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a", "b", "c"]).fault_after(2, StreamFault::Reset)),
    );
    let items = collect(&client(config(&server))).await;
    assert_eq!(tokens(&items), ["a", "b"]);
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        matches!(items[2], Err(Error::Transport { .. })),
        "{items:?}"
    );
    assert_eq!(server.request_count("ChatCompletions"), 1);
}

#[tokio::test]
async fn a_stall_hits_the_idle_timeout() {
    let server = server().await;
    server.set_stream(
        "ChatCompletions",
        Some(
            MockStream::chat(["a", "b"])
                .fault_after(1, StreamFault::Stall(Duration::from_secs(30))),
        ),
    );
    let idle = Duration::from_millis(300);
    // The whole-request timeout is shorter than the stream: it bounds the
    // headers only.
    let config = config(&server)
        .timeout(Duration::from_secs(5))
        .extension(StreamConfig::default().idle_timeout(idle));
    let items = collect(&client(config)).await;
    assert_eq!(tokens(&items), ["a"]);
    let error = items[1].as_ref().expect_err("a timeout");
    assert!(
        matches!(error, Error::Stream { failure: StreamFailure::IdleTimeout(t), events: 1, .. } if *t == idle),
        "{error}"
    );
    assert!(error.is_timeout());
    assert!(error.to_string().contains("idle timeout"), "{error}");
    // The reply's request id (from its X-TC-RequestId header) is kept.
    assert!(
        error
            .request_id()
            .is_some_and(|id| id.starts_with("6d6f636b")),
        "{error:?}"
    );

    // Events slower than the request timeout but within the idle timeout are fine.
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["x", "y", "z"]).pace(Duration::from_millis(150))),
    );
    let config = self::config(&server)
        .timeout(Duration::from_millis(250))
        .extension(StreamConfig::default().idle_timeout(Duration::from_secs(2)));
    let items = collect(&client(config)).await;
    assert_eq!(tokens(&items), ["x", "y", "z"], "{items:?}");
}

#[tokio::test]
async fn a_stream_that_never_ends_stops_at_its_longest_duration() {
    let server = server().await;
    let endless: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(endless).pace(Duration::from_millis(20))),
    );
    let longest = Duration::from_millis(400);
    let config = config(&server).extension(
        StreamConfig::default()
            .idle_timeout(Duration::from_secs(5))
            .max_duration(longest),
    );
    let items = collect(&client(config)).await;
    assert!(items.len() > 2, "{items:?}");
    let error = items
        .last()
        .and_then(|i| i.as_ref().err())
        .expect("an error last");
    assert!(
        matches!(error, Error::Stream { failure: StreamFailure::TooLong(t), .. } if *t == longest),
        "{error}"
    );
    assert!(error.is_timeout());
}

#[tokio::test]
async fn limits_end_oversized_endless_and_broken_streams() {
    let server = server().await;
    let small = StreamConfig::default().max_event_bytes(2048);
    // An endless line.
    server.set_stream(
        "ChatCompletions",
        Some(
            MockStream::chat(["a"])
                .raw(vec![b'x'; 64 * 1024])
                .split_every(4096),
        ),
    );
    let items = collect(&client(config(&server).extension(small))).await;
    assert_eq!(tokens(&items), ["a"]);
    assert!(
        matches!(
            &items[1],
            Err(Error::Stream {
                failure: StreamFailure::EventTooLarge { limit: 2048 },
                ..
            })
        ),
        "{items:?}"
    );
    // The reply cap also caps events.
    let items = collect(&client(config(&server).max_reply_bytes(100))).await;
    assert!(
        matches!(
            &items[0],
            Err(Error::Stream {
                failure: StreamFailure::EventTooLarge { limit: 100 },
                ..
            })
        ),
        "{items:?}"
    );
    // A stream that never ends: many events, over the stream cap.
    let many: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
    server.set_stream("ChatCompletions", Some(MockStream::chat(many)));
    let capped = StreamConfig::default().max_stream_bytes(64 * 1024);
    let items = collect(&client(config(&server).extension(capped))).await;
    assert!(items.len() > 10 && items.len() < 2000, "{}", items.len());
    assert!(
        matches!(
            items.last(),
            Some(Err(Error::Stream {
                failure: StreamFailure::StreamTooLarge { limit: 65536 },
                ..
            }))
        ),
        "{:?}",
        items.last()
    );
    // Bytes that are not UTF-8.
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a"]).raw(b"data: {\"Note\":\"\xff\xfe\"}\n\n".to_vec())),
    );
    let items = collect(&client(config(&server))).await;
    assert!(
        matches!(
            &items[1],
            Err(Error::Stream {
                failure: StreamFailure::InvalidUtf8 { .. },
                ..
            })
        ),
        "{items:?}"
    );
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_request_and_closes_the_connection() {
    let server = server().await;
    let many: Vec<String> = (0..500).map(|i| i.to_string()).collect();
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(many).pace(Duration::from_millis(5))),
    );
    let client = client(config(&server));
    let mut stream = client.chat_completions_stream(request());
    let first: Vec<_> = (&mut stream).take(3).collect().await;
    assert_eq!(tokens(&first), ["0", "1", "2"]);
    assert_eq!(stream.events(), 3);
    drop(stream);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.stream_counts().cancelled == 0 || server.open_connections() != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            server.stream_counts()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.stream_counts().completed, 0);
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_call_span_lives_as_long_as_the_stream_and_counts_events() {
    let server = server().await;
    server.set_stream(
        "ChatCompletions",
        Some(MockStream::chat(["a", "b", "c", "d"])),
    );
    let client = client(config(&server));
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        let items = collect(&client).await;
        assert_eq!(items.len(), 4);
    }
    let text =
        String::from_utf8_lossy(&buffer.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    let closed = text
        .lines()
        .find(|line| line.contains("tencentcloud.call") && line.contains("close"))
        .unwrap_or_else(|| panic!("no closed call span in:\n{text}"));
    for field in [
        "action=\"ChatCompletions\"",
        "stream=true",
        "events=4",
        "outcome=\"ok\"",
        "request_id=\"6d6f636b",
    ] {
        assert!(closed.contains(field), "`{field}` missing from: {closed}");
    }
    assert!(!text.contains("stream-test-key"), "{text}");
}
