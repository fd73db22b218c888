//! Preparation: a request's params encoded for its service's wire form,
//! its client token filled, and the whole signed (TC3 or v1) into a
//! [`PreparedRequest`].

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::client::Client;
use crate::config::Language;
use crate::endpoint::Target;
use crate::error::Error;
use crate::params::{decode_query, encode_component, to_params, Params};
use crate::random::random_bytes;
use crate::service::{Family, HttpMethod, SigningMethod};
use crate::signing::{tc3, v1};
use crate::Credentials;

const JSON: &str = "application/json; charset=utf-8";
const FORM: &str = "application/x-www-form-urlencoded";

/// A signed request, ready to send: what the wire carries. Its `Debug`
/// output hides the session token (header, param and signed text).
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub method: HttpMethod,
    pub url: String,
    /// Headers in sending order (Host is set by the transport from the URL).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The signer's intermediate text: TC3's canonical request and string to
    /// sign, or v1's string to sign.
    pub canonical_request: Option<String>,
    pub string_to_sign: String,
}

/// A request's params, encoded once per call and signed for each attempt.
#[derive(Clone)]
pub(crate) enum Encoded {
    /// The JSON body, for TC3 over POST.
    Body(Vec<u8>),
    /// The `.N` params, for every other form.
    Params(Params),
}

impl Encoded {
    /// Puts a fresh client token (a UUID v4) into the top-level `field`
    /// when `fill` is on and the request left it absent, null or empty.
    /// Whether the request then carries a token, which makes the action
    /// safe to retry.
    pub fn fill_client_token(&mut self, field: &str, fill: bool) -> bool {
        match self {
            Encoded::Params(params) => match params.get(field) {
                Some(token) if !token.is_empty() => return true,
                _ if !fill => return false,
                Some(_) => {
                    let token = new_client_token();
                    let mut filled = Params::new();
                    for (name, value) in params.iter() {
                        filled.push(name, if name == field { &token } else { value });
                    }
                    *params = filled;
                }
                None => params.push(field, &new_client_token()),
            },
            Encoded::Body(body) => match json_token_slot(body, field) {
                TokenSlot::Set | TokenSlot::NotAnObject => return true,
                _ if !fill => return false,
                TokenSlot::Empty(range) => {
                    body.splice(range, format!("\"{}\"", new_client_token()).into_bytes());
                }
                TokenSlot::Absent => {
                    // Appended as the object's last member.
                    body.pop();
                    if body.len() > 1 {
                        body.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *body, field);
                    body.extend_from_slice(format!(":\"{}\"}}", new_client_token()).as_bytes());
                }
            },
        }
        true
    }

    /// The params as text, for `log_bodies`.
    pub fn log(&self) {
        match self {
            Encoded::Body(body) => {
                let body = crate::reply::redacted_body(body);
                tracing::trace!(params = %String::from_utf8_lossy(&body), "request params")
            }
            Encoded::Params(params) => tracing::trace!(?params, "request params"),
        }
    }
}

/// The top-level member `field` of a compact JSON object.
enum TokenSlot {
    NotAnObject,
    Absent,
    /// `null` or `""`, at these bytes.
    Empty(std::ops::Range<usize>),
    Set,
}

/// Finds `field` among the top-level keys of `body`, as serde_json writes
/// an object: no spaces, escapes only inside strings.
fn json_token_slot(body: &[u8], field: &str) -> TokenSlot {
    if body.first() != Some(&b'{') || body.last() != Some(&b'}') {
        return TokenSlot::NotAnObject;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&byte) = body.get(i) {
        match byte {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while let Some(&b) = body.get(end) {
                    match b {
                        b'"' => break,
                        b'\\' => end += 2,
                        _ => end += 1,
                    }
                }
                // A key is a string followed by `:`; values never are.
                if depth == 1
                    && body.get(end + 1) == Some(&b':')
                    && body.get(start..end) == Some(field.as_bytes())
                {
                    let value = end + 2;
                    let rest = body.get(value..).unwrap_or_default();
                    for empty in [&b"null"[..], b"\"\""] {
                        if rest.starts_with(empty) {
                            return TokenSlot::Empty(value..value + empty.len());
                        }
                    }
                    return TokenSlot::Set;
                }
                i = end + 1;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    TokenSlot::Absent
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        let mut text = format!(
            "PreparedRequest {{ method: {:?}, url: {:?}, headers: {:?}, body: {:?}, canonical_request: {:?}, string_to_sign: {:?} }}",
            self.method, self.url, self.headers, body, self.canonical_request, self.string_to_sign
        );
        // The session token, and the signature (replayable within minutes).
        let query = self.url.split_once('?').map_or("", |(_, query)| query);
        let params = [query, &body].into_iter().flat_map(decode_query);
        let params = params.filter(|(name, _)| name == "Token" || name == "Signature");
        let headers = self.headers.iter().filter_map(|(name, value)| {
            match name.to_ascii_lowercase().as_str() {
                "x-tc-token" => Some(value.clone()),
                "authorization" => value.rsplit_once("Signature=").map(|(_, s)| s.to_owned()),
                _ => None,
            }
        });
        let secrets = headers.chain(params.map(|(_, value)| value));
        // Every form a secret takes in the text: raw, percent-encoded, Debug-escaped.
        for secret in secrets.filter(|secret| !secret.is_empty()) {
            let escaped = format!("{secret:?}");
            let encoded = encode_component(&secret);
            for form in [secret.as_str(), &encoded, escaped.trim_matches('"')] {
                text = text.replace(form, "<redacted>");
            }
        }
        f.write_str(&text)
    }
}

/// The moment and nonce a request is signed with; fixed in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningContext {
    pub timestamp: i64,
    pub nonce: u32,
}

