//! The pinned sources of the specs (`api-spec/sources.json`): which tccli
//! and tccli-intl-en releases they come from, with each wheel's sha256.
//! A wheel is fetched with pip into `target/wheels/`, checked against its
//! pin, and unpacked beside it; a cached copy is checked again before use.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where the pins live, relative to the workspace root.
pub const SOURCES_FILE: &str = "api-spec/sources.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub version: String,
    /// The wheel's file name, as pip saves it.
    pub wheel: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    #[serde(rename = "_doc", default)]
    _doc: String,
    pub tccli: Pin,
    #[serde(rename = "tccli-intl-en")]
    pub tccli_intl_en: Pin,
}

/// Reads the pins; a bad file is an error naming it and where.
pub fn load(root: &Path) -> Result<Sources, String> {
    let path = root.join(SOURCES_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let sources: Sources =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (package, pin) in [
        ("tccli", &sources.tccli),
        ("tccli-intl-en", &sources.tccli_intl_en),
    ] {
        let hex_digest =
            pin.sha256.len() == 64 && pin.sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex_digest {
            return Err(format!(
                "{}: {package}.sha256 `{}` is not 64 hex digits",
                path.display(),
                pin.sha256
            ));
        }
    }
    Ok(sources)
}

/// The unpacked wheel of `package` at its pin, fetched, checked and
/// unpacked under `wheels` (`target/wheels/`) the first time.
pub fn unpacked(wheels: &Path, package: &str, pin: &Pin) -> Result<PathBuf, String> {
    let unpacked = wheels.join(format!("{package}-{}", pin.version));
    let wheel = wheels.join(&pin.wheel);
    if unpacked.is_dir() && wheel.is_file() {
        check(&wheel, pin)?;
        return Ok(unpacked);
    }
    std::fs::create_dir_all(wheels).map_err(|e| format!("{}: {e}", wheels.display()))?;
    if !wheel.is_file() {
        eprintln!(
            "fetching {package} {} with pip into {}",
            pin.version,
            wheels.display()
        );
        crate::run(
            Command::new("python3")
                .args(["-m", "pip", "download", "--no-deps", "--quiet"])
                .arg(format!("{package}=={}", pin.version))
                .arg("--dest")
                .arg(wheels),
        )?;
        if !wheel.is_file() {
            return Err(format!("pip left no {} in {}", pin.wheel, wheels.display()));
        }
    }
    check(&wheel, pin)?;
    // Unpack beside, then rename, so a broken unpack is never taken for a cache.
    let partial = wheels.join(format!("{package}-unpacking"));
    let _ = std::fs::remove_dir_all(&partial);
    crate::run(
        Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
            ])
            .arg(&wheel)
            .arg(&partial),
    )?;
    let _ = std::fs::remove_dir_all(&unpacked);
    std::fs::rename(&partial, &unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    Ok(unpacked)
}

/// The wheel's sha256 must be its pin's.
fn check(wheel: &Path, pin: &Pin) -> Result<(), String> {
    let bytes = std::fs::read(wheel).map_err(|e| format!("{}: {e}", wheel.display()))?;
    let digest = hex::encode(Sha256::digest(&bytes));
    if digest.eq_ignore_ascii_case(&pin.sha256) {
        Ok(())
    } else {
        Err(format!(
            "{}: sha256 is {digest}, but {SOURCES_FILE} pins {} {} at {}",
            wheel.display(),
            pin.wheel,
            pin.version,
            pin.sha256
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(sha256: &str) -> Pin {
        Pin {
            version: "1.0".into(),
            wheel: "x.whl".into(),
            sha256: sha256.into(),
        }
    }

    #[test]
    fn a_wheel_must_match_its_pin() {
        let dir = std::env::temp_dir().join(format!("xtask-sources-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creates");
        let wheel = dir.join("x.whl");
        std::fs::write(&wheel, b"wheel bytes").expect("writes");
        let right = hex::encode(Sha256::digest(b"wheel bytes"));
        assert_eq!(check(&wheel, &pin(&right)), Ok(()));
        let error = check(&wheel, &pin(&"0".repeat(64))).expect_err("another hash");
        assert!(error.contains("x.whl: sha256 is"), "{error}");
        assert!(
            error.contains("api-spec/sources.json pins x.whl 1.0"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_committed_pins_parse() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace root")
            .to_owned();
        let sources = load(&root).unwrap_or_else(|e| panic!("{e}"));
        assert!(sources
            .tccli
            .wheel
            .starts_with(&format!("tccli-{}-", sources.tccli.version)));
    }
}
