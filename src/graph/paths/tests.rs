//! Unit tests on small hand-built graphs: one behaviour each, with the expected answer
//! written out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Filter, Found, Hop, Limits, Path, Stop};
use crate::graph::topology::{Day, TestEdge, Topology};
use crate::graph::{EntityRef, RelationRef};

const OPEN: (Day, Day) = (Day::MIN, Day::MAX);
/// Relation kinds of the test graphs: 0 and 1 directed, 2 undirected.
const DIRECTED: u16 = 0;
const OTHER: u16 = 1;
const UNDIRECTED: u16 = 2;

fn edge(from: u32, to: u32) -> TestEdge {
    (from, to, DIRECTED, OPEN, vec![])
}

fn edge_of(from: u32, to: u32, rel: u16) -> TestEdge {
    (from, to, rel, OPEN, vec![])
}

/// A graph of `n` nodes, all of kind 0, with the given edges (numbered in order).
fn graph(n: usize, edges: &[TestEdge]) -> Topology {
    Topology::from_edges(vec![0; n], vec![true, true, false], edges)
}

fn limits(max_hops: usize) -> Limits<'static> {
    Limits { max_hops, max_rows: usize::MAX, deadline: None, cancel: None }
}

fn rows(max_hops: usize, max_rows: usize) -> Limits<'static> {
    Limits { max_rows, ..limits(max_hops) }
}

fn directed() -> Filter {
    Filter { directed: true, ..Filter::default() }
}

/// The node numbered `i`.
fn n(i: u32) -> EntityRef {
    EntityRef::new(i)
}

/// The numbers of `nodes`, to compare with the lists written out.
fn nums(nodes: &[EntityRef]) -> Vec<u32> {
    nodes.iter().map(|node| node.index() as u32).collect()
}

fn fwd(edge: u32) -> Hop {
    Hop { edge: RelationRef::new(edge), forward: true }
}

fn back(edge: u32) -> Hop {
    Hop { edge: RelationRef::new(edge), forward: false }
}

fn path(nodes: &[u32], hops: &[Hop]) -> Path {
    Path { nodes: nodes.iter().copied().map(n).collect(), hops: hops.to_vec() }
}

fn node_lists(found: &Found<Path>) -> Vec<Vec<u32>> {
    found.items.iter().map(|p| nums(&p.nodes)).collect()
}

fn shortest(t: &Topology, from: u32, to: u32, filter: &Filter) -> Option<Path> {
    t.shortest_path(n(from), n(to), None, filter, &limits(10)).expect("no limits to hit")
}

/// 0→1→2→3 and a shortcut 0→4→3.
fn chain_with_shortcut() -> Topology {
    graph(5, &[edge(0, 1), edge(1, 2), edge(2, 3), edge(0, 4), edge(4, 3)])
}

#[test]
fn shortest_path_takes_fewest_hops() {
    let t = chain_with_shortcut();
    let found = shortest(&t, 0, 3, &directed());
    assert_eq!(found, Some(path(&[0, 4, 3], &[fwd(3), fwd(4)])));
}

#[test]
fn shortest_path_from_a_node_to_itself_has_no_hops() {
    let t = chain_with_shortcut();
    let found = t.shortest_path(n(2), n(2), None, &directed(), &limits(0));
    assert_eq!(found, Ok(Some(path(&[2], &[]))));
    let through_other = t.shortest_path(n(2), n(2), Some(n(1)), &directed(), &limits(5));
    assert_eq!(through_other, Ok(None));
}

#[test]
fn shortest_path_respects_the_hop_cap() {
    let t = graph(4, &[edge(0, 1), edge(1, 2), edge(2, 3)]);
    let capped = t.shortest_path(n(0), n(3), None, &directed(), &limits(2));
    assert_eq!(capped, Ok(None));
    let within = t.shortest_path(n(0), n(3), None, &directed(), &limits(3));
    assert_eq!(within.expect("no limits to hit").map(|p| p.len()), Some(3));
}

#[test]
fn shortest_path_is_the_same_every_run() {
    // Many equally short routes: the answer must not depend on hashing or timing.
    let edges: Vec<TestEdge> = (1..20).flat_map(|m| [edge(0, m), edge(m, 20)]).collect();
    let t = graph(21, &edges);
    let first = shortest(&t, 0, 20, &directed());
    for _ in 0..10 {
        assert_eq!(shortest(&t, 0, 20, &directed()), first);
    }
}