impl SigningContext {
    pub fn now() -> Self {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        SigningContext {
            timestamp,
            nonce: u32::from_ne_bytes(random_bytes()).max(1),
        }
    }
}

/// A random (version 4) UUID in its usual text form.
pub fn new_client_token() -> String {
    let mut bytes: [u8; 16] = random_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = hex::encode(bytes);
    for at in [20, 16, 12, 8] {
        text.insert(at, '-');
    }
    text
}

impl Client {
    /// Builds and signs the request without sending it: a pure function of
    /// the credentials, the moment and the request.
    pub fn prepare<Req: Serialize + ?Sized>(
        &self,
        credentials: &Credentials,
        action: &str,
        host: Option<&str>,
        request: &Req,
        context: SigningContext,
    ) -> Result<PreparedRequest, Error> {
        let encoded = self.encode(action, request)?;
        let target = self.target_of(action, host)?;
        self.prepare_encoded(credentials, action, &target, encoded, context)
    }

    /// The request's params in the form this client sends them. TC3 over
    /// POST sends the JSON as the body, written straight to bytes; the
    /// other forms serialize straight to `.N` params. Neither builds a JSON
    /// `Value`.
    pub(crate) fn encode<Req: Serialize + ?Sized>(
        &self,
        action: &str,
        request: &Req,
    ) -> Result<Encoded, Error> {
        let inner = &*self.inner;
        let json_body = inner.signing_method == SigningMethod::Tc3HmacSha256
            && inner.http_method == HttpMethod::Post;
        let encoded = if json_body {
            serde_json::to_vec(request)
                .map(Encoded::Body)
                .map_err(|e| e.to_string())
        } else {
            to_params(request, inner.service.list_index_base).map(Encoded::Params)
        };
        encoded.map_err(|message| Error::Encode {
            action: action.to_owned(),
            message,
        })
    }

