//! An incremental reader of `text/event-stream` (server-sent events), after
//! the WHATWG HTML standard's "event stream interpretation":
//!
//! - lines end with CRLF, LF or a lone CR, and may be split anywhere across
//!   network reads (a CR at the end of one read and an LF at the start of the
//!   next are one line ending);
//! - a leading byte order mark is skipped;
//! - `data:` lines append to the event's data (several make multi-line data,
//!   joined with LF); `event:` sets its type, `id:` the last event id (kept
//!   for the events after it, as the standard says, unless it contains NUL),
//!   `retry:` a reconnection time when it is all ASCII digits; one space
//!   after the colon is dropped; a line without a colon is a field with an
//!   empty value; lines starting with `:` are comments; other fields are
//!   ignored;
//! - an empty line dispatches the event, unless it has no data;
//! - at the end of the stream, an event without its empty line is dropped
//!   (as the standard, and the official Python SDK's reader, do).
//!
//! Unlike a browser it never grows without bound: an event (its data, type
//! and id, and the line being read) longer than `max_event_bytes` is an
//! [`SseError::EventTooLarge`], and the bytes of the whole stream count
//! against `max_stream_bytes`. A line that is not UTF-8 is an
//! [`SseError::InvalidUtf8`] (the standard would replace the bad bytes; an
//! API reply with them is broken, so it is reported). The result never
//! depends on how the bytes were split.

use std::fmt;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field; empty when the event had none (a browser calls
    /// that `message`).
    pub event: String,
    /// The `data:` lines joined with LF.
    pub data: String,
    /// The last event id seen on the stream so far (the standard's
    /// `lastEventId`), empty when none.
    pub id: String,
    /// The last `retry:` value seen so far, in milliseconds.
    pub retry: Option<u64>,
}

/// Why a stream cannot be read further. Once returned, the parser stays
/// failed: every later call returns the same error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    /// One event (or one line) is longer than the limit.
    EventTooLarge { limit: usize },
    /// The stream is longer than the limit.
    StreamTooLarge { limit: u64 },
    /// A line is not UTF-8; `line` counts from 1.
    InvalidUtf8 { line: u64 },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::EventTooLarge { limit } => {
                write!(f, "an event is longer than the limit of {limit} bytes")
            }
            SseError::StreamTooLarge { limit } => {
                write!(
                    f,
                    "the event stream is longer than the limit of {limit} bytes"
                )
            }
            SseError::InvalidUtf8 { line } => {
                write!(f, "line {line} of the event stream is not UTF-8")
            }
        }
    }
}

impl std::error::Error for SseError {}

/// The limits of one [`SseParser`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseLimits {
    pub max_event_bytes: usize,
    pub max_stream_bytes: u64,
}

/// An event-stream reader that takes bytes as they arrive.
#[derive(Debug)]
pub struct SseParser {
    limits: SseLimits,
    /// The line read so far (no line ending).
    line: Vec<u8>,
    /// The last byte fed was a CR: an LF right after it ends nothing.
    after_cr: bool,
    /// Nothing was fed yet: a byte order mark may come.
    at_start: bool,
    /// Bytes of a possible byte order mark seen at the start.
    bom: usize,
    data: String,
    has_data: bool,
    event: String,
    id: String,
    retry: Option<u64>,
    /// Bytes held for the current event: data, type, id.
    held: usize,
    total: u64,
    lines: u64,
    failed: Option<SseError>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl SseParser {
    pub fn new(limits: SseLimits) -> Self {
        SseParser {
            limits,
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            bom: 0,
            data: String::new(),
            has_data: false,
            event: String::new(),
            id: String::new(),
            retry: None,
            held: 0,
            total: 0,
            lines: 0,
            failed: None,
        }
    }

    /// Bytes read so far.
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// Reads `chunk`, calling `emit` for each event it completes. On an
    /// error, the events before it have been emitted and the parser is done.
    pub fn feed(&mut self, chunk: &[u8], mut emit: impl FnMut(SseEvent)) -> Result<(), SseError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.feed_inner(chunk, &mut emit);
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    /// The end of the stream: a partial event is dropped, as the standard says.
    pub fn finish(&mut self) -> Result<(), SseError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.line.clear();
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        Ok(())
    }

    fn feed_inner(
        &mut self,
        mut chunk: &[u8],
        emit: &mut impl FnMut(SseEvent),
    ) -> Result<(), SseError> {
        // Only the bytes within the limit are read, so the events before it
        // come out however the stream was split.
        let room = self.limits.max_stream_bytes.saturating_sub(self.total);
        let over = chunk.len() as u64 > room;
        if over {
            chunk = &chunk[..usize::try_from(room).unwrap_or(usize::MAX)];
        }
        self.total += chunk.len() as u64;
        self.read(chunk, emit)?;
        if over {
            return Err(SseError::StreamTooLarge {
                limit: self.limits.max_stream_bytes,
            });
        }
        Ok(())
    }

