//! The request model: input types are exact (an empty list is sent as
//! `[]`, an unset member is left out) and strict (unknown members are
//! errors), while output types stay lenient.

use tencentcloud_cvm::runtime::{PreparedRequest, SendState, SigningContext};
use tencentcloud_cvm::v20170312::mock;
use tencentcloud_cvm::v20170312::{
    output, Client, DescribeInstancesRequest, DescribeInstancesResponse, Metadata, Placement,
    RunInstancesRequest, Tag, TagSpecification,
};
use tencentcloud_cvm::{ClientConfig, Credentials, Error, HttpMethod, SigningMethod};

const CONTEXT: SigningContext = SigningContext {
    timestamp: 1_551_113_065,
    nonce: 11_886,
};

fn credentials() -> Credentials {
    Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    )
}

fn prepare(
    signing: SigningMethod,
    method: HttpMethod,
    request: &RunInstancesRequest,
) -> PreparedRequest {
    let config = ClientConfig::new(credentials())
        .region("ap-guangzhou")
        .signing_method(signing)
        .http_method(method);
    let client = Client::new(config).expect("valid configuration");
    client
        .runtime()
        .prepare(&credentials(), "RunInstances", None, request, CONTEXT)
        .expect("prepares")
}

/// A request whose lists are all empty, at every depth.
fn empty_lists() -> RunInstancesRequest {
    RunInstancesRequest::new()
        .with_placement(Placement::new("ap-guangzhou-3"))
        .with_security_group_ids(Vec::<String>::new())
        .with_metadata(Metadata::new([]))
        .with_tag_specification([TagSpecification::new("instance", Vec::<Tag>::new())])
}

#[test]
fn empty_lists_go_out_as_empty_arrays_in_json_bodies() {
    let prepared = prepare(
        SigningMethod::Tc3HmacSha256,
        HttpMethod::Post,
        &empty_lists(),
    );
    let body = String::from_utf8(prepared.body).expect("UTF-8");
    assert_eq!(
        body,
        concat!(
            r#"{"Placement":{"Zone":"ap-guangzhou-3"},"SecurityGroupIds":[],"#,
            r#""TagSpecification":[{"ResourceType":"instance","Tags":[]}],"#,
            r#""Metadata":{"Items":[]}}"#
        )
    );
}

#[test]
fn unset_members_are_left_out_and_set_ones_sent() {
    let request = RunInstancesRequest::new().with_placement(Placement::new("ap-guangzhou-3"));
    let prepared = prepare(SigningMethod::Tc3HmacSha256, HttpMethod::Post, &request);
    assert_eq!(prepared.body, br#"{"Placement":{"Zone":"ap-guangzhou-3"}}"#);
}

#[test]
fn forms_that_cannot_carry_an_empty_list_leave_it_out() {
    for (signing, method) in [
        (SigningMethod::HmacSha256, HttpMethod::Get),
        (SigningMethod::HmacSha1, HttpMethod::Post),
        (SigningMethod::Tc3HmacSha256, HttpMethod::Get),
    ] {
        let prepared = prepare(signing, method, &empty_lists());
        let params = match method {
            HttpMethod::Get => prepared.url.split_once('?').map(|(_, q)| q.to_owned()),
            HttpMethod::Post => String::from_utf8(prepared.body).ok(),
        }
        .expect("params");
        let names: Vec<&str> = params
            .split('&')
            .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
            .collect();
        assert!(
            names.contains(&"Placement.Zone"),
            "{signing:?} {method:?}: {names:?}"
        );
        assert!(
            names.contains(&"TagSpecification.0.ResourceType"),
            "{signing:?} {method:?}: {names:?}"
        );
        for gone in ["SecurityGroupIds", "Metadata", "TagSpecification.0.Tags"] {
            assert!(
                !names.iter().any(|name| name.starts_with(gone)),
                "{signing:?} {method:?}: {gone} in {names:?}"
            );
        }
    }
}

#[test]
fn a_misspelled_member_names_the_nearest_and_where_it_is() {
    let error = serde_json::from_str::<DescribeInstancesRequest>("{\n  \"Limt\": 5\n}")
        .expect_err("Limt is not a member")
        .to_string();
    assert_eq!(
        error,
        "unknown field `Limt` in DescribeInstancesRequest, did you mean `Limit`? at line 2 column 8"
    );
    let error = serde_json::from_str::<DescribeInstancesRequest>(
        r#"{"Filters": [{"Name": "zone", "Valeus": []}]}"#,
    )
    .expect_err("Valeus is not a member of Filter")
    .to_string();
    assert!(
        error.starts_with(
            "unknown field `Valeus` in Filter, did you mean `Values`? at line 1 column"
        ),
        "{error}"
    );
}

#[test]
fn missing_and_mistyped_members_are_errors() {
    let error =
        serde_json::from_str::<DescribeInstancesRequest>(r#"{"Filters": [{"Name": "zone"}]}"#)
            .expect_err("Filter requires Values")
            .to_string();
    assert!(
        error.starts_with("missing field `Values` in Filter at line 1"),
        "{error}"
    );
    let error = serde_json::from_str::<DescribeInstancesRequest>(r#"{"InstanceIds": "ins-1"}"#)
        .expect_err("InstanceIds is a list")
        .to_string();
    assert!(
        error.starts_with("invalid type: string \"ins-1\", expected a sequence"),
        "{error}"
    );
    let error = serde_json::from_str::<DescribeInstancesRequest>(r#"{"Limit": "ten"}"#)
        .expect_err("Limit is a number")
        .to_string();
    assert!(error.contains("`ten`"), "{error}");
    // Tencent's own examples write numbers as strings: those are numbers.
    let request: DescribeInstancesRequest =
        serde_json::from_str(r#"{"Limit": "10", "Offset": null}"#).expect("reads");
    assert_eq!(request, DescribeInstancesRequest::new().with_limit(10));
}

#[test]
fn replies_stay_lenient() {
    let reply: DescribeInstancesResponse = serde_json::from_str(
        r#"{"TotalCount": "1", "InstanceSet": [{"Placement": {"Zone": "ap-guangzhou-3", "New": 1}, "Tags": null}], "Extra": true}"#,
    )
    .expect("a reply with strings for numbers, nulls and unknown fields reads");
    assert_eq!(reply.total_count, Some(1));
    let instance: &output::Instance = &reply.instance_set[0];
    assert_eq!(
        instance.placement.as_ref().and_then(|p| p.zone.as_deref()),
        Some("ap-guangzhou-3")
    );
    assert!(instance.tags.is_empty());
}

#[tokio::test]
async fn invoke_rejects_a_misspelled_member_before_sending() {
    let server = mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("mock starts");
    let client = Client::new(ClientConfig::new(credentials()).endpoint(server.url()))
        .expect("valid configuration");
    let error = client
        .invoke("DescribeInstances", serde_json::json!({"Limt": 5}))
        .await
        .expect_err("Limt is not a member");
    assert!(matches!(error, Error::Encode { .. }), "{error:?}");
    assert_eq!(error.send_state(), SendState::NotSent);
    assert!(
        error.to_string().contains("the request was not sent"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("unknown field `Limt` in DescribeInstancesRequest, did you mean `Limit`?"),
        "{error}"
    );
    assert_eq!(server.request_count("DescribeInstances"), 0);
    // The same params, spelled right, go through.
    client
        .invoke("DescribeInstances", serde_json::json!({"Limit": 5}))
        .await
        .expect("a valid request");
    assert_eq!(server.request_count("DescribeInstances"), 1);
}
