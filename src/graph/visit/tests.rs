//! petgraph's algorithms on the [`Topology`] through the `visit` traits, on random
//! multigraphs (parallel edges and self-loops included): they agree with the same
//! algorithms on a petgraph `DiGraph` built from the same edges, and with the engine's
//! own searches.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction::{Incoming, Outgoing};
use petgraph::algo::{dijkstra, has_path_connecting, tarjan_scc};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, EdgeRef, IntoEdgeReferences, IntoEdgesDirected, IntoNeighborsDirected, UndirectedAdaptor};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::graph::paths::{Filter, Limits};
use crate::graph::topology::{Day, Topology};
use crate::graph::{EntityRef, RelationRef};

/// A random graph: `n` nodes and edges (from, to, kind) numbered in order.
fn graph() -> impl Strategy<Value = (u32, Vec<(u32, u32, u16)>)> {
    (1u32..=10).prop_flat_map(|n| (Just(n), vec((0..n, 0..n, 0u16..3), 0..=25)))
}

/// The same edges as the engine's structure (every kind directed) and as a petgraph graph.
fn both(n: u32, edges: &[(u32, u32, u16)]) -> (Topology, DiGraph<(), u16, u32>) {
    let open = (Day::MIN, Day::MAX);
    let test_edges: Vec<_> = edges.iter().map(|&(a, b, k)| (a, b, k, open, vec![])).collect();
    let topo = Topology::from_edges(vec![0; n as usize], vec![true; 3], &test_edges);
    let mut g = DiGraph::with_capacity(n as usize, edges.len());
    (0..n).for_each(|_| {
        g.add_node(());
    });
    for &(a, b, k) in edges {
        g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), k);
    }
    (topo, g)
}

fn node(i: usize) -> EntityRef {
    EntityRef::new(i as u32)
}

/// Hop distances from `from` by the engine's neighbourhood search, `from` itself at 0.
fn engine_distances(topo: &Topology, from: EntityRef, filter: &Filter) -> BTreeMap<usize, usize> {
    let limits = Limits { max_hops: topo.node_count(), max_rows: usize::MAX, deadline: None, cancel: None };
    let found = topo.neighbourhood(from, filter, &limits).expect("no limits to hit");
    let reached = found.reached.iter().map(|r| (r.node.index(), r.dist as usize));
    reached.chain([(from.index(), 0)]).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn rows_and_edges_are_those_of_a_digraph((n, edges) in graph()) {
        let (topo, g) = both(n, &edges);
        let ours: Vec<_> = (&topo).edge_references().map(|e| (e.source().index(), e.target().index(), *e.weight(), e.id().index())).collect();
        let theirs: Vec<_> = g.edge_references().map(|e| (e.source().index(), e.target().index(), *e.weight(), e.id().index())).collect();
        prop_assert_eq!(ours, theirs);
        for i in 0..n as usize {
            for dir in [Outgoing, Incoming] {
                let mut ours: Vec<usize> = (&topo).neighbors_directed(node(i), dir).map(|x| x.index()).collect();
                let mut theirs: Vec<usize> = g.neighbors_directed(NodeIndex::new(i), dir).map(|x| x.index()).collect();
                ours.sort_unstable();
                theirs.sort_unstable();
                prop_assert_eq!(ours, theirs);
                let ours: BTreeSet<RelationRef> = (&topo).edges_directed(node(i), dir).map(|e| e.id()).collect();
                let theirs: BTreeSet<RelationRef> =
                    g.edges_directed(NodeIndex::new(i), dir).map(|e| RelationRef::new(e.id().index() as u32)).collect();
                prop_assert_eq!(ours, theirs);
            }
            // In the same order too: `show` and `why` list relations in it.
            let incident: Vec<RelationRef> = topo.incident(node(i)).collect();
            let theirs = g.edges_directed(NodeIndex::new(i), Outgoing).chain(g.edges_directed(NodeIndex::new(i), Incoming));
            prop_assert_eq!(incident, theirs.map(|e| RelationRef::new(e.id().index() as u32)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn bfs_and_dijkstra_agree_with_a_digraph_and_the_engine((n, edges) in graph(), from in 0usize..10) {
        let (topo, g) = both(n, &edges);
        let from = from % n as usize;
        let directed = Filter { directed: true, ..Filter::default() };

        let mut bfs = Bfs::new(&topo, node(from));
        let mut ours = BTreeSet::new();
        while let Some(x) = bfs.next(&topo) {
            ours.insert(x.index());
        }
        let mut bfs = Bfs::new(&g, NodeIndex::new(from));
        let mut theirs = BTreeSet::new();
        while let Some(x) = bfs.next(&g) {
            theirs.insert(x.index());
        }
        prop_assert_eq!(&ours, &theirs);

        let ours: BTreeMap<usize, usize> = dijkstra(&topo, node(from), None, |_| 1).into_iter().map(|(k, d)| (k.index(), d)).collect();
        let theirs: BTreeMap<usize, usize> = dijkstra(&g, NodeIndex::new(from), None, |_| 1).into_iter().map(|(k, d)| (k.index(), d)).collect();
        prop_assert_eq!(&ours, &theirs);
        prop_assert_eq!(&ours, &engine_distances(&topo, node(from), &directed));

        // Both ways round, as the engine walks without `directed`.
        let undirected = dijkstra(UndirectedAdaptor(&topo), node(from), None, |_| 1);
        let undirected: BTreeMap<usize, usize> = undirected.into_iter().map(|(k, d)| (k.index(), d)).collect();
        prop_assert_eq!(&undirected, &engine_distances(&topo, node(from), &Filter::default()));

        let limits = Limits { max_hops: n as usize, max_rows: 1, deadline: None, cancel: None };
        for to in 0..n as usize {
            let found = topo.shortest_path(node(from), node(to), None, &directed, &limits).expect("no limits to hit");
            prop_assert_eq!(has_path_connecting(&topo, node(from), node(to), None), found.is_some());
            prop_assert_eq!(found.map(|p| p.len()), ours.get(&to).copied());
        }
    }

    #[test]
    fn strongly_connected_components_agree_with_a_digraph((n, edges) in graph()) {
        let (topo, g) = both(n, &edges);
        let sorted = |sccs: Vec<Vec<usize>>| {
            let mut sccs: Vec<Vec<usize>> = sccs.into_iter().map(|mut c| { c.sort_unstable(); c }).collect();
            sccs.sort_unstable();
            sccs
        };
        let ours = sorted(tarjan_scc(&topo).into_iter().map(|c| c.iter().map(|x| x.index()).collect()).collect());
        let theirs = sorted(tarjan_scc(&g).into_iter().map(|c| c.iter().map(|x| x.index()).collect()).collect());
        prop_assert_eq!(ours, theirs);
    }
}
