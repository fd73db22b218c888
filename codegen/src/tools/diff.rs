//! What changed between two specs, and whether each change breaks users of
//! the generated crate: the report `cargo xtask diff` prints for a pull
//! request, read together with the snapshot diffs.
//!
//! A spec is a tree (`api-spec/`, `<service>/<version>/` folders) or one
//! version folder, on disk or at a git revision.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::files::FileTree;
use crate::spec::model::{Field, Status};
use crate::spec::{
    load_tree, load_version, load_version_from_texts, Primitive, ServiceVersion, SpecErrors,
    TypeRef, SCHEMA_DIR,
};

/// Why a spec could not be read for a diff.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{0}")]
    Spec(#[from] SpecErrors),
    #[error("git: {0}")]
    Git(String),
}

/// Loads a spec tree or a single version folder (one with `service.json`).
pub fn load_spec_dir(dir: &Path) -> Result<Vec<ServiceVersion>, SpecErrors> {
    if dir.join("service.json").is_file() {
        load_version(dir).map(|version| vec![version])
    } else {
        load_tree(dir)
    }
}

/// Loads the spec stored at `path` (a tree or a version folder, relative to
/// the repository root) in the git revision `rev` of the repository at
/// `repo`, without touching the work tree or the index. Errors name files
/// as `<rev>:<path>/...`.
pub fn load_spec_at_revision(
    repo: &Path,
    rev: &str,
    path: &str,
) -> Result<Vec<ServiceVersion>, DiffError> {
    let path = path.trim_end_matches('/');
    let files = git_tree_files(repo, rev, path)?;
    if files.is_empty() {
        return Err(DiffError::Git(format!("`{rev}:{path}` holds no files")));
    }
    let root = PathBuf::from(format!("{rev}:{path}"));
    if files.contains_key(Path::new("service.json")) {
        return Ok(vec![load_version_from_texts(&root, &files)?]);
    }
    // A service folder (`<version>/service.json`) or a whole tree
    // (`<service>/<version>/`): group the files by version folder.
    let depth = match files
        .keys()
        .any(|p| p.components().count() == 2 && p.ends_with("service.json"))
    {
        true => 1,
        false => 2,
    };
    let mut versions: BTreeMap<PathBuf, FileTree> = BTreeMap::new();
    for (relative, text) in files {
        let parts: Vec<_> = relative.components().collect();
        if parts.first().is_some_and(|c| c.as_os_str() == SCHEMA_DIR) || parts.len() <= depth {
            continue;
        }
        let dir: PathBuf = parts[..depth].iter().collect();
        let rest: PathBuf = parts[depth..].iter().collect();
        versions.entry(dir).or_default().insert(rest, text);
    }
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for (dir, files) in versions {
        match load_version_from_texts(&root.join(dir), &files) {
            Ok(version) => loaded.push(version),
            Err(SpecErrors(found)) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors).into());
    }
    if loaded.is_empty() {
        return Err(DiffError::Git(format!(
            "`{rev}:{path}` holds no `<service>/<version>/` folder"
        )));
    }
    Ok(loaded)
}

/// Every file under `path` at `rev`, relative to `path`, read with two git
/// processes (`ls-tree`, then one `cat-file --batch` for all blobs).
fn git_tree_files(repo: &Path, rev: &str, path: &str) -> Result<FileTree, DiffError> {
    let git = |args: &[&str], input: Option<&[u8]>| -> Result<Vec<u8>, DiffError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| DiffError::Git(format!("cannot run git: {e}")))?;
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            use std::io::Write;
            // Written in full before reading: cat-file answers after each
            // line, so a writer thread keeps the pipes from deadlocking.
            let input = input.to_vec();
            let writer = std::thread::spawn(move || stdin.write_all(&input));
            let output = child
                .wait_with_output()
                .map_err(|e| DiffError::Git(e.to_string()))?;
            let _ = writer.join();
            return checked(args, output);
        }
        let output = child
            .wait_with_output()
            .map_err(|e| DiffError::Git(e.to_string()))?;
        checked(args, output)
    };
    fn checked(args: &[&str], output: std::process::Output) -> Result<Vec<u8>, DiffError> {
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(DiffError::Git(format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }

    let tree = format!("{rev}:{path}");
    let listing = git(&["ls-tree", "-r", "-z", "--full-tree", &tree], None)?;
    let mut entries = Vec::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        // `<mode> blob <oid>\t<path>`
        let record = String::from_utf8_lossy(record);
        let Some((meta, name)) = record.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        if let (Some(_), Some("blob"), Some(oid)) = (meta.next(), meta.next(), meta.next()) {
            entries.push((oid.to_owned(), PathBuf::from(name)));
        }
    }
    let request: String = entries.iter().map(|(oid, _)| format!("{oid}\n")).collect();
    let blobs = git(&["cat-file", "--batch"], Some(request.as_bytes()))?;
    let mut files = FileTree::new();
    let mut rest = blobs.as_slice();
    for (oid, name) in entries {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| DiffError::Git(format!("cat-file: no header for {oid}")))?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| DiffError::Git(format!("cat-file: unexpected header `{header}`")))?;
        let start = header_end + 1;
        let content = rest
            .get(start..start + size)
            .ok_or_else(|| DiffError::Git(format!("cat-file: {oid} is truncated")))?;
        let text = String::from_utf8(content.to_vec())
            .map_err(|_| DiffError::Git(format!("{tree}/{}: not UTF-8 text", name.display())))?;
        files.insert(name, text);
        rest = rest.get(start + size + 1..).unwrap_or_default();
    }
    Ok(files)
}

