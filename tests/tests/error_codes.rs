//! Typed error codes: the importer (both input forms, bad input), the spec
//! checks, and the generated `errors::ErrorCode` against the mock.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tencentcloud_codegen::generate::generate;
use tencentcloud_codegen::import::errorcodes;
use tencentcloud_cvm::v20170312::errors::ErrorCode;
use tencentcloud_cvm::v20170312::mock::{builder, Fault};
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest};
use tencentcloud_cvm::{ClientConfig, Credentials};
use tencentcloud_tests::{copy_tree, fixture_spec_root, temp_dir, workspace_root};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The committed list, as JSON.
fn committed_codes() -> Vec<Value> {
    let text = read(&workspace_root().join("api-spec/cvm/2017-03-12/errorcodes.json"));
    let json: Value = serde_json::from_str(&text).expect("JSON");
    json["codes"].as_array().expect("a list").clone()
}

#[test]
fn committed_cvm_list_is_the_import_of_the_sdk_list() {
    let input = workspace_root().join("tests/fixtures/tccli/cvm-v20170312.errorcodes.json");
    let files = errorcodes::import("cvm-v20170312.errorcodes.json", &read(&input))
        .unwrap_or_else(|e| panic!("{e}"));
    let committed = read(&workspace_root().join("api-spec/cvm/2017-03-12/errorcodes.json"));
    assert_eq!(files[Path::new(errorcodes::FILE_NAME)], committed);
    // Every code of the SDK's list, none lost or added.
    let source: Value = serde_json::from_str(&read(&input)).expect("JSON");
    let source = source["codes"].as_object().expect("codes");
    assert_eq!(source.len(), 422);
    let codes = committed_codes();
    assert_eq!(codes.len(), source.len());
    for code in &codes {
        let name = code["code"].as_str().expect("code");
        assert_eq!(source[name], code["description"], "{name}");
    }
}

#[test]
fn python_form_is_read_with_its_comments() {
    let path = workspace_root().join("tests/fixtures/errorcodes/errorcodes.py");
    let files = errorcodes::import("fixtures/errorcodes/errorcodes.py", &read(&path))
        .unwrap_or_else(|e| panic!("{e}"));
    let json: Value = serde_json::from_str(&files[Path::new(errorcodes::FILE_NAME)]).expect("JSON");
    let codes: Vec<(&str, &str, Option<&str>)> = json["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| {
            (
                c["code"].as_str().expect("code"),
                c["description"].as_str().expect("description"),
                c["variant"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("AuthFailure", "CAM签名/鉴权错误。", None),
            ("FailedOperation", "操作失败。 请稍后重试。", None),
            (
                "InvalidParameter.ValueTooLarge",
                "参数长度超过限制。",
                Some("InvalidParameter_ValueTooLarge")
            ),
            (
                "InvalidParameterValue.TooLarge",
                "参数值超过最大限制。",
                Some("InvalidParameterValue_TooLarge")
            ),
            ("Undocumented.Code", "", None),
        ]
    );
}

#[test]
fn bad_lists_name_file_and_line() {
    let cases = [
        (
            "e.py",
            "# ok\nA = 'A'\n\nB = 'B\n",
            "e.py:4:",
            "not one quoted string",
        ),
        (
            "e.py",
            "A = 'A'\nimport os\n",
            "e.py:2:",
            "expected `NAME = 'Code'`",
        ),
        (
            "e.py",
            "A = 'A'\n# again\nB = 'A'\n",
            "e.py:3:",
            "listed twice (first on line 1)",
        ),
        (
            "e.py",
            "A = 'Not a code!'\n",
            "e.py:1:",
            "is not an error code",
        ),
        ("e.py", "# only comments\n", "e.py:1:", "no `NAME = 'Code'`"),
        (
            "e.json",
            "{\n  \"codes\": {\n    \"A\": 1\n  }\n}",
            "e.json:3:",
            "not an error-code list",
        ),
        ("e.json", "{\"codes\": {}}", "e.json:1:", "no codes"),
        (
            "e.json",
            "{\n\"codes\": {\n\"A..B\": \"x\"}}",
            "e.json:3:",
            "is not an error code",
        ),
    ];
    for (file, text, at, what) in cases {
        let error = errorcodes::import(file, text)
            .expect_err(&format!("{text:?} is bad"))
            .to_string();
        assert!(
            error.starts_with(at) && error.contains(what),
            "{text:?}: {error}"
        );
    }
}

/// A copy of the fixture spec with `errorcodes.json` replaced.
fn fixture_with_codes(name: &str, text: &str) -> PathBuf {
    let root = temp_dir(name);
    copy_tree(&fixture_spec_root(), &root).expect("copies the fixture");
    std::fs::write(root.join("fixture/2020-01-01/errorcodes.json"), text).expect("writes");
    root
}

#[test]
fn clashing_or_reserved_variants_fail_loudly() {
    let text = r#"{
  "source": "s",
  "codes": [
    {"code": "InvalidParameter.ValueTooLarge", "description": "a"},
    {"code": "InvalidParameterValue.TooLarge", "description": "b"},
    {"code": "Other", "description": "c"},
    {"code": "Other", "description": "d", "variant": "OtherCode"},
    {"code": "A.b", "description": "e", "variant": "not-an-ident"}
  ]
}"#;
    let root = fixture_with_codes("codes-clash", text);
    let error = generate(&root).expect_err("broken").to_string();
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        error.contains("errorcodes.json:8:") && error.contains("/codes/4/variant"),
        "{error}"
    );
    // The schema checks first: fix the bad variant name and look again.
    assert!(!error.contains("both become"), "{error}");
    let text = text.replace(
        r#",
    {"code": "A.b", "description": "e", "variant": "not-an-ident"}"#,
        "",
    );
    let root = fixture_with_codes("codes-clash2", &text);
    let error = generate(&root).expect_err("broken").to_string();
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        error.contains("errorcodes.json:5:14: at /codes/1/code: `InvalidParameterValue.TooLarge` and `InvalidParameter.ValueTooLarge` (4:14) both become the variant `InvalidParameterValueTooLarge`"),
        "{error}"
    );
    assert!(
        error.contains("at /codes/2/code: the variant name `Other` is reserved"),
        "{error}"
    );
    assert!(
        error.contains("at /codes/3/code: duplicate code `Other` (first at /codes/2)"),
        "{error}"
    );
}

