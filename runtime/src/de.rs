//! Serde helpers that generated code names in its attributes.

use serde::{Deserialize, Deserializer};

/// Reads `null` as the type's default, so a reply's `"Set": null` becomes an
/// empty list instead of an error.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Reply {
        #[serde(default, deserialize_with = "super::null_as_default")]
        set: Vec<u8>,
    }

    #[test]
    fn null_and_missing_become_empty() {
        let parse = |s: &str| serde_json::from_str::<Reply>(s).map(|r| r.set).ok();
        assert_eq!(parse(r#"{"set": null}"#), Some(vec![]));
        assert_eq!(parse(r#"{}"#), Some(vec![]));
        assert_eq!(parse(r#"{"set": [1]}"#), Some(vec![1]));
        assert_eq!(parse(r#"{"set": "x"}"#), None);
    }
}
