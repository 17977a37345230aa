//! petgraph's view of the [`Topology`]: the `visit` traits, so that petgraph's algorithms
//! (`Bfs`, `Dfs`, `dijkstra`, `has_path_connecting`, `UndirectedAdaptor`, ...) run on the
//! one structure the engine searches, with [`EntityRef`] nodes and [`RelationRef`] edges.
//!
//! The graph is directed, as stored: neighbours are the ends of outgoing edges, incoming
//! ones through `Direction::Incoming`. Parallel edges and self-loops are all there, as in a
//! petgraph `DiGraph` built from the same edges; an edge's weight is its relation kind.
//! The engine's own searches do not go through these traits: they read the rows directly,
//! with their filters.

use fixedbitset::FixedBitSet;
use petgraph::Direction;
use petgraph::visit::{
    Data, EdgeCount, EdgeIndexable, EdgeRef, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges, IntoEdgesDirected,
    IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers, NodeCompactIndexable, NodeCount, NodeIndexable,
    VisitMap, Visitable,
};

use super::topology::{Step, Topology};
use super::{EntityRef, RelationRef};

/// The visited set petgraph's traversals keep over a [`Topology`]: one bit per entity.
#[derive(Debug, Clone)]
pub struct Visited(FixedBitSet);

impl VisitMap<EntityRef> for Visited {
    fn visit(&mut self, a: EntityRef) -> bool {
        !self.0.put(a.index())
    }

    fn is_visited(&self, a: &EntityRef) -> bool {
        self.0.contains(a.index())
    }

    fn unvisit(&mut self, a: EntityRef) -> bool {
        let was = self.0.contains(a.index());
        self.0.set(a.index(), false);
        was
    }
}

/// One edge as petgraph's algorithms see it: its ends as stored, its number, and its
/// relation kind as the weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge<'a> {
    from: EntityRef,
    to: EntityRef,
    id: RelationRef,
    kind: &'a u16,
}

impl EdgeRef for Edge<'_> {
    type NodeId = EntityRef;
    type EdgeId = RelationRef;
    type Weight = u16;

    fn source(&self) -> EntityRef {
        self.from
    }

    fn target(&self) -> EntityRef {
        self.to
    }

    fn weight(&self) -> &u16 {
        self.kind
    }

    fn id(&self) -> RelationRef {
        self.id
    }
}

impl Topology {
    #[inline]
    fn edge(&self, id: RelationRef) -> Edge<'_> {
        let (from, to) = self.ends(id);
        Edge { from, to, id, kind: &self.edge_rel[id.index()] }
    }

    #[inline]
    fn row(&self, node: EntityRef, dir: Direction) -> &[Step] {
        match dir {
            Direction::Outgoing => self.out(node),
            Direction::Incoming => self.inc(node),
        }
    }
}

impl GraphBase for Topology {
    type NodeId = EntityRef;
    type EdgeId = RelationRef;
}

impl Data for Topology {
    type NodeWeight = ();
    type EdgeWeight = u16;
}

impl GraphProp for Topology {
    type EdgeType = petgraph::Directed;
}

impl NodeCount for Topology {
    fn node_count(&self) -> usize {
        Topology::node_count(self)
    }
}

impl EdgeCount for Topology {
    fn edge_count(&self) -> usize {
        Topology::edge_count(self)
    }
}

impl NodeIndexable for Topology {
    fn node_bound(&self) -> usize {
        Topology::node_count(self)
    }

    fn to_index(&self, a: EntityRef) -> usize {
        a.index()
    }

    fn from_index(&self, i: usize) -> EntityRef {
        EntityRef::new(u32::try_from(i).expect("entity numbers fit in u32"))
    }
}

impl NodeCompactIndexable for Topology {}

impl EdgeIndexable for Topology {
    fn edge_bound(&self) -> usize {
        Topology::edge_count(self)
    }

    fn to_index(&self, a: RelationRef) -> usize {
        a.index()
    }

    fn from_index(&self, i: usize) -> RelationRef {
        RelationRef::new(u32::try_from(i).expect("relation numbers fit in u32"))
    }
}

impl Visitable for Topology {
    type Map = Visited;

    fn visit_map(&self) -> Visited {
        Visited(FixedBitSet::with_capacity(Topology::node_count(self)))
    }

    fn reset_map(&self, map: &mut Visited) {
        map.0.clear();
        map.0.grow(Topology::node_count(self));
    }
}

/// The other ends of a row's edges.
#[derive(Debug, Clone)]
pub struct Neighbours<'a>(std::slice::Iter<'a, Step>);

impl Iterator for Neighbours<'_> {
    type Item = EntityRef;

    #[inline]
    fn next(&mut self) -> Option<EntityRef> {
        self.0.next().map(|step| step.0)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a> IntoNeighbors for &'a Topology {
    type Neighbors = Neighbours<'a>;

    fn neighbors(self, a: EntityRef) -> Neighbours<'a> {
        Neighbours(self.out(a).iter())
    }
}

impl<'a> IntoNeighborsDirected for &'a Topology {
    type NeighborsDirected = Neighbours<'a>;

    fn neighbors_directed(self, a: EntityRef, dir: Direction) -> Neighbours<'a> {
        Neighbours(self.row(a, dir).iter())
    }
}

impl IntoNodeIdentifiers for &Topology {
    type NodeIdentifiers = std::iter::Map<std::ops::Range<u32>, fn(u32) -> EntityRef>;

    fn node_identifiers(self) -> Self::NodeIdentifiers {
        (0..Topology::node_count(self) as u32).map(EntityRef::new as fn(u32) -> EntityRef)
    }
}

/// Every edge, in edge order.
#[derive(Debug, Clone)]
pub struct AllEdges<'a> {
    topo: &'a Topology,
    ids: std::ops::Range<u32>,
}

impl<'a> Iterator for AllEdges<'a> {
    type Item = Edge<'a>;

    #[inline]
    fn next(&mut self) -> Option<Edge<'a>> {
        self.ids.next().map(|e| self.topo.edge(RelationRef::new(e)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

/// The edges of a row, in edge order.
#[derive(Debug, Clone)]
pub struct RowEdges<'a> {
    topo: &'a Topology,
    row: std::slice::Iter<'a, Step>,
}

impl<'a> Iterator for RowEdges<'a> {
    type Item = Edge<'a>;

    #[inline]
    fn next(&mut self) -> Option<Edge<'a>> {
        self.row.next().map(|&(_, e)| self.topo.edge(e))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.row.size_hint()
    }
}

impl<'a> IntoEdgeReferences for &'a Topology {
    type EdgeRef = Edge<'a>;
    type EdgeReferences = AllEdges<'a>;

    fn edge_references(self) -> AllEdges<'a> {
        AllEdges { topo: self, ids: 0..Topology::edge_count(self) as u32 }
    }
}

impl<'a> IntoEdges for &'a Topology {
    type Edges = RowEdges<'a>;

    fn edges(self, a: EntityRef) -> RowEdges<'a> {
        self.edges_directed(a, Direction::Outgoing)
    }
}

impl<'a> IntoEdgesDirected for &'a Topology {
    type EdgesDirected = RowEdges<'a>;

    /// The edges leaving `a` (outgoing) or arriving at it (incoming), each with its ends as
    /// stored, as petgraph's own graphs give them.
    fn edges_directed(self, a: EntityRef, dir: Direction) -> RowEdges<'a> {
        RowEdges { topo: self, row: self.row(a, dir).iter() }
    }
}

#[cfg(test)]
mod tests;
