//! `cargo xtask diff`'s report: every kind of change and its impact on
//! small specs, the real CVM update from tccli 3.0.900.1 to the committed
//! import (a snapshot), and specs read from git revisions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tencentcloud_codegen::diff::{diff_specs, load_spec_at_revision, Impact, SpecDiff};
use tencentcloud_codegen::import::tccli;
use tencentcloud_codegen::spec::{load_version_from_texts, ServiceVersion};
use tencentcloud_tests::{copy_tree, fixture_spec_root, temp_dir, workspace_root};

const VERSION_DIR: &str = "fixture/2020-01-01";

/// The fixture's API 3.0 version as path → text, to edit in memory.
fn fixture_files() -> BTreeMap<PathBuf, String> {
    let dir = fixture_spec_root().join(VERSION_DIR);
    let mut files = BTreeMap::new();
    for folder in ["", "actions", "types"] {
        for entry in std::fs::read_dir(dir.join(folder)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let relative = path.strip_prefix(&dir).expect("under dir").to_owned();
                files.insert(relative, std::fs::read_to_string(&path).expect("reads"));
            }
        }
    }
    files
}

fn load(files: &BTreeMap<PathBuf, String>) -> ServiceVersion {
    load_version_from_texts(Path::new(VERSION_DIR), files).unwrap_or_else(|e| panic!("{e}"))
}

/// Edits one JSON file of the fixture with `edit`.
fn edited(path: &str, edit: impl FnOnce(&mut Value)) -> BTreeMap<PathBuf, String> {
    let mut files = fixture_files();
    let text = &files[Path::new(path)];
    let mut json: Value = serde_json::from_str(text).expect("fixture JSON");
    edit(&mut json);
    files.insert(
        path.into(),
        serde_json::to_string_pretty(&json).expect("JSON"),
    );
    files
}

/// The only change between the fixture and `new`.
fn only_change(new: &BTreeMap<PathBuf, String>) -> (Impact, String) {
    let diff = diff_specs(&[load(&fixture_files())], &[load(new)], "old", "new");
    let changes: Vec<_> = diff.versions.iter().flat_map(|v| &v.changes).collect();
    assert_eq!(changes.len(), 1, "{diff}");
    (
        changes[0].impact,
        format!("{}: {}", changes[0].subject, changes[0].what),
    )
}

const THING: &str = "actions/CreateThing.json";

fn field(name: &str, ty: &str, required: bool) -> Value {
    serde_json::json!({"name": name, "type": ty, "required": required, "description": "d"})
}

#[test]
fn an_unchanged_spec_has_no_changes() {
    let diff = diff_specs(
        &[load(&fixture_files())],
        &[load(&fixture_files())],
        "a",
        "b",
    );
    assert_eq!((diff.breaking(), diff.not_breaking()), (0, 0));
    assert!(diff.to_string().contains("No changes."), "{diff}");
}

#[test]
fn input_fields_break_when_required_or_removed() {
    let added_optional = edited(THING, |j| {
        j["input"]
            .as_array_mut()
            .unwrap()
            .push(field("Extra", "int64", false))
    });
    assert_eq!(
        only_change(&added_optional),
        (
            Impact::NotBreaking,
            "action `CreateThing`: Added input field `Extra` (`int64`).".into()
        )
    );
    let added_required = edited(THING, |j| {
        j["input"]
            .as_array_mut()
            .unwrap()
            .push(field("Extra", "int64", true))
    });
    assert_eq!(only_change(&added_required).0, Impact::Breaking);
    let removed = edited(THING, |j| {
        j["input"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f["name"] != "DryRun")
    });
    assert_eq!(
        only_change(&removed),
        (
            Impact::Breaking,
            "action `CreateThing`: Removed input field `DryRun` (`bool`).".into()
        )
    );
    let now_optional = edited(THING, |j| j["input"][1]["required"] = false.into());
    let (impact, text) = only_change(&now_optional);
    assert_eq!(impact, Impact::Breaking);
    assert!(text.contains("Input field `Ids` is now optional"), "{text}");
}

#[test]
fn type_changes_break_only_when_the_rust_type_changes() {
    let int_to_string = edited(THING, |j| j["input"][3]["type"] = "string".into());
    assert_eq!(
        only_change(&int_to_string),
        (
            Impact::Breaking,
            "action `CreateThing`: Input field `DryRun` changed type: `bool` → `string` (Rust `bool` → `String`).".into()
        )
    );
    // `string` and `datetime` are both `String` in Rust.
    let to_datetime = edited(THING, |j| j["input"][2]["type"] = "datetime".into());
    assert_eq!(only_change(&to_datetime).0, Impact::NotBreaking);
}

