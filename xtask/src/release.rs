//! `cargo xtask release [--services a,b] [--out DIR]`: every tccli service
//! (or the named ones) generated from the pinned sources with English docs,
//! versioned by the ledger (`crate::ledger`) and packaged with
//! `cargo package`, together with the workspace crates they depend on.
//!
//! The crates are built in a work folder beside the output folder and
//! packaged there; the `.crate` files go into a new folder that replaces
//! the output folder with two renames once everything is packaged and
//! checked. An error leaves the previous release and the ledger as they were.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;
use tencentcloud_codegen::files::{list_files, replace_dir, write_tree, FileTree};
use tencentcloud_codegen::generate;
use tencentcloud_codegen::spec::DocLang;
use tencentcloud_codegen::tools::crate_readme::{self, ReadmeContext};
use tencentcloud_codegen::tools::diff;
use tencentcloud_codegen::tools::import::tccli_tree;

use crate::ledger::{self, Entry, Ledger, Observed, Semver};
use crate::sources::{self, Pin, Sources};
use crate::{run, workspace_root};

/// crates.io refuses a `.crate` file larger than this (10 MiB).
pub const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// The repository address the packages name.
const REPOSITORY: &str = "https://github.com/tencentcloud-rs/tencentcloud-rs";

/// The default output folder, under the workspace root.
pub const DEFAULT_OUT: &str = "target/crates";

/// The spec of one service as released: its files (`<version>/...`) and,
/// for a service committed under api-spec/, the commit they are from.
struct ServiceSpec {
    files: FileTree,
    commit: Option<String>,
}

/// What `release` did, for its report.
#[derive(Debug)]
pub struct Report {
    pub packages: Vec<(String, String, u64)>,
    pub moved: Vec<(String, String, String)>,
    /// Per service crate, a call that needs no params, for the journey.
    pub calls: Vec<SampleCall>,
}

/// A service crate and one of its actions that takes no required params.
#[derive(Debug, Clone)]
pub struct SampleCall {
    pub package: String,
    pub module: String,
    /// `None` when every action needs params.
    pub call: Option<(String, String, String)>,
}

/// `cargo xtask release`.
pub fn release(services: Vec<String>, out: Option<PathBuf>) -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let out = out.unwrap_or_else(|| root.join(DEFAULT_OUT));
    let report = release_in(&root, &services, &out, true)?;
    let total: u64 = report.packages.iter().map(|(_, _, size)| size).sum();
    let largest = report.packages.iter().max_by_key(|(_, _, size)| *size);
    for (name, from, to) in &report.moved {
        println!("{name}: {from} → {to}");
    }
    println!(
        "released {} packages into {} ({} moved): {:.1} MB in total",
        report.packages.len(),
        out.display(),
        report.moved.len(),
        total as f64 / 1e6
    );
    if let Some((name, version, size)) = largest {
        println!(
            "largest: {name} {version}, {:.2} MB (crates.io's limit: {:.2} MB)",
            *size as f64 / 1e6,
            CRATES_IO_LIMIT as f64 / 1e6
        );
    }
    let (own, children) = crate::peak_memory();
    println!(
        "time {:.1} s; peak memory: xtask {:.0} MB, largest child process {:.0} MB",
        started.elapsed().as_secs_f64(),
        own as f64 / 1e6,
        children as f64 / 1e6
    );
    Ok(())
}

/// The release of `services` (all when empty) from the workspace at
/// `root` into `out`; with `record`, updates the ledger and changelogs
/// under `root`. The folder is also a cargo local registry (its `index/`).
/// The list of packages a release folder holds.
pub const PACKAGES_FILE: &str = "packages.tsv";

/// The release replaces `out` whole: refuse a folder that holds anything
/// but an earlier release (its `packages.tsv`), say `--out api-spec`.
fn refuse_foreign(out: &Path) -> Result<(), String> {
    let holds_something = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some());
    if holds_something && !out.join(PACKAGES_FILE).is_file() {
        return Err(format!(
            "{}: holds files but no {PACKAGES_FILE}, so it is not a release folder; \
             refusing to replace it: choose an empty or new --out folder",
            out.display()
        ));
    }
    Ok(())
}

