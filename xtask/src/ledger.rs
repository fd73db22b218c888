//! The version ledger (`api-spec/versions.json`) and the changelogs
//! (`api-spec/changelog/<crate>.md`) of `cargo xtask release`.
//!
//! Each service crate's entry records its version, a fingerprint of the spec
//! it was released from (sha256 over the service's spec files), a
//! fingerprint of the generated code (the generator's files plus the
//! versions of the workspace crates it depends on), and where the spec came
//! from: the tccli and tccli-intl-en releases (their pins are kept in the
//! ledger's `sources`, so the old wheels can be fetched and checked again)
//! and, for the services committed under `api-spec/`, the git commit
//! whose `api-spec/<service>/` it was. That is enough to rebuild the last
//! released spec for `cargo xtask diff` without storing it.
//!
//! A crate moves by what the diff finds: a breaking change bumps the minor
//! version while 0.x (the major from 1.0), an addition or any other change of
//! the crate's content (docs, a regenerated file) bumps the patch, nothing
//! changed keeps it. The runtime crates (`manual`) take the version of their
//! own Cargo.toml, bumped by hand by semver; the ledger records it, refuses
//! a version that goes down, and warns when their files changed without one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tencentcloud_codegen::files::FileTree;
use tencentcloud_codegen::tools::diff::SpecDiff;

use crate::sources::Pin;

/// Where the ledger lives, relative to the workspace root.
pub const LEDGER_FILE: &str = "api-spec/versions.json";
/// The folder of the per-crate changelogs under the workspace `root`: in
/// the spec root, where the spec loader skips it by its name.
pub fn changelog_dir(root: &std::path::Path) -> std::path::PathBuf {
    root.join("api-spec")
        .join(tencentcloud_codegen::spec::CHANGELOG_DIR)
}

const DOC: &str = "Written by `cargo xtask release`; see README.md, 'Releases'. \
Service crates: version, spec and code fingerprints (sha256), the tccli / tccli-intl-en \
releases and, for services committed under api-spec/, the commit their spec came from. \
Runtime crates (manual): the version of their Cargo.toml, bumped by hand.";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    #[serde(rename = "_doc", default)]
    pub doc: String,
    /// `tccli 3.1.189.1` → its pin (wheel and sha256), for every release an
    /// entry refers to.
    #[serde(default)]
    pub sources: BTreeMap<String, Pin>,
    pub crates: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub version: String,
    /// A runtime crate: its version is its Cargo.toml's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manual: bool,
    /// sha256 of the service's spec files (path and text, in path order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// sha256 of the crate's files as packaged, but for the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The tccli release the spec was imported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tccli: Option<String>,
    /// The tccli-intl-en release of its English docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tccli_intl_en: Option<String>,
    /// For services committed under api-spec/: the commit of that spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The workspace crates it depends on, at their released versions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deps: BTreeMap<String, String>,
}

/// Reads the ledger; a missing file is an empty ledger, a bad one an error
/// naming it.
pub fn load(path: &Path) -> Result<Ledger, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    parse(path, &text)
}

/// Parses ledger text; errors name `path` and, from the parser, the line.
pub fn parse(path: &Path, text: &str) -> Result<Ledger, String> {
    let ledger: Ledger = serde_json::from_str(text)
        .map_err(|e| format!("{}: the version ledger does not parse: {e}", path.display()))?;
    for (name, entry) in &ledger.crates {
        Semver::parse(&entry.version).map_err(|e| {
            format!(
                "{}: crates.{name}.version `{}`: {e}",
                path.display(),
                entry.version
            )
        })?;
    }
    Ok(ledger)
}

/// The ledger as written: pretty JSON, keys in order, a final newline.
pub fn render(ledger: &Ledger) -> String {
    let mut ledger = ledger.clone();
    ledger.doc = DOC.to_owned();
    let mut text = serde_json::to_string_pretty(&ledger).unwrap_or_default();
    text.push('\n');
    text
}

