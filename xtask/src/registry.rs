//! The release folder as a cargo local registry: beside the `.crate`
//! files, `index/` holds one crates.io-format index file per package,
//! written from `cargo metadata` of the release workspace. A project uses
//! it through source replacement (`local-registry = "<folder>"`), see
//! `crate::journey`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// crates.io's index, as a dependency's `registry` in another index.
const CRATES_IO_INDEX: &str = "https://github.com/rust-lang/crates.io-index";

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    features: BTreeMap<String, Vec<String>>,
    dependencies: Vec<Dependency>,
    rust_version: Option<String>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    source: Option<String>,
    req: String,
    kind: Option<String>,
    rename: Option<String>,
    optional: bool,
    uses_default_features: bool,
    features: Vec<String>,
    target: Option<String>,
    path: Option<PathBuf>,
}

/// `index/<prefix>/<name>`, by cargo's rule for index paths.
pub fn index_path(name: &str) -> PathBuf {
    let name = name.to_lowercase();
    match name.len() {
        1 => Path::new("1").join(&name),
        2 => Path::new("2").join(&name),
        3 => Path::new("3").join(&name[..1]).join(&name),
        _ => Path::new(&name[..2]).join(&name[2..4]).join(&name),
    }
}

/// One index line for `package`, whose `.crate` has sha256 `cksum`.
fn index_line(package: &Package, cksum: &str) -> Value {
    let deps: Vec<Value> = package
        .dependencies
        .iter()
        // Dev-dependencies do not take part in a dependent's resolution.
        .filter(|d| d.kind.as_deref() != Some("dev"))
        .map(|d| {
            let mut dep = json!({
                "name": d.rename.as_deref().unwrap_or(&d.name),
                "req": d.req,
                "features": d.features,
                "optional": d.optional,
                "default_features": d.uses_default_features,
                "target": d.target,
                "kind": d.kind.as_deref().unwrap_or("normal"),
            });
            if d.rename.is_some() {
                dep["package"] = json!(d.name);
            }
            // A path dependency is packaged with it, into this registry; the
            // others come from crates.io.
            let from_crates_io = d.path.is_none()
                && d.source
                    .as_deref()
                    .is_some_and(|s| s.ends_with(CRATES_IO_INDEX));
            if from_crates_io {
                dep["registry"] = json!(CRATES_IO_INDEX);
            }
            dep
        })
        .collect();
    // Features that name `dep:` or `?/` go in `features2` (index format 2).
    let (v2, v1): (BTreeMap<_, _>, BTreeMap<_, _>) =
        package.features.iter().partition(|(_, values)| {
            values
                .iter()
                .any(|v| v.starts_with("dep:") || v.contains("?/"))
        });
    let mut line = json!({
        "name": package.name,
        "vers": package.version,
        "deps": deps,
        "cksum": cksum,
        "features": v1,
        "yanked": false,
        "links": null,
    });
    if !v2.is_empty() {
        line["features2"] = json!(v2);
        line["v"] = json!(2);
    }
    if let Some(rust_version) = &package.rust_version {
        line["rust_version"] = json!(rust_version);
    }
    line
}

/// `cargo metadata --no-deps` of the workspace at `ws`, read as `T` (each
/// caller declares the part it reads).
pub fn cargo_metadata<T: DeserializeOwned>(ws: &Path) -> Result<T, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(ws)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata in {}: {}",
            ws.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata's output: {e}"))
}

/// Writes `registry/index/` for every `<name>-<version>.crate` in
/// `registry`, reading the packages' dependencies from the workspace `ws`
/// they were packaged from.
pub fn write_index(ws: &Path, registry: &Path) -> Result<(), String> {
    let metadata: Metadata = cargo_metadata(ws)?;
    for package in &metadata.packages {
        let file = registry.join(format!("{}-{}.crate", package.name, package.version));
        if !file.is_file() {
            continue;
        }
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let cksum = hex::encode(Sha256::digest(&bytes));
        let path = registry.join("index").join(index_path(&package.name));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let line = index_line(package, &cksum).to_string() + "\n";
        std::fs::write(&path, line).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_cargo() {
        assert_eq!(index_path("a"), Path::new("1/a"));
        assert_eq!(index_path("ab"), Path::new("2/ab"));
        assert_eq!(index_path("abc"), Path::new("3/a/abc"));
        assert_eq!(
            index_path("tencentcloud-cvm"),
            Path::new("te/nc/tencentcloud-cvm")
        );
    }

    #[test]
    fn index_lines_point_crates_io_deps_at_crates_io() {
        let package: Package = serde_json::from_value(json!({
            "name": "tencentcloud-x", "version": "0.2.0", "rust_version": "1.80",
            "features": {"mock": ["tencentcloud-runtime/mock"], "net": ["dep:bytes"]},
            "dependencies": [
                {"name": "serde", "source": "registry+https://github.com/rust-lang/crates.io-index",
                 "req": "^1", "kind": null, "rename": null, "optional": false,
                 "uses_default_features": true, "features": ["derive"], "target": null},
                {"name": "tencentcloud-runtime", "source": null, "req": "^0.1.0", "kind": null,
                 "rename": null, "optional": false, "uses_default_features": true,
                 "features": [], "target": null, "path": "/ws/runtime"},
                {"name": "proptest", "source": "registry+https://github.com/rust-lang/crates.io-index",
                 "req": "^1", "kind": "dev", "rename": null, "optional": false,
                 "uses_default_features": true, "features": [], "target": null}
            ]
        }))
        .expect("metadata");
        let line = index_line(&package, "00");
        let deps = line["deps"].as_array().expect("deps");
        assert_eq!(deps.len(), 2, "no dev-dependency: {line}");
        assert_eq!(deps[0]["registry"], CRATES_IO_INDEX);
        assert_eq!(deps[1].get("registry"), None, "same registry: {line}");
        assert_eq!(line["features"]["mock"][0], "tencentcloud-runtime/mock");
        assert_eq!(line["features2"]["net"][0], "dep:bytes");
        assert_eq!(line["v"], 2);
    }
}
