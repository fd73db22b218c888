//! Issue 5, benchmark 2: decode a DescribeInstances reply of 100 instances
//! (tests/fixtures/bench/describe_instances_100.json, about 196 KB) into the
//! typed reply, envelope and error checks included.
//!
//! ```sh
//! cargo bench -p tencentcloud-tests --bench decode
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tencentcloud_cvm::v20170312::DescribeInstancesResponse;
use tencentcloud_runtime::client::decode_reply;
use tencentcloud_runtime::Family;

const REPLY: &[u8] = include_bytes!("../fixtures/bench/describe_instances_100.json");

fn decode(c: &mut Criterion) {
    let decoded: DescribeInstancesResponse =
        decode_reply(Family::Api3, "DescribeInstances", 200, REPLY).expect("the fixture decodes");
    assert_eq!(decoded.instance_set.len(), 100);

    let mut group = c.benchmark_group("decode_describe_instances");
    group.throughput(Throughput::Bytes(REPLY.len() as u64));
    group.bench_function("100_instances", |b| {
        b.iter(|| {
            decode_reply::<DescribeInstancesResponse>(
                Family::Api3,
                "DescribeInstances",
                200,
                std::hint::black_box(REPLY),
            )
            .expect("decodes")
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
