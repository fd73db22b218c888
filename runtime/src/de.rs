//! Serde helpers that generated code names in its attributes.
//!
//! Replies (and the official examples) sometimes carry numbers and booleans
//! as strings (`"Limit": "10"`), and lists as `null`. These helpers accept
//! both forms, so such values never make a reply fail to decode.

use std::fmt::Display;
use std::str::FromStr;

use serde::de::{DeserializeOwned, Error};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads `null` as the type's default, so `"Set": null` becomes an empty list.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn scalar<T, E>(value: Value) -> Result<T, E>
where
    T: DeserializeOwned + FromStr,
    T::Err: Display,
    E: Error,
{
    match value {
        Value::String(text) => text
            .trim()
            .parse()
            .map_err(|e| E::custom(format!("`{text}`: {e}"))),
        other => T::deserialize(other).map_err(E::custom),
    }
}

/// A number or bool, also from its string form.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
    T::Err: Display,
{
    scalar(Value::deserialize(deserializer)?)
}

/// Like [`lenient`]; `null` is `None`.
pub fn lenient_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
    T::Err: Display,
{
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        value => scalar(value).map(Some),
    }
}

fn list<T, E>(value: Value) -> Result<Vec<T>, E>
where
    T: DeserializeOwned + FromStr,
    T::Err: Display,
    E: Error,
{
    match value {
        Value::Array(items) => items.into_iter().map(scalar).collect(),
        other => Err(E::custom(format!("expected a list, found {other}"))),
    }
}

/// A list of numbers or bools, elements also in string form; `null` is empty.
pub fn lenient_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
    T::Err: Display,
{
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(Vec::new()),
        value => list(value),
    }
}

/// Like [`lenient_list`]; `null` is `None`.
pub fn lenient_option_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + FromStr,
    T::Err: Display,
{
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        value => list(value).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq, Default)]
    #[serde(default)]
    struct Reply {
        #[serde(deserialize_with = "super::null_as_default")]
        set: Vec<u8>,
        #[serde(deserialize_with = "super::lenient")]
        count: i64,
        #[serde(deserialize_with = "super::lenient_option")]
        flag: Option<bool>,
        #[serde(deserialize_with = "super::lenient_list")]
        sizes: Vec<u64>,
        #[serde(deserialize_with = "super::lenient_option_list")]
        ratios: Option<Vec<f64>>,
    }

    fn parse(text: &str) -> Result<Reply, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn null_and_missing_become_empty() {
        assert_eq!(parse(r#"{"set": null}"#).map(|r| r.set), Ok(vec![]));
        assert_eq!(parse(r#"{}"#).map(|r| r.set), Ok(vec![]));
        assert_eq!(parse(r#"{"set": [1]}"#).map(|r| r.set), Ok(vec![1]));
        assert!(parse(r#"{"set": "x"}"#).is_err());
    }

    #[test]
    fn numbers_and_bools_from_strings() {
        let reply =
            parse(r#"{"count": "10", "flag": "true", "sizes": [1, "2"], "ratios": ["0.5", 1]}"#);
        assert_eq!(
            reply,
            Ok(Reply {
                set: vec![],
                count: 10,
                flag: Some(true),
                sizes: vec![1, 2],
                ratios: Some(vec![0.5, 1.0]),
            })
        );
        let nulls = parse(r#"{"flag": null, "sizes": null, "ratios": null}"#);
        assert_eq!(nulls, Ok(Reply::default()));
    }

    #[test]
    fn bad_values_say_what_they_were() {
        let error = parse(r#"{"count": "ten"}"#).expect_err("not a number");
        assert!(error.contains("`ten`"), "{error}");
        assert!(parse(r#"{"sizes": [-1]}"#).is_err());
        assert!(parse(r#"{"sizes": 5}"#).is_err());
        assert!(parse(r#"{"count": {"a": 1}}"#).is_err());
    }
}
