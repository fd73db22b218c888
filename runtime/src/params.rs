//! The `.N` param encoding of query strings and form bodies.
//!
//! A request serializes to JSON first; this flattens it:
//! `{"InstanceIds": ["a"], "Filters": [{"Name": "zone", "Values": ["x", "y"]}],
//! "Placement": {"Zone": "z"}}` becomes `InstanceIds.0=a`, `Filters.0.Name=zone`,
//! `Filters.0.Values.0=x`, `Filters.0.Values.1=y`, `Placement.Zone=z`.
//! Indexes start at the service's base (0 for Tencent Cloud, unlike AWS).

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Params every request may carry besides the action's own (v1 and legacy).
pub const COMMON_PARAMS: [&str; 11] = [
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// Flattens a JSON object into `(name, value)` params, in field order.
/// Nulls are left out: an absent optional param is not sent.
pub fn flatten(value: &Value, index_base: usize) -> Result<Vec<(String, String)>, String> {
    let Value::Object(map) = value else {
        return Err("a request must serialize to a JSON object".into());
    };
    let mut out = Vec::new();
    let mut name = String::with_capacity(64);
    for (field, value) in map {
        name.clear();
        name.push_str(field);
        flatten_into(&mut name, value, index_base, &mut out);
    }
    Ok(out)
}

/// `name` is the param name so far; each level appends to it and restores it.
fn flatten_into(name: &mut String, value: &Value, base: usize, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((name.clone(), b.to_string())),
        Value::Number(n) => out.push((name.clone(), n.to_string())),
        Value::String(s) => out.push((name.clone(), s.clone())),
        Value::Array(items) => {
            let length = name.len();
            for (i, item) in items.iter().enumerate() {
                // Writing to a String cannot fail.
                let _ = write!(name, ".{}", i + base);
                flatten_into(name, item, base, out);
                name.truncate(length);
            }
        }
        Value::Object(map) => {
            let length = name.len();
            for (field, value) in map {
                name.push('.');
                name.push_str(field);
                flatten_into(name, value, base, out);
                name.truncate(length);
            }
        }
    }
}

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}

/// [`encode_component`] appended to `out`, a byte at a time.
fn push_component(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
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
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_component(&mut out, name);
        out.push('=');
        push_component(&mut out, value);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn lists_start_at_the_base_and_nest() {
        let request = json!({
            "InstanceIds": ["ins-1", "ins-2"],
            "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]}],
            "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
            "DryRun": false,
            "Skipped": null,
            "Empty": []
        });
        assert_eq!(
            flatten(&request, 0),
            Ok(pairs(&[
                ("InstanceIds.0", "ins-1"),
                ("InstanceIds.1", "ins-2"),
                ("Filters.0.Name", "zone"),
                ("Filters.0.Values.0", "ap-guangzhou-3"),
                ("Filters.0.Values.1", "ap-guangzhou-4"),
                ("Placement.Zone", "ap-guangzhou-3"),
                ("Placement.ProjectId", "0"),
                ("DryRun", "false"),
            ]))
        );
        assert_eq!(flatten(&json!({"a": ["x"]}), 1), Ok(pairs(&[("a.1", "x")])));
    }

    #[test]
    fn nested_lists_of_lists() {
        assert_eq!(
            flatten(&json!({"M": [[1, 2], [3]]}), 0),
            Ok(pairs(&[("M.0.0", "1"), ("M.0.1", "2"), ("M.1.0", "3")]))
        );
    }

    #[test]
    fn rejects_non_objects() {
        assert!(flatten(&json!([1]), 0).is_err());
    }

    #[test]
    fn query_encoding_round_trips() {
        let params = pairs(&[("Filters.0.Name", "a b/c+d=e&f~"), ("名", "云")]);
        let encoded = encode_query(&params);
        assert_eq!(
            encoded,
            "Filters.0.Name=a%20b%2Fc%2Bd%3De%26f~&%E5%90%8D=%E4%BA%91"
        );
        assert_eq!(decode_query(&encoded), params);
    }

    #[test]
    fn the_fast_encoder_matches_the_reference_encoder() {
        for text in [
            "",
            "plain-_.~09AZaz",
            "a b/c+d=e&f~",
            "名=云",
            "%",
            "\u{7f}\u{80}x",
            "end%",
        ] {
            let mut fast = String::new();
            push_component(&mut fast, text);
            assert_eq!(fast, encode_component(text), "{text:?}");
        }
    }
}
