//! Strict reading of requests and the input types they carry.
//!
//! Users load requests from files and `Client::invoke` takes JSON, so a
//! misspelled member must be an error, not a request that silently lacks
//! it. Generated code implements [`Input`] for each request and input type
//! and delegates `Deserialize` to [`deserialize`]. Errors name the member
//! and the type, the nearest known name when there is one, and (from
//! `serde_json::from_str`) the line and column:
//!
//! ```text
//! unknown field `Limt` in DescribeInstancesRequest, did you mean `Limit`? at line 1 column 7
//! ```
//!
//! Replies are read leniently instead ([`crate::lenient`]), with the same
//! lookup of member names and the same scalar readers.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::lenient::{read_scalars, Key, Scalar, ScalarSeed};

/// A request or input type, as generated code describes it.
pub trait Input: Sized {
    /// The Rust type name, for error messages.
    const NAME: &'static str;
    /// The wire names of the members, in declaration order.
    const FIELDS: &'static [&'static str];

    /// Reads the members with [`next_field`], [`field`] and [`required`].
    fn visit_fields<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of an [`Input`] type: a JSON object.
pub fn deserialize<'de, T: Input, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, InputVisitor::<T>(PhantomData))
}

struct InputVisitor<T>(PhantomData<T>);

impl<'de, T: Input> Visitor<'de> for InputVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_fields(map)
    }
}

/// The index in `T::FIELDS` of the next member's name; an unknown name is
/// an error.
pub fn next_field<'de, T: Input, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<usize>, A::Error> {
    let key = Key {
        fields: T::FIELDS,
        strict: Some(T::NAME),
    };
    // A strict key is never unknown (`Some(None)`): that is an error.
    Ok(map.next_key_seed(key)?.flatten())
}

/// Reads the value of the member `name` into `slot`; `null` reads as
/// absent, and a second occurrence is an error.
pub fn field<'de, A: MapAccess<'de>, V: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Option<V>>,
    name: &'static str,
) -> Result<(), A::Error> {
    read(map, slot, name, |map| map.next_value())
}

/// [`field`] for a number or bool, which may also come as its string
/// form (`"Limit": "10"`, as Tencent's own examples write it). Any other
/// text is an error.
pub fn scalar<'de, A: MapAccess<'de>, V: Scalar>(
    map: &mut A,
    slot: &mut Option<Option<V>>,
    name: &'static str,
) -> Result<(), A::Error> {
    read(map, slot, name, |map| {
        map.next_value_seed(ScalarSeed::<V>(PhantomData))
    })
}

/// [`scalar`] for a list of numbers or bools.
pub fn scalars<'de, A: MapAccess<'de>, V: Scalar>(
    map: &mut A,
    slot: &mut Option<Option<Vec<V>>>,
    name: &'static str,
) -> Result<(), A::Error> {
    read(map, slot, name, read_scalars)
}

/// The one reader behind [`field`], [`scalar`] and [`scalars`]: the value
/// `next` reads becomes the slot's, once.
fn read<'de, A: MapAccess<'de>, V>(
    map: &mut A,
    slot: &mut Option<Option<V>>,
    name: &'static str,
    next: impl FnOnce(&mut A) -> Result<Option<V>, A::Error>,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(next(map)?);
    Ok(())
}

/// The value of a required member, or an error naming it and its type;
/// `null` counts as missing.
pub fn required<V, E: Error>(
    slot: Option<Option<V>>,
    name: &'static str,
    ty: &'static str,
) -> Result<V, E> {
    slot.flatten()
        .ok_or_else(|| E::custom(format_args!("missing field `{name}` in {ty}")))
}

/// How many known names an error lists when none is near.
const LISTED_NAMES: usize = 8;

/// The message for an unknown member `name` of `ty`.
pub fn unknown_field(name: &str, ty: &str, fields: &[&str]) -> String {
    let shown = shorten(name);
    if fields.is_empty() {
        return format!("unknown field `{shown}` in {ty}, which has no fields");
    }
    match nearest(name, fields) {
        Some(near) => format!("unknown field `{shown}` in {ty}, did you mean `{near}`?"),
        None => {
            let mut listed: Vec<String> = fields
                .iter()
                .take(LISTED_NAMES)
                .map(|f| format!("`{f}`"))
                .collect();
            if fields.len() > LISTED_NAMES {
                listed.push(format!("and {} more", fields.len() - LISTED_NAMES));
            }
            format!(
                "unknown field `{shown}` in {ty}; its fields are {}",
                listed.join(", ")
            )
        }
    }
}

