//! The compiled form of a [`Filter`]: which edges and nodes a search may use, and the one
//! place that walks a node's adjacency under those rules. Also the work budget that polls
//! the deadline and the cancellation flag.
//!
//! Knows nothing of paths or orderings; every search asks [`Rules::steps`] for its moves.

use super::{Filter, Hop, Limits, Stop};
use crate::graph::topology::{Day, Routes, Step, Topology};
use crate::graph::{EntityRef, RelationRef};

/// Which way a search walks. `Forward` follows paths from their start; `Reverse` walks
/// them backwards from their end, which is how distances *to* a node are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    Forward,
    Reverse,
}

/// Per relation kind: its edges may be walked from their `from` end.
const ALONG: u8 = 1;
/// Per relation kind: its edges may also be walked from their `to` end.
const AGAINST: u8 = 2;

/// A [`Filter`] turned into lookups that cost a few instructions per edge.
pub(super) struct Rules<'t> {
    topo: &'t Topology,
    /// The topology's groups of parallel relations, looked up once per search.
    routes: &'t Routes,
    /// ALONG/AGAINST bits per relation kind, so one load answers via, except_via and
    /// direction together.
    rel_bits: Vec<u8>,
    /// Bits for relation kinds past the table (unknown to the schema).
    other_bits: u8,
    as_of: Option<(Day, Day)>,
    dated_only: bool,
    cited_by: Option<u16>,
    /// Sorted, for binary search.
    cited_at: Option<Vec<RelationRef>>,
    /// Sorted, for binary search: avoid lists can be long.
    avoid: Vec<EntityRef>,
    avoid_kinds: Vec<u16>,
    /// Search endpoints, which avoidance never applies to.
    ends: Vec<EntityRef>,
    /// False when no node is ever refused, so the node test can be skipped.
    checks_nodes: bool,
    /// How to decide on edges walked from their `from` end, and from their `to` end.
    along: Pass,
    against: Pass,
}

/// How one pass over a node's edges decides which it may use. Most filters treat every
/// edge alike (no kind, date or source conditions; direction settled by the kinds alone),
/// and then a pass need not read the per-edge arrays at all: on a large graph each such
/// read is a cache miss, the main cost of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    All,
    Nothing,
    Each,
}

impl Pass {
    /// The pass for `bit`, given every kind's bits and whether edges carry their own
    /// conditions (dates, sources).
    fn of(kind_bits: &[u8], bit: u8, per_edge: bool) -> Pass {
        if kind_bits.iter().all(|b| b & bit == 0) {
            Pass::Nothing
        } else if !per_edge && kind_bits.iter().all(|b| b & bit != 0) {
            Pass::All
        } else {
            Pass::Each
        }
    }
}

