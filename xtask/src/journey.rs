//! `cargo xtask journey [--services a,b | --all] [--crates DIR]`: a user's
//! journey from the packages to a working call.
//!
//! 1. The release folder (`cargo xtask release`'s output: `.crate` files and
//!    an `index/`) is a cargo local registry on disk.
//! 2. A fresh project under target/journey/app, outside the workspace, depends
//!    on `tencentcloud-<service> = "<major.minor>"` as a user writes it. Its
//!    `.cargo/config.toml` patches those names to a registry whose source is
//!    replaced by the local one (source replacement); everything else still
//!    comes from crates.io.
//! 3. It builds, starts each service's mock on 127.0.0.1 and calls it over
//!    HTTP, checking that the mock saw the call.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cli::JourneyArgs;
use crate::ledger::Semver;
use crate::release::{self, SampleCall};
use crate::{run, workspace_root};

/// CI's sample.
pub const SAMPLE: &[&str] = &["cvm", "lighthouse"];

/// The registry name the patches point at; its source is replaced.
const REGISTRY: &str = "tencentcloud-release";

pub fn journey(args: JourneyArgs) -> Result<(), String> {
    let root = workspace_root();
    let dir = root.join("target/journey");
    let services: Vec<String> = if args.all {
        Vec::new()
    } else if args.services.is_empty() {
        SAMPLE.iter().map(|s| (*s).to_owned()).collect()
    } else {
        args.services
    };
    let started = Instant::now();
    // The packages of the services and their runtime, as a release makes
    // them (the ledger is read, never written).
    // Its release has only the journey's services: never over another one.
    if let Some(given) = &args.crates {
        if given.join(release::PACKAGES_FILE).is_file() {
            return Err(format!(
                "{}: already holds a release; the journey writes its own packages \
                 there, so choose another folder or leave out --crates",
                given.display()
            ));
        }
    }
    let crates = args.crates.unwrap_or_else(|| dir.join("crates"));
    let report = release::release_in(&root, &services, &crates, false)?;
    eprintln!(
        "journey: {} packages in {} ({:.1} s)",
        report.packages.len(),
        crates.display(),
        started.elapsed().as_secs_f64()
    );
    if let Some(home) = cargo_home() {
        forget_unpacked(&home, &report.packages)?;
    }
    let app = dir.join("app");
    let _ = std::fs::remove_dir_all(&app);
    write_app(&app, &crates, &report.packages, &report.calls)?;
    let target = dir.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Instant::now();
    run(Command::new(&cargo)
        .current_dir(&app)
        .args(["build", "--quiet"])
        .env("CARGO_TARGET_DIR", &target)
        // The app is not part of this workspace and has no lock file yet.
        .env_remove("CARGO_BUILD_TARGET_DIR"))?;
    let build_time = build.elapsed();
    run(Command::new(target.join("debug/journey-app")).current_dir(&app))?;
    let (_, children) = crate::peak_memory();
    println!(
        "journey: a fresh project built against {} crates from the local registry in {:.1} s \
         and called {} services on the mock; {:.1} s in all, largest child process {:.0} MB",
        report.calls.len(),
        build_time.as_secs_f64(),
        report.calls.iter().filter(|c| c.call.is_some()).count(),
        started.elapsed().as_secs_f64(),
        children as f64 / 1e6
    );
    Ok(())
}

