//! Parsing of a field's `type`: a primitive, `list<T>`, or a type name.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    Primitive(Primitive),
    List(Box<TypeRef>),
    /// A type defined in `types/`.
    Named(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    String,
    Int64,
    Uint64,
    Float,
    Bool,
    /// `YYYY-MM-DD`, carried as a string.
    Date,
    /// `YYYY-MM-DD hh:mm:ss`, carried as a string.
    Datetime,
    /// ISO 8601 (`2020-03-10T02:43:51Z`), carried as a string.
    DatetimeIso,
    /// Base64 text, carried as a string.
    Binary,
}

impl Primitive {
    pub const ALL: [Primitive; 9] = [
        Primitive::String,
        Primitive::Int64,
        Primitive::Uint64,
        Primitive::Float,
        Primitive::Bool,
        Primitive::Date,
        Primitive::Datetime,
        Primitive::DatetimeIso,
        Primitive::Binary,
    ];

    pub fn spec_name(self) -> &'static str {
        match self {
            Primitive::String => "string",
            Primitive::Int64 => "int64",
            Primitive::Uint64 => "uint64",
            Primitive::Float => "float",
            Primitive::Bool => "bool",
            Primitive::Date => "date",
            Primitive::Datetime => "datetime",
            Primitive::DatetimeIso => "datetime_iso",
            Primitive::Binary => "binary",
        }
    }
}

impl TypeRef {
    /// Parses `string`, `list<Filter>`, `list<list<int64>>`, `Placement`.
    pub fn parse(text: &str) -> Result<TypeRef, String> {
        if let Some(inner) = text.strip_prefix("list<") {
            let inner = inner
                .strip_suffix('>')
                .ok_or_else(|| format!("`{text}` opens `list<` without closing `>`"))?;
            return Ok(TypeRef::List(Box::new(TypeRef::parse(inner)?)));
        }
        if let Some(primitive) = Primitive::ALL.iter().find(|p| p.spec_name() == text) {
            return Ok(TypeRef::Primitive(*primitive));
        }
        let mut chars = text.chars();
        let starts_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        if starts_upper && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Ok(TypeRef::Named(text.to_owned()));
        }
        Err(format!(
            "`{text}` is not a type: expected one of {}, `list<T>`, or a type name starting with an uppercase letter",
            Primitive::ALL.map(Primitive::spec_name).join(", ")
        ))
    }

    /// The named type this refers to, through any lists.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Primitive(_) => None,
            TypeRef::List(inner) => inner.named(),
            TypeRef::Named(name) => Some(name),
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, TypeRef::List(_))
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Primitive(p) => f.write_str(p.spec_name()),
            TypeRef::List(inner) => write!(f, "list<{inner}>"),
            TypeRef::Named(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            TypeRef::parse("int64"),
            Ok(TypeRef::Primitive(Primitive::Int64))
        );
        assert_eq!(
            TypeRef::parse("list<list<Filter>>"),
            Ok(TypeRef::List(Box::new(TypeRef::List(Box::new(
                TypeRef::Named("Filter".into())
            )))))
        );
        assert_eq!(
            TypeRef::parse("datetime_iso"),
            Ok(TypeRef::Primitive(Primitive::DatetimeIso))
        );
    }

    #[test]
    fn display_round_trips() {
        for text in ["string", "list<uint64>", "list<list<Placement>>", "Tag"] {
            assert_eq!(TypeRef::parse(text).map(|t| t.to_string()), Ok(text.into()));
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "list<string",
            "integer",
            "lowercaseName",
            "",
            "list<>",
            "Foo-Bar",
        ] {
            assert!(TypeRef::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
