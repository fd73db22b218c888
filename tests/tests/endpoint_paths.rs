//! Endpoint overrides keep the service's path: a bare host, or a URL whose
//! path is empty or `/`, sends API 3.0 requests to `/` and API 2.0 ones to
//! `/v2/index.php` (actions served by another host included); a URL with
//! another path is used as given. Checked with a server on 127.0.0.1 that
//! records the path of each request, and with the signature-checking mock.

mod wire_support;

use serde_json::json;
use tencentcloud_cvm::runtime::{RetryConfig, SigningContext};
use tencentcloud_cvm::{v2, v20170312, ClientConfig, Credentials, Error};
use wire_support::{Behaviour, RawServer};

fn credentials() -> Credentials {
    Credentials::new(
        "AKIDendpointpaths000000000000000",
        "endpointpathssecret0000000000000",
    )
}

fn config(endpoint: &str) -> ClientConfig {
    ClientConfig::new(credentials())
        .endpoint(endpoint)
        .retry(RetryConfig::disabled())
}

async fn server(body: serde_json::Value) -> RawServer {
    RawServer::start(Behaviour::Reply {
        status: 200,
        body: body.to_string(),
    })
    .await
}

/// The endpoint forms that reach `server`, and the path each must send to
/// when the service's path is `service_path`.
fn forms(server: &RawServer, service_path: &str) -> Vec<(String, String)> {
    let url = server.url();
    vec![
        (url.clone(), service_path.to_owned()),
        (format!("{url}/"), service_path.to_owned()),
        (format!("{url}/custom/path"), "/custom/path".to_owned()),
    ]
}

#[tokio::test]
async fn api3_requests_go_to_the_service_path_unless_the_url_has_one() {
    let server =
        server(json!({"Response": {"TotalCount": 0, "ZoneSet": [], "RequestId": "r"}})).await;
    for (endpoint, path) in forms(&server, "/") {
        let client = v20170312::Client::new(config(&endpoint).region("ap-guangzhou"))
            .expect("a valid endpoint");
        client
            .describe_zones(v20170312::DescribeZonesRequest::new())
            .await
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        let seen = server.seen().pop().expect("the request arrived");
        assert_eq!(seen.path, path, "{endpoint}");
        assert_eq!(seen.method, "POST", "{endpoint}");
    }
}

#[tokio::test]
async fn api2_requests_go_to_the_service_path_even_for_actions_of_other_hosts() {
    let server = server(json!({"code": 0, "message": "", "codeDesc": "Success"})).await;
    for (endpoint, path) in forms(&server, "/v2/index.php") {
        let client = v2::Client::new(config(&endpoint).region("gz")).expect("a valid endpoint");
        client
            .describe_instances(v2::DescribeInstancesRequest::new())
            .await
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        let seen = server.seen().pop().expect("the request arrived");
        assert_eq!(seen.path, path, "{endpoint}: DescribeInstances");
        // Served by image.api.qcloud.com without an override: with one, it
        // goes to the override's host, with the same path rule.
        client
            .describe_images(v2::DescribeImagesRequest::new(1))
            .await
            .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        let seen = server.seen().pop().expect("the request arrived");
        assert_eq!(seen.path, path, "{endpoint}: DescribeImages");
    }
    assert_eq!(server.seen().len(), 6);
}

/// A bare host is reached over https, which the local server does not
/// speak: the prepared URL is what the client would send.
#[test]
fn bare_hosts_use_https_and_the_service_path() {
    let context = SigningContext {
        timestamp: 1_700_000_000,
        nonce: 1,
    };
    let url_v3 = |endpoint: &str| {
        let client = v20170312::Client::new(config(endpoint)).expect("a valid endpoint");
        client
            .runtime()
            .prepare(&credentials(), "DescribeZones", None, &json!({}), context)
            .expect("prepares")
            .url
    };
    assert_eq!(url_v3("127.0.0.1:8443"), "https://127.0.0.1:8443/");
    assert_eq!(
        url_v3("cvm.ap-guangzhou.tencentcloudapi.com"),
        "https://cvm.ap-guangzhou.tencentcloudapi.com/"
    );

    let path_v2 = |endpoint: Option<&str>, host: Option<&str>| {
        let config = match endpoint {
            Some(endpoint) => config(endpoint),
            None => ClientConfig::new(credentials()),
        };
        let client = v2::Client::new(config.region("gz")).expect("a valid endpoint");
        let url = client
            .runtime()
            .prepare(&credentials(), "DescribeImages", host, &json!({}), context)
            .expect("prepares")
            .url;
        url.split_once('?')
            .map_or(url.clone(), |(base, _)| base.to_owned())
    };
    let image_host = Some("image.api.qcloud.com");
    assert_eq!(
        path_v2(None, image_host),
        "https://image.api.qcloud.com/v2/index.php"
    );
    assert_eq!(
        path_v2(Some("127.0.0.1:8443"), image_host),
        "https://127.0.0.1:8443/v2/index.php"
    );
    assert_eq!(
        path_v2(Some("cvm.api.qcloud.com"), image_host),
        "https://cvm.api.qcloud.com/v2/index.php"
    );
    assert_eq!(
        path_v2(Some("gateway.example.com/legacy/"), image_host),
        "https://gateway.example.com/legacy/"
    );
}

