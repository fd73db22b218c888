//! `cargo xtask <command>`: the maintainer's entry point to the generator.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{Command, ImportCommand};

use tencentcloud_codegen::files::{diff_tree, write_generated, write_tree, FileTree};
use tencentcloud_codegen::{diff, generate, import};

mod cli;
mod journey;
mod ledger;
mod registry;
mod release;
mod scale;
mod sources;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen(args),
        Command::Check => check(),
        Command::Validate { dir } => validate(dir),
        Command::Import(ImportCommand::Tccli(args)) => import_tccli(args),
        Command::Import(ImportCommand::TccliAll(args)) => scale::import_all_command(args),
        Command::Import(ImportCommand::Errorcodes { input, out }) => {
            import_error_codes(&input, &out)
        }
        Command::ScaleCheck(args) => scale::scale_check(args),
        Command::DecodeExamples(args) => scale::decode_examples(args),
        Command::Diff { old, new } => diff(&old, &new),
        Command::Release(args) => release::release(args.services, args.out),
        Command::Journey(args) => journey::journey(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

fn gen(args: cli::GenArgs) -> Result<(), String> {
    let root = workspace_root();
    let spec = args.spec.unwrap_or_else(|| root.join("api-spec"));
    let out = args.out.unwrap_or_else(|| root.join("generated"));
    let (services, lang) = (args.services, args.doc_lang);
    let started = std::time::Instant::now();
    let files = generate::generate_in(&spec, &services, lang).map_err(|e| e.to_string())?;
    let generated = started.elapsed();
    // With --services, only their folders are replaced.
    let touched = write_generated(&out, &files, &services)?;
    for path in &touched {
        println!("wrote {}", out.join(path).display());
    }
    eprintln!(
        "generated in {:.3} s, written in {:.3} s",
        generated.as_secs_f64(),
        (started.elapsed() - generated).as_secs_f64()
    );
    println!(
        "{} is up to date: {} files, {} changed",
        out.display(),
        files.len(),
        touched.len()
    );
    print_paginator_report(&files);
    Ok(())
}

/// One line per service version saying how many actions got a paginator
/// and, for versions with a `Stream` switch, how many stream; the lists are
/// in `generated/<service>/PAGINATORS.md` and `STREAMING.md`.
fn print_paginator_report(files: &tencentcloud_codegen::files::FileTree) {
    for (path, text) in files {
        let kind = if path.ends_with("PAGINATORS.md") {
            "paginators"
        } else if path.ends_with("STREAMING.md") {
            "streaming"
        } else {
            continue;
        };
        let service = path.parent().map(Path::display);
        for line in text.lines().filter_map(|l| l.strip_prefix("## ")) {
            if let Some(service) = &service {
                println!("{kind}: {service} {line} (generated/{})", path.display());
            }
        }
    }
}

fn check() -> Result<(), String> {
    let root = workspace_root();
    let files = generate::generate(&root.join("api-spec")).map_err(|e| e.to_string())?;
    let out = root.join("generated");
    let diff = diff_tree(&out, &files).map_err(|e| format!("{}: {e}", out.display()))?;
    if diff.is_empty() {
        println!("generated/ is up to date ({} files)", files.len());
        return Ok(());
    }
    let mut report = String::from("generated/ is stale; run `cargo xtask gen`:");
    for (label, paths) in [
        ("differs", &diff.changed),
        ("missing", &diff.missing),
        ("not generated", &diff.extra),
    ] {
        for path in paths {
            report.push_str(&format!("\n  {label}: generated/{}", path.display()));
        }
    }
    Err(report)
}

fn validate(root: Option<PathBuf>) -> Result<(), String> {
    let root = root.unwrap_or_else(|| workspace_root().join("api-spec"));
    let files = generate::generate(&root).map_err(|e| e.to_string())?;
    println!(
        "{}: valid ({} files would be generated)",
        root.display(),
        files.len()
    );
    Ok(())
}

/// `<rev>:<path>` reads from git (when no such folder exists); anything
/// else is a folder.
fn load_for_diff(spec: &str) -> Result<Vec<tencentcloud_codegen::spec::ServiceVersion>, String> {
    let as_dir = PathBuf::from(spec);
    match spec.split_once(':') {
        Some((rev, path)) if !as_dir.exists() && !rev.is_empty() => {
            diff::load_spec_at_revision(&workspace_root(), rev, path)
                .map_err(|e| format!("{spec}: {e}"))
        }
        _ => diff::load_spec_dir(&as_dir).map_err(|e| format!("{spec}:\n{e}")),
    }
}

fn diff(old: &str, new: &str) -> Result<(), String> {
    let report = diff::diff_specs(&load_for_diff(old)?, &load_for_diff(new)?, old, new);
    print!("{report}");
    Ok(())
}

fn import_tccli(args: cli::TccliArgs) -> Result<(), String> {
    let cli::TccliArgs {
        api,
        examples,
        intl,
        intl_examples,
        out,
    } = args;
    let (api, examples, intl, intl_examples) = (
        &api,
        examples.as_ref(),
        intl.as_ref(),
        intl_examples.as_ref(),
    );
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let api_text = read(api)?;
    let examples_text = examples.map(|path| read(path)).transpose()?;
    let intl_text = intl.map(|path| read(path)).transpose()?;
    let intl_examples_text = intl_examples.map(|path| read(path)).transpose()?;
    let imported = import::tccli::import_with_intl(
        api,
        &api_text,
        examples
            .zip(examples_text.as_deref())
            .map(|(path, text)| (path.as_str(), text)),
        intl.zip(intl_text.as_deref())
            .map(|(path, text)| import::tccli::IntlSource {
                api: (path.as_str(), text),
                examples: intl_examples
                    .zip(intl_examples_text.as_deref())
                    .map(|(path, text)| (path.as_str(), text)),
            }),
    )
    .map_err(|e| e.to_string())?;
    for mismatch in &imported.intl_mismatches {
        eprintln!("kept tccli's shape, without English text: {mismatch}");
    }
    let mut files = imported.files;
    keep_version_extras(&out, &mut files)?;
    // Loaded and resolved as `gen` would, before anything lands in `out`.
    let (service_dir, version) = version_folder(&out)?;
    check_import(service_dir, &BTreeMap::from([(version, &files)]))?;
    let touched = write_tree(&out, &files).map_err(|e| format!("{}: {e}", out.display()))?;
    let actions = files.keys().filter(|p| p.starts_with("actions")).count();
    let types = files.keys().filter(|p| p.starts_with("types")).count();
    println!(
        "imported {actions} actions and {types} types into {} ({} files changed)",
        out.display(),
        touched.len()
    );
    Ok(())
}

/// What other importers or hands maintain in a version folder: a tccli
/// import keeps its files (`errorcodes.json`, `waiters.json`) and the
/// English title and description (`title_en`, `description_en`) of its
/// `service.json`.
pub(crate) fn keep_version_extras(
    out: &Path,
    files: &mut tencentcloud_codegen::files::FileTree,
) -> Result<(), String> {
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    for name in ["errorcodes.json", "waiters.json"] {
        let path = out.join(name);
        if path.exists() {
            files.insert(PathBuf::from(name), read(&path)?);
        }
    }
    let service = out.join("service.json");
    if service.exists() {
        import::keep_english(&read(&service)?, files);
    }
    Ok(())
}

fn import_error_codes(input: &str, out: &Path) -> Result<(), String> {
    if !out.join("service.json").exists() {
        return Err(format!(
            "{}: not a spec version folder (no service.json)",
            out.display()
        ));
    }
    let text = std::fs::read_to_string(input).map_err(|e| format!("{input}: {e}"))?;
    let files = import::errorcodes::import(input, &text).map_err(|e| e.to_string())?;
    // The version with the new list must load and resolve as in `gen`
    // before the list lands: the files `gen` reads, the new list in place.
    let mut version_files = tencentcloud_codegen::spec::read_version_files(out)
        .map_err(|e| format!("the version folder does not load:\n{e}"))?;
    version_files.extend(files.clone());
    let (service_dir, version) = version_folder(out)?;
    check_import(service_dir, &BTreeMap::from([(version, &version_files)]))?;
    // One file among the version's others: write it alone, atomically.
    let mut touched = 0;
    for (path, text) in &files {
        let target = out.join(path);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        let temp = target.with_extension("tmp~");
        std::fs::write(&temp, text)
            .and_then(|()| std::fs::rename(&temp, &target))
            .map_err(|e| format!("{}: {e}", target.display()))?;
        touched += 1;
    }
    println!(
        "imported {} into {} ({} files changed)",
        input,
        out.join(import::errorcodes::FILE_NAME).display(),
        touched
    );
    Ok(())
}

/// `<service>/<version>` as (service folder, version folder name).
fn version_folder(out: &Path) -> Result<(&Path, String), String> {
    let version = out.file_name().and_then(|n| n.to_str());
    let service = out.parent().filter(|p| p.file_name().is_some());
    match (service, version) {
        (Some(service), Some(version)) => Ok((service, version.to_owned())),
        _ => Err(format!(
            "{}: --out must be <service>/<version>",
            out.display()
        )),
    }
}

/// Loads and resolves the service folder `service_dir` as `gen` does, with
/// `imported` (version folder name → its files) in place of what is on
/// disk: an import is written only if `gen` accepts it.
pub(crate) fn check_import(
    service_dir: &Path,
    imported: &BTreeMap<String, &FileTree>,
) -> Result<(), String> {
    use tencentcloud_codegen::spec::{load_version, load_version_from_texts, SpecErrors};
    let mut versions = Vec::new();
    let mut errors = Vec::new();
    let mut add = |loaded| match loaded {
        Ok(version) => versions.push(version),
        Err(SpecErrors(found)) => errors.extend(found),
    };
    // The service's other versions on disk: module names must not clash.
    if let Ok(entries) = std::fs::read_dir(service_dir) {
        let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
            if !name.is_some_and(|n| imported.contains_key(&n)) {
                add(load_version(dir));
            }
        }
    }
    for (version, files) in imported {
        add(load_version_from_texts(&service_dir.join(version), files));
    }
    if !errors.is_empty() {
        return Err(format!("the import does not load:\n{}", SpecErrors(errors)));
    }
    tencentcloud_codegen::resolve::resolve(&versions)
        .map(|_| ())
        .map_err(|e| format!("the import does not resolve:\n{e}"))
}

