//! `cargo xtask <command>`: the maintainer's entry point to the generator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{Command, ImportCommand};

use tencentcloud_codegen::files::{diff_tree, write_tree};
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
    let touched = write_tree(&out, &files).map_err(|e| format!("{}: {e}", out.display()))?;
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
    let files = imported.files;

    // Check what was imported with the same loader the generator uses
    // before anything lands in `out`.
    let staging = std::env::temp_dir().join(format!("xtask-import-{}", std::process::id()));
    let staged = stage_and_load(&staging, &out, &files);
    let _ = std::fs::remove_dir_all(&staging);
    staged?;

    let mut files = files;
    keep_version_extras(&out, &mut files)?;
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

/// The files of a version folder that other importers or hands maintain
/// (`errorcodes.json`, `waiters.json`): a tccli import keeps them.
pub(crate) fn keep_version_extras(
    out: &Path,
    files: &mut tencentcloud_codegen::files::FileTree,
) -> Result<(), String> {
    for name in ["errorcodes.json", "waiters.json"] {
        let path = out.join(name);
        if path.exists() {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(PathBuf::from(name), text);
        }
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
    // The same loader and resolver as `gen` must accept the result.
    let version = tencentcloud_codegen::spec::load_version(out)
        .map_err(|e| format!("the imported list does not load:\n{e}"))?;
    tencentcloud_codegen::resolve::resolve(&[version])
        .map_err(|e| format!("the imported list does not resolve:\n{e}"))?;
    println!(
        "imported {} into {} ({} files changed)",
        input,
        out.join(import::errorcodes::FILE_NAME).display(),
        touched
    );
    Ok(())
}

fn stage_and_load(
    staging: &Path,
    out: &Path,
    files: &tencentcloud_codegen::files::FileTree,
) -> Result<(), String> {
    // The loader checks that folder names match service and version.
    let version = out.file_name().ok_or("--out must name a version folder")?;
    let service = out
        .parent()
        .and_then(Path::file_name)
        .ok_or("--out must be <service>/<version>")?;
    let dir = staging.join(service).join(version);
    write_tree(&dir, files).map_err(|e| format!("{}: {e}", dir.display()))?;
    tencentcloud_codegen::spec::load_version(&dir)
        .map(|_| ())
        .map_err(|e| format!("the imported spec does not load:\n{e}"))
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
