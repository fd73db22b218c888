//! The `.N` encoder and the query codecs on arbitrary JSON: flattening never
//! panics, the serializer gives what flattening gives, every value survives
//! encode → decode, and both signers' string builders take any params.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencentcloud_runtime::params::{decode_query, encode_query, to_params};

#[path = "../../runtime/tests/reference/mod.rs"]
mod reference;
use reference::flatten;
use tencentcloud_runtime::signing::{tc3, v1};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for base in [0, 1] {
        assert_eq!(
            to_params(&json, base).map(|params| params.to_pairs()),
            flatten(&json, base)
        );
        let Ok(params) = flatten(&json, base) else {
            assert!(!json.is_object());
            return;
        };
        let query = encode_query(&params);
        assert!(query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)));
        assert_eq!(decode_query(&query), params);
        let _ = v1::string_to_sign("GET", "cvm.tencentcloudapi.com", "/", &params);
        let headers = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("host", "h"),
        ];
        let _ = tc3::canonical_request(&tc3::Tc3Request {
            method: "GET",
            canonical_uri: "/",
            canonical_query: &query,
            headers: &headers,
            payload: b"",
        });
    }
});