pub fn release_in(
    root: &Path,
    services: &[String],
    out: &Path,
    record: bool,
) -> Result<Report, String> {
    refuse_foreign(out)?;
    let ledger_path = root.join(ledger::LEDGER_FILE);
    // A bad ledger stops the release before anything is built.
    let mut ledger = ledger::load(&ledger_path)?;
    let pins = sources::load(root)?;
    let wheels = root.join("target/wheels");
    let tccli = sources::unpacked(&wheels, "tccli", &pins.tccli)?;
    let intl = sources::unpacked(&wheels, "tccli-intl-en", &pins.tccli_intl_en)?;

    let (work, staged) = siblings(out)?;
    let _ = std::fs::remove_dir_all(&work);
    let _ = std::fs::remove_dir_all(&staged);
    let result = (|| {
        let step = Instant::now();
        let specs = release_specs(root, &tccli, &intl, services)?;
        eprintln!(
            "release: {} service specs imported in {:.1} s",
            specs.len(),
            step.elapsed().as_secs_f64()
        );
        let ws = work.join("ws");
        let planned = build_workspace(root, &ws, &specs, &mut ledger, &pins, &wheels)?;
        let step = Instant::now();
        package(&ws, &work.join("target"))?;
        eprintln!(
            "release: cargo package in {:.1} s",
            step.elapsed().as_secs_f64()
        );
        let packages = collect(&work.join("target/package"), &staged, &planned.names)?;
        crate::registry::write_index(&ws, &staged)?;
        Ok::<_, String>((planned, packages))
    })();
    let (planned, packages) = match result {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
    };
    replace_dir(&staged, out).map_err(|e| format!("{}: {e}", out.display()))?;
    let _ = std::fs::remove_dir_all(&work);
    let report = Report {
        packages,
        moved: planned.moved,
        calls: planned.calls,
    };
    if !record {
        return Ok(report);
    }
    // The ledger and changelogs follow the packages that now exist.
    let changelogs = ledger::changelog_dir(root);
    for (package, text) in &planned.changelogs {
        write_if_changed(&changelogs.join(format!("{package}.md")), text)?;
    }
    write_if_changed(&ledger_path, &ledger::render(&ledger))?;
    Ok(report)
}

