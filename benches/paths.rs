//! Path queries on a synthetic graph shaped like a large import (see `common`): 10^6
//! entities and 5·10^6 relations by default (`KGQ_BENCH_NODES` / `KGQ_BENCH_EDGES`
//! override), loaded through the bulk CSV import. Measures the path engine alone and whole
//! statements through the query language (parse, check, evaluate).
//!
//! Run: `cargo bench --bench paths`.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use kgq::data::{self, DataFiles};
use kgq::graph::paths::{Filter, Limits};
use kgq::graph::{EntityRef, KnowledgeGraph};
use kgq::query::{self, Settings};

mod common;

use common::{Rng, csv_files, env};

fn synthetic(nodes: usize, edges: usize) -> KnowledgeGraph {
    let loaded = data::load(&DataFiles::from_files("synthetic", csv_files(nodes, edges)));
    KnowledgeGraph::build(loaded.dataset.expect("the synthetic graph is valid"))
}

fn benches(c: &mut Criterion) {
    let (nodes, edges) = (env("KGQ_BENCH_NODES", 1_000_000), env("KGQ_BENCH_EDGES", 5_000_000));
    let start = Instant::now();
    let kg = synthetic(nodes, edges);
    eprintln!(
        "built {} entities, {} relations in {:.1} s",
        kg.entity_count(),
        kg.relation_count(),
        start.elapsed().as_secs_f64()
    );
    let mut rng = Rng(7);
    let pairs: Vec<(u32, u32)> = (0..200).map(|_| (rng.below(nodes) as u32, rng.below(nodes) as u32)).collect();
    // The synthetic graph declares entity `n{i}` as the i-th.
    let ends: Vec<(EntityRef, EntityRef)> =
        pairs.iter().map(|&(a, b)| (EntityRef::new(a), EntityRef::new(b))).collect();
    let t = kg.topology();
    let filter = Filter::default();
    let limits = |max_hops, max_rows| Limits { max_hops, max_rows, deadline: None, cancel: None };
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("shortest path (max 10 hops)", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.shortest_path(ends[i].0, ends[i].1, None, &filter, &limits(10, 1)).expect("no limits hit"))
        })
    });
    group.bench_function("simple paths (max 4 hops, 1000 rows)", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.simple_paths(ends[i].0, ends[i].1, None, &filter, &limits(4, 1000)).expect("no limits hit"))
        })
    });
    group.bench_function("2-hop neighbourhood", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.neighbourhood(ends[i].0, &filter, &limits(2, usize::MAX)).expect("no limits hit"))
        })
    });
    group.finish();
    let mut group = c.benchmark_group("statement");
    group.sample_size(20);
    let settings = Settings::default();
    let statements: Vec<String> = pairs.iter().map(|(a, b)| format!("path n{a} to n{b} max 10")).collect();
    group.bench_function("path A to B", |b| {
        b.iter(|| {
            i = (i + 1) % statements.len();
            black_box(query::run(&kg, &statements[i], &settings).expect("the statement runs"))
        })
    });
    let statements: Vec<String> = pairs.iter().map(|(a, b)| format!("connect n{a} and n{b} max 3")).collect();
    group.bench_function("connect A and B (max 3)", |b| {
        b.iter(|| {
            i = (i + 1) % statements.len();
            black_box(query::run(&kg, &statements[i], &settings).expect("the statement runs"))
        })
    });
    group.finish();
}

criterion_group!(paths, benches);
criterion_main!(paths);
