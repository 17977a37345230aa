//! Where Graphviz puts things: the DOT attributes that make a picture read from its start
//! outward, rather than in whatever direction its relations happen to point, and that keep
//! a hub with many leaves from drawing one endless row.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;

use super::escape::label;
use crate::graph::KnowledgeGraph;
use crate::render::picture::{Edge, Picture};

/// A hub with more leaves than this has them staggered over several ranks.
const MANY_LEAVES: usize = 6;

/// How an edge is written.
pub struct Placement {
    /// Written from its `to` end with `dir=back`. Graphviz ranks entities along the
    /// direction edges are written in, so an edge whose relation points back towards the
    /// start is written from its nearer end: the picture flows outward from the start while
    /// every arrowhead still points the way the relation goes.
    pub backwards: bool,
    /// The edge's length in ranks (`minlen`): more than 1 for some leaves of a hub, which
    /// are staggered over a few ranks as Graphviz's `unflatten` does. Thirty-six leaves in
    /// one rank make a picture thirty-six boxes wide; in six ranks, six.
    pub minlen: usize,
}

/// The placement of each edge, in order.
pub fn place(kg: &KnowledgeGraph, pic: &Picture, edges: &[Edge]) -> Vec<Placement> {
    let near = neighbours(edges);
    let hops = pic.start.map(|s| hops_from(kg.entity(s).id(), &near)).unwrap_or_default();
    let stagger = stagger(&near);
    edges
        .iter()
        .map(|e| {
            let (from, to) = (e.from.id(), e.to.id());
            let backwards = matches!((hops.get(from), hops.get(to)), (Some(a), Some(b)) if a > b);
            let head = if backwards { from } else { to };
            Placement { backwards, minlen: stagger.get(head).copied().unwrap_or(1) }
        })
        .collect()
}

/// Puts the picture's start in the first rank and its end in the last, so a path reads
/// from one to the other and a neighbourhood spreads out from its centre.
pub fn ends(out: &mut String, kg: &KnowledgeGraph, pic: &Picture) {
    for (rank, n) in [("min", pic.start), ("max", pic.end)] {
        if let Some(n) = n {
            let _ = writeln!(out, "  {{ rank={rank}; \"{}\"; }}", label(kg.entity(n).id()));
        }
    }
}

/// Each entity's neighbours in the picture (by id), either way, in id order.
fn neighbours<'g>(edges: &[Edge<'g>]) -> HashMap<&'g str, BTreeSet<&'g str>> {
    let mut near: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for e in edges {
        near.entry(e.from.id()).or_default().insert(e.to.id());
        near.entry(e.to.id()).or_default().insert(e.from.id());
    }
    near
}

/// Hops from `start` to each entity it reaches.
fn hops_from<'g>(start: &'g str, near: &HashMap<&'g str, BTreeSet<&'g str>>) -> HashMap<&'g str, usize> {
    let mut hops = HashMap::from([(start, 0)]);
    let mut queue = VecDeque::from([(start, 0)]);
    while let Some((at, n)) = queue.pop_front() {
        for &next in near.get(at).into_iter().flatten() {
            if !hops.contains_key(next) {
                hops.insert(next, n + 1);
                queue.push_back((next, n + 1));
            }
        }
    }
    hops
}

/// The rank length of the edge to each staggered leaf: the leaves of a hub with more than
/// [`MANY_LEAVES`] are dealt over about √n ranks, in id order.
fn stagger<'g>(near: &HashMap<&'g str, BTreeSet<&'g str>>) -> HashMap<&'g str, usize> {
    let mut out = HashMap::new();
    for around in near.values() {
        let leaves: Vec<&str> = around.iter().copied().filter(|n| near[n].len() == 1).collect();
        if leaves.len() <= MANY_LEAVES || around.len() == 1 {
            continue;
        }
        let ranks = leaves.len().isqrt();
        for (i, leaf) in leaves.into_iter().enumerate() {
            // A leaf hangs off one hub only, so no other hub deals it a second length.
            out.insert(leaf, 1 + i % ranks);
        }
    }
    out
}
