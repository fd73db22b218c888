//! The `.N` serializer: a request's `Serialize` straight to [`Params`],
//! without a JSON `Value`.

use std::fmt::Write as _;

use serde::ser::{self, Error as _, Serialize};
use serde_json::{Error, Value};

use super::Params;

/// Flattens `value` into params without building a JSON [`Value`]: the same
/// params, in the same order, as flattening
/// `serde_json::to_value(value)`. Nulls and `None` are left out, non-finite
/// floats too (serde_json makes them null); numbers are written as
/// serde_json writes them; unit variants are their names; newtype variants
/// are one-field objects. `value` must serialize to an object. Errors read
/// as serde_json's would.
///
/// One difference: a key repeated within one object (which neither derived
/// structs nor std's maps produce) is sent each time, where the `Value`
/// would keep only the last value, at the first one's place.
pub fn to_params<T: Serialize + ?Sized>(value: &T, index_base: usize) -> Result<Params, String> {
    let mut writer = Writer {
        params: Params {
            text: String::with_capacity(256),
            spans: Vec::with_capacity(16),
        },
        name: String::with_capacity(64),
        base: index_base,
    };
    let top = Ser {
        writer: &mut writer,
        top: true,
    };
    value.serialize(top).map_err(|error| error.to_string())?;
    Ok(writer.params)
}

const NOT_AN_OBJECT: &str = "a request must serialize to a JSON object";

struct Writer {
    params: Params,
    /// The name of the value being written; each level appends its part
    /// and cuts it off again when done.
    name: String,
    base: usize,
}

impl Writer {
    fn error(&self, what: &str) -> Error {
        match self.name.as_str() {
            "" => Error::custom(what),
            name => Error::custom(format_args!("`{name}`: {what}")),
        }
    }
}

/// Serializes one value under the writer's current name. At the top (`top`)
/// only objects are accepted, and their keys take no leading `.`.
struct Ser<'a> {
    writer: &'a mut Writer,
    top: bool,
}

impl<'a> Ser<'a> {
    fn scalar(self, write: impl FnOnce(&mut String)) -> Result<(), Error> {
        self.null()?;
        self.writer.params.push_with(&self.writer.name, write);
        Ok(())
    }

    /// A JSON null: nothing is sent (and nothing is an object).
    fn null(&self) -> Result<(), Error> {
        match self.top {
            true => Err(Error::custom(NOT_AN_OBJECT)),
            false => Ok(()),
        }
    }

    fn integer(self, value: impl itoa::Integer) -> Result<(), Error> {
        self.scalar(|text| text.push_str(itoa::Buffer::new().format(value)))
    }

    /// A number as serde_json writes it; a non-finite one is null.
    fn float(self, value: Value) -> Result<(), Error> {
        match value {
            Value::Number(number) => self.scalar(|text| {
                // Writing to a String cannot fail.
                let _ = write!(text, "{number}");
            }),
            _ => self.null(),
        }
    }

    /// A list or an object under the current name.
    fn compound(self) -> Compound<'a> {
        let prefix = self.writer.name.len();
        Compound {
            prefix,
            restore: prefix,
            index: 0,
            dot: !self.top,
            keyed: false,
            writer: self.writer,
        }
    }

    /// A variant with data is a one-field object `{variant: ...}`, as
    /// serde_json writes it: what it holds is written under the variant's
    /// name, which is cut off again when it ends.
    fn variant(mut self, variant: &str) -> Compound<'a> {
        let restore = self.writer.name.len();
        if !self.top {
            self.writer.name.push('.');
        }
        self.writer.name.push_str(variant);
        self.top = false;
        let mut object = self.compound();
        object.restore = restore;
        object
    }
}

/// `serialize_<type>` for integer types, written by `self.integer`.
macro_rules! integers {
    ($($method:ident: $ty:ty),*) => {
        $(
            fn $method(self, value: $ty) -> Result<(), Error> {
                self.integer(value)
            }
        )*
    };
}