#[test]
fn directed_search_never_walks_a_directed_relation_backwards() {
    let t = graph(2, &[edge(0, 1)]);
    assert_eq!(shortest(&t, 1, 0, &directed()), None);
    let undirected_search = shortest(&t, 1, 0, &Filter::default());
    assert_eq!(undirected_search, Some(path(&[1, 0], &[back(0)])));
}

#[test]
fn undirected_relations_are_walkable_both_ways_even_in_directed_search() {
    let t = graph(2, &[edge_of(0, 1, UNDIRECTED)]);
    assert_eq!(shortest(&t, 1, 0, &directed()), Some(path(&[1, 0], &[back(0)])));
}

#[test]
fn self_loops_are_never_used() {
    let t = graph(2, &[edge(0, 0), edge(0, 1), edge(1, 1)]);
    let found = t.simple_paths(n(0), n(1), None, &Filter::default(), &limits(5));
    let expected = vec![path(&[0, 1], &[fwd(1)])];
    assert_eq!(found.expect("no limits to hit").items, expected);
}

/// Two parallel edges 0→1, then 1→3; and 0→2→3.
fn diamond_with_parallel_edges() -> Topology {
    graph(4, &[edge(0, 1), edge_of(0, 1, OTHER), edge(1, 3), edge(0, 2), edge(2, 3)])
}

#[test]
fn all_shortest_paths_lists_every_tie_in_order() {
    let t = diamond_with_parallel_edges();
    let found = t.all_shortest_paths(n(0), n(3), None, &directed(), &limits(5));
    let expected = vec![
        path(&[0, 1, 3], &[fwd(0), fwd(2)]),
        path(&[0, 1, 3], &[fwd(1), fwd(2)]),
        path(&[0, 2, 3], &[fwd(3), fwd(4)]),
    ];
    assert_eq!(found.expect("no limits to hit").items, expected);
}

#[test]
fn all_shortest_paths_truncates_at_the_row_cap() {
    let t = diamond_with_parallel_edges();
    let found = t.all_shortest_paths(n(0), n(3), None, &directed(), &rows(5, 2));
    let found = found.expect("no limits to hit");
    assert!(found.truncated);
    assert_eq!(node_lists(&found), vec![vec![0, 1, 3], vec![0, 1, 3]]);
}

#[test]
fn all_shortest_paths_ignores_dead_ends_at_the_right_distance() {
    // 0→1→2→3 is the only shortest route; 0→4→5 reaches the same depths and stops.
    let t = graph(6, &[edge(0, 4), edge(4, 5), edge(0, 1), edge(1, 2), edge(2, 3)]);
    let found = t.all_shortest_paths(n(0), n(3), None, &directed(), &limits(5));
    assert_eq!(node_lists(&found.expect("no limits to hit")), vec![vec![0, 1, 2, 3]]);
}

#[test]
fn simple_paths_come_shortest_first_then_by_nodes() {
    // 0→3 directly, 0→2→3, 0→1→3, and 0→1→2→3.
    let t = graph(4, &[edge(0, 3), edge(0, 2), edge(2, 3), edge(0, 1), edge(1, 3), edge(1, 2)]);
    let found = t.simple_paths(n(0), n(3), None, &directed(), &limits(5));
    let expected = vec![vec![0, 3], vec![0, 1, 3], vec![0, 2, 3], vec![0, 1, 2, 3]];
    assert_eq!(node_lists(&found.expect("no limits to hit")), expected);
}

#[test]
fn simple_paths_count_parallel_edges_as_distinct_paths() {
    let t = diamond_with_parallel_edges();
    let found = t.simple_paths(n(0), n(3), None, &directed(), &limits(5));
    assert_eq!(found.expect("no limits to hit").items.len(), 3);
}

#[test]
fn simple_paths_stop_at_the_hop_cap_and_row_cap() {
    let t = graph(4, &[edge(0, 3), edge(0, 2), edge(2, 3), edge(0, 1), edge(1, 3), edge(1, 2)]);
    let short = t.simple_paths(n(0), n(3), None, &directed(), &limits(2));
    assert_eq!(short.expect("no limits to hit").items.len(), 3);
    let capped = t.simple_paths(n(0), n(3), None, &directed(), &rows(5, 2));
    let capped = capped.expect("no limits to hit");
    assert!(capped.truncated);
    assert_eq!(node_lists(&capped), vec![vec![0, 3], vec![0, 1, 3]]);
    let exact = t.simple_paths(n(0), n(3), None, &directed(), &rows(5, 4));
    assert!(!exact.expect("no limits to hit").truncated);
}

