//! The `.N` param encoding of query strings and form bodies.
//!
//! A request's JSON form is flattened:
//! `{"InstanceIds": ["a"], "Filters": [{"Name": "zone", "Values": ["x", "y"]}],
//! "Placement": {"Zone": "z"}}` becomes `InstanceIds.0=a`, `Filters.0.Name=zone`,
//! `Filters.0.Values.0=x`, `Filters.0.Values.1=y`, `Placement.Zone=z`.
//! Indexes start at the service's base (0 for Tencent Cloud, unlike AWS).
//!
//! [`to_params`] does this straight from the request's `Serialize`, without
//! building the JSON [`Value`]; [`flatten`] does it on a `Value` and is kept
//! as the reference the serializer is tested against.

use std::fmt::{self, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::ser::{self, Impossible, Serialize};
use serde_json::Value;

pub use crate::wire_names::COMMON_PARAMS;

/// Flattens a JSON object into `(name, value)` params, in field order.
/// Nulls are left out: an absent optional param is not sent. The client
/// uses [`to_params`], which gives the same without a `Value`.
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
        self.iter().any(|(existing, _)| existing == name)
    }

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

/// Values in full except the session token's.
impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(name, value)| {
                let value = if name == "Token" { "<redacted>" } else { value };
                (name, value)
            }))
            .finish()
    }
}

/// Flattens `value` into params without building a JSON [`Value`]: the same
/// params, in the same order, as [`flatten`] gives for
/// `serde_json::to_value(value)`. Nulls and `None` are left out, non-finite
/// floats too (serde_json makes them null); numbers are written as
/// serde_json writes them; unit variants are their names; newtype variants
/// are one-field objects. `value` must serialize to an object.
///
/// One difference: a key repeated within one object (which neither derived
/// structs nor std's maps produce) is sent each time, where the `Value`
/// would keep only the last value, at the first one's place.
pub fn to_params<T: Serialize + ?Sized>(value: &T, index_base: usize) -> Result<Params, String> {
    let mut writer = ParamWriter {
        params: Params {
            text: String::with_capacity(256),
            spans: Vec::with_capacity(16),
        },
        name: String::with_capacity(64),
        base: index_base,
    };
    value
        .serialize(ValueSerializer {
            writer: &mut writer,
            top: true,
        })
        .map_err(|error| error.0)?;
    Ok(writer.params)
}

const NOT_AN_OBJECT: &str = "a request must serialize to a JSON object";

/// Why [`to_params`] failed.
#[derive(Debug)]
struct EncodeError(String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

impl ser::Error for EncodeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        EncodeError(message.to_string())
    }
}

struct ParamWriter {
    params: Params,
    /// The name of the value being written; each level appends its part
    /// and cuts it off again when done.
    name: String,
    base: usize,
}

impl ParamWriter {
    fn push_str(&mut self, value: &str) {
        self.params.push(&self.name, value);
    }

    fn push_display(&mut self, value: impl fmt::Display) {
        // Writing to a String cannot fail.
        self.params.push_with(&self.name, |text| {
            let _ = write!(text, "{value}");
        });
    }

    fn push_index(&mut self, index: usize) {
        self.name.push('.');
        self.name
            .push_str(itoa::Buffer::new().format(index + self.base));
    }

    fn error(&self, what: &str) -> EncodeError {
        if self.name.is_empty() {
            EncodeError(what.to_owned())
        } else {
            EncodeError(format!("`{}`: {what}", self.name))
        }
    }
}

/// Serializes one value under the writer's current name. At the top (`top`)
/// only objects are accepted, and their keys take no leading `.`.
struct ValueSerializer<'a> {
    writer: &'a mut ParamWriter,
    top: bool,
}

impl<'a> ValueSerializer<'a> {
    fn scalar(self, write: impl FnOnce(&mut ParamWriter)) -> Result<(), EncodeError> {
        if self.top {
            return Err(EncodeError(NOT_AN_OBJECT.into()));
        }
        write(self.writer);
        Ok(())
    }

    /// A JSON null: nothing is sent.
    fn null(self) -> Result<(), EncodeError> {
        self.scalar(|_| {})
    }

