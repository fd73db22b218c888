//! Stage 3 for the types: `models.rs` (requests, replies and input types)
//! and `output.rs` (output types), written as text.
//!
//! Types are most of the generated Rust, and their shape is fixed, so they
//! are written directly rather than through tokens and a formatter. The
//! layout is this writer's own and never wraps a line: one item after
//! another with a blank line between them, one field, parameter or
//! initializer per line where there are several. The files are
//! `#[rustfmt::skip]`, so nothing reformats them.
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
use std::fmt::Write as _;

/// The generated crates' feature that compiles the reverse directions:
/// requests read from JSON (strictly), replies written as JSON, and
/// `Client::invoke` (JSON params in, the reply as JSON out). The mock
/// feature turns it on.
pub const JSON_FEATURE: &str = "json";

use crate::model::{Member, Repr, RustType, Struct, StructKind, Version, OUTPUT_MODULE};

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
    let mut out = String::with_capacity(structs.len() * 2048);
    let _ = writeln!(out, "//! {doc}");
    out.push_str("use serde::Deserialize;\n");
    let names_output = structs.iter().any(|s| {
        s.fields.iter().any(|f| {
            matches!(f.ty.named(), Some(path) if path.starts_with(&format!("{OUTPUT_MODULE}::")))
        })
    });
    if names_output {
        let _ = writeln!(out, "use super::{OUTPUT_MODULE};");
    }
    if structs.iter().any(|s| !s.kind.is_output()) {
        let _ = writeln!(out, "#[cfg(feature = {JSON_FEATURE:?})]");
        out.push_str("use tencentcloud_runtime::input;\n");
    }
    out.push_str("use tencentcloud_runtime::lenient;\n");
    for model in structs {
        out.push('\n');
        write_struct(&mut out, model, compared.contains(&model.path()));
        out.push('\n');
        // Replies are read, not built: no constructors (they were an
        // eighth of a crate's front-end time).
        match model.kind.is_output() {
            true => write_reply(&mut out, model),
            false => {
                write_constructors(&mut out, model);
                out.push('\n');
                write_strict_input(&mut out, model);
            }
        }
        out.push('\n');
        write_serialize(&mut out, model);
    }
    out
}

/// `///` lines at `indent`, with rustdoc's leading space (none when empty).
fn write_doc(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(indent);
        out.push_str("///");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// A Rust string literal.
fn string_literal(text: &str) -> String {
    format!("{text:?}")
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

fn write_struct(out: &mut String, s: &Struct, partial_eq: bool) {
    write_doc(out, "", &s.doc);
    let has_plain = s.fields.iter().any(|f| f.repr == Repr::Plain);
    let default = if has_plain { "" } else { ", Default" };
    let eq = if partial_eq { ", PartialEq" } else { "" };
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone{eq}{default})]\n#[non_exhaustive]"
    );
    if s.fields.is_empty() {
        let _ = writeln!(out, "pub struct {} {{}}", s.name);
        return;
    }
    let _ = writeln!(out, "pub struct {} {{", s.name);
    for f in &s.fields {
        write_doc(out, "    ", &f.doc);
        let _ = writeln!(out, "    pub {}: {},", f.name, field_type(f));
    }
    out.push_str("}\n");
}

