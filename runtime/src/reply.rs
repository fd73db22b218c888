//! One-pass decoding of the common reply: an API 3.0 success.
//!
//! The general path in [`crate::client::decode_reply`] parses the body into a
//! `serde_json::Value` first, to look for `Response.Error`, and then decodes
//! the typed reply from that value: two passes and an allocation per node.
//! This reads the typed reply straight from the bytes and gives up (returns
//! `None`) on anything unusual, an `Error` key included, so the general path
//! makes every error exactly as before.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The typed reply of `{"Response": {...}}` when the body is exactly that,
/// with no `Error` in `Response`, and its `RequestId` (for tracing).
pub(crate) fn api3_success<Resp: DeserializeOwned>(body: &[u8]) -> Option<(Resp, Option<String>)> {
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
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

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
        deserializer.deserialize_map(ResponseVisitor(PhantomData))
    }
}

struct ResponseVisitor<Resp>(PhantomData<Resp>);

impl<'de, Resp: DeserializeOwned> Visitor<'de> for ResponseVisitor<Resp> {
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
        let value: serde_json::Value = self.map.next_value()?;
        if let serde_json::Value::String(id) = &value {
            *self.request_id = Some(id.clone());
        }
        seed.deserialize(value).map_err(de::Error::custom)
    }
    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
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
    fn leaves_everything_else_to_the_general_path() {
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
}
