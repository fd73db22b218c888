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
/// its text): the English product name and description, `title_en` and
/// `description_en`, which are kept by hand since neither tccli nor
/// tccli-intl-en has them. Each goes into the imported `service.json` of
/// `files` unless that has its own. An `existing` that is not a JSON object
/// with a text member of that name keeps nothing of it.
pub fn keep_english(existing: &str, files: &mut SpecFiles) {
    let existing = serde_json::from_str::<serde_json::Value>(existing).unwrap_or_default();
    let kept = |name: &str| {
        existing
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned)
    };
    let (title_en, description_en) = (kept("title_en"), kept("description_en"));
    if title_en.is_none() && description_en.is_none() {
        return;
    }
    let Some(text) = files.get_mut(std::path::Path::new("service.json")) else {
        return;
    };
    // The importers write this file from the model: it parses.
    let Ok(mut meta) = serde_json::from_str::<crate::spec::model::ServiceMeta>(text) else {
        return;
    };
    let before = meta.clone();
    for (slot, kept) in [
        (&mut meta.title_en, title_en),
        (&mut meta.description_en, description_en),
    ] {
        if let (true, Some(kept)) = (slot.is_empty(), kept) {
            *slot = kept;
        }
    }
    if meta != before {
        if let Ok(kept) = to_json_text(&meta) {
            *text = kept;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/tccli/thing.api.json, with a Chinese product name.
    fn thing_api() -> String {
        let api = include_str!("../../../../tests/fixtures/tccli/thing.api.json");
        let named = api.replace(
            r#""serviceShortName": "thing""#,
            r#""serviceShortName": "thing", "serviceNameCN": "东西""#,
        );
        assert_ne!(named, api);
        named
    }

    fn service_json(files: &SpecFiles) -> serde_json::Value {
        serde_json::from_str(&files[std::path::Path::new("service.json")]).expect("JSON")
    }

    #[test]
    fn a_reimport_keeps_the_english_title_and_description() {
        let mut files = tccli::import("api.json", &thing_api(), None).expect("imports");
        assert!(service_json(&files).get("title_en").is_none());
        let existing = r#"{"service": "thing", "title": "旧", "title_en": "Things",
            "description": "旧的", "description_en": "All the things."}"#;
        keep_english(existing, &mut files);
        let meta = service_json(&files);
        assert_eq!(meta["title_en"], "Things");
        assert_eq!(meta["description_en"], "All the things.");
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
        let imported = tccli::import("api.json", &thing_api(), None).expect("imports");
        for existing in [
            "",
            "not JSON",
            r#"{"title": "旧"}"#,
            r#"{"title_en": ""}"#,
            r#"{"title_en": 1}"#,
            r#"{"description_en": " "}"#,
        ] {
            let mut files = imported.clone();
            keep_english(existing, &mut files);
            assert_eq!(files, imported, "{existing:?}");
        }
    }
}
