//! Path algorithms over a [`Topology`]: shortest path (bidirectional BFS), all shortest
//! paths, bounded simple-path enumeration pruned by distance-to-target, and neighbourhoods.
//!
//! Filters (relation kinds, avoided nodes and kinds, direction, date, citing source) are
//! applied while expanding, never afterwards. Every search is bounded by a hop cap, a row
//! cap, a deadline and a cancellation flag, checked inside the expansion loops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::topology::{Day, Topology};

/// One traversed edge: `forward` when walked from its `from` end to its `to` end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hop {
    pub edge: u32,
    pub forward: bool,
}

/// A walk from `start` along `hops`; `nodes` lists every node visited, `start` first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    pub nodes: Vec<u32>,
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
    pub avoid: Vec<u32>,
    /// Never pass through nodes of these kinds (the endpoints are exempt).
    pub avoid_kinds: Vec<u16>,
    /// Only edges whose validity period overlaps this inclusive day range.
    pub as_of: Option<(Day, Day)>,
    /// Only edges cited by this source (index into `Topology::source_ids`).
    pub cited_by: Option<u16>,
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

/// A node reached from the start of a neighbourhood search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub node: u32,
    /// A shortest path from the start to `node` (a BFS tree path).
    pub path: Path,
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
    /// One shortest path from `from` to `to` (through `through`, when given), or None.
    pub fn shortest_path(
        &self,
        from: u32,
        to: u32,
        through: Option<u32>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Option<Path>, Stop> {
        let _ = (from, to, through, filter, limits);
        todo!("bidirectional BFS")
    }

    /// Every shortest path from `from` to `to` (through `through`, when given).
    pub fn all_shortest_paths(
        &self,
        from: u32,
        to: u32,
        through: Option<u32>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Found<Path>, Stop> {
        let _ = (from, to, through, filter, limits);
        todo!("layered enumeration")
    }

    /// Every simple path from `from` to `to` of at most `limits.max_hops` hops (through
    /// `through`, when given), shortest first.
    pub fn simple_paths(
        &self,
        from: u32,
        to: u32,
        through: Option<u32>,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Found<Path>, Stop> {
        let _ = (from, to, through, filter, limits);
        todo!("bounded DFS pruned by distance to target")
    }

    /// Every node within `limits.max_hops` of `from`, nearest first, each with a shortest path.
    pub fn neighbourhood(
        &self,
        from: u32,
        filter: &Filter,
        limits: &Limits,
    ) -> Result<Found<Reached>, Stop> {
        let _ = (from, filter, limits);
        todo!("BFS")
    }
}
