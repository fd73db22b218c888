//! Imports a service's error-code list into `errorcodes.json`.
//!
//! Two inputs are accepted:
//! - `errorcodes.py` of the official Python SDK
//!   (`tencentcloud-sdk-python-<service>`, `tencentcloud/<service>/v<version>/`):
//!   `NAME = 'Code.Sub'` assignments, each described by the `#` comment
//!   lines right above it;
//! - JSON `{"codes": {"Code.Sub": "description", ...}}`, optionally with a
//!   `"source"` (the form in which the list was converted from that file).
//!
//! Codes are sorted. Two codes whose variant names would clash (see
//! [`crate::resolve::error_codes`]), or one whose name is reserved, each
//! get an explicit `variant` with their parts joined by `_`, and `_2`,
//! `_3`... on a code whose join is taken, so the result always generates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{to_json_text, SpecFiles};
use crate::resolve::error_codes::{variant_name, RESERVED};
use crate::spec::extras::{ErrorCodeDef, ErrorCodes};

/// The file the importer writes, in the version folder.
pub const FILE_NAME: &str = "errorcodes.json";

/// Why a list could not be imported: the file, the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ErrorCodesError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Converts `text` (read from `file`; `.py` means Python, anything else
/// JSON) into the `errorcodes.json` spec file.
pub fn import(file: &str, text: &str) -> Result<SpecFiles, ErrorCodesError> {
    let (source, codes) = if file.ends_with(".py") {
        (python_source(file), parse_python(file, text)?)
    } else {
        parse_json(file, text)?
    };
    let error_codes = to_spec(source, codes);
    let text = to_json_text(&error_codes).map_err(|e| ErrorCodesError {
        file: file.to_owned(),
        line: 0,
        message: format!("cannot write JSON: {e}"),
    })?;
    Ok(SpecFiles::from([(PathBuf::from(FILE_NAME), text)]))
}

/// The path from `tencentcloud/` on, which names service and version,
/// without the machine's own folders.
fn python_source(file: &str) -> String {
    let parts: Vec<&str> = Path::new(file).iter().filter_map(|p| p.to_str()).collect();
    let from = parts
        .iter()
        .rposition(|p| *p == "tencentcloud")
        .unwrap_or(parts.len().saturating_sub(1));
    format!(
        "the official Python SDK's {}, converted by `cargo xtask import errorcodes`",
        parts[from..].join("/")
    )
}

fn to_spec(source: String, codes: BTreeMap<String, String>) -> ErrorCodes {
    let mut by_variant: BTreeMap<String, usize> = BTreeMap::new();
    for code in codes.keys() {
        *by_variant.entry(variant_name(code)).or_default() += 1;
    }
    // A code keeps its own variant unless another code or a reserved name
    // has it too.
    let needs_own = |code: &str| {
        let variant = variant_name(code);
        by_variant.get(&variant).copied().unwrap_or(0) > 1 || RESERVED.contains(&variant.as_str())
    };
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|r| (*r).to_owned()).collect();
    taken.extend(
        codes
            .keys()
            .filter(|c| !needs_own(c))
            .map(|c| variant_name(c)),
    );
    let codes = codes
        .into_iter()
        .map(|(code, description)| {
            // Parts joined by `_`; `A.BC` and `A.B_C` both give `A_BC`, so
            // the later code (in sorted order) gets `_2`, `_3`, ...
            let variant = needs_own(&code).then(|| {
                let joined = code
                    .split('.')
                    .map(variant_name)
                    .collect::<Vec<_>>()
                    .join("_");
                let mut variant = joined.clone();
                for n in 2.. {
                    if taken.insert(variant.clone()) {
                        break;
                    }
                    variant = format!("{joined}_{n}");
                }
                variant
            });
            ErrorCodeDef {
                code,
                description,
                variant,
            }
        })
        .collect();
    ErrorCodes { source, codes }
}

fn is_code(code: &str) -> bool {
    code.split('.').enumerate().all(|(i, part)| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && (i > 0 || part.starts_with(|c: char| c.is_ascii_alphabetic()))
    })
}

