//! Importers: other spec formats converted into ours.

pub mod errorcodes;
pub mod tccli;
pub mod tccli_tree;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Spec files to write: relative path → JSON text.
pub type SpecFiles = BTreeMap<PathBuf, String>;

/// Pretty JSON with a final newline, the form of every committed spec file.
pub(crate) fn to_json_text<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}
