//! Regeneration is stable: the same spec gives the same files, and adding
//! one action or one field changes only the lines that must change, all of
//! them insertions about the new name.

use std::path::{Path, PathBuf};

use similar::{ChangeTag, TextDiff};
use tencentcloud_codegen::files::FileTree;
use tencentcloud_codegen::generate::generate;
use tencentcloud_tests::{copy_tree, fixture_spec_root, temp_dir};

const VERSION: &str = "fixture/2020-01-01";

fn generate_copy(name: &str, edit: impl FnOnce(&Path)) -> FileTree {
    let root = temp_dir(name);
    copy_tree(&fixture_spec_root(), &root).expect("copies the fixture");
    edit(&root.join(VERSION));
    let files = generate(&root).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&root);
    files
}

/// Per changed file: the inserted and the deleted lines, with line diffs.
struct Changes {
    files: Vec<PathBuf>,
    /// Runs of consecutive inserted lines.
    inserted: Vec<String>,
    deleted: Vec<String>,
}

fn changes(before: &FileTree, after: &FileTree) -> Changes {
    let mut out = Changes {
        files: Vec::new(),
        inserted: Vec::new(),
        deleted: Vec::new(),
    };
    let paths: std::collections::BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let old = before.get(path).map_or("", String::as_str);
        let new = after.get(path).map_or("", String::as_str);
        if old == new {
            continue;
        }
        out.files.push(path.clone());
        let diff = TextDiff::from_lines(old, new);
        for group in diff.grouped_ops(0) {
            let mut run = String::new();
            for op in group {
                for change in diff.iter_changes(&op) {
                    match change.tag() {
                        ChangeTag::Insert => run.push_str(change.value()),
                        ChangeTag::Delete => out.deleted.push(change.value().to_owned()),
                        ChangeTag::Equal => {}
                    }
                }
            }
            if !run.is_empty() {
                out.inserted.push(run);
            }
        }
    }
    out
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let text = std::fs::read_to_string(path).expect("reads");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    edit(&mut json);
    std::fs::write(path, serde_json::to_string_pretty(&json).expect("JSON")).expect("writes");
}

#[test]
fn the_same_spec_generates_the_same_files() {
    let first = generate(&fixture_spec_root()).expect("generates");
    let second = generate(&fixture_spec_root()).expect("generates");
    assert_eq!(first, second);
    // A copy elsewhere on disk, too: no path or order leaks into the output.
    assert_eq!(generate_copy("regen-same", |_| {}), first);
}

#[test]
fn adding_an_action_only_inserts_its_own_lines() {
    let before = generate(&fixture_spec_root()).expect("generates");
    let after = generate_copy("regen-action", |dir| {
        let text = std::fs::read_to_string(dir.join("actions/CreateThing.json")).expect("reads");
        let added = text
            .replace("CreateThing", "ShelveWidget")
            .replace("Create a thing", "Shelve a widget");
        std::fs::write(dir.join("actions/ShelveWidget.json"), added).expect("writes");
    });
    let changes = changes(&before, &after);
    assert!(
        changes.deleted.is_empty(),
        "deleted: {:#?}",
        changes.deleted
    );
    assert!(!changes.inserted.is_empty());
    for run in &changes.inserted {
        assert!(
            run.contains("ShelveWidget") || run.contains("shelve_widget"),
            "an inserted block not about the new action:\n{run}"
        );
    }
    // Only the version's client (its method, operation and table entry) and
    // models, and the mock's spec.
    let files: Vec<String> = changes
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "fixture/src/v20200101/mock_spec.json",
            "fixture/src/v20200101/mod.rs",
            "fixture/src/v20200101/models.rs",
        ]
    );
}

#[test]
fn adding_a_field_only_inserts_its_own_lines() {
    let before = generate(&fixture_spec_root()).expect("generates");
    let after = generate_copy("regen-field", |dir| {
        edit_json(&dir.join("actions/CreateThing.json"), |json| {
            let input = json["input"].as_array_mut().expect("a list");
            input.push(serde_json::json!({
                "name": "ShelfLabel", "type": "string", "description": "Where it goes."
            }));
        });
    });
    let changes = changes(&before, &after);
    assert!(
        changes.deleted.is_empty(),
        "deleted: {:#?}",
        changes.deleted
    );
    assert!(!changes.inserted.is_empty());
    for run in &changes.inserted {
        assert!(
            run.contains("ShelfLabel") || run.contains("shelf_label"),
            "an inserted block not about the new field:\n{run}"
        );
    }
}

#[test]
fn every_generated_file_says_so_in_its_first_lines() {
    // How `gen` tells its own files from others it must not replace.
    let files = generate(&fixture_spec_root()).expect("generates");
    for (path, text) in &files {
        assert!(
            text.lines()
                .take(3)
                .any(|l| l.contains(tencentcloud_codegen::render::GENERATED_MARK)),
            "{}",
            path.display()
        );
    }
}
