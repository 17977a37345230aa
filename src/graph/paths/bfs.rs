//! Breadth-first searches: bounded distance maps (the pruning bounds of the enumerations),
//! the bidirectional search that meets in the middle, and neighbourhoods.
//!
//! All state is sparse (hash maps of the nodes reached), so a search costs what it
//! explores. Frontiers are processed in a fixed order, so results never vary between runs.

use std::collections::hash_map::Entry;

use super::rules::{Budget, Dir, Rules};
use super::{Hop, NO_PARENT, Neighbourhood, Path, Reached, Stop};
use crate::graph::{EntityRef, RelationRef};
use rustc_hash::{FxHashMap as FxMap, FxHashSet as FxSet};

/// Hop distances of the nodes a bounded BFS reached.
pub(super) type Dist = FxMap<EntityRef, u32>;

/// What a search knows of a node it reached: its distance from the search's root, the
/// neighbour it was reached from, and the hop between them (as a path from `from` to `to`
/// walks it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen {
    pub(super) dist: u32,
    pub(super) via: EntityRef,
    pub(super) hop: Hop,
}

/// Stands in for the hop into a search's root, which has none.
const NO_HOP: Hop = Hop { edge: RelationRef::new(u32::MAX), forward: true };

/// Distances from `root` (to `root`, in reverse) of every node within `max_depth` hops.
pub(super) fn distances(
    rules: &Rules,
    root: EntityRef,
    dir: Dir,
    max_depth: u32,
    budget: &mut Budget,
) -> Result<Dist, Stop> {
    let mut dist = Dist::default();
    dist.insert(root, 0);
    let mut frontier = vec![root];
    let mut next = Vec::new();
    for depth in 1..=max_depth {
        for &u in &frontier {
            let scanned = rules.steps(u, dir, |w, _| {
                if let Entry::Vacant(slot) = dist.entry(w) {
                    slot.insert(depth);
                    next.push(w);
                }
            });
            budget.spend(scanned)?;
        }
        if next.is_empty() {
            break;
        }
        std::mem::swap(&mut frontier, &mut next);
        next.clear();
    }
    Ok(dist)
}

/// One half of a bidirectional search.
pub(super) struct Side {
    pub(super) seen: FxMap<EntityRef, Seen>,
    /// The nodes at distance `depth`: the next level to expand.
    pub(super) frontier: Vec<EntityRef>,
    /// Levels completed.
    pub(super) depth: u32,
    dir: Dir,
}

impl Side {
    fn new(root: EntityRef, dir: Dir) -> Side {
        // Sized for a typical search half, so the map rarely rehashes while it grows.
        let mut seen = FxMap::with_capacity_and_hasher(1024, Default::default());
        seen.insert(root, Seen { dist: 0, via: root, hop: NO_HOP });
        Side { seen, frontier: vec![root], depth: 0, dir }
    }

    /// Expands one level. Returns the first node `other` already holds, if any; with
    /// `whole_level` the level is finished anyway, so both sides end up knowing every node
    /// at the meeting distance.
    fn expand(
        &mut self,
        rules: &Rules,
        other: &Side,
        whole_level: bool,
        budget: &mut Budget,
    ) -> Result<Option<EntityRef>, Stop> {
        let depth = self.depth + 1;
        let mut next = Vec::new();
        let mut met = None;
        for &u in &self.frontier {
            let seen = &mut self.seen;
            let scanned = rules.steps(u, self.dir, |w, hop| {
                if let Entry::Vacant(slot) = seen.entry(w) {
                    slot.insert(Seen { dist: depth, via: u, hop });
                    next.push(w);
                    if met.is_none() && other.seen.contains_key(&w) {
                        met = Some(w);
                    }
                }
            });
            budget.spend(scanned)?;
            if met.is_some() && !whole_level {
                break;
            }
        }
        self.frontier = next;
        self.depth = depth;
        Ok(met)
    }
}

/// Where a bidirectional search met: `node` lies on a shortest path of `len` hops.
pub(super) struct Meeting {
    pub(super) fwd: Side,
    pub(super) back: Side,
    pub(super) node: EntityRef,
    pub(super) len: u32,
}

