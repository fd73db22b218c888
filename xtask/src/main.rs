//! `cargo xtask <command>`: the maintainer's entry point to the generator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tencentcloud_codegen::files::{diff_tree, write_tree};
use tencentcloud_codegen::{diff, generate, import};

mod scale;

const USAGE: &str = "\
usage:
  cargo xtask gen [--spec <dir>] [--out <dir>] [--services a,b]
                                  regenerate generated/ from api-spec/ (or the given
                                  spec tree into the given folder; only some services)
  cargo xtask check               fail, naming the files, if generated/ is stale
  cargo xtask validate [<dir>]    load and resolve a spec tree (default api-spec/), write nothing
  cargo xtask import tccli <api.json> [--examples <examples.json>] --out <dir>
                                  convert a tccli spec into api-spec files
  cargo xtask import errorcodes <errorcodes.py|errorcodes.json> --out <dir>
                                  write <dir>/errorcodes.json from the official Python SDK's list
  cargo xtask import tccli-all <tccli dir> --out <spec root> [--services a,b] [--latest]
                                  convert every service version of a tccli installation
                                  (the unpacked wheel); --latest keeps each service's newest
  cargo xtask scale-check [--sample] [--tccli <dir>] [--jobs N]
                                  generate every tccli service version (or the CI sample)
                                  as per-service crates under target/scale/ and `cargo check` them
  cargo xtask decode-examples [--sample] [--tccli <dir>] [--jobs N]
                                  decode every example reply of tccli with the generated
                                  types; report the pass rate and the failures by cause
  cargo xtask diff <old> <new>    Markdown report of the API changes between two specs,
                                  each a spec tree, a version folder, or <git-rev>:<path>
                                  (e.g. `origin/main:api-spec`); breaking ones first";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
        Some("check") if args.len() == 1 => check(),
        Some("import") if args.get(1).is_some_and(|a| a == "tccli-all") => {
            scale::import_all_command(&args[2..])
        }
        Some("import") => import_command(&args[1..]),
        Some("scale-check") => scale::scale_check(&args[1..]),
        Some("decode-examples") => scale::decode_examples(&args[1..]),
        Some("diff") if args.len() == 3 => diff(&args[1], &args[2]),
        Some("validate") if args.len() <= 2 => validate(args.get(1).map(PathBuf::from)),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or malformed command\n{USAGE}")),
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

fn gen(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let (mut spec, mut out, mut services) = (root.join("api-spec"), root.join("generated"), vec![]);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--spec" => spec = PathBuf::from(value()?),
            "--out" => out = PathBuf::from(value()?),
            "--services" => services = scale::list_arg(value()?),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let started = std::time::Instant::now();
    let files = generate::generate_services(&spec, &services).map_err(|e| e.to_string())?;
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

fn import_command(args: &[String]) -> Result<(), String> {
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("tccli") => {}
        Some("errorcodes") => return import_error_codes(&args[1..]),
        Some(other) => {
            return Err(format!(
                "unknown import format `{other}`; supported: tccli, errorcodes"
            ))
        }
        None => return Err(format!("import needs a format\n{USAGE}")),
    }
    let (mut api, mut examples, mut out) = (None, None, None);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--examples" => examples = Some(rest.next().ok_or("--examples needs a file")?),
            "--out" => out = Some(rest.next().ok_or("--out needs a folder")?),
            flag if flag.starts_with("--") => return Err(format!("unknown flag `{flag}`")),
            file if api.is_none() => api = Some(file),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    let api = api.ok_or(format!("import tccli needs an api.json\n{USAGE}"))?;
    let out = PathBuf::from(out.ok_or("import needs --out <dir>")?);

    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let api_text = read(api)?;
    let examples_text = examples.map(|path| read(path)).transpose()?;
    let files = import::tccli::import(
        api,
        &api_text,
        examples
            .zip(examples_text.as_deref())
            .map(|(path, text)| (path.as_str(), text)),
    )
    .map_err(|e| e.to_string())?;

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

fn import_error_codes(args: &[String]) -> Result<(), String> {
    let (mut input, mut out) = (None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = Some(rest.next().ok_or("--out needs a folder")?),
            flag if flag.starts_with("--") => return Err(format!("unknown flag `{flag}`")),
            file if input.is_none() => input = Some(file),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    let input = input.ok_or(format!("import errorcodes needs a file\n{USAGE}"))?;
    let out = PathBuf::from(out.ok_or("import needs --out <dir>")?);
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
    let version = tencentcloud_codegen::spec::load_version(&out)
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
