//! The generator on the committed CVM spec (both API families): the whole
//! pipeline, and each stage on its own to see where the time goes.
//!
//! `cargo bench -p tencentcloud-codegen --bench generate`

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use tencentcloud_codegen::generate::generate_services;
use tencentcloud_codegen::render::crate_files;
use tencentcloud_codegen::resolve::resolve;
use tencentcloud_codegen::spec::{load_version, ServiceVersion};

fn spec_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

fn load_cvm() -> Vec<ServiceVersion> {
    ["2017-03-12", "v2"]
        .iter()
        .map(|v| match load_version(&spec_root().join("cvm").join(v)) {
            Ok(version) => version,
            Err(e) => panic!("the CVM spec loads: {e}"),
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let root = spec_root();
    let cvm = vec!["cvm".to_owned()];
    c.bench_function("cvm: generate (load, resolve, render)", |b| {
        b.iter(|| generate_services(&root, &cvm).map(|files| files.len()))
    });
    c.bench_function("cvm: load and check the spec", |b| b.iter(load_cvm));
    let versions = load_cvm();
    c.bench_function("cvm: resolve", |b| b.iter(|| resolve(&versions)));
    let crates = match resolve(&versions) {
        Ok(crates) => crates,
        Err(e) => panic!("the CVM spec resolves: {e}"),
    };
    c.bench_function("cvm: emit and render", |b| {
        b.iter(|| crates.iter().map(crate_files).count())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
