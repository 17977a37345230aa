//! The searches behind the public methods, once endpoints are checked: each picks its
//! bounds (distance maps or a bidirectional meeting) and drives an enumeration.
//!
//! Callers guarantee `from != to`, a hop cap of at least one, and a `through` node that
//! differs from both ends.

use std::collections::hash_map::Entry;

use super::bfs::{self, Dist, Meeting};
use super::enumerate::{Prune, Through, Walk};
use super::rules::{Budget, Dir, Rules};
use super::{Path, Stop};
use crate::graph::EntityRef;
use rustc_hash::FxHashMap as FxMap;

/// One shortest path, from the bidirectional search's trees.
pub(super) fn shortest(
    rules: &Rules,
    from: EntityRef,
    to: EntityRef,
    max_hops: u32,
    budget: &mut Budget,
) -> Result<Option<Path>, Stop> {
    let meeting = bfs::meet(rules, from, to, max_hops, false, budget)?;
    Ok(meeting.map(|m| m.path()))
}

/// The first `want` shortest paths in (nodes, hops) order.
pub(super) fn all_shortest(
    rules: &Rules,
    from: EntityRef,
    to: EntityRef,
    max_hops: u32,
    want: usize,
    budget: &mut Budget,
) -> Result<Vec<Path>, Stop> {
    let Some(meeting) = bfs::meet(rules, from, to, max_hops, true, budget)? else {
        return Ok(Vec::new());
    };
    let prefix = shortest_prefix(rules, &meeting, budget)?;
    let prune = Prune::Layered { prefix: &prefix, suffix: &meeting.back.seen, split: meeting.fwd.depth };
    let mut walk = Walk::new(rules, prune, from, to, None, want);
    walk.run(meeting.len, budget)?;
    Ok(walk.rows)
}

/// The nodes of the forward half that lie on some shortest path, with their distance from
/// the start. The forward tree alone holds dead ends (nodes at the right distance from the
/// start that lead nowhere near the target); walking back level by level from the nodes
/// both halves reached keeps only the useful ones, so the enumeration never backtracks.
fn shortest_prefix(rules: &Rules, meeting: &Meeting, budget: &mut Budget) -> Result<FxMap<EntityRef, u32>, Stop> {
    let split = meeting.fwd.depth;
    // After a whole meeting level, every node known to both halves is on a shortest path,
    // and the forward frontier holds those at distance `split`.
    let mut layer: Vec<EntityRef> =
        (meeting.fwd.frontier.iter()).copied().filter(|n| meeting.back.seen.contains_key(n)).collect();
    let mut prefix: FxMap<EntityRef, u32> = layer.iter().map(|&n| (n, split)).collect();
    for depth in (0..split).rev() {
        let mut below = Vec::new();
        for &v in &layer {
            let scanned = rules.steps(v, Dir::Reverse, |u, _| {
                let on_level = meeting.fwd.seen.get(&u).is_some_and(|s| s.dist == depth);
                if on_level && let Entry::Vacant(slot) = prefix.entry(u) {
                    slot.insert(depth);
                    below.push(u);
                }
            });
            budget.spend(scanned)?;
        }
        layer = below;
    }
    Ok(prefix)
}

/// What simple-path enumeration should return.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rows {
    /// Stop once this many are found.
    pub(super) want: usize,
    /// Stop after the shortest length that has any.
    pub(super) shortest_only: bool,
}

/// Simple paths of at most `max_hops` hops (through `through`, when given), shortest
/// first and in (nodes, hops) order within a length.
pub(super) fn simple(
    rules: &Rules,
    from: EntityRef,
    to: EntityRef,
    through: Option<EntityRef>,
    max_hops: u32,
    rows: Rows,
    budget: &mut Budget,
) -> Result<Vec<Path>, Stop> {
    // Any node on a path but its start is at most `max_hops - 1` from the end.
    let reach = max_hops - 1;
    let to_target = bfs::distances(rules, to, Dir::Reverse, reach, budget)?;
    let to_node: Option<Dist> = match through {
        Some(x) => Some(bfs::distances(rules, x, Dir::Reverse, reach, budget)?),
        None => None,
    };
    let (through, shortest) = match (through, &to_node) {
        (Some(node), Some(to_node)) => {
            let (Some(&a), Some(&b)) = (to_node.get(&from), to_target.get(&node)) else {
                return Ok(Vec::new());
            };
            let through = Through { node, to_node, node_to_target: b };
            (Some(through), a + b)
        }
        // Unknown within `reach` means the distance is `max_hops` or unreachable; the
        // enumeration at that length tells which.
        _ => (None, to_target.get(&from).copied().unwrap_or(max_hops)),
    };
    let waypoint = through.as_ref().map(|t| t.node);
    let prune = Prune::Simple { to_target: &to_target, through };
    let mut walk = Walk::new(rules, prune, from, to, waypoint, rows.want);
    for len in shortest..=max_hops {
        walk.run(len, budget)?;
        if walk.full() || (rows.shortest_only && !walk.rows.is_empty()) {
            break;
        }
    }
    Ok(walk.rows)
}
