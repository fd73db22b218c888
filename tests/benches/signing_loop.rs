//! Benchmark 1's three requests in a plain loop, for counting instructions
//! (load-independent, unlike criterion's times on a shared machine):
//!
//! ```sh
//! cargo bench -p tencentcloud-tests --bench signing_loop --no-run
//! for n in 1000 11000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/deps/signing_loop-<hash> hmac_sha256_get $n
//! done
//! ```
//!
//! The difference of the two totals divided by 10,000 is the cost of one
//! request without the setup. Run by `cargo bench`, it prepares each
//! request 1,000 times and prints nothing.

use std::hint::black_box;

use tencentcloud_cvm::{v2, v20170312};
use tencentcloud_runtime::{
    ClientConfig, Credentials, HttpMethod, PreparedRequest, SigningContext, SigningMethod,
};

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

/// The same requests as `benches/signing.rs`.
fn v3_request() -> v20170312::DescribeInstancesRequest {
    v20170312::DescribeInstancesRequest::new()
        .with_limit(1)
        .with_offset(0)
        .with_filters([v20170312::Filter::new(
            "zone",
            ["ap-guangzhou-3", "ap-guangzhou-4"],
        )])
}

fn v2_request() -> v2::DescribeInstancesRequest {
    v2::DescribeInstancesRequest::new()
        .with_limit(1)
        .with_offset(0)
        .with_instance_ids(["ins-09dx96dg", "ins-0fehlqri"])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; anything else is `<variant> <count>`.
    let (variants, count) = match args.as_slice() {
        [variant, count] => match count.parse::<usize>() {
            Ok(count) => (vec![variant.as_str()], count),
            Err(_) => {
                eprintln!("usage: signing_loop <variant> <count>");
                std::process::exit(2);
            }
        },
        _ => (
            vec!["tc3_post_json", "hmac_sha256_get", "v2_hmac_sha1_get"],
            1000,
        ),
    };
    for variant in variants {
        let prepare: Box<dyn Fn() -> PreparedRequest> = match variant {
            "tc3_post_json" => {
                let client = v20170312::Client::new(config()).expect("valid config");
                let credentials = credentials();
                Box::new(move || {
                    client
                        .runtime()
                        .prepare(
                            &credentials,
                            "DescribeInstances",
                            None,
                            &v3_request(),
                            CONTEXT,
                        )
                        .expect("prepares")
                })
            }
            "hmac_sha256_get" => {
                let client = v20170312::Client::new(
                    config()
                        .signing_method(SigningMethod::HmacSha256)
                        .http_method(HttpMethod::Get),
                )
                .expect("valid config");
                let credentials = credentials();
                Box::new(move || {
                    client
                        .runtime()
                        .prepare(
                            &credentials,
                            "DescribeInstances",
                            None,
                            &v3_request(),
                            CONTEXT,
                        )
                        .expect("prepares")
                })
            }
            "v2_hmac_sha1_get" => {
                let client = v2::Client::new(config().signing_method(SigningMethod::HmacSha1))
                    .expect("valid config");
                let credentials = credentials();
                Box::new(move || {
                    client
                        .runtime()
                        .prepare(
                            &credentials,
                            "DescribeInstances",
                            None,
                            &v2_request(),
                            CONTEXT,
                        )
                        .expect("prepares")
                })
            }
            other => {
                eprintln!(
                    "unknown variant {other:?}: tc3_post_json, hmac_sha256_get or v2_hmac_sha1_get"
                );
                std::process::exit(2);
            }
        };
        for _ in 0..count {
            black_box(prepare());
        }
    }
}
