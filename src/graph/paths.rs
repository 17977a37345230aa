//! Path algorithms over a [`Topology`]: shortest path (bidirectional BFS), all shortest
//! paths, bounded simple-path enumeration pruned by distance-to-target, and neighbourhoods.
//!
//! Filters (relation kinds, avoided nodes and kinds, direction, date, citing source) are
//! applied while expanding, never afterwards. Every search is bounded by a hop cap, a row
//! cap, a deadline and a cancellation flag, checked inside the expansion loops.
//!
//! Results are deterministic: lists of paths are sorted by (nodes, hops) within each
//! length, and single paths come from searches that visit nodes in a fixed order. All
//! search state is sparse, so a query costs what it explores rather than the graph's size.
//!
//! The pieces, in `paths/`: `rules` compiles a [`Filter`] and polls the [`Limits`]; `bfs`
//! holds the breadth-first searches; `enumerate` is the ordered, pruned depth-first walk;
//! `search` combines them into the four searches.

mod bfs;
mod enumerate;
#[cfg(test)]
mod oracle;
#[cfg(test)]
mod proptests;
mod rules;
mod search;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use self::rules::{Budget, Rules};
use self::search::Rows;
use super::topology::{Day, Topology};
use super::{EntityRef, RelationRef};

/// One traversed edge: `forward` when walked from its `from` end to its `to` end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hop {
    pub edge: RelationRef,
    pub forward: bool,
}

/// A walk from `start` along `hops`; `nodes` lists every node visited, `start` first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    pub nodes: Vec<EntityRef>,
    pub hops: Vec<Hop>,
}

impl Path {
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }
}

/// Which edges and nodes a search may use.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Follow directed relations only from their `from` end to their `to` end.
    pub directed: bool,
    /// Only these relation kinds (indexes into the schema's relations), when set.
    pub via: Option<Vec<u16>>,
    /// Never these relation kinds.
    pub except_via: Vec<u16>,
    /// Never pass through these nodes (the endpoints of a search are exempt).
    pub avoid: Vec<EntityRef>,
    /// Never pass through nodes of these kinds (the endpoints are exempt).
    pub avoid_kinds: Vec<u16>,
    /// Only edges whose validity period overlaps this inclusive day range.
    pub as_of: Option<(Day, Day)>,
    /// With `as_of`: leave out edges with no date at all (which otherwise always hold).
    pub dated_only: bool,
    /// Only edges cited by this source (index into `Topology::source_ids`).
    pub cited_by: Option<u16>,
    /// Only these edges, sorted: those whose evidence cites one line of a source
    /// (`cited by "002:418"`; the topology keeps sources, not lines).
    pub cited_at: Option<Vec<RelationRef>>,
}

impl Filter {
    /// Whether the filter lets every edge and node through (no options given).
    pub fn is_open(&self) -> bool {
        !self.directed
            && self.via.is_none()
            && self.except_via.is_empty()
            && self.avoid.is_empty()
            && self.avoid_kinds.is_empty()
            && self.as_of.is_none()
            && !self.dated_only
            && self.cited_by.is_none()
            && self.cited_at.is_none()
    }
}

/// Bounds on a search.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a> {
    /// Longest path, in hops.
    pub max_hops: usize,
    /// Most rows returned; more sets `truncated`.
    pub max_rows: usize,
    pub deadline: Option<Instant>,
    pub cancel: Option<&'a AtomicBool>,
}

/// Why a search stopped before finishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    #[error("the search ran out of time")]
    TimedOut,
    #[error("the search was cancelled")]
    Cancelled,
}

/// Results with a flag saying the row cap cut them short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub items: Vec<T>,
    pub truncated: bool,
}

/// The nodes a neighbourhood search reached, by (distance, id), as its BFS tree: each
/// knows its tree parent, so the path to any of them is read off on demand rather than
/// built for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbourhood {
    pub from: EntityRef,
    pub reached: Vec<Reached>,
    /// Whether the row cap cut the list short.
    pub truncated: bool,
}

/// A node reached from the start of a neighbourhood search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub node: EntityRef,
    /// Hops from the start.
    pub dist: u32,
    /// Where the tree parent sits in [`Neighbourhood::reached`]; [`NO_PARENT`] when it is
    /// the start.
    parent: u32,
    /// The hop from the parent.
    hop: Hop,
}

/// The parent of the start's neighbours, which is the start itself.
const NO_PARENT: u32 = u32::MAX;

impl Neighbourhood {
    /// A shortest path from the start to the `i`-th node reached: its BFS tree path.
    pub fn path(&self, i: usize) -> Path {
        let dist = self.reached[i].dist as usize;
        let mut nodes = vec![self.from; dist + 1];
        let mut hops = vec![self.reached[i].hop; dist];
        let mut at = i;
        for k in (0..dist).rev() {
            let r = self.reached[at];
            (nodes[k + 1], hops[k]) = (r.node, r.hop);
            at = r.parent as usize;
        }
        Path { nodes, hops }
    }
}

impl Limits<'_> {
    /// Checks the deadline and the cancellation flag.
    pub fn check(&self) -> Result<(), Stop> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Stop::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Stop::TimedOut);
        }
        Ok(())
    }
}

impl Topology {
    /// The relations a hop along `edge` stands for under `filter`: the edge alone, or, for
    /// a route's representative, every parallel relation that meets the filter's period and
    /// source conditions (kinds and direction are the same for all of them), in edge order.
    pub fn route_members(&self, edge: RelationRef, filter: &Filter) -> Vec<RelationRef> {
        match self.parallel(edge) {
            None => vec![edge],
            Some(members) => {
                let rules = Rules::new(self, filter, &[]);
                members.iter().copied().filter(|&m| rules.conditions_hold(m)).collect()
            }
        }
    }