impl<'t> Rules<'t> {
    pub(super) fn new(topo: &'t Topology, filter: &Filter, ends: &[EntityRef]) -> Rules<'t> {
        let listed = filter.via.iter().flatten().chain(&filter.except_via);
        let kinds = listed.map(|&k| usize::from(k) + 1).chain([topo.rel_directed.len()]).max().unwrap_or(0);
        let bits_of = |kind: usize| {
            let allowed = filter.via.as_ref().is_none_or(|v| v.contains(&(kind as u16)))
                && !filter.except_via.contains(&(kind as u16));
            // A kind the schema does not know is treated as directed: the safe reading.
            let directed = topo.rel_directed.get(kind).copied().unwrap_or(true);
            match (allowed, filter.directed && directed) {
                (false, _) => 0,
                (true, true) => ALONG,
                (true, false) => ALONG | AGAINST,
            }
        };
        let rel_bits: Vec<u8> = (0..kinds).map(bits_of).collect();
        // Past the table no kind is listed in via or except_via, so it is allowed iff
        // there is no via list.
        let other_bits = match (filter.via.is_none(), filter.directed) {
            (false, _) => 0,
            (true, true) => ALONG,
            (true, false) => ALONG | AGAINST,
        };
        let mut avoid = filter.avoid.clone();
        avoid.sort_unstable();
        let all_bits: Vec<u8> = rel_bits.iter().copied().chain([other_bits]).collect();
        let per_edge = filter.as_of.is_some() || filter.cited_by.is_some() || filter.cited_at.is_some();
        Rules {
            along: Pass::of(&all_bits, ALONG, per_edge),
            against: Pass::of(&all_bits, AGAINST, per_edge),
            routes: topo.routes(),
            topo,
            rel_bits,
            other_bits,
            as_of: filter.as_of,
            dated_only: filter.dated_only,
            cited_by: filter.cited_by,
            cited_at: filter.cited_at.clone(),
            checks_nodes: !avoid.is_empty() || !filter.avoid_kinds.is_empty(),
            avoid,
            avoid_kinds: filter.avoid_kinds.clone(),
            ends: ends.to_vec(),
        }
    }

    /// ALONG/AGAINST bits for one edge, or 0 when the filter excludes it.
    #[inline]
    fn edge_bits(&self, edge: RelationRef) -> u8 {
        let rel = usize::from(self.topo.rel(edge));
        let bits = self.rel_bits.get(rel).copied().unwrap_or(self.other_bits);
        if bits == 0 {
            return 0;
        }
        // A route's representative passes when any relation it stands for does.
        let holds = match self.routes.parallel(edge) {
            None => self.conditions_hold(edge),
            Some(members) => members.iter().any(|&m| self.conditions_hold(m)),
        };
        if holds { bits } else { 0 }
    }

    /// Whether one edge meets the filter's per-edge conditions (period, citing source).
    #[inline]
    pub(super) fn conditions_hold(&self, edge: RelationRef) -> bool {
        if let Some((a, b)) = self.as_of {
            let (start, end) = self.topo.valid(edge);
            if start > b || end < a || (self.dated_only && (start, end) == (Day::MIN, Day::MAX)) {
                return false;
            }
        }
        self.cited_by.is_none_or(|source| self.topo.cited_by(edge, source))
            && self.cited_at.as_ref().is_none_or(|edges| edges.binary_search(&edge).is_ok())
    }

    /// Whether a search may put `node` on a path.
    #[inline]
    fn enters(&self, node: EntityRef) -> bool {
        if !self.checks_nodes || self.ends.contains(&node) {
            return true;
        }
        self.avoid.binary_search(&node).is_err() && !self.avoid_kinds.contains(&self.topo.node_kind[node.index()])
    }

    /// Calls `visit(neighbour, hop)` for every move a search may make from `node`, and
    /// returns how many edges it looked at (for the work budget).
    ///
    /// Forward, the moves leave `node`; in reverse they arrive at it, so `neighbour` is the
    /// node before `node` on a path and `hop` is the hop as that path walks it. Out-edges
    /// come before in-edges, each in stored order, so every search is deterministic.
    #[inline]
    pub(super) fn steps(&self, node: EntityRef, dir: Dir, mut visit: impl FnMut(EntityRef, Hop)) -> usize {
        let (along, against) = match dir {
            Dir::Forward => (self.topo.out(node), self.topo.inc(node)),
            Dir::Reverse => (self.topo.inc(node), self.topo.out(node)),
        };
        self.scan(node, along, self.along, ALONG, &mut visit)
            + self.scan(node, against, self.against, AGAINST, &mut visit)
    }

    /// One pass of [`Rules::steps`]: `edges` walked the way `bit` says. Returns how many
    /// edges it looked at.
    #[inline]
    fn scan(
        &self,
        node: EntityRef,
        edges: &[Step],
        pass: Pass,
        bit: u8,
        visit: &mut impl FnMut(EntityRef, Hop),
    ) -> usize {
        let forward = bit == ALONG;
        // Self-loops are skipped: they can never be part of a simple path. So are shadowed
        // edges: their route is walked by its representative.
        match pass {
            Pass::Nothing => return 0,
            Pass::All => {
                for &(next, edge) in edges {
                    if next != node && !self.routes.shadowed(edge) && self.enters(next) {
                        visit(next, Hop { edge, forward });
                    }
                }
            }
            Pass::Each => {
                for &(next, edge) in edges {
                    if next != node
                        && !self.routes.shadowed(edge)
                        && self.edge_bits(edge) & bit != 0
                        && self.enters(next)
                    {
                        visit(next, Hop { edge, forward });
                    }
                }
            }
        }
        edges.len()
    }
}

/// How much work may pass between two looks at the clock and the cancellation flag. One
/// unit is about one edge scanned, a few nanoseconds, so checks land every few
/// microseconds while their cost (one `Instant::now`) stays well under 1%.
const CHECK_EVERY: usize = 1024;

/// Counts work and polls [`Limits::check`] every [`CHECK_EVERY`] units.
pub(super) struct Budget<'l> {
    limits: Limits<'l>,
    work: usize,
}

impl<'l> Budget<'l> {
    /// Checks the limits once up front, so even a search that does no work honours them.
    pub(super) fn start(limits: &Limits<'l>) -> Result<Budget<'l>, Stop> {
        limits.check()?;
        Ok(Budget { limits: *limits, work: 0 })
    }

    /// Records `cost` units of work (plus one, so zero-cost steps still count).
    #[inline]
    pub(super) fn spend(&mut self, cost: usize) -> Result<(), Stop> {
        self.work += cost + 1;
        if self.work < CHECK_EVERY {
            return Ok(());
        }
        self.work = 0;
        self.limits.check()
    }
}