#[test]
fn simple_paths_through_a_node_keep_only_paths_that_visit_it() {
    let t = graph(4, &[edge(0, 3), edge(0, 2), edge(2, 3), edge(0, 1), edge(1, 3), edge(1, 2)]);
    let found = t.simple_paths(n(0), n(3), Some(n(2)), &directed(), &limits(5));
    let expected = vec![vec![0, 2, 3], vec![0, 1, 2, 3]];
    assert_eq!(node_lists(&found.expect("no limits to hit")), expected);
}

#[test]
fn shortest_path_through_a_node_takes_the_detour() {
    // 0→1→3 is shortest; through 2 it must be 0→2→1→3.
    let t = graph(4, &[edge(0, 1), edge(1, 3), edge(0, 2), edge(2, 1)]);
    let found = t.shortest_path(n(0), n(3), Some(n(2)), &directed(), &limits(5));
    let expected = path(&[0, 2, 1, 3], &[fwd(2), fwd(3), fwd(1)]);
    assert_eq!(found, Ok(Some(expected)));
}

#[test]
fn shortest_path_through_a_node_must_stay_simple() {
    // 2 hangs off 1 both ways, so the only walk 0→3 through 2 repeats 1.
    let t = graph(4, &[edge(0, 1), edge(1, 2), edge(2, 1), edge(1, 3)]);
    let found = t.shortest_path(n(0), n(3), Some(n(2)), &directed(), &limits(6));
    assert_eq!(found, Ok(None));
}

#[test]
fn all_shortest_paths_through_a_node_are_the_shortest_that_visit_it() {
    let t = graph(5, &[edge(0, 4), edge(0, 1), edge(1, 4), edge(0, 2), edge(2, 3), edge(3, 4)]);
    let found = t.all_shortest_paths(n(0), n(4), Some(n(3)), &directed(), &limits(6));
    assert_eq!(node_lists(&found.expect("no limits to hit")), vec![vec![0, 2, 3, 4]]);
}

#[test]
fn neighbourhood_orders_by_distance_then_id() {
    // 0→3, 0→1, 3→2, 1→4, 4→5.
    let t = graph(6, &[edge(0, 3), edge(0, 1), edge(3, 2), edge(1, 4), edge(4, 5)]);
    let found = t.neighbourhood(n(0), &directed(), &limits(2));
    let found = found.expect("no limits to hit");
    let reached: Vec<(u32, u32)> = found.reached.iter().map(|r| (r.node.index() as u32, r.dist)).collect();
    assert_eq!(reached, vec![(1, 1), (3, 1), (2, 2), (4, 2)]);
    assert_eq!(found.path(2), path(&[0, 3, 2], &[fwd(0), fwd(2)]));
    assert_eq!(found.path(1), path(&[0, 3], &[fwd(0)]));
    assert!(!found.truncated);
}

#[test]
fn neighbourhood_truncates_at_the_row_cap() {
    let t = graph(6, &[edge(0, 3), edge(0, 1), edge(3, 2), edge(1, 4), edge(4, 5)]);
    let found = t.neighbourhood(n(0), &directed(), &rows(3, 3));
    let found = found.expect("no limits to hit");
    let nodes: Vec<u32> = found.reached.iter().map(|r| r.node.index() as u32).collect();
    assert_eq!(nodes, vec![1, 3, 2]);
    assert!(found.truncated);
}

#[test]
fn via_and_except_via_choose_relation_kinds() {
    // 0→1 by kind 0; 0→2→1 by kind 1.
    let t = graph(3, &[edge_of(0, 1, DIRECTED), edge_of(0, 2, OTHER), edge_of(2, 1, OTHER)]);
    let via_other = Filter { via: Some(vec![OTHER]), ..directed() };
    let except_directed = Filter { except_via: vec![DIRECTED], ..directed() };
    for filter in [via_other, except_directed] {
        let found = shortest(&t, 0, 1, &filter).map(|p| nums(&p.nodes));
        assert_eq!(found, Some(vec![0, 2, 1]));
    }
}

#[test]
fn avoided_nodes_are_never_entered_except_as_endpoints() {
    let t = chain_with_shortcut();
    let avoid_shortcut = Filter { avoid: vec![n(4), n(3)], ..directed() };
    let found = shortest(&t, 0, 3, &avoid_shortcut).map(|p| nums(&p.nodes));
    assert_eq!(found, Some(vec![0, 1, 2, 3]));
    let through_avoided = t.shortest_path(n(0), n(3), Some(n(4)), &avoid_shortcut, &limits(5));
    let through_avoided = through_avoided.expect("no limits to hit").map(|p| nums(&p.nodes));
    assert_eq!(through_avoided, Some(vec![0, 4, 3]));
}

