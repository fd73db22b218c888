//! Slow, obvious reference versions of the runtime's fast paths, kept out
//! of the library: the differential and property tests (and the fuzz
//! targets, which include this file by path) hold the fast versions to them.
#![allow(dead_code)]

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Flattens a JSON object into `(name, value)` params, in field order.
/// Nulls are left out: an absent optional param is not sent. The
/// reference for `params::to_params`, which gives the same without a `Value`.
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

/// The reference for `params::encode_component`: the percent-encoding crate.
pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}
