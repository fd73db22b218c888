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

/// Recomputes the request's signature from what goes on the wire, by
/// Tencent's documented steps with the hash and HMAC crates directly (not
/// the runtime's signer), so a snapshot is only accepted when its
/// signature is right.
fn assert_signed(prepared: &PreparedRequest, credentials: &Credentials) {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Digest;
    fn hmac256(key: &[u8], text: &str) -> Vec<u8> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
    let sha256_hex = |bytes: &[u8]| hex::encode(sha2::Sha256::digest(bytes));
    let key = credentials.secret_key();
    let method = prepared.method.as_str();
    let rest = prepared.url.split_once("://").expect("a URL").1;
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = location.split_at(location.find('/').expect("a path"));
    let header = |name: &str| {
        prepared
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some(authorization) = header("Authorization") {
        let signed = authorization
            .split("SignedHeaders=")
            .nth(1)
            .expect("signed headers");
        let signed = signed.split(',').next().expect("a list");
        let signature = authorization
            .rsplit("Signature=")
            .next()
            .expect("a signature");
        let timestamp: i64 = header("X-TC-Timestamp")
            .expect("a timestamp")
            .parse()
            .expect("seconds");
        // The UTC date, from days since 1970-01-01 (Howard Hinnant's civil_from_days).
        let z = timestamp.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let date = format!("{year:04}-{month:02}-{day:02}");
        let service = host.split('.').next().expect("a service host");
        let mut headers = String::new();
        for name in signed.split(';') {
            let value = match name {
                "host" => host.to_owned(),
                // Tencent's examples sign the action lowercased.
                "x-tc-action" => header(name).expect("sent").to_lowercase(),
                _ => header(name).expect("a signed header is sent").to_owned(),
            };
            headers.push_str(&format!("{name}:{}\n", value.trim()));
        }
        let canonical = format!(
            "{method}\n{path}\n{query}\n{headers}\n{signed}\n{}",
            sha256_hex(&prepared.body)
        );
        let scope = format!("{date}/{service}/tc3_request");
        let to_sign = format!(
            "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let k_date = hmac256(format!("TC3{key}").as_bytes(), &date);
        let k_service = hmac256(&k_date, service);
        let k_signing = hmac256(&k_service, "tc3_request");
        assert_eq!(
            hex::encode(hmac256(&k_signing, &to_sign)),
            signature,
            "{canonical}"
        );
    } else {
        let form = match prepared.method {
            HttpMethod::Get => query.to_owned(),
            HttpMethod::Post => String::from_utf8_lossy(&prepared.body).into_owned(),
        };
        let mut params = tencentcloud_cvm::runtime::params::decode_query(&form);
        let at = params
            .iter()
            .position(|(n, _)| n == "Signature")
            .expect("signed");
        let signature = params.remove(at).1;
        let sha256 = params
            .iter()
            .any(|(n, v)| n == "SignatureMethod" && v == "HmacSHA256");
        params.sort();
        let joined: Vec<String> = params
            .iter()
            .map(|(name, value)| format!("{}={value}", name.replace('_', ".")))
            .collect();
        let text = format!("{method}{host}{path}?{}", joined.join("&"));
        let mac = match sha256 {
            true => hmac256(key.as_bytes(), &text),
            false => {
                let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("any key");
                mac.update(text.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
        };
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(mac),
            signature,
            "{text}"
        );
    }
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
    assert_signed(&prepared, &example_credentials());
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
    assert_signed(&prepared, &example_credentials());
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
    assert_signed(&prepared, &example_credentials());
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
    assert_signed(&prepared, &token_credentials);
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
    assert_signed(&prepared, &legacy_credentials());
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
        assert_signed(&prepared, &legacy_credentials());
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