    fn integer(self, value: impl itoa::Integer) -> Result<(), EncodeError> {
        self.scalar(|writer| {
            let name = &writer.name;
            writer.params.push_with(name, |text| {
                text.push_str(itoa::Buffer::new().format(value));
            });
        })
    }

    /// A one-field object `{variant: ...}`, as serde_json writes variants
    /// with data; returns the name's length before the variant.
    fn enter_variant(&mut self, variant: &str) -> usize {
        let length = self.writer.name.len();
        if !self.top {
            self.writer.name.push('.');
        }
        self.writer.name.push_str(variant);
        length
    }

    fn map(self, restore: usize) -> MapSerializer<'a> {
        let top = self.top;
        let prefix = self.writer.name.len();
        MapSerializer {
            writer: self.writer,
            prefix,
            dot: !top,
            restore,
            key_written: false,
        }
    }
}

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = SeqSerializer<'a>;
    type SerializeTuple = SeqSerializer<'a>;
    type SerializeTupleStruct = SeqSerializer<'a>;
    type SerializeTupleVariant = SeqSerializer<'a>;
    type SerializeMap = MapSerializer<'a>;
    type SerializeStruct = MapSerializer<'a>;
    type SerializeStructVariant = MapSerializer<'a>;

    fn serialize_bool(self, value: bool) -> Result<(), EncodeError> {
        self.scalar(|writer| writer.push_str(if value { "true" } else { "false" }))
    }

    fn serialize_i8(self, value: i8) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i16(self, value: i16) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i32(self, value: i32) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i64(self, value: i64) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u16(self, value: u16) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u32(self, value: u32) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u64(self, value: u64) -> Result<(), EncodeError> {
        self.integer(value)
    }

    /// serde_json's numbers are 64-bit: wider values must fit.
    fn serialize_i128(self, value: i128) -> Result<(), EncodeError> {
        if let Ok(value) = u64::try_from(value) {
            self.integer(value)
        } else if let Ok(value) = i64::try_from(value) {
            self.integer(value)
        } else {
            Err(self.writer.error("number out of range"))
        }
    }

    fn serialize_u128(self, value: u128) -> Result<(), EncodeError> {
        match u64::try_from(value) {
            Ok(value) => self.integer(value),
            Err(_) => Err(self.writer.error("number out of range")),
        }
    }

    /// Through serde_json's own `Number`, so the text is exactly its text.
    fn serialize_f32(self, value: f32) -> Result<(), EncodeError> {
        match Value::from(value) {
            Value::Number(number) => self.scalar(|writer| writer.push_display(number)),
            _ => self.null(),
        }
    }

    fn serialize_f64(self, value: f64) -> Result<(), EncodeError> {
        match serde_json::Number::from_f64(value) {
            Some(number) => self.scalar(|writer| writer.push_display(number)),
            None => self.null(),
        }
    }

    fn serialize_char(self, value: char) -> Result<(), EncodeError> {
        self.scalar(|writer| writer.push_str(value.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(self, value: &str) -> Result<(), EncodeError> {
        self.scalar(|writer| writer.push_str(value))
    }

    /// serde_json writes bytes as a list of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<(), EncodeError> {
        self.scalar(|writer| {
            let length = writer.name.len();
            for (i, byte) in value.iter().enumerate() {
                writer.push_index(i);
                let name = &writer.name;
                writer.params.push_with(name, |text| {
                    text.push_str(itoa::Buffer::new().format(*byte));
                });
                writer.name.truncate(length);
            }
        })
    }

    fn serialize_none(self) -> Result<(), EncodeError> {
        self.null()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EncodeError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), EncodeError> {
        self.null()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), EncodeError> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), EncodeError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let length = self.enter_variant(variant);
        value.serialize(ValueSerializer {
            writer: self.writer,
            top: false,
        })?;
        self.writer.name.truncate(length);
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqSerializer<'a>, EncodeError> {
        if self.top {
            return Err(EncodeError(NOT_AN_OBJECT.into()));
        }
        let prefix = self.writer.name.len();
        Ok(SeqSerializer {
            writer: self.writer,
            prefix,
            index: 0,
            restore: prefix,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer<'a>, EncodeError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqSerializer<'a>, EncodeError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<SeqSerializer<'a>, EncodeError> {
        let restore = self.enter_variant(variant);
        let prefix = self.writer.name.len();
        Ok(SeqSerializer {
            writer: self.writer,
            prefix,
            index: 0,
            restore,
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapSerializer<'a>, EncodeError> {
        let restore = self.writer.name.len();
        Ok(self.map(restore))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<MapSerializer<'a>, EncodeError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<MapSerializer<'a>, EncodeError> {
        let restore = self.enter_variant(variant);
        // The variant's fields are inside the variant's object.
        self.top = false;
        Ok(self.map(restore))
    }
}

/// A list: each element is named `<name>.<index>`, from the base.
struct SeqSerializer<'a> {
    writer: &'a mut ParamWriter,
    prefix: usize,
    index: usize,
    /// The name's length to go back to when the list ends.
    restore: usize,
}

impl SeqSerializer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.writer.push_index(self.index);
        self.index += 1;
        value.serialize(ValueSerializer {
            writer: self.writer,
            top: false,
        })?;
        self.writer.name.truncate(self.prefix);
        Ok(())
    }

    fn finish(self) -> Result<(), EncodeError> {
        self.writer.name.truncate(self.restore);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

/// An object: each field is named `<name>.<key>` (`<key>` at the top).
struct MapSerializer<'a> {
    writer: &'a mut ParamWriter,
    prefix: usize,
    dot: bool,
    restore: usize,
    /// Set between a key and its value.
    key_written: bool,
}

impl MapSerializer<'_> {
    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        self.writer.name.truncate(self.prefix);
        if self.dot {
            self.writer.name.push('.');
        }
        key.serialize(KeySerializer {
            name: &mut self.writer.name,
        })
        .map_err(|error| match self.prefix_name() {
            "" => error,
            under => EncodeError(format!("a key under `{under}`: {error}")),
        })?;
        self.key_written = true;
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        if !std::mem::take(&mut self.key_written) {
            return Err(EncodeError(format!(
                "a value under `{}` came without its key",
                self.prefix_name()
            )));
        }
        value.serialize(ValueSerializer {
            writer: self.writer,
            top: false,
        })?;
        self.writer.name.truncate(self.prefix);
        Ok(())
    }

    fn prefix_name(&self) -> &str {
        &self.writer.name[..self.prefix]
    }

    fn finish(self) -> Result<(), EncodeError> {
        self.writer.name.truncate(self.restore);
        Ok(())
    }
}

