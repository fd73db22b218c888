//! Issue 5, benchmark 1: build, sign and serialize one DescribeInstances
//! request (Limit, Offset, one Filter with two Values), from the typed
//! request to the signed wire parts, with fixed credentials and clock.
//!
//! ```sh
//! cargo bench -p tencentcloud-tests --bench signing
//! ```

use criterion::{criterion_group, criterion_main, Criterion};
use tencentcloud_cvm::{v2, v20170312};
use tencentcloud_runtime::{ClientConfig, Credentials, HttpMethod, SigningContext, SigningMethod};

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

fn config() -> ClientConfig {
    ClientConfig::new(credentials()).region("ap-guangzhou")
}

fn v3_request() -> v20170312::DescribeInstancesRequest {
    v20170312::DescribeInstancesRequest::new()
        .with_limit(1)
        .with_offset(0)
        .with_filters([v20170312::Filter::new(
            "zone",
            ["ap-guangzhou-3", "ap-guangzhou-4"],
        )])
}

/// API 2.0 has no Filters: two instance ids stand in for the two values.
fn v2_request() -> v2::DescribeInstancesRequest {
    v2::DescribeInstancesRequest::new()
        .with_limit(1)
        .with_offset(0)
        .with_instance_ids(["ins-09dx96dg", "ins-0fehlqri"])
}

fn signing(c: &mut Criterion) {
    let mut group = c.benchmark_group("prepare_describe_instances");
    let credentials = credentials();

    let tc3 = v20170312::Client::new(config()).expect("valid config");
    group.bench_function("tc3_post_json", |b| {
        b.iter(|| {
            let request = v3_request();
            tc3.runtime()
                .prepare(&credentials, "DescribeInstances", None, &request, CONTEXT)
                .expect("prepares")
        })
    });

    let hmac_get = v20170312::Client::new(
        config()
            .signing_method(SigningMethod::HmacSha256)
            .http_method(HttpMethod::Get),
    )
    .expect("valid config");
    group.bench_function("hmac_sha256_get", |b| {
        b.iter(|| {
            let request = v3_request();
            hmac_get
                .runtime()
                .prepare(&credentials, "DescribeInstances", None, &request, CONTEXT)
                .expect("prepares")
        })
    });

    let legacy =
        v2::Client::new(config().signing_method(SigningMethod::HmacSha1)).expect("valid config");
    group.bench_function("v2_hmac_sha1_get", |b| {
        b.iter(|| {
            let request = v2_request();
            legacy
                .runtime()
                .prepare(&credentials, "DescribeInstances", None, &request, CONTEXT)
                .expect("prepares")
        })
    });

    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
