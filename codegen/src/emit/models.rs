//! `models.rs` (requests, replies and input types) and `output.rs` (output
//! types): the types, most of the generated Rust.
//!
//! No serde derive: serde's derive macro was most of the compile time of a
//! generated crate (a visitor, a field enum and, per lenient field, a
//! wrapper type with its impls, for every struct). Each impl here is a
//! list of wire names and one call or match arm per member into runtime
//! helpers written once.
//!
//! Directions ([`StructKind`]):
//! - requests and input types: constructors (`new`, `with_*`),
//!   `Serialize` through `tencentcloud_runtime::lenient::fields` (`None`
//!   left out), and, with the crate's [`JSON_FEATURE`], `Deserialize`
//!   through `tencentcloud_runtime::input`, which rejects unknown members;
//! - replies and output types: `Deserialize` through
//!   `tencentcloud_runtime::lenient` (missing or null is `None` or empty,
//!   numbers and bools may be strings); `Serialize`, the reverse direction,
//!   only with the [`JSON_FEATURE`]. They are read, not built, so they
//!   have no constructors.

use std::collections::BTreeSet;

use super::writer::{quoted, RustWriter};
use crate::model::{Member, Repr, RustType, Struct, StructKind, Version, OUTPUT_MODULE};

/// The generated crates' feature that compiles the reverse directions:
/// requests read from JSON (strictly), replies written as JSON, and
/// `Client::invoke` (JSON params in, the reply as JSON out). The mock
/// feature turns it on.
pub const JSON_FEATURE: &str = "json";

/// Requests, replies and input types.
pub fn models_rs(version: &Version) -> String {
    let structs: Vec<&Struct> = version
        .structs
        .iter()
        .filter(|s| s.kind != StructKind::Output)
        .collect();
    types_file(
        "Requests, replies and the input types that requests carry.",
        &structs,
        &compared(version),
    )
}

/// Output types, when replies carry any.
pub fn output_rs(version: &Version) -> Option<String> {
    let structs: Vec<&Struct> = version
        .structs
        .iter()
        .filter(|s| s.kind == StructKind::Output)
        .collect();
    if structs.is_empty() {
        return None;
    }
    Some(types_file(
        "The output types that replies carry: every field may be missing.",
        &structs,
        &compared(version),
    ))
}

/// The paths of the structs that derive `PartialEq`: every request and
/// input type (a request built in code is compared with one read from a
/// file), and the output types a paginator compares pages of (to notice a
/// service that ignores `Offset`), with what they contain. Other replies
/// are only read; comparing them was a tenth of a crate's build.
fn compared(version: &Version) -> BTreeSet<String> {
    let mut compared: BTreeSet<String> = version
        .structs
        .iter()
        .filter(|s| !s.kind.is_output())
        .map(Struct::path)
        .collect();
    let mut pending: Vec<String> = version
        .pagination
        .paginators
        .iter()
        .filter_map(|p| p.item.named())
        .collect();
    while let Some(path) = pending.pop() {
        if !compared.insert(path.clone()) {
            continue;
        }
        if let Some(s) = version.structs.iter().find(|s| s.path() == path) {
            pending.extend(s.fields.iter().filter_map(|f| f.ty.named()));
        }
    }
    compared
}

/// Whether the version has an `output` module.
pub fn has_output_module(version: &Version) -> bool {
    version.structs.iter().any(|s| s.kind == StructKind::Output)
}

fn types_file(doc: &str, structs: &[&Struct], compared: &BTreeSet<String>) -> String {
    let mut w = RustWriter::with_capacity(structs.len() * 2048);
    w.inner_doc(doc);
    w.blank();
    w.line("use serde::Deserialize;");
    let names_output = structs.iter().any(|s| {
        s.fields.iter().any(|f| {
            matches!(f.ty.named(), Some(path) if path.starts_with(&format!("{OUTPUT_MODULE}::")))
        })
    });
    if names_output {
        w.line(format_args!("use super::{OUTPUT_MODULE};"));
    }
    if structs.iter().any(|s| !s.kind.is_output()) {
        w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
        w.line("use tencentcloud_runtime::input;");
    }
    w.line("use tencentcloud_runtime::lenient;");
    for model in structs {
        w.blank();
        write_struct(&mut w, model, compared.contains(&model.path()));
        // Replies are read, not built: no constructors (they were an
        // eighth of a crate's front-end time).
        match model.kind.is_output() {
            true => write_reply(&mut w, model),
            false => {
                w.blank();
                write_constructors(&mut w, model);
                w.blank();
                write_strict_input(&mut w, model);
            }
        }
        w.blank();
        write_serialize(&mut w, model);
    }
    w.finish()
}

