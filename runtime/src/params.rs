//! The `.N` param encoding of query strings and form bodies.
//!
//! A request's JSON form is flattened:
//! `{"InstanceIds": ["a"], "Filters": [{"Name": "zone", "Values": ["x", "y"]}],
//! "Placement": {"Zone": "z"}}` becomes `InstanceIds.0=a`, `Filters.0.Name=zone`,
//! `Filters.0.Values.0=x`, `Filters.0.Values.1=y`, `Placement.Zone=z`.
//! Indexes start at the service's base (0 for Tencent Cloud, unlike AWS).
//!
//! [`to_params`] does this straight from the request's `Serialize`, without
//! building a JSON `Value`. Its reference twin, flattening a `Value`, lives
//! with the tests (`runtime/tests/reference/mod.rs`) that hold it to it.

use std::fmt;

mod serializer;

pub use crate::wire_names::COMMON_PARAMS;

/// `(name, value)` params in one text buffer, in the order they were added:
/// one allocation for all of them instead of a `String` pair each.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params {
    text: String,
    spans: Vec<Span>,
}

/// A param's name is `text[start..split]`, its value `text[split..end]`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    split: usize,
    end: usize,
}

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The params as `(name, value)`, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.spans.iter().map(|span| {
            (
                &self.text[span.start..span.split],
                &self.text[span.split..span.end],
            )
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The value of the first param named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find_map(|(existing, value)| (existing == name).then_some(value))
    }

    #[inline]
    pub fn push(&mut self, name: &str, value: &str) {
        self.push_with(name, |text| text.push_str(value));
    }

    /// Adds a param whose value `write_value` appends to the buffer.
    pub fn push_with(&mut self, name: &str, write_value: impl FnOnce(&mut String)) {
        let start = self.text.len();
        self.text.push_str(name);
        let split = self.text.len();
        write_value(&mut self.text);
        self.spans.push(Span {
            start,
            split,
            end: self.text.len(),
        });
    }

    /// Owned copies of the params, for comparing and tests.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect()
    }

    /// `k=v&k=v` with both sides percent-encoded, in order.
    pub fn encode_query(&self) -> String {
        let mut out = String::with_capacity(self.encoded_length_hint());
        self.push_query(&mut out);
        out
    }

    /// [`Params::encode_query`] appended to `out`.
    pub fn push_query(&self, out: &mut String) {
        push_query(out, self.iter());
    }

    /// About what the encoded query takes; enough unless many bytes are escaped.
    pub fn encoded_length_hint(&self) -> usize {
        let length = self.text.len() + 2 * self.len();
        length + length / 4
    }
}

/// Values in full except credentials': the session token's and those of
/// members named as secrets (`LoginSettings.Password`).
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(name, value)| {
                // The member's own name: the last part that is not an index.
                let member = name.rsplit('.').find(|part| part.parse::<u64>().is_err());
                match member.is_some_and(crate::wire_names::is_secret_name) {
                    true => (name, "<redacted>"),
                    false => (name, value),
                }
            }))
            .finish()
    }
}

pub use serializer::to_params;

/// `text` percent-encoded as RFC 3986 asks: everything but
/// `A-Z a-z 0-9 - _ . ~`, byte by byte.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_component(&mut out, text);
    out
}

/// The bytes RFC 3986 leaves unencoded, as a table: one load per byte.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// [`encode_component`] appended to `out`; unreserved runs are copied whole.
fn push_component(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(byte)] {
            continue;
        }
        // A non-empty run of unreserved bytes is ASCII, so it starts and
        // ends on char boundaries.
        if start < i {
            out.push_str(&text[start..i]);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&text[start..]);
    }
}

/// `k=v&k=v` with both sides percent-encoded, in the given order.
pub fn encode_query(params: &[(String, String)]) -> String {
    let length: usize = params.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(length + length / 4);
    push_query(
        &mut out,
        params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    out
}

fn push_query<'a>(out: &mut String, params: impl Iterator<Item = (&'a str, &'a str)>) {
    for (i, (name, value)) in params.enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_component(out, name);
        out.push('=');
        push_component(out, value);
    }
}

/// Parses `k=v&k=v` (query string or form body), decoding both sides and
/// `+` as a space. Used by the mock endpoint to read what clients send.
pub fn decode_query(text: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}
