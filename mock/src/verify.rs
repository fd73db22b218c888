//! Request verification: the signature (TC3-HMAC-SHA256, or v1's
//! HmacSHA1/HmacSHA256 for API 3.0 and API 2.0), the timestamp, the
//! SecretId, and the documented request structure (TC3's Authorization
//! form and scope, the Content-Type each request takes). A request that
//! passes becomes a [`ReceivedRequest`]; one that does not, a
//! [`Rejection`] with the service's code.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use tencentcloud_runtime::params::{decode_query, COMMON_PARAMS};
use tencentcloud_runtime::service::{Family, HttpMethod, SigningMethod};
use tencentcloud_runtime::signing::{tc3, v1};
use tencentcloud_runtime::Credentials;

use crate::{reject, unflatten, ReceivedRequest, Rejection, Shared};

impl Shared {
    fn secret_key(&self, secret_id: &str) -> Result<&str, Rejection> {
        self.credentials
            .iter()
            .find(|c| c.secret_id() == secret_id)
            .map(Credentials::secret_key)
            .ok_or_else(|| {
                reject(
                    "AuthFailure.SecretIdNotFound",
                    "The SecretId is not found, please ensure that your SecretId is correct.",
                )
            })
    }

    fn check_timestamp(&self, text: &str) -> Result<i64, Rejection> {
        let timestamp: i64 = text.parse().map_err(|_| {
            reject(
                "InvalidParameter",
                format!("Timestamp `{text}` is not a number"),
            )
        })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        if now.abs_diff(timestamp) > self.max_skew.as_secs() {
            return Err(reject(
                "AuthFailure.SignatureExpire",
                "Signature expired. Timestamp and server time cannot differ by more than five minutes.",
            ));
        }
        Ok(timestamp)
    }