fn field_type(member: &Member) -> String {
    let ty = member.ty.spelling();
    match member.repr {
        Repr::Plain | Repr::List => ty,
        Repr::Optional => format!("Option<{ty}>"),
    }
}

/// Whether values of `ty` are read leniently as numbers or bools (also
/// from their string form).
fn is_scalar(ty: &RustType) -> bool {
    matches!(
        ty,
        RustType::I64 | RustType::U64 | RustType::F64 | RustType::Bool
    )
}

fn write_struct(w: &mut RustWriter, s: &Struct, partial_eq: bool) {
    w.doc(&s.doc);
    let has_plain = s.fields.iter().any(|f| f.repr == Repr::Plain);
    let default = if has_plain { "" } else { ", Default" };
    let eq = if partial_eq { ", PartialEq" } else { "" };
    let redacts = s.fields.iter().any(|f| f.secret);
    let debug = if redacts { "" } else { "Debug, " };
    w.line(format_args!("#[derive({debug}Clone{eq}{default})]"));
    w.line("#[non_exhaustive]");
    if s.fields.is_empty() {
        w.line(format_args!("pub struct {} {{}}", s.name));
        return;
    }
    w.block(format_args!("pub struct {} {{", s.name), "}", |w| {
        for f in &s.fields {
            w.doc(&f.doc);
            w.line(format_args!("pub {}: {},", f.name, field_type(f)));
        }
    });
    if redacts {
        w.blank();
        write_redacted_debug(w, s);
    }
}

/// Debug that shows `<redacted>` for members holding credentials (a set
/// optional one as `Some("<redacted>")`), so that printing a request or a
/// reply shows no password, key or token.
fn write_redacted_debug(w: &mut RustWriter, s: &Struct) {
    w.block(
        format_args!("impl std::fmt::Debug for {} {{", s.name),
        "}",
        |w| {
            w.block(
                "fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
                "}",
                |w| {
                    w.line(format_args!("f.debug_struct({})", quoted(&s.name)));
                    for field in &s.fields {
                        let value = match (field.secret, field.repr) {
                            (false, _) => format!("&self.{}", field.name),
                            (true, Repr::Optional) => {
                                format!("&self.{}.as_ref().map(|_| \"<redacted>\")", field.name)
                            }
                            (true, _) => "&\"<redacted>\"".to_owned(),
                        };
                        w.line(format_args!("    .field({}, {value})", quoted(&field.name)));
                    }
                    w.line("    .finish()");
                },
            );
        },
    );
}

/// `Serialize` through `tencentcloud_runtime::lenient::fields`: one call
/// per member, `None` and (in replies) empty lists left out. Replies
/// travel the other way, so theirs is compiled only with the
/// [`JSON_FEATURE`] (`Client::invoke` and the mock give replies back as
/// JSON).
fn write_serialize(w: &mut RustWriter, s: &Struct) {
    let name = &s.name;
    if s.kind.is_output() {
        w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
    }
    w.block(format_args!("impl serde::Serialize for {name} {{"), "}", |w| {
        w.block(
            "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {",
            "}",
            |w| {
                if s.fields.is_empty() {
                    w.line(format_args!("lenient::fields(serializer, {}, 0)?.end()", quoted(name)));
                    return;
                }
                let names = match s.kind.is_output() {
                    true => "<Self as lenient::Reply>::FIELDS",
                    false => "Self::FIELDS",
                };
                // The count comes from the names, so adding a member changes no line.
                w.line(format_args!(
                    "let mut fields = lenient::fields(serializer, {}, {names}.len())?;",
                    quoted(name)
                ));
                for f in &s.fields {
                    let method = match f.repr {
                        Repr::Plain => "plain",
                        Repr::Optional => "opt",
                        Repr::List => "list",
                    };
                    w.line(format_args!("fields.{method}({}, &self.{})?;", quoted(&f.wire), f.name));
                }
                w.line("fields.end()");
            },
        );
    });
}