/// Whether a change can break code written against the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    NotBreaking,
}

/// One change, in one service version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub impact: Impact,
    /// Where: `action DescribeInstances`, `type Instance`, …
    pub subject: String,
    /// What, as a Markdown sentence.
    pub what: String,
}

/// Every change of one service version (present in either spec).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDiff {
    pub service: String,
    pub version: String,
    pub changes: Vec<Change>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDiff {
    pub old_label: String,
    pub new_label: String,
    pub versions: Vec<VersionDiff>,
}

impl SpecDiff {
    pub fn breaking(&self) -> usize {
        self.count(Impact::Breaking)
    }

    pub fn not_breaking(&self) -> usize {
        self.count(Impact::NotBreaking)
    }

    fn count(&self, impact: Impact) -> usize {
        self.versions
            .iter()
            .flat_map(|v| &v.changes)
            .filter(|c| c.impact == impact)
            .count()
    }
}

/// Compares two specs. Versions are matched by service and version, except
/// that two single version folders are always compared with each other.
pub fn diff_specs(
    old: &[ServiceVersion],
    new: &[ServiceVersion],
    old_label: &str,
    new_label: &str,
) -> SpecDiff {
    let key = |v: &ServiceVersion| (v.meta.value.service.clone(), v.meta.value.version.clone());
    type Pair<'a> = (Option<&'a ServiceVersion>, Option<&'a ServiceVersion>);
    let mut pairs: BTreeMap<(String, String), Pair> = BTreeMap::new();
    if let ([old], [new]) = (old, new) {
        pairs.insert(key(new), (Some(old), Some(new)));
    } else {
        for version in old {
            pairs.entry(key(version)).or_default().0 = Some(version);
        }
        for version in new {
            pairs.entry(key(version)).or_default().1 = Some(version);
        }
    }
    let versions = pairs
        .into_iter()
        .map(|((service, version), pair)| {
            let mut changes = match pair {
                (Some(old), Some(new)) => diff_version(old, new),
                (None, Some(_)) => vec![Change {
                    impact: Impact::NotBreaking,
                    subject: "version".into(),
                    what: "Added this service version.".into(),
                }],
                (Some(_), None) => vec![Change {
                    impact: Impact::Breaking,
                    subject: "version".into(),
                    what: "Removed this service version (its module goes).".into(),
                }],
                (None, None) => Vec::new(),
            };
            // Breaking first, then by subject name (ignoring the backticks).
            changes.sort_by_cached_key(|c| (c.impact, c.subject.replace('`', ""), c.what.clone()));
            VersionDiff {
                service,
                version,
                changes,
            }
        })
        .collect();
    SpecDiff {
        old_label: old_label.to_owned(),
        new_label: new_label.to_owned(),
        versions,
    }
}