/// Bidirectional BFS from `from` and (in reverse) from `to`, always growing the smaller
/// frontier. Any node reached by both halves lies on a shortest path: before the level
/// that meets, no node was within `a` of `from` and `b` of `to`, so the distance is at
/// least `a + b + 1`, which is what the meeting level gives. `from` must differ from `to`.
pub(super) fn meet(
    rules: &Rules,
    from: EntityRef,
    to: EntityRef,
    max_hops: u32,
    whole_level: bool,
    budget: &mut Budget,
) -> Result<Option<Meeting>, Stop> {
    let mut fwd = Side::new(from, Dir::Forward);
    let mut back = Side::new(to, Dir::Reverse);
    while fwd.depth + back.depth < max_hops && !fwd.frontier.is_empty() && !back.frontier.is_empty() {
        let met = if fwd.frontier.len() <= back.frontier.len() {
            fwd.expand(rules, &back, whole_level, budget)?
        } else {
            back.expand(rules, &fwd, whole_level, budget)?
        };
        if let Some(node) = met {
            let len = fwd.seen[&node].dist + back.seen[&node].dist;
            return Ok(Some(Meeting { fwd, back, node, len }));
        }
    }
    Ok(None)
}

impl Meeting {
    /// The shortest path through the meeting node that the two search trees record.
    pub(super) fn path(&self) -> Path {
        let mut path = tree_path(&self.fwd.seen, self.node);
        let mut node = self.node;
        while let Some(s) = self.back.seen.get(&node).filter(|s| s.dist > 0) {
            path.hops.push(s.hop);
            path.nodes.push(s.via);
            node = s.via;
        }
        path
    }
}

/// The path from a search tree's root to `node`, following `via` links back.
fn tree_path(seen: &FxMap<EntityRef, Seen>, node: EntityRef) -> Path {
    let mut nodes = vec![node];
    let mut hops = Vec::new();
    let mut at = node;
    while let Some(s) = seen.get(&at).filter(|s| s.dist > 0) {
        hops.push(s.hop);
        nodes.push(s.via);
        at = s.via;
    }
    nodes.reverse();
    hops.reverse();
    Path { nodes, hops }
}

/// Every node within `max_hops` of `from`, by (distance, id), as the search's BFS tree.
/// Each level is sorted before it is expanded, so a node's tree parent is the lowest-id
/// node of the previous level that reaches it, and its hop the first such edge in stored
/// order (out-edges before in-edges).
pub(super) fn neighbourhood(
    rules: &Rules,
    from: EntityRef,
    max_hops: u32,
    max_rows: usize,
    budget: &mut Budget,
) -> Result<Neighbourhood, Stop> {
    let mut seen = FxSet::with_capacity_and_hasher(256, Default::default());
    seen.insert(from);
    let mut reached: Vec<Reached> = Vec::new();
    let mut truncated = false;
    let expand = |u: EntityRef, parent: u32, dist: u32, reached: &mut Vec<Reached>, seen: &mut FxSet<EntityRef>| {
        rules.steps(u, Dir::Forward, |w, hop| {
            if seen.insert(w) {
                reached.push(Reached { node: w, dist, parent, hop });
            }
        })
    };
    // The level last reached, as positions in `reached` (the start is level 0, alone).
    let mut level = 0..0;
    for dist in 1..=max_hops {
        let start = reached.len();
        if dist == 1 {
            budget.spend(expand(from, NO_PARENT, dist, &mut reached, &mut seen))?;
        }
        for at in level.clone() {
            budget.spend(expand(reached[at].node, at as u32, dist, &mut reached, &mut seen))?;
        }
        if reached.len() == start {
            break;
        }
        reached[start..].sort_unstable_by_key(|r| r.node);
        if reached.len() > max_rows {
            reached.truncate(max_rows);
            truncated = true;
            break;
        }
        level = start..reached.len();
    }
    Ok(Neighbourhood { from, reached, truncated })
}
