//! Decoding: a reply body into the typed reply or the matching error kind.
//!
//! A success is read in one pass straight from the bytes into the typed
//! reply: an API 3.0 `{"Response": {...}}` with no `Error` in it, or an API
//! 2.0 object whose `code` is 0. Only a reply that this refuses (an error
//! reply, a body that is not one, a repeated key) is parsed into a
//! `serde_json::Value`, to tell which error it is, or to read an odd
//! success as the official SDKs do (the last of repeated keys counts).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{body_snippet, bounded, ApiError, Error};
use crate::service::Family;

/// Turns a reply body into the typed reply or the matching error kind.
pub fn decode_reply<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
) -> Result<Resp, Error> {
    decode_reply_with_id(family, action, status, body).0
}

/// [`decode_reply`], with the reply's `RequestId` when it has one.
pub fn decode_reply_with_id<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
) -> (Result<Resp, Error>, Option<String>) {
    if (200..300).contains(&status) {
        let fast = match family {
            Family::Api3 => api3_success(body),
            Family::Api2 => api2_success(body).map(|reply| (reply, None)),
        };
        if let Some((reply, request_id)) = fast {
            return (Ok(reply), request_id);
        }
    }
    let failure = Failure {
        action,
        status,
        body,
    };
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return (Err(failure.not_json()), None);
    };
    match family {
        Family::Api3 => {
            let request_id = json
                .get("Response")
                .and_then(|r| r.get("RequestId"))
                .and_then(Value::as_str)
                .map(|id| bounded(id.to_owned()));
            (failure.api3(&json), request_id)
        }
        Family::Api2 => (failure.api2(&json), None),
    }
}

/// An API 2.0 success: `code` 0, then the typed reply from the same bytes.
fn api2_success<Resp: DeserializeOwned>(body: &[u8]) -> Option<Resp> {
    #[derive(Deserialize)]
    struct Head {
        code: Option<Value>,
    }
    let head: Head = serde_json::from_slice(body).ok()?;
    if api2_code_ok(head.code.as_ref()) != Some(true) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Whether an API 2.0 `code` says success (0 or `"0"`); `None` when it is
/// missing or no code at all.
fn api2_code_ok(code: Option<&Value>) -> Option<bool> {
    match code? {
        Value::Number(n) => Some(n.as_i64() == Some(0)),
        Value::String(s) => Some(s == "0"),
        _ => None,
    }
}

/// A reply that is not a typed success, and what it says.
struct Failure<'a> {
    action: &'a str,
    status: u16,
    body: &'a [u8],
}

impl Failure<'_> {
    fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn decode(&self, message: String) -> Error {
        Error::Decode {
            action: self.action.to_owned(),
            status: self.status,
            // serde quotes the offending value, which can be huge.
            message: bounded(message),
            body: body_snippet(self.body),
        }
    }

    fn http(&self) -> Error {
        Error::Http {
            action: self.action.to_owned(),
            status: self.status,
            body: body_snippet(self.body),
        }
    }

    /// A success status without a reply, or a non-success one with a body
    /// that says nothing.
    fn or_http(&self, why: &str) -> Error {
        if self.success() {
            self.decode(why.to_owned())
        } else {
            self.http()
        }
    }

    fn not_json(&self) -> Error {
        if !self.success() {
            return self.http();
        }
        let why = serde_json::from_slice::<IgnoredAny>(self.body)
            .err()
            .map_or_else(String::new, |e| e.to_string());
        self.decode(format!("not JSON: {why}"))
    }

    /// An API 3.0 reply the one-pass decoder did not take: an error, or a
    /// success it refused (a repeated key, whose last value counts, or a
    /// field that does not fit), decoded from the parsed reply.
    fn api3<Resp: DeserializeOwned>(&self, json: &Value) -> Result<Resp, Error> {
        let Some(response) = json.get("Response").filter(|r| r.is_object()) else {
            return Err(self.or_http("no `Response` object"));
        };
        if let Some(error) = response.get("Error") {
            return Err(ApiError {
                action: self.action.to_owned(),
                code: text(error.get("Code")).unwrap_or_else(|| "Unknown".into()),
                message: text(error.get("Message")).unwrap_or_default(),
                request_id: text(response.get("RequestId")),
                code_desc: None,
                http_status: self.status,
            }
            .into());
        }
        if !self.success() {
            return Err(self.http());
        }
        Resp::deserialize(response).map_err(|e| self.decode(e.to_string()))
    }

    /// An API 2.0 reply: `code` 0 is a success, anything else an error.
    fn api2<Resp: DeserializeOwned>(&self, json: &Value) -> Result<Resp, Error> {
        let code = json.get("code");
        let Some(ok) = api2_code_ok(code) else {
            return Err(self.or_http("no `code` field"));
        };
        if !ok {
            return Err(ApiError {
                action: self.action.to_owned(),
                code: text(code).unwrap_or_default(),
                message: text(json.get("message")).unwrap_or_default(),
                request_id: None,
                code_desc: text(json.get("codeDesc")),
                http_status: self.status,
            }
            .into());
        }
        if !self.success() {
            return Err(self.http());
        }
        Resp::deserialize(json).map_err(|e| self.decode(e.to_string()))
    }
}

