//! Rust names for wire names. Every conversion is local to the name (no
//! counters, no "first come" suffixes), so adding an action never renames
//! another one; a clash between two converted names is an error.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of every edition.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that generated modules use themselves: a spec type with one
/// of these names would shadow it.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Client",
    "Error",
    "String",
    "Option",
    "Vec",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Serialize",
    "Deserialize",
    "ServiceInfo",
];

/// Methods every generated client or struct has besides the actions/setters.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "from_runtime",
    "runtime",
    "clone",
    "default",
    "invoke",
];

/// Multi-letter acronyms that the spec writes in mixed case; heck would
/// split `IPv6` into `i_pv6`.
const MIXED_ACRONYMS: &[(&str, &str)] = &[("IPv6", "Ipv6"), ("IPv4", "Ipv4")];

fn fold_acronyms(name: &str) -> String {
    MIXED_ACRONYMS
        .iter()
        .fold(name.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

/// `InstanceIds` → `instance_ids`; keywords get a trailing `_` (`type_`).
pub fn field_name(wire: &str) -> String {
    let mut name = fold_acronyms(wire).to_snake_case();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("f_{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The field name for a wire name that differs only in letter case from a
/// sibling's (`DNSFormat` beside `DnsFormat`): every capital starts a word,
/// so `DNSFormat` → `d_n_s_format`, which keeps the two apart.
pub fn field_name_by_letter(wire: &str) -> String {
    let mut name = String::with_capacity(wire.len() * 2);
    for (i, c) in wire.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !name.ends_with('_') {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("f_{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `DescribeInstances` → `describe_instances`; reserved names get `_action`.
pub fn method_name(action: &str) -> String {
    let name = field_name(action);
    if RESERVED_METHODS.contains(&name.as_str()) {
        format!("{name}_action")
    } else {
        name
    }
}

/// `Placement` → `Placement`; reserved names get a `Type` suffix.
pub fn type_name(wire: &str) -> String {
    let name = fold_acronyms(wire).to_upper_camel_case();
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// `2017-03-12` → `v20170312`; `v2` stays `v2`.
pub fn module_name(version: &str) -> String {
    if version.starts_with('v') {
        version.to_owned()
    } else {
        format!("v{}", version.replace('-', ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(field_name("InstanceIds"), "instance_ids");
        assert_eq!(field_name("CPU"), "cpu");
        assert_eq!(field_name("IPv6Addresses"), "ipv6_addresses");
        assert_eq!(field_name("zoneId"), "zone_id");
        assert_eq!(field_name("instanceIds"), "instance_ids");
        assert_eq!(field_name("Type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("Match"), "match_");
        assert_eq!(field_name("3D"), "f_3d");
        assert_eq!(field_name_by_letter("DNSFormat"), "d_n_s_format");
        assert_eq!(field_name_by_letter("UUI"), "u_u_i");
        assert_eq!(field_name_by_letter("AppID"), "app_i_d");
    }

    #[test]
    fn types_and_methods() {
        assert_eq!(type_name("Placement"), "Placement");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("Client"), "ClientType");
        assert_eq!(method_name("DescribeInstances"), "describe_instances");
        assert_eq!(method_name("New"), "new_action");
        assert_eq!(method_name("Invoke"), "invoke_action");
        assert_eq!(module_name("2017-03-12"), "v20170312");
        assert_eq!(module_name("v2"), "v2");
    }
}
