//! Loading: a synthetic graph (see `common`; 10^5 entities and 5·10^5 relations by default,
//! `KGQ_BENCH_NODES` / `KGQ_BENCH_EDGES` override) from bulk CSV text, and from a snapshot.
//! Both end with the graph ready to query (indexes and adjacency built).
//!
//! Run: `cargo bench --bench load`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kgq::data::{self, DataFiles, snapshot};
use kgq::graph::KnowledgeGraph;

mod common;

use common::{csv_files, env};

fn benches(c: &mut Criterion) {
    let (nodes, edges) = (env("KGQ_BENCH_NODES", 100_000), env("KGQ_BENCH_EDGES", 500_000));
    let files = csv_files(nodes, edges);
    let dataset =
        data::load(&DataFiles::from_files("synthetic", files.clone())).dataset.expect("the synthetic graph is valid");
    let bytes = snapshot::encode(&dataset);
    drop(dataset);
    let mut group = c.benchmark_group(format!("load {nodes} entities, {edges} relations"));
    group.sample_size(10);
    group.bench_function("from CSV (parse, validate, build)", |b| {
        b.iter(|| {
            let loaded = data::load(&DataFiles::from_files("synthetic", files.clone()));
            black_box(KnowledgeGraph::build(loaded.dataset.expect("valid")))
        })
    });
    group.bench_function("from a snapshot (decode, build)", |b| {
        b.iter(|| black_box(KnowledgeGraph::build(snapshot::decode(&bytes).expect("a fresh snapshot decodes"))))
    });
    group.finish();
}

criterion_group!(load, benches);
criterion_main!(load);
