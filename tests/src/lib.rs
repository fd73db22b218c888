//! Helpers shared by the test files in `tests/tests/` and the walkthrough
//! examples in `tests/examples/`.

pub mod walkthrough;

use std::path::{Path, PathBuf};

use tencentcloud_codegen::spec::{load_version, ServiceVersion};

/// The workspace root (this crate sits in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_owned)
}

/// The committed CVM API 3.0 spec.
pub fn cvm_spec() -> ServiceVersion {
    cvm_version("2017-03-12")
}

/// The committed CVM spec of one version folder (`2017-03-12`, `v2`).
pub fn cvm_version(version: &str) -> ServiceVersion {
    let dir = workspace_root().join("api-spec/cvm").join(version);
    match load_version(&dir) {
        Ok(spec) => spec,
        Err(e) => panic!("the committed CVM {version} spec must load:\n{e}"),
    }
}

/// The test fixture spec tree.
pub fn fixture_spec_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/api-spec")
}

/// Copies a folder tree, for tests that break a copy of a fixture.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A fresh, empty temp folder unique to this process and `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tencentcloud-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Ok when every value in `part` equals the value at the same place in
/// `whole` (objects may have more keys in `whole`).
pub fn json_subset(part: &serde_json::Value, whole: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    fn walk(part: &Value, whole: &Value, at: &str) -> Result<(), String> {
        match (part, whole) {
            (Value::Object(p), Value::Object(w)) => {
                for (key, value) in p {
                    let next = format!("{at}/{key}");
                    let other = w.get(key).ok_or_else(|| format!("{next}: missing"))?;
                    walk(value, other, &next)?;
                }
                Ok(())
            }
            (Value::Array(p), Value::Array(w)) if p.len() == w.len() => p
                .iter()
                .zip(w)
                .enumerate()
                .try_for_each(|(i, (a, b))| walk(a, b, &format!("{at}/{i}"))),
            (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
            // Numbers and bools written as strings are read as their values.
            (Value::String(a), Value::Number(b)) if a.parse::<f64>().ok() == b.as_f64() => Ok(()),
            (Value::String(a), Value::Bool(b)) if a.parse::<bool>().ok() == Some(*b) => Ok(()),
            (Value::Number(a), Value::String(b)) if b.parse::<f64>().ok() == a.as_f64() => Ok(()),
            (Value::Bool(a), Value::String(b)) if b.parse::<bool>().ok() == Some(*a) => Ok(()),
            (a, b) if a == b => Ok(()),
            (a, b) => Err(format!("{at}: {a} != {b}")),
        }
    }
    walk(part, whole, "")
}
