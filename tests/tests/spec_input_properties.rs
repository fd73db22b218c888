//! Spec files, broken in arbitrary ways, load or fail with errors that name
//! the file, a line:column inside it and the JSON pointer; unknown keys are
//! errors unless they carry the `x-` extension prefix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use tencentcloud_codegen::spec::{load_version_from_texts, SpecErrors, EXTENSION_PREFIX};
use tencentcloud_tests::fixture_spec_root;

const DIR: &str = "fixture/2020-01-01";
const THING: &str = "actions/CreateThing.json";

fn fixture_files() -> BTreeMap<PathBuf, String> {
    let dir = fixture_spec_root().join(DIR);
    let mut files = BTreeMap::new();
    for relative in [
        "service.json",
        THING,
        "actions/DescribeOld.json",
        "types/Everything.json",
        "types/Node.json",
        "types/Option.json",
    ] {
        let text = std::fs::read_to_string(dir.join(relative)).expect("fixture");
        files.insert(PathBuf::from(relative), text);
    }
    files
}

fn load_with(path: &str, text: String) -> Result<(), SpecErrors> {
    let mut files = fixture_files();
    files.insert(path.into(), text);
    load_version_from_texts(Path::new(DIR), &files).map(|_| ())
}

/// The spec objects of an action file where a key can be added, as JSON
/// pointers (the free-form example request and reply are not among them).
const ACTION_OBJECTS: [&str; 4] = ["", "/input/0", "/output/1", "/examples/0"];

fn with_key(pointer: &str, key: &str) -> String {
    let mut json: Value = serde_json::from_str(&fixture_files()[Path::new(THING)]).expect("JSON");
    let target = json.pointer_mut(pointer).expect("the object exists");
    target
        .as_object_mut()
        .expect("an object")
        .insert(key.to_owned(), serde_json::json!({"any": ["value", 1]}));
    serde_json::to_string_pretty(&json).expect("JSON")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn unknown_keys_are_errors_at_their_object(
        at in 0..ACTION_OBJECTS.len(),
        key in "[a-zA-Z_][a-zA-Z0-9_-]{0,12}",
    ) {
        let known = ["name", "title", "description", "status", "host", "input", "output",
            "examples", "type", "required", "always_present", "nullable", "deprecated",
            "example", "request", "response"];
        prop_assume!(!known.contains(&key.as_str()) && !key.starts_with(EXTENSION_PREFIX));
        let pointer = ACTION_OBJECTS[at];
        let errors = load_with(THING, with_key(pointer, &key)).expect_err("an unknown key");
        prop_assert_eq!(errors.0.len(), 1, "{}", errors);
        let error = &errors.0[0];
        prop_assert_eq!(&error.file, &Path::new(DIR).join(THING));
        prop_assert_eq!(&error.pointer, pointer);
        prop_assert!(error.message.contains(&format!("'{key}'")), "{}", error);
    }

    #[test]
    fn extension_keys_are_accepted_and_ignored(
        at in 0..ACTION_OBJECTS.len(),
        suffix in "[a-zA-Z0-9_-]{1,12}",
    ) {
        let key = format!("{EXTENSION_PREFIX}{suffix}");
        let mut files = fixture_files();
        let plain = load_version_from_texts(Path::new(DIR), &files).expect("the fixture loads");
        files.insert(THING.into(), with_key(ACTION_OBJECTS[at], &key));
        let extended = load_version_from_texts(Path::new(DIR), &files)
            .unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&extended.actions["CreateThing"].value, &plain.actions["CreateThing"].value);
    }

    /// Any prefix of a valid file (a truncated write) fails with a position
    /// inside the text, or loads when only trailing whitespace is missing.
    #[test]
    fn truncated_files_point_inside_the_text(which in 0..3usize, cut in 0.0..1.0f64) {
        let path = ["service.json", THING, "types/Everything.json"][which];
        let text = &fixture_files()[Path::new(path)];
        let mut end = (text.len() as f64 * cut) as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &text[..end];
        match load_with(path, prefix.to_owned()) {
            Ok(()) => prop_assert_eq!(prefix.trim_end(), text.trim_end()),
            Err(errors) => {
                // Other files may fail too (a type they name is gone).
                let lines = prefix.lines().count().max(1);
                let broken = Path::new(DIR).join(path);
                prop_assert!(errors.0.iter().any(|e| e.file == broken), "{}", errors);
                for error in &errors.0 {
                    prop_assert!(error.file.starts_with(DIR), "{}", error);
                    prop_assert!(error.line >= 1 && error.column >= 1, "{}", error);
                    if error.file == broken {
                        prop_assert!(error.line <= lines + 1, "{}", error);
                    }
                }
            }
        }
    }

    /// Any value of the wrong JSON type, anywhere in an action file, is an
    /// error naming that place (or a place inside it).
    #[test]
    fn wrong_types_are_errors_at_their_place(
        at in prop::sample::select(vec![
            "/name", "/status", "/input", "/input/0", "/input/0/required",
            "/input/1/type", "/output/0/name", "/examples/0/request",
        ]),
        replacement in prop_oneof![
            Just(Value::Null), any::<i64>().prop_map(Value::from),
            Just(serde_json::json!([[]])), Just(serde_json::json!({"k": 1})),
        ],
    ) {
        let mut json: Value = serde_json::from_str(&fixture_files()[Path::new(THING)]).expect("JSON");
        let original = json.pointer(at).cloned();
        prop_assume!(original.as_ref().is_some_and(|o| std::mem::discriminant(o) != std::mem::discriminant(&replacement)));
        *json.pointer_mut(at).expect("exists") = replacement;
        let text = serde_json::to_string_pretty(&json).expect("JSON");
        let errors = load_with(THING, text).expect_err("a wrong type");
        prop_assert!(
            errors.0.iter().any(|e| e.pointer.starts_with(at) || at.starts_with(&e.pointer) && !e.pointer.is_empty()),
            "{}", errors
        );
    }
}