    pub(crate) fn verify(
        &self,
        parts: &hyper::http::request::Parts,
        body: &[u8],
    ) -> Result<ReceivedRequest, Rejection> {
        let http_method = match parts.method.as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            other => {
                return Err(reject(
                    "UnsupportedProtocol",
                    format!("HTTP method {other} is not supported; use GET or POST"),
                ))
            }
        };
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let header = |name: &str| find_header(&headers, name);
        let host = header("host").unwrap_or_default().to_owned();
        let path = parts.uri.path().to_owned();
        let query = parts.uri.query().unwrap_or_default().to_owned();
        match header("authorization") {
            // Only API 3.0 reads TC3's Authorization header.
            Some(authorization) if self.service.family == Family::Api3 => {
                self.verify_tc3(http_method, &path, &query, &headers, authorization, body)
            }
            authorization => {
                let form = if http_method == HttpMethod::Post {
                    String::from_utf8_lossy(body).into_owned()
                } else {
                    query
                };
                let params = decode_query(&form);
                // API 2.0 knows no Authorization header: it reads the
                // `Signature` param only, and without one the request is unsigned.
                if authorization.is_some() && !params.iter().any(|(name, _)| name == "Signature") {
                    return Err(reject(
                        "AuthFailure.SignatureFailure",
                        format!(
                            "{} {} (API 2.0) takes only the HmacSHA1 or HmacSHA256 signature, sent as the `Signature` param; it does not read a TC3-HMAC-SHA256 Authorization header.",
                            self.service.service, self.service.version
                        ),
                    ));
                }
                // A v1 POST sends its params as a form body. The doc has
                // every GET take the form type too, but a v1 GET's
                // Content-Type is left unchecked on purpose: this SDK's v1
                // GET sends none (runtime/src/prepare.rs builds it without
                // headers; its params are in the query).
                if http_method == HttpMethod::Post {
                    let content_type = header("content-type");
                    check_content_type(content_type, FORM, "v1 (HmacSHA1/HmacSHA256) POST")?;
                }
                self.verify_v1(http_method, &host, &path, params, headers)
            }
        }
    }

    fn verify_tc3(
        &self,
        http_method: HttpMethod,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        authorization: &str,
        body: &[u8],
    ) -> Result<ReceivedRequest, Rejection> {
        let header = |name: &str| find_header(headers, name);
        // An Authorization header off Tencent's documented form.
        let invalid = |what: &str| {
            reject(
                "AuthFailure.InvalidAuthorization",
                format!("The Authorization header is malformed: {what}"),
            )
        };
        let malformed = || {
            invalid("expected `TC3-HMAC-SHA256 Credential=SecretId/Date/service/tc3_request, SignedHeaders=..., Signature=...`.")
        };
        let rest = authorization
            .strip_prefix(tc3::ALGORITHM)
            .ok_or_else(malformed)?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or_else(malformed)?;
            match key {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => return Err(malformed()),
            }
        }
        let (credential, signed_headers, signature) = (
            credential.ok_or_else(malformed)?,
            signed_headers.ok_or_else(malformed)?,
            signature.ok_or_else(malformed)?,
        );
        // Credential is SecretId/CredentialScope, and the scope is exactly
        // Date/service/tc3_request.
        let scope: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, terminator] = scope[..] else {
            return Err(invalid(&format!(
                "the Credential `{credential}` must be SecretId/Date/service/tc3_request, four parts; it has {}.",
                scope.len()
            )));
        };
        if terminator != SCOPE_TERMINATOR {
            return Err(invalid(&format!(
                "the credential scope must end with `{SCOPE_TERMINATOR}`, not `{terminator}`."
            )));
        }
        // content-type and host must always be signed.
        for required in ["content-type", "host"] {
            if !signed_headers.split(';').any(|name| name == required) {
                return Err(invalid(&format!(
                    "SignedHeaders `{signed_headers}` must include `{required}`; content-type and host are always signed."
                )));
            }
        }
        // GET sends its params as a form in the query; POST a JSON body.
        let content_type = header("content-type");
        match http_method {
            HttpMethod::Post => check_content_type(content_type, JSON, "TC3-HMAC-SHA256 POST")?,
            HttpMethod::Get => check_content_type(content_type, FORM, "TC3-HMAC-SHA256 GET")?,
        }
        let secret_key = self.secret_key(secret_id)?;
        let timestamp = self.check_timestamp(header("x-tc-timestamp").ok_or_else(|| {
            reject("MissingParameter", "The request is missing X-TC-Timestamp.")
        })?)?;
        let action = header("x-tc-action")
            .ok_or_else(|| reject("MissingParameter", "The request is missing X-TC-Action."))?
            .to_owned();
        if header("x-tc-version") != Some(self.service.version) {
            return Err(reject(
                "NoSuchVersion",
                "The requested version does not exist or is not supported.",
            ));
        }
        if date != tc3::date_of(timestamp) || service != self.service.service {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The credential scope does not match the timestamp or the service.",
            ));
        }
        // Rebuild the canonical request from what arrived.
        let mut signed: Vec<(&str, String)> = Vec::new();
        for name in signed_headers.split(';') {
            let value = header(name).ok_or_else(|| {
                reject(
                    "AuthFailure.SignatureFailure",
                    format!("The signed header `{name}` is missing."),
                )
            })?;
            // The action header is signed lowercased.
            let value = if name == "x-tc-action" {
                value.to_ascii_lowercase()
            } else {
                value.to_owned()
            };
            signed.push((name, value));
        }
        let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let canonical = tc3::canonical_request(&tc3::Tc3Request {
            method: http_method.as_str(),
            canonical_uri: path,
            canonical_query: query,
            headers: &signed,
            payload: body,
        });
        let string_to_sign = tc3::string_to_sign(&canonical, timestamp, service);
        let expected = tc3::signature(secret_key, timestamp, service, &string_to_sign);
        if expected != signature {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            ));
        }
        let (params, raw_params) = match http_method {
            HttpMethod::Post => {
                let params: Value = serde_json::from_slice(body).map_err(|e| {
                    reject(
                        "InvalidParameter",
                        format!("The request body is not valid JSON: {e}"),
                    )
                })?;
                if !params.is_object() {
                    return Err(reject(
                        "InvalidParameter",
                        "The request body must be a JSON object.",
                    ));
                }
                (params, Vec::new())
            }
            HttpMethod::Get => {
                let raw = decode_query(query);
                (
                    unflatten(&raw, self.service.list_index_base).map_err(|(c, m)| reject(c, m))?,
                    raw,
                )
            }
        };
        Ok(ReceivedRequest {
            action,
            http_method,
            signing_method: SigningMethod::Tc3HmacSha256,
            params,
            raw_params,
            headers: headers.to_vec(),
        })
    }

    fn verify_v1(
        &self,
        http_method: HttpMethod,
        host: &str,
        path: &str,
        params: Vec<(String, String)>,
        headers: Vec<(String, String)>,
    ) -> Result<ReceivedRequest, Rejection> {
        let param = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let missing = |name: &str| {
            reject(
                "MissingParameter",
                format!("The request is missing a required parameter `{name}`."),
            )
        };
        let action = param("Action").ok_or_else(|| missing("Action"))?.to_owned();
        let secret_id = param("SecretId").ok_or_else(|| missing("SecretId"))?;
        let signature = param("Signature").ok_or_else(|| missing("Signature"))?;
        let secret_key = self.secret_key(secret_id)?;
        self.check_timestamp(param("Timestamp").ok_or_else(|| missing("Timestamp"))?)?;
        param("Nonce").ok_or_else(|| missing("Nonce"))?;
        if self.service.family == Family::Api3 && param("Version") != Some(self.service.version) {
            return Err(reject(
                "NoSuchVersion",
                "The requested version does not exist or is not supported.",
            ));
        }
        let algorithm = match param("SignatureMethod") {
            None | Some("HmacSHA1") => v1::V1Algorithm::HmacSha1,
            Some("HmacSHA256") => v1::V1Algorithm::HmacSha256,
            Some(other) => {
                return Err(reject(
                    "InvalidParameterValue",
                    format!("SignatureMethod `{other}` is not supported."),
                ))
            }
        };
        let signing_method = match algorithm {
            v1::V1Algorithm::HmacSha1 => SigningMethod::HmacSha1,
            v1::V1Algorithm::HmacSha256 => SigningMethod::HmacSha256,
        };
        let param_region = param("Region").map(str::to_owned);
        let unsigned: Vec<(String, String)> = params
            .iter()
            .filter(|(n, _)| n != "Signature")
            .cloned()
            .collect();
        let string_to_sign = v1::string_to_sign(http_method.as_str(), host, path, &unsigned);
        if v1::signature(secret_key, algorithm, &string_to_sign) != signature {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            ));
        }
        let raw: Vec<(String, String)> = params
            .into_iter()
            .filter(|(n, _)| !COMMON_PARAMS.contains(&n.as_str()))
            .collect();
        if self.service.family == Family::Api2 && param_region.is_none() {
            return Err(missing("Region"));
        }
        Ok(ReceivedRequest {
            action,
            http_method,
            signing_method,
            params: unflatten(&raw, self.service.list_index_base).map_err(|(c, m)| reject(c, m))?,
            raw_params: raw,
            headers,
        })
    }
}

