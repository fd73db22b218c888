//! Stage 3 for `models.rs`: formatted text, not tokens.
//!
//! Models are about 85 % of the generated Rust (117 MB of 137 MB for all
//! tccli services), and turning their tokens into text (syn's parse, then
//! prettyplease) was most of `cargo xtask gen`'s time. Their shape is fixed
//! (a struct, its `new`, its setters), so they are written directly, in the
//! layout prettyplease gives them: an item is broken over lines only when
//! its one-line form passes the 89th column.

use std::fmt::Write as _;

use crate::resolve::{Member, Repr, RustType, Struct, StructKind, Version};

/// prettyplease's margin: lines longer than this are broken.
const MARGIN: usize = 89;
/// prettyplease keeps a struct literal on one line only when it is this
/// short (read off its output: 43 columns at an indent of 8, and 42 for
/// `Name {}`).
const STRUCT_LITERAL_ONE_LINE: usize = 43;

/// Request, reply and shared structs.
pub fn models_rs(version: &Version) -> String {
    let mut out = String::with_capacity(version.structs.len() * 2048);
    out.push_str("//! Request, reply and shared types.\nuse serde::{Deserialize, Serialize};\n");
    for model in &version.structs {
        write_model(&mut out, model);
    }
    out
}

fn width(text: &str) -> usize {
    text.chars().count()
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

/// A Rust string literal, escaped as `quote` and prettyplease write it.
fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

fn rust_type(ty: &RustType) -> String {
    match ty {
        RustType::String => "String".to_owned(),
        RustType::I64 => "i64".to_owned(),
        RustType::U64 => "u64".to_owned(),
        RustType::F64 => "f64".to_owned(),
        RustType::Bool => "bool".to_owned(),
        RustType::Vec(inner) => format!("Vec<{}>", rust_type(inner)),
        RustType::Named { name, boxed: true } => format!("Box<{name}>"),
        RustType::Named { name, boxed: false } => name.clone(),
    }
}

fn field_type(member: &Member) -> String {
    let ty = rust_type(&member.ty);
    match member.repr {
        Repr::Plain | Repr::List => ty,
        Repr::Optional => format!("Option<{ty}>"),
    }
}

/// The serde attribute's arguments, and whether its broken form ends with
/// a comma (as the token form did when `deserialize_with` came last).
/// Numbers and bools are read leniently (also from strings); lists and
/// options tolerate `null`.
fn serde_args(f: &Member) -> (Vec<String>, bool) {
    let scalar = |ty: &RustType| {
        matches!(
            ty,
            RustType::I64 | RustType::U64 | RustType::F64 | RustType::Bool
        )
    };
    let element_scalar = matches!(&f.ty, RustType::Vec(inner) if scalar(inner));
    let with = match (f.repr, scalar(&f.ty), element_scalar) {
        (Repr::Plain, true, _) => Some("tencentcloud_runtime::de::lenient"),
        (Repr::Plain, _, _) => None,
        (Repr::Optional, true, _) => Some("tencentcloud_runtime::de::lenient_option"),
        (Repr::Optional, _, true) => Some("tencentcloud_runtime::de::lenient_option_list"),
        (Repr::Optional, _, _) => None,
        (Repr::List, _, true) => Some("tencentcloud_runtime::de::lenient_list"),
        (Repr::List, _, _) => Some("tencentcloud_runtime::de::null_as_default"),
    };
    let mut args = vec![format!("rename = {}", string_literal(&f.wire))];
    if f.repr != Repr::Plain {
        args.push("default".to_owned());
    }
    if let Some(path) = with {
        args.push(format!("deserialize_with = {}", string_literal(path)));
    }
    match f.repr {
        Repr::Plain => {}
        Repr::Optional => args.push("skip_serializing_if = \"Option::is_none\"".to_owned()),
        Repr::List => args.push("skip_serializing_if = \"Vec::is_empty\"".to_owned()),
    }
    let trailing_comma = f.repr == Repr::Plain && with.is_some();
    (args, trailing_comma)
}

/// `#[serde(args)]` on one line at `indent` when it fits, else one
/// argument a line (attributes take no trailing comma).
fn write_attribute(out: &mut String, indent: &str, (items, trailing_comma): (Vec<String>, bool)) {
    let (open, close) = ("#[serde(", ")]");
    let one_line = format!("{indent}{open}{}{close}", items.join(", "));
    if width(&one_line) <= MARGIN || items.is_empty() {
        out.push_str(&one_line);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "{indent}{open}");
    for (i, item) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() || trailing_comma {
            ","
        } else {
            ""
        };
        let _ = writeln!(out, "{indent}    {item}{comma}");
    }
    let _ = writeln!(out, "{indent}{close}");
}