/// `Serialize` through `tencentcloud_runtime::lenient::fields`: one call
/// per member, `None` and (in replies) empty lists left out. Replies
/// travel the other way, so theirs is compiled only with the
/// [`JSON_FEATURE`] (`Client::invoke` and the mock give replies back as
/// JSON).
fn write_serialize(out: &mut String, s: &Struct) {
    let name = &s.name;
    if s.kind.is_output() {
        let _ = writeln!(out, "#[cfg(feature = {JSON_FEATURE:?})]");
    }
    let _ = writeln!(out, "impl serde::Serialize for {name} {{");
    out.push_str(
        "    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n",
    );
    let names = match s.kind.is_output() {
        true => "<Self as lenient::Reply>::FIELDS",
        false => "Self::FIELDS",
    };
    if s.fields.is_empty() {
        let _ = writeln!(
            out,
            "        lenient::fields(serializer, {}, 0)?.end()\n    }}\n}}",
            string_literal(name),
        );
        return;
    }
    // The count comes from the names, so adding a member changes no line.
    let _ = writeln!(
        out,
        "        let mut fields = lenient::fields(serializer, {}, {names}.len())?;",
        string_literal(name),
    );
    for f in &s.fields {
        let method = match f.repr {
            Repr::Plain => "plain",
            Repr::Optional => "opt",
            Repr::List => "list",
        };
        let _ = writeln!(
            out,
            "        fields.{method}({}, &self.{})?;",
            string_literal(&f.wire),
            f.name
        );
    }
    out.push_str("        fields.end()\n    }\n}\n");
}

/// The lenient reader of a reply or output type
/// (`tencentcloud_runtime::lenient`): missing or null is `None` or empty,
/// numbers and bools may be strings, unknown members are skipped.
fn write_reply(out: &mut String, s: &Struct) {
    let name = &s.name;
    let _ = writeln!(out, "impl lenient::Reply for {name} {{");
    let _ = writeln!(
        out,
        "    const NAME: &'static str = {};",
        string_literal(name)
    );
    out.push_str("   ");
    write_field_names(out, s);
    out.push_str(
        "    fn read_field<'de, A: serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {\n",
    );
    if s.fields.is_empty() {
        out.push_str("        let _ = (index, map);\n        Ok(())\n");
    } else {
        out.push_str("        match index {\n");
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
            let _ = writeln!(
                out,
                "            {i} => lenient::{reader}(map, &mut self.{}),",
                f.name
            );
        }
        out.push_str("            _ => Ok(()),\n        }\n");
    }
    out.push_str("    }\n}\n\n");
    let _ = writeln!(out, "impl<'de> Deserialize<'de> for {name} {{");
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n",
    );
    out.push_str("        lenient::deserialize(deserializer)\n");
    out.push_str("    }\n}\n");
}

