//! The graph's one structure: every relation's ends as a column, CSR adjacency in both
//! directions, each edge's relation kind, validity period and citing sources, and each
//! node's kind. It answers `ends`, `incident` and the counts for [`KnowledgeGraph`], the
//! path searches run on it, and petgraph's algorithms run on it through the `visit`
//! traits (`visit.rs`).
//!
//! Built once from the relation ends the tables hand over. Facts most bulk imports lack
//! (validity periods, citing sources) take no memory until some edge has them. Nodes and
//! edges are [`EntityRef`]s and [`RelationRef`]s, numbered as the tables number their
//! records, so results map straight back to entities and relations. Knows nothing of
//! names or text.
//!
//! [`KnowledgeGraph`]: super::KnowledgeGraph

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{EntityRef, RelationRef};
use crate::model::{PartialDate, Schema};
use crate::store::{Relations, prefetch};

/// One adjacency row item: the node at the other end, and the edge.
pub type Step = (EntityRef, RelationRef);

/// A day number, for comparing validity periods: year * 372 + (month - 1) * 31 + (day - 1).
/// Not a calendar count, but monotone, which is all the comparisons need.
pub type Day = i32;

pub fn day(ymd: (u16, u8, u8)) -> Day {
    i32::from(ymd.0) * 372 + (i32::from(ymd.1) - 1) * 31 + (i32::from(ymd.2) - 1)
}

/// The period a partial date covers, as inclusive day numbers.
pub fn period(date: PartialDate) -> (Day, Day) {
    (day(date.first_day()), day(date.last_day()))
}

/// Adjacency and per-edge facts, in flat arrays.
#[derive(Debug, Clone, Default)]
pub struct Topology {
    /// (from, to) of each edge, by edge number.
    ends: Vec<(EntityRef, EntityRef)>,
    /// `out_start[n]..out_start[n + 1]` indexes `out_edges` for node `n`.
    out_start: Vec<u32>,
    /// (neighbour, edge) of each outgoing edge, grouped by source node, in edge order.
    out_edges: Vec<Step>,
    in_start: Vec<u32>,
    /// (neighbour, edge) of each incoming edge, grouped by target node, in edge order.
    in_edges: Vec<Step>,
    /// Kind of each node, as an index into `Schema::kinds`.
    pub node_kind: Vec<u16>,
    /// Relation kind of each edge, as an index into `Schema::relations`.
    pub edge_rel: Vec<u16>,
    /// Whether each relation kind is directed (undirected ones are always traversable both ways).
    pub rel_directed: Vec<bool>,
    /// Inclusive validity period of each edge; empty when no edge is dated (all are open).
    edge_valid: Vec<(Day, Day)>,
    /// `cite_start[e]..cite_start[e + 1]` indexes `cites` for edge `e`; empty when nothing
    /// cites any source (bulk imports).
    cite_start: Vec<u32>,
    /// Sources citing each edge, as indexes into `source_ids`, sorted, grouped by edge.
    cites: Vec<u16>,
    pub source_ids: Vec<String>,
    /// Relations with the same ends and kind as an earlier one (see [`Routes`]), found
    /// when a search first needs them, so that loading a graph never waits for it.
    routes: OnceLock<Routes>,
}

/// Parallel relations: those with the same ends and relation kind (for an undirected kind,
/// the same pair of ends either way round). A path is a route through entities and
/// relation kinds, so searches walk each such group once, by its first relation (the
/// group's *representative*), and the other members are *shadowed*. A hop then stands
/// for every member that passes the search's filter. Empty (no memory) when no two
/// relations are parallel, as in most bulk imports.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// One bit per edge: a member of a group that is not its representative.
    shadowed: Vec<u64>,
    /// Representative → every member, itself first, in edge order.
    members: HashMap<RelationRef, Vec<RelationRef>>,
}

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

