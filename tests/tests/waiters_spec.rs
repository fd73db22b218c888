//! A `waiters.json` that does not fit its actions stops generation with an
//! error at the waiter's file, line:column and pointer.

use tencentcloud_codegen::generate::generate;
use tencentcloud_tests::{copy_tree, fixture_spec_root, temp_dir};

fn error_with_waiters(name: &str, text: &str) -> String {
    let root = temp_dir(name);
    copy_tree(&fixture_spec_root(), &root).expect("copies the fixture");
    std::fs::write(root.join("fixture/2020-01-01/waiters.json"), text).expect("writes");
    let error = generate(&root).expect_err("broken waiters").to_string();
    let _ = std::fs::remove_dir_all(&root);
    error
}

fn waiter(name: &str, action: &str, ids: &str, items: &str) -> String {
    format!(
        r#"    {{"name": "{name}", "description": "d", "action": "{action}", "ids": "{ids}",
     "items": "{items}", "id": "Id", "state": "State",
     "acceptors": [{{"state": "UP", "result": "success"}}],
     "interval_seconds": 1, "timeout_seconds": 2}}"#
    )
}

#[test]
fn waiters_that_do_not_fit_their_action_are_reported_together() {
    let text = format!(
        "{{\n  \"waiters\": [\n{},\n{},\n{},\n{}\n  ]\n}}\n",
        waiter("Unknown", "NoSuchAction", "Ids", "Set"),
        // CreateThing's Ids is required, so a waiter cannot own it.
        waiter("Required", "CreateThing", "Ids", "Warnings"),
        waiter("NoIds", "DescribeOld", "Missing", "Set"),
        waiter("Unknown", "DescribeOld", "Filters", "Set"),
    );
    let error = error_with_waiters("waiters-bad", &text);
    for expected in [
        "waiters.json:3:55: at /waiters/0/action: unknown action `NoSuchAction`",
        "waiters.json:7:78: at /waiters/1/ids: `Ids` is not an optional list<string> input of CreateThing",
        "waiters.json:11:75: at /waiters/2/ids: DescribeOld has no input `Missing`",
        "waiters.json:15:14: at /waiters/3/name: duplicate waiter `Unknown`",
    ] {
        assert!(error.contains(expected), "missing `{expected}` in:\n{error}");
    }
}

#[test]
fn acceptors_and_names_are_checked_by_the_schema() {
    let text = r#"{
  "waiters": [
    {"name": "lower", "description": "d", "action": "DescribeOld", "ids": "I",
     "items": "S", "id": "Id", "state": "State",
     "acceptors": [{"state": "UP", "absent": true, "result": "success"}],
     "interval_seconds": 0, "timeout_seconds": 2}
  ]
}"#;
    let error = error_with_waiters("waiters-schema", text);
    for pointer in [
        "at /waiters/0/name",
        "at /waiters/0/acceptors/0",
        "at /waiters/0/interval_seconds",
    ] {
        assert!(
            error.contains("waiters.json:") && error.contains(pointer),
            "missing `{pointer}` in:\n{error}"
        );
    }
}
