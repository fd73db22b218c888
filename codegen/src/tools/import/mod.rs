//! Importers: other spec formats converted into ours.

pub mod errorcodes;
pub mod tccli;
pub mod tccli_tree;

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Spec files to write: relative path → JSON text.
pub type SpecFiles = BTreeMap<PathBuf, String>;

/// Pretty JSON with a final newline, the form of every committed spec file.
pub(crate) fn to_json_text<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// What a re-import keeps of the `service.json` it replaces (`existing`,
/// its text): the English title, `title_en`, which is kept by hand since
/// neither tccli nor tccli-intl-en has one. It goes into the imported
/// `service.json` of `files` unless that has its own. An `existing` that is
/// not a JSON object with a text `title_en` keeps nothing.
pub fn keep_title_en(existing: &str, files: &mut SpecFiles) {
    let kept = serde_json::from_str::<serde_json::Value>(existing)
        .ok()
        .and_then(|value| value.get("title_en")?.as_str().map(str::to_owned))
        .filter(|title| !title.trim().is_empty());
    let Some(kept) = kept else {
        return;
    };
    let Some(text) = files.get_mut(std::path::Path::new("service.json")) else {
        return;
    };
    // The importers write this file from the model: it parses.
    let Ok(mut meta) = serde_json::from_str::<crate::spec::model::ServiceMeta>(text) else {
        return;
    };
    if meta.title_en.is_empty() {
        meta.title_en = kept;
        if let Ok(kept) = to_json_text(&meta) {
            *text = kept;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THING_API: &str = r#"{
      "actions": {},
      "objects": {},
      "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "thing", "serviceNameCN": "东西"}
    }"#;

    fn service_json(files: &SpecFiles) -> serde_json::Value {
        serde_json::from_str(&files[std::path::Path::new("service.json")]).expect("JSON")
    }

    #[test]
    fn a_reimport_keeps_the_english_title() {
        let mut files = tccli::import("api.json", THING_API, None).expect("imports");
        assert!(service_json(&files).get("title_en").is_none());
        let existing = r#"{"service": "thing", "title": "旧", "title_en": "Things"}"#;
        keep_title_en(existing, &mut files);
        let meta = service_json(&files);
        assert_eq!(meta["title_en"], "Things");
        // The rest is the import's, and the key sits after `title`.
        assert_eq!(meta["title"], "东西");
        let text = &files[std::path::Path::new("service.json")];
        assert!(
            text.contains("\"title\": \"东西\",\n  \"title_en\": \"Things\",\n"),
            "{text}"
        );
    }

    #[test]
    fn nothing_to_keep_leaves_the_import_as_it_is() {
        let imported = tccli::import("api.json", THING_API, None).expect("imports");
        for existing in [
            "",
            "not JSON",
            r#"{"title": "旧"}"#,
            r#"{"title_en": ""}"#,
            r#"{"title_en": 1}"#,
        ] {
            let mut files = imported.clone();
            keep_title_en(existing, &mut files);
            assert_eq!(files, imported, "{existing:?}");
        }
    }
}
