//! The serde model of the spec files, one struct per JSON object kind.
//!
//! These mirror `api-spec/schema/spec.schema.json`; the loader checks the
//! schema first, so serde errors here only cover what the schema cannot say.

use serde::{Deserialize, Serialize};

/// `service.json`: one service version and its wire rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceMeta {
    pub service: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub protocol: Protocol,
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