/// `<out>.work` (the workspace and cargo's target) and `<out>.new` (the
/// packages until they replace `out`), beside `out`.
fn siblings(out: &Path) -> Result<(PathBuf, PathBuf), String> {
    let name = out
        .file_name()
        .ok_or_else(|| format!("{}: --out must name a folder", out.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    Ok((
        parent.join(format!("{name}.work")),
        parent.join(format!("{name}.new")),
    ))
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let temp = path.with_extension("tmp~");
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Each service's spec: the pinned tccli import with tccli-intl-en's
/// English docs, or, for a service committed under api-spec/, the
/// committed folder (its error codes, waiters and hand-written versions
/// included), which must be clean in git.
fn release_specs(
    root: &Path,
    tccli: &Path,
    intl: &Path,
    services: &[String],
) -> Result<BTreeMap<String, ServiceSpec>, String> {
    let imported = import_services(tccli, intl, services)?;
    let mut specs: BTreeMap<String, ServiceSpec> = BTreeMap::new();
    for (service, files) in imported {
        specs.insert(
            service,
            ServiceSpec {
                files,
                commit: None,
            },
        );
    }
    let head = OnceCommit::default();
    for (service, spec) in &mut specs {
        let dir = root.join("api-spec").join(service);
        if !dir.is_dir() {
            continue;
        }
        spec.files = read_tree(&dir)?;
        spec.commit = Some(head.clean_commit(root, service)?);
    }
    Ok(specs)
}

/// HEAD, asked once; `api-spec/<service>` must have no uncommitted change
/// so that the commit names the spec released.
#[derive(Default)]
struct OnceCommit(std::cell::OnceCell<String>);

impl OnceCommit {
    fn clean_commit(&self, root: &Path, service: &str) -> Result<String, String> {
        let path = format!("api-spec/{service}");
        let status = git(root, &["status", "--porcelain", "--", &path])?;
        if !status.trim().is_empty() {
            return Err(format!(
                "{path} has uncommitted changes; commit them first (the ledger records \
                 the commit a committed spec is released from):\n{status}"
            ));
        }
        if let Some(commit) = self.0.get() {
            return Ok(commit.clone());
        }
        let commit = git(root, &["rev-parse", "HEAD"])?.trim().to_owned();
        Ok(self.0.get_or_init(|| commit).clone())
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every file under `dir`, relative to it.
fn read_tree(dir: &Path) -> Result<FileTree, String> {
    let mut tree = FileTree::new();
    for path in list_files(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let full = dir.join(&path);
        let text =
            std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        tree.insert(path, text);
    }
    Ok(tree)
}

/// The tccli import of `services` (all when empty), every version, with
/// English docs: service → `<version>/<file>` → text.
fn import_services(
    tccli: &Path,
    intl: &Path,
    services: &[String],
) -> Result<BTreeMap<String, FileTree>, String> {
    let found = tccli_tree::find_versions(tccli).map_err(|e| e.to_string())?;
    let selected = tccli_tree::select(tccli, found, services, false).map_err(|e| e.to_string())?;
    let selected = tccli_tree::attach_intl(intl, selected).map_err(|e| e.to_string())?;
    let mut out: BTreeMap<String, FileTree> = BTreeMap::new();
    for version in tccli_tree::import_all(&selected).map_err(|e| e.to_string())? {
        let tree = out.entry(version.service.clone()).or_default();
        for (path, text) in version.files {
            tree.insert(Path::new(&version.version).join(path), text);
        }
    }
    Ok(out)
}

/// The last released spec of `service`: its committed folder at the
/// recorded commit, or the import of the recorded tccli releases (fetched
/// and checked against the ledger's pins), whose fingerprint must be the
/// recorded one.
fn last_released_spec(
    root: &Path,
    wheels: &Path,
    ledger: &Ledger,
    package: &str,
    service: &str,
    entry: &Entry,
) -> Result<Vec<tencentcloud_codegen::spec::ServiceVersion>, String> {
    if let Some(commit) = &entry.commit {
        return diff::load_spec_at_revision(root, commit, &format!("api-spec/{service}"))
            .map_err(|e| format!("{package}: the last released spec ({commit}): {e}"));
    }
    let pin = |package_name: &str, version: &Option<String>| -> Result<Pin, String> {
        let version = version.as_deref().unwrap_or_default();
        ledger
            .sources
            .get(&format!("{package_name} {version}"))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{}: crates.{package} was released from {package_name} {version}, \
                     which `sources` does not pin",
                    ledger::LEDGER_FILE
                )
            })
    };
    let tccli = sources::unpacked(wheels, "tccli", &pin("tccli", &entry.tccli)?)?;
    let intl = sources::unpacked(
        wheels,
        "tccli-intl-en",
        &pin("tccli-intl-en", &entry.tccli_intl_en)?,
    )?;
    let files = import_services(&tccli, &intl, &[service.to_owned()])?
        .remove(service)
        .unwrap_or_default();
    if Some(ledger::fingerprint(&files)) != entry.spec {
        return Err(format!(
            "{package}: the import of tccli {} is not the spec {} records as released",
            entry.tccli.as_deref().unwrap_or("?"),
            ledger::LEDGER_FILE
        ));
    }
    let dir = std::env::temp_dir().join(format!("xtask-last-release-{}", std::process::id()));
    let spec_dir = dir.join(service);
    let loaded = write_tree(&spec_dir, &files)
        .map_err(|e| format!("{}: {e}", spec_dir.display()))
        .and_then(|_| {
            tencentcloud_codegen::spec::load_tree(&dir).map_err(|e| format!("{package}: {e}"))
        });
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

/// A hand-written crate released beside the service crates.
struct RuntimeCrate {
    /// Its folder, relative to the repository.
    dir: PathBuf,
    version: String,
    /// A generated crate depends on it, so the service crates record its
    /// version (`tencentcloud-credentials`, an add-on, is not one).
    service_dependency: bool,
}

/// The hand-written crates to release (name → where, version): the
/// workspace crates the committed generated crates depend on, directly or
/// not (the core runtime and the mock), and every other publishable crate
/// outside `generated/` (the credentials). One that depends on a service
/// crate (credentials on `tencentcloud-sts`) goes out only with that
/// service; `services` are the ones being released.
fn runtime_crates(
    root: &Path,
    services: &BTreeSet<String>,
) -> Result<BTreeMap<String, RuntimeCrate>, String> {
    #[derive(Deserialize)]
    struct Metadata {
        packages: Vec<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
        version: String,
        manifest_path: PathBuf,
        dependencies: Vec<Dependency>,
        publish: Option<Vec<String>>,
    }
    #[derive(Deserialize)]
    struct Dependency {
        name: String,
        kind: Option<String>,
        path: Option<PathBuf>,
    }
    let metadata: Metadata = crate::registry::cargo_metadata(root)?;
    let by_name: BTreeMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    let generated = root.join("generated");
    let is_service = |p: &Package| p.manifest_path.starts_with(&generated);
    let local_deps = |p: &'_ Package| -> Vec<String> {
        p.dependencies
            .iter()
            .filter(|d| d.kind.as_deref() != Some("dev") && d.path.is_some())
            .map(|d| d.name.clone())
            .collect()
    };
    // (name, whether a service crate needs it)
    let mut todo: Vec<(String, bool)> = Vec::new();
    for package in &metadata.packages {
        if is_service(package) {
            todo.extend(local_deps(package).into_iter().map(|d| (d, true)));
        } else if package.publish.is_none() {
            todo.push((package.name.clone(), false));
        }
    }
    let mut found: BTreeMap<String, RuntimeCrate> = BTreeMap::new();
    while let Some((name, service_dependency)) = todo.pop() {
        let Some(package) = by_name.get(name.as_str()) else {
            continue;
        };
        if is_service(package) {
            continue;
        }
        if let Some(known) = found.get_mut(&name) {
            known.service_dependency |= service_dependency;
            if !service_dependency {
                continue;
            }
        }
        let needs: Vec<String> = local_deps(package)
            .into_iter()
            .filter(|d| by_name.get(d.as_str()).is_some_and(|p| is_service(p)))
            .collect();
        if let Some(missing) = needs.iter().find(|d| {
            let service = d.strip_prefix("tencentcloud-").unwrap_or(d);
            !services.contains(service)
        }) {
            eprintln!("release: {name} needs {missing}, which this release leaves out; skipped");
            continue;
        }
        let dir = package
            .manifest_path
            .parent()
            .unwrap_or(root)
            .strip_prefix(root)
            .map_err(|_| format!("{name}: not under {}", root.display()))?
            .to_owned();
        let known = found.entry(name.clone()).or_insert(RuntimeCrate {
            dir,
            version: package.version.clone(),
            service_dependency,
        });
        known.service_dependency |= service_dependency;
        todo.extend(
            local_deps(package)
                .into_iter()
                .map(|d| (d, service_dependency)),
        );
    }
    if !found.values().any(|c| c.service_dependency) {
        return Err("the generated crates depend on no workspace crate (cargo metadata)".into());
    }
    Ok(found)
}

/// What the workspace holds, for packaging and the ledger.
struct Planned {
    /// Every package name to release.
    names: BTreeSet<String>,
    /// package → its whole new changelog.
    changelogs: BTreeMap<String, String>,
    /// package, old version, new version.
    moved: Vec<(String, String, String)>,
    calls: Vec<SampleCall>,
}

/// Writes the release workspace at `ws`: the runtime crates copied, each
/// service crate generated with its version, metadata, README and
/// changelog; updates `ledger` (in memory) to the versions written.
fn build_workspace(
    root: &Path,
    ws: &Path,
    specs: &BTreeMap<String, ServiceSpec>,
    ledger: &mut Ledger,
    pins: &Sources,
    wheels: &Path,
) -> Result<Planned, String> {
    let ledger_path = root.join(ledger::LEDGER_FILE);
    let step = Instant::now();
    let spec_root = ws.join("api-spec");
    let mut tree = FileTree::new();
    for (service, spec) in specs {
        for (path, text) in &spec.files {
            tree.insert(Path::new(service).join(path), text.clone());
        }
    }
    write_tree(&spec_root, &tree).map_err(|e| format!("{}: {e}", spec_root.display()))?;
    drop(tree);
    let services: Vec<String> = specs.keys().cloned().collect();
    let generated =
        generate::generate_in(&spec_root, &services, DocLang::En).map_err(|e| e.to_string())?;
    let crates = crate_readme::resolve_crates(&spec_root, &services, DocLang::En)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "release: {} crates generated in {:.1} s",
        crates.len(),
        step.elapsed().as_secs_f64()
    );

    let mut planned = Planned {
        names: BTreeSet::new(),
        changelogs: BTreeMap::new(),
        moved: Vec::new(),
        calls: Vec::new(),
    };
    // The runtime crates: their own versions, recorded.
    let runtime = runtime_crates(root, &specs.keys().cloned().collect())?;
    let mut deps = BTreeMap::new();
    for (
        name,
        RuntimeCrate {
            dir,
            version,
            service_dependency,
        },
    ) in &runtime
    {
        let files = read_tree(&root.join(dir))?;
        let code = ledger::fingerprint(&files);
        let (entry, warning) =
            ledger::plan_manual(&ledger_path, name, ledger.crates.get(name), version, &code)?;
        if let Some(warning) = warning {
            eprintln!("warning: {warning}");
        }
        if let Some(previous) = ledger
            .crates
            .get(name)
            .filter(|p| p.version != entry.version)
        {
            planned.moved.push((
                name.clone(),
                previous.version.clone(),
                entry.version.clone(),
            ));
        }
        ledger.crates.insert(name.clone(), entry);
        let target = ws.join(dir);
        let mut files = files;
        complete_runtime_manifest(name, &mut files)?;
        write_tree(&target, &files).map_err(|e| format!("{}: {e}", target.display()))?;
        if *service_dependency {
            deps.insert(name.clone(), version.clone());
        }
        planned.names.insert(name.clone());
    }

    for (key, pin) in [
        (format!("tccli {}", pins.tccli.version), &pins.tccli),
        (
            format!("tccli-intl-en {}", pins.tccli_intl_en.version),
            &pins.tccli_intl_en,
        ),
    ] {
        ledger.sources.insert(key, pin.clone());
    }
    let source = format!(
        "tccli {} with English docs from tccli-intl-en {}",
        pins.tccli.version, pins.tccli_intl_en.version
    );
    let changelog_dir = ledger::changelog_dir(root);
    let mut members: Vec<String> = runtime
        .values()
        .map(|c| c.dir.to_string_lossy().replace('\\', "/"))
        .collect();
    for krate in &crates {
        let service = &krate.service;
        let package = &krate.package;
        let spec = specs
            .get(service)
            .ok_or_else(|| format!("{package}: generated, but no spec was imported"))?;
        let prefix = Path::new(service);
        let code: FileTree = generated
            .iter()
            .filter_map(|(path, text)| {
                path.strip_prefix(prefix)
                    .ok()
                    .map(|p| (p.to_owned(), text.clone()))
            })
            .collect();
        let observed = Observed {
            spec: ledger::fingerprint(&spec.files),
            code: ledger::fingerprint(&code),
            tccli: pins.tccli.version.clone(),
            tccli_intl_en: pins.tccli_intl_en.version.clone(),
            commit: spec.commit.clone(),
            deps: deps.clone(),
        };
        let previous = ledger.crates.get(package);
        let diff = match previous {
            Some(entry) if ledger::needs_diff(previous, &observed) => {
                let old = last_released_spec(root, wheels, ledger, package, service, entry)?;
                let new = tencentcloud_codegen::spec::load_tree(&spec_root)
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .filter(|v| &v.meta.value.service == service)
                    .collect::<Vec<_>>();
                let old_label = format!("{package} {}", entry.version);
                Some(diff::diff_specs(&old, &new, &old_label, "this release"))
            }
            _ => None,
        };
        let step = ledger::plan(package, previous, &observed, diff.as_ref())?;
        let changelog_path = changelog_dir.join(format!("{package}.md"));
        let existing = std::fs::read_to_string(&changelog_path).ok();
        let changelog = match &step.changelog {
            Some(section) => ledger::prepend(package, existing.as_deref(), section),
            None => existing.unwrap_or_else(|| {
                format!(
                    "# Changelog of {package}\n\n## {} ({source})\n\nReleased.\n",
                    step.entry.version
                )
            }),
        };
        if step.changelog.is_some() {
            planned
                .changelogs
                .insert(package.clone(), changelog.clone());
        }
        if let Some(previous) = previous.filter(|p| p.version != step.entry.version) {
            planned.moved.push((
                package.clone(),
                previous.version.clone(),
                step.entry.version.clone(),
            ));
        }
        let version = Semver::parse(&step.entry.version).map_err(|e| format!("{package}: {e}"))?;
        let mut files = code;
        let manifest = files
            .get(Path::new("Cargo.toml"))
            .ok_or_else(|| format!("{package}: the generator wrote no Cargo.toml"))?;
        let manifest = release_manifest(
            manifest,
            package,
            service,
            &krate.english_name(false),
            version,
        )?;
        files.insert(PathBuf::from("Cargo.toml"), manifest);
        let context = ReadmeContext {
            requirement: &version.requirement(),
            source: &source,
            repository: REPOSITORY,
        };
        files.insert(
            PathBuf::from("README.md"),
            crate_readme::readme(krate, &context),
        );
        files.insert(PathBuf::from("CHANGELOG.md"), changelog);
        let dir = ws.join("generated").join(service);
        write_tree(&dir, &files).map_err(|e| format!("{}: {e}", dir.display()))?;
        ledger.crates.insert(package.clone(), step.entry);
        members.push(format!("generated/{service}"));
        planned.names.insert(package.clone());
        if let Some(version) = krate.versions.last() {
            planned.calls.push(SampleCall {
                package: package.clone(),
                module: version.module.clone(),
                call: crate_readme::example_operation(version)
                    .map(|op| (op.action.clone(), op.method.clone(), op.request.clone())),
            });
        }
    }
    write_workspace_manifest(root, ws, &members)?;
    Ok(planned)
}

/// A keyword crates.io takes: ASCII letters first, then letters, digits,
/// `-` or `_`, at most 20 characters.
fn keyword(word: &str) -> Option<String> {
    let valid = word.len() <= 20
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| word.to_owned())
}

