//! The `.N` serializer: a request's `Serialize` straight to [`Params`],
//! without a JSON `Value`.

use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};
use serde_json::Value;

use super::Params;

/// Flattens `value` into params without building a JSON [`Value`]: the same
/// params, in the same order, as flattening
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
        params: Params::with_capacity(256, 16),
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

/// `serialize_<type>` for integer types, written by `self.integer`.
macro_rules! integers {
    ($($method:ident: $ty:ty),*) => {
        $(
            fn $method(self, value: $ty) -> Result<(), EncodeError> {
                self.integer(value)
            }
        )*
    };
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

    integers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64
    );

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

/// The list traits, each an alias of [`SeqSerializer::element`].
macro_rules! list_traits {
    ($($trait:ident::$method:ident),*) => {
        $(
            impl ser::$trait for SeqSerializer<'_> {
                type Ok = ();
                type Error = EncodeError;

                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
                    self.element(value)
                }

                fn end(self) -> Result<(), EncodeError> {
                    self.finish()
                }
            }
        )*
    };
}

list_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

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
        let key = map_key(key).map_err(|error| match self.prefix_name() {
            "" => error,
            under => EncodeError(format!("a key under `{under}`: {error}")),
        })?;
        self.field_name(&key);
        Ok(())
    }

    /// Puts `key` after the object's name, for the value that follows.
    fn field_name(&mut self, key: &str) {
        self.writer.name.truncate(self.prefix);
        if self.dot {
            self.writer.name.push('.');
        }
        self.writer.name.push_str(key);
        self.key_written = true;
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

/// The struct traits: their field names are the keys, as written.
macro_rules! struct_traits {
    ($($trait:ident),*) => {
        $(
            impl ser::$trait for MapSerializer<'_> {
                type Ok = ();
                type Error = EncodeError;

                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    key: &'static str,
                    value: &T,
                ) -> Result<(), EncodeError> {
                    self.field_name(key);
                    self.value(value)
                }

                fn end(self) -> Result<(), EncodeError> {
                    self.finish()
                }
            }
        )*
    };
}

struct_traits!(SerializeStruct, SerializeStructVariant);

/// A map key as serde_json writes it, by serde_json's own rules (strings,
/// chars, bools, numbers, unit variants and newtype structs of those): the
/// key of a one-entry object it makes. Maps are rare in requests; struct
/// fields take [`MapSerializer::field_name`].
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String, EncodeError> {
    struct OneKey<'k, K: ?Sized>(&'k K);
    impl<K: Serialize + ?Sized> Serialize for OneKey<'_, K> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap as _;
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(self.0, &())?;
            map.end()
        }
    }
    let object = serde_json::to_value(OneKey(key)).map_err(|e| EncodeError(e.to_string()))?;
    object
        .as_object()
        .and_then(|object| object.keys().next())
        .cloned()
        .ok_or_else(|| EncodeError("key must be a string".into()))
}