/// Peak resident memory in bytes: this process's, and the largest of the
/// child processes it waited for (cargo, rustc, pip).
pub(crate) fn peak_memory() -> (u64, u64) {
    let peak = |who| {
        // SAFETY: getrusage writes one plain struct that we own.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } == 0 {
            // Linux reports kilobytes.
            u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
        } else {
            0
        }
    };
    (peak(libc::RUSAGE_SELF), peak(libc::RUSAGE_CHILDREN))
}

/// Runs `command`, failing with its status.
pub(crate) fn run(command: &mut std::process::Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh folder under the system temp dir, removed on drop.
    pub(crate) struct TempDir(pub PathBuf);

    impl TempDir {
        pub(crate) fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("creates the temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// tccli's api.json of a one-action service `thing`, shared with the
    /// importer's other tests (tests/fixtures/tccli/README.md).
    pub(crate) const THING_API: &str = include_str!("../../tests/fixtures/tccli/thing.api.json");

    /// A waiter on an action `thing` does not have: `gen` rejects it.
    pub(crate) const BAD_WAITERS: &str = r#"{"waiters": [{"name": "Ready", "description": "", "action": "DescribeOthers", "ids": "Ids", "items": "Set", "id": "Id", "state": "State", "acceptors": [{"state": "OK", "result": "success"}], "interval_seconds": 5, "timeout_seconds": 60}]}"#;

    #[test]
    fn a_tccli_import_that_gen_rejects_is_not_written() {
        let temp = TempDir::new("import-rejected");
        let api = temp.0.join("api.json");
        std::fs::write(&api, THING_API).expect("writes");
        let out = temp.0.join("spec/thing/2020-01-01");
        std::fs::create_dir_all(&out).expect("creates");
        // The kept waiters.json names an action the import does not have.
        std::fs::write(out.join("waiters.json"), BAD_WAITERS).expect("writes");
        let args = |out: &Path| cli::TccliArgs {
            api: api.display().to_string(),
            examples: None,
            intl: None,
            intl_examples: None,
            out: out.to_owned(),
        };
        let error = import_tccli(args(&out)).expect_err("rejected");
        assert!(
            error.contains("does not resolve") && error.contains("DescribeOthers"),
            "{error}"
        );
        assert!(!out.join("service.json").exists(), "nothing written");
        std::fs::remove_file(out.join("waiters.json")).expect("removes");
        import_tccli(args(&out)).expect("imports");
        assert!(out.join("actions/DescribeThings.json").is_file());
    }

    /// tccli has no English product name: the one kept by hand in
    /// `service.json` survives a re-import.
    #[test]
    fn a_tccli_import_keeps_the_english_title() {
        let temp = TempDir::new("import-title-en");
        let api = temp.0.join("api.json");
        std::fs::write(&api, THING_API).expect("writes");
        let out = temp.0.join("spec/thing/2020-01-01");
        let args = || cli::TccliArgs {
            api: api.display().to_string(),
            examples: None,
            intl: None,
            intl_examples: None,
            out: out.clone(),
        };
        import_tccli(args()).expect("imports");
        let service = out.join("service.json");
        let read = || -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(&service).expect("reads")).expect("JSON")
        };
        assert!(read().get("title_en").is_none(), "tccli has none");
        let mut meta = read();
        meta["title_en"] = "Things".into();
        std::fs::write(&service, meta.to_string()).expect("writes");
        import_tccli(args()).expect("imports again");
        assert_eq!(read()["title_en"], "Things");
    }

    #[test]
    fn a_rejected_error_list_is_not_written() {
        let temp = TempDir::new("errorcodes-rejected");
        let out = temp.0.join("thing/2020-01-01");
        let files = import::tccli::import("api.json", THING_API, None).expect("imports");
        write_tree(&out, &files).expect("writes");
        let list = temp.0.join("codes.json");
        std::fs::write(&list, r#"{"codes": {"A.BC": "x", "A.B_C": "y"}}"#).expect("writes");
        // The folder with the list does not resolve (a bad waiter): no list.
        std::fs::write(out.join("waiters.json"), BAD_WAITERS).expect("writes");
        let input = list.display().to_string();
        assert!(import_error_codes(&input, &out).is_err());
        assert!(!out.join("errorcodes.json").exists(), "nothing written");
        // Without it, the clashing codes import and resolve; what `gen`
        // does not read is not read.
        std::fs::remove_file(out.join("waiters.json")).expect("removes");
        std::fs::write(out.join("notes.txt"), b"\xff not UTF-8").expect("writes");
        import_error_codes(&input, &out).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.join("errorcodes.json").is_file());
    }

    /// The version folder is read as `gen` reads it: a file `gen` rejects
    /// stops the import, named.
    #[test]
    fn an_error_list_for_a_folder_gen_rejects_is_not_written() {
        let temp = TempDir::new("errorcodes-unreadable");
        let out = temp.0.join("thing/2020-01-01");
        let files = import::tccli::import("api.json", THING_API, None).expect("imports");
        write_tree(&out, &files).expect("writes");
        let list = temp.0.join("codes.json");
        std::fs::write(&list, r#"{"codes": {"A.B": "x"}}"#).expect("writes");
        let stray = out.join("actions/notes.txt");
        std::fs::write(&stray, "").expect("writes");
        let input = list.display().to_string();
        let error = import_error_codes(&input, &out).expect_err("refused");
        let expected = format!("{}:1:1: at /: unexpected file", stray.display());
        assert!(error.contains(&expected), "{error}");
        assert!(!out.join("errorcodes.json").exists(), "nothing written");
    }
}
