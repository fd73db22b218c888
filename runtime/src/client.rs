//! The client every generated service client wraps: configuration,
//! request preparation (params, signing) and reply decoding.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{body_snippet, bounded, ApiError, Error};
use crate::params::{encode_query, flatten};
use crate::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use crate::signing::{tc3, v1};
use crate::Credentials;

/// Reply language for messages and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    ZhCn,
    EnUs,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest reply body a client reads by default: far above any real
/// reply, low enough that a broken or hostile endpoint cannot exhaust memory.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;
const USER_AGENT: &str = concat!("tencentcloud-rs/", env!("CARGO_PKG_VERSION"));

/// Settings of a client. Everything but the credentials is optional; the
/// service's defaults apply.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    credentials: Credentials,
    region: Option<String>,
    signing_method: Option<SigningMethod>,
    http_method: Option<HttpMethod>,
    language: Option<Language>,
    timeout: Duration,
    endpoint: Option<String>,
    regional_endpoint: bool,
    max_reply_bytes: usize,
}

impl ClientConfig {
    pub fn new(credentials: Credentials) -> Self {
        ClientConfig {
            credentials,
            region: None,
            signing_method: None,
            http_method: None,
            language: None,
            timeout: DEFAULT_TIMEOUT,
            endpoint: None,
            regional_endpoint: false,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
        }
    }

    /// Credentials from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`
    /// and `TENCENTCLOUD_SESSION_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self::new(Credentials::from_env()?))
    }

    /// The region, e.g. `ap-guangzhou`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    pub fn signing_method(mut self, method: SigningMethod) -> Self {
        self.signing_method = Some(method);
        self
    }

    pub fn http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = Some(method);
        self
    }

    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The whole-request timeout (connect, send, read).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every request to this http(s) URL instead of the service's host,
    /// e.g. a regional endpoint or a local mock at `http://127.0.0.1:PORT`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Sends requests to the region's own host (`cvm.ap-guangzhou.tencentcloudapi.com`)
    /// instead of the nearest one; needs a region and a service that has one.
    pub fn regional_endpoint(mut self, on: bool) -> Self {
        self.regional_endpoint = on;
        self
    }

    /// The largest reply body to read ([`DEFAULT_MAX_REPLY_BYTES`] unless
    /// set); a longer one fails with [`Error::ReplyTooLarge`].
    pub fn max_reply_bytes(mut self, limit: usize) -> Self {
        self.max_reply_bytes = limit;
        self
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    scheme: String,
    /// `host` or `host:port`, as sent in the Host header.
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, Error> {
        let bad = |why: &str| Error::Config(format!("endpoint `{url}`: {why}"));
        let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https"));
        }
        let host = parsed.host_str().ok_or_else(|| bad("no host"))?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad("a query or fragment is not allowed"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad("credentials in the URL are not allowed"));
        }
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Target {
            scheme: parsed.scheme().to_owned(),
            authority,
            path: parsed.path().to_owned(),
        })
    }
}

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

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        let query = self.url.split_once('?').map_or("", |(_, query)| query);
        let mut tokens: Vec<String> = self
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("X-TC-Token"))
            .map(|(_, value)| value.clone())
            .collect();
        for text in [query, body.as_ref()] {
            tokens.extend(
                crate::params::decode_query(text)
                    .into_iter()
                    .filter(|(name, _)| name == "Token")
                    .map(|(_, value)| value),
            );
        }
        let mut text = format!(
            "PreparedRequest {{ method: {:?}, url: {:?}, headers: {:?}, body: {:?}, canonical_request: {:?}, string_to_sign: {:?} }}",
            self.method, self.url, self.headers, body, self.canonical_request, self.string_to_sign
        );
        // Every form the token takes in the text: raw, percent-encoded, Debug-escaped.
        for token in tokens.iter().filter(|t| !t.is_empty()) {
            let escaped = format!("{token:?}");
            let forms = [
                token.clone(),
                crate::params::encode_component(token),
                escaped.trim_matches('"').to_owned(),
            ];
            for form in forms {
                text = text.replace(&form, "<redacted>");
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
            nonce: rand::random::<u32>().max(1),
        }
    }
}

/// A configured client for one service version. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceInfo,
    config: ClientConfig,
    signing_method: SigningMethod,
    http_method: HttpMethod,
    endpoint: Option<Target>,
    http: reqwest::Client,
}

