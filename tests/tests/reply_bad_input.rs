//! Whatever a server sends, decoding a reply gives the typed reply or a
//! typed error, never a panic: arbitrary bytes, non-UTF-8, deep nesting,
//! wrong types, in both protocol families.

use proptest::prelude::*;
use serde_json::Value;
use tencentcloud_cvm::runtime::client::decode_reply;
use tencentcloud_cvm::runtime::Family;
use tencentcloud_cvm::{v2, v20170312, Error};

fn decode3(status: u16, body: &[u8]) -> Result<v20170312::DescribeInstancesResponse, Error> {
    decode_reply(Family::Api3, "DescribeInstances", status, body)
}

fn decode2(status: u16, body: &[u8]) -> Result<v2::DescribeInstancesResponse, Error> {
    decode_reply(Family::Api2, "DescribeInstances", status, body)
}

#[test]
fn non_utf8_is_a_decode_error_with_a_lossy_snippet() {
    let body = b"{\"Response\": {\"RequestId\": \"\xff\xfe\"}}";
    match decode3(200, body) {
        Err(Error::Decode { body, .. }) => assert!(body.contains('\u{fffd}'), "{body}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        decode2(200, b"\xc3\x28"),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn deep_nesting_is_a_decode_error() {
    for depth in [200, 100_000] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(matches!(
            decode3(200, body.as_bytes()),
            Err(Error::Decode { .. })
        ));
        let nested = format!(
            "{{\"Response\": {{\"InstanceSet\": {}{}}}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let error = decode3(200, nested.as_bytes()).expect_err("too deep");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let error = decode2(200, nested.replace("Response", "code").as_bytes()).expect_err("x");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}

#[test]
fn wrong_types_name_what_was_found() {
    let wrong = [
        r#"{"Response": {"InstanceSet": "not a list"}}"#,
        r#"{"Response": {"TotalCount": {"a": 1}}}"#,
        r#"{"Response": {"InstanceSet": [{"CPU": "two"}]}}"#,
        r#"{"Response": []}"#,
        r#"{"Response": {"Error": []}}"#,
    ];
    for body in wrong {
        match decode3(200, body.as_bytes()) {
            Err(Error::Decode { message, .. }) => assert!(!message.is_empty()),
            // An `Error` that is not an object still reads as an API error.
            Err(Error::Api(api)) => assert_eq!(api.code, "Unknown", "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
    let v2_wrong = [
        r#"{"code": 0, "instanceSet": 5}"#,
        r#"{"code": [0]}"#,
        r#"{"code": 0.5}"#,
        r#"[1, 2]"#,
    ];
    for body in v2_wrong {
        assert!(
            matches!(
                decode2(200, body.as_bytes()),
                Err(Error::Decode { .. } | Error::Api(_))
            ),
            "{body}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..512),
        status in prop::sample::select(vec![200u16, 202, 400, 404, 500, 503]),
    ) {
        let _ = decode3(status, &body).map_err(|e| e.to_string());
        let _ = decode2(status, &body).map_err(|e| e.to_string());
        let _ = decode_reply::<Value>(Family::Api3, "X", status, &body);
    }

    /// Arbitrary JSON under the envelope (so the typed decoders run).
    #[test]
    fn arbitrary_json_replies_never_panic(reply in arbitrary_json()) {
        let api3 = serde_json::json!({"Response": reply.clone()}).to_string();
        let result = decode3(200, api3.as_bytes());
        let unexpected = matches!(result, Err(Error::Http { .. } | Error::Transport { .. }));
        prop_assert!(!unexpected, "{:?}", result);
        let mut api2 = serde_json::json!({"code": 0});
        if let (Some(target), Value::Object(fields)) = (api2.as_object_mut(), reply) {
            target.extend(fields);
        }
        let _ = decode2(200, api2.to_string().as_bytes());
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "InstanceSet",
        "TotalCount",
        "RequestId",
        "CPU",
        "Memory",
        "Placement",
        "Zone",
        "Tags",
        "Error",
        "Code",
        "instanceSet",
        "totalCount",
        "cpu",
        "code",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(names.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// Found by the reply_decoder fuzzer: serde quotes a wrong value whole, so a
/// huge one made a huge error. Errors keep bounded texts.
#[test]
fn huge_values_make_bounded_errors() {
    use tencentcloud_cvm::runtime::error::{BODY_SNIPPET_CHARS, REPLY_TEXT_CHARS};
    let huge = "k".repeat(1_000_000);
    let wrong = format!(r#"{{"Response": {{"InstanceSet": [{{"Memory": "{huge}"}}]}}}}"#);
    let error = decode3(200, wrong.as_bytes()).expect_err("not a number");
    let Error::Decode { message, body, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.chars().count() <= REPLY_TEXT_CHARS + 1,
        "{}",
        message.len()
    );
    assert!(message.ends_with('…'));
    assert!(body.chars().count() <= BODY_SNIPPET_CHARS + 1);

    let api_error = format!(
        r#"{{"Response": {{"Error": {{"Code": "{huge}", "Message": "{huge}"}}, "RequestId": "{huge}"}}}}"#
    );
    let error = decode3(400, api_error.as_bytes()).expect_err("an API error");
    let api = error.as_api().expect("an API error");
    for text in [&api.code, &api.message] {
        assert_eq!(text.chars().count(), REPLY_TEXT_CHARS + 1);
    }
    assert!(error.to_string().chars().count() < 4 * REPLY_TEXT_CHARS);
}