fn diff_version(old: &ServiceVersion, new: &ServiceVersion) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |impact, subject: String, what: String| {
        changes.push(Change {
            impact,
            subject,
            what,
        })
    };

    for (name, action) in &new.actions {
        let subject = format!("action `{name}`");
        let Some(before) = old.actions.get(name) else {
            let deprecated = if action.value.status == Status::Deprecated {
                " (already deprecated)"
            } else {
                ""
            };
            push(
                Impact::NotBreaking,
                subject,
                format!("Added{deprecated}: {}", one_line(&action.value.title)),
            );
            continue;
        };
        let (before, after) = (&before.value, &action.value);
        match (before.status, after.status) {
            (Status::Online, Status::Deprecated) => {
                push(Impact::NotBreaking, subject.clone(), "Deprecated.".into())
            }
            (Status::Deprecated, Status::Online) => push(
                Impact::NotBreaking,
                subject.clone(),
                "No longer deprecated.".into(),
            ),
            _ => {}
        }
        if before.host != after.host {
            push(
                Impact::NotBreaking,
                subject.clone(),
                format!(
                    "Served by another host: {} → {}.",
                    host_text(&before.host),
                    host_text(&after.host)
                ),
            );
        }
        diff_fields(
            &subject,
            "input",
            FieldSide::Input,
            &before.input,
            &after.input,
            &mut push,
        );
        diff_fields(
            &subject,
            "output",
            FieldSide::Output,
            &before.output,
            &after.output,
            &mut push,
        );
    }
    for name in old.actions.keys().filter(|n| !new.actions.contains_key(*n)) {
        push(
            Impact::Breaking,
            format!("action `{name}`"),
            "Removed (its client method and request and reply types go).".into(),
        );
    }

    let old_inputs = input_types(old);
    let new_inputs = input_types(new);
    for (name, ty) in &new.types {
        let subject = format!("type `{name}`");
        let Some(before) = old.types.get(name) else {
            push(Impact::NotBreaking, subject, "Added.".into());
            continue;
        };
        // Required-ness only shapes the Rust type of request-side types.
        let side = if old_inputs.contains(name.as_str()) || new_inputs.contains(name.as_str()) {
            FieldSide::Input
        } else {
            FieldSide::Output
        };
        diff_fields(
            &subject,
            "",
            side,
            &before.value.fields,
            &ty.value.fields,
            &mut push,
        );
    }
    for name in old.types.keys().filter(|n| !new.types.contains_key(*n)) {
        push(
            Impact::Breaking,
            format!("type `{name}`"),
            "Removed.".into(),
        );
    }
    changes
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldSide {
    /// Sent by the caller: required fields are constructor params.
    Input,
    /// Read from replies: every field is optional in Rust.
    Output,
}

fn diff_fields(
    subject: &str,
    part: &str,
    side: FieldSide,
    before: &[Field],
    after: &[Field],
    push: &mut impl FnMut(Impact, String, String),
) {
    let label = |name: &str| {
        if part.is_empty() {
            format!("field `{name}`")
        } else {
            format!("{part} field `{name}`")
        }
    };
    let old_by_name: BTreeMap<&str, &Field> = before.iter().map(|f| (f.name.as_str(), f)).collect();
    let new_names: BTreeSet<&str> = after.iter().map(|f| f.name.as_str()).collect();
    for field in after {
        let Some(old) = old_by_name.get(field.name.as_str()) else {
            let required = side == FieldSide::Input && field.required;
            let (impact, note) = if required {
                (Impact::Breaking, ", required (a new constructor param)")
            } else {
                (Impact::NotBreaking, "")
            };
            push(
                impact,
                subject.to_owned(),
                format!("Added {} (`{}`){note}.", label(&field.name), field.type_ref),
            );
            continue;
        };
        if old.type_ref != field.type_ref {
            let (from, to) = (rust_shape(&old.type_ref), rust_shape(&field.type_ref));
            let impact = if from == to {
                Impact::NotBreaking
            } else {
                Impact::Breaking
            };
            let rust = if from == to {
                format!("same Rust type `{to}`")
            } else {
                format!("Rust `{from}` → `{to}`")
            };
            push(
                impact,
                subject.to_owned(),
                format!(
                    "{} changed type: `{}` → `{}` ({rust}).",
                    capitalized(&label(&field.name)),
                    old.type_ref,
                    field.type_ref
                ),
            );
        }
        if side == FieldSide::Input && old.required != field.required {
            let now = if field.required {
                "now required (a new constructor param)"
            } else {
                "now optional (no longer a constructor param; its field becomes an `Option`)"
            };
            push(
                Impact::Breaking,
                subject.to_owned(),
                format!("{} is {now}.", capitalized(&label(&field.name))),
            );
        }
        if side == FieldSide::Output {
            for (was, is, what) in [
                (old.always_present, field.always_present, "always present"),
                (old.nullable, field.nullable, "nullable"),
            ] {
                if was != is {
                    let now = if is { "now" } else { "no longer" };
                    push(
                        Impact::NotBreaking,
                        subject.to_owned(),
                        format!("{} is {now} {what}.", capitalized(&label(&field.name))),
                    );
                }
            }
        }
        if old.deprecated != field.deprecated {
            let now = if field.deprecated {
                "deprecated"
            } else {
                "no longer deprecated"
            };
            push(
                Impact::NotBreaking,
                subject.to_owned(),
                format!("{} is {now}.", capitalized(&label(&field.name))),
            );
        }
    }
    for field in before
        .iter()
        .filter(|f| !new_names.contains(f.name.as_str()))
    {
        push(
            Impact::Breaking,
            subject.to_owned(),
            format!("Removed {} (`{}`).", label(&field.name), field.type_ref),
        );
    }
}

