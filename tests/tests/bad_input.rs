//! Bad specs and bad importer input stop with an error that says where
//! (file, line:column, JSON pointer) and what.

use std::path::{Path, PathBuf};

use tencentcloud_codegen::generate::generate;
use tencentcloud_codegen::import::tccli;
use tencentcloud_tests::{copy_tree, fixture_spec_root, temp_dir};

/// A copy of the fixture spec with one file replaced.
fn broken_fixture(name: &str, file: &str, text: &str) -> PathBuf {
    let root = temp_dir(name);
    copy_tree(&fixture_spec_root(), &root).expect("copies the fixture");
    std::fs::write(root.join("fixture/2020-01-01").join(file), text).expect("writes");
    root
}

fn error_of(root: &Path) -> String {
    let error = generate(root).expect_err("the spec is broken").to_string();
    let _ = std::fs::remove_dir_all(root);
    error
}

const THING: &str = "actions/CreateThing.json";

#[test]
fn invalid_json_names_file_line_and_column() {
    let root = broken_fixture(
        "json",
        THING,
        "{\n  \"name\": \"CreateThing\",\n  \"title\": oops\n}\n",
    );
    let error = error_of(&root);
    assert!(error.contains("actions/CreateThing.json:3:12"), "{error}");
    assert!(error.contains("invalid JSON"), "{error}");
}

#[test]
fn unknown_type_names_the_field() {
    let text = r#"{
  "name": "CreateThing", "title": "t", "description": "d", "status": "online",
  "input": [
    {"name": "A", "type": "string", "description": "a"},
    {"name": "B", "type": "list<Missing>", "description": "b"}
  ],
  "output": [], "examples": []
}"#;
    let error = error_of(&broken_fixture("unknown", THING, text));
    assert!(
        error.contains("actions/CreateThing.json:5:27: at /input/1/type"),
        "{error}"
    );
    assert!(error.contains("unknown type `Missing`"), "{error}");
}

#[test]
fn duplicate_and_colliding_names_fail_loudly() {
    let text = r#"{
  "name": "CreateThing", "title": "t", "description": "d", "status": "online",
  "input": [
    {"name": "A", "type": "string", "description": "a"},
    {"name": "A", "type": "string", "description": "again"},
    {"name": "InstanceId", "type": "string", "description": "x"},
    {"name": "instanceId", "type": "string", "description": "same Rust name"}
  ],
  "output": [], "examples": []
}"#;
    let error = error_of(&broken_fixture("duplicate", THING, text));
    assert!(
        error.contains("at /input/1/name: duplicate field name `A`"),
        "{error}"
    );

    // Only the Rust names collide.
    let text = text.replace(
        r#"{"name": "A", "type": "string", "description": "again"},"#,
        "",
    );
    let error = error_of(&broken_fixture("collide", THING, &text));
    assert!(
        error.contains(
            "fields `InstanceId` and `instanceId` both become the Rust field `instance_id`"
        ),
        "{error}"
    );
}

#[test]
fn input_type_named_like_a_request_struct_collides() {
    let text = r#"{"name": "CreateThingRequest", "description": "clash", "fields": []}"#;
    let root = broken_fixture("typeclash", "types/CreateThingRequest.json", text);
    // Requests reach it through Option, so it is an input type at the root.
    let option = r#"{"name": "Option", "description": "o", "fields": [
        {"name": "Type", "type": "string", "required": true, "description": "t"},
        {"name": "Clash", "type": "CreateThingRequest", "description": "c"}]}"#;
    std::fs::write(root.join("fixture/2020-01-01/types/Option.json"), option).expect("writes");
    let error = error_of(&root);
    assert!(error.contains("types/CreateThingRequest.json"), "{error}");
    assert!(
        error.contains("Rust type name `CreateThingRequest`, already taken"),
        "{error}"
    );
}