/// The generator's Cargo.toml with the released version and the metadata
/// crates.io and docs.rs read.
fn release_manifest(
    generated: &str,
    package: &str,
    service: &str,
    name: &str,
    version: Semver,
) -> Result<String, String> {
    let mut keywords = vec!["tencentcloud".to_owned(), "tencent-cloud".to_owned()];
    keywords.extend(keyword(service));
    keywords.extend(["sdk".to_owned(), "api".to_owned()]);
    let keywords: Vec<String> = keywords
        .into_iter()
        .take(5)
        .map(|k| tencentcloud_codegen::render::toml_string(&k))
        .collect();
    // `name` is English (`Cloud Virtual Machine (cvm)`, or `cvm` alone):
    // crates.io shows it to everyone.
    let description = format!(
        "Tencent Cloud API bindings for {name}: async, signed, typed calls, \
         with a local mock for tests"
    );
    let mut out = String::new();
    let (mut version_done, mut repository_done) = (false, false);
    for line in generated.lines() {
        if !version_done && line.starts_with("version = ") {
            out.push_str(&format!("version = \"{version}\"\n"));
            version_done = true;
        } else if line.starts_with("description = ") {
            out.push_str(&format!(
                "description = {}\n",
                tencentcloud_codegen::render::toml_string(&description)
            ));
        } else if !repository_done && line.starts_with("repository") {
            out.push_str(line);
            out.push('\n');
            out.push_str(&format!(
                "documentation = \"https://docs.rs/{package}\"\n\
                 readme = \"README.md\"\n\
                 keywords = [{}]\n\
                 categories = [\"api-bindings\", \"web-programming::http-client\"]\n",
                keywords.join(", ")
            ));
            repository_done = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !(version_done && repository_done) {
        return Err(format!(
            "{package}: the generated Cargo.toml has no `version` or `repository` line"
        ));
    }
    out.push_str(
        "\n# docs.rs documents the mock endpoint too.\n\
         [package.metadata.docs.rs]\n\
         features = [\"mock\"]\n",
    );
    Ok(out)
}

/// A runtime crate's manifest as released: the metadata crates.io shows
/// that its Cargo.toml leaves out (readme, keywords, categories) is added
/// to the copy, with a short README if it has none.
fn complete_runtime_manifest(name: &str, files: &mut FileTree) -> Result<(), String> {
    let manifest = files
        .get(Path::new("Cargo.toml"))
        .ok_or_else(|| format!("{name}: no Cargo.toml"))?
        .clone();
    let has = |key: &str| manifest.lines().any(|l| l.starts_with(key));
    let mut extra = String::new();
    if !has("readme") {
        if !files.contains_key(Path::new("README.md")) {
            let description = manifest
                .lines()
                .find_map(|l| l.strip_prefix("description = "))
                .map(|d| d.trim_matches('"').to_owned())
                .unwrap_or_default();
            files.insert(
                PathBuf::from("README.md"),
                format!(
                    "# {name}\n\n{description}.\n\nIt is shared by the generated \
                     `tencentcloud-<service>` crates of [tencentcloud-rs]({REPOSITORY}); \
                     depend on those.\n"
                ),
            );
        }
        extra.push_str("readme = \"README.md\"\n");
    }
    if !has("keywords") {
        extra.push_str("keywords = [\"tencentcloud\", \"tencent-cloud\", \"sdk\", \"api\"]\n");
    }
    if !has("categories") {
        extra.push_str("categories = [\"api-bindings\", \"web-programming::http-client\"]\n");
    }
    if !has("documentation") {
        extra.push_str(&format!("documentation = \"https://docs.rs/{name}\"\n"));
    }
    if extra.is_empty() {
        return Ok(());
    }
    // Right after the [package] table's header.
    let completed = manifest.replacen("[package]\n", &format!("[package]\n{extra}"), 1);
    if completed == manifest {
        return Err(format!("{name}: its Cargo.toml has no `[package]` line"));
    }
    files.insert(PathBuf::from("Cargo.toml"), completed);
    Ok(())
}

/// The release workspace's Cargo.toml: the repository's, with `members`
/// replaced and the workspace dependencies on folders it does not hold
/// (the codegen, unreleased services) left out; and its Cargo.lock.
fn write_workspace_manifest(root: &Path, ws: &Path, members: &[String]) -> Result<(), String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = String::from("# Written by `cargo xtask release`; not part of the repository.\n");
    let mut lines = text.lines();
    let mut saw_members = false;
    while let Some(line) = lines.next() {
        if line.starts_with("members") {
            saw_members = true;
            if !line.contains(']') {
                for rest in lines.by_ref() {
                    if rest.trim_start().starts_with(']') {
                        break;
                    }
                }
            }
            out.push_str("members = [\n");
            for member in members {
                out.push_str(&format!("    {member:?},\n"));
            }
            out.push_str("]\n");
            continue;
        }
        if line.starts_with("exclude") {
            continue;
        }
        if let Some(dir) = path_dependency(line) {
            let manifest = ws.join(dir).join("Cargo.toml");
            if !manifest.is_file() {
                continue;
            }
            // Every crate the release holds is required at the version it
            // is released at (a runtime bumped to 0.2.1, STS for the
            // credentials), never at whatever the workspace line says.
            let text = std::fs::read_to_string(&manifest)
                .map_err(|e| format!("{}: {e}", manifest.display()))?;
            let version = text
                .lines()
                .find_map(|l| l.strip_prefix("version = "))
                .ok_or_else(|| format!("{}: no version", manifest.display()))?;
            out.push_str(&with_version(line, version));
            out.push('\n');
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !saw_members {
        return Err(format!("{}: no `members` list", path.display()));
    }
    let manifest = ws.join("Cargo.toml");
    std::fs::write(&manifest, out).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let lock = root.join("Cargo.lock");
    std::fs::copy(&lock, ws.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    Ok(())
}

/// `line`, a `name = { path = "dir", ... }` dependency, requiring `version`
/// (a quoted TOML string): the one it names is replaced, else it is added.
fn with_version(line: &str, version: &str) -> String {
    if let Some((head, rest)) = line.split_once("version = \"") {
        let tail = rest.split_once('"').map_or("", |(_, tail)| tail);
        return format!("{head}version = {version}{tail}");
    }
    match line.rfind('}') {
        Some(end) => format!(
            "{}, version = {version} {}",
            line[..end].trim_end(),
            &line[end..]
        ),
        None => line.to_owned(),
    }
}

/// `name = { path = "dir", ... }` → `dir`.
fn path_dependency(line: &str) -> Option<&str> {
    let rest = line.split_once("path = \"")?.1;
    rest.split_once('"').map(|(dir, _)| dir)
}

/// `cargo package --workspace --no-verify` in `ws`: every crate checked
/// for its metadata and packaged; the local path dependencies between
/// them are resolved by cargo from the crates packaged with them.
fn package(ws: &Path, target: &Path) -> Result<(), String> {
    run(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(ws)
            .args([
                "package",
                "--workspace",
                "--no-verify",
                "--allow-dirty",
                "--quiet",
            ])
            .env("CARGO_TARGET_DIR", target),
    )
}

/// Moves the `.crate` files of `names` into `staged`, checking each
/// against crates.io's size limit; returns (name, version, bytes).
fn collect(
    packaged: &Path,
    staged: &Path,
    names: &BTreeSet<String>,
) -> Result<Vec<(String, String, u64)>, String> {
    std::fs::create_dir_all(staged).map_err(|e| format!("{}: {e}", staged.display()))?;
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(packaged).map_err(|e| format!("{}: {e}", packaged.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(file) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".crate") else {
            continue;
        };
        let Some((name, version)) = stem.rsplit_once('-') else {
            continue;
        };
        if !names.contains(name) {
            continue;
        }
        let size = std::fs::metadata(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        check_size(name, version, size)?;
        std::fs::rename(&path, staged.join(&file))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        found.push((name.to_owned(), version.to_owned(), size));
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !found.iter().any(|(f, _, _)| f == *n))
        .collect();
    if !missing.is_empty() {
        return Err(format!("cargo package made no .crate for {missing:?}"));
    }
    found.sort();
    let list: String = found
        .iter()
        .map(|(name, version, size)| format!("{name}\t{version}\t{size}\n"))
        .collect();
    let index = staged.join(PACKAGES_FILE);
    std::fs::write(&index, list).map_err(|e| format!("{}: {e}", index.display()))?;
    Ok(found)
}

/// A package crates.io would refuse is an error naming it.
pub fn check_size(name: &str, version: &str, size: u64) -> Result<(), String> {
    if size > CRATES_IO_LIMIT {
        return Err(format!(
            "{name} {version}: the package is {:.2} MB, over crates.io's limit of {:.2} MB \
             ({CRATES_IO_LIMIT} bytes); nothing was released",
            size as f64 / 1e6,
            CRATES_IO_LIMIT as f64 / 1e6
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_dependencies_require_the_released_version() {
        assert_eq!(
            with_version(
                r#"tencentcloud-runtime = { path = "runtime", version = "0.2.0" }"#,
                "\"0.2.1\""
            ),
            r#"tencentcloud-runtime = { path = "runtime", version = "0.2.1" }"#
        );
        assert_eq!(
            with_version(
                r#"tencentcloud-sts = { path = "generated/sts" }"#,
                "\"0.1.3\""
            ),
            r#"tencentcloud-sts = { path = "generated/sts", version = "0.1.3" }"#
        );
    }

    #[test]
    fn a_release_replaces_only_an_earlier_release_or_nothing() {
        let dir = std::env::temp_dir().join(format!("tc-release-out-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(refuse_foreign(&dir), Ok(()), "a new folder");
        std::fs::create_dir_all(&dir).expect("creates");
        assert_eq!(refuse_foreign(&dir), Ok(()), "an empty folder");
        std::fs::write(dir.join("cvm.json"), "{}").expect("writes");
        let refused = refuse_foreign(&dir).expect_err("someone else's files");
        assert!(refused.contains("not a release folder"), "{refused}");
        std::fs::write(dir.join(PACKAGES_FILE), "").expect("writes");
        assert_eq!(refuse_foreign(&dir), Ok(()), "an earlier release");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_oversized_package_is_named() {
        assert_eq!(
            check_size("tencentcloud-x", "0.1.0", CRATES_IO_LIMIT),
            Ok(())
        );
        let error =
            check_size("tencentcloud-x", "0.1.0", CRATES_IO_LIMIT + 1).expect_err("too big");
        assert!(
            error.starts_with("tencentcloud-x 0.1.0: the package is 10.49 MB"),
            "{error}"
        );
    }

    #[test]
    fn the_release_manifest_has_the_metadata() {
        let generated = "# header\n[package]\nname = \"tencentcloud-cvm\"\nversion = \"0.1.0\"\n\
                         description = \"x\"\nrepository.workspace = true\n\n[dependencies]\n";
        let version = Semver::parse("0.3.1").expect("semver");
        let manifest = release_manifest(
            generated,
            "tencentcloud-cvm",
            "cvm",
            "Cloud Virtual Machine (cvm)",
            version,
        )
        .expect("completes");
        assert!(manifest.contains("version = \"0.3.1\"\n"));
        assert!(manifest.contains(
            "description = \"Tencent Cloud API bindings for Cloud Virtual Machine (cvm): \
             async, signed, typed calls, with a local mock for tests\"\n"
        ));
        assert!(manifest.contains("readme = \"README.md\"\n"));
        assert!(manifest.contains(
            "keywords = [\"tencentcloud\", \"tencent-cloud\", \"cvm\", \"sdk\", \"api\"]"
        ));
        assert!(manifest.contains("[package.metadata.docs.rs]\nfeatures = [\"mock\"]\n"));
        assert!(manifest.contains("documentation = \"https://docs.rs/tencentcloud-cvm\""));
        assert!(release_manifest("[package]\n", "x", "x", "x", version).is_err());
        assert_eq!(keyword("1abc"), None);
        assert_eq!(keyword("tke"), Some("tke".into()));
    }

    #[test]
    fn the_workspace_keeps_only_the_folders_it_holds() {
        assert_eq!(
            path_dependency("tencentcloud-runtime = { path = \"runtime\", version = \"0.1.0\" }"),
            Some("runtime")
        );
        assert_eq!(path_dependency("serde = \"1\""), None);
    }
}