/// The Rust type a spec type becomes (without the `Option` wrapper), so
/// that `date` → `string` (both `String`) is not called breaking.
fn rust_shape(type_ref: &str) -> String {
    fn shape(type_ref: &TypeRef) -> String {
        match type_ref {
            TypeRef::Primitive(p) => match p {
                Primitive::Int64 => "i64",
                Primitive::Uint64 => "u64",
                Primitive::Float => "f64",
                Primitive::Bool => "bool",
                Primitive::String
                | Primitive::Date
                | Primitive::Datetime
                | Primitive::DatetimeIso
                | Primitive::Binary => "String",
            }
            .to_owned(),
            TypeRef::List(inner) => format!("Vec<{}>", shape(inner)),
            TypeRef::Named(name) => name.clone(),
        }
    }
    TypeRef::parse(type_ref).map_or_else(|_| type_ref.to_owned(), |t| shape(&t))
}

/// Types reachable from some action's input.
fn input_types(version: &ServiceVersion) -> BTreeSet<&str> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<&str> = version
        .actions
        .values()
        .flat_map(|a| &a.value.input)
        .filter_map(|f| named(&f.type_ref))
        .collect();
    while let Some(name) = queue.pop() {
        let Some((name, ty)) = version.types.get_key_value(name) else {
            continue;
        };
        if seen.insert(name.as_str()) {
            queue.extend(ty.value.fields.iter().filter_map(|f| named(&f.type_ref)));
        }
    }
    seen
}

fn named(type_ref: &str) -> Option<&str> {
    let mut inner = type_ref;
    while let Some(rest) = inner
        .strip_prefix("list<")
        .and_then(|r| r.strip_suffix('>'))
    {
        inner = rest;
    }
    TypeRef::parse(inner)
        .ok()
        .and_then(|t| t.named().is_some().then_some(inner))
}

fn host_text(host: &Option<String>) -> String {
    host.as_deref()
        .map_or_else(|| "the service host".to_owned(), |h| format!("`{h}`"))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The first line of a title, with Markdown table and HTML characters tamed.
fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let line = line.replace('|', "\\|").replace('<', "&lt;");
    if line.is_empty() {
        "(no title)".into()
    } else {
        line
    }
}

impl fmt::Display for SpecDiff {
    /// Markdown, ready for a pull request description.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "# API changes: `{}` → `{}`\n",
            self.old_label, self.new_label
        )?;
        let (breaking, not_breaking) = (self.breaking(), self.not_breaking());
        if breaking + not_breaking == 0 {
            return writeln!(f, "No changes.");
        }
        writeln!(
            f,
            "**{breaking} breaking** and {not_breaking} non-breaking changes for users of the generated crates.\n"
        )?;
        writeln!(f, "| service | version | breaking | not breaking |")?;
        writeln!(f, "|---|---|---:|---:|")?;
        for version in &self.versions {
            let count = |impact| {
                version
                    .changes
                    .iter()
                    .filter(|c| c.impact == impact)
                    .count()
            };
            writeln!(
                f,
                "| {} | {} | {} | {} |",
                version.service,
                version.version,
                count(Impact::Breaking),
                count(Impact::NotBreaking)
            )?;
        }
        for version in self.versions.iter().filter(|v| !v.changes.is_empty()) {
            writeln!(f, "\n## {} {}", version.service, version.version)?;
            for (impact, heading) in [
                (Impact::Breaking, "Breaking"),
                (Impact::NotBreaking, "Not breaking"),
            ] {
                let changes: Vec<&Change> = version
                    .changes
                    .iter()
                    .filter(|c| c.impact == impact)
                    .collect();
                if changes.is_empty() {
                    continue;
                }
                writeln!(f, "\n### {heading} ({})\n", changes.len())?;
                let mut text = String::new();
                for change in changes {
                    let _ = writeln!(text, "- {}: {}", change.subject, change.what);
                }
                f.write_str(&text)?;
            }
        }
        Ok(())
    }
}
