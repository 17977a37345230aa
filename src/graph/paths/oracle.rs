//! A brute-force oracle for the path tests: every simple path by plain depth-first search
//! over the whole edge list, with the filter checked edge by edge. Paths are routes: of
//! parallel relations (same ends and kind) only the first is walked, and it may be walked
//! when any of them passes the filter. Deliberately shares no
//! code with the engine (no CSR walks, no pruning, no compiled filter), so that the two can
//! disagree.

use std::collections::BTreeMap;

use super::{Filter, Hop, Path};
use crate::graph::topology::{Day, Topology};
use crate::graph::{EntityRef, RelationRef};

pub(super) struct Oracle<'a> {
    topo: &'a Topology,
    filter: &'a Filter,
    /// (from, to) of every edge, by edge number.
    ends: Vec<(EntityRef, EntityRef)>,
    /// Each edge's route representative: the first edge with the same ends and kind (ends
    /// either way round for an undirected kind), found by comparing every pair.
    rep: Vec<RelationRef>,
}

impl<'a> Oracle<'a> {
    pub(super) fn new(topo: &'a Topology, filter: &'a Filter) -> Oracle<'a> {
        let mut ends = vec![(EntityRef::new(0), EntityRef::new(0)); topo.edge_rel.len()];
        for from in (0..topo.node_count() as u32).map(EntityRef::new) {
            for &(to, edge) in topo.out(from) {
                ends[edge.index()] = (from, to);
            }
        }
        let same_route = |a: usize, b: usize| {
            let rel = topo.edge_rel[a];
            let directed = topo.rel_directed.get(usize::from(rel)).copied().unwrap_or(true);
            let (ea, eb) = (ends[a], ends[b]);
            rel == topo.edge_rel[b] && (ea == eb || (!directed && ea == (eb.1, eb.0)))
        };
        let rep = (0..ends.len())
            .map(|e| (0..=e).find(|&f| same_route(f, e)).expect("an edge is its own route") as u32)
            .map(RelationRef::new)
            .collect();
        Oracle { topo, filter, ends, rep }
    }

    /// Whether a route may be walked under the filter: some relation it stands for passes.
    fn route_allowed(&self, rep: RelationRef) -> bool {
        self.edges().any(|e| self.rep[e.index()] == rep && self.edge_allowed(e))
    }

    /// Every edge, in order.
    fn edges(&self) -> impl Iterator<Item = RelationRef> + use<> {
        (0..self.ends.len() as u32).map(RelationRef::new)
    }

    /// The filter's verdict on one edge, ignoring direction.
    pub(super) fn edge_allowed(&self, edge: RelationRef) -> bool {
        let rel = self.topo.edge_rel[edge.index()];
        let f = self.filter;
        let (start, end) = self.topo.valid(edge);
        f.via.as_ref().is_none_or(|v| v.contains(&rel))
            && !f.except_via.contains(&rel)
            && f.as_of.is_none_or(|(a, b)| start <= b && end >= a)
            && !(f.as_of.is_some() && f.dated_only && (start, end) == (Day::MIN, Day::MAX))
            && f.cited_by.is_none_or(|s| self.topo.cited_by(edge, s))
            && f.cited_at.as_ref().is_none_or(|edges| edges.contains(&edge))
    }

    /// Whether `hop` may be walked, and from which node to which. Only a route's
    /// representative is ever walked; it may be when any relation of the route passes.
    pub(super) fn walk(&self, hop: Hop) -> Option<(EntityRef, EntityRef)> {
        let (from, to) = self.ends[hop.edge.index()];
        let rel = usize::from(self.topo.edge_rel[hop.edge.index()]);
        let against_ok = !self.filter.directed || !self.topo.rel_directed[rel];
        let ok = from != to
            && self.rep[hop.edge.index()] == hop.edge
            && self.route_allowed(hop.edge)
            && (hop.forward || against_ok);
        ok.then_some(if hop.forward { (from, to) } else { (to, from) })
    }

    /// Whether a path may pass through `node`, given the search's endpoints.
    pub(super) fn node_allowed(&self, node: EntityRef, exempt: &[EntityRef]) -> bool {
        exempt.contains(&node)
            || (!self.filter.avoid.contains(&node)
                && !(self.filter.avoid_kinds).contains(&self.topo.node_kind[node.index()]))
    }

    /// Every simple path starting at `from` (the zero-hop one included) of at most
    /// `max_hops` hops whose nodes are all allowed.
    pub(super) fn all_from(&self, from: EntityRef, exempt: &[EntityRef], max_hops: usize) -> Vec<Path> {
        let mut out = Vec::new();
        let start = Path { nodes: vec![from], hops: vec![] };
        self.extend(start, exempt, max_hops, &mut out);
        out
    }

    fn extend(&self, path: Path, exempt: &[EntityRef], max_hops: usize, out: &mut Vec<Path>) {
        if path.hops.len() < max_hops {
            let at = *path.nodes.last().expect("paths are never empty");
            for edge in self.edges() {
                for forward in [true, false] {
                    let hop = Hop { edge, forward };
                    let Some((a, b)) = self.walk(hop) else {
                        continue;
                    };
                    if a == at && !path.nodes.contains(&b) && self.node_allowed(b, exempt) {
                        let mut longer = path.clone();
                        longer.nodes.push(b);
                        longer.hops.push(hop);
                        self.extend(longer, exempt, max_hops, out);
                    }
                }
            }
        }
        out.push(path);
    }

    /// Every simple path from `from` to `to` within `max_hops` (visiting `through`, when
    /// given), sorted shortest first, then by (nodes, hops).
    pub(super) fn paths(
        &self,
        from: EntityRef,
        to: EntityRef,
        through: Option<EntityRef>,
        max_hops: usize,
    ) -> Vec<Path> {
        let exempt: Vec<EntityRef> = [from, to].into_iter().chain(through).collect();
        let mut found: Vec<Path> = (self.all_from(from, &exempt, max_hops).into_iter())
            .filter(|p| p.nodes.last() == Some(&to))
            .filter(|p| through.is_none_or(|x| p.nodes.contains(&x)))
            .collect();
        found.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        found
    }

    /// Hop distance from `from` of every node reachable within `max_hops`, `from` excluded.
    pub(super) fn distances(&self, from: EntityRef, max_hops: usize) -> BTreeMap<EntityRef, usize> {
        let mut dist = BTreeMap::new();
        for path in self.all_from(from, &[from], max_hops) {
            let end = *path.nodes.last().expect("paths are never empty");
            if end != from {
                let d = dist.entry(end).or_insert(usize::MAX);
                *d = (*d).min(path.len());
            }
        }
        dist
    }

    /// Asserts `path` is a real path from `from` to `to`: consecutive hops connect, every
    /// hop is walkable under the filter (direction, kinds, period, source), no node repeats,
    /// every node but the endpoints is allowed, and it is within `max_hops`.
    pub(super) fn assert_valid(
        &self,
        path: &Path,
        (from, to): (EntityRef, EntityRef),
        exempt: &[EntityRef],
        max_hops: usize,
    ) {
        assert_eq!(path.nodes.len(), path.hops.len() + 1, "{path:?}");
        assert_eq!(path.nodes.first(), Some(&from), "{path:?}");
        assert_eq!(path.nodes.last(), Some(&to), "{path:?}");
        assert!(path.len() <= max_hops, "{path:?} exceeds {max_hops} hops");
        for (i, &hop) in path.hops.iter().enumerate() {
            let walked = self.walk(hop);
            assert_eq!(walked, Some((path.nodes[i], path.nodes[i + 1])), "{path:?}");
            if let Some((a, b)) = self.filter.as_of {
                let valid = self.edges().filter(|&e| self.rep[e.index()] == hop.edge).any(|e| {
                    let (start, end) = self.topo.valid(e);
                    start <= b && end >= a
                });
                assert!(valid, "{path:?} uses a route with no relation valid in as_of");
            }
        }
        let mut sorted = path.nodes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), path.nodes.len(), "{path:?} is not simple");
        for &node in &path.nodes {
            assert!(self.node_allowed(node, exempt), "{path:?} enters {node:?}");
        }
    }
}
