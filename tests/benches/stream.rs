//! Issue 10: read a 1 MB stream of Hunyuan ChatCompletions events, one
//! reply token each (the mock's event shape, about 340 bytes an event),
//! into typed `ChatCompletionsResponse` events, as a streamed call does
//! after the bytes arrive; and the event-stream reader alone.
//!
//! ```sh
//! cargo bench -p tencentcloud-tests --bench stream
//! tests/benches/python/compare_stream.sh   # with the Python SDK, side by side
//! ```
//!
//! The stream is also written to `<target>/criterion/stream_chat_1mb.sse`
//! so that the Python side reads the very same bytes.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tencentcloud_hunyuan::v20230901::ChatCompletionsResponse;
use tencentcloud_mock::chat_chunk;
use tencentcloud_stream::sse::{SseLimits, SseParser};
use tencentcloud_stream::{decode_stream, StreamConfig};

const TOKENS: [&str; 8] = [
    "腾讯", "云", " Hunyuan", " streams", "，", "token", " by", " token",
];

/// Events of one token each until the stream reaches 1 MB.
fn chat_stream() -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut events = 0;
    while bytes.len() < 1_000_000 {
        let token = TOKENS[events % TOKENS.len()];
        let event = chat_chunk(token, false, events as u64 + 1);
        bytes.extend_from_slice(format!("data: {event}\n\n").as_bytes());
        events += 1;
    }
    (bytes, events)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn stream(c: &mut Criterion) {
    let (bytes, events) = chat_stream();
    let dir = target_dir().join("criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("stream_chat_1mb.sse"), &bytes);
    }
    let limits: SseLimits = StreamConfig::default().limits(usize::MAX);
    let decoded = decode_stream::<ChatCompletionsResponse>("ChatCompletions", &bytes, limits);
    assert_eq!(decoded.len(), events);
    assert!(decoded.iter().all(Result::is_ok));

    let mut group = c.benchmark_group("stream_chat_completions_1mb");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed_events", |b| {
        b.iter(|| {
            decode_stream::<ChatCompletionsResponse>(
                "ChatCompletions",
                std::hint::black_box(&bytes),
                limits,
            )
        })
    });
    // As the bytes come off the network: in 16 KB reads.
    group.bench_function("sse_reader_16k_reads", |b| {
        b.iter(|| {
            let mut parser = SseParser::new(limits);
            let mut count = 0usize;
            for chunk in std::hint::black_box(&bytes).chunks(16 * 1024) {
                parser.feed(chunk, |_| count += 1).expect("reads");
            }
            count
        })
    });
    group.finish();
    println!("stream: {} bytes, {events} events", bytes.len());
}

criterion_group!(benches, stream);
criterion_main!(benches);