/// A name from a file can be arbitrarily long: an error quotes its start.
fn shorten(name: &str) -> String {
    const MAX: usize = 100;
    match name.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_owned(),
    }
}

/// The known name closest to `name`: the same but for case, or within an
/// edit distance of a third of its length (at least 1, at most 3).
fn nearest<'a>(name: &str, fields: &[&'a str]) -> Option<&'a str> {
    if let Some(same) = fields.iter().find(|f| f.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    fields
        .iter()
        .map(|f| {
            (
                strsim::damerau_levenshtein(&lower, &f.to_ascii_lowercase()),
                *f,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Request {
        limit: Option<u64>,
        name: String,
    }

    impl Input for Request {
        const NAME: &'static str = "Request";
        const FIELDS: &'static [&'static str] = &["Limit", "Name"];

        fn visit_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut limit = None;
            let mut name = None;
            while let Some(index) = next_field::<Self, A>(&mut map)? {
                match index {
                    0 => scalar(&mut map, &mut limit, "Limit")?,
                    1 => field(&mut map, &mut name, "Name")?,
                    _ => {}
                }
            }
            Ok(Request {
                limit: limit.flatten(),
                name: required(name, "Name", Self::NAME)?,
            })
        }
    }

    impl<'de> Deserialize<'de> for Request {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    fn parse(text: &str) -> Result<Request, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_may_come_as_strings() {
        assert_eq!(
            parse(r#"{"Name": "a", "Limit": "5"}"#),
            Ok(Request {
                limit: Some(5),
                name: "a".into()
            })
        );
    }

    #[test]
    fn known_members_read_and_null_is_none() {
        assert_eq!(
            parse(r#"{"Name": "a", "Limit": 5}"#),
            Ok(Request {
                limit: Some(5),
                name: "a".into()
            })
        );
        assert_eq!(
            parse(r#"{"Name": "a", "Limit": null}"#),
            Ok(Request {
                limit: None,
                name: "a".into()
            })
        );
    }

    #[test]
    fn an_unknown_member_names_the_nearest_and_its_place() {
        assert_eq!(
            parse("{\"Name\": \"a\",\n \"Limt\": 5}"),
            Err("unknown field `Limt` in Request, did you mean `Limit`? at line 2 column 7".into())
        );
        assert_eq!(
            parse(r#"{"name": "a"}"#),
            Err("unknown field `name` in Request, did you mean `Name`? at line 1 column 7".into())
        );
        assert_eq!(
            parse(r#"{"Zone": "a"}"#),
            Err("unknown field `Zone` in Request; its fields are `Limit`, `Name` at line 1 column 7".into())
        );
    }

    #[test]
    fn missing_duplicate_and_mistyped_members_are_errors() {
        assert_eq!(
            parse(r#"{"Limit": 5}"#),
            Err("missing field `Name` in Request at line 1 column 12".into())
        );
        assert_eq!(
            parse(r#"{"Name": "a", "Name": "b"}"#),
            Err("duplicate field `Name` at line 1 column 20".into())
        );
        assert_eq!(
            parse(r#"{"Name": "a", "Limit": "five"}"#),
            Err("`five`: invalid digit found in string at line 1 column 29".into())
        );
        assert_eq!(
            parse(r#"{"Name": null}"#),
            Err("missing field `Name` in Request at line 1 column 14".into())
        );
        assert_eq!(
            parse(r#"{"Name": 5}"#),
            Err("invalid type: integer `5`, expected a string at line 1 column 10".into())
        );
        assert_eq!(
            parse(r#"[1]"#),
            Err("invalid type: sequence, expected a Request object at line 1 column 1".into())
        );
    }

    #[test]
    fn a_huge_unknown_name_is_quoted_short() {
        let name = "x".repeat(10_000);
        let message = unknown_field(&name, "Request", &["Limit"]);
        assert!(message.len() < 200, "{message}");
    }
}
