//! Resolves `errorcodes.json`: one enum variant per documented code.
//!
//! A variant name is the code's dot-separated parts joined, each starting
//! upper case, underscores dropped (`FailedOperation.AccountVerifyFailed` →
//! `FailedOperationAccountVerifyFailed`). Two codes that give the same
//! name are an error naming both, unless the spec gives one of them an
//! explicit `variant`; `Other` (unlisted codes) and `Self` are reserved.
//! Numeric codes (the legacy API's `4100`) need an explicit `variant`.

use std::collections::BTreeMap;

use crate::docs::to_markdown;
use crate::model::error_codes::{ErrorCode, ErrorCodeSet};
use crate::spec::{ServiceVersion, SpecError};

/// The variant a code gets unless the spec names one.
pub fn variant_name(code: &str) -> String {
    let mut name = String::new();
    for part in code.split(['.', '_']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.extend(chars);
        }
    }
    name
}

/// Variant names the generated enum uses itself.
pub(crate) const RESERVED: &[&str] = &["Other", "Self"];

/// The version's error codes, or `None` without an `errorcodes.json`.
pub fn resolve(version: &ServiceVersion, errors: &mut Vec<SpecError>) -> Option<ErrorCodeSet> {
    let file = version.error_codes.as_ref()?;
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_variant: BTreeMap<String, usize> = BTreeMap::new();
    let mut codes = Vec::new();
    for (i, def) in file.value.codes.iter().enumerate() {
        if let Some(first) = by_code.insert(&def.code, i) {
            errors.push(file.error(
                format!("/codes/{i}/code"),
                format!("duplicate code `{}` (first at /codes/{first})", def.code),
            ));
            continue;
        }
        let variant = def
            .variant
            .clone()
            .unwrap_or_else(|| variant_name(&def.code));
        let pointer = match def.variant {
            Some(_) => format!("/codes/{i}/variant"),
            None => format!("/codes/{i}/code"),
        };
        if !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
            errors.push(file.error(
                pointer,
                format!(
                    "the code `{}` makes no Rust name (`{variant}`); give it a `variant`",
                    def.code
                ),
            ));
            continue;
        }
        if RESERVED.contains(&variant.as_str()) {
            errors.push(file.error(
                pointer,
                format!(
                    "the variant name `{variant}` is reserved; give the code another `variant`"
                ),
            ));
            continue;
        }
        if let Some(first) = by_variant.insert(variant.clone(), i) {
            let other = &file.value.codes[first];
            let at = file.error(format!("/codes/{first}/code"), "");
            errors.push(file.error(
                pointer,
                format!(
                    "`{}` and `{}` ({}:{}) both become the variant `{variant}`; set `variant` on one of them",
                    def.code, other.code, at.line, at.column
                ),
            ));
            continue;
        }
        // The docs get Markdown; `description()` the text as documented.
        let description = def.description.trim().to_owned();
        let mut doc = to_markdown(&description);
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!("`{}`", def.code));
        codes.push(ErrorCode {
            code: def.code.clone(),
            variant,
            description,
            doc,
        });
    }
    Some(ErrorCodeSet {
        source: file.value.source.clone(),
        codes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names() {
        assert_eq!(
            variant_name("FailedOperation.AccountVerifyFailed"),
            "FailedOperationAccountVerifyFailed"
        );
        assert_eq!(variant_name("AuthFailure"), "AuthFailure");
        assert_eq!(
            variant_name("limitExceeded.too_many"),
            "LimitExceededTooMany"
        );
    }
}
