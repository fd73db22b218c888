//! English documents from tccli-intl-en: laid over the Chinese spec by the
//! importer, chosen by `cargo xtask gen --doc-lang` (English by default).

use std::collections::BTreeMap;

use serde_json::Value;
use tencentcloud_codegen::docs::{to_markdown_from, Site};
use tencentcloud_codegen::import::tccli;
use tencentcloud_codegen::resolve::resolve;
use tencentcloud_codegen::spec::{choose_docs, DocLang};
use tencentcloud_tests::{cvm_spec, workspace_root};

fn english_cvm() -> Value {
    let path = workspace_root().join("tests/fixtures/tccli/cvm-v20170312.api.en.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// Every CVM action that tccli-intl-en documents gets its English title,
/// description and member docs in the generated code; the others keep
/// Chinese text, marked.
#[test]
fn every_cvm_action_with_english_text_gets_it() {
    let english = english_cvm();
    let mut version = cvm_spec();
    choose_docs(&mut version, DocLang::En);
    let crates = resolve(&[version]).unwrap_or_else(|e| panic!("{e}"));
    let version = &crates[0].versions[0];
    let actions = english["actions"].as_object().expect("actions");
    let objects = english["objects"].as_object().expect("objects");
    let mut checked = 0;
    for op in &version.operations {
        let Some(action) = actions.get(&op.action) else {
            assert!(
                op.title.starts_with("(Chinese only) "),
                "{}: {}",
                op.action,
                op.title
            );
            continue;
        };
        assert_eq!(
            op.title,
            action["name"].as_str().expect("a title"),
            "{}",
            op.action
        );
        // tccli-intl-en's text, linked to the international site.
        let english = |doc: &str| to_markdown_from(doc, Site::International);
        assert_eq!(
            op.doc,
            english(action["document"].as_str().expect("a document")),
            "{}",
            op.action
        );
        let request = version
            .structs
            .iter()
            .find(|s| s.name == op.request)
            .expect("the request struct");
        let input = action["input"].as_str().expect("an input object");
        let members: BTreeMap<&str, &str> = objects[input]["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().expect("name"),
                    m["document"].as_str().unwrap_or(""),
                )
            })
            .collect();
        for field in &request.fields {
            let doc = members.get(field.wire.as_str()).copied().unwrap_or("");
            if !doc.trim().is_empty() {
                assert!(
                    field.doc.starts_with(&english(doc)),
                    "{}.{}: {}",
                    op.action,
                    field.wire,
                    field.doc
                );
            }
        }
        checked += 1;
    }
    // tccli-intl-en documents 85 actions: 80 of tccli's 106 and the 5
    // Reserved Instances actions of the international site.
    assert_eq!(checked, 85);
}

/// The committed crate was generated with English docs.
#[test]
fn the_committed_cvm_crate_reads_in_english() {
    let path = workspace_root().join("generated/cvm/src/v20170312/mod.rs");
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(
        text.contains("    /// Creates instances\n"),
        "RunInstances' English title"
    );
    assert!(text.contains("pub async fn purchase_reserved_instances_offering("));
}

/// Han characters: what tells Chinese text from English.
fn han(text: &str) -> Option<char> {
    text.chars()
        .find(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
}

/// What crates.io and the top of docs.rs show of a crate: the Cargo.toml
/// `description`, the crate-level docs (`//!` of lib.rs) and each version
/// module's docs (its title and the service's description). Each must be
/// English; a description with no English text is marked `(Chinese only)`.
fn crate_front_text(files: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, text) in files {
        let lines: Vec<&str> = if path.ends_with("Cargo.toml") {
            text.lines()
                .filter(|l| l.starts_with("description = "))
                .collect()
        } else if path.ends_with("src/lib.rs") {
            text.lines().filter(|l| l.starts_with("//!")).collect()
        } else if path.ends_with("mod.rs") && !path.contains("/mock") {
            text.lines()
                .filter(|l| l.starts_with("//!") && !l.contains("(Chinese only) "))
                .collect()
        } else {
            Vec::new()
        };
        found.extend(lines.into_iter().map(|l| (path.clone(), l.to_owned())));
    }
    found
}

#[track_caller]
fn assert_english(files: &BTreeMap<String, String>) {
    let front = crate_front_text(files);
    assert!(!front.is_empty(), "no crate description or docs found");
    for (path, line) in front {
        if let Some(c) = han(&line) {
            panic!("{path}: `{c}` is Chinese, in English crate text: {line}");
        }
    }
}