#[test]
fn missing_required_key_and_wrong_kind_are_schema_errors() {
    let text = r#"{"name": "CreateThing", "title": "t", "description": "d", "status": "online", "input": [], "examples": []}"#;
    let error = error_of(&broken_fixture("missing", THING, text));
    assert!(
        error.contains("\"output\" is a required property"),
        "{error}"
    );

    let text = r#"{"name": "CreateThing", "title": "t", "description": "d", "status": "retired", "input": [], "output": [], "examples": []}"#;
    let error = error_of(&broken_fixture("status", THING, text));
    assert!(error.contains("at /status"), "{error}");

    let text = r#"{"name": "Other", "title": "t", "description": "d", "status": "online", "input": [], "output": [], "examples": []}"#;
    let error = error_of(&broken_fixture("stem", THING, text));
    assert!(
        error.contains("does not match the file name `CreateThing.json`"),
        "{error}"
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let root = temp_dir("many");
    copy_tree(&fixture_spec_root(), &root).expect("copies");
    let dir = root.join("fixture/2020-01-01");
    std::fs::write(dir.join(THING), "not json").expect("writes");
    std::fs::write(dir.join("types/Node.json"), "{}").expect("writes");
    let error = error_of(&root);
    assert!(error.contains("CreateThing.json:1:2"), "{error}");
    assert!(error.contains("types/Node.json"), "{error}");
}

#[test]
fn importer_rejects_what_is_not_tccli() {
    let not_api = tccli::import("x.json", r#"{"openapi": "3.0.0"}"#, None)
        .expect_err("an OpenAPI document is not tccli's")
        .to_string();
    assert_eq!(
        not_api,
        "x.json: not a tccli api.json: missing top-level key `actions`"
    );

    let not_json = tccli::import("y.json", "<html>", None)
        .expect_err("not JSON")
        .to_string();
    assert!(
        not_json.starts_with("y.json: not a tccli api.json: invalid JSON"),
        "{not_json}"
    );

    let dangling = r#"{"actions": {"A": {"input": "ARequest", "output": "AResponse"}},
        "objects": {"ARequest": {"members": []}},
        "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "x"}}"#;
    let error = tccli::import("z.json", dangling, None)
        .expect_err("dangling")
        .to_string();
    // The position of the offending value, counted here from the text.
    let column = dangling.find(r#""AResponse"}"#).expect("in the text") + 1;
    assert_eq!(
        error,
        format!("z.json:1:{column}: actions.A.output: names object `AResponse`, which `objects` does not define")
    );

    let bad_member = r#"{"actions": {"A": {"input": "ARequest", "output": "AResponse"}},
        "objects": {"ARequest": {"members": [{"name": "X", "type": "int", "member": "int128"}]}, "AResponse": {"members": []}},
        "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "x"}}"#;
    let error = tccli::import("z.json", bad_member, None)
        .expect_err("bad member")
        .to_string();
    let line_two = bad_member.lines().nth(1).expect("two lines");
    let column = line_two.find(r#"{"name": "X""#).expect("in the text") + 1;
    assert!(
        error.starts_with(&format!(
            "z.json:2:{column}: objects.ARequest.members[0] (X): unknown member type `int128`"
        )),
        "{error}"
    );

    // A wrong shape inside the document: serde's line and column.
    let wrong_shape = r#"{"actions": {"A": {"input": 7, "output": "AResponse"}},
        "objects": {}, "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "x"}}"#;
    let error = tccli::import("w.json", wrong_shape, None)
        .expect_err("input is not a name")
        .to_string();
    assert!(error.contains("at line 1 column"), "{error}");
}

#[test]
fn importer_points_into_the_examples_file() {
    let api = r#"{"actions": {"A": {"input": "ARequest", "output": "AResponse"}},
        "objects": {"ARequest": {"members": []}, "AResponse": {"members": []}},
        "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "x"}}"#;
    let examples = "{\"actions\": {\n  \"A\": [],\n  \"Ghost\": []\n}}";
    let error = tccli::import("api.json", api, Some(("ex.json", examples)))
        .expect_err("an example for an unknown action")
        .to_string();
    // `Ghost`'s value opens at line 3, column 12.
    assert_eq!(
        error,
        "ex.json:3:12: actions.Ghost: examples for an action that api.json does not define"
    );
}

#[test]
fn waiters_with_the_same_rust_name_fail_loudly() {
    let waiter = |name: &str| {
        format!(
            r#"{{"name": "{name}", "description": "d", "action": "DescribeOld", "ids": "I",
             "items": "S", "id": "Id", "state": "State",
             "acceptors": [{{"state": "UP", "result": "success"}}],
             "interval_seconds": 1, "timeout_seconds": 2}}"#
        )
    };
    let text = format!(
        r#"{{"waiters": [{}, {}]}}"#,
        waiter("InstanceRunning"),
        waiter("InstanceRUNNING")
    );
    let error = error_of(&broken_fixture("waiter-names", "waiters.json", &text));
    assert!(
        error.contains(
            "at /waiters/1/name: waiter `InstanceRUNNING` and waiter `InstanceRunning` both become \
             `wait_until_instance_running` and `INSTANCE_RUNNING`"
        ),
        "{error}"
    );
}

#[test]
fn fields_with_the_same_setter_fail_loudly() {
    let text = r#"{
  "name": "CreateThing", "title": "t", "description": "d", "status": "online",
  "input": [
    {"name": "_", "type": "string", "description": "f_"},
    {"name": "F", "type": "string", "description": "f"}
  ],
  "output": [], "examples": []
}"#;
    let error = error_of(&broken_fixture("setters", THING, text));
    assert!(
        error.contains("at /input/1/name: fields `_` and `F` both get the setter `with_f`"),
        "{error}"
    );
}

#[test]
fn two_version_folders_of_one_module_fail_loudly() {
    let root = temp_dir("modules");
    copy_tree(&fixture_spec_root(), &root).expect("copies the fixture");
    let (dated, plain) = (
        root.join("fixture/2020-01-01"),
        root.join("fixture/v20200101"),
    );
    copy_tree(&dated, &plain).expect("copies the version");
    let service = std::fs::read_to_string(plain.join("service.json")).expect("reads");
    let service = service.replace("\"2020-01-01\"", "\"v20200101\"");
    std::fs::write(plain.join("service.json"), service).expect("writes");
    let error = error_of(&root);
    assert!(
        error.contains(&format!(
            "the version folders {} and {} both become the module `v20200101`",
            dated.display(),
            plain.display()
        )),
        "{error}"
    );
}
