//! The signature examples of Tencent Cloud's public documentation,
//! reproduced stage by stage. The values are copied from the documents
//! (CVM "签名方法 v3" / "签名方法 v1" and the legacy API 2.0 signature page),
//! not computed by this crate.

use tencentcloud_runtime::signing::tc3::{self, Tc3Request};
use tencentcloud_runtime::signing::v1::{self, V1Algorithm};

/// The documented payload: the JSON escapes for 未命名 as ASCII text.
const DOC_PAYLOAD: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const DOC_TIMESTAMP: i64 = 1_551_113_065;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Signature v3, current page: `content-type;host;x-tc-action`, with the
/// page's masked key (32 `*`), which is what its values were computed with.
#[test]
fn tc3_current_document_example() {
    let headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Host", "cvm.tencentcloudapi.com"),
        ("X-TC-Action", "describeinstances"),
    ];
    let request = Tc3Request {
        method: "POST",
        canonical_uri: "/",
        canonical_query: "",
        headers: &headers,
        payload: DOC_PAYLOAD.as_bytes(),
    };
    let signed = tc3::sign(
        "AKID********************************",
        "********************************",
        "cvm",
        DOC_TIMESTAMP,
        &request,
    );
    assert_eq!(
        signed.canonical_request,
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\
         x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n\
         35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        signed.string_to_sign,
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
         7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    );
    assert_eq!(
        signed.signature,
        "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    );
    assert_eq!(
        signed.authorization,
        "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host;x-tc-action, \
         Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    );
    // The signature can be replayed: Debug keeps it out, the rest in.
    let debug = format!("{signed:?}");
    assert!(!debug.contains(&signed.signature), "{debug}");
    assert!(
        debug.contains("SignedHeaders=content-type;host;x-tc-action, Signature=<redacted>"),
        "{debug}"
    );
}

/// Signature v3, earlier page: `content-type;host` and an unmasked example key.
#[test]
fn tc3_example_key_document_example() {
    let headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Host", "cvm.tencentcloudapi.com"),
    ];
    let request = Tc3Request {
        method: "POST",
        canonical_uri: "/",
        canonical_query: "",
        headers: &headers,
        payload: DOC_PAYLOAD.as_bytes(),
    };
    let canonical = tc3::canonical_request(&request);
    let string_to_sign = tc3::string_to_sign(&canonical, DOC_TIMESTAMP, "cvm");
    assert_eq!(
        string_to_sign,
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
         5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    let signature = tc3::signature(
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        DOC_TIMESTAMP,
        "cvm",
        &string_to_sign,
    );
    assert_eq!(
        signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
        tc3::authorization(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            DOC_TIMESTAMP,
            "cvm",
            "content-type;host",
            &signature
        ),
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}

/// Signature v3, GET form: the query string is signed, the payload is empty.
#[test]
fn tc3_get_document_example() {
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Host", "cvm.tencentcloudapi.com"),
    ];
    let request = Tc3Request {
        method: "GET",
        canonical_uri: "/",
        canonical_query: "Limit=10&Offset=0",
        headers: &headers,
        payload: b"",
    };
    let signed = tc3::sign(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        "cvm",
        1_539_084_154,
        &request,
    );
    assert_eq!(
        signed.string_to_sign,
        "TC3-HMAC-SHA256\n1539084154\n2018-10-09/cvm/tc3_request\n\
         91c9c192c14460df6c1ffc69e34e6c5e90708de2a6d282cccf957dbf1aa7f3a7"
    );
    assert_eq!(
        signed.signature,
        "5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474"
    );
}

fn v1_doc_params(secret_id: &str) -> Vec<(String, String)> {
    pairs(&[
        ("Action", "DescribeInstances"),
        ("InstanceIds.0", "ins-09dx96dg"),
        ("Limit", "20"),
        ("Nonce", "11886"),
        ("Offset", "0"),
        ("Region", "ap-guangzhou"),
        ("SecretId", secret_id),
        ("Timestamp", "1465185768"),
        ("Version", "2017-03-12"),
    ])
}

/// Signature v1 (HmacSHA1), API 3.0 page with the unmasked example key.
#[test]
fn v1_document_example() {
    let params = v1_doc_params("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
    let string_to_sign = v1::string_to_sign("GET", "cvm.tencentcloudapi.com", "/", &params);
    assert_eq!(
        string_to_sign,
        "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20\
         &Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE\
         &Timestamp=1465185768&Version=2017-03-12"
    );
    assert_eq!(
        v1::signature(
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            V1Algorithm::HmacSha1,
            &string_to_sign
        ),
        "EliP9YW3pW28FpsEdkXt/+WcGeI="
    );
    assert_eq!(
        tencentcloud_runtime::params::encode_component("EliP9YW3pW28FpsEdkXt/+WcGeI="),
        "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"
    );
}

/// Signature v1, current page with the masked keys it was computed with.
#[test]
fn v1_current_document_example() {
    let params = v1_doc_params("AKID********************************");
    let string_to_sign = v1::string_to_sign("GET", "cvm.tencentcloudapi.com", "/", &params);
    assert_eq!(
        v1::signature(
            "********************************",
            V1Algorithm::HmacSha1,
            &string_to_sign
        ),
        "7RAM2xfNMO9EiVTNmPg06MRnCvQ="
    );
}

/// The legacy API 2.0 signature page: lowercase params, HmacSHA1.
#[test]
fn legacy_api2_document_example() {
    let params = pairs(&[
        ("Action", "DescribeInstances"),
        ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
        ("Timestamp", "1465185768"),
        ("Nonce", "11886"),
        ("Region", "gz"),
        ("instanceIds.0", "ins-09dx96dg"),
        ("offset", "0"),
        ("limit", "20"),
    ]);
    let string_to_sign = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", &params);
    assert_eq!(
        string_to_sign,
        "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768\
         &instanceIds.0=ins-09dx96dg&limit=20&offset=0"
    );
    assert_eq!(
        v1::signature(
            "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
            V1Algorithm::HmacSha1,
            &string_to_sign
        ),
        "NSI3UqqD99b/UJb4tbG/xZpRW64="
    );
}

/// The legacy page's HmacSHA256 variant.
#[test]
fn legacy_api2_hmac_sha256_document_example() {
    let params = pairs(&[
        ("Action", "DescribeInstances"),
        ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
        ("Timestamp", "1465185768"),
        ("Nonce", "11886"),
        ("Region", "ap-guangzhou"),
        ("SignatureMethod", "HmacSHA256"),
        ("InstanceIds.0", "ins-09dx96dg"),
    ]);
    let string_to_sign = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", &params);
    assert_eq!(
        v1::signature(
            "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
            V1Algorithm::HmacSha256,
            &string_to_sign
        ),
        "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s="
    );
}
