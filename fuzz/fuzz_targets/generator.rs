//! The whole generator (load, resolve, emit, render) on an arbitrary action
//! file: it rejects the spec with an error or renders every file; it never
//! panics.
#![no_main]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use tencentcloud_codegen::render::crate_files;
use tencentcloud_codegen::resolve::resolve;
use tencentcloud_codegen::spec::load_version_from_texts;

const FILES: [(&str, &str); 5] = [
    (
        "service.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/service.json"),
    ),
    (
        "actions/DescribeOld.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/actions/DescribeOld.json"),
    ),
    (
        "types/Everything.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/types/Everything.json"),
    ),
    (
        "types/Node.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/types/Node.json"),
    ),
    (
        "types/Option.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/types/Option.json"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let Ok(action) = std::str::from_utf8(data) else {
        return;
    };
    let mut files: BTreeMap<PathBuf, String> = FILES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    files.insert(PathBuf::from("actions/CreateThing.json"), action.to_owned());
    let Ok(version) = load_version_from_texts(Path::new("fixture/2020-01-01"), &files) else {
        return;
    };
    let Ok(crates) = resolve(&[version]) else {
        return;
    };
    for krate in &crates {
        let rendered = crate_files(krate);
        assert!(rendered.values().all(|text| !text.is_empty()));
    }
});