#[test]
fn endpoints_that_are_neither_hosts_nor_http_urls_are_config_errors() {
    for endpoint in [
        "",
        "not a host",
        "ftp://cvm.example",
        "http://",
        "http://h:port",
    ] {
        match v2::Client::new(config(endpoint)) {
            Err(Error::Config(message)) => {
                assert!(
                    message.starts_with(&format!("endpoint `{endpoint}`:")),
                    "{message}"
                );
                assert!(message.contains("expected a host"), "{message}");
            }
            Err(other) => panic!("{endpoint}: expected a config error, got {other}"),
            Ok(_) => panic!("{endpoint}: accepted"),
        }
    }
}

/// The mock answers on the service's path only, as the real hosts do, and
/// verifies the signature over the path the client sent.
#[tokio::test]
async fn the_mock_serves_the_service_path_and_nothing_else() {
    let mock = v2::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let bare = format!("http://{}", mock.addr());
    let client = v2::Client::new(config(&bare).region("gz")).expect("valid");
    client
        .describe_instances(v2::DescribeInstancesRequest::new())
        .await
        .expect("a bare URL reaches /v2/index.php");
    assert_eq!(mock.request_count("DescribeInstances"), 1);

    let elsewhere = format!("http://{}/elsewhere", mock.addr());
    let client = v2::Client::new(config(&elsewhere).region("gz")).expect("valid");
    let error = client
        .describe_instances(v2::DescribeInstancesRequest::new())
        .await
        .expect_err("the mock does not serve /elsewhere");
    match &error {
        Error::Http {
            status: 404, body, ..
        } => {
            assert!(body.contains("/v2/index.php"), "{body}")
        }
        other => panic!("expected HTTP 404, got {other}"),
    }
    assert_eq!(mock.request_count("DescribeInstances"), 1);

    let mock = v20170312::mock::builder()
        .credentials(credentials())
        .start()
        .await
        .expect("the mock binds 127.0.0.1");
    let client = v20170312::Client::new(config(&format!("http://{}", mock.addr()))).expect("valid");
    client
        .describe_zones(v20170312::DescribeZonesRequest::new())
        .await
        .expect("a bare URL reaches /");
}

/// `international(true)` points API 3.0 clients at the international
/// site's hosts, regional ones included; legacy hosts are not under it.
#[test]
fn the_international_site_has_its_own_hosts() {
    let context = SigningContext {
        timestamp: 1_551_113_065,
        nonce: 1,
    };
    let url = |config: ClientConfig| {
        let client = v20170312::Client::new(config).expect("valid configuration");
        client
            .runtime()
            .prepare(&credentials(), "DescribeZones", None, &json!({}), context)
            .expect("prepares")
            .url
    };
    let intl = ClientConfig::new(credentials())
        .region("ap-singapore")
        .international(true);
    assert_eq!(url(intl.clone()), "https://cvm.intl.tencentcloudapi.com/");
    assert_eq!(
        url(intl.clone().regional_endpoint(true)),
        "https://cvm.ap-singapore.intl.tencentcloudapi.com/"
    );
    assert_eq!(
        url(intl.international(false)),
        "https://cvm.tencentcloudapi.com/"
    );
    let legacy = v2::Client::new(
        ClientConfig::new(credentials())
            .region("sg")
            .international(true),
    )
    .expect("valid configuration");
    let prepared = legacy
        .runtime()
        .prepare(
            &credentials(),
            "DescribeInstances",
            None,
            &json!({}),
            context,
        )
        .expect("prepares");
    assert!(
        prepared
            .url
            .starts_with("https://cvm.api.qcloud.com/v2/index.php?"),
        "{}",
        prepared.url
    );
}