/// Every committed crate is described, and documented at its top, in
/// English: crates.io and docs.rs readers get the English product name.
#[test]
fn the_committed_crates_describe_themselves_in_english() {
    let generated = workspace_root().join("generated");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&generated).expect("lists generated/") {
        let dir = entry.expect("an entry").path();
        if !dir.join("Cargo.toml").is_file() {
            continue;
        }
        let service = dir
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let mut paths = vec![dir.join("Cargo.toml"), dir.join("src/lib.rs")];
        for version in std::fs::read_dir(dir.join("src")).expect("lists src/") {
            let version = version.expect("an entry").path();
            if version.join("mod.rs").is_file() {
                paths.push(version.join("mod.rs"));
            }
        }
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let relative = path.strip_prefix(&generated).expect("under generated/");
            files.insert(relative.display().to_string(), text);
        }
        let description = &files[&format!("{service}/Cargo.toml")];
        assert!(
            description.contains("description = \"Tencent Cloud API bindings for "),
            "{service}: {description}"
        );
    }
    assert_english(&files);
    assert!(files["cvm/Cargo.toml"].contains(
        "description = \"Tencent Cloud API bindings for Cloud Virtual Machine (cvm)\"\n"
    ));
    assert!(files["cvm/src/lib.rs"]
        .contains("//! Tencent Cloud API bindings for Cloud Virtual Machine (`cvm`).\n"));
    assert!(
        files["cvm/src/v2/mod.rs"].contains("//! Cloud Virtual Machine (`cvm`) API version v2.\n")
    );
}

/// A service whose spec has no English title (most of tccli's: the sample
/// `scale-check` and `import tccli-all` generate) is named by its short
/// name, never by its Chinese title.
#[test]
fn a_service_without_an_english_title_is_named_by_its_short_name() {
    let api = API.replace(
        r#""serviceShortName": "thing""#,
        r#""serviceShortName": "thing", "serviceNameCN": "东西服务""#,
    );
    let imported = tccli::import("api.json", &api, None).unwrap_or_else(|e| panic!("{e}"));
    let dir = workspace_root().join("target/english-docs/thing/2020-01-01");
    let mut version = tencentcloud_codegen::spec::load_version_from_texts(&dir, &imported)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version.meta.value.title, "东西服务");
    choose_docs(&mut version, DocLang::En);
    let crates = resolve(&[version]).unwrap_or_else(|e| panic!("{e}"));
    let files: BTreeMap<String, String> = tencentcloud_codegen::render::crate_files(&crates[0])
        .into_iter()
        .map(|(path, text)| (path.display().to_string(), text))
        .collect();
    assert_english(&files);
    assert!(files["thing/Cargo.toml"]
        .contains("description = \"Tencent Cloud API bindings for thing\"\n"));
    assert!(files["thing/src/lib.rs"].contains("//! Tencent Cloud API bindings for `thing`.\n"));
    assert!(files["thing/src/v20200101/mod.rs"].contains("//! `thing` API version 2020-01-01.\n"));
}

/// A link relative to Tencent's site leads to the site its text was
/// written for: tccli-intl-en's English text to www.tencentcloud.com, the
/// Chinese text it falls back to to cloud.tencent.com.
#[test]
fn relative_links_lead_to_the_site_of_their_text() {
    let api = API
        .replace(
            r#""document": "列出""#,
            r#""document": "列出，见[文档](/document/api/1/2)。""#,
        )
        .replace(
            r#""document": "日期""#,
            r#""document": "日期，见[格式](/document/product/3/4)。""#,
        );
    let intl = r#"{
      "actions": {"DescribeThings": {"input": "DescribeThingsRequest", "output": "DescribeThingsResponse", "document": "Lists things, see [the doc](/document/api/1/2).", "name": "Lists", "status": "online"}},
      "objects": {
        "DescribeThingsRequest": {"members": [
          {"name": "Ids", "type": "list", "member": "string", "document": "IDs."},
          {"name": "Day", "type": "string", "member": "date", "document": ""}
        ]},
        "DescribeThingsResponse": {"members": [{"name": "RequestId", "type": "string", "member": "string", "document": "Request."}]}
      },
      "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "thing"}
    }"#;
    let imported = import_over(&api, intl).unwrap_or_else(|e| panic!("{e}"));
    let dir = workspace_root().join("target/english-docs/thing/2020-01-01");
    let mut version = tencentcloud_codegen::spec::load_version_from_texts(&dir, &imported.files)
        .unwrap_or_else(|e| panic!("{e}"));
    choose_docs(&mut version, DocLang::En);
    let crates = resolve(&[version]).unwrap_or_else(|e| panic!("{e}"));
    let version = &crates[0].versions[0];
    let op = &version.operations[0];
    assert!(
        op.doc
            .contains("[the doc](https://www.tencentcloud.com/document/api/1/2)"),
        "{}",
        op.doc
    );
    let request = version
        .structs
        .iter()
        .find(|s| s.name == op.request)
        .expect("the request struct");
    let day = request
        .fields
        .iter()
        .find(|f| f.wire == "Day")
        .expect("Day");
    assert!(
        day.doc
            .contains("[格式](https://cloud.tencent.com/document/product/3/4)"),
        "{}",
        day.doc
    );
}

#[test]
fn chinese_docs_are_one_flag_away() {
    let mut version = cvm_spec();
    choose_docs(&mut version, DocLang::Zh);
    let run = &version.actions["RunInstances"].value;
    assert_eq!(run.title, "创建实例");
    // The international site's own actions have no Chinese text.
    let reserved = &version.actions["DescribeReservedInstances"].value;
    assert!(
        reserved.title.starts_with("(仅英文) "),
        "{}",
        reserved.title
    );
}