    /// Where `host` (the action's own, if any) sends this client's requests.
    pub(crate) fn target_of(
        &self,
        action: &str,
        host: Option<&str>,
    ) -> Result<Cow<'_, Target>, Error> {
        self.inner
            .endpoints
            .target(host)
            .map_err(|message| Error::Encode {
                action: action.to_owned(),
                message,
            })
    }

    /// Signs encoded params for `target`: the part of [`Client::prepare`]
    /// that does not depend on the request type, run again for each
    /// attempt (on a copy).
    pub(crate) fn prepare_encoded(
        &self,
        credentials: &Credentials,
        action: &str,
        target: &Target,
        encoded: Encoded,
        context: SigningContext,
    ) -> Result<PreparedRequest, Error> {
        let inner = &*self.inner;
        let v1 = match inner.signing_method {
            SigningMethod::Tc3HmacSha256 => None,
            SigningMethod::HmacSha256 => Some(v1::V1Algorithm::HmacSha256),
            SigningMethod::HmacSha1 => Some(v1::V1Algorithm::HmacSha1),
        };
        let tc3 = |payload| self.prepare_tc3(credentials, action, payload, target, context);
        let prepared = match (v1, encoded) {
            (None, Encoded::Body(body)) => tc3((JSON, String::new(), body)),
            (None, Encoded::Params(params)) => tc3((FORM, params.encode_query(), Vec::new())),
            (Some(algorithm), Encoded::Params(params)) => {
                self.prepare_v1(credentials, action, params, target, context, algorithm)
            }
            (Some(_), Encoded::Body(_)) => Err("a JSON body is only sent with TC3".into()),
        };
        prepared.map_err(|message| Error::Encode {
            action: action.to_owned(),
            message,
        })
    }

    /// A TC3 request: a JSON body (POST) or a query (GET).
    fn prepare_tc3(
        &self,
        credentials: &Credentials,
        action: &str,
        (content_type, query, body): (&str, String, Vec<u8>),
        target: &Target,
        context: SigningContext,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let action_lower = action.to_ascii_lowercase();
        let signed = [
            ("content-type", content_type),
            ("host", target.authority.as_str()),
            ("x-tc-action", action_lower.as_str()),
        ];
        let signature = tc3::sign(
            credentials.secret_id(),
            credentials.secret_key(),
            inner.service.service,
            context.timestamp,
            &tc3::Tc3Request {
                method: inner.http_method.as_str(),
                canonical_uri: &target.path,
                canonical_query: &query,
                headers: &signed,
                payload: &body,
            },
        );
        let config = &inner.config;
        let headers = [
            ("Authorization", Some(signature.authorization)),
            ("Content-Type", Some(content_type.to_owned())),
            ("X-TC-Action", Some(action.to_owned())),
            ("X-TC-Timestamp", Some(context.timestamp.to_string())),
            ("X-TC-Version", Some(inner.service.version.to_owned())),
            ("X-TC-Region", config.region.clone()),
            ("X-TC-Token", credentials.token().map(str::to_owned)),
            ("X-TC-Language", config.language.map(|l| l.as_str().into())),
            ("X-TC-RequestClient", Some(config.request_client.clone())),
        ];
        let headers = headers
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_owned(), value?)))
            .collect();
        let mut url = target.url_text(query.len() + 1);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(PreparedRequest {
            method: inner.http_method,
            url,
            headers,
            body,
            canonical_request: Some(signature.canonical_request),
            string_to_sign: signature.string_to_sign,
        })
    }

    fn prepare_v1(
        &self,
        credentials: &Credentials,
        action: &str,
        mut params: Params,
        target: &Target,
        context: SigningContext,
        algorithm: v1::V1Algorithm,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let config = &inner.config;
        let api3 = inner.service.family == Family::Api3;
        let mut timestamp = itoa::Buffer::new();
        let mut nonce = itoa::Buffer::new();
        // (sent with this family, name, value if any)
        let common = [
            (true, "Action", Some(action)),
            (api3, "Version", Some(inner.service.version)),
            (true, "Region", config.region.as_deref()),
            (true, "Timestamp", Some(timestamp.format(context.timestamp))),
            (true, "Nonce", Some(nonce.format(context.nonce))),
            (true, "SecretId", Some(credentials.secret_id())),
            (true, "SignatureMethod", Some(algorithm.param_value())),
            (true, "Token", credentials.token()),
            (true, "Language", config.language.map(Language::as_str)),
            // API 2.0 documents no such param; only API 3.0 gets it.
            (api3, "RequestClient", Some(&config.request_client)),
        ];
        let is_common = |name: &str| common.iter().any(|&(sent, known, _)| sent && known == name);
        // One pass over the request's params (names differ in length mostly).
        if let Some((name, _)) = params.iter().find(|(name, _)| is_common(name)) {
            return Err(format!(
                "the request has a field named `{name}`, a common param"
            ));
        }
        for (sent, name, value) in common {
            if let (true, Some(value)) = (sent, value) {
                params.push(name, value);
            }
        }
        let method = inner.http_method.as_str();
        let unsigned: Vec<_> = params.iter().collect();
        let string_to_sign = v1::string_to_sign(method, &target.authority, &target.path, &unsigned);
        let signature = v1::signature(credentials.secret_key(), algorithm, &string_to_sign);
        params.push("Signature", &signature);
        let mut url = target.url_text(params.encoded_length_hint() + 1);
        let (headers, body) = match inner.http_method {
            HttpMethod::Get => {
                url.push('?');
                params.push_query(&mut url);
                (Vec::new(), Vec::new())
            }
            HttpMethod::Post => (
                vec![("Content-Type".to_owned(), FORM.to_owned())],
                params.encode_query().into_bytes(),
            ),
        };
        Ok(PreparedRequest {
            method: inner.http_method,
            url,
            headers,
            body,
            canonical_request: None,
            string_to_sign,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(body: &str, fill: bool) -> (String, bool) {
        let mut encoded = Encoded::Body(body.as_bytes().to_vec());
        let carries = encoded.fill_client_token("ClientToken", fill);
        let Encoded::Body(body) = encoded else {
            unreachable!()
        };
        (String::from_utf8(body).expect("UTF-8"), carries)
    }

    #[test]
    fn client_tokens_fill_only_empty_fields() {
        let (body, carries) = filled(r#"{"ClientToken":"","A":1}"#, true);
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let token = json["ClientToken"].as_str().expect("a token").to_owned();
        assert!(carries && body.ends_with(r#"","A":1}"#), "{body}");
        assert_eq!(token.len(), 36);
        assert_eq!(&token[14..15], "4");
        assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        let kept = r#"{"A":{"ClientToken":""},"ClientToken":"mine"}"#;
        assert_eq!(filled(kept, true), (kept.to_owned(), true));
        let (body, carries) = filled(r#"{"A":"\"ClientToken\":","ClientToken":null}"#, true);
        assert!(carries && !body.contains("null"), "{body}");
        for (empty, expected) in [
            ("{}", "{\"ClientToken\":"),
            (r#"{"A":1}"#, r#"{"A":1,"ClientToken":"#),
        ] {
            let (body, carries) = filled(empty, true);
            assert!(carries && body.starts_with(expected), "{body}");
            assert_eq!(filled(empty, false), (empty.to_owned(), false));
        }
        let mut params = Params::new();
        params.push("ClientToken", "");
        params.push("A", "1");
        let mut encoded = Encoded::Params(params);
        assert!(encoded.fill_client_token("ClientToken", true));
        let Encoded::Params(params) = encoded else {
            unreachable!()
        };
        let names: Vec<_> = params
            .iter()
            .map(|(name, value)| (name, value.len()))
            .collect();
        assert_eq!(names, [("ClientToken", 36), ("A", 1)]);
    }
}
