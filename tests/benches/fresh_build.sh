#!/usr/bin/env bash
# A user's first build: a new project that calls DescribeInstances with
# tencentcloud-cvm and tokio, `cargo build` (debug) from an empty target
# folder, every dependency included. Prints the wall time, the CPU time
# and the peak RSS of the largest process, and the number of crates
# compiled. Cargo's own `--timings` report goes to the project's
# target/cargo-timings/.
#
#   tests/benches/fresh_build.sh [scratch dir] [repository root]
#
# The scratch project (default target/fresh-build) is deleted first.
set -euo pipefail

root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=${1:-$root/target/fresh-build}
rm -rf "$dir"
mkdir -p "$dir/src"
cat >"$dir/Cargo.toml" <<TOML
[package]
name = "fresh-build"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tencentcloud-cvm = { path = "$root/generated/cvm" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
cat >"$dir/src/main.rs" <<'RUST'
use tencentcloud_cvm::v20170312::{Client, DescribeInstancesRequest, Filter};
use tencentcloud_cvm::{ClientConfig, Credentials};

#[tokio::main]
async fn main() -> Result<(), tencentcloud_cvm::Error> {
    let config = ClientConfig::new(Credentials::from_env()?).region("ap-guangzhou");
    let client = Client::new(config)?;
    let request = DescribeInstancesRequest::new()
        .with_filters([Filter::new("zone", ["ap-guangzhou-3"])])
        .with_limit(10);
    let reply = client.describe_instances(request).await?;
    for instance in &reply.instance_set {
        println!("{:?} {:?}", instance.instance_id, instance.instance_state);
    }
    Ok(())
}
RUST
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cd "$dir"
unset CARGO_TARGET_DIR
export CARGO_INCREMENTAL=0
# Fetch first, so that the download is not timed.
cargo fetch --quiet
/usr/bin/time -f '%e %U %S %M' -o time.txt cargo build --quiet --timings
read -r wall user sys rss <time.txt
crates=$(find target/debug/.fingerprint -mindepth 1 -maxdepth 1 -type d | wc -l)
echo "fresh build: wall ${wall} s, cpu $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}') s," \
    "peak rss $((rss / 1024)) MB, $crates crates (fingerprints)"
