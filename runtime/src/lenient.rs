//! Lenient reading of replies and the output types they carry, and the
//! field writer both directions serialize with.
//!
//! Generated code implements [`Reply`] for each reply and output type: a
//! list of wire names and one `match` that hands each member to one of the
//! readers here ([`scalar`], [`scalars`], [`opt_scalars`], [`value`],
//! [`list`], [`plain`]). `Deserialize` delegates to [`deserialize`]. This
//! replaces serde's derive, which emitted a visitor, a field enum and, per
//! lenient field, a wrapper type with its own impls: most of the compile
//! time of a generated crate.
//!
//! A missing or `null` member is `None` or an empty list, numbers and bools
//! may come as strings (`"10"`, `"true"`), unknown members are ignored, and
//! a later duplicate wins. A value of the wrong kind is an error naming it.
//! The strict reading of requests (`input`, with the `json` feature)
//! shares the member names' lookup and the scalar readers.
//!
//! Serializing goes through [`fields`]: one call per member, leaving out
//! `None` and empty lists, as the derive's `skip_serializing_if` did.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Error, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A reply or output type, as generated code describes it.
pub trait Reply: Default {
    /// The Rust type name.
    const NAME: &'static str;
    /// The wire names of the members, in declaration order.
    const FIELDS: &'static [&'static str];

    /// Reads the value of member `FIELDS[index]` into `self`.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// `Deserialize::deserialize` of a [`Reply`] type: a JSON object.
pub fn deserialize<'de, T: Reply, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ReplyVisitor::<T>(PhantomData))
}

struct ReplyVisitor<T>(PhantomData<T>);

impl<'de, T: Reply> Visitor<'de> for ReplyVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        let key = Key {
            fields: T::FIELDS,
            strict: None,
        };
        while let Some(index) = map.next_key_seed(key)? {
            match index {
                Some(index) => value.read_field(index, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

/// A member name, as its index among `fields`. An unknown one is `None`
/// (skipped), or, when reading strictly (`strict`: the type's name), an
/// error that names it and the nearest known name.
#[derive(Clone, Copy)]
pub(crate) struct Key {
    pub fields: &'static [&'static str],
    pub strict: Option<&'static str>,
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.strict {
            Some(ty) => write!(f, "a member name of {ty}"),
            None => f.write_str("a member name"),
        }
    }

    /// Replies list their members in the documented order nearly always,
    /// so the scan is short in practice.
    fn visit_str<E: Error>(self, name: &str) -> Result<Option<usize>, E> {
        let index = self.fields.iter().position(|known| *known == name);
        match (index, self.strict) {
            // Only the `json` feature's strict inputs set `strict`.
            #[cfg(feature = "json")]
            (None, Some(ty)) => Err(E::custom(crate::input::unknown_field(
                name,
                ty,
                self.fields,
            ))),
            (index, _) => Ok(index),
        }
    }

    fn visit_bytes<E: Error>(self, name: &[u8]) -> Result<Option<usize>, E> {
        match (std::str::from_utf8(name), self.strict) {
            (Ok(name), _) => self.visit_str(name),
            (Err(_), None) => Ok(None),
            (Err(_), Some(ty)) => Err(E::custom(format_args!(
                "a member name of {ty} is not UTF-8"
            ))),
        }
    }
}

/// A number or bool as a reply (or a request from a file) may carry it:
/// itself, converted as serde converts it (`-1` is no `u64`, `1` no
/// `bool`), or its string form, parsed (`"10"`, `" 2"`, `"true"`).
pub trait Scalar: DeserializeOwned + std::str::FromStr<Err: fmt::Display> {
    /// What the error message says was expected.
    const EXPECTED: &'static str;
}

impl Scalar for i64 {
    const EXPECTED: &'static str = "i64";
}

impl Scalar for u64 {
    const EXPECTED: &'static str = "u64";
}

impl Scalar for f64 {
    const EXPECTED: &'static str = "f64";
}

impl Scalar for bool {
    const EXPECTED: &'static str = "a boolean";
}

/// Reads one scalar, or `null` as `None`.
pub(crate) struct ScalarSeed<T>(pub PhantomData<T>);

impl<'de, T: Scalar> DeserializeSeed<'de> for ScalarSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Scalar> Visitor<'de> for ScalarSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or its string form", T::EXPECTED)
    }
    fn visit_i64<E: Error>(self, value: i64) -> Result<Option<T>, E> {
        T::deserialize(value.into_deserializer()).map(Some)
    }
    fn visit_u64<E: Error>(self, value: u64) -> Result<Option<T>, E> {
        T::deserialize(value.into_deserializer()).map(Some)
    }
    fn visit_f64<E: Error>(self, value: f64) -> Result<Option<T>, E> {
        T::deserialize(value.into_deserializer()).map(Some)
    }
    fn visit_bool<E: Error>(self, value: bool) -> Result<Option<T>, E> {
        T::deserialize(value.into_deserializer()).map(Some)
    }
    fn visit_str<E: Error>(self, text: &str) -> Result<Option<T>, E> {
        let parsed = text.trim().parse();
        parsed
            .map(Some)
            .map_err(|e| E::custom(format_args!("`{text}`: {e}")))
    }
    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// One scalar in a list, where `null` is an error.
struct Element<T>(T);

impl<'de, T: Scalar> Deserialize<'de> for Element<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match ScalarSeed(PhantomData).deserialize(deserializer)? {
            Some(item) => Ok(Element(item)),
            None => Err(D::Error::custom("null in a list of scalars")),
        }
    }
}