/// `major.minor.patch`; pre-releases are not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Semver {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Semver {
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |part: &str| part.parse::<u64>().ok();
        match parts.as_slice() {
            [major, minor, patch] => match (number(major), number(minor), number(patch)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Semver {
                    major,
                    minor,
                    patch,
                }),
                _ => Err("is not `major.minor.patch` in numbers".into()),
            },
            _ => Err("is not `major.minor.patch`".into()),
        }
    }

    pub fn bumped(self, level: Level) -> Semver {
        let Semver {
            major,
            minor,
            patch,
        } = self;
        match level {
            Level::None => self,
            Level::Patch => Semver {
                patch: patch + 1,
                ..self
            },
            Level::Breaking if major == 0 => Semver {
                major,
                minor: minor + 1,
                patch: 0,
            },
            Level::Breaking => Semver {
                major: major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }

    /// The requirement a user writes: `0.3` while 0.x, `1` after.
    pub fn requirement(self) -> String {
        if self.major == 0 {
            format!("0.{}", self.minor)
        } else {
            self.major.to_string()
        }
    }

    /// Whether cargo takes `other` for a requirement of `self` (`^self`).
    pub fn compatible(self, other: Semver) -> bool {
        if self.major == 0 {
            other.major == 0 && other.minor == self.minor
        } else {
            other.major == self.major
        }
    }
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// How far a version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Patch,
    Breaking,
}

/// sha256 over a file tree: each path and text, in path order.
pub fn fingerprint(files: &FileTree) -> String {
    let mut hash = Sha256::new();
    for (path, text) in files {
        hash.update(path.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(text.len().to_le_bytes());
        hash.update(text.as_bytes());
    }
    hex::encode(hash.finalize())
}

/// What this release found for a service crate.
#[derive(Debug, Clone)]
pub struct Observed {
    pub spec: String,
    pub code: String,
    pub tccli: String,
    pub tccli_intl_en: String,
    pub commit: Option<String>,
    pub deps: BTreeMap<String, String>,
}

/// Whether the last released spec must be rebuilt and diffed: the crate
/// was released before, from another spec.
pub fn needs_diff(previous: Option<&Entry>, observed: &Observed) -> bool {
    previous.is_some_and(|p| p.spec.as_deref() != Some(observed.spec.as_str()))
}

/// A crate's new entry and, when it moved, its changelog section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub entry: Entry,
    pub level: Level,
    pub changelog: Option<String>,
}

/// The next entry of `package`: `diff` is the report against the last
/// released spec (required when [`needs_diff`] says so).
pub fn plan(
    package: &str,
    previous: Option<&Entry>,
    observed: &Observed,
    diff: Option<&SpecDiff>,
) -> Result<Planned, String> {
    let entry = |version: Semver| Entry {
        version: version.to_string(),
        manual: false,
        spec: Some(observed.spec.clone()),
        code: Some(observed.code.clone()),
        tccli: Some(observed.tccli.clone()),
        tccli_intl_en: Some(observed.tccli_intl_en.clone()),
        commit: observed.commit.clone(),
        deps: observed.deps.clone(),
    };
    let source = format!(
        "tccli {}, tccli-intl-en {}",
        observed.tccli, observed.tccli_intl_en
    );
    let Some(previous) = previous else {
        let version = Semver {
            major: 0,
            minor: 1,
            patch: 0,
        };
        return Ok(Planned {
            entry: entry(version),
            level: Level::Patch,
            changelog: Some(format!(
                "## {version} ({source})\n\nFirst release of {package}.\n"
            )),
        });
    };
    let old = Semver::parse(&previous.version).map_err(|e| format!("{package}: {e}"))?;
    let mut notes = Vec::new();
    let mut level = Level::None;
    if needs_diff(Some(previous), observed) {
        let diff = diff.ok_or_else(|| {
            format!("{package}: its spec changed, but no diff against the last release was made")
        })?;
        let (breaking, additions) = (diff.breaking(), diff.not_breaking());
        level = if breaking > 0 {
            Level::Breaking
        } else {
            Level::Patch
        };
        if breaking + additions == 0 {
            notes.push("Documentation changes only; the API is unchanged.\n".to_owned());
        } else {
            notes.push(demote_headings(&diff.to_string()));
        }
    }
    // A workspace crate it re-exports moved to an incompatible version: the
    // crate's own API changed with it.
    let mut dep_notes = Vec::new();
    for (name, version) in &observed.deps {
        let before = previous.deps.get(name);
        if before == Some(version) {
            continue;
        }
        let now = Semver::parse(version).map_err(|e| format!("{name} {version}: {e}"))?;
        let compatible = before
            .map(|b| Semver::parse(b).map(|b| b.compatible(now)))
            .transpose()
            .map_err(|e| format!("{package}: deps.{name}: {e}"))?
            .unwrap_or(false);
        level = level.max(if compatible {
            Level::Patch
        } else {
            Level::Breaking
        });
        dep_notes.push(format!(
            "- `{name}` {} → {version}{}\n",
            before.map_or("(none)", String::as_str),
            if compatible { "" } else { " (breaking)" }
        ));
    }
    if !dep_notes.is_empty() {
        notes.push(format!("Runtime crates:\n\n{}", dep_notes.concat()));
    }
    if level == Level::None && previous.code.as_deref() != Some(observed.code.as_str()) {
        level = Level::Patch;
        notes.push("Regenerated by a newer generator; the API is unchanged.\n".to_owned());
    }
    if level == Level::None {
        // Nothing moved: the entry stays as it was, byte for byte.
        return Ok(Planned {
            entry: previous.clone(),
            level,
            changelog: None,
        });
    }
    let version = old.bumped(level);
    Ok(Planned {
        entry: entry(version),
        level,
        changelog: Some(format!("## {version} ({source})\n\n{}", notes.join("\n"))),
    })
}

/// The diff report's headings two levels down, under a version heading.
fn demote_headings(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            if line.starts_with('#') {
                format!("##{line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

/// The changelog with `section` as its newest entry.
pub fn prepend(package: &str, existing: Option<&str>, section: &str) -> String {
    let title = format!("# Changelog of {package}\n\n");
    let rest = existing
        .map(|text| text.strip_prefix(title.as_str()).unwrap_or(text))
        .unwrap_or("");
    let mut text = format!("{title}{}", section.trim_end());
    if !rest.trim().is_empty() {
        text.push_str("\n\n");
        text.push_str(rest.trim_start());
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A runtime crate's entry: its manifest's version, which must not go
/// down; `Err` names the ledger and the manifest. The second value warns
/// when its files changed without a new version.
pub fn plan_manual(
    ledger_path: &Path,
    package: &str,
    previous: Option<&Entry>,
    version: &str,
    code: &str,
) -> Result<(Entry, Option<String>), String> {
    let now = Semver::parse(version).map_err(|e| format!("{package} {version}: {e}"))?;
    let entry = Entry {
        version: version.to_owned(),
        manual: true,
        code: Some(code.to_owned()),
        ..Entry::default()
    };
    let Some(previous) = previous else {
        return Ok((entry, None));
    };
    let before = Semver::parse(&previous.version)
        .map_err(|e| format!("{}: crates.{package}: {e}", ledger_path.display()))?;
    if now < before {
        return Err(format!(
            "{package}: its Cargo.toml says {now}, but {} records {before} as released; \
             a version never goes down",
            ledger_path.display()
        ));
    }
    let warning = (now == before && previous.code.as_deref() != Some(code)).then(|| {
        format!(
            "{package}: its files changed since {before} was released, but its version did \
             not; bump it in its Cargo.toml by semver before publishing"
        )
    });
    if now == before {
        // Keep the released fingerprint, so the warning repeats until bumped.
        return Ok((previous.clone(), warning));
    }
    Ok((entry, warning))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use tencentcloud_codegen::tools::diff::{diff_specs, load_spec_dir};

    use super::*;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn observed(spec: &str) -> Observed {
        Observed {
            spec: spec.into(),
            code: format!("code-of-{spec}"),
            tccli: "3.1.189.1".into(),
            tccli_intl_en: "3.1.193.1".into(),
            commit: None,
            deps: BTreeMap::from([("tencentcloud-runtime".into(), "0.1.0".into())]),
        }
    }

    fn released(version: &str, spec: &str) -> Entry {
        let observed = observed(spec);
        Entry {
            version: version.into(),
            spec: Some(observed.spec),
            code: Some(observed.code),
            deps: observed.deps,
            ..Entry::default()
        }
    }

    /// STS's committed spec, and a copy with `edit` applied to its files.
    fn sts_diff(edit: impl Fn(&Path)) -> SpecDiff {
        let old_dir = workspace().join("api-spec/sts");
        let version = std::fs::read_dir(&old_dir)
            .expect("api-spec/sts")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.join("service.json").is_file())
            .expect("a version folder");
        let copy = std::env::temp_dir().join(format!(
            "xtask-ledger-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&copy);
        let files = tencentcloud_codegen::files::list_files(&version).expect("lists");
        let mut tree = FileTree::new();
        for path in files {
            let text = std::fs::read_to_string(version.join(&path)).expect("reads");
            tree.insert(path, text);
        }
        let new_dir = copy.join("sts").join(version.file_name().expect("named"));
        tencentcloud_codegen::files::write_tree(&new_dir, &tree).expect("writes");
        edit(&new_dir);
        let old = load_spec_dir(&version).expect("old loads");
        let new = load_spec_dir(&new_dir).expect("new loads");
        let _ = std::fs::remove_dir_all(&copy);
        diff_specs(&old, &new, "old", "new")
    }

    #[test]
    fn a_first_release_is_0_1_0_with_a_changelog() {
        let planned = plan("tencentcloud-sts", None, &observed("a"), None).expect("plans");
        assert_eq!(planned.entry.version, "0.1.0");
        assert_eq!(planned.entry.spec.as_deref(), Some("a"));
        let changelog = planned.changelog.expect("a changelog");
        assert!(changelog.starts_with("## 0.1.0 (tccli 3.1.189.1, tccli-intl-en 3.1.193.1)"));
    }

    #[test]
    fn nothing_changed_keeps_the_entry_and_writes_nothing() {
        let previous = released("0.4.2", "a");
        let planned = plan("x", Some(&previous), &observed("a"), None).expect("plans");
        assert_eq!(planned.entry, previous);
        assert_eq!(planned.level, Level::None);
        assert_eq!(planned.changelog, None);
    }

    #[test]
    fn a_removed_action_is_breaking_and_bumps_the_minor() {
        let diff = sts_diff(|dir| {
            std::fs::remove_file(dir.join("actions/GetFederationToken.json")).expect("removes");
        });
        assert!(diff.breaking() > 0, "{diff}");
        let previous = released("0.4.2", "a");
        assert!(needs_diff(Some(&previous), &observed("b")));
        let planned = plan(
            "tencentcloud-sts",
            Some(&previous),
            &observed("b"),
            Some(&diff),
        )
        .expect("plans");
        assert_eq!(planned.entry.version, "0.5.0");
        assert_eq!(planned.level, Level::Breaking);
        let changelog = planned.changelog.expect("a changelog");
        assert!(changelog.starts_with("## 0.5.0 "), "{changelog}");
        assert!(changelog.contains("GetFederationToken"), "{changelog}");
        // The report's own headings sit under the version's.
        assert!(changelog.contains("\n### API changes"), "{changelog}");
        // From 1.0 a breaking change bumps the major.
        let planned = plan(
            "x",
            Some(&released("1.2.3", "a")),
            &observed("b"),
            Some(&diff),
        )
        .expect("plans");
        assert_eq!(planned.entry.version, "2.0.0");
    }

    #[test]
    fn an_added_optional_member_bumps_the_patch() {
        let diff = sts_diff(|dir| {
            let path = dir.join("actions/GetFederationToken.json");
            let text = std::fs::read_to_string(&path).expect("reads");
            let mut action: serde_json::Value = serde_json::from_str(&text).expect("json");
            let input = action["input"].as_array_mut().expect("an input list");
            input.push(serde_json::json!({"name": "NewKnob", "type": "string", "description": "A new knob."}));
            std::fs::write(&path, action.to_string()).expect("writes");
        });
        assert_eq!(diff.breaking(), 0, "{diff}");
        assert!(diff.not_breaking() > 0, "{diff}");
        let planned = plan(
            "x",
            Some(&released("0.4.2", "a")),
            &observed("b"),
            Some(&diff),
        )
        .expect("plans");
        assert_eq!(planned.entry.version, "0.4.3");
        assert!(planned.changelog.expect("changelog").contains("NewKnob"));
    }

    #[test]
    fn a_doc_change_or_a_new_generator_is_a_patch() {
        let unchanged = sts_diff(|_| {});
        assert_eq!(unchanged.breaking() + unchanged.not_breaking(), 0);
        let planned = plan(
            "x",
            Some(&released("0.4.2", "a")),
            &observed("b"),
            Some(&unchanged),
        )
        .expect("plans");
        assert_eq!(planned.entry.version, "0.4.3");
        assert!(planned
            .changelog
            .expect("changelog")
            .contains("Documentation changes only"));
        let mut regenerated = observed("a");
        regenerated.code = "other code".into();
        let planned = plan("x", Some(&released("0.4.2", "a")), &regenerated, None).expect("plans");
        assert_eq!(planned.entry.version, "0.4.3");
    }

    #[test]
    fn a_spec_change_without_its_diff_is_an_error() {
        let error = plan(
            "tencentcloud-x",
            Some(&released("0.1.0", "a")),
            &observed("b"),
            None,
        )
        .expect_err("needs a diff");
        assert!(error.contains("tencentcloud-x"), "{error}");
    }

    #[test]
    fn an_incompatible_runtime_is_breaking() {
        let mut moved = observed("a");
        moved
            .deps
            .insert("tencentcloud-runtime".into(), "0.2.0".into());
        let planned = plan("x", Some(&released("0.4.2", "a")), &moved, None).expect("plans");
        assert_eq!(planned.entry.version, "0.5.0");
        assert!(planned
            .changelog
            .expect("changelog")
            .contains("`tencentcloud-runtime` 0.1.0 → 0.2.0 (breaking)"));
        moved
            .deps
            .insert("tencentcloud-runtime".into(), "0.1.7".into());
        let planned = plan("x", Some(&released("0.4.2", "a")), &moved, None).expect("plans");
        assert_eq!(planned.entry.version, "0.4.3");
    }

    #[test]
    fn changelogs_grow_at_the_top() {
        let first = prepend("tencentcloud-x", None, "## 0.1.0\n\nFirst.\n");
        assert_eq!(
            first,
            "# Changelog of tencentcloud-x\n\n## 0.1.0\n\nFirst.\n"
        );
        let second = prepend("tencentcloud-x", Some(&first), "## 0.1.1\n\nSecond.\n");
        assert_eq!(
            second,
            "# Changelog of tencentcloud-x\n\n## 0.1.1\n\nSecond.\n\n## 0.1.0\n\nFirst.\n"
        );
    }

    #[test]
    fn a_ledger_that_does_not_parse_is_named() {
        let path = Path::new("api-spec/versions.json");
        let error = parse(path, "{\"crates\": {\"a\": {\"version\": 1}}").expect_err("bad");
        assert!(
            error.starts_with("api-spec/versions.json: the version ledger does not parse"),
            "{error}"
        );
        assert!(error.contains("line 1"), "{error}");
        let error = parse(
            path,
            r#"{"crates": {"tencentcloud-x": {"version": "0.1"}}}"#,
        )
        .expect_err("not semver");
        assert!(
            error.contains("api-spec/versions.json: crates.tencentcloud-x.version `0.1`"),
            "{error}"
        );
        let error = parse(path, r#"{"crates": {}, "extra": 1}"#).expect_err("unknown key");
        assert!(error.contains("unknown field `extra`"), "{error}");
    }

    #[test]
    fn the_ledger_round_trips() {
        let mut ledger = Ledger::default();
        ledger.crates.insert("a".into(), released("0.1.0", "s"));
        let text = render(&ledger);
        let again = parse(Path::new("x"), &text).expect("parses");
        assert_eq!(render(&again), text);
    }

    #[test]
    fn runtime_versions_never_go_down_and_changes_want_a_bump() {
        let ledger = Path::new("api-spec/versions.json");
        let previous = Entry {
            version: "0.2.0".into(),
            manual: true,
            code: Some("c1".into()),
            ..Entry::default()
        };
        let error = plan_manual(
            ledger,
            "tencentcloud-runtime",
            Some(&previous),
            "0.1.9",
            "c1",
        )
        .expect_err("down");
        assert!(
            error.contains("api-spec/versions.json records 0.2.0"),
            "{error}"
        );
        let (entry, warning) = plan_manual(
            ledger,
            "tencentcloud-runtime",
            Some(&previous),
            "0.2.0",
            "c2",
        )
        .expect("same version");
        assert_eq!(entry, previous);
        assert!(warning.expect("a warning").contains("bump it"));
        let (entry, warning) = plan_manual(
            ledger,
            "tencentcloud-runtime",
            Some(&previous),
            "0.3.0",
            "c2",
        )
        .expect("bumped");
        assert_eq!((entry.version.as_str(), warning), ("0.3.0", None));
    }

    #[test]
    fn semver_moves() {
        let v = Semver::parse("0.4.2").expect("parses");
        assert_eq!(v.bumped(Level::Patch).to_string(), "0.4.3");
        assert_eq!(v.bumped(Level::Breaking).to_string(), "0.5.0");
        assert_eq!(v.bumped(Level::None), v);
        assert_eq!(v.requirement(), "0.4");
        assert!(v.compatible(Semver::parse("0.4.9").expect("parses")));
        assert!(!v.compatible(Semver::parse("0.5.0").expect("parses")));
        assert!(Semver::parse("1.2").is_err());
        assert!(Semver::parse("1.2.x").is_err());
    }
}