/// A field of an error reply as text: strings as they are, null as none.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(bounded(s.clone())),
        Value::Null => None,
        other => Some(bounded(other.to_string())),
    }
}

/// The typed reply of `{"Response": {...}}` when the body is exactly that,
/// with no `Error` in `Response`, and its `RequestId` (for tracing).
fn api3_success<Resp: DeserializeOwned>(body: &[u8]) -> Option<(Resp, Option<String>)> {
    // Checking UTF-8 once is faster than string by string.
    let text = std::str::from_utf8(body).ok()?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let reply = deserializer
        .deserialize_map(EnvelopeVisitor(PhantomData))
        .ok()?;
    deserializer.end().ok()?;
    Some(reply)
}

/// An object key, borrowed from the body unless it had escapes.
#[derive(Deserialize)]
#[serde(transparent)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

/// The top level: exactly one `Response`; other keys are skipped, as the
/// general path skips them.
struct EnvelopeVisitor<Resp>(PhantomData<Resp>);

impl<'de, Resp: DeserializeOwned> Visitor<'de> for EnvelopeVisitor<Resp> {
    type Value = (Resp, Option<String>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a reply object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut reply = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.0 != "Response" {
                map.next_value::<IgnoredAny>()?;
            } else if reply.is_some() {
                return Err(de::Error::custom("two `Response` keys"));
            } else {
                reply = Some(map.next_value_seed(ResponseSeed(PhantomData))?);
            }
        }
        reply.ok_or_else(|| de::Error::custom("no `Response`"))
    }
}

/// `Response`: an object decoded as `Resp`, failing at an `Error` key.
struct ResponseSeed<Resp>(PhantomData<Resp>);

impl<'de, Resp: DeserializeOwned> DeserializeSeed<'de> for ResponseSeed<Resp> {
    type Value = (Resp, Option<String>);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, Resp: DeserializeOwned> Visitor<'de> for ResponseSeed<Resp> {
    type Value = (Resp, Option<String>);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a `Response` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut request_id = None;
        let reply = Resp::deserialize(NoErrorMap {
            map,
            at_request_id: false,
            request_id: &mut request_id,
        })?;
        Ok((reply, request_id))
    }
}