impl ser::SerializeMap for MapSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        self.key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.value(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.key(key)?;
        self.value(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for MapSerializer<'_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.key(key)?;
        self.value(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

/// Appends a map key to the name; accepts what serde_json accepts as a key
/// (strings, chars, bools, integers, finite floats, unit variants and
/// newtype structs of those), written as serde_json writes it.
struct KeySerializer<'a> {
    name: &'a mut String,
}

const KEY_NOT_A_STRING: &str = "key must be a string";

impl KeySerializer<'_> {
    fn integer(self, value: impl itoa::Integer) -> Result<(), EncodeError> {
        self.name.push_str(itoa::Buffer::new().format(value));
        Ok(())
    }

    /// serde_json's float key text, from serde_json itself: its float
    /// formatter is not public, and float keys are rare enough.
    fn float(self, value: impl Serialize) -> Result<(), EncodeError> {
        struct OneKey<K>(K);
        impl<K: Serialize> Serialize for OneKey<K> {
            fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap as _;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&self.0, &())?;
                map.end()
            }
        }
        let value = serde_json::to_value(OneKey(value)).map_err(|e| EncodeError(e.to_string()))?;
        let key = value
            .as_object()
            .and_then(|object| object.keys().next())
            .ok_or_else(|| EncodeError(KEY_NOT_A_STRING.into()))?;
        self.name.push_str(key);
        Ok(())
    }
}