    fn read(&mut self, mut chunk: &[u8], emit: &mut impl FnMut(SseEvent)) -> Result<(), SseError> {
        if self.at_start {
            // The mark may itself be split across reads.
            while self.bom < BOM.len() {
                match chunk.first() {
                    None => return Ok(()),
                    Some(&b) if b == BOM[self.bom] => {
                        self.bom += 1;
                        chunk = &chunk[1..];
                    }
                    Some(_) => {
                        // Not a mark: what was taken for one is line text.
                        self.line.extend_from_slice(&BOM[..self.bom]);
                        break;
                    }
                }
            }
            self.at_start = false;
        }
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while !chunk.is_empty() {
            match memchr::memchr2(b'\n', b'\r', chunk) {
                None => {
                    self.check_size(chunk.len())?;
                    self.line.extend_from_slice(chunk);
                    return Ok(());
                }
                Some(end) => {
                    let text = &chunk[..end];
                    let mut next = end + 1;
                    if chunk[end] == b'\r' {
                        match chunk.get(next) {
                            Some(b'\n') => next += 1,
                            Some(_) => {}
                            None => self.after_cr = true,
                        }
                    }
                    if self.line.is_empty() {
                        self.check_size(text.len())?;
                        self.process_line(text, emit)?;
                    } else {
                        self.check_size(text.len())?;
                        let mut line = std::mem::take(&mut self.line);
                        line.extend_from_slice(text);
                        let result = self.process_line(&line, emit);
                        line.clear();
                        self.line = line;
                        result?;
                    }
                    chunk = &chunk[next..];
                }
            }
        }
        Ok(())
    }

    /// The event held so far plus the line being read plus `more` must fit.
    fn check_size(&self, more: usize) -> Result<(), SseError> {
        let size = self
            .held
            .saturating_add(self.line.len())
            .saturating_add(more);
        if size > self.limits.max_event_bytes {
            return Err(SseError::EventTooLarge {
                limit: self.limits.max_event_bytes,
            });
        }
        Ok(())
    }

    fn process_line(
        &mut self,
        line: &[u8],
        emit: &mut impl FnMut(SseEvent),
    ) -> Result<(), SseError> {
        self.lines += 1;
        if line.is_empty() {
            self.dispatch(emit);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let line =
            std::str::from_utf8(line).map_err(|_| SseError::InvalidUtf8 { line: self.lines })?;
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                self.held += value.len() + 1;
            }
            "event" => {
                self.held = self.held.saturating_sub(self.event.len()) + value.len();
                self.event.clear();
                self.event.push_str(value);
            }
            "id" if !value.contains('\0') => {
                self.held = self.held.saturating_sub(self.id.len()) + value.len();
                self.id.clear();
                self.id.push_str(value);
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for u64 is not a time anyone means.
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, emit: &mut impl FnMut(SseEvent)) {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            self.held = self.id.len();
            return;
        }
        self.has_data = false;
        self.held = self.id.len();
        emit(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
            retry: self.retry,
        });
    }
}