/// `NAME = 'Code'` assignments with the comment lines right above them.
fn parse_python(file: &str, text: &str) -> Result<BTreeMap<String, String>, ErrorCodesError> {
    let error = |line: usize, message: String| ErrorCodesError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut codes: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut comment: Vec<&str> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            comment.clear();
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            comment.push(rest.trim());
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(error(
                line_no,
                format!("expected `NAME = 'Code'` or a `#` comment, found `{line}`"),
            ));
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(error(line_no, format!("`{name}` is not a constant name")));
        }
        let value = value.trim();
        let code = ['\'', '"']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .filter(|v| v.len() + 2 == value.len())
            .ok_or_else(|| {
                error(
                    line_no,
                    format!("the value of `{name}` is not one quoted string: `{value}`"),
                )
            })?;
        if !is_code(code) {
            return Err(error(
                line_no,
                format!("`{code}` is not an error code like `Category.Reason`"),
            ));
        }
        let description = comment.join(" ");
        comment.clear();
        if let Some((_, first)) = codes.insert(code.to_owned(), (description, line_no)) {
            return Err(error(
                line_no,
                format!("the code `{code}` is listed twice (first on line {first})"),
            ));
        }
    }
    if codes.is_empty() {
        return Err(error(1, "no `NAME = 'Code'` assignment found".into()));
    }
    Ok(codes.into_iter().map(|(k, (d, _))| (k, d)).collect())
}

#[derive(Deserialize)]
struct JsonList {
    #[serde(default)]
    source: Option<String>,
    codes: BTreeMap<String, String>,
}

fn parse_json(
    file: &str,
    text: &str,
) -> Result<(String, BTreeMap<String, String>), ErrorCodesError> {
    let list: JsonList = serde_json::from_str(text).map_err(|e| ErrorCodesError {
        file: file.to_owned(),
        line: e.line(),
        message: format!(
            "not an error-code list `{{\"codes\": {{\"Code\": \"description\"}}}}`: {e}"
        ),
    })?;
    if let Some(bad) = list.codes.keys().find(|c| !is_code(c)) {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("\"{bad}\"")))
            .map_or(1, |i| i + 1);
        return Err(ErrorCodesError {
            file: file.to_owned(),
            line,
            message: format!("`{bad}` is not an error code like `Category.Reason`"),
        });
    }
    if list.codes.is_empty() {
        return Err(ErrorCodesError {
            file: file.to_owned(),
            line: 1,
            message: "the list has no codes".into(),
        });
    }
    let source = list.source.unwrap_or_else(|| {
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(file);
        format!("{name}, converted by `cargo xtask import errorcodes`")
    });
    Ok((source, list.codes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_codes_get_explicit_variants() {
        let codes = BTreeMap::from([
            ("InvalidParameter.ValueTooLarge".to_owned(), "a".to_owned()),
            ("InvalidParameterValue.TooLarge".to_owned(), "b".to_owned()),
            ("AuthFailure".to_owned(), "c".to_owned()),
        ]);
        let spec = to_spec("s".into(), codes);
        let variants: Vec<Option<&str>> = spec.codes.iter().map(|c| c.variant.as_deref()).collect();
        assert_eq!(
            variants,
            vec![
                None,
                Some("InvalidParameter_ValueTooLarge"),
                Some("InvalidParameterValue_TooLarge")
            ]
        );
    }

    #[test]
    fn codes_that_join_alike_get_distinct_variants() {
        let codes = ["A.BC", "A.B_C", "ABC", "Other"].map(|c| (c.to_owned(), String::new()));
        let spec = to_spec("s".into(), BTreeMap::from(codes));
        let variants: Vec<(&str, Option<&str>)> = spec
            .codes
            .iter()
            .map(|c| (c.code.as_str(), c.variant.as_deref()))
            .collect();
        assert_eq!(
            variants,
            vec![
                ("A.BC", Some("A_BC")),
                ("A.B_C", Some("A_BC_2")),
                ("ABC", Some("ABC")),
                ("Other", Some("Other_2")),
            ]
        );
    }

    #[test]
    fn python_comments_describe_the_next_assignment() {
        let text =
            "# -*- coding: utf8 -*-\n# Licence\n\n\n# 第一\n# 续\nA_B = 'A.B'\n\nC = \"C\"\n";
        let codes = parse_python("errorcodes.py", text).expect("parses");
        assert_eq!(codes["A.B"], "第一 续");
        assert_eq!(codes["C"], "");
        assert!(
            python_source("/tmp/x/tencentcloud/cvm/v20170312/errorcodes.py")
                .contains(" tencentcloud/cvm/v20170312/errorcodes.py,")
        );
    }
}