impl Routes {
    /// Whether a search skips this edge: it is parallel to an earlier one, which stands
    /// for both.
    #[inline]
    pub fn shadowed(&self, edge: RelationRef) -> bool {
        !self.shadowed.is_empty() && bit(&self.shadowed, edge.index())
    }

    /// Every relation a route's representative stands for (itself first), or None when it
    /// stands for itself alone.
    #[inline]
    pub fn parallel(&self, edge: RelationRef) -> Option<&[RelationRef]> {
        if self.members.is_empty() {
            return None;
        }
        self.members.get(&edge).map(Vec::as_slice)
    }

    /// Groups parallel edges, looking at each node's rows: a directed edge is grouped at
    /// its `from` end, an undirected one at its lower-numbered end (from both rows, since
    /// the pair may be stored either way round).
    ///
    /// Most rows have no neighbour twice, and finding that reads only the rows themselves,
    /// in order: an edge's kind (a fetch from a random place on a large graph) is read only
    /// in rows that do.
    fn find(topo: &Topology) -> Routes {
        let n = topo.node_count() as u32;
        // The two halves of the nodes on two threads; their groups are disjoint.
        let (low, high) = std::thread::scope(|scope| {
            let high = scope.spawn(|| Routes::find_in(topo, n / 2..n));
            (Routes::find_in(topo, 0..n / 2), high.join().expect("finding routes does not panic"))
        });
        let mut routes = Routes::default();
        for (rep, members) in low.into_iter().chain(high) {
            if routes.shadowed.is_empty() {
                routes.shadowed = vec![0; topo.edge_rel.len().div_ceil(64)];
            }
            for &e in &members[1..] {
                routes.shadowed[e.index() / 64] |= 1 << (e.index() % 64);
            }
            routes.members.insert(rep, members);
        }
        routes
    }

    /// The groups found at the nodes in `nodes`: (representative, every member).
    fn find_in(topo: &Topology, nodes: std::ops::Range<u32>) -> Vec<(RelationRef, Vec<RelationRef>)> {
        let mut found = Vec::new();
        let any_undirected = topo.rel_directed.iter().any(|d| !d);
        let mut near: Vec<EntityRef> = Vec::new();
        let mut here: Vec<(EntityRef, u16, RelationRef)> = Vec::new();
        for node in nodes.map(EntityRef::new) {
            let (out, inc) = (topo.out(node), topo.inc(node));
            let later_in = |&&(nb, _): &&Step| any_undirected && nb > node;
            if out.len() + inc.iter().filter(later_in).count() < 2 {
                continue;
            }
            near.clear();
            near.extend(out.iter().map(|&(nb, _)| nb));
            near.extend(inc.iter().filter(later_in).map(|&(nb, _)| nb));
            near.sort_unstable();
            if near.windows(2).all(|w| w[0] != w[1]) {
                continue;
            }
            here.clear();
            let directed = |e: RelationRef| topo.rel_directed.get(usize::from(topo.rel(e))).copied().unwrap_or(true);
            for &(nb, e) in out {
                if directed(e) || node <= nb {
                    here.push((nb, topo.rel(e), e));
                }
            }
            for &(nb, e) in inc {
                if !directed(e) && node < nb {
                    here.push((nb, topo.rel(e), e));
                }
            }
            here.sort_unstable();
            for run in here.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).filter(|run| run.len() > 1) {
                found.push((run[0].2, run.iter().map(|m| m.2).collect()));
            }
        }
        found
    }
}

