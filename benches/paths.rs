//! Path queries on a synthetic graph shaped like a large import: 10^6 entities and 5·10^6
//! relations by default (`KGQ_BENCH_NODES` / `KGQ_BENCH_EDGES` override), grown by
//! preferential attachment like the peer harness's generator, with 8 kinds and 20
//! relation kinds. Measures the path engine alone and whole statements through the query
//! language (parse, check, evaluate).
//!
//! Run: `cargo bench --bench paths`.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use kgq::data::Dataset;
use kgq::diag::Location;
use kgq::graph::KnowledgeGraph;
use kgq::graph::paths::{Filter, Limits};
use kgq::model::{Entity, KindDef, RelDef, Relation, Schema, Source, Status};
use kgq::query::{self, Settings};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn synthetic(nodes: usize, edges: usize) -> KnowledgeGraph {
    let kinds: Vec<String> = (0..8).map(|i| format!("kind{i}")).collect();
    let rels: Vec<String> = (0..20).map(|i| format!("rel{i}")).collect();
    let schema = Schema {
        kinds: kinds
            .iter()
            .map(|k| KindDef { name: k.clone(), description: String::new(), shape: None, color: None })
            .collect(),
        relations: rels
            .iter()
            .map(|r| RelDef {
                name: r.clone(),
                from: Vec::new(),
                to: Vec::new(),
                directed: true,
                reads: r.clone(),
                inverse: r.clone(),
                description: String::new(),
            })
            .collect(),
    };
    let mut rng = Rng(42);
    let entities: Vec<Entity> = (0..nodes)
        .map(|i| Entity {
            id: format!("n{i}"),
            kind: kinds[rng.below(8)].clone(),
            name: format!("N{i}"),
            aliases: Vec::new(),
            country: None,
            attrs: Default::default(),
            note: None,
            evidence: Vec::new(),
            origin: Location::default(),
        })
        .collect();
    // Preferential attachment: each new node links to earlier ones, picked in proportion to
    // their degree most of the time (a list of edge ends), uniformly otherwise.
    let mut ends: Vec<usize> = vec![0];
    let mut relations = Vec::with_capacity(edges);
    let per_node = edges / nodes.max(1);
    for i in 1..nodes {
        let links = if i == 1 { 1 } else { per_node.max(1) };
        for _ in 0..links {
            if relations.len() >= edges {
                break;
            }
            let j = if rng.below(10) < 9 { ends[rng.below(ends.len())] } else { rng.below(i) };
            let (from, to) = if rng.below(10) < 7 { (i, j) } else { (j, i) };
            relations.push(Relation {
                from: format!("n{from}"),
                rel: rels[rng.below(20)].clone(),
                to: format!("n{to}"),
                since: None,
                until: None,
                date: None,
                status: Status::Reported,
                attrs: Default::default(),
                note: None,
                evidence: Vec::new(),
                origin: Location::default(),
            });
            ends.extend([i, j]);
        }
    }
    let source = Source {
        id: "s".into(),
        title: "synthetic".into(),
        publisher: String::new(),
        date: String::new(),
        file: String::new(),
        origin: Location::default(),
    };
    KnowledgeGraph::build(Dataset { schema, sources: vec![source], entities, relations })
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
    let t = kg.topology();
    let filter = Filter::default();
    let limits = |max_hops, max_rows| Limits { max_hops, max_rows, deadline: None, cancel: None };
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("shortest path (max 10 hops)", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.shortest_path(pairs[i].0, pairs[i].1, None, &filter, &limits(10, 1)).expect("no limits hit"))
        })
    });
    group.bench_function("simple paths (max 4 hops, 1000 rows)", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.simple_paths(pairs[i].0, pairs[i].1, None, &filter, &limits(4, 1000)).expect("no limits hit"))
        })
    });
    group.bench_function("2-hop neighbourhood", |b| {
        b.iter(|| {
            i = (i + 1) % pairs.len();
            black_box(t.neighbourhood(pairs[i].0, &filter, &limits(2, usize::MAX)).expect("no limits hit"))
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