/// The parameter type a constructor or setter takes, and the stored value
/// made from the argument `arg`.
fn argument(member: &Member, arg: &str) -> (String, Value) {
    let (param, value) = match &member.ty {
        RustType::String => (
            "impl Into<String>".to_owned(),
            Value::chain(arg, &["into()"]),
        ),
        RustType::Vec(inner) if **inner == RustType::String => (
            "impl IntoIterator<Item = impl Into<String>>".to_owned(),
            Value::chain(arg, &["into_iter()", "map(Into::into)", "collect()"]),
        ),
        RustType::Vec(inner) => (
            format!("impl IntoIterator<Item = {}>", rust_type(inner)),
            Value::chain(arg, &["into_iter()", "collect()"]),
        ),
        RustType::Named { name, boxed: true } => (name.clone(), Value::call("Box::new", arg)),
        other => (rust_type(other), Value::chain(arg, &[])),
    };
    let value = match member.repr {
        Repr::Optional => value.wrapped("Some"),
        Repr::Plain | Repr::List => value,
    };
    (param, value)
}

/// A stored value: `receiver.method().method()`, maybe inside calls such
/// as `Some(…)` or `Box::new(…)`.
struct Value {
    receiver: String,
    methods: Vec<&'static str>,
    /// Outermost last.
    wrappers: Vec<&'static str>,
}

impl Value {
    fn chain(receiver: &str, methods: &[&'static str]) -> Self {
        Value {
            receiver: receiver.to_owned(),
            methods: methods.to_vec(),
            wrappers: Vec::new(),
        }
    }

    fn call(function: &'static str, argument: &str) -> Self {
        Value::chain(argument, &[]).wrapped(function)
    }

    fn wrapped(mut self, function: &'static str) -> Self {
        self.wrappers.push(function);
        self
    }

    fn inner(&self) -> String {
        let mut text = self.receiver.clone();
        for method in &self.methods {
            text.push('.');
            text.push_str(method);
        }
        text
    }

    fn one_line(&self) -> String {
        let mut text = self.inner();
        for wrapper in &self.wrappers {
            text = format!("{wrapper}({text})");
        }
        text
    }

    /// `prefix VALUE suffix` at `indent`; when too long, the outer call's
    /// argument goes on its own line, or a bare chain breaks before each dot.
    /// A `suffix` that prettyplease writes only when the enclosing list is
    /// broken (the last field's comma) does not count against the margin.
    fn write(&self, out: &mut String, indent: &str, prefix: &str, suffix: &str, counts: bool) {
        let line = format!("{indent}{prefix}{}{suffix}", self.one_line());
        let uncounted = if counts { 0 } else { width(suffix) };
        if width(&line) - uncounted <= MARGIN {
            out.push_str(&line);
            out.push('\n');
            return;
        }
        match self.wrappers.split_last() {
            Some((outer, rest)) => {
                let inner = Value {
                    receiver: self.receiver.clone(),
                    methods: self.methods.clone(),
                    wrappers: rest.to_vec(),
                };
                let _ = writeln!(out, "{indent}{prefix}{outer}(");
                inner.write(out, &format!("{indent}    "), "", ",", false);
                let _ = writeln!(out, "{indent}){suffix}");
            }
            None if !self.methods.is_empty() => {
                let _ = writeln!(out, "{indent}{prefix}{}", self.receiver);
                for (i, method) in self.methods.iter().enumerate() {
                    let end = if i + 1 == self.methods.len() {
                        suffix
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "{indent}    .{method}{end}");
                }
            }
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
}

/// `name: impl Trait<Item = T>,` in a broken parameter list; prettyplease
/// breaks inside the angle brackets when even that line is too long.
/// The same for a struct field, `pub name: Option<Vec<T>>,`. The comma
/// counts against the margin except after the last parameter, where
/// prettyplease writes it only once the list is broken.
fn write_param(out: &mut String, indent: &str, name: &str, ty: &str, last: bool) {
    let line = format!("{indent}{name}: {ty}");
    if width(&line) + usize::from(!last) <= MARGIN {
        out.push_str(&line);
        out.push_str(",\n");
        return;
    }
    match ty.split_once('<') {
        Some((head, tail)) if ty.ends_with('>') => {
            let args = &tail[..tail.len() - 1];
            let _ = writeln!(out, "{indent}{name}: {head}<");
            let _ = writeln!(out, "{indent}    {args},");
            let _ = writeln!(out, "{indent}>,");
        }
        _ => {
            out.push_str(&line);
            out.push_str(",\n");
        }
    }
}

/// `pub fn name(params) -> Self {`, broken one param a line when too long.
fn write_signature(out: &mut String, name: &str, params: &[(String, String)]) {
    let joined: Vec<String> = params
        .iter()
        .map(|(n, t)| {
            if t.is_empty() {
                n.clone()
            } else {
                format!("{n}: {t}")
            }
        })
        .collect();
    let line = format!("    pub fn {name}({}) -> Self {{", joined.join(", "));
    if width(&line) <= MARGIN || params.is_empty() {
        out.push_str(&line);
        out.push('\n');
        return;
    }
    let _ = writeln!(out, "    pub fn {name}(");
    for (i, (param, ty)) in params.iter().enumerate() {
        if ty.is_empty() {
            let _ = writeln!(out, "        {param},");
        } else {
            write_param(out, "        ", param, ty, i + 1 == params.len());
        }
    }
    out.push_str("    ) -> Self {\n");
}

fn write_model(out: &mut String, s: &Struct) {
    let name = &s.name;
    write_doc(out, "", &s.doc);
    let has_plain = s.fields.iter().any(|f| f.repr == Repr::Plain);
    let default = if has_plain { "" } else { "Default, " };
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, {default}Serialize, Deserialize)]\n#[non_exhaustive]"
    );
    if s.fields.is_empty() {
        let _ = writeln!(out, "pub struct {name} {{}}");
    } else {
        let _ = writeln!(out, "pub struct {name} {{");
        for f in &s.fields {
            write_doc(out, "    ", &f.doc);
            write_attribute(out, "    ", serde_args(f));
            write_param(
                out,
                "    ",
                &format!("pub {}", f.name),
                &field_type(f),
                false,
            );
        }
        out.push_str("}\n");
    }