/// The lenient reader of a reply or output type
/// (`tencentcloud_runtime::lenient`): missing or null is `None` or empty,
/// numbers and bools may be strings, unknown members are skipped.
fn write_reply(w: &mut RustWriter, s: &Struct) {
    let name = &s.name;
    w.blank();
    w.block(format_args!("impl lenient::Reply for {name} {{"), "}", |w| {
        w.line(format_args!("const NAME: &'static str = {};", quoted(name)));
        write_field_names(w, "", s);
        w.block(
            "fn read_field<'de, A: serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {",
            "}",
            |w| {
                if s.fields.is_empty() {
                    w.line("let _ = (index, map);");
                    w.line("Ok(())");
                    return;
                }
                w.block("match index {", "}", |w| {
                    for (i, f) in s.fields.iter().enumerate() {
                        let element_scalar = matches!(&f.ty, RustType::Vec(inner) if is_scalar(inner));
                        let reader = match (f.repr, is_scalar(&f.ty), element_scalar) {
                            (Repr::Optional, true, _) => "scalar",
                            (Repr::Optional, _, true) => "opt_scalars",
                            (Repr::List, _, true) => "scalars",
                            (Repr::List, _, _) => "list",
                            (Repr::Optional, _, _) => "value",
                            (Repr::Plain, _, _) => "plain",
                        };
                        w.line(format_args!("{i} => lenient::{reader}(map, &mut self.{}),", f.name));
                    }
                    w.line("_ => Ok(()),");
                });
            },
        );
    });
    w.blank();
    w.block(format_args!("impl<'de> Deserialize<'de> for {name} {{"), "}", |w| {
        w.block(
            "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
            "}",
            |w| w.line("lenient::deserialize(deserializer)"),
        );
    });
}

/// `const FIELDS`: the wire names in declaration order.
fn write_field_names(w: &mut RustWriter, visibility: &str, s: &Struct) {
    if s.fields.is_empty() {
        w.line(format_args!(
            "{visibility}const FIELDS: &'static [&'static str] = &[];"
        ));
        return;
    }
    w.block(
        format_args!("{visibility}const FIELDS: &'static [&'static str] = &["),
        "];",
        |w| {
            for f in &s.fields {
                w.line(format_args!("{},", quoted(&f.wire)));
            }
        },
    );
}

/// The parameter type a constructor or setter takes, and the stored value
/// made from the argument `arg`.
fn argument(member: &Member, arg: &str) -> (String, String) {
    let (param, value) = match &member.ty {
        RustType::String => ("impl Into<String>".to_owned(), format!("{arg}.into()")),
        RustType::Vec(inner) if **inner == RustType::String => (
            "impl IntoIterator<Item = impl Into<String>>".to_owned(),
            format!("{arg}.into_iter().map(Into::into).collect()"),
        ),
        RustType::Vec(inner) => (
            format!("impl IntoIterator<Item = {}>", inner.spelling()),
            format!("{arg}.into_iter().collect()"),
        ),
        RustType::Named {
            boxed: true,
            name,
            output,
        } => {
            let unboxed = RustType::Named {
                name: name.clone(),
                boxed: false,
                output: *output,
            };
            (unboxed.spelling(), format!("Box::new({arg})"))
        }
        other => (other.spelling(), arg.to_owned()),
    };
    let value = match member.repr {
        Repr::Optional => format!("Some({value})"),
        Repr::Plain | Repr::List => value,
    };
    (param, value)
}