#[test]
fn every_listed_code_round_trips() {
    for code in committed_codes() {
        let text = code["code"].as_str().expect("code");
        let parsed = ErrorCode::parse(text);
        assert!(!matches!(parsed, ErrorCode::Other(_)), "{text}");
        assert_eq!(parsed.as_str(), text);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(parsed.description(), code["description"].as_str());
        assert_eq!(text.parse::<ErrorCode>(), Ok(parsed));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_match_their_codes_over_http() {
    let credentials = Credentials::new("AKIDerrorcodes", "error-codes-key");
    let mock = builder()
        .credentials(credentials.clone())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let client =
        Client::new(ClientConfig::new(credentials).endpoint(mock.url())).expect("valid config");
    let call = |code: &str| {
        mock.set_fault(
            "DescribeInstances",
            Some(Fault::ApiError {
                code: code.to_owned(),
                message: "from the mock".into(),
            }),
        );
        client.describe_instances(DescribeInstancesRequest::new())
    };

    let error = call("InvalidInstanceId.NotFound")
        .await
        .expect_err("a fault");
    assert_eq!(
        ErrorCode::of(&error),
        Some(ErrorCode::InvalidInstanceIdNotFound)
    );
    let error = call("InvalidParameterValue.TooLarge")
        .await
        .expect_err("a fault");
    assert_eq!(
        ErrorCode::of(&error),
        Some(ErrorCode::InvalidParameterValue_TooLarge)
    );
    let error = call("Brand.NewCode").await.expect_err("a fault");
    let code = ErrorCode::of(&error).expect("an API error");
    assert_eq!(code, ErrorCode::Other("Brand.NewCode".into()));
    assert_eq!((code.as_str(), code.description()), ("Brand.NewCode", None));

    // A common error (not in CVM's own list) the mock finds itself.
    let wrong = Client::new(
        ClientConfig::new(Credentials::new("AKIDerrorcodes", "wrong-key")).endpoint(mock.url()),
    )
    .expect("valid config");
    let error = wrong
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect_err("bad signature");
    assert_eq!(
        ErrorCode::of(&error),
        Some(ErrorCode::Other("AuthFailure.SignatureFailure".into()))
    );
    // Errors that are not API errors have no code.
    let unreachable = Client::new(
        ClientConfig::new(Credentials::new("AKIDerrorcodes", "error-codes-key"))
            .endpoint("http://127.0.0.1:1/"),
    )
    .expect("valid config");
    let error = unreachable
        .describe_instances(DescribeInstancesRequest::new())
        .await
        .expect_err("nothing listens on port 1");
    assert_eq!(ErrorCode::of(&error), None);
}

#[test]
fn numeric_codes_need_a_variant() {
    let text = r#"{
  "source": "s",
  "codes": [
    {"code": "4100", "description": "a"},
    {"code": "4200", "description": "b", "variant": "RequestExpired"}
  ]
}"#;
    let root = fixture_with_codes("codes-numeric", text);
    let error = generate(&root).expect_err("4100 has no name").to_string();
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        error
            .contains("errorcodes.json:4:14: at /codes/0/code: the code `4100` makes no Rust name"),
        "{error}"
    );
    assert!(!error.contains("4200"), "{error}");
}

#[test]
fn legacy_codes_round_trip() {
    use tencentcloud_cvm::v2::errors::ErrorCode as LegacyCode;
    let path = workspace_root().join("api-spec/cvm/v2/errorcodes.json");
    let list: Value = serde_json::from_str(&read(&path)).expect("JSON");
    let codes = list["codes"].as_array().expect("codes");
    assert!(codes.len() >= 16, "the common table has 16 codes");
    for code in codes {
        let text = code["code"].as_str().expect("code");
        let parsed = LegacyCode::parse(text);
        assert!(!matches!(parsed, LegacyCode::Other(_)), "{text}");
        assert_eq!(parsed.as_str(), text);
        assert_eq!(parsed.description(), code["description"].as_str());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_api_errors_match_their_numeric_codes_over_http() {
    use tencentcloud_cvm::v2::errors::ErrorCode as LegacyCode;
    use tencentcloud_cvm::v2::mock::builder as legacy_builder;
    let credentials = Credentials::new("AKIDlegacycodes", "legacy-codes-key");
    let mock = legacy_builder()
        .credentials(credentials.clone())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let wrong = tencentcloud_cvm::v2::Client::new(
        ClientConfig::new(Credentials::new("AKIDlegacycodes", "wrong-key"))
            .region("gz")
            .endpoint(mock.url()),
    )
    .expect("valid config");
    let error = wrong
        .describe_instances(tencentcloud_cvm::v2::DescribeInstancesRequest::new())
        .await
        .expect_err("bad signature");
    assert_eq!(LegacyCode::of(&error), Some(LegacyCode::AuthFailure));
    assert_eq!(LegacyCode::AuthFailure.as_str(), "4100");
}
