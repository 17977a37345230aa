//! Ordered enumeration of the paths of one exact length: a depth-first walk that tries
//! next nodes in ascending id, groups parallel edges, and asks a [`Prune`] rule whether
//! each step can still reach the target in the hops left.
//!
//! Rows come out sorted by (nodes, hops): trying next nodes in ascending order sorts by
//! nodes, and every path over one node sequence is emitted together, as the product of
//! its parallel-edge choices in ascending order. The walk reuses one candidate stack for
//! all levels, so it allocates only for the rows it returns.

use super::bfs::{Dist, Seen};
use super::rules::{Budget, Dir, Rules};
use super::{Hop, Path, Stop};
use crate::graph::EntityRef;
use rustc_hash::FxHashMap as FxMap;

/// A node every path must visit, with what pruning needs to know about it.
pub(super) struct Through<'a> {
    pub(super) node: EntityRef,
    /// Distances to `node`.
    pub(super) to_node: &'a Dist,
    /// Distance from `node` to the target.
    pub(super) node_to_target: u32,
}

/// When a partial path may still be completed within the length being enumerated.
pub(super) enum Prune<'a> {
    /// Simple paths: a node must be close enough to the target (or, before the path has
    /// visited `through`, to `through` and from there to the target). The distances ignore
    /// simplicity, so they never overestimate and never cut a real path.
    Simple { to_target: &'a Dist, through: Option<Through<'a>> },
    /// Shortest paths, from a bidirectional search that met after `split` forward levels.
    /// Up to `split` a step must go to a node of `prefix` (forward-half nodes that lie on a
    /// shortest path, with their distance from the start) one level further; after it, to
    /// a node one hop closer to the target.
    Layered { prefix: &'a FxMap<EntityRef, u32>, suffix: &'a FxMap<EntityRef, Seen>, split: u32 },
}

impl Prune<'_> {
    /// Whether a path of `depth` hops ending at `node` (which is not the target) may be
    /// extended to the target within `len` hops. `visited` says the path has been through
    /// the required node, when there is one.
    #[inline]
    fn allows(&self, node: EntityRef, depth: u32, len: u32, visited: bool) -> bool {
        match self {
            Prune::Simple { to_target, through } => match through {
                Some(t) if !visited => t.to_node.get(&node).is_some_and(|&d| depth + d + t.node_to_target <= len),
                _ => to_target.get(&node).is_some_and(|&d| depth + d <= len),
            },
            Prune::Layered { prefix, suffix, split } => {
                if depth <= *split {
                    prefix.get(&node) == Some(&depth)
                } else {
                    suffix.get(&node).is_some_and(|s| depth + s.dist == len)
                }
            }
        }
    }
}

/// The state of one enumeration; `run` may be called for several lengths in turn.
pub(super) struct Walk<'q, 't> {
    rules: &'q Rules<'t>,
    prune: Prune<'q>,
    target: EntityRef,
    through: Option<EntityRef>,
    /// Stop once this many rows are held.
    want: usize,
    pub(super) rows: Vec<Path>,
    /// The nodes of the current partial path, start first.
    nodes: Vec<EntityRef>,
    /// Per hop of the current partial path, the range of `cand` holding its parallel edges.
    groups: Vec<(usize, usize)>,
    /// The candidate moves of every node on the current path, stacked level by level.
    cand: Vec<(EntityRef, Hop)>,
}

impl<'q, 't> Walk<'q, 't> {
    /// `through` must differ from `from` and `target`, which must differ from each other.
    pub(super) fn new(
        rules: &'q Rules<'t>,
        prune: Prune<'q>,
        from: EntityRef,
        target: EntityRef,
        through: Option<EntityRef>,
        want: usize,
    ) -> Walk<'q, 't> {
        Walk {
            rules,
            prune,
            target,
            through,
            want,
            rows: Vec::new(),
            nodes: vec![from],
            groups: Vec::new(),
            cand: Vec::new(),
        }
    }

    pub(super) fn full(&self) -> bool {
        self.rows.len() >= self.want
    }

    /// Appends every path of exactly `len` hops, in order, until `want` rows are held.
    pub(super) fn run(&mut self, len: u32, budget: &mut Budget) -> Result<(), Stop> {
        if len > 0 && !self.full() {
            self.descend(len, self.through.is_none(), budget)?;
        }
        Ok(())
    }

    /// Tries every admissible next node of the current path, lowest id first.
    fn descend(&mut self, len: u32, visited: bool, budget: &mut Budget) -> Result<(), Stop> {
        let at = *self.nodes.last().expect("a walk always holds its start");
        let depth = self.nodes.len() as u32;
        let base = self.cand.len();
        let Walk { rules, prune, target, through, nodes, cand, .. } = self;
        let scanned = rules.steps(at, Dir::Forward, |w, hop| {
            let admit = if nodes.contains(&w) {
                false
            } else if w == *target {
                depth == len && visited
            } else {
                depth < len && prune.allows(w, depth, len, visited || *through == Some(w))
            };
            if admit {
                cand.push((w, hop));
            }
        });
        budget.spend(scanned)?;
        let end = self.cand.len();
        self.cand[base..end].sort_unstable();
        let mut i = base;
        while i < end && !self.full() {
            let next = self.cand[i].0;
            let j = i + self.cand[i..end].partition_point(|c| c.0 == next);
            self.nodes.push(next);
            self.groups.push((i, j));
            if next == self.target {
                self.emit(budget)?;
            } else {
                let visited = visited || self.through == Some(next);
                self.descend(len, visited, budget)?;
            }
            self.nodes.pop();
            self.groups.pop();
            i = j;
        }
        self.cand.truncate(base);
        Ok(())
    }

    /// Emits every path over the current node sequence: one per choice of parallel edge
    /// at each hop, counting like an odometer so the hops come out in ascending order.
    fn emit(&mut self, budget: &mut Budget) -> Result<(), Stop> {
        let mut pick: Vec<usize> = self.groups.iter().map(|g| g.0).collect();
        loop {
            budget.spend(pick.len())?;
            let hops = pick.iter().map(|&k| self.cand[k].1).collect();
            self.rows.push(Path { nodes: self.nodes.clone(), hops });
            if self.full() {
                return Ok(());
            }
            let mut k = pick.len();
            loop {
                if k == 0 {
                    return Ok(());
                }
                k -= 1;
                pick[k] += 1;
                if pick[k] < self.groups[k].1 {
                    break;
                }
                pick[k] = self.groups[k].0;
            }
        }
    }
}
