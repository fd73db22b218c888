//! Properties of the `.N` encoding and the query codecs, checked against
//! small reference implementations written here, independently of the
//! runtime's code, over arbitrary values (any Unicode text).

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Map, Value};
use tencentcloud_runtime::params::{
    decode_query, encode_component, encode_query, to_params, COMMON_PARAMS,
};

mod reference;
use reference::flatten;
use tencentcloud_runtime::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use tencentcloud_runtime::signing::v1;
use tencentcloud_runtime::{Client, ClientConfig, Credentials, SigningContext};

/// Field names as generated requests have them: no dots, never all digits.
fn field_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9_]{0,6}"
}

/// A request value: objects of text leaves, non-empty lists and nested
/// objects (what a typed request serializes to, with every list set).
fn request_value() -> impl Strategy<Value = Value> {
    let leaf = any::<String>().prop_map(Value::String);
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 1..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn request() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(field_name(), request_value(), 0..5)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Reference flattening: depth-first, path segments joined by `.`, list
/// positions counted from 0.
fn reference_flatten(value: &Value) -> Vec<(String, String)> {
    fn walk(path: &mut Vec<String>, value: &Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::String(text) => out.push((path.join("."), text.clone())),
            Value::Array(items) => {
                for (position, item) in items.iter().enumerate() {
                    path.push(position.to_string());
                    walk(path, item, out);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(key.clone());
                    walk(path, item, out);
                    path.pop();
                }
            }
            Value::Null => {}
            other => out.push((path.join("."), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(&mut Vec::new(), value, &mut out);
    out
}

/// Rebuilds a request from its params: a left inverse of the encoding, so
/// the encoding is injective on request values.
fn reference_unflatten(params: &[(String, String)]) -> Value {
    fn insert(target: &mut Value, path: &[&str], text: &str) {
        let Some((first, rest)) = path.split_first() else {
            *target = Value::String(text.to_owned());
            return;
        };
        let slot = if let Ok(position) = first.parse::<usize>() {
            if !target.is_array() {
                *target = Value::Array(Vec::new());
            }
            let items = target.as_array_mut().expect("just made a list");
            while items.len() <= position {
                items.push(Value::Null);
            }
            &mut items[position]
        } else {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            target
                .as_object_mut()
                .expect("just made an object")
                .entry(first.to_string())
                .or_insert(Value::Null)
        };
        insert(slot, rest, text);
    }
    let mut root = Value::Object(Map::new());
    for (name, text) in params {
        insert(&mut root, &name.split('.').collect::<Vec<_>>(), text);
    }
    root
}

/// RFC 3986 percent-encoding, byte by byte: unreserved characters stay,
/// everything else is `%XX` with uppercase hex.
fn reference_percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

static SERVICE_GET: ServiceInfo = ServiceInfo {
    service: "cvm",
    version: "2017-03-12",
    family: Family::Api3,
    host: "cvm.tencentcloudapi.com",
    regional_host: None,
    path: "/",
    signing_methods: &[
        SigningMethod::Tc3HmacSha256,
        SigningMethod::HmacSha256,
        SigningMethod::HmacSha1,
    ],
    default_signing_method: SigningMethod::Tc3HmacSha256,
    http_methods: &[HttpMethod::Get, HttpMethod::Post],
    list_index_base: 0,
};

fn credentials() -> Credentials {
    Credentials::new("AKIDprop", "prop-key")
}

fn client(method: SigningMethod) -> Client {
    let config = ClientConfig::new(credentials())
        .signing_method(method)
        .http_method(HttpMethod::Get)
        .region("ap-guangzhou");
    Client::new(&SERVICE_GET, config).expect("valid config")
}

/// The runtime's `.N` encoder, as `(name, value)` pairs.
fn encode(request: &Value) -> Result<Vec<(String, String)>, String> {
    to_params(request, 0).map(|params| params.to_pairs())
}

const CONTEXT: SigningContext = SigningContext {
    timestamp: 1_700_000_000,
    nonce: 42,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn flattening_matches_the_reference(request in request()) {
        // The runtime's encoder, and the slow reference the fuzz targets use.
        prop_assert_eq!(encode(&request), Ok(reference_flatten(&request)));
        prop_assert_eq!(flatten(&request, 0), Ok(reference_flatten(&request)));
    }

    #[test]
    fn flattening_is_injective(request in request()) {
        let params = encode(&request).expect("an object");
        prop_assert_eq!(reference_unflatten(&params), request);
    }

    #[test]
    fn distinct_requests_encode_differently(a in request(), b in request()) {
        prop_assume!(a != b);
        prop_assert_ne!(encode(&a), encode(&b));
    }

    #[test]
    fn scalars_flatten_to_their_json_text(n in any::<i64>(), u in any::<u64>(), flag in any::<bool>()) {
        let request = serde_json::json!({"N": n, "U": u, "Flag": flag, "Gone": null});
        prop_assert_eq!(encode(&request), Ok(vec![
            ("N".to_owned(), n.to_string()),
            ("U".to_owned(), u.to_string()),
            ("Flag".to_owned(), flag.to_string()),
        ]));
    }

    #[test]
    fn percent_encoding_follows_rfc_3986(text in any::<String>()) {
        let encoded = encode_component(&text);
        prop_assert_eq!(&encoded, &reference_percent_encode(&text));
        let pairs = vec![(text.clone(), text.clone())];
        prop_assert_eq!(decode_query(&encode_query(&pairs)), pairs);
    }

    /// v1 signs the params sorted by name (byte order), raw values, `_` in
    /// names read as `.`.
    #[test]
    fn v1_sorts_params_by_name(params in prop::collection::btree_map("[A-Za-z_.0-9]{1,8}", any::<String>(), 0..8)) {
        let reversed: Vec<(String, String)> = params.clone().into_iter().rev().collect();
        let mut sorted: Vec<(&String, &String)> = params.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let joined: Vec<String> = sorted
            .iter()
            .map(|(name, value)| format!("{}={}", name.replace('_', "."), value))
            .collect();
        prop_assert_eq!(
            v1::string_to_sign("GET", "cvm.tencentcloudapi.com", "/", &reversed),
            format!("GETcvm.tencentcloudapi.com/?{}", joined.join("&"))
        );
    }

    /// A TC3 GET sends the reference encoding of the reference flattening
    /// and signs exactly the query it sends.
    #[test]
    fn tc3_get_signs_the_query_it_sends(request in request()) {
        let prepared = client(SigningMethod::Tc3HmacSha256)
            .prepare(&credentials(), "DescribeInstances", None, &request, CONTEXT)
            .expect("prepares");
        let expected: Vec<String> = reference_flatten(&request)
            .iter()
            .map(|(k, v)| format!("{}={}", reference_percent_encode(k), reference_percent_encode(v)))
            .collect();
        let query = prepared.url.split_once('?').map_or("", |(_, q)| q).to_owned();
        prop_assert_eq!(&query, &expected.join("&"));
        let canonical = prepared.canonical_request.expect("TC3 has one");
        prop_assert_eq!(canonical.split('\n').nth(2), Some(query.as_str()));
    }

    /// A v1 GET signs its params, common ones included, sorted, with raw
    /// values: rebuild the string to sign from what is sent.
    #[test]
    fn v1_get_signs_the_sorted_params_it_sends(request in request()) {
        // A request field may not shadow a common param (a clear error).
        let fields = request.as_object().expect("an object");
        prop_assume!(!COMMON_PARAMS.iter().any(|name| fields.contains_key(*name)));
        let prepared = client(SigningMethod::HmacSha256)
            .prepare(&credentials(), "DescribeInstances", None, &request, CONTEXT)
            .expect("prepares");
        let query = prepared.url.split_once('?').map_or("", |(_, q)| q);
        let sent: BTreeMap<String, String> = decode_query(query)
            .into_iter()
            .filter(|(name, _)| name != "Signature")
            .collect();
        let joined: Vec<String> = sent.iter().map(|(k, v)| format!("{}={v}", k.replace('_', "."))).collect();
        prop_assert_eq!(
            prepared.string_to_sign,
            format!("GETcvm.tencentcloudapi.com/?{}", joined.join("&"))
        );
        for (name, value) in reference_flatten(&request) {
            prop_assert_eq!(sent.get(&name), Some(&value));
        }
    }
}

static SERVICE_API2: ServiceInfo = ServiceInfo {
    service: "cvm",
    version: "2",
    family: Family::Api2,
    host: "cvm.api.qcloud.com",
    regional_host: None,
    path: "/v2/index.php",
    signing_methods: &[SigningMethod::HmacSha1, SigningMethod::HmacSha256],
    default_signing_method: SigningMethod::HmacSha1,
    http_methods: &[HttpMethod::Get, HttpMethod::Post],
    list_index_base: 0,
};

/// A request field may not take a common param's name; which names are
/// common depends on the family (API 2.0 has no `Version` or `RequestClient`).
#[test]
fn a_field_named_like_a_common_param_is_refused() {
    let prepare = |client: &Client, request: Value| {
        client
            .prepare(&credentials(), "DescribeInstances", None, &request, CONTEXT)
            .map_err(|error| error.to_string())
    };
    let api3 = client(SigningMethod::HmacSha256);
    for name in ["Nonce", "Version", "RequestClient", "Token"] {
        let error = prepare(&api3, serde_json::json!({"Limit": 1, name: "x"}))
            .expect_err("a common param's name");
        assert!(
            error.contains(&format!(
                "the request has a field named `{name}`, a common param"
            )),
            "{error}"
        );
    }
    let api2 = Client::new(
        &SERVICE_API2,
        ClientConfig::new(credentials()).region("ap-guangzhou"),
    )
    .expect("valid config");
    let prepared = prepare(
        &api2,
        serde_json::json!({"Version": "x", "RequestClient": "y"}),
    )
    .expect("API 2.0 has no such common params");
    let query = prepared.url.split_once('?').map_or("", |(_, q)| q);
    let sent = decode_query(query);
    assert!(
        sent.contains(&("Version".to_owned(), "x".to_owned())),
        "{sent:?}"
    );
    assert!(
        sent.contains(&("RequestClient".to_owned(), "y".to_owned())),
        "{sent:?}"
    );
    let error =
        prepare(&api2, serde_json::json!({"SecretId": "x"})).expect_err("common in API 2.0");
    assert!(error.contains("`SecretId`, a common param"), "{error}");
}
