//! Every example reply tccli ships for CVM decodes with the generated
//! reply types, called directly (no HTTP), and the checker that sorts the
//! failures of all services by cause blames the right party.

use serde_json::{json, Value};
use tencentcloud_codegen::example_check::{check_version, Cause, Report};
use tencentcloud_cvm::v20170312::mock::decode_reply;
use tencentcloud_tests::{cvm_spec, workspace_root};

fn cvm_examples() -> String {
    let path = workspace_root().join("tests/fixtures/tccli/cvm-v20170312.examples.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn generated(action: &str, body: &[u8]) -> Option<Result<Value, String>> {
    decode_reply(action, body).map(|r| r.map_err(|e| e.to_string()))
}

fn check(examples: &str) -> Report {
    check_version(&cvm_spec(), examples, &generated).unwrap_or_else(|e| panic!("{e}"))
}

/// A one-example `examples.json` for `action` with this reply.
fn one_example(action: &str, output: &str) -> String {
    json!({"actions": {action: [{"title": "t", "document": "", "input": "", "output": output}]}})
        .to_string()
}

#[test]
fn every_cvm_example_reply_decodes() {
    let text = cvm_examples();
    let expected: usize = serde_json::from_str::<Value>(&text).expect("JSON")["actions"]
        .as_object()
        .expect("actions")
        .values()
        .map(|examples| examples.as_array().map_or(0, Vec::len))
        .sum();
    let report = check(&text);
    assert_eq!(report.examples, expected);
    assert!(report.failures.is_empty(), "{report}");
    assert_eq!(report.decoded, expected);
}

#[test]
fn a_value_of_the_wrong_type_is_the_example_contradicting_its_spec() {
    let output = r#"{"Response": {"TotalCount": 1, "InstanceSet": [{"InstanceId": "ins-1", "CPU": "many"}], "RequestId": "r"}}"#;
    let report = check(&one_example("DescribeInstances", output));
    assert_eq!(report.decoded, 0);
    let failure = &report.failures[0];
    assert_eq!(failure.cause, Cause::ContradictsSpec, "{report}");
    assert_eq!(
        failure.detail,
        "Response.InstanceSet[0].CPU: expected an int64, found the string \"many\""
    );
}

#[test]
fn numbers_in_strings_and_nulls_decode_as_a_call_would() {
    let output = r#"{"Response": {"TotalCount": "1", "InstanceSet": null, "RequestId": "r"}}"#;
    let report = check(&one_example("DescribeInstances", output));
    assert!(report.failures.is_empty(), "{report}");
    assert_eq!(report.decoded, 1);
}

#[test]
fn broken_examples_are_grouped_by_cause() {
    let text = json!({"actions": {
        "DescribeInstances": [
            {"title": "", "document": "", "input": "", "output": "{\"Response\": {"},
            {"title": "", "document": "", "input": "", "output": "{\"Response\": {\"RequestId\": \"a\", \"RequestId\": \"b\"}}"},
            {"title": "", "document": "", "input": "", "output": "{\"Error\": {}}"},
            {"title": "", "document": "", "input": "", "output": "{\"Response\": {\"Error\": {\"Code\": \"AuthFailure\", \"Message\": \"m\"}, \"RequestId\": \"r\"}}"}
        ],
        "NoSuchAction": [{"title": "", "document": "", "input": "", "output": "{\"Response\": {}}"}]
    }})
    .to_string();
    let report = check(&text);
    assert_eq!(report.examples, 5);
    // A repeated key decodes as a call reads it (the last one counts); the
    // error reply decodes as the API error a call would return.
    assert_eq!((report.decoded, report.error_replies), (2, 1));
    let causes: Vec<Cause> = report.failures.iter().map(|f| f.cause).collect();
    assert_eq!(
        causes,
        [Cause::InvalidJson, Cause::NoResponse, Cause::UnknownAction]
    );
    assert_eq!(report.generator_bugs(), 0);
}

#[test]
fn a_type_that_refuses_a_fitting_example_is_a_generator_bug() {
    let refuses = |_: &str, _: &[u8]| Some(Err("invalid type: map, expected unit".to_owned()));
    let output = r#"{"Response": {"TotalCount": 1, "RequestId": "r"}}"#;
    let report = check_version(
        &cvm_spec(),
        &one_example("DescribeInstances", output),
        &refuses,
    )
    .expect("checks");
    assert_eq!(report.generator_bugs(), 1, "{report}");
    assert!(report.summary(1).contains("generator bug"), "{report}");
}