#[test]
fn avoided_kinds_are_never_entered_except_as_endpoints() {
    let edges = [edge(0, 1), edge(1, 2), edge(2, 3), edge(0, 4), edge(4, 3)];
    let t = Topology::from_edges(vec![0, 0, 0, 1, 1], vec![true], &edges);
    let filter = Filter { avoid_kinds: vec![1], ..directed() };
    assert_eq!(shortest(&t, 0, 3, &filter).map(|p| nums(&p.nodes)), Some(vec![0, 1, 2, 3]));
    let reached = t.neighbourhood(n(0), &filter, &limits(3));
    let reached: Vec<u32> = reached.expect("no limits to hit").reached.iter().map(|r| r.node.index() as u32).collect();
    assert_eq!(reached, vec![1, 2]);
}

#[test]
fn as_of_keeps_only_edges_valid_in_the_period() {
    // The shortcut 0→4→3 was valid only in days 10..=20.
    let edges =
        [edge(0, 1), edge(1, 2), edge(2, 3), (0, 4, DIRECTED, (10, 20), vec![]), (4, 3, DIRECTED, (10, 20), vec![])];
    let t = graph(5, &edges);
    let at = |a, b| Filter { as_of: Some((a, b)), ..directed() };
    assert_eq!(shortest(&t, 0, 3, &at(20, 30)).map(|p| p.len()), Some(2));
    assert_eq!(shortest(&t, 0, 3, &at(0, 10)).map(|p| p.len()), Some(2));
    assert_eq!(shortest(&t, 0, 3, &at(21, 30)).map(|p| p.len()), Some(3));
}

#[test]
fn cited_by_keeps_only_edges_the_source_cites() {
    let edges = [(0, 1, DIRECTED, OPEN, vec![0, 1]), (1, 2, DIRECTED, OPEN, vec![1]), (0, 2, DIRECTED, OPEN, vec![0])];
    let t = graph(3, &edges);
    let cited = |s| Filter { cited_by: Some(s), ..directed() };
    assert_eq!(shortest(&t, 0, 2, &cited(1)).map(|p| nums(&p.nodes)), Some(vec![0, 1, 2]));
    assert_eq!(shortest(&t, 0, 2, &cited(0)).map(|p| nums(&p.nodes)), Some(vec![0, 2]));
    assert_eq!(shortest(&t, 0, 2, &cited(2)), None);
}

/// A complete directed graph on 40 nodes, plus node 40 reachable only by 0→40. Simple
/// paths 0→40 longer than one hop cannot exist, but distance pruning cannot see that (it
/// ignores simplicity), so enumerating them up to 12 hops never ends on its own.
fn runaway() -> Topology {
    let mut edges: Vec<TestEdge> =
        (0..40).flat_map(|a| (0..40).filter(move |&b| b != a).map(move |b| edge(a, b))).collect();
    edges.push(edge(0, 40));
    graph(41, &edges)
}

/// Runs a runaway search on another thread, so a search that ignores its limits fails the
/// test instead of hanging it. The flag is leaked to outlive that thread.
fn runaway_search(limits: impl FnOnce(&'static AtomicBool) -> Limits<'static>) -> Result<Found<Path>, Stop> {
    let cancel: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let limits = limits(cancel);
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let found = runaway().simple_paths(n(0), n(40), None, &directed(), &limits);
        done.send(found).expect("the test waits for the result");
    });
    (result.recv_timeout(Duration::from_secs(30))).expect("the search ignored its limits")
}

#[test]
fn runaway_search_stops_at_the_deadline() {
    let found =
        runaway_search(|_| Limits { deadline: Some(Instant::now() + Duration::from_millis(50)), ..rows(12, 1000) });
    assert_eq!(found, Err(Stop::TimedOut));
}

#[test]
fn runaway_search_stops_when_cancelled() {
    let found = runaway_search(|cancel| {
        cancel.store(true, Ordering::Relaxed);
        Limits { cancel: Some(cancel), ..rows(12, 1000) }
    });
    assert_eq!(found, Err(Stop::Cancelled));
}

#[test]
fn runaway_search_notices_cancellation_while_running() {
    let found = runaway_search(|cancel| {
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(20));
            cancel.store(true, Ordering::Relaxed);
        });
        Limits { cancel: Some(cancel), ..rows(12, 1000) }
    });
    assert_eq!(found, Err(Stop::Cancelled));
}