impl Topology {
    /// Builds the structure from the relations' ends (entity numbers, by relation number),
    /// their kinds and their other facts.
    pub fn build(
        ends: Vec<(u32, u32)>,
        node_kind: Vec<u16>,
        edge_rel: Vec<u16>,
        relations: &Relations,
        schema: &Schema,
        source_ids: &[String],
    ) -> Topology {
        let src_ix: HashMap<&str, u16> = source_ids.iter().enumerate().map(|(i, s)| (s.as_str(), i as u16)).collect();
        let m = ends.len();
        let mut edge_valid = Vec::new();
        let (mut cite_start, mut cites) = (Vec::new(), Vec::new());
        for (e, more) in relations.with_more() {
            let e = e as usize;
            let valid = validity(more.since, more.until, more.date);
            if valid != (Day::MIN, Day::MAX) && edge_valid.is_empty() {
                edge_valid = vec![(Day::MIN, Day::MAX); m];
            }
            if let Some(slot) = edge_valid.get_mut(e) {
                *slot = valid;
            }
            let mut srcs: Vec<u16> = more.evidence.iter().filter_map(|ev| src_ix.get(&*ev.source).copied()).collect();
            if srcs.is_empty() {
                continue;
            }
            srcs.sort_unstable();
            srcs.dedup();
            // Runs are written in edge order: every edge up to this one starts here.
            while cite_start.len() <= e {
                cite_start.push(cites.len() as u32);
            }
            cites.extend(srcs);
        }
        if !cite_start.is_empty() {
            while cite_start.len() <= m {
                cite_start.push(cites.len() as u32);
            }
        }
        let n = node_kind.len();
        // The same numbers, typed; collected in place (same layout), so nothing is copied.
        let ends: Vec<(EntityRef, EntityRef)> =
            ends.into_iter().map(|(a, b)| (EntityRef::new(a), EntityRef::new(b))).collect();
        // The two directions are independent: one more thread.
        let ((out_start, out_edges), (in_start, in_edges)) = std::thread::scope(|scope| {
            let incoming = scope.spawn(|| csr(n, &ends, false));
            (csr(n, &ends, true), incoming.join().expect("building rows does not panic"))
        });
        Topology {
            ends,
            out_start,
            out_edges,
            in_start,
            in_edges,
            node_kind,
            edge_rel,
            rel_directed: schema.relations.iter().map(|r| r.directed).collect(),
            edge_valid,
            cite_start,
            cites,
            source_ids: source_ids.to_vec(),
            routes: OnceLock::new(),
        }
    }

    /// The groups of parallel relations, found on first use.
    pub fn routes(&self) -> &Routes {
        self.routes.get_or_init(|| Routes::find(self))
    }

    /// Every relation a route's representative stands for (itself first), or None when it
    /// stands for itself alone.
    pub fn parallel(&self, edge: RelationRef) -> Option<&[RelationRef]> {
        self.routes().parallel(edge)
    }

    pub fn node_count(&self) -> usize {
        self.node_kind.len()
    }

    pub fn edge_count(&self) -> usize {
        self.ends.len()
    }

    /// The two ends of an edge, as stored (from, to).
    #[inline]
    pub fn ends(&self, edge: RelationRef) -> (EntityRef, EntityRef) {
        self.ends[edge.index()]
    }

    /// The relation kind of an edge, as an index into `Schema::relations`.
    #[inline]
    pub fn rel(&self, edge: RelationRef) -> u16 {
        self.edge_rel[edge.index()]
    }

    /// The edges leaving `node`, with the node each leads to, in edge order.
    #[inline]
    pub fn out(&self, node: EntityRef) -> &[Step] {
        let n = node.index();
        &self.out_edges[self.out_start[n] as usize..self.out_start[n + 1] as usize]
    }

    /// The edges arriving at `node`, with the node each comes from, in edge order.
    #[inline]
    pub fn inc(&self, node: EntityRef) -> &[Step] {
        let n = node.index();
        &self.in_edges[self.in_start[n] as usize..self.in_start[n + 1] as usize]
    }

