//! Snapshots of what goes on the wire, signed with a fixed clock and nonce.

use tencentcloud_cvm::runtime::{PreparedRequest, SigningContext};
use tencentcloud_cvm::v20170312::{
    Client, DataDisk, DescribeInstancesRequest, Filter, InternetAccessible, Placement,
    RunInstancesRequest, SystemDisk,
};
use tencentcloud_cvm::{ClientConfig, Credentials, HttpMethod, SigningMethod};

const CONTEXT: SigningContext = SigningContext {
    timestamp: 1_551_113_065,
    nonce: 11_886,
};

fn example_credentials() -> Credentials {
    Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    )
}

fn client(signing: SigningMethod, method: HttpMethod) -> Client {
    let config = ClientConfig::new(example_credentials())
        .region("ap-guangzhou")
        .signing_method(signing)
        .http_method(method);
    Client::new(config).expect("valid configuration")
}

fn describe_request() -> DescribeInstancesRequest {
    DescribeInstancesRequest::new()
        .with_filters([
            Filter::new("zone", ["ap-guangzhou-3", "ap-guangzhou-4"]),
            Filter::new("instance-name", ["未命名"]),
        ])
        .with_offset(0)
        .with_limit(20)
}

fn run_request() -> RunInstancesRequest {
    RunInstancesRequest::new()
        .with_placement(Placement::new("ap-guangzhou-3").with_project_id(0))
        .with_image_id("img-pmqg1cw7")
        .with_instance_type("S1.SMALL1")
        .with_system_disk(
            SystemDisk::new()
                .with_disk_type("LOCAL_BASIC")
                .with_disk_size(50),
        )
        .with_data_disks([
            DataDisk::new(100).with_disk_type("LOCAL_BASIC"),
            DataDisk::new(200)
                .with_disk_type("CLOUD_PREMIUM")
                .with_delete_with_instance(true),
        ])
        .with_internet_accessible(
            InternetAccessible::new()
                .with_internet_charge_type("TRAFFIC_POSTPAID_BY_HOUR")
                .with_internet_max_bandwidth_out(10)
                .with_public_ip_assigned(true),
        )
        .with_instance_name("QCLOUD-TEST")
}

fn show(prepared: &PreparedRequest) -> String {
    let mut out = format!("{} {}\n", prepared.method.as_str(), prepared.url);
    for (name, value) in &prepared.headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push_str(&format!("\n{}\n", String::from_utf8_lossy(&prepared.body)));
    if let Some(canonical) = &prepared.canonical_request {
        out.push_str(&format!("\n--- canonical request ---\n{canonical}\n"));
    }
    out.push_str(&format!(
        "\n--- string to sign ---\n{}\n",
        prepared.string_to_sign
    ));
    out
}

fn params_of(prepared: &PreparedRequest) -> String {
    let query = match prepared.method {
        HttpMethod::Get => prepared
            .url
            .split_once('?')
            .map_or("", |(_, q)| q)
            .to_owned(),
        HttpMethod::Post => String::from_utf8_lossy(&prepared.body).into_owned(),
    };
    tencentcloud_cvm::runtime::params::decode_query(&query)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn tc3_post_describe_instances() {
    let client = client(SigningMethod::Tc3HmacSha256, HttpMethod::Post);
    let prepared = client
        .runtime()
        .prepare(
            &example_credentials(),
            "DescribeInstances",
            None,
            &describe_request(),
            CONTEXT,
        )
        .expect("prepares");
    insta::assert_snapshot!(show(&prepared));
}

#[test]
fn tc3_get_describe_instances_two_filters() {
    let client = client(SigningMethod::Tc3HmacSha256, HttpMethod::Get);
    let prepared = client
        .runtime()
        .prepare(
            &example_credentials(),
            "DescribeInstances",
            None,
            &describe_request(),
            CONTEXT,
        )
        .expect("prepares");
    insta::assert_snapshot!(show(&prepared));
    insta::assert_snapshot!("describe_instances_params", params_of(&prepared));
}

#[test]
fn v1_get_run_instances_placement_and_disks() {
    let client = client(SigningMethod::HmacSha256, HttpMethod::Get);
    let prepared = client
        .runtime()
        .prepare(
            &example_credentials(),
            "RunInstances",
            None,
            &run_request(),
            CONTEXT,
        )
        .expect("prepares");
    insta::assert_snapshot!(show(&prepared));
    insta::assert_snapshot!("run_instances_params", params_of(&prepared));
}

#[test]
fn v1_post_form_with_token() {
    let token_credentials = Credentials::new("AKIDexample", "secret").with_token("session-token");
    let config = ClientConfig::new(token_credentials.clone())
        .signing_method(SigningMethod::HmacSha1)
        .http_method(HttpMethod::Post);
    let client = Client::new(config).expect("valid");
    let prepared = client
        .runtime()
        .prepare(
            &token_credentials,
            "TerminateInstances",
            None,
            &tencentcloud_cvm::v20170312::TerminateInstancesRequest::new(["ins-1", "ins-2"]),
            CONTEXT,
        )
        .expect("prepares");
    insta::assert_snapshot!(show(&prepared));
}

fn legacy_credentials() -> Credentials {
    Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
        "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
    )
}

