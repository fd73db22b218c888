//! The runtime is four crates (issue 13): a program with fixed keys and
//! one service compiles the core only, neither the credential providers,
//! the mock, nor (unless its actions stream) the streaming crate. Checked on the dependency graph cargo resolves.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// Package name → its dependencies of `kind` (None: normal), optional ones
/// included or not.
fn dependencies(metadata: &Value, package: &str, optional: bool) -> BTreeSet<String> {
    find(metadata, package)["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["kind"].is_null() && (optional || d["optional"] != true))
        .map(|d| d["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// The workspace package named `package`.
fn find<'m>(metadata: &'m Value, package: &str) -> &'m Value {
    let packages = metadata["packages"].as_array().expect("packages");
    packages
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("{package} is in the workspace"))
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON")
}

#[test]
fn a_service_crate_needs_only_the_core_unless_its_mock_is_asked_for() {
    let metadata = metadata();
    for service in [
        "tencentcloud-cvm",
        "tencentcloud-hunyuan",
        "tencentcloud-sts",
    ] {
        let required = dependencies(&metadata, service, false);
        let ours: Vec<&String> = required
            .iter()
            .filter(|d| d.starts_with("tencentcloud-"))
            .collect();
        // Streamed replies come with the crates whose actions stream.
        let expected: &[&str] = match service {
            "tencentcloud-hunyuan" => &["tencentcloud-runtime", "tencentcloud-stream"],
            _ => &["tencentcloud-runtime"],
        };
        assert_eq!(ours, expected, "{service}: {required:?}");
        // The mock comes only with the `mock` feature.
        assert!(dependencies(&metadata, service, true).contains("tencentcloud-mock"));
    }
}

#[test]
fn the_core_depends_on_no_other_crate_of_ours() {
    let metadata = metadata();
    let core = dependencies(&metadata, "tencentcloud-runtime", true);
    assert!(
        core.iter().all(|d| !d.starts_with("tencentcloud-")),
        "{core:?}"
    );
    // No server side in the core: hyper's server is the mock's.
    assert!(!core.contains("hyper"), "{core:?}");
    // The streaming crate builds on the core alone.
    let stream = dependencies(&metadata, "tencentcloud-stream", true);
    let ours: Vec<&String> = stream
        .iter()
        .filter(|d| d.starts_with("tencentcloud-"))
        .collect();
    assert_eq!(ours, ["tencentcloud-runtime"], "{stream:?}");
    // The providers call STS through the generated client.
    let credentials = dependencies(&metadata, "tencentcloud-credentials", false);
    assert!(credentials.contains("tencentcloud-sts"), "{credentials:?}");
    assert!(
        !credentials.contains("tencentcloud-mock"),
        "{credentials:?}"
    );
}

/// Calling by name with JSON and strict JSON input are the `json`
/// feature's: a service crate turns the core's on with its own (and with
/// `mock`, which needs it), and without it the core leaves them, and
/// `strsim`, out. CI builds the core and a service crate that way.
#[test]
fn json_input_and_calls_by_name_come_only_with_the_json_feature() {
    let metadata = metadata();
    let core = find(&metadata, "tencentcloud-runtime");
    assert_eq!(core["features"]["json"], serde_json::json!(["dep:strsim"]));
    let required = dependencies(&metadata, "tencentcloud-runtime", false);
    assert!(!required.contains("strsim"), "{required:?}");
    for service in [
        "tencentcloud-cvm",
        "tencentcloud-hunyuan",
        "tencentcloud-sts",
    ] {
        let features = &find(&metadata, service)["features"];
        assert_eq!(
            features["json"],
            serde_json::json!(["tencentcloud-runtime/json"]),
            "{service}"
        );
        let mock = features["mock"].as_array().expect("a mock feature");
        assert!(
            mock.contains(&serde_json::json!("json")),
            "{service}: {mock:?}"
        );
    }
}
