//! The tccli importer on arbitrary api.json (and examples.json) text, then
//! the loader on whatever it imported: errors, never panics.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tencentcloud_codegen::import::tccli;
use tencentcloud_codegen::spec::load_version_from_texts;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A NUL splits the input into api.json and examples.json.
    let (api, examples) = match text.split_once('\0') {
        Some((api, examples)) => (api, Some(("examples.json", examples))),
        None => (text, None),
    };
    match tccli::import("api.json", api, examples) {
        Ok(files) => {
            let _ = load_version_from_texts(Path::new("svc/2020-01-01"), &files);
        }
        Err(error) => assert!(
            error.to_string().starts_with("api.json")
                || error.to_string().starts_with("examples.json")
        ),
    }
});