    /// One shortest path from `from` to `to` (through `through`, when given), or None.
    ///
    /// Without `through` this is a bidirectional BFS; with it, the first row of a
    /// shortest-first simple-path enumeration, since a shortest walk through a node need
    /// not be simple.
    pub fn shortest_path(
        &self,
        from: EntityRef,
        to: EntityRef,
        through: Option<EntityRef>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Option<Path>, Stop> {
        match self.plan(from, to, through, filter, limits)? {
            Plan::Done(path) => Ok(path),
            Plan::Search { rules, through: None, hops, mut budget } => {
                search::shortest(&rules, from, to, hops, &mut budget)
            }
            Plan::Search { rules, through, hops, mut budget } => {
                let rows = Rows { want: 1, shortest_only: true };
                let mut found = search::simple(&rules, from, to, through, hops, rows, &mut budget)?;
                Ok(found.pop())
            }
        }
    }

    /// Every shortest path from `from` to `to` (through `through`, when given), sorted by
    /// (nodes, hops).
    pub fn all_shortest_paths(
        &self,
        from: EntityRef,
        to: EntityRef,
        through: Option<EntityRef>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Found<Path>, Stop> {
        let want = limits.max_rows.saturating_add(1);
        let found = match self.plan(from, to, through, filter, limits)? {
            Plan::Done(path) => path.into_iter().collect(),
            Plan::Search { rules, through: None, hops, mut budget } => {
                search::all_shortest(&rules, from, to, hops, want, &mut budget)?
            }
            Plan::Search { rules, through, hops, mut budget } => {
                let rows = Rows { want, shortest_only: true };
                search::simple(&rules, from, to, through, hops, rows, &mut budget)?
            }
        };
        Ok(capped(found, limits.max_rows))
    }

    /// Every simple path from `from` to `to` of at most `limits.max_hops` hops (through
    /// `through`, when given), shortest first, then by (nodes, hops).
    pub fn simple_paths(
        &self,
        from: EntityRef,
        to: EntityRef,
        through: Option<EntityRef>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Found<Path>, Stop> {
        // One row past the cap tells whether the cap cut anything off.
        let rows = Rows { want: limits.max_rows.saturating_add(1), shortest_only: false };
        let found = match self.plan(from, to, through, filter, limits)? {
            Plan::Done(path) => path.into_iter().collect(),
            Plan::Search { rules, through, hops, mut budget } => {
                search::simple(&rules, from, to, through, hops, rows, &mut budget)?
            }
        };
        Ok(capped(found, limits.max_rows))
    }

    /// Every node within `limits.max_hops` of `from`, nearest first, each with a shortest path.
    ///
    /// Ordered by (distance, node id). Nodes the filter avoids are neither reported nor
    /// passed through: only `from` is an endpoint here.
    pub fn neighbourhood(&self, from: EntityRef, filter: &Filter, limits: &Limits) -> Result<Neighbourhood, Stop> {
        let mut budget = Budget::start(limits)?;
        let rules = Rules::new(self, filter, &[from]);
        let hops = self.hop_cap(limits.max_hops);
        bfs::neighbourhood(&rules, from, hops, limits.max_rows, &mut budget)
    }

    /// Settles what needs no search (a node to itself, a zero hop cap) and sets up the
    /// rest: the compiled filter, the work budget, and `through` dropped when it is an end
    /// (every path visits its ends, so it constrains nothing).
    fn plan<'l>(
        &self,
        from: EntityRef,
        to: EntityRef,
        through: Option<EntityRef>,
        filter: &Filter,
        limits: &Limits<'l>,
    ) -> Result<Plan<'_, 'l>, Stop> {
        let budget = Budget::start(limits)?;
        if from == to {
            // The only simple path from a node to itself is the zero-hop one.
            let zero = Path { nodes: vec![from], hops: Vec::new() };
            return Ok(Plan::Done(through.is_none_or(|x| x == from).then_some(zero)));
        }
        let hops = self.hop_cap(limits.max_hops);
        if hops == 0 {
            return Ok(Plan::Done(None));
        }
        let through = through.filter(|&x| x != from && x != to);
        let ends: Vec<EntityRef> = [from, to].into_iter().chain(through).collect();
        Ok(Plan::Search { rules: Rules::new(self, filter, &ends), through, hops, budget })
    }

    /// The hop cap, clamped to the longest possible simple path (which also keeps it in
    /// `u32`).
    fn hop_cap(&self, max_hops: usize) -> u32 {
        let longest = self.node_count().saturating_sub(1);
        u32::try_from(max_hops.min(longest)).unwrap_or(u32::MAX)
    }
}

/// A path search after the checks every search shares.
enum Plan<'t, 'l> {
    /// Answered without searching.
    Done(Option<Path>),
    /// `from != to`, `hops >= 1`, and `through` differs from both ends.
    Search { rules: Rules<'t>, through: Option<EntityRef>, hops: u32, budget: Budget<'l> },
}

/// Cuts `rows` to `max_rows`, saying whether anything was cut.
fn capped(mut rows: Vec<Path>, max_rows: usize) -> Found<Path> {
    let truncated = rows.len() > max_rows;
    rows.truncate(max_rows);
    Found { items: rows, truncated }
}