fn legacy_client(signing: SigningMethod, method: HttpMethod) -> tencentcloud_cvm::v2::Client {
    let config = ClientConfig::new(legacy_credentials())
        .region("gz")
        .signing_method(signing)
        .http_method(method);
    tencentcloud_cvm::v2::Client::new(config).expect("valid configuration")
}

#[test]
fn legacy_run_instances_hour() {
    let request =
        tencentcloud_cvm::v2::RunInstancesHourRequest::new(100002, 1, 1, "img-lkxqa4kj", 0)
            .with_bandwidth(1)
            .with_password("Walkthrough@2026");
    let prepared = legacy_client(SigningMethod::HmacSha1, HttpMethod::Get)
        .runtime()
        .prepare(
            &legacy_credentials(),
            "RunInstancesHour",
            None,
            &request,
            CONTEXT,
        )
        .expect("prepares");
    insta::assert_snapshot!(show(&prepared));
}

#[test]
fn legacy_describe_instances_ids_dot_n() {
    let request = tencentcloud_cvm::v2::DescribeInstancesRequest::new()
        .with_instance_ids(["ins-09dx96dg", "ins-r8hr2upy"])
        .with_offset(0)
        .with_limit(20);
    for (signing, method) in [
        (SigningMethod::HmacSha1, HttpMethod::Get),
        (SigningMethod::HmacSha256, HttpMethod::Post),
    ] {
        let prepared = legacy_client(signing, method)
            .runtime()
            .prepare(
                &legacy_credentials(),
                "DescribeInstances",
                None,
                &request,
                CONTEXT,
            )
            .expect("prepares");
        insta::assert_snapshot!(
            format!("legacy_describe_instances_{signing:?}_{method:?}"),
            show(&prepared)
        );
    }
}

#[test]
fn regional_endpoint_uses_the_region_host() {
    let regional_credentials = Credentials::new("AKIDexample", "secret");
    let config = ClientConfig::new(regional_credentials.clone())
        .region("ap-shanghai")
        .regional_endpoint(true);
    let client = Client::new(config).expect("valid");
    let prepared = client
        .runtime()
        .prepare(
            &regional_credentials,
            "DescribeInstances",
            None,
            &DescribeInstancesRequest::new(),
            CONTEXT,
        )
        .expect("prepares");
    assert_eq!(prepared.url, "https://cvm.ap-shanghai.tencentcloudapi.com/");
    let canonical = prepared.canonical_request.expect("TC3");
    assert!(
        canonical.contains("\nhost:cvm.ap-shanghai.tencentcloudapi.com\n"),
        "{canonical}"
    );

    let no_region =
        ClientConfig::new(Credentials::new("AKIDexample", "secret")).regional_endpoint(true);
    let error = Client::new(no_region).expect_err("a regional endpoint needs a region");
    assert!(error.to_string().contains("needs a region"), "{error}");
}
