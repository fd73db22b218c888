//! Which language the generated docs are in. Specs imported with
//! tccli-intl-en carry English text beside the Chinese (`title_en`,
//! `description_en`); before resolving, [`choose_docs`] puts the chosen
//! language's text in `title`/`description`, falling back to the other
//! language, marked as such, where the chosen one has none.

use std::str::FromStr;

use super::model::Field;
use super::ServiceVersion;
use crate::docs::Site;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocLang {
    /// English where tccli-intl-en has it, else Chinese, marked.
    #[default]
    En,
    /// Chinese where tccli has it, else English, marked.
    Zh,
}

impl FromStr for DocLang {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "en" => Ok(DocLang::En),
            "zh" => Ok(DocLang::Zh),
            other => Err(format!("doc language `{other}`: expected `en` or `zh`")),
        }
    }
}

/// What precedes a fallback text that is not in the chosen language.
fn fallback_marker(lang: DocLang) -> &'static str {
    match lang {
        DocLang::En => "(Chinese only) ",
        DocLang::Zh => "(仅英文) ",
    }
}

/// Han characters: what tells Chinese text from English here.
pub(crate) fn has_han(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
}

/// The text in `lang`, else the other's, and the site it was written for:
/// the spec's own text (`own`: Chinese from tccli; hand-written specs may
/// be in English) is the Chinese site's, tccli-intl-en's (`en`) the
/// international site's. A fallback is marked only when its script shows
/// the other language.
fn pick(own: &str, en: &str, lang: DocLang) -> (String, Site) {
    let ((wanted, wanted_site), (other, other_site)) = match lang {
        DocLang::En => ((en, Site::International), (own, Site::China)),
        DocLang::Zh => ((own, Site::China), (en, Site::International)),
    };
    if !wanted.trim().is_empty() {
        return (wanted.to_owned(), wanted_site);
    }
    let foreign = match lang {
        DocLang::En => has_han(other),
        DocLang::Zh => !other.trim().is_empty() && !has_han(other),
    };
    let text = match foreign {
        true => format!("{}{other}", fallback_marker(lang)),
        false => other.to_owned(),
    };
    (text, other_site)
}

fn choose_field(field: &mut Field, lang: DocLang) {
    let (chosen, site) = pick(&field.description, &field.description_en, lang);
    field.description_site = site;
    if chosen != field.description {
        field.spec_description = Some(std::mem::replace(&mut field.description, chosen));
    }
}

/// Puts the text in `lang` into every `title` and `description` of `version`.
pub fn choose_docs(version: &mut ServiceVersion, lang: DocLang) {
    let meta = &mut version.meta.value;
    meta.description = pick(&meta.description, &meta.description_en, lang).0;
    for action in version.actions.values_mut() {
        let action = &mut action.value;
        action.title = pick(&action.title, &action.title_en, lang).0;
        (action.description, action.description_site) =
            pick(&action.description, &action.description_en, lang);
        for field in action.input.iter_mut().chain(action.output.iter_mut()) {
            choose_field(field, lang);
        }
    }
    for ty in version.types.values_mut() {
        let ty = &mut ty.value;
        (ty.description, ty.description_site) = pick(&ty.description, &ty.description_en, lang);
        for field in &mut ty.fields {
            choose_field(field, lang);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_language_wins_and_the_other_is_marked() {
        let text = |own, en, lang| pick(own, en, lang).0;
        assert_eq!(text("中文", "English", DocLang::En), "English");
        assert_eq!(text("中文", "", DocLang::En), "(Chinese only) 中文");
        assert_eq!(text("中文", "English", DocLang::Zh), "中文");
        assert_eq!(text("", "English", DocLang::Zh), "(仅英文) English");
        assert_eq!(text("", " ", DocLang::En), "");
        // A hand-written spec in English needs no marker.
        assert_eq!(text("List things", "", DocLang::En), "List things");
    }

    /// tccli-intl-en's text was written for the international site, the
    /// spec's own for the Chinese one, whichever language is asked for.
    #[test]
    fn the_chosen_text_knows_its_site() {
        let site = |own, en, lang| pick(own, en, lang).1;
        assert_eq!(site("中文", "English", DocLang::En), Site::International);
        assert_eq!(site("中文", "", DocLang::En), Site::China);
        assert_eq!(site("中文", "English", DocLang::Zh), Site::China);
        assert_eq!(site("", "English", DocLang::Zh), Site::International);
        assert_eq!(site("List things", "", DocLang::En), Site::China);
    }
}