/// Reads a list of scalars, or `null` as `None`.
pub(crate) fn read_scalars<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
) -> Result<Option<Vec<T>>, A::Error> {
    let list: Option<Vec<Element<T>>> = map.next_value()?;
    Ok(list.map(|items| items.into_iter().map(|Element(item)| item).collect()))
}

/// An optional number or bool, also from its string form; `null` is `None`.
pub fn scalar<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(ScalarSeed::<T>(PhantomData))?;
    Ok(())
}

/// A list of numbers or bools, elements also in string form; `null` is empty.
pub fn scalars<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    slot: &mut Vec<T>,
) -> Result<(), A::Error> {
    *slot = read_scalars(map)?.unwrap_or_default();
    Ok(())
}

/// Like [`scalars`]; `null` is `None`.
pub fn opt_scalars<'de, A: MapAccess<'de>, T: Scalar>(
    map: &mut A,
    slot: &mut Option<Vec<T>>,
) -> Result<(), A::Error> {
    *slot = read_scalars(map)?;
    Ok(())
}

/// Any other optional value (text, an object); `null` is `None`.
pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Any other list; `null` is empty.
pub fn list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Vec<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default();
    Ok(())
}

/// A value read as it is.
pub fn plain<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// The writer of a struct's members: `serialize` of a generated type is
/// one [`Fields::opt`], [`Fields::list`] or [`Fields::plain`] per member,
/// then [`Fields::end`].
pub struct Fields<S: Serializer>(S::SerializeStruct);

/// Starts writing the struct `name` with at most `len` members.
#[inline]
pub fn fields<S: Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
) -> Result<Fields<S>, S::Error> {
    serializer.serialize_struct(name, len).map(Fields)
}

impl<S: Serializer> Fields<S> {
    /// An optional member, left out when `None`.
    #[inline]
    pub fn opt<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(key, value),
            None => self.0.skip_field(key),
        }
    }

    /// A list member, left out when empty.
    #[inline]
    pub fn list<T: Serialize>(&mut self, key: &'static str, value: &[T]) -> Result<(), S::Error> {
        match value.is_empty() {
            false => self.0.serialize_field(key, value),
            true => self.0.skip_field(key),
        }
    }

    /// A member that is always written.
    #[inline]
    pub fn plain<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }

    /// Ends the struct.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Item {
        count: Option<i64>,
        name: Option<String>,
    }

    impl Reply for Item {
        const NAME: &'static str = "Item";
        const FIELDS: &'static [&'static str] = &["Count", "Name"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => scalar(map, &mut self.count),
                1 => value(map, &mut self.name),
                _ => Ok(()),
            }
        }
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    impl Serialize for Item {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut fields = fields(serializer, "Item", 2)?;
            fields.opt("Count", &self.count)?;
            fields.opt("Name", &self.name)?;
            fields.end()
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Reply1 {
        set: Vec<Item>,
        sizes: Vec<u64>,
        ratios: Option<Vec<f64>>,
        flag: Option<bool>,
    }

    impl Reply for Reply1 {
        const NAME: &'static str = "Reply1";
        const FIELDS: &'static [&'static str] = &["Set", "Sizes", "Ratios", "Flag"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => list(map, &mut self.set),
                1 => scalars(map, &mut self.sizes),
                2 => opt_scalars(map, &mut self.ratios),
                3 => scalar(map, &mut self.flag),
                _ => Ok(()),
            }
        }
    }

    impl<'de> Deserialize<'de> for Reply1 {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    fn parse(text: &str) -> Result<Reply1, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn null_missing_and_unknown_members() {
        assert_eq!(parse(r#"{}"#), Ok(Reply1::default()));
        let nulls = parse(
            r#"{"Set": null, "Sizes": null, "Ratios": null, "Flag": null, "X": [1, {"a": 2}]}"#,
        );
        assert_eq!(nulls, Ok(Reply1::default()));
        assert!(parse(r#"{"Set": "x"}"#).is_err());
    }

    #[test]
    fn numbers_and_bools_from_strings() {
        let reply = parse(
            r#"{"Set": [{"Count": "10", "Name": "a"}, {}], "Sizes": [1, " 2"], "Ratios": ["0.5", 1], "Flag": "true"}"#,
        )
        .expect("decodes");
        assert_eq!(
            reply,
            Reply1 {
                set: vec![
                    Item {
                        count: Some(10),
                        name: Some("a".into())
                    },
                    Item::default()
                ],
                sizes: vec![1, 2],
                ratios: Some(vec![0.5, 1.0]),
                flag: Some(true),
            }
        );
    }

    #[test]
    fn bad_values_say_what_they_were() {
        let error = parse(r#"{"Set": [{"Count": "ten"}]}"#).expect_err("not a number");
        assert!(error.contains("`ten`"), "{error}");
        assert!(parse(r#"{"Sizes": [-1]}"#).is_err());
        assert!(parse(r#"{"Sizes": 5}"#).is_err());
        assert!(parse(r#"{"Flag": 1}"#).is_err());
        assert!(parse(r#"{"Set": [{"Count": {"a": 1}}]}"#).is_err());
        assert!(parse(r#"{"Set": [{"Count": 1.5}]}"#).is_err());
    }

    #[test]
    fn serializing_leaves_out_none() {
        let item = Item {
            count: Some(3),
            name: None,
        };
        assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"Count":3}"#);
        assert_eq!(serde_json::to_string(&Item::default()).unwrap(), "{}");
    }
}