const API: &str = r#"{
  "actions": {"DescribeThings": {"input": "DescribeThingsRequest", "output": "DescribeThingsResponse", "document": "列出", "name": "查询", "status": "online"}},
  "objects": {
    "DescribeThingsRequest": {"members": [
      {"name": "Ids", "type": "list", "member": "string", "document": "标识"},
      {"name": "Day", "type": "string", "member": "date", "document": "日期"}
    ]},
    "DescribeThingsResponse": {"members": [{"name": "RequestId", "type": "string", "member": "string", "document": "请求"}]}
  },
  "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "thing"}
}"#;

fn import(intl: &str) -> Result<tccli::Imported, String> {
    import_over(API, intl)
}

/// `api` (tccli's text) imported with `intl` (tccli-intl-en's) laid over it.
fn import_over(api: &str, intl: &str) -> Result<tccli::Imported, String> {
    let intl = tccli::IntlSource {
        api: ("api.en.json", intl),
        examples: None,
    };
    tccli::import_with_intl("api.json", api, None, Some(intl)).map_err(|e| e.to_string())
}

#[test]
fn the_overlay_adds_english_and_the_international_only_parts() {
    let intl = r#"{
      "actions": {
        "DescribeThings": {"input": "DescribeThingsRequest", "output": "DescribeThingsResponse", "document": "Lists things.", "name": "Lists", "status": "online"},
        "BuyThings": {"input": "BuyThingsRequest", "output": "BuyThingsResponse", "document": "Buys.", "name": "Buy", "status": "online"}
      },
      "objects": {
        "DescribeThingsRequest": {"members": [
          {"name": "Ids", "type": "list", "member": "string", "document": "IDs."},
          {"name": "Day", "type": "string", "member": "datetime_iso", "document": "The day."},
          {"name": "Region", "type": "string", "member": "string", "document": "Only abroad."}
        ]},
        "DescribeThingsResponse": {"members": [{"name": "RequestId", "type": "string", "member": "string", "document": "Request."}]},
        "BuyThingsRequest": {"members": [{"name": "Count", "type": "int", "member": "uint64", "document": "How many."}]},
        "BuyThingsResponse": {"members": []}
      },
      "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "thing"}
    }"#;
    let imported = import(intl).unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.intl_mismatches.is_empty());
    let action = |name: &str| -> Value {
        serde_json::from_str(&imported.files[std::path::Path::new(&format!("actions/{name}.json"))])
            .expect("JSON")
    };
    let describe = action("DescribeThings");
    assert_eq!(describe["title"], "查询");
    assert_eq!(describe["title_en"], "Lists");
    assert_eq!(describe["input"][0]["description_en"], "IDs.");
    // `date` and `datetime_iso` are both strings on the wire: no conflict.
    assert_eq!(describe["input"][1]["type"], "date");
    assert_eq!(describe["input"][1]["description_en"], "The day.");
    assert_eq!(describe["input"][2]["name"], "Region");
    assert_eq!(describe["input"][2]["description"], "");
    let buy = action("BuyThings");
    assert_eq!(buy["title"], "");
    assert_eq!(buy["title_en"], "Buy");
    assert_eq!(buy["input"][0]["type"], "uint64");
}

#[test]
fn a_member_of_another_shape_keeps_tcclis_and_is_listed() {
    let intl = API
        .replace(
            r#""type": "list", "member": "string", "document": "标识""#,
            r#""type": "string", "member": "string", "document": "One id.""#,
        )
        .replace("日期", "The day.");
    let imported = import(&intl).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        imported.intl_mismatches.len(),
        1,
        "{:?}",
        imported.intl_mismatches
    );
    assert!(
        imported.intl_mismatches[0].starts_with("api.en.json: objects.DescribeThingsRequest.members[0] (Ids): is string of string, where tccli has list of string"),
        "{}",
        imported.intl_mismatches[0]
    );
    let action: Value =
        serde_json::from_str(&imported.files[std::path::Path::new("actions/DescribeThings.json")])
            .expect("JSON");
    assert_eq!(action["input"][0]["type"], "list<string>");
    assert!(action["input"][0].get("description_en").is_none());
    assert_eq!(action["input"][1]["description_en"], "The day.");
}

#[test]
fn an_intl_spec_of_another_service_or_shape_is_an_error_naming_it() {
    let other = API.replace(
        r#""serviceShortName": "thing""#,
        r#""serviceShortName": "cvm""#,
    );
    let error = import(&other).expect_err("another service");
    assert!(error.contains("api.en.json"), "{error}");
    assert!(
        error.contains("the intl spec is cvm 2020-01-01, the Chinese one thing 2020-01-01"),
        "{error}"
    );

    let rewired = API.replace(
        r#""output": "DescribeThingsResponse""#,
        r#""output": "DescribeThingsRequest""#,
    );
    let error = import(&rewired).expect_err("another output object");
    assert!(error.contains("api.en.json:2:"), "{error}");
    assert!(error.contains("actions.DescribeThings"), "{error}");

    let error = import("{").expect_err("not JSON");
    assert!(error.contains("api.en.json"), "{error}");
}