fn key_not_a_string<T>() -> Result<T, EncodeError> {
    Err(EncodeError(KEY_NOT_A_STRING.into()))
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Impossible<(), EncodeError>;
    type SerializeTuple = Impossible<(), EncodeError>;
    type SerializeTupleStruct = Impossible<(), EncodeError>;
    type SerializeTupleVariant = Impossible<(), EncodeError>;
    type SerializeMap = Impossible<(), EncodeError>;
    type SerializeStruct = Impossible<(), EncodeError>;
    type SerializeStructVariant = Impossible<(), EncodeError>;

    fn serialize_bool(self, value: bool) -> Result<(), EncodeError> {
        self.name.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i16(self, value: i16) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i32(self, value: i32) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i64(self, value: i64) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_i128(self, value: i128) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u16(self, value: u16) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u32(self, value: u32) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u64(self, value: u64) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_u128(self, value: u128) -> Result<(), EncodeError> {
        self.integer(value)
    }

    fn serialize_f32(self, value: f32) -> Result<(), EncodeError> {
        self.float(value)
    }

    fn serialize_f64(self, value: f64) -> Result<(), EncodeError> {
        self.float(value)
    }

    fn serialize_char(self, value: char) -> Result<(), EncodeError> {
        self.name.push(value);
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), EncodeError> {
        self.name.push_str(value);
        Ok(())
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_none(self) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_unit(self) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), EncodeError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), EncodeError> {
        key_not_a_string()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, EncodeError> {
        key_not_a_string()
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, EncodeError> {
        key_not_a_string()
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, EncodeError> {
        key_not_a_string()
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, EncodeError> {
        key_not_a_string()
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, EncodeError> {
        key_not_a_string()
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, EncodeError> {
        key_not_a_string()
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, EncodeError> {
        key_not_a_string()
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

/// [`encode_component`] appended to `out`, a byte at a time.
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

    // ---- to_params: every serde data shape, against flattening serde_json's Value

    use std::collections::BTreeMap;

    /// `to_params`, checked against `flatten(to_value(..))`: the same params
    /// when serde_json succeeds, an error when it fails.
    fn direct<T: Serialize + ?Sized>(
        value: &T,
        base: usize,
    ) -> Result<Vec<(String, String)>, String> {
        let direct = to_params(value, base).map(|params| params.to_pairs());
        match serde_json::to_value(value) {
            Ok(json) => match flatten(&json, base) {
                Ok(reference) => assert_eq!(direct, Ok(reference), "{json}"),
                Err(_) => assert!(direct.is_err(), "{json}: {direct:?}"),
            },
            Err(error) => assert!(direct.is_err(), "serde_json: {error}; direct: {direct:?}"),
        }
        direct
    }

    #[derive(serde::Serialize)]
    struct Scalars {
        t: bool,
        f: bool,
        i8: i8,
        i16: i16,
        i32: i32,
        i64: i64,
        u8: u8,
        u16: u16,
        u32: u32,
        u64: u64,
        i128: i128,
        u128: u128,
        c: char,
        s: &'static str,
        empty: String,
        none: Option<u8>,
        some: Option<u8>,
        unit: (),
        unit_struct: UnitStruct,
    }

    #[derive(serde::Serialize)]
    struct UnitStruct;

    #[test]
    fn scalars_are_written_as_json_text() {
        let value = Scalars {
            t: true,
            f: false,
            i8: i8::MIN,
            i16: -300,
            i32: i32::MAX,
            i64: i64::MIN,
            u8: u8::MAX,
            u16: 0,
            u32: 7,
            u64: u64::MAX,
            i128: -5,
            u128: 6,
            c: '云',
            s: "a b&c",
            empty: String::new(),
            none: None,
            some: Some(3),
            unit: (),
            unit_struct: UnitStruct,
        };
        assert_eq!(
            direct(&value, 0),
            Ok(pairs(&[
                ("t", "true"),
                ("f", "false"),
                ("i8", "-128"),
                ("i16", "-300"),
                ("i32", "2147483647"),
                ("i64", "-9223372036854775808"),
                ("u8", "255"),
                ("u16", "0"),
                ("u32", "7"),
                ("u64", "18446744073709551615"),
                ("i128", "-5"),
                ("u128", "6"),
                ("c", "云"),
                ("s", "a b&c"),
                ("empty", ""),
                ("some", "3"),
            ]))
        );
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        let mut floats = BTreeMap::new();
        for (name, value) in [
            ("a_one", 1.0),
            ("b_tenth", 0.1),
            ("c_big", 1e20),
            ("d_small", 1.5e-7),
            ("e_negative_zero", -0.0),
            ("f_nan", f64::NAN),
            ("g_infinity", f64::INFINITY),
            ("h_max", f64::MAX),
        ] {
            floats.insert(name, value);
        }
        assert_eq!(
            direct(&floats, 0),
            Ok(pairs(&[
                ("a_one", "1.0"),
                ("b_tenth", "0.1"),
                ("c_big", "1e+20"),
                ("d_small", "1.5e-7"),
                ("e_negative_zero", "-0.0"),
                ("h_max", "1.7976931348623157e+308"),
            ]))
        );
        // serde_json widens an f32 to f64 before writing it.
        let single = BTreeMap::from([("a", 0.1f32), ("b", f32::NAN), ("c", 2.0)]);
        assert_eq!(
            direct(&single, 0),
            Ok(pairs(&[("a", "0.10000000149011612"), ("c", "2.0")]))
        );
    }

    #[test]
    fn wide_integers_must_fit_in_64_bits() {
        let fits = BTreeMap::from([("a", i128::from(i64::MIN)), ("b", i128::from(u64::MAX))]);
        assert_eq!(
            direct(&fits, 0),
            Ok(pairs(&[
                ("a", "-9223372036854775808"),
                ("b", "18446744073709551615")
            ]))
        );
        let error = direct(&json_like_object("Big", i128::from(u64::MAX) + 1), 0);
        assert_eq!(error, Err("`Big`: number out of range".into()));
        assert!(direct(&json_like_object("Small", i128::from(i64::MIN) - 1), 0).is_err());
        assert!(direct(&json_like_object("U", u128::MAX), 0).is_err());
    }

    fn json_like_object<T: Serialize>(key: &'static str, value: T) -> BTreeMap<&'static str, T> {
        BTreeMap::from([(key, value)])
    }

    #[derive(serde::Serialize)]
    struct Nested {
        #[serde(rename = "Ids")]
        ids: Vec<&'static str>,
        #[serde(rename = "Filters")]
        filters: Vec<Filter>,
        #[serde(rename = "Placement")]
        placement: Option<Placement>,
        #[serde(rename = "Empty")]
        empty: Vec<u8>,
        #[serde(rename = "Holes")]
        holes: Vec<Option<u8>>,
        #[serde(rename = "Matrix")]
        matrix: Vec<Vec<u8>>,
        #[serde(rename = "Tuple")]
        tuple: (u8, &'static str),
        #[serde(rename = "TupleStruct")]
        tuple_struct: TupleStruct,
        #[serde(rename = "Newtype")]
        newtype: Newtype,
        #[serde(rename = "EmptyObject")]
        empty_object: BTreeMap<String, u8>,
    }

    #[derive(serde::Serialize)]
    struct Filter {
        #[serde(rename = "Name")]
        name: &'static str,
        #[serde(rename = "Values")]
        values: Vec<&'static str>,
    }

    #[derive(serde::Serialize)]
    struct Placement {
        #[serde(rename = "Zone")]
        zone: &'static str,
        #[serde(rename = "ProjectId", skip_serializing_if = "Option::is_none")]
        project_id: Option<i64>,
    }

    #[derive(serde::Serialize)]
    struct TupleStruct(u8, u8);

    #[derive(serde::Serialize)]
    struct Newtype(Placement);

    #[test]
    fn lists_and_objects_nest_with_indexes_from_the_base() {
        let value = Nested {
            ids: vec!["ins-1", "ins-2"],
            filters: vec![Filter {
                name: "zone",
                values: vec!["ap-guangzhou-3", "ap-guangzhou-4"],
            }],
            placement: Some(Placement {
                zone: "z",
                project_id: None,
            }),
            empty: vec![],
            holes: vec![None, Some(1)],
            matrix: vec![vec![1, 2], vec![], vec![3]],
            tuple: (9, "x"),
            tuple_struct: TupleStruct(4, 5),
            newtype: Newtype(Placement {
                zone: "n",
                project_id: Some(-1),
            }),
            empty_object: BTreeMap::new(),
        };
        assert_eq!(
            direct(&value, 0),
            Ok(pairs(&[
                ("Ids.0", "ins-1"),
                ("Ids.1", "ins-2"),
                ("Filters.0.Name", "zone"),
                ("Filters.0.Values.0", "ap-guangzhou-3"),
                ("Filters.0.Values.1", "ap-guangzhou-4"),
                ("Placement.Zone", "z"),
                ("Holes.1", "1"),
                ("Matrix.0.0", "1"),
                ("Matrix.0.1", "2"),
                ("Matrix.2.0", "3"),
                ("Tuple.0", "9"),
                ("Tuple.1", "x"),
                ("TupleStruct.0", "4"),
                ("TupleStruct.1", "5"),
                ("Newtype.Zone", "n"),
                ("Newtype.ProjectId", "-1"),
            ]))
        );
        assert_eq!(
            direct(&json_like_object("Ids", ["a", "b"]), 1),
            Ok(pairs(&[("Ids.1", "a"), ("Ids.2", "b")]))
        );
    }

    /// Written with `serialize_bytes`, as `serde_bytes` would.
    struct Bytes(&'static [u8]);

    impl serde::Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    #[test]
    fn bytes_are_a_list_of_numbers() {
        assert_eq!(
            direct(&json_like_object("B", Bytes(&[0, 255])), 0),
            Ok(pairs(&[("B.0", "0"), ("B.1", "255")]))
        );
        assert!(direct(&Bytes(b"x"), 0).is_err());
    }

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, &'static str),
        Struct { a: u8, b: Option<u8> },
        Empty(Option<u8>),
    }

    #[test]
    fn enum_variants_are_written_as_serde_json_writes_them() {
        let value = json_like_object(
            "S",
            vec![
                Shape::Unit,
                Shape::Newtype(1),
                Shape::Tuple(2, "t"),
                Shape::Struct { a: 3, b: None },
                Shape::Empty(None),
            ],
        );
        assert_eq!(
            direct(&value, 0),
            Ok(pairs(&[
                ("S.0", "Unit"),
                ("S.1.Newtype", "1"),
                ("S.2.Tuple.0", "2"),
                ("S.2.Tuple.1", "t"),
                ("S.3.Struct.a", "3"),
            ]))
        );
        // At the top a variant with data is an object; its name has no dot before it.
        assert_eq!(
            direct(&Shape::Newtype(1), 0),
            Ok(pairs(&[("Newtype", "1")]))
        );
        assert_eq!(
            direct(&Shape::Tuple(2, "t"), 0),
            Ok(pairs(&[("Tuple.0", "2"), ("Tuple.1", "t")]))
        );
        assert_eq!(
            direct(&Shape::Struct { a: 3, b: Some(4) }, 0),
            Ok(pairs(&[("Struct.a", "3"), ("Struct.b", "4")]))
        );
        assert_eq!(direct(&Shape::Empty(None), 0), Ok(vec![]));
        assert!(direct(&Shape::Unit, 0).is_err());
    }

    #[derive(serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum KeyVariant {
        Zone,
    }

    #[derive(serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct KeyNewtype(&'static str);

    #[test]
    fn map_keys_are_what_serde_json_accepts() {
        assert_eq!(
            direct(
                &json_like_object("M", BTreeMap::from([(-3, "a"), (4, "b")])),
                0
            ),
            Ok(pairs(&[("M.-3", "a"), ("M.4", "b")]))
        );
        assert_eq!(
            direct(
                &json_like_object("M", BTreeMap::from([(false, "a"), (true, "b")])),
                0
            ),
            Ok(pairs(&[("M.false", "a"), ("M.true", "b")]))
        );
        assert_eq!(
            direct(&json_like_object("M", BTreeMap::from([('k', "a")])), 0),
            Ok(pairs(&[("M.k", "a")]))
        );
        assert_eq!(
            direct(&BTreeMap::from([(KeyVariant::Zone, "a")]), 0),
            Ok(pairs(&[("Zone", "a")]))
        );
        assert_eq!(
            direct(&BTreeMap::from([(KeyNewtype("k"), "a")]), 0),
            Ok(pairs(&[("k", "a")]))
        );
        assert_eq!(
            direct(&BTreeMap::from([(u128::MAX, 1)]), 0),
            Ok(pairs(&[("340282366920938463463374607431768211455", "1")]))
        );
        // Float keys: serde_json writes an f32 key at f32 precision.
        assert_eq!(
            direct(
                &vec![(0.1f32, 1)].into_iter().collect::<FloatKeys<f32>>(),
                0
            ),
            Ok(pairs(&[("0.1", "1")]))
        );
        assert_eq!(
            direct(
                &vec![(1e20f64, 1)].into_iter().collect::<FloatKeys<f64>>(),
                0
            ),
            Ok(pairs(&[("1e+20", "1")]))
        );
        assert!(direct(
            &vec![(f64::NAN, 1)].into_iter().collect::<FloatKeys<f64>>(),
            0
        )
        .is_err());
        // Keys that are not strings to serde_json.
        assert_eq!(
            direct(&json_like_object("M", BTreeMap::from([(Some("k"), 1)])), 0),
            Err("a key under `M`: key must be a string".into())
        );
        assert!(direct(&BTreeMap::from([((1, 2), 1)]), 0).is_err());
        assert!(direct(&BTreeMap::from([((), 1)]), 0).is_err());
    }

    /// A map with float keys, which std's maps cannot hold.
    struct FloatKeys<K>(Vec<(K, u8)>);

    impl<K> FromIterator<(K, u8)> for FloatKeys<K> {
        fn from_iter<I: IntoIterator<Item = (K, u8)>>(iter: I) -> Self {
            FloatKeys(iter.into_iter().collect())
        }
    }

    impl<K: Serialize> Serialize for FloatKeys<K> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }

    #[test]
    fn the_top_must_be_an_object() {
        assert_eq!(direct(&[1], 0), Err(NOT_AN_OBJECT.to_owned()));
        assert!(direct(&"text", 0).is_err());
        assert!(direct(&1, 0).is_err());
        assert!(direct(&f64::NAN, 0).is_err());
        assert!(direct(&Option::<Placement>::None, 0).is_err());
        assert!(direct(&(), 0).is_err());
        assert!(direct(&UnitStruct, 0).is_err());
        // Wrappers of an object are an object.
        let placement = || Placement {
            zone: "z",
            project_id: None,
        };
        assert_eq!(direct(&Some(placement()), 0), Ok(pairs(&[("Zone", "z")])));
        assert_eq!(
            direct(&Newtype(placement()), 0),
            Ok(pairs(&[("Zone", "z")]))
        );
        assert_eq!(direct(&BTreeMap::<String, u8>::new(), 0), Ok(vec![]));
    }

    /// A hand-written `Serialize` that fails, or misuses the map protocol.
    enum Broken {
        Custom,
        ValueWithoutKey,
    }

    impl serde::Serialize for Broken {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap as _;
            match self {
                Broken::Custom => Err(ser::Error::custom("the clock is not set")),
                Broken::ValueWithoutKey => {
                    let mut map = serializer.serialize_map(None)?;
                    map.serialize_value(&1)?;
                    map.end()
                }
            }
        }
    }

    #[test]
    fn a_failing_serialize_is_an_error_not_a_panic() {
        assert_eq!(
            direct(&json_like_object("A", Broken::Custom), 0),
            Err("the clock is not set".into())
        );
        // serde_json panics on this one, so only the serializer is asked.
        let error = to_params(&json_like_object("A", Broken::ValueWithoutKey), 0);
        assert_eq!(error, Err("a value under `A` came without its key".into()));
    }

    #[test]
    fn a_json_value_serializes_like_it_flattens() {
        let request = json!({
            "InstanceIds": ["ins-1", null, "ins-2"],
            "Filters": [{"Name": "zone", "Values": ["a", "b"]}],
            "Placement": {"Zone": "z", "ProjectId": 0, "Deep": {"List": [[1.5, -2]]}},
            "DryRun": false,
            "Skipped": null,
            "": {"": "empty names"}
        });
        let direct = to_params(&request, 0).map(|params| params.to_pairs());
        assert_eq!(direct, flatten(&request, 0));
        assert_eq!(direct.map(|p| p.len()), Ok(11));
    }

    #[test]
    fn params_keep_order_and_hide_the_token_in_debug() {
        let mut params = Params::new();
        params.push("B", "2");
        params.push_with("A", |text| text.push_str("one"));
        params.push("Token", "secret-token");
        assert_eq!(params.len(), 3);
        assert!(params.contains("A") && !params.contains("C"));
        assert_eq!(
            params.to_pairs(),
            pairs(&[("B", "2"), ("A", "one"), ("Token", "secret-token")])
        );
        assert_eq!(params.encode_query(), encode_query(&params.to_pairs()));
        let debug = format!("{params:?}");
        assert!(
            !debug.contains("secret-token") && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}