/// Reads a whole stream at once: its events, or the first error (with the
/// events before it).
pub fn parse_all(bytes: &[u8], limits: SseLimits) -> (Vec<SseEvent>, Option<SseError>) {
    let mut parser = SseParser::new(limits);
    let mut events = Vec::new();
    let error = parser
        .feed(bytes, |event| events.push(event))
        .and_then(|()| parser.finish())
        .err();
    (events, error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: SseLimits = SseLimits {
        max_event_bytes: 1 << 20,
        max_stream_bytes: 1 << 30,
    };

    fn data(bytes: &[u8]) -> Vec<String> {
        let (events, error) = parse_all(bytes, LIMITS);
        assert_eq!(error, None);
        events.into_iter().map(|e| e.data).collect()
    }

    /// Every split into pieces (at the given cut points) gives the same result.
    fn parse_split(
        bytes: &[u8],
        cuts: &[usize],
        limits: SseLimits,
    ) -> (Vec<SseEvent>, Option<SseError>) {
        let mut parser = SseParser::new(limits);
        let mut events = Vec::new();
        let mut start = 0;
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        points.sort_unstable();
        points.push(bytes.len());
        for point in points {
            if let Err(error) = parser.feed(&bytes[start..point], |e| events.push(e)) {
                return (events, Some(error));
            }
            start = point;
        }
        let error = parser.finish().err();
        (events, error)
    }

    #[test]
    fn the_three_line_endings_end_lines() {
        assert_eq!(
            data(b"data: a\n\ndata: b\r\rdata: c\r\n\r\n"),
            ["a", "b", "c"]
        );
        // A lone CR then an LF in the next line is CR, LF: two endings.
        assert_eq!(data(b"data: a\r\n\rdata: b\n\r"), ["a", "b"]);
    }

    #[test]
    fn multi_line_data_is_joined_with_lf() {
        assert_eq!(data(b"data: a\ndata:b\ndata:  c\ndata\n\n"), ["a\nb\n c\n"]);
    }

    #[test]
    fn comments_event_id_and_retry_are_read() {
        let (events, error) = parse_all(
            b": keep-alive\nevent: delta\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\nid\ndata: z\n\n",
            LIMITS,
        );
        assert_eq!(error, None);
        assert_eq!(
            events[0],
            SseEvent {
                event: "delta".into(),
                data: "x".into(),
                id: "7".into(),
                retry: Some(1500)
            }
        );
        // The id stays, the type does not.
        assert_eq!((events[1].event.as_str(), events[1].id.as_str()), ("", "7"));
        // An empty id resets it.
        assert_eq!(events[2].id, "");
        // A bad retry is ignored; an id with NUL too.
        let (events, _) = parse_all(b"retry: 1x\nid: a\0b\ndata: q\n\n", LIMITS);
        assert_eq!((events[0].retry, events[0].id.as_str()), (None, ""));
    }

    #[test]
    fn an_event_without_data_is_not_dispatched_and_the_tail_is_dropped() {
        assert_eq!(
            data(b"event: ping\n\n:c\n\ndata: a\n\ndata: unfinished"),
            ["a"]
        );
        assert_eq!(data(b"data: unfinished\n"), Vec::<String>::new());
    }

    #[test]
    fn a_byte_order_mark_is_skipped_once() {
        assert_eq!(data(b"\xEF\xBB\xBFdata: a\n\n"), ["a"]);
        let (events, _) = parse_split(b"\xEF\xBB\xBFdata: a\n\n", &[1, 2], LIMITS);
        assert_eq!(events[0].data, "a");
        // A second mark is line text: an unknown field.
        assert_eq!(
            data(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn long_events_and_streams_and_bad_utf8_are_errors() {
        let limits = SseLimits {
            max_event_bytes: 16,
            max_stream_bytes: 64,
        };
        let (events, error) = parse_all(
            b"data: 0123456789\n\ndata: 01234567890123456789\n\n",
            limits,
        );
        assert_eq!(events.len(), 1);
        assert_eq!(error, Some(SseError::EventTooLarge { limit: 16 }));
        // An endless line fails as soon as it passes the limit.
        let mut parser = SseParser::new(limits);
        assert!(parser.feed(&[b'a'; 10], |_| {}).is_ok());
        assert_eq!(
            parser.feed(&[b'a'; 10], |_| {}),
            Err(SseError::EventTooLarge { limit: 16 })
        );
        assert_eq!(parser.line.len(), 10, "nothing past the limit is held");
        // The error stays.
        assert!(parser.feed(b"\n\n", |_| {}).is_err());
        // Many small events add up to the stream limit.
        let (events, error) = parse_all(&b"data: a\n\n".repeat(10), limits);
        assert_eq!(events.len(), 7);
        assert_eq!(error, Some(SseError::StreamTooLarge { limit: 64 }));
        let (_, error) = parse_all(b"data: \xff\n\n", LIMITS);
        assert_eq!(error, Some(SseError::InvalidUtf8 { line: 1 }));
    }

    proptest! {
        #[test]
        fn splitting_never_changes_the_result(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'\n'), Just(b'\r'), Just(b':'), Just(b' '), Just(b'd'),
                    Just(b'a'), Just(b't'), any::<u8>()
                ],
                0..200,
            ),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
            max_event in 1usize..64,
        ) {
            let limits = SseLimits { max_event_bytes: max_event, max_stream_bytes: 150 };
            let whole = parse_all(&bytes, limits);
            prop_assert_eq!(parse_split(&bytes, &cuts, limits), whole.clone());
            // Byte by byte too.
            let every: Vec<usize> = (0..bytes.len()).collect();
            prop_assert_eq!(parse_split(&bytes, &every, limits), whole);
        }

        #[test]
        fn written_events_read_back(
            events in proptest::collection::vec(
                ("[a-z]{0,5}", "[^\r\n]{0,20}", proptest::collection::vec("[^\r\n]{0,10}", 1..4)),
                0..6,
            ),
            ending in prop_oneof![Just("\n"), Just("\r"), Just("\r\n")],
        ) {
            let mut text = String::new();
            for (event, id, data) in &events {
                text.push_str(&format!(":comment{ending}event:{event}{ending}id: {id}{ending}"));
                for line in data {
                    text.push_str(&format!("data: {line}{ending}"));
                }
                text.push_str(ending);
            }
            let (read, error) = parse_all(text.as_bytes(), LIMITS);
            prop_assert_eq!(error, None);
            prop_assert_eq!(read.len(), events.len());
            for (read, (event, id, data)) in read.iter().zip(&events) {
                prop_assert_eq!(&read.event, event);
                prop_assert_eq!(&read.data, &data.join("\n"));
                if !id.contains('\0') {
                    prop_assert_eq!(&read.id, id);
                }
            }
        }
    }
}
