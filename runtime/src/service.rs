//! What a generated crate tells the runtime about its service version.

/// The API family decides the common params and the reply envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// API 3.0: `Version` param, `{"Response": {...}}` replies.
    Api3,
    /// Legacy API 2.0: `{"code": 0, "message": "...", ...}` replies.
    Api2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningMethod {
    /// TC3-HMAC-SHA256 in the `Authorization` header.
    Tc3HmacSha256,
    /// Signature v1 with HMAC-SHA256, as a `Signature` param.
    HmacSha256,
    /// Signature v1 with HMAC-SHA1, as a `Signature` param.
    HmacSha1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Post,
    Get,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Get => "GET",
        }
    }
}

/// A service version's wire rules, generated from its `service.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// `cvm`: the TC3 credential scope's service.
    pub service: &'static str,
    /// `2017-03-12`: the `Version` param.
    pub version: &'static str,
    pub family: Family,
    pub host: &'static str,
    /// The region-pinned host, with a `{region}` placeholder, if any.
    pub regional_host: Option<&'static str>,
    pub path: &'static str,
    pub signing_methods: &'static [SigningMethod],
    pub default_signing_method: SigningMethod,
    /// The first is the default.
    pub http_methods: &'static [HttpMethod],
    /// The first index of `.N` lists.
    pub list_index_base: usize,
}
