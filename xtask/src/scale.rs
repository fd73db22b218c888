//! Every tccli service at once: `import tccli-all`, `scale-check` and
//! `decode-examples`. The tccli wheel is fetched with pip into target/ when
//! no installation is given; nothing of it is committed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tencentcloud_codegen::files::{diff_tree, write_tree, FileTree};
use tencentcloud_codegen::generate;
use tencentcloud_codegen::import::tccli_tree::{self, ImportedVersion};

use crate::cli::{ScaleArgs, TccliAllArgs};
use crate::{run, sources, workspace_root};

/// CI's fixed sample: large and small services, several versions of one
/// service, services with recursive types, keyword fields and odd names
/// (iot has a model named `Action`, like a runtime type), and streaming
/// actions (hunyuan has five, cls one).
pub const SAMPLE: &[&str] = &[
    "cvm", "vpc", "monitor", "sts", "tke", "cls", "ocr", "tmt", "scf", "ssl", "iot", "hunyuan",
];

/// The scale commands' flags, with `--sample` turned into its services.
fn scale_args(mut args: ScaleArgs) -> ScaleArgs {
    if args.sample && args.services.is_empty() {
        args.services = SAMPLE.iter().map(|s| (*s).to_owned()).collect();
    }
    args
}

fn scale_dir() -> PathBuf {
    workspace_root().join("target/scale")
}

/// The unpacked tccli wheel: `given`, or the pinned release
/// (`api-spec/sources.json`), fetched into target/wheels/ the first time.
fn tccli_root(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = given {
        return Ok(dir.to_owned());
    }
    let sources = sources::load(&workspace_root())?;
    sources::unpacked(&wheels_dir(), "tccli", &sources.tccli)
}

/// The pinned tccli-intl-en, unpacked (its English docs are part of the
/// committed specs).
fn intl_root() -> Result<PathBuf, String> {
    let sources = sources::load(&workspace_root())?;
    sources::unpacked(&wheels_dir(), "tccli-intl-en", &sources.tccli_intl_en)
}

fn wheels_dir() -> PathBuf {
    workspace_root().join("target/wheels")
}

/// Imports the selected versions of the installation at `root`.
fn import_versions(
    root: &Path,
    intl: Option<&Path>,
    services: &[String],
    latest: bool,
) -> Result<Vec<ImportedVersion>, String> {
    let found = tccli_tree::find_versions(root).map_err(|e| e.to_string())?;
    let mut selected =
        tccli_tree::select(root, found, services, latest).map_err(|e| e.to_string())?;
    if let Some(intl) = intl {
        selected = tccli_tree::attach_intl(intl, selected).map_err(|e| e.to_string())?;
    }
    tccli_tree::import_all(&selected).map_err(|e| e.to_string())
}

/// One tree for all versions: `<service>/<version>/...`.
fn spec_tree(imported: &[ImportedVersion]) -> FileTree {
    let mut tree = FileTree::new();
    for version in imported {
        let dir = Path::new(&version.service).join(&version.version);
        for (path, text) in &version.files {
            tree.insert(dir.join(path), text.clone());
        }
    }
    tree
}

fn report_skipped(imported: &[ImportedVersion]) {
    let mismatches: Vec<&String> = imported.iter().flat_map(|v| &v.intl_mismatches).collect();
    if !mismatches.is_empty() {
        eprintln!(
            "{} members keep tccli's shape without English text:",
            mismatches.len()
        );
        for mismatch in mismatches {
            eprintln!("  {mismatch}");
        }
    }
    let skipped: Vec<&String> = imported.iter().flat_map(|v| &v.skipped_examples).collect();
    if !skipped.is_empty() {
        eprintln!("{} examples left out (not importable):", skipped.len());
        for line in skipped {
            eprintln!("  {line}");
        }
    }
}

/// `import tccli-all <tccli dir> --out <spec root> [--services a,b] [--latest]`.
pub fn import_all_command(args: TccliAllArgs) -> Result<(), String> {
    let TccliAllArgs {
        tccli: root,
        out,
        services,
        latest,
        mut intl,
    } = args;
    // Without a folder: the pinned releases, fetched and checked.
    let root = match root {
        Some(root) => root,
        None => {
            intl = Some(intl.map_or_else(intl_root, Ok)?);
            tccli_root(None)?
        }
    };
    let imported = import_versions(&root, intl.as_deref(), &services, latest)?;
    report_skipped(&imported);
    let count = imported.len();
    let changed = write_imported(&out, imported)?;
    println!("imported {count} service versions ({changed} files changed)");
    Ok(())
}

