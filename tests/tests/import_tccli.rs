//! The committed CVM spec is exactly what the importer makes of tccli's
//! files, with tccli-intl-en's English documents laid over them: nothing in
//! api-spec/cvm/2017-03-12 was edited by hand but the English product name
//! (`title_en` in service.json), which neither tccli has and imports keep.

use tencentcloud_codegen::files::{diff_tree, list_files};
use tencentcloud_codegen::import::tccli;
use tencentcloud_tests::workspace_root;

/// tccli's api.json of a one-action service `thing`, shared with xtask's
/// tests; the tests that need more derive it from this text.
const THING_API: &str = include_str!("../fixtures/tccli/thing.api.json");

#[test]
fn committed_cvm_spec_is_the_import_of_tccli() {
    let reference = workspace_root().join("tests/fixtures/tccli");
    let read = |name: &str| {
        let path = reference.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let api = read("cvm-v20170312.api.json");
    let examples = read("cvm-v20170312.examples.json");
    let english = read("cvm-v20170312.api.en.json");
    let english_examples = read("cvm-v20170312.examples.en.json");
    let imported = tccli::import_with_intl(
        "api.json",
        &api,
        Some(("examples.json", &examples)),
        Some(tccli::IntlSource {
            api: ("api.en.json", &english),
            examples: Some(("examples.en.json", &english_examples)),
        }),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        imported.intl_mismatches.is_empty(),
        "{:?}",
        imported.intl_mismatches
    );
    let mut files = imported.files;
    let committed = workspace_root().join("api-spec/cvm/2017-03-12");
    // Besides the import: the English title and description, kept by hand
    // in service.json (tccli has none) and kept by every import.
    let service = std::fs::read_to_string(committed.join("service.json")).expect("reads");
    tencentcloud_codegen::import::keep_english(&service, &mut files);
    let kept = &files[std::path::Path::new("service.json")];
    assert!(kept.contains("\"title_en\": \"Cloud Virtual Machine\""));
    assert!(
        kept.contains("\"description_en\": \"How to use the API to operate Cloud Virtual Machine")
    );

    let actions = files.keys().filter(|p| p.starts_with("actions")).count();
    let types = files.keys().filter(|p| p.starts_with("types")).count();
    // 286 tccli objects: 106 request and 106 reply objects become the
    // actions' fields, the other 74 shared types. tccli-intl-en adds the 5
    // Reserved Instances actions and 7 types of the international site.
    assert_eq!((actions, types), (106 + 5, 286 - 2 * 106 + 7));

    // Besides the import: the error codes (`import errorcodes`, checked in
    // tests/tests/error_codes.rs) and the hand-written waiters.
    let others = ["errorcodes.json", "waiters.json"];
    let is_other = |p: &std::path::PathBuf| others.iter().any(|o| p == std::path::Path::new(o));
    let mut diff = diff_tree(&committed, &files).expect("reads the committed spec");
    diff.extra.retain(|p| !is_other(p));
    assert!(
        diff.is_empty(),
        "the committed spec differs from the import: {diff:?}"
    );
    let listed: Vec<_> = list_files(&committed)
        .expect("lists")
        .into_iter()
        .filter(|p| !is_other(p))
        .collect();
    assert_eq!(listed.len(), files.len());
}

#[test]
fn the_url_form_example_is_folded_into_params() {
    let api = THING_API
        .replace(
            r#"{"name": "Ids", "type": "list", "member": "string", "document": ""}"#,
            r#"
      {"name": "Ids", "type": "list", "member": "string", "required": false, "document": ""},
      {"name": "Limit", "type": "int", "member": "int64", "document": ""},
      {"name": "Filters", "type": "list", "member": "Filter", "document": ""}
    "#,
        )
        .replace(
            r#""objects": {"#,
            r#""objects": {
    "Filter": {"members": [{"name": "Values", "type": "list", "member": "string", "document": ""}]},"#,
        );
    assert!(api.contains(r#""Filter": {"#) && api.contains(r#""name": "Limit""#));
    let examples = r#"{"actions": {"DescribeThings": [{
      "title": "t", "document": "",
      "input": "https://thing.tencentcloudapi.com/?Action=DescribeThings\n&Ids.0=a&Ids.1=b%20c\n&Limit=5&Filters.0.Values.1=v\n&<公共请求参数>",
      "output": "{\"Response\": {\"RequestId\": \"r\"}}"
    }]}}"#;
    let files =
        tccli::import("api.json", &api, Some(("examples.json", examples))).expect("imports");
    let action: serde_json::Value =
        serde_json::from_str(&files[std::path::Path::new("actions/DescribeThings.json")])
            .expect("JSON");
    assert_eq!(
        action["examples"][0]["request"],
        serde_json::json!({"Ids": ["a", "b c"], "Limit": 5, "Filters": [{"Values": [null, "v"]}]})
    );
    assert_eq!(action["input"][0]["type"], "list<string>");
    assert_eq!(action["input"][2]["type"], "list<Filter>");
    let service: serde_json::Value =
        serde_json::from_str(&files[std::path::Path::new("service.json")]).expect("JSON");
    assert_eq!(
        service["protocol"]["endpoint"]["host"],
        "thing.tencentcloudapi.com"
    );
}

#[test]
fn names_that_would_leave_the_folder_are_rejected() {
    // An object that is no action's request or reply: a spec type.
    let api = THING_API.replace(
        r#""objects": {"#,
        r#""objects": {
    "Thing": {"members": []},"#,
    );
    assert_ne!(api, THING_API);
    let api = api.as_str();
    assert!(tccli::import("api.json", api, None).is_ok());
    for (from, to, location) in [
        (
            r#""apiVersion": "2020-01-01""#,
            r#""apiVersion": """#,
            "metadata.apiVersion",
        ),
        (
            r#""serviceShortName": "thing""#,
            r#""serviceShortName": "../x""#,
            "metadata.serviceShortName",
        ),
        (
            r#""DescribeThings": {"input""#,
            r#""../../../x": {"input""#,
            "actions.../../../x",
        ),
        (r#""Thing": {"#, r#""../Thing": {"#, "objects.../Thing"),
    ] {
        let bad = api.replace(from, to);
        assert_ne!(bad, api);
        let error = tccli::import("api.json", &bad, None)
            .expect_err(to)
            .to_string();
        assert!(
            error.contains(&format!(": {location}: ")) && error.contains("cannot name a spec file"),
            "{error}"
        );
    }
}

#[test]
fn a_huge_list_index_in_an_example_is_an_error() {
    let api = THING_API;
    let examples = |index: usize| {
        format!(
            r#"{{"actions": {{"DescribeThings": [{{"title": "t", "input": "https://thing.tencentcloudapi.com/?Action=DescribeThings&Ids.{index}=a", "output": "{{}}"}}]}}}}"#
        )
    };
    let limit = tccli::MAX_EXAMPLE_INDEX;
    assert!(tccli::import("api.json", api, Some(("examples.json", &examples(limit)))).is_ok());
    let error = tccli::import(
        "api.json",
        api,
        Some(("examples.json", &examples(4_000_000_000))),
    )
    .expect_err("past the limit")
    .to_string();
    assert!(
        error.contains("actions.DescribeThings[0].input")
            && error.contains("param `Ids.4000000000`")
            && error.contains("past 10000"),
        "{error}"
    );
}