    let _ = writeln!(out, "impl {name} {{");
    let required: Vec<&Member> = s.required().collect();
    let new_doc = match (required.is_empty(), s.kind) {
        (true, _) => "With every field unset.",
        (false, StructKind::Request) => {
            "With the required params; set the others with the `with_*` methods."
        }
        (false, _) => "With the fields a request must carry.",
    };
    write_doc(out, "    ", new_doc);
    let params: Vec<(String, String)> = required
        .iter()
        .map(|f| (f.name.clone(), argument(f, &f.name).0))
        .collect();
    write_signature(out, "new", &params);
    // Each field's initializer: `field` alone when the argument is stored
    // as is, else `field: value`.
    let inits: Vec<(String, Value)> = s
        .fields
        .iter()
        .map(|f| {
            let value = match (f.required, f.repr) {
                (true, _) => argument(f, &f.name).1,
                (false, Repr::List) => Value::chain("Vec::new()", &[]),
                (false, _) => Value::chain("None", &[]),
            };
            let label = match value.one_line() == f.name {
                true => String::new(),
                false => format!("{}: ", f.name),
            };
            (label, value)
        })
        .collect();
    let one_line = match inits.is_empty() {
        true => format!("        {name} {{}}"),
        false => {
            let joined: Vec<String> = inits
                .iter()
                .map(|(label, value)| format!("{label}{}", value.one_line()))
                .collect();
            format!("        {name} {{ {} }}", joined.join(", "))
        }
    };
    // prettyplease's limit for `Name {}` is one column less.
    let limit = STRUCT_LITERAL_ONE_LINE - usize::from(inits.is_empty());
    if width(&one_line) <= limit {
        let _ = writeln!(out, "{one_line}");
    } else {
        let _ = writeln!(out, "        {name} {{");
        for (i, (label, value)) in inits.iter().enumerate() {
            let last = i + 1 == inits.len();
            value.write(out, "            ", label, ",", !last);
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n");

    for f in s.fields.iter().filter(|f| !f.required) {
        let field = &f.name;
        let (param, value) = argument(f, field);
        write_doc(out, "    ", &format!("Sets `{}`.", f.wire));
        write_signature(
            out,
            &f.setter,
            &[
                ("mut self".to_owned(), String::new()),
                (field.clone(), param),
            ],
        );
        value.write(out, "        ", &format!("self.{field} = "), ";", true);
        out.push_str("        self\n    }\n");
    }
    out.push_str("}\n");
}
