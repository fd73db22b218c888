//! The server-sent events reader on arbitrary bytes, split at arbitrary
//! points: it never panics, never holds more than its limits, and the
//! events and the error it reads do not depend on how the bytes were split.
//! Each event is then decoded as a streamed call decodes it (error events,
//! `[DONE]`, JSON), which yields a value or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencentcloud_stream::sse::{parse_all, SseLimits, SseParser};
use tencentcloud_stream::decode_event;

fuzz_target!(|data: &[u8]| {
    // Byte 0: the event limit; bytes 1-4: up to four cut points.
    if data.len() < 5 {
        return;
    }
    let (head, stream) = data.split_at(5);
    let limits = SseLimits {
        max_event_bytes: 16 + usize::from(head[0]) * 8,
        max_stream_bytes: 1 << 20,
    };
    let whole = parse_all(stream, limits);

    let mut cuts: Vec<usize> = head[1..]
        .iter()
        .map(|&b| usize::from(b) * stream.len() / 255)
        .collect();
    cuts.sort_unstable();
    cuts.push(stream.len());
    let mut parser = SseParser::new(limits);
    let mut events = Vec::new();
    let mut error = None;
    let mut start = 0;
    for cut in cuts {
        if let Err(e) = parser.feed(&stream[start..cut], |event| events.push(event)) {
            error = Some(e);
            break;
        }
        start = cut;
    }
    if error.is_none() {
        error = parser.finish().err();
    }
    assert_eq!((events, error), whole, "splitting changed the result");

    for (index, event) in whole.0.iter().enumerate() {
        assert!(event.data.len() <= limits.max_event_bytes);
        let _ = decode_event::<Value>("ChatCompletions", 200, None, index as u64, &event.data);
    }
});
