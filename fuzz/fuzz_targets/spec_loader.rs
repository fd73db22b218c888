//! The spec loader on arbitrary file text: any input loads or yields
//! errors that each point at a file, a line:column and a JSON pointer.
#![no_main]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use tencentcloud_codegen::spec::load_version_from_texts;

/// The test fixture's files; the input replaces one of them.
const FILES: [(&str, &str); 4] = [
    (
        "service.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/service.json"),
    ),
    (
        "actions/CreateThing.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/actions/CreateThing.json"),
    ),
    (
        "types/Everything.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/types/Everything.json"),
    ),
    (
        "types/Node.json",
        include_str!("../../tests/fixtures/api-spec/fixture/2020-01-01/types/Node.json"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, text)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text).into_owned();
    let mut files: BTreeMap<PathBuf, String> = FILES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect();
    let replaced = PathBuf::from(FILES[usize::from(which) % FILES.len()].0);
    let line_count = text.lines().count().max(1);
    files.insert(replaced.clone(), text);
    let dir = Path::new("fixture/2020-01-01");
    if let Err(errors) = load_version_from_texts(dir, &files) {
        assert!(!errors.0.is_empty(), "an error without a problem");
        for error in &errors.0 {
            assert!(error.file.starts_with(dir), "{error}");
            assert!(error.line >= 1 && error.column >= 1, "{error}");
            assert!(!error.message.is_empty(), "{error}");
            if error.file == dir.join(&replaced) {
                assert!(error.line <= line_count + 1, "{error}");
            }
            let _ = error.to_string();
        }
    }
});