/// Cargo unpacks a local registry's packages into
/// `$CARGO_HOME/registry/src/-<hash>/<name>-<version>/` once and reuses that
/// copy from then on: a package rebuilt since an earlier journey, at the
/// same version, would be compiled from its old sources. Those copies are
/// removed first (a local registry's folder name starts with `-`; crates.io's
/// are left alone).
fn forget_unpacked(home: &Path, packages: &[(String, String, u64)]) -> Result<(), String> {
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for (name, version, _) in packages {
            let unpacked = registry.path().join(format!("{name}-{version}"));
            if unpacked.exists() {
                std::fs::remove_dir_all(&unpacked)
                    .map_err(|e| format!("{}: {e}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// Where cargo keeps its registries: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    match (std::env::var_os("CARGO_HOME"), std::env::var_os("HOME")) {
        (Some(home), _) => Some(PathBuf::from(home)),
        (None, Some(home)) => Some(PathBuf::from(home).join(".cargo")),
        (None, None) => None,
    }
}

/// The app: Cargo.toml as a user writes it, the registry setup in
/// `.cargo/config.toml`, and a main that calls each service's mock.
fn write_app(
    app: &Path,
    registry: &Path,
    packages: &[(String, String, u64)],
    calls: &[SampleCall],
) -> Result<(), String> {
    let registry =
        std::path::absolute(registry).map_err(|e| format!("{}: {e}", registry.display()))?;
    let requirement = |package: &str| -> Result<String, String> {
        let (_, version, _) = packages
            .iter()
            .find(|(name, _, _)| name == package)
            .ok_or_else(|| format!("{package}: not in the release"))?;
        Ok(Semver::parse(version)?.requirement())
    };
    let mut manifest = String::from(
        "# Written by `cargo xtask journey`: a user's project.\n\
         [package]\nname = \"journey-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
    );
    for call in calls {
        let _ = writeln!(
            manifest,
            "{} = {{ version = \"{}\", features = [\"mock\"] }}",
            call.package,
            requirement(&call.package)?
        );
    }
    // Not a member of the repository's workspace.
    manifest.push_str("\n[workspace]\n");
    let url = format!("sparse+https://{REGISTRY}.invalid/index/");
    let mut config = format!(
        "# Written by `cargo xtask journey`. Our crates are not on crates.io yet:\n\
         # the names are patched to a registry whose source is the local one.\n\
         [registries.{REGISTRY}]\nindex = \"{url}\"\n\n\
         [source.{REGISTRY}]\nregistry = \"{url}\"\nreplace-with = \"{REGISTRY}-local\"\n\n\
         [source.{REGISTRY}-local]\nlocal-registry = {registry:?}\n\n\
         [patch.crates-io]\n",
        registry = registry.display().to_string()
    );
    for (name, version, _) in packages {
        let _ = writeln!(
            config,
            "{name} = {{ version = \"{}\", registry = \"{REGISTRY}\" }}",
            Semver::parse(version)?.requirement()
        );
    }
    let mut main = String::from(
        "// Written by `cargo xtask journey`: each service called on its mock.\n\
         #[tokio::main]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    for call in calls {
        let krate = call.package.replace('-', "_");
        let module = &call.module;
        let _ = writeln!(
            main,
            "    {{\n        \
             use {krate}::{module}::{{mock, Client}};\n        \
             let credentials = {krate}::Credentials::new(\"AKIDjourney\", \"journey-key\");\n        \
             let server = mock::builder().credentials(credentials.clone()).start().await?;\n        \
             let client = Client::new({krate}::ClientConfig::new(credentials).endpoint(server.url()))?;"
        );
        match &call.call {
            Some((action, method, request)) => {
                let _ = writeln!(
                    main,
                    "        let reply = client.{method}({krate}::{module}::{request}::new()).await?;\n        \
                     assert_eq!(server.request_count({action:?}), 1, \"the mock saw {action}\");\n        \
                     println!(\"{} {{}}: {action} answered ({{}} bytes of reply)\", server.url(), format!(\"{{reply:?}}\").len());",
                    call.package
                );
            }
            None => {
                let _ = writeln!(
                    main,
                    "        let _ = client;\n        \
                     println!(\"{} {{}}: every action needs params; client built\", server.url());",
                    call.package
                );
            }
        }
        main.push_str("    }\n");
    }
    main.push_str("    Ok(())\n}\n");
    let files = tencentcloud_codegen::files::FileTree::from([
        (PathBuf::from("Cargo.toml"), manifest),
        (PathBuf::from(".cargo/config.toml"), config),
        (PathBuf::from("src/main.rs"), main),
    ]);
    tencentcloud_codegen::files::write_tree(app, &files)
        .map_err(|e| format!("{}: {e}", app.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::forget_unpacked;

    #[test]
    fn earlier_unpacked_copies_of_local_packages_are_forgotten() {
        let home = std::env::temp_dir().join(format!("journey-home-{}", std::process::id()));
        let local = home.join("registry/src/-4a42909b36b2547b/tencentcloud-cvm-0.2.0");
        let other = home.join("registry/src/-4a42909b36b2547b/tencentcloud-cvm-0.1.0");
        let crates_io =
            home.join("registry/src/index.crates.io-1949cf8c6b5b557f/tencentcloud-cvm-0.2.0");
        for dir in [&local, &other, &crates_io] {
            std::fs::create_dir_all(dir.join("src")).expect("a scratch folder");
        }
        let packages = [("tencentcloud-cvm".to_owned(), "0.2.0".to_owned(), 0)];
        forget_unpacked(&home, &packages).expect("removes");
        assert!(!local.exists());
        // Other versions, and crates.io's copies, stay.
        assert!(other.exists() && crates_io.exists());
        // No registry folder at all is not an error.
        forget_unpacked(&home.join("none"), &packages).expect("nothing to do");
        std::fs::remove_dir_all(&home).expect("cleans up");
    }
}