/// The last part of TC3's credential scope (`Date/service/tc3_request`).
const SCOPE_TERMINATOR: &str = "tc3_request";
/// The body of a TC3 POST.
const JSON: &str = "application/json";
/// The Content-Type of a TC3 GET (whose params are a form in the query)
/// and of a v1 POST's body.
const FORM: &str = "application/x-www-form-urlencoded";

/// Checks a request's Content-Type against the one media type its
/// signing method and HTTP method take, as Tencent's request structure
/// documents them: `application/json` for a TC3 POST (`multipart/form-data`
/// only for the few actions documented for it, which the mock serves none
/// of), `application/x-www-form-urlencoded` for a TC3 GET and a v1 POST.
/// Only a `charset=utf-8` param may follow; the service speaks UTF-8 only.
/// The doc gives a v1 GET the form type as well, but the mock does not
/// check it, a deliberate leniency: this SDK's v1 GET sends no
/// Content-Type (`runtime/src/prepare.rs` builds it without headers).
fn check_content_type(value: Option<&str>, expected: &str, request: &str) -> Result<(), Rejection> {
    let refuse = |got: String| {
        let mut message = format!("A {request} request takes Content-Type {expected}; got {got}.");
        if value.is_some_and(|v| media_type(v).eq_ignore_ascii_case("multipart/form-data")) {
            message.push_str(
                " multipart/form-data is taken only by the few actions documented for it, and the mock serves none of them.",
            );
        }
        reject("UnsupportedProtocol", message)
    };
    let Some(value) = value else {
        return Err(refuse("none".into()));
    };
    let utf8 = |param: &str| {
        param.split_once('=').is_some_and(|(name, charset)| {
            name.trim().eq_ignore_ascii_case("charset")
                && charset
                    .trim()
                    .trim_matches('"')
                    .eq_ignore_ascii_case("utf-8")
        })
    };
    let mut params = value.split(';').skip(1);
    if !media_type(value).eq_ignore_ascii_case(expected) || !params.all(utf8) {
        return Err(refuse(format!("`{value}`")));
    }
    Ok(())
}

/// The media type of a Content-Type value, without its params.
fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or_default().trim()
}

/// A header's value by case-insensitive name.
fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
