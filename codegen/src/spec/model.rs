//! The serde model of the spec files, one struct per JSON object kind.
//!
//! These mirror `api-spec/schema/spec.schema.json`; the loader checks the
//! schema first, so serde errors here only cover what the schema cannot say.

use serde::{Deserialize, Serialize};

use crate::docs::Site;

/// `service.json`: one service version and its wire rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceMeta {
    pub service: String,
    pub version: String,
    /// The product name as tccli has it (`serviceNameCN`: Chinese).
    pub title: String,
    /// The English product name (`Cloud Virtual Machine`), kept by hand:
    /// neither tccli nor tccli-intl-en has one, and an import keeps it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    pub description: String,
    /// The English `description`, kept by hand like `title_en`;
    /// [`crate::spec::choose_docs`] picks between the two.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_en: String,
    pub protocol: Protocol,
}

impl ServiceMeta {
    /// The product name English text may use: `title_en`, else a `title`
    /// that is not Chinese (a hand-written spec's), else none.
    pub fn english_title(&self) -> Option<&str> {
        [self.title_en.trim(), self.title.trim()]
            .into_iter()
            .find(|title| !title.is_empty() && !super::doc_lang::has_han(title))
    }

    /// How English text names the service: `Cloud Virtual Machine (cvm)`,
    /// or the short name alone when there is no English title; with
    /// `code`, the short name is Markdown code (`` `cvm` ``).
    pub fn english_name(&self, code: bool) -> String {
        english_name(self.english_title(), &self.service, code)
    }
}

/// [`ServiceMeta::english_name`] of a service named `service`.
pub fn english_name(title: Option<&str>, service: &str, code: bool) -> String {
    let service = if code {
        format!("`{service}`")
    } else {
        service.to_owned()
    };
    match title {
        Some(title) => format!("{title} ({service})"),
        None => service,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    pub family: Family,
    pub endpoint: Endpoint,
    pub signing: Signing,
    pub http_methods: Vec<HttpMethod>,
    pub list_encoding: ListEncoding,
}

/// The API family decides the envelope of replies and the common params.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// API 3.0: `{"Response": {...}}` replies, `Version` param.
    Api3,
    /// Legacy API 2.0: `{"code": 0, "message": ...}` replies.
    Api2,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_host: Option<String>,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    pub methods: Vec<SigningMethod>,
    pub default: SigningMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SigningMethod {
    #[serde(rename = "TC3-HMAC-SHA256")]
    Tc3HmacSha256,
    #[serde(rename = "HmacSHA256")]
    HmacSha256,
    #[serde(rename = "HmacSHA1")]
    HmacSha1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpMethod {
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "GET")]
    Get,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEncoding {
    pub style: ListStyle,
    pub index_base: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListStyle {
    /// `Name.N`, `Name.N.Field`, `Name.N.Field.M`.
    Dotted,
}

/// `actions/<Name>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub name: String,
    pub title: String,
    pub description: String,
    /// English text from tccli-intl-en; empty when there is none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_en: String,
    /// The site `description` was written for, set by
    /// [`crate::spec::choose_docs`]: its site-relative links lead there.
    #[serde(skip)]
    pub description_site: Site,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub input: Vec<Field>,
    pub output: Vec<Field>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Online,
    Deprecated,
}

/// `types/<Name>.json`: an object type shared by several actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_en: String,
    /// As [`Action::description_site`].
    #[serde(skip)]
    pub description_site: Site,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub type_ref: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub always_present: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The spec's own `description` when [`crate::spec::choose_docs`] put
    /// another language's text there: rules read from docs (a paginator's
    /// `Limit`, read from this and the English text) must not depend on the
    /// doc language.
    #[serde(skip)]
    pub spec_description: Option<String>,
    /// As [`Action::description_site`].
    #[serde(skip)]
    pub description_site: Site,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub request: serde_json::Map<String, serde_json::Value>,
    pub response: serde_json::Map<String, serde_json::Value>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(title: &str, title_en: &str) -> ServiceMeta {
        let mut meta: ServiceMeta = serde_json::from_value(serde_json::json!({
            "service": "cvm", "version": "2017-03-12", "title": title, "description": "",
            "protocol": {
                "family": "api3",
                "endpoint": {"host": "cvm.tencentcloudapi.com", "path": "/"},
                "signing": {"methods": ["TC3-HMAC-SHA256"], "default": "TC3-HMAC-SHA256"},
                "http_methods": ["POST"],
                "list_encoding": {"style": "dotted", "index_base": 0}
            }
        }))
        .expect("a service.json");
        meta.title_en = title_en.to_owned();
        meta
    }

    /// English text names a service by its English title, else by a title
    /// that is not Chinese, else by its short name: never in Chinese.
    #[test]
    fn the_english_name_is_never_chinese() {
        let named = meta("云服务器", "Cloud Virtual Machine");
        assert_eq!(named.english_title(), Some("Cloud Virtual Machine"));
        assert_eq!(named.english_name(false), "Cloud Virtual Machine (cvm)");
        assert_eq!(named.english_name(true), "Cloud Virtual Machine (`cvm`)");
        let chinese = meta("云服务器", "");
        assert_eq!(chinese.english_title(), None);
        assert_eq!(chinese.english_name(false), "cvm");
        assert_eq!(chinese.english_name(true), "`cvm`");
        // A hand-written spec's English title serves.
        assert_eq!(meta("Fixture", "").english_title(), Some("Fixture"));
        // A Chinese `title_en` is no English title.
        assert_eq!(meta("云服务器", "云服务器").english_title(), None);
        assert_eq!(meta("", " ").english_title(), None);
    }
}