/// `const FIELDS`: the wire names in declaration order.
fn write_field_names(out: &mut String, s: &Struct) {
    match s.fields.is_empty() {
        true => out.push_str(" const FIELDS: &'static [&'static str] = &[];\n"),
        false => {
            out.push_str(" const FIELDS: &'static [&'static str] = &[\n");
            for f in &s.fields {
                let _ = writeln!(out, "        {},", string_literal(&f.wire));
            }
            out.push_str("    ];\n");
        }
    }
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
fn write_constructors(out: &mut String, s: &Struct) {
    let name = &s.name;
    let _ = writeln!(out, "impl {name} {{");
    write_doc(
        out,
        "    ",
        "The wire names of the members, in declaration order.",
    );
    out.push_str("    pub");
    write_field_names(out, s);
    let required: Vec<&Member> = s.required().collect();
    let new_doc = match (required.is_empty(), s.kind) {
        (true, _) => "With every field unset.",
        (false, StructKind::Request) => {
            "With the required params; set the others with the `with_*` methods."
        }
        (false, _) => "With the fields a request must carry.",
    };
    write_doc(out, "    ", new_doc);
    let params: Vec<String> = required
        .iter()
        .map(|f| format!("{}: {}", f.name, argument(f, &f.name).0))
        .collect();
    let _ = writeln!(out, "    pub fn new({}) -> Self {{", params.join(", "));
    if s.fields.is_empty() {
        let _ = writeln!(out, "        {name} {{}}");
    } else {
        let _ = writeln!(out, "        {name} {{");
        for f in &s.fields {
            let value = match (f.required, f.repr) {
                (true, _) => argument(f, &f.name).1,
                (false, Repr::List) => "Vec::new()".to_owned(),
                (false, _) => "None".to_owned(),
            };
            match value == f.name {
                true => {
                    let _ = writeln!(out, "            {value},");
                }
                false => {
                    let _ = writeln!(out, "            {}: {value},", f.name);
                }
            }
        }
        let _ = writeln!(out, "        }}");
    }
    out.push_str("    }\n");
    for f in s.fields.iter().filter(|f| !f.required) {
        let (param, value) = argument(f, &f.name);
        write_doc(out, "    ", &format!("Sets `{}`.", f.wire));
        let _ = writeln!(
            out,
            "    pub fn {}(mut self, {}: {param}) -> Self {{",
            f.setter, f.name
        );
        let _ = writeln!(out, "        self.{} = {value};", f.name);
        out.push_str("        self\n    }\n");
    }
    out.push_str("}\n");
}

/// The strict reader of a request or input type: each member at most
/// once, required ones present, and an unknown one an error that names the
/// nearest known name (`tencentcloud_runtime::input`).
fn write_strict_input(out: &mut String, s: &Struct) {
    let name = &s.name;
    let wires: Vec<String> = s.fields.iter().map(|f| string_literal(&f.wire)).collect();
    let _ = writeln!(out, "#[cfg(feature = {JSON_FEATURE:?})]");
    let _ = writeln!(out, "impl input::Input for {name} {{");
    let _ = writeln!(
        out,
        "    const NAME: &'static str = {};",
        string_literal(name)
    );
    out.push_str("    const FIELDS: &'static [&'static str] = Self::FIELDS;\n");
    out.push_str(
        "    fn visit_fields<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {\n",
    );
    for f in &s.fields {
        let _ = writeln!(out, "        let mut {} = None;", f.name);
    }
    if s.fields.is_empty() {
        out.push_str("        while input::next_field::<Self, A>(&mut __map)?.is_some() {}\n");
        let _ = writeln!(out, "        Ok({name} {{}})");
    } else {
        out.push_str(
            "        while let Some(__index) = input::next_field::<Self, A>(&mut __map)? {\n",
        );
        out.push_str("            match __index {\n");
        for (i, f) in s.fields.iter().enumerate() {
            let _ = writeln!(
                out,
                "                {i} => input::{}(&mut __map, &mut {}, {})?,",
                reader(&f.ty),
                f.name,
                wires[i]
            );
        }
        out.push_str("                _ => {}\n");
        out.push_str("            }\n");
        out.push_str("        }\n");
        let _ = writeln!(out, "        Ok({name} {{");
        for (i, f) in s.fields.iter().enumerate() {
            match f.repr {
                Repr::Plain => {
                    let _ = writeln!(
                        out,
                        "            {}: input::required({}, {}, Self::NAME)?,",
                        f.name, f.name, wires[i]
                    );
                }
                Repr::Optional | Repr::List => {
                    let _ = writeln!(out, "            {}: {}.flatten(),", f.name, f.name);
                }
            }
        }
        out.push_str("        })\n");
    }
    out.push_str("    }\n}\n\n");
    let _ = writeln!(out, "#[cfg(feature = {JSON_FEATURE:?})]");
    let _ = writeln!(out, "impl<'de> Deserialize<'de> for {name} {{");
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n",
    );
    out.push_str("        input::deserialize(deserializer)\n");
    out.push_str("    }\n}\n");
}

/// The `tencentcloud_runtime::input` function that reads a member of type
/// `ty`: numbers and bools (alone or in a list) also from their string form.
fn reader(ty: &RustType) -> &'static str {
    let scalar = |ty: &RustType| {
        matches!(
            ty,
            RustType::I64 | RustType::U64 | RustType::F64 | RustType::Bool
        )
    };
    match ty {
        RustType::Vec(inner) if scalar(inner) => "scalars",
        ty if scalar(ty) => "scalar",
        _ => "field",
    }
}