/// Writes each imported version to `<out>/<service>/<version>/`, keeping
/// its error codes and waiters, once every service loads and resolves as
/// `gen` would: a bad import writes nothing. Each version folder is
/// replaced whole; other folders under `out` (other versions and services,
/// the schema) stay. Returns how many files changed.
fn write_imported(out: &Path, mut imported: Vec<ImportedVersion>) -> Result<usize, String> {
    for version in &mut imported {
        let dir = out.join(&version.service).join(&version.version);
        crate::keep_version_extras(&dir, &mut version.files)?;
    }
    let mut by_service: BTreeMap<&str, BTreeMap<String, &FileTree>> = BTreeMap::new();
    for version in &imported {
        by_service
            .entry(&version.service)
            .or_default()
            .insert(version.version.clone(), &version.files);
    }
    for (service, versions) in &by_service {
        crate::check_import(&out.join(service), versions).map_err(|e| format!("{service}: {e}"))?;
    }
    let mut changed = 0;
    for version in &imported {
        let dir = out.join(&version.service).join(&version.version);
        changed += write_tree(&dir, &version.files)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .len();
        println!("imported {} into {}", version.service, dir.display());
    }
    Ok(changed)
}

/// Imports and generates the selected services under target/scale/ and
/// writes a workspace around them; returns the service crate folders.
#[allow(clippy::type_complexity)]
fn generate_scale_workspace(
    args: &ScaleArgs,
    with_decoder: bool,
) -> Result<(Vec<String>, Vec<(String, String, String)>), String> {
    let root = tccli_root(args.tccli.as_deref())?;
    let dir = scale_dir();
    let started = Instant::now();
    let imported = import_versions(&root, None, &args.services, false)?;
    report_skipped(&imported);
    let spec_root = dir.join("api-spec");
    write_tree(&spec_root, &spec_tree(&imported))
        .map_err(|e| format!("{}: {e}", spec_root.display()))?;
    eprintln!(
        "imported {} service versions in {:.1} s",
        imported.len(),
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let files = generate::generate(&spec_root).map_err(|e| e.to_string())?;
    eprintln!(
        "generated {} files in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    let generated = dir.join("generated");
    write_tree(&generated, &files).map_err(|e| format!("{}: {e}", generated.display()))?;

    let mut services: Vec<String> = imported.iter().map(|v| v.service.clone()).collect();
    services.dedup();
    write_workspace(&dir, &services, with_decoder)?;
    let versions = imported
        .iter()
        .map(|v| (v.service.clone(), v.version.clone(), v.folder.clone()))
        .collect();
    Ok((services, versions))
}

/// target/scale/Cargo.toml: the generated crates over the repository's
/// runtime, with the repository's lock file so versions match.
fn write_workspace(dir: &Path, services: &[String], with_decoder: bool) -> Result<(), String> {
    let repo = workspace_root();
    let root_manifest =
        std::fs::read_to_string(repo.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let dependency = |name: &str| {
        root_manifest
            .lines()
            .find(|line| line.starts_with(&format!("{name} = ")))
            .map(str::to_owned)
            .ok_or(format!("Cargo.toml has no workspace dependency `{name}`"))
    };
    let mut members: Vec<String> = services
        .iter()
        .map(|s| format!("    \"generated/{s}\",\n"))
        .collect();
    if with_decoder {
        members.push("    \"decode-examples\",\n".to_owned());
    }
    let manifest = format!(
        "# Written by `cargo xtask scale-check`; not part of the repository.\n\
         [workspace]\n\
         resolver = \"2\"\n\
         members = [\n{members}]\n\
         \n\
         [workspace.package]\n\
         edition = \"2021\"\n\
         license = \"Apache-2.0\"\n\
         rust-version = \"1.80\"\n\
         repository = \"https://github.com/tencentcloud-rs/tencentcloud-rs\"\n\
         \n\
         [workspace.dependencies]\n\
         tencentcloud-runtime = {{ path = {runtime:?} }}\n\
         tencentcloud-mock = {{ path = {mock:?} }}\n\
         tencentcloud-stream = {{ path = {stream:?} }}\n\
         tencentcloud-codegen = {{ path = {codegen:?} }}\n\
         {serde}\n{serde_json}\n\
         \n\
         # Debuginfo for ~16,000 actions would take many GB of disk.\n\
         [profile.dev]\n\
         debug = false\n",
        members = members.concat(),
        runtime = repo.join("runtime").display().to_string(),
        mock = repo.join("mock").display().to_string(),
        stream = repo.join("stream").display().to_string(),
        codegen = repo.join("codegen").display().to_string(),
        serde = dependency("serde")?,
        serde_json = dependency("serde_json")?,
    );
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("Cargo.toml", &manifest)?;
    let lock =
        std::fs::read_to_string(repo.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    write("Cargo.lock", &lock)
}

/// Every committed `api-spec/<service>/<version>/` that tccli also has
/// must be exactly its import, with the pinned tccli-intl-en's English
/// docs: the committed specs are never hand-edited, but for what an import
/// keeps ([`crate::keep_version_extras`]).
fn check_committed_specs(tccli: &Path) -> Result<(), String> {
    let spec_root = workspace_root().join("api-spec");
    let found = tccli_tree::find_versions(tccli).map_err(|e| e.to_string())?;
    let committed: Vec<_> = found
        .into_iter()
        .filter(|v| spec_root.join(&v.service).is_dir())
        .collect();
    let committed = tccli_tree::attach_intl(&intl_root()?, committed).map_err(|e| e.to_string())?;
    let mut stale = Vec::new();
    for mut version in tccli_tree::import_all(&committed).map_err(|e| e.to_string())? {
        let dir = spec_root.join(&version.service).join(&version.version);
        if !dir.is_dir() {
            continue;
        }
        // Error codes, waiters and the English title come from elsewhere;
        // an import keeps them.
        crate::keep_version_extras(&dir, &mut version.files)?;
        let diff =
            diff_tree(&dir, &version.files).map_err(|e| format!("{}: {e}", dir.display()))?;
        if !diff.is_empty() {
            stale.push(format!(
                "  api-spec/{}/{}: {diff:?}",
                version.service, version.version
            ));
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "committed specs differ from their import of {}:\n{}",
            tccli.display(),
            stale.join("\n")
        ))
    }
}

/// `scale-check [--sample] [--tccli <dir>] [--jobs N] [--services a,b]`.
pub fn scale_check(args: ScaleArgs) -> Result<(), String> {
    let args = scale_args(args);
    check_committed_specs(&tccli_root(args.tccli.as_deref())?)?;
    let (services, _) = generate_scale_workspace(&args, false)?;
    let dir = scale_dir();
    let started = Instant::now();
    run(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&dir)
            .args([
                "check",
                "--workspace",
                "--all-features",
                "--keep-going",
                "--quiet",
            ])
            .arg("--jobs")
            .arg(args.jobs.to_string())
            .env("CARGO_TARGET_DIR", dir.join("target"))
            // A warning in generated code is a generator bug (e.g. a model
            // hidden behind an import of the same name).
            .env("RUSTFLAGS", "-D warnings"),
    )?;
    println!(
        "scale-check: {} service crates check clean ({:.0} s of cargo check)",
        services.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `decode-examples [--sample] [--tccli <dir>] [--jobs N] [--services a,b]`:
/// builds a checker over the generated crates and runs it.
pub fn decode_examples(args: ScaleArgs) -> Result<(), String> {
    let args = scale_args(args);
    let root = tccli_root(args.tccli.as_deref())?;
    let services_dir = tccli_tree::services_dir(&root).map_err(|e| e.to_string())?;
    let (services, versions) = generate_scale_workspace(&args, true)?;
    let dir = scale_dir();
    write_decoder_crate(&dir, &services, &versions)?;
    let report = dir.join("decode-report.txt");
    let started = Instant::now();
    run(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&dir)
            .args(["run", "--quiet", "-p", "decode-examples"])
            .arg("--jobs")
            .arg(args.jobs.to_string())
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .arg("--")
            .arg(dir.join("api-spec"))
            .arg(&services_dir)
            .arg(&report),
    )?;
    println!(
        "decode-examples: full list in {} ({:.0} s to build and run)",
        report.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// target/scale/decode-examples: a binary that hands every version's
/// generated `mock::decode_reply` to the codegen's example check.
fn write_decoder_crate(
    dir: &Path,
    services: &[String],
    versions: &[(String, String, String)],
) -> Result<(), String> {
    let crate_dir = dir.join("decode-examples");
    let mut manifest = String::from(
        "# Written by `cargo xtask decode-examples`; not part of the repository.\n\
         [package]\nname = \"decode-examples\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ntencentcloud-codegen.workspace = true\nserde_json.workspace = true\n",
    );
    for service in services {
        manifest.push_str(&format!(
            "tencentcloud-{service} = {{ path = \"../generated/{service}\", features = [\"mock\"] }}\n"
        ));
    }
    let mut table = String::new();
    for (service, version, folder) in versions {
        let krate = format!("tencentcloud_{}", service.replace('-', "_"));
        let module = tencentcloud_codegen::naming::sanitize(
            version,
            tencentcloud_codegen::naming::NameKind::Module,
        );
        table.push_str(&format!(
            "        ({service:?}, {version:?}, {folder:?}, decoder!({krate}::{module}::mock::decode_reply)),\n"
        ));
    }
    let main = format!(
        "// Written by `cargo xtask decode-examples`; not part of the repository.\n\
         use tencentcloud_codegen::example_check::{{check_tree, VersionDecoder}};\n\n\
         macro_rules! decoder {{\n    ($path:path) => {{\n        \
         &|action: &str, body: &[u8]| $path(action, body).map(|r| r.map_err(|e| e.to_string()))\n    }};\n}}\n\n\
         fn main() -> std::process::ExitCode {{\n    \
         let args: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();\n    \
         let versions: &[VersionDecoder] = &[\n{table}    ];\n    \
         let report = match check_tree(&args[0], &args[1], versions) {{\n        \
         Ok(report) => report,\n        \
         Err(e) => {{\n            eprintln!(\"error: {{e}}\");\n            return std::process::ExitCode::FAILURE;\n        }}\n    }};\n    \
         if let Err(e) = std::fs::write(&args[2], report.to_string()) {{\n        \
         eprintln!(\"error: {{}}: {{e}}\", args[2].display());\n    }}\n    \
         print!(\"{{}}\", report.summary(5));\n    \
         if report.generator_bugs() == 0 {{\n        std::process::ExitCode::SUCCESS\n    }} else {{\n        \
         std::process::ExitCode::FAILURE\n    }}\n}}\n"
    );
    let files = FileTree::from([
        (PathBuf::from("Cargo.toml"), manifest),
        (PathBuf::from("src/main.rs"), main),
    ]);
    write_tree(&crate_dir, &files).map_err(|e| format!("{}: {e}", crate_dir.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{TempDir, BAD_WAITERS, THING_API};
    use tencentcloud_codegen::import::tccli;

    fn imported(api: &str) -> ImportedVersion {
        let imported = tccli::import_skipping_bad_replies("api.json", api, None, None)
            .unwrap_or_else(|e| panic!("{e}"));
        ImportedVersion {
            service: imported.service,
            version: imported.version,
            folder: "v20200101".into(),
            files: imported.files,
            skipped_examples: Vec::new(),
            intl_mismatches: Vec::new(),
        }
    }

    #[test]
    fn tccli_all_writes_nothing_until_every_service_resolves() {
        let temp = TempDir::new("tccli-all");
        let out = temp.0.join("spec");
        let other = THING_API.replace("\"thing\"", "\"other\"");
        // `thing` keeps a waiter on an action it does not have.
        let kept = out.join("thing/2020-01-01");
        std::fs::create_dir_all(&kept).expect("creates");
        std::fs::write(kept.join("waiters.json"), BAD_WAITERS).expect("writes");
        let error = write_imported(&out, vec![imported(&other), imported(THING_API)])
            .expect_err("rejected");
        assert!(
            error.starts_with("thing: the import does not resolve"),
            "{error}"
        );
        assert!(!out.join("other").exists() && !kept.join("service.json").exists());

        std::fs::remove_file(kept.join("waiters.json")).expect("removes");
        let changed = write_imported(&out, vec![imported(&other), imported(THING_API)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(changed, 4);
        assert!(out
            .join("other/2020-01-01/actions/DescribeThings.json")
            .is_file());
    }

    /// `import tccli-all` replaces a version folder whole, but keeps the
    /// English title kept by hand in its `service.json`.
    #[test]
    fn tccli_all_keeps_the_english_title() {
        let temp = TempDir::new("tccli-all-title-en");
        let out = temp.0.join("spec");
        write_imported(&out, vec![imported(THING_API)]).unwrap_or_else(|e| panic!("{e}"));
        let service = out.join("thing/2020-01-01/service.json");
        let read = || -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(&service).expect("reads")).expect("JSON")
        };
        let mut meta = read();
        meta["title_en"] = "Things".into();
        std::fs::write(&service, meta.to_string()).expect("writes");
        write_imported(&out, vec![imported(THING_API)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read()["title_en"], "Things");
    }
}