/// `new(required…)` and a `with_*` setter per other field.
fn write_constructors(w: &mut RustWriter, s: &Struct) {
    let name = &s.name;
    w.block(format_args!("impl {name} {{"), "}", |w| {
        w.doc("The wire names of the members, in declaration order.");
        write_field_names(w, "pub ", s);
        let required: Vec<&Member> = s.required().collect();
        w.doc(match (required.is_empty(), s.kind) {
            (true, _) => "With every field unset.",
            (false, StructKind::Request) => {
                "With the required params; set the others with the `with_*` methods."
            }
            (false, _) => "With the fields a request must carry.",
        });
        let params: Vec<String> = required
            .iter()
            .map(|f| format!("{}: {}", f.name, argument(f, &f.name).0))
            .collect();
        w.block(
            format_args!("pub fn new({}) -> Self {{", params.join(", ")),
            "}",
            |w| {
                if s.fields.is_empty() {
                    w.line(format_args!("{name} {{}}"));
                    return;
                }
                w.block(format_args!("{name} {{"), "}", |w| {
                    for f in &s.fields {
                        let value = match (f.required, f.repr) {
                            (true, _) => argument(f, &f.name).1,
                            (false, Repr::List) => "Vec::new()".to_owned(),
                            (false, _) => "None".to_owned(),
                        };
                        match value == f.name {
                            true => w.line(format_args!("{value},")),
                            false => w.line(format_args!("{}: {value},", f.name)),
                        }
                    }
                });
            },
        );
        for f in s.fields.iter().filter(|f| !f.required) {
            let (param, value) = argument(f, &f.name);
            w.doc(&format!("Sets `{}`.", f.wire));
            w.block(
                format_args!(
                    "pub fn {}(mut self, {}: {param}) -> Self {{",
                    f.setter, f.name
                ),
                "}",
                |w| {
                    w.line(format_args!("self.{} = {value};", f.name));
                    w.line("self");
                },
            );
        }
    });
}

/// The strict reader of a request or input type: each member at most
/// once, required ones present, and an unknown one an error that names the
/// nearest known name (`tencentcloud_runtime::input`).
fn write_strict_input(w: &mut RustWriter, s: &Struct) {
    let name = &s.name;
    w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
    w.block(format_args!("impl input::Input for {name} {{"), "}", |w| {
        w.line(format_args!("const NAME: &'static str = {};", quoted(name)));
        w.line("const FIELDS: &'static [&'static str] = Self::FIELDS;");
        w.block(
            "fn visit_fields<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {",
            "}",
            |w| {
                if s.fields.is_empty() {
                    w.line("while input::next_field::<Self, A>(&mut __map)?.is_some() {}");
                    w.line(format_args!("Ok({name} {{}})"));
                    return;
                }
                for f in &s.fields {
                    w.line(format_args!("let mut {} = None;", f.name));
                }
                w.block("while let Some(__index) = input::next_field::<Self, A>(&mut __map)? {", "}", |w| {
                    w.block("match __index {", "}", |w| {
                        for (i, f) in s.fields.iter().enumerate() {
                            w.line(format_args!(
                                "{i} => input::{}(&mut __map, &mut {}, {})?,",
                                reader(&f.ty),
                                f.name,
                                quoted(&f.wire)
                            ));
                        }
                        w.line("_ => {}");
                    });
                });
                w.block(format_args!("Ok({name} {{"), "})", |w| {
                    for f in &s.fields {
                        match f.repr {
                            Repr::Plain => w.line(format_args!(
                                "{}: input::required({}, {}, Self::NAME)?,",
                                f.name,
                                f.name,
                                quoted(&f.wire)
                            )),
                            Repr::Optional | Repr::List => {
                                w.line(format_args!("{}: {}.flatten(),", f.name, f.name))
                            }
                        }
                    }
                });
            },
        );
    });
    w.blank();
    w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
    w.block(format_args!("impl<'de> Deserialize<'de> for {name} {{"), "}", |w| {
        w.block(
            "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
            "}",
            |w| w.line("input::deserialize(deserializer)"),
        );
    });
}

/// The `tencentcloud_runtime::input` function that reads a member of type
/// `ty`: numbers and bools (alone or in a list) also from their string form.
fn reader(ty: &RustType) -> &'static str {
    match ty {
        RustType::Vec(inner) if is_scalar(inner) => "scalars",
        ty if is_scalar(ty) => "scalar",
        _ => "field",
    }
}