    /// Edges touching `node`: those leaving it, then those arriving, each latest first
    /// (the order `show` and `why` list relations in). A self-loop is listed twice, once
    /// each way.
    pub fn incident(&self, node: EntityRef) -> impl Iterator<Item = RelationRef> + '_ {
        self.out(node).iter().rev().chain(self.inc(node).iter().rev()).map(|&(_, e)| e)
    }

    /// The inclusive validity period of an edge.
    #[inline]
    pub fn valid(&self, edge: RelationRef) -> (Day, Day) {
        self.edge_valid.get(edge.index()).copied().unwrap_or((Day::MIN, Day::MAX))
    }

    /// Whether the source (an index into `source_ids`) cites the edge.
    #[inline]
    pub fn cited_by(&self, edge: RelationRef, source: u16) -> bool {
        let e = edge.index();
        match (self.cite_start.get(e), self.cite_start.get(e + 1)) {
            (Some(&a), Some(&b)) => self.cites[a as usize..b as usize].contains(&source),
            _ => false,
        }
    }
}

/// One edge for [`Topology::from_edges`]: from, to, relation kind, validity, sources.
#[cfg(test)]
pub(crate) type TestEdge = (u32, u32, u16, (Day, Day), Vec<u16>);

#[cfg(test)]
impl Topology {
    /// Builds a topology straight from edge lists, so path tests need no schema or dataset.
    /// Edges are numbered in the order given.
    pub(crate) fn from_edges(node_kind: Vec<u16>, rel_directed: Vec<bool>, edges: &[TestEdge]) -> Topology {
        let n = node_kind.len();
        let ends: Vec<(EntityRef, EntityRef)> =
            edges.iter().map(|e| (EntityRef::new(e.0), EntityRef::new(e.1))).collect();
        let sources = edges.iter().flat_map(|e| e.4.iter().map(|&s| usize::from(s) + 1));
        let source_count = sources.max().unwrap_or(0);
        let (out_start, out_edges) = csr(n, &ends, true);
        let (in_start, in_edges) = csr(n, &ends, false);
        let mut cite_start = vec![0u32];
        let mut cites = Vec::new();
        for e in edges {
            cites.extend(&e.4);
            cite_start.push(cites.len() as u32);
        }
        Topology {
            out_start,
            out_edges,
            in_start,
            in_edges,
            ends,
            node_kind,
            edge_rel: edges.iter().map(|e| e.2).collect(),
            rel_directed,
            edge_valid: edges.iter().map(|e| e.3).collect(),
            cite_start,
            cites,
            source_ids: (0..source_count).map(|i| format!("s{i}")).collect(),
            routes: OnceLock::new(),
        }
    }
}

/// An edge's validity: from `since` (or the event `date`) to `until`; undated ends are open.
fn validity(since: Option<PartialDate>, until: Option<PartialDate>, date: Option<PartialDate>) -> (Day, Day) {
    let start = since.or(date).map_or(Day::MIN, |d| period(d).0);
    let end = until.map_or(Day::MAX, |d| period(d).1);
    (start, end)
}

/// Compressed sparse rows of the edges `ends` (numbered in order), by their `from` end
/// when `outgoing`, else by their `to` end: each row lists (neighbour, edge).
fn csr(n: usize, ends: &[(EntityRef, EntityRef)], outgoing: bool) -> (Vec<u32>, Vec<Step>) {
    // (row, neighbour) of an edge.
    let row = |&(s, d): &(EntityRef, EntityRef)| if outgoing { (s.index(), d) } else { (d.index(), s) };
    let mut start = vec![0u32; n + 1];
    for e in ends {
        start[row(e).0 + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut items = vec![(EntityRef::default(), RelationRef::default()); ends.len()];
    // Rows are written in edge order, at random places: the places a few edges on are
    // fetched ahead (the fill count further on, the item nearer), so the writes do not wait.
    const AHEAD: usize = 16;
    for (e, end) in ends.iter().enumerate() {
        if let Some(far) = ends.get(e + 2 * AHEAD) {
            prefetch(&fill[row(far).0]);
        }
        if let Some(near) = ends.get(e + AHEAD)
            && let Some(place) = items.get(fill[row(near).0] as usize)
        {
            prefetch(place);
        }
        let (r, nb) = row(end);
        items[fill[r] as usize] = (nb, RelationRef::new(e as u32));
        fill[r] += 1;
    }
    (start, items)
}
