//! kgq as a contender in the peer benchmark harness (../shared/bench): loads the harness's
//! `nodes.csv` and `edges.csv` through kgq's own bulk CSV import and validation, and
//! answers `queries.csv` with the path engine the query language uses (`path`, `paths`,
//! `neighbors`), printing the harness's JSON protocol on stdout.
//!
//! Run: `cargo run --release --example peer_contender -- --nodes N.csv --edges E.csv --queries Q.csv`

use std::time::Instant;

use kgq::data::{self, DataFiles};
use kgq::graph::paths::{Filter, Limits, Path};
use kgq::graph::{EntityRef, KnowledgeGraph};
use serde_json::{Value, json};

/// The harness's bounds: shortest paths up to 10 hops, simple paths up to 4 hops capped at
/// 1000, neighbourhoods of 2 hops.
const SHORTEST_HOPS: usize = 10;
const PATH_HOPS: usize = 4;
const PATH_CAP: usize = 1000;
const KHOP: usize = 2;

fn arg(args: &[String], name: &str) -> Result<String, String> {
    let i = args.iter().position(|a| a == name).ok_or(format!("missing {name}"))?;
    args.get(i + 1).cloned().ok_or(format!("{name} needs a value"))
}

fn main() {
    if let Err(message) = run() {
        eprintln!("peer_contender: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (nodes, edges, queries) = (arg(&args, "--nodes")?, arg(&args, "--edges")?, arg(&args, "--queries")?);
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"));

    let started = Instant::now();
    // Both files at once, one on each core.
    let (nodes_text, edges_text) = std::thread::scope(|scope| {
        let edges = scope.spawn(|| read(&edges));
        (read(&nodes), edges.join().expect("reading a file does not panic"))
    });
    let files = DataFiles::from_files(
        "bench",
        [("entities/nodes.csv".to_string(), nodes_text?), ("relations/edges.csv".to_string(), edges_text?)],
    );
    let loaded = data::load(&files);
    let dataset = loaded.dataset.ok_or_else(|| format!("the data has {} problems", loaded.diagnostics.len()))?;
    drop(files);
    let kg = KnowledgeGraph::build(dataset);
    // Searches need the groups of parallel relations, which the graph finds on first use:
    // counted as loading, not as the first query.
    kg.topology().routes();
    let load_s = started.elapsed().as_secs_f64();
    let rss_after_load_mb = rss_mb();

    let node = |id: &str| kg.by_id(id).ok_or(format!("unknown node {id}"));
    let harness_id = |n: EntityRef| -> u64 { kg.entity(n).id().parse().expect("harness ids are integers") };
    let ids = |p: &Path| p.nodes.iter().map(|&n| harness_id(n)).collect::<Vec<_>>();
    let t = kg.topology();
    let filter = Filter::default();
    let limits = |max_hops, max_rows| Limits { max_hops, max_rows, deadline: None, cancel: None };

    let (mut shortest, mut paths, mut khop) = (Vec::new(), Vec::new(), Vec::new());
    let mut warmed = [false; 3];
    for line in read(&queries)?.lines().skip(1) {
        let mut cols = line.split(',');
        let (kind, src, dst) = (cols.next().unwrap_or(""), cols.next().unwrap_or(""), cols.next().unwrap_or(""));
        let s = node(src)?;
        let (src_id, dst_id): (u64, Option<u64>) = (src.parse().map_err(|_| "bad src")?, dst.parse().ok());
        match kind {
            "shortest" => {
                let d = node(dst)?;
                let go =
                    || t.shortest_path(s, d, None, &filter, &limits(SHORTEST_HOPS, 1)).expect("no deadline is set");
                if !std::mem::replace(&mut warmed[0], true) {
                    go();
                }
                let clock = Instant::now();
                let found = go();
                let secs = clock.elapsed().as_secs_f64();
                let (len, path) = found.map_or((Value::Null, Value::Null), |p| (json!(p.len()), json!(ids(&p))));
                shortest.push(json!({"src": src_id, "dst": dst_id, "s": secs, "len": len, "path": path}));
            }
            "paths" => {
                let d = node(dst)?;
                let go =
                    || t.simple_paths(s, d, None, &filter, &limits(PATH_HOPS, PATH_CAP)).expect("no deadline is set");
                if !std::mem::replace(&mut warmed[1], true) {
                    go();
                }
                let clock = Instant::now();
                let found = go();
                let secs = clock.elapsed().as_secs_f64();
                let listed: Vec<Vec<u64>> = found.items.iter().map(ids).collect();
                paths.push(json!({"src": src_id, "dst": dst_id, "s": secs, "count": listed.len(), "paths": listed}));
            }
            "khop" => {
                let go = || t.neighbourhood(s, &filter, &limits(KHOP, usize::MAX)).expect("no deadline is set");
                if !std::mem::replace(&mut warmed[2], true) {
                    go();
                }
                let clock = Instant::now();
                let found = go();
                let secs = clock.elapsed().as_secs_f64();
                khop.push(json!({"src": src_id, "s": secs, "count": found.reached.len()}));
            }
            other => return Err(format!("unknown query kind {other}")),
        }
    }
    let report = json!({
        "engine": "kgq",
        "version": env!("CARGO_PKG_VERSION"),
        "threads": 2,
        "notes": "kgq bulk CSV import + validation + KnowledgeGraph, loading on two cores (files, graph lists); queries on one: Topology::shortest_path (bidirectional BFS), simple_paths (shortest-first DFS pruned by distance to target), neighbourhood (BFS tree, from which `neighbors` reads each node's path), undirected filter: the calls `path`, `paths` and `neighbors` make",
        "load_s": load_s,
        "rss_after_load_mb": rss_after_load_mb,
        "shortest": shortest,
        "paths": paths,
        "khop": khop,
    });
    println!("{report}");
    Ok(())
}

/// Resident memory now, from /proc (Linux); null elsewhere.
fn rss_mb() -> Value {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kb.map_or(Value::Null, |kb| json!(kb / 1024.0))
}