/// Hands a map to the typed reply, as a map, but fails at an `Error` key,
/// and keeps a copy of the `RequestId` string on its way through.
struct NoErrorMap<'r, A> {
    map: A,
    at_request_id: bool,
    request_id: &'r mut Option<String>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for NoErrorMap<'_, A> {
    type Error = A::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for NoErrorMap<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.map.next_key::<Key<'de>>()?;
        self.at_request_id = key.as_ref().is_some_and(|k| k.0 == "RequestId");
        match key {
            None => Ok(None),
            Some(Key(key)) if key == "Error" => Err(de::Error::custom("an error reply")),
            Some(Key(Cow::Borrowed(key))) => seed
                .deserialize(BorrowedStrDeserializer::new(key))
                .map(Some),
            Some(Key(Cow::Owned(key))) => seed.deserialize(StringDeserializer::new(key)).map(Some),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if !self.at_request_id {
            return self.map.next_value_seed(seed);
        }
        let value: Value = self.map.next_value()?;
        if let Value::String(id) = &value {
            // Logged with every attempt: bounded like any text of a reply.
            *self.request_id = Some(bounded(id.clone()));
        }
        seed.deserialize(value).map_err(de::Error::custom)
    }
    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A JSON body for logs and errors: the values of members named as
/// secrets ([`crate::wire_names::is_secret_name`]) replaced by
/// `<redacted>`; a body that is not JSON is kept as it is.
pub(crate) fn redacted_body(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    fn redact(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(members) => {
                let mut changed = false;
                for (name, value) in members.iter_mut() {
                    if crate::wire_names::is_secret_name(name) && !value.is_object() {
                        *value = serde_json::Value::from("<redacted>");
                        changed = true;
                    } else {
                        changed |= redact(value);
                    }
                }
                changed
            }
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, v| redact(v) | c),
            _ => false,
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut json) => match redact(&mut json) {
            true => std::borrow::Cow::Owned(json.to_string().into_bytes()),
            false => std::borrow::Cow::Borrowed(body),
        },
        Err(_) => std::borrow::Cow::Borrowed(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct Reply {
        #[serde(rename = "TotalCount")]
        total_count: Option<i64>,
        #[serde(rename = "Names")]
        names: Vec<String>,
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }

    fn decode(body: &str) -> Option<Reply> {
        let (reply, request_id) = api3_success::<Reply>(body.as_bytes())?;
        assert_eq!(request_id, reply.request_id, "the id is kept on its way");
        Some(reply)
    }

    #[test]
    fn decodes_a_success_in_one_pass() {
        let body = r#"{"Other": [1, {"a": null}], "Response": {"TotalCount": 2,
            "Names": ["a", "b\"c"], "Unknown": {"x": 1}, "Re\u0071uestId": "r-1"}}"#;
        assert_eq!(
            decode(body),
            Some(Reply {
                total_count: Some(2),
                names: vec!["a".into(), "b\"c".into()],
                request_id: Some("r-1".into()),
            })
        );
    }

    #[test]
    fn leaves_everything_else_to_the_error_path() {
        // An error reply, wherever `Error` stands.
        assert_eq!(
            decode(r#"{"Response": {"Error": {"Code": "X"}, "RequestId": "r"}}"#),
            None
        );
        assert_eq!(
            decode(r#"{"Response": {"RequestId": "r", "Error": {}}}"#),
            None
        );
        // No `Response`, two of them, or not an object.
        assert_eq!(decode(r#"{"Other": {}}"#), None);
        assert_eq!(decode(r#"{"Response": {}, "Response": {}}"#), None);
        assert_eq!(decode(r#"{"Response": null}"#), None);
        assert_eq!(decode(r#"{"Response": [1]}"#), None);
        // Bad fields, trailing bytes, not JSON.
        assert_eq!(decode(r#"{"Response": {"TotalCount": "x"}}"#), None);
        assert_eq!(decode(r#"{"Response": {}} x"#), None);
        assert_eq!(decode("<html>"), None);
        // The plain case, for contrast.
        assert_eq!(decode(r#"{"Response": {}}"#), Some(Reply::default()));
    }

    #[test]
    fn request_ids_are_bounded_for_the_logs() {
        let id = "r".repeat(100_000);
        let success = format!(r#"{{"Response": {{"RequestId": "{id}"}}}}"#);
        let (_, kept) = api3_success::<Reply>(success.as_bytes()).expect("a success");
        let error = format!(r#"{{"Response": {{"Error": {{"Code": "X"}}, "RequestId": "{id}"}}}}"#);
        let (_, from_error) =
            decode_reply_with_id::<Reply>(Family::Api3, "A", 200, error.as_bytes());
        for kept in [kept, from_error] {
            let kept = kept.expect("an id");
            assert_eq!(kept.chars().count(), crate::error::REPLY_TEXT_CHARS + 1);
            assert!(kept.ends_with('…'), "cut and marked");
        }
    }
}
