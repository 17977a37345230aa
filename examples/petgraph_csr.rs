//! Measures petgraph's `csr::Csr` against kgq's own adjacency ([`Topology`]) on a bulk
//! graph: building (a forward `Csr` and a reverse one for incoming edges, each edge's
//! weight its relation number, from edges sorted as `from_sorted_edges` requires) and
//! searching (petgraph's `Bfs` over each, and a 2-hop neighbourhood walked both ways, as
//! the harness's `khop` asks). Prints the fastest of `--runs` runs of each.
//!
//! Run: `cargo run --release --example petgraph_csr -- --nodes N.csv --edges E.csv --queries Q.csv [--runs 5]`

use std::time::Instant;

use kgq::data::{self, DataFiles};
use kgq::graph::{EntityRef, KnowledgeGraph, RelationRef, Topology};
use petgraph::csr::Csr;
use petgraph::visit::Bfs;
use rustc_hash::FxHashSet;

type PetCsr = Csr<(), u32, petgraph::Directed, u32>;

/// Calls its visitor with (neighbour, relation) for every edge at a node, both ways.
type Rows<'a> = &'a dyn Fn(u32, &mut dyn FnMut(u32, u32));

fn arg(args: &[String], name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

/// The fastest of `runs` timings of `f`, in milliseconds, and its last result.
fn fastest<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..runs {
        let clock = Instant::now();
        let value = f();
        best = best.min(clock.elapsed().as_secs_f64() * 1e3);
        out = Some(value);
    }
    (best, out.expect("at least one run"))
}

/// A forward and a reverse `Csr` of the edges, weighted by relation number. `Csr` takes
/// each (from, to) pair once: parallel relations beyond the first are dropped, and counted.
fn petgraph_csr(n: usize, ends: &[(u32, u32)]) -> (PetCsr, PetCsr, usize) {
    let build = |flip: bool| {
        let mut edges: Vec<(u32, u32, u32)> = ends
            .iter()
            .enumerate()
            .map(|(e, &(a, b))| if flip { (b, a, e as u32) } else { (a, b, e as u32) })
            .collect();
        edges.sort_unstable();
        let before = edges.len();
        edges.dedup_by_key(|e| (e.0, e.1));
        let dropped = before - edges.len();
        // petgraph's Csr numbers nodes with plain u32.
        let mut csr = PetCsr::from_sorted_edges(&edges).expect("sorted and unique");
        // `from_sorted_edges` stops at the highest node an edge touches.
        while csr.node_count() < n {
            csr.add_node(());
        }
        (csr, dropped)
    };
    std::thread::scope(|scope| {
        let reverse = scope.spawn(|| build(true));
        let (fwd, dropped) = build(false);
        let (rev, _) = reverse.join().expect("building does not panic");
        (fwd, rev, dropped)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let need = |name| arg(&args, name).unwrap_or_else(|| panic!("{name} is required"));
    let (nodes, edges, queries) = (need("--nodes"), need("--edges"), need("--queries"));
    let runs: usize = arg(&args, "--runs").map_or(5, |r| r.parse().expect("--runs takes a number"));
    let read = |p: &str| std::fs::read_to_string(p).expect("the file reads");
    let files = DataFiles::from_files(
        "bench",
        [("entities/nodes.csv".to_string(), read(&nodes)), ("relations/edges.csv".to_string(), read(&edges))],
    );
    let loaded = data::load(&files);
    let dataset = loaded.dataset.expect("the harness data is valid");
    drop(files);

    let mut build_ms = f64::MAX;
    for _ in 1..runs {
        let copy = dataset.clone();
        let clock = Instant::now();
        let built = KnowledgeGraph::build(copy);
        build_ms = build_ms.min(clock.elapsed().as_secs_f64() * 1e3);
        drop(built);
    }
    let clock = Instant::now();
    let kg = KnowledgeGraph::build(dataset);
    build_ms = build_ms.min(clock.elapsed().as_secs_f64() * 1e3);
    let t: &Topology = kg.topology();
    let n = kg.entity_count();
    let ends: Vec<(u32, u32)> = (0..kg.relation_count() as u32)
        .map(|e| kg.ends(RelationRef::new(e)))
        .map(|(a, b)| (a.index() as u32, b.index() as u32))
        .collect();
    let (csr_ms, (fwd, rev, dropped)) = fastest(runs, || petgraph_csr(n, &ends));
    println!("graph: {n} entities, {} relations ({dropped} parallel ones Csr cannot hold)", ends.len());
    println!("build: KnowledgeGraph::build (topology rows both ways, counts) {build_ms:.1} ms");
    println!("build: two petgraph Csr (sort + from_sorted_edges, one thread each) {csr_ms:.1} ms");

    let starts: Vec<u32> = read(&queries)
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("khop,") || l.starts_with("shortest,"))
        .filter_map(|l| l.split(',').nth(1)?.parse().ok())
        .collect();
    let id = |s: u32| kg.by_id(&s.to_string()).expect("query nodes exist");
    let starts: Vec<EntityRef> = starts.into_iter().map(id).collect();

    // petgraph's Bfs, directed, over each structure, from the first few starts.
    let few = &starts[..starts.len().min(5)];
    let (bfs_topo, a) = fastest(runs, || {
        few.iter()
            .map(|&s| {
                let mut bfs = Bfs::new(t, s);
                std::iter::from_fn(|| bfs.next(t)).count()
            })
            .sum::<usize>()
    });
    let (bfs_csr, b) = fastest(runs, || {
        few.iter()
            .map(|&s| {
                let mut bfs = Bfs::new(&fwd, s.index() as u32);
                std::iter::from_fn(|| bfs.next(&fwd)).count()
            })
            .sum::<usize>()
    });
    assert_eq!(a, b, "both reach the same nodes");
    println!(
        "search: petgraph Bfs over the whole graph from {} starts: topology {bfs_topo:.1} ms, Csr {bfs_csr:.1} ms",
        few.len()
    );

    // Two hops both ways, the same loop over each structure's rows, reading each step's
    // neighbour and relation (a search reports the relations it walks).
    let two_hops = |rows: Rows| {
        starts
            .iter()
            .map(|&s| {
                let mut seen = FxHashSet::default();
                seen.insert(s.index() as u32);
                let mut level = vec![s.index() as u32];
                for _ in 0..2 {
                    let mut next = Vec::new();
                    for &u in &level {
                        rows(u, &mut |w, _edge| {
                            if seen.insert(w) {
                                next.push(w);
                            }
                        });
                    }
                    level = next;
                }
                seen.len() - 1
            })
            .sum::<usize>()
    };
    let (khop_topo, a) = fastest(runs, || {
        two_hops(&|u, visit| {
            let node = EntityRef::new(u);
            let row = t.out(node).iter().chain(t.inc(node));
            row.for_each(|&(w, e)| visit(w.index() as u32, e.index() as u32));
        })
    });
    let (khop_csr, b) = fastest(runs, || {
        two_hops(&|u, visit| {
            let out = fwd.neighbors_slice(u).iter().zip(fwd.edges_slice(u));
            let inc = rev.neighbors_slice(u).iter().zip(rev.edges_slice(u));
            out.chain(inc).for_each(|(&w, &e)| visit(w, e));
        })
    });
    assert_eq!(a, b, "both reach the same nodes");
    println!(
        "search: 2-hop neighbourhoods of {} starts: topology {khop_topo:.1} ms, Csr {khop_csr:.1} ms",
        starts.len()
    );
}