impl<'a> ser::Serializer for Ser<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.scalar(|text| text.push_str(if value { "true" } else { "false" }))
    }

    integers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64
    );

    /// serde_json's numbers are 64-bit: wider values must fit.
    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        match (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&value) {
            true => self.integer(value),
            false => Err(self.writer.error("number out of range")),
        }
    }

    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        // Beyond i128 is beyond u64 too.
        self.serialize_i128(i128::try_from(value).unwrap_or(i128::MAX))
    }

    /// Through serde_json's own `Number`, so the text is exactly its text.
    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.float(Value::from(value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        self.float(Value::from(value))
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.scalar(|text| text.push(value))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.scalar(|text| text.push_str(value))
    }

    /// serde_json writes bytes as a list of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut list = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            list.element(byte)?;
        }
        list.finish()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.null()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.null()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut variant = self.variant(variant);
        variant.value(value)?;
        variant.finish()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        self.null()?;
        Ok(self.compound())
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.variant(variant))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.variant(variant))
    }
}

/// A list or an object being written: a list's elements are named
/// `<name>.<index>`, from the base; an object's members `<name>.<key>`
/// (`<key>` at the top).
struct Compound<'a> {
    writer: &'a mut Writer,
    /// The length of the list's or object's own name.
    prefix: usize,
    /// The name's length to go back to when it ends.
    restore: usize,
    /// The next element's index, before the base is added.
    index: usize,
    /// Whether keys take a leading `.` (everywhere but at the top).
    dot: bool,
    /// Set between a map's key and its value.
    keyed: bool,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.index + self.writer.base;
        self.index += 1;
        self.writer.name.push('.');
        self.writer.name.push_str(itoa::Buffer::new().format(index));
        self.value(value)
    }

    /// Puts `key` after the object's name, for the value that follows.
    fn key(&mut self, key: &str) {
        self.writer.name.truncate(self.prefix);
        if self.dot {
            self.writer.name.push('.');
        }
        self.writer.name.push_str(key);
    }

    /// Writes `value` under the name made for it, then cuts that off.
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let writer = &mut *self.writer;
        value.serialize(Ser { writer, top: false })?;
        writer.name.truncate(self.prefix);
        Ok(())
    }

    fn prefix_name(&self) -> &str {
        &self.writer.name[..self.prefix]
    }

    fn finish(self) -> Result<(), Error> {
        self.writer.name.truncate(self.restore);
        Ok(())
    }
}

/// The list traits, each an alias of [`Compound::element`].
macro_rules! list_traits {
    ($($trait:ident::$method:ident),*) => {
        $(
            impl ser::$trait for Compound<'_> {
                type Ok = ();
                type Error = Error;

                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                    self.element(value)
                }

                fn end(self) -> Result<(), Error> {
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

/// The struct traits: their field names are the keys, as written.
macro_rules! struct_traits {
    ($($trait:ident),*) => {
        $(
            impl ser::$trait for Compound<'_> {
                type Ok = ();
                type Error = Error;

                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    key: &'static str,
                    value: &T,
                ) -> Result<(), Error> {
                    self.key(key);
                    self.value(value)
                }

                fn end(self) -> Result<(), Error> {
                    self.finish()
                }
            }
        )*
    };
}

struct_traits!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = map_key(key).map_err(|error| match self.prefix_name() {
            "" => error,
            under => Error::custom(format_args!("a key under `{under}`: {error}")),
        })?;
        self.key(&key);
        self.keyed = true;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !std::mem::take(&mut self.keyed) {
            return Err(Error::custom(format_args!(
                "a value under `{}` came without its key",
                self.prefix_name()
            )));
        }
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A map key as serde_json writes it, by serde_json's own rules (strings,
/// chars, bools, numbers, unit variants and newtype structs of those): the
/// key of a one-entry object it makes. Maps are rare in requests; struct
/// fields take [`Compound::key`].
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    struct OneKey<'k, K: ?Sized>(&'k K);
    impl<K: Serialize + ?Sized> Serialize for OneKey<'_, K> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap as _;
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(self.0, &())?;
            map.end()
        }
    }
    let object = serde_json::to_value(OneKey(key))?;
    object
        .as_object()
        .and_then(|object| object.keys().next())
        .cloned()
        .ok_or_else(|| Error::custom("key must be a string"))
}