#[test]
fn outputs_and_actions() {
    let added_output = edited(THING, |j| {
        j["output"]
            .as_array_mut()
            .unwrap()
            .push(field("New", "string", false))
    });
    assert_eq!(only_change(&added_output).0, Impact::NotBreaking);
    let removed_output = edited(THING, |j| {
        j["output"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f["name"] != "Warnings")
    });
    assert_eq!(only_change(&removed_output).0, Impact::Breaking);
    let deprecated = edited(THING, |j| j["status"] = "deprecated".into());
    assert_eq!(
        only_change(&deprecated),
        (
            Impact::NotBreaking,
            "action `CreateThing`: Deprecated.".into()
        )
    );

    let mut removed_action = fixture_files();
    removed_action.remove(Path::new(THING));
    let (impact, text) = only_change(&removed_action);
    assert_eq!(impact, Impact::Breaking);
    assert!(text.starts_with("action `CreateThing`: Removed"), "{text}");

    let mut added_action = fixture_files();
    let copy = added_action[Path::new(THING)].replace("CreateThing", "CreateOther");
    added_action.insert("actions/CreateOther.json".into(), copy);
    assert_eq!(
        only_change(&added_action),
        (
            Impact::NotBreaking,
            "action `CreateOther`: Added: Create a thing".into()
        )
    );
}

/// tccli's CVM spec of one release (a vendored file), imported in memory as
/// `cargo xtask import tccli` would.
fn import_vendored(file: &str, folder: &str) -> ServiceVersion {
    let fixtures = workspace_root().join("tests/fixtures/tccli");
    let api = std::fs::read_to_string(fixtures.join(file)).expect("the tccli spec is vendored");
    let files = tccli::import(file, &api, None).expect("the spec imports");
    load_version_from_texts(Path::new(folder), &files).unwrap_or_else(|e| panic!("{e}"))
}

/// A real update: CVM from tccli 3.0.900.1 to tccli 3.1.189.1, the release
/// the committed spec comes from (without the international site's
/// additions, which are not part of tccli's history).
fn cvm_update() -> (ServiceVersion, ServiceVersion, SpecDiff) {
    let old = import_vendored(
        "cvm-v20170312.api.3.0.900.1.json",
        "tccli-3.0.900.1/cvm/2017-03-12",
    );
    let new = import_vendored("cvm-v20170312.api.json", "tccli-3.1.189.1/cvm/2017-03-12");
    let diff = diff_specs(
        std::slice::from_ref(&old),
        std::slice::from_ref(&new),
        "tccli 3.0.900.1",
        "tccli 3.1.189.1",
    );
    (old, new, diff)
}

#[test]
fn cvm_update_report_snapshot() {
    let (_, _, diff) = cvm_update();
    insta::assert_snapshot!("cvm_tccli_3_0_900_to_3_1_189", diff.to_string());
}

#[test]
fn cvm_update_lists_every_added_and_removed_action() {
    let (old, new, diff) = cvm_update();
    let names = |v: &ServiceVersion| v.actions.keys().cloned().collect::<BTreeSet<_>>();
    let (old_names, new_names) = (names(&old), names(&new));
    let report = diff.to_string();
    let removed: Vec<_> = old_names.difference(&new_names).collect();
    let added: Vec<_> = new_names.difference(&old_names).collect();
    assert!(!removed.is_empty() && !added.is_empty(), "a real update");
    let breaking = report
        .split("### Not breaking")
        .next()
        .expect("has a breaking part");
    for name in removed {
        assert!(
            breaking.contains(&format!("- action `{name}`: Removed")),
            "{name}"
        );
    }
    for name in added {
        assert!(
            report.contains(&format!("- action `{name}`: Added")),
            "{name}"
        );
    }
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn specs_at_git_revisions() {
    let repo = temp_dir("diff-git");
    copy_tree(&fixture_spec_root(), &repo.join("api-spec")).expect("copies the fixture");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let action = repo.join("api-spec").join(VERSION_DIR).join(THING);
    let text = std::fs::read_to_string(&action).expect("reads");
    std::fs::write(&action, text.replace("\"online\"", "\"deprecated\"")).expect("writes");
    git(&repo, &["commit", "-q", "-a", "-m", "deprecate"]);

    let old = load_spec_at_revision(&repo, "HEAD~1", "api-spec").expect("loads HEAD~1");
    let new = load_spec_at_revision(&repo, "HEAD", "api-spec/").expect("loads HEAD");
    assert_eq!(old.len(), 2, "both fixture versions");
    let diff = diff_specs(&old, &new, "HEAD~1", "HEAD");
    let changes: Vec<_> = diff.versions.iter().flat_map(|v| &v.changes).collect();
    assert_eq!(changes.len(), 1, "{diff}");
    assert_eq!(changes[0].what, "Deprecated.");

    // One version folder at a revision; errors name `<rev>:<path>`.
    let single = load_spec_at_revision(&repo, "HEAD", &format!("api-spec/{VERSION_DIR}"))
        .expect("loads one version");
    assert_eq!(single.len(), 1);
    // One service's folder, as a release diffs it against its last release.
    let service =
        load_spec_at_revision(&repo, "HEAD~1", "api-spec/fixture").expect("loads one service");
    assert_eq!(service.len(), old.len(), "every version of the service");
    std::fs::write(&action, "{ broken").expect("writes");
    git(&repo, &["commit", "-q", "-a", "-m", "break"]);
    let error = load_spec_at_revision(&repo, "HEAD", "api-spec")
        .expect_err("the spec is broken")
        .to_string();
    assert!(
        error.contains("HEAD:api-spec/fixture/2020-01-01/actions/CreateThing.json:1:"),
        "{error}"
    );
    let missing = load_spec_at_revision(&repo, "no-such-rev", "api-spec").expect_err("bad rev");
    assert!(missing.to_string().starts_with("git: "), "{missing}");
    let _ = std::fs::remove_dir_all(&repo);
}
