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
    // The setters and waiters take `impl Into<String>` and `impl IntoIterator`.
    "Into",
    "IntoIterator",
];

pub use crate::wire_names::is_secret_name as is_secret;

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

/// What a wire name is turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// `InstanceIds` → `instance_ids`; keywords get a trailing `_` (`type_`).
    Field,
    /// For a wire name that differs only in letter case from a sibling's
    /// (`DNSFormat` beside `DnsFormat`): every capital starts a word, so
    /// `DNSFormat` → `d_n_s_format`, which keeps the two apart.
    FieldByLetter,
    /// `DescribeInstances` → `describe_instances`; the names every client
    /// has already ([`RESERVED_METHODS`]) get `_action`.
    Method,
    /// `Placement` → `Placement`; the names generated modules use
    /// themselves get a `Type` suffix (`OptionType`).
    Type,
    /// `2017-03-12` → `v20170312`; `v2` stays `v2`.
    Module,
}

/// The one way a wire name becomes a Rust name, in the manner of typify's
/// `sanitize`: a pure function of the name and what it names, so a name
/// never depends on its neighbours. Clashes between the results are the
/// caller's to report (see `resolve::field_names`).
pub fn sanitize(wire: &str, kind: NameKind) -> String {
    match kind {
        NameKind::Field => escape_snake(fold_acronyms(wire).to_snake_case()),
        NameKind::FieldByLetter => escape_snake(snake_by_letter(wire)),
        NameKind::Method => {
            let name = sanitize(wire, NameKind::Field);
            if RESERVED_METHODS.contains(&name.as_str()) {
                format!("{name}_action")
            } else {
                name
            }
        }
        NameKind::Type => {
            let name = fold_acronyms(wire).to_upper_camel_case();
            if RESERVED_TYPES.contains(&name.as_str()) {
                format!("{name}Type")
            } else {
                name
            }
        }
        NameKind::Module => match wire.starts_with('v') {
            true => wire.to_owned(),
            false => format!("v{}", wire.replace('-', "")),
        },
    }
}

/// A snake-case name that is a valid identifier: `f_` before a digit or
/// nothing, `_` after a keyword.
fn escape_snake(mut name: String) -> String {
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("f_{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

fn snake_by_letter(wire: &str) -> String {
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
    name
}

#[cfg(test)]
mod tests {
    use super::NameKind::*;
    use super::*;

    #[test]
    fn secrets_by_name() {
        for secret in [
            "Password",
            "GrafanaInitPassword",
            "TmpSecretKey",
            "secretkey",
            "SecretAccessKey",
            "PrivateKey",
            "AuthSecret",
            "Token",
            "WebIdentityToken",
        ] {
            assert!(is_secret(secret), "{secret}");
        }
        for plain in [
            "ClientToken",
            "NextToken",
            "PaginationToken",
            "TotalTokens",
            "ForcePasswordChange",
            "SecretId",
            "PublicKey",
        ] {
            assert!(!is_secret(plain), "{plain}");
        }
    }

    #[test]
    fn fields() {
        assert_eq!(sanitize("InstanceIds", Field), "instance_ids");
        assert_eq!(sanitize("CPU", Field), "cpu");
        assert_eq!(sanitize("IPv6Addresses", Field), "ipv6_addresses");
        assert_eq!(sanitize("zoneId", Field), "zone_id");
        assert_eq!(sanitize("instanceIds", Field), "instance_ids");
        assert_eq!(sanitize("Type", Field), "type_");
        assert_eq!(sanitize("self", Field), "self_");
        assert_eq!(sanitize("Match", Field), "match_");
        assert_eq!(sanitize("3D", Field), "f_3d");
        assert_eq!(sanitize("DNSFormat", FieldByLetter), "d_n_s_format");
        assert_eq!(sanitize("UUI", FieldByLetter), "u_u_i");
        assert_eq!(sanitize("AppID", FieldByLetter), "app_i_d");
    }

    #[test]
    fn types_and_methods() {
        assert_eq!(sanitize("Placement", Type), "Placement");
        assert_eq!(sanitize("Option", Type), "OptionType");
        assert_eq!(sanitize("Client", Type), "ClientType");
        // Generated code names these traits unqualified.
        assert_eq!(sanitize("Into", Type), "IntoType");
        assert_eq!(sanitize("IntoIterator", Type), "IntoIteratorType");
        assert_eq!(sanitize("DescribeInstances", Method), "describe_instances");
        assert_eq!(sanitize("New", Method), "new_action");
        assert_eq!(sanitize("Invoke", Method), "invoke_action");
        assert_eq!(sanitize("2017-03-12", Module), "v20170312");
        assert_eq!(sanitize("v2", Module), "v2");
    }
}