impl Client {
    /// Checks the configuration against what the service accepts.
    pub fn new(service: &'static ServiceInfo, config: ClientConfig) -> Result<Client, Error> {
        config.credentials.validate()?;
        let signing_method = config
            .signing_method
            .unwrap_or(service.default_signing_method);
        if !service.signing_methods.contains(&signing_method) {
            return Err(Error::Config(format!(
                "{} {} does not accept the signing method {signing_method:?}",
                service.service, service.version
            )));
        }
        let http_method = match config.http_method {
            Some(method) => method,
            None => *service.http_methods.first().ok_or_else(|| {
                Error::Config(format!("{} lists no HTTP method", service.service))
            })?,
        };
        if !service.http_methods.contains(&http_method) {
            return Err(Error::Config(format!(
                "{} {} does not accept HTTP {}",
                service.service,
                service.version,
                http_method.as_str()
            )));
        }
        if let Some(region) = &config.region {
            let valid = !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(Error::Config(format!(
                    "region `{region}`: expected lowercase letters, digits and `-`, like ap-guangzhou"
                )));
            }
        }
        if config.timeout.is_zero() {
            return Err(Error::Config("the timeout must be longer than zero".into()));
        }
        let mut endpoint = config.endpoint.as_deref().map(Target::parse).transpose()?;
        if config.regional_endpoint && endpoint.is_none() {
            let (Some(pattern), Some(region)) = (service.regional_host, config.region.as_deref())
            else {
                return Err(Error::Config(format!(
                    "a regional endpoint needs a region, and {} {} to have regional hosts",
                    service.service, service.version
                )));
            };
            endpoint = Some(Target {
                scheme: "https".into(),
                authority: pattern.replace("{region}", region),
                path: service.path.to_owned(),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                config,
                signing_method,
                http_method,
                endpoint,
                http,
            }),
        })
    }

    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls `action`, sending `request`'s fields as its params. `host`
    /// overrides the service host for actions served elsewhere.
    pub async fn call<Req, Resp>(
        &self,
        action: &str,
        host: Option<&str>,
        request: &Req,
    ) -> Result<Resp, Error>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
    {
        let prepared = self.prepare(action, host, request, SigningContext::now())?;
        tracing::debug!(
            service = self.inner.service.service,
            action,
            method = prepared.method.as_str(),
            "sending request"
        );
        let method = match prepared.method {
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Get => reqwest::Method::GET,
        };
        let mut builder = self.inner.http.request(method, &prepared.url);
        for (name, value) in &prepared.headers {
            builder = builder.header(name, value);
        }
        let transport = |source: reqwest::Error| Error::Transport {
            action: action.to_owned(),
            // The URL can carry a v1 signature and token: keep it out.
            source: source.without_url(),
        };
        let response = builder
            .body(prepared.body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let body = read_capped(response, self.inner.config.max_reply_bytes)
            .await
            .map_err(|e| match e {
                CappedReadError::Transport(source) => transport(source),
                CappedReadError::TooLarge { limit } => Error::ReplyTooLarge {
                    action: action.to_owned(),
                    status,
                    limit,
                },
            })?;
        let decoded = decode_reply(self.inner.service.family, action, status, &body);
        match &decoded {
            Ok(_) => tracing::debug!(action, status, "reply decoded"),
            Err(error) => tracing::debug!(action, status, %error, "call failed"),
        }
        decoded
    }

    /// Builds and signs the request without sending it.
    pub fn prepare<Req: Serialize>(
        &self,
        action: &str,
        host: Option<&str>,
        request: &Req,
        context: SigningContext,
    ) -> Result<PreparedRequest, Error> {
        let inner = &*self.inner;
        let encode_error = |message: String| Error::Encode {
            action: action.to_owned(),
            message,
        };
        let json = serde_json::to_value(request).map_err(|e| encode_error(e.to_string()))?;
        let target = match &inner.endpoint {
            Some(target) => target.clone(),
            None => Target {
                scheme: "https".into(),
                authority: host.unwrap_or(inner.service.host).to_owned(),
                path: inner.service.path.to_owned(),
            },
        };
        match inner.signing_method {
            SigningMethod::Tc3HmacSha256 => self.prepare_tc3(action, &json, &target, context),
            SigningMethod::HmacSha256 => {
                self.prepare_v1(action, &json, &target, context, v1::V1Algorithm::HmacSha256)
            }
            SigningMethod::HmacSha1 => {
                self.prepare_v1(action, &json, &target, context, v1::V1Algorithm::HmacSha1)
            }
        }
        .map_err(encode_error)
    }

    fn prepare_tc3(
        &self,
        action: &str,
        json: &Value,
        target: &Target,
        context: SigningContext,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let (content_type, query, body) = match inner.http_method {
            HttpMethod::Post => (
                "application/json; charset=utf-8",
                String::new(),
                serde_json::to_vec(json).map_err(|e| e.to_string())?,
            ),
            HttpMethod::Get => (
                "application/x-www-form-urlencoded",
                encode_query(&flatten(json, inner.service.list_index_base)?),
                Vec::new(),
            ),
        };
        let action_lower = action.to_ascii_lowercase();
        let signed = [
            ("content-type", content_type),
            ("host", target.authority.as_str()),
            ("x-tc-action", action_lower.as_str()),
        ];
        let credentials = &inner.config.credentials;
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
        let mut headers = vec![
            ("Authorization".to_owned(), signature.authorization),
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-TC-Action".to_owned(), action.to_owned()),
            ("X-TC-Timestamp".to_owned(), context.timestamp.to_string()),
            ("X-TC-Version".to_owned(), inner.service.version.to_owned()),
        ];
        let optional = [
            ("X-TC-Region", inner.config.region.clone()),
            ("X-TC-Token", credentials.token().map(str::to_owned)),
            (
                "X-TC-Language",
                inner.config.language.map(|l| l.as_str().to_owned()),
            ),
        ];
        headers.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| Some((name.to_owned(), value?))),
        );
        let mut url = format!("{}://{}{}", target.scheme, target.authority, target.path);
        if !query.is_empty() {
            url = format!("{url}?{query}");
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
        action: &str,
        json: &Value,
        target: &Target,
        context: SigningContext,
        algorithm: v1::V1Algorithm,
    ) -> Result<PreparedRequest, String> {
        let inner = &*self.inner;
        let credentials = &inner.config.credentials;
        let mut params = flatten(json, inner.service.list_index_base)?;
        let mut common = vec![("Action", Some(action.to_owned()))];
        if inner.service.family == Family::Api3 {
            common.push(("Version", Some(inner.service.version.to_owned())));
        }
        common.extend([
            ("Region", inner.config.region.clone()),
            ("Timestamp", Some(context.timestamp.to_string())),
            ("Nonce", Some(context.nonce.to_string())),
            ("SecretId", Some(credentials.secret_id().to_owned())),
            ("SignatureMethod", Some(algorithm.param_value().to_owned())),
            ("Token", credentials.token().map(str::to_owned)),
            (
                "Language",
                inner.config.language.map(|l| l.as_str().to_owned()),
            ),
        ]);
        for (name, value) in common {
            if params.iter().any(|(existing, _)| existing == name) {
                return Err(format!(
                    "the request has a field named `{name}`, a common param"
                ));
            }
            if let Some(value) = value {
                params.push((name.to_owned(), value));
            }
        }
        let method = inner.http_method.as_str();
        let string_to_sign = v1::string_to_sign(method, &target.authority, &target.path, &params);
        let signature = v1::signature(credentials.secret_key(), algorithm, &string_to_sign);
        params.push(("Signature".to_owned(), signature));
        let encoded = encode_query(&params);
        let base = format!("{}://{}{}", target.scheme, target.authority, target.path);
        let (url, headers, body) = match inner.http_method {
            HttpMethod::Get => (format!("{base}?{encoded}"), Vec::new(), Vec::new()),
            HttpMethod::Post => (
                base,
                vec![(
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                )],
                encoded.into_bytes(),
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

enum CappedReadError {
    Transport(reqwest::Error),
    TooLarge { limit: usize },
}

/// Reads the body chunk by chunk and stops as soon as it passes `limit`,
/// so an oversized reply is never held in memory whole.
async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, CappedReadError> {
    let too_large = CappedReadError::TooLarge { limit };
    // A declared length over the limit fails before any byte is read.
    let declared = response.content_length().unwrap_or(0);
    if declared > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large);
    }
    let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(CappedReadError::Transport)? {
        if chunk.len() > limit - body.len() {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns a reply body into the typed reply or the matching error kind.
pub fn decode_reply<Resp: DeserializeOwned>(
    family: Family,
    action: &str,
    status: u16,
    body: &[u8],
) -> Result<Resp, Error> {
    let success = (200..300).contains(&status);
    let decode_error = |message: String| Error::Decode {
        action: action.to_owned(),
        status,
        // serde quotes the offending value, which can be huge.
        message: bounded(message),
        body: body_snippet(body),
    };
    let http_error = || Error::Http {
        action: action.to_owned(),
        status,
        body: body_snippet(body),
    };
    let json: Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(_) if !success => return Err(http_error()),
        Err(e) => return Err(decode_error(format!("not JSON: {e}"))),
    };
    let text = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::String(s) => Some(bounded(s.clone())),
            Value::Null => None,
            other => Some(bounded(other.to_string())),
        }
    };
    match family {
        Family::Api3 => {
            let Some(response) = json.get("Response").filter(|r| r.is_object()) else {
                return Err(if success {
                    decode_error("no `Response` object".into())
                } else {
                    http_error()
                });
            };
            if let Some(error) = response.get("Error") {
                return Err(ApiError {
                    action: action.to_owned(),
                    code: text(error.get("Code")).unwrap_or_else(|| "Unknown".into()),
                    message: text(error.get("Message")).unwrap_or_default(),
                    request_id: text(response.get("RequestId")),
                    code_desc: None,
                    http_status: status,
                }
                .into());
            }
            if !success {
                return Err(http_error());
            }
            Resp::deserialize(response).map_err(|e| decode_error(e.to_string()))
        }
        Family::Api2 => {
            let code = json.get("code");
            let ok = match code {
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s == "0",
                _ => {
                    return Err(if success {
                        decode_error("no `code` field".into())
                    } else {
                        http_error()
                    })
                }
            };
            if !ok {
                return Err(ApiError {
                    action: action.to_owned(),
                    code: text(code).unwrap_or_default(),
                    message: text(json.get("message")).unwrap_or_default(),
                    request_id: None,
                    code_desc: text(json.get("codeDesc")),
                    http_status: status,
                }
                .into());
            }
            if !success {
                return Err(http_error());
            }
            Resp::deserialize(&json).map_err(|e| decode_error(e.to_string()))
        }
    }
}
