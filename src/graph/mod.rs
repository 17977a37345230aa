//! The knowledge graph: the dataset's tables of entities and relations, with petgraph
//! holding the structure and the indexes that queries need (id, case-insensitive name and
//! alias, kind, relation kind).
//!
//! Built once from a validated [`Dataset`]; read-only afterwards. petgraph's indices are
//! an in-memory detail: the data format and the output formats speak of ids only.

pub mod paths;
mod resolve;
mod stats;
pub mod topology;

pub use resolve::{Candidate, ResolveError};
pub use stats::{SourceCoverage, Stats};
pub use topology::Topology;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rustc_hash::FxHashMap;

use crate::data::Dataset;
use crate::model::{Schema, Source};
use crate::store::{Entities, EntityView, RelationView, Relations, prefetch};

/// A node of the graph.
pub type EntityRef = NodeIndex<u32>;
/// An edge of the graph.
pub type RelationRef = EdgeIndex<u32>;

/// The entity numbered `n` in path results.
pub fn node_ref(n: u32) -> EntityRef {
    EntityRef::new(n as usize)
}

/// The relation numbered `e` in path results.
pub fn edge_ref(e: u32) -> RelationRef {
    RelationRef::new(e as usize)
}

/// Entities, relations, their vocabulary and sources, indexed for lookup.
///
/// petgraph holds the structure (node and edge numbering, the ends of every relation, the
/// relations at every node); the records themselves stay in the dataset's compact tables,
/// numbered alike, and are read through views.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    pub schema: Schema,
    pub sources: Vec<Source>,
    entities: Entities,
    /// The relations' statuses and rarer parts; their ends are in `graph`, their kinds in
    /// `topology`.
    relations: Relations,
    graph: DiGraph<(), (), u32>,
    /// Lower-cased alias -> the entities it names.
    by_alias: FxHashMap<String, Vec<EntityRef>>,
    /// Entities of each kind, by kind index.
    by_kind: Vec<Vec<EntityRef>>,
    /// How many relations of each relation kind there are, by index.
    rel_counts: Vec<usize>,
    topology: Topology,
    /// Names and aliases indexed for "did you mean", built when first needed.
    suggestions: std::sync::OnceLock<resolve::Labels>,
}

impl KnowledgeGraph {
    /// Builds the graph. The dataset must be validated: its tables agree with its schema.
    pub fn build(data: Dataset) -> KnowledgeGraph {
        let Dataset { schema, sources, entities, mut relations } = data;
        let ends = relations.take_ends();
        let edge_rel = relations.take_rels();
        let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
        // petgraph's lists and the search index's rows come from the same ends: one core each.
        let (graph, topology) = std::thread::scope(|scope| {
            let index = scope.spawn(|| {
                Topology::build(&ends, entities.kinds().to_vec(), edge_rel, &relations, &schema, &source_ids)
            });
            let mut graph = DiGraph::with_capacity(entities.len(), ends.len());
            for _ in 0..entities.len() {
                graph.add_node(());
            }
            // Each edge is linked into the lists of its two ends, at random places: those of
            // an edge a few on are fetched ahead, so the links do not wait.
            const AHEAD: usize = 16;
            for (e, &(a, b)) in ends.iter().enumerate() {
                if let Some(&(c, d)) = ends.get(e + AHEAD) {
                    prefetch(&graph.raw_nodes()[c as usize]);
                    prefetch(&graph.raw_nodes()[d as usize]);
                }
                graph.add_edge(node_ref(a), node_ref(b), ());
            }
            (graph, index.join().expect("building the search index does not panic"))
        });
        drop(ends);
        let mut by_alias: FxHashMap<String, Vec<EntityRef>> = FxHashMap::default();
        for (n, more) in entities.with_more() {
            for alias in &more.aliases {
                let nodes = by_alias.entry(alias.to_lowercase()).or_default();
                if !nodes.contains(&node_ref(n)) {
                    nodes.push(node_ref(n));
                }
            }
        }
        let mut by_kind = vec![Vec::new(); schema.kinds.len()];
        for (n, &k) in entities.kinds().iter().enumerate() {
            by_kind[usize::from(k)].push(node_ref(n as u32));
        }
        let mut rel_counts = vec![0; schema.relations.len()];
        for &r in &topology.edge_rel {
            rel_counts[usize::from(r)] += 1;
        }
        KnowledgeGraph {
            schema,
            sources,
            entities,
            relations,
            graph,
            by_alias,
            by_kind,
            rel_counts,
            topology,
            suggestions: std::sync::OnceLock::new(),
        }
    }

    pub fn entity(&self, node: EntityRef) -> EntityView<'_> {
        EntityView::new(&self.schema, &self.entities, node.index() as u32)
    }

    pub fn relation(&self, edge: RelationRef) -> RelationView<'_> {
        let (a, b) = self.ends(edge);
        let (e, ends) = (edge.index() as u32, (a.index() as u32, b.index() as u32));
        RelationView::new(&self.schema, &self.entities, &self.relations, e, ends, self.topology.edge_rel[e as usize])
    }

    /// The two ends of a relation, as stored (from, to).
    pub fn ends(&self, edge: RelationRef) -> (EntityRef, EntityRef) {
        self.graph.edge_endpoints(edge).expect("edge refs come from this graph")
    }

    pub fn by_id(&self, id: &str) -> Option<EntityRef> {
        self.entities.find(id).map(node_ref)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn entity_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn relation_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// All entities, in the order they were declared.
    pub fn entities(&self) -> impl Iterator<Item = (EntityRef, EntityView<'_>)> {
        self.graph.node_indices().map(|n| (n, self.entity(n)))
    }

    /// All relations, in the order they were declared.
    pub fn relations(&self) -> impl Iterator<Item = (RelationRef, RelationView<'_>)> {
        self.graph.edge_indices().map(|e| (e, self.relation(e)))
    }

    /// Entities of one kind.
    pub fn of_kind(&self, kind: &str) -> &[EntityRef] {
        let index = self.schema.kinds.iter().position(|k| k.name == kind);
        index.map_or(&[], |i| self.by_kind[i].as_slice())
    }

    /// How many relations of one kind there are.
    pub fn count_of_rel(&self, rel: &str) -> usize {
        self.schema.relations.iter().position(|r| r.name == rel).map_or(0, |i| self.rel_counts[i])
    }

    /// Relations touching `node`, in either direction.
    pub fn incident(&self, node: EntityRef) -> impl Iterator<Item = RelationRef> + '_ {
        use petgraph::Direction::{Incoming, Outgoing};
        let out = self.graph.edges_directed(node, Outgoing);
        let inc = self.graph.edges_directed(node, Incoming);
        out.chain(inc).map(|e| petgraph::visit::EdgeRef::id(&e))
    }

    /// The compact adjacency that path searches run on.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The underlying petgraph graph (structure only; records are read through views).
    pub fn petgraph(&self) -> &DiGraph<(), (), u32> {
        &self.graph
    }

    /// The entity tables, for lookups by name.
    pub(crate) fn entity_table(&self) -> &Entities {
        &self.entities
    }

    /// Entities that have this alias, lower-cased.
    pub(crate) fn aliased(&self, lowered: &str) -> &[EntityRef] {
        self.by_alias.get(lowered).map_or(&[], Vec::as_slice)
    }

    /// Every alias, lower-cased, with the entities it names.
    pub(crate) fn aliases(&self) -> impl Iterator<Item = (&str, &[EntityRef])> {
        self.by_alias.iter().map(|(a, nodes)| (a.as_str(), nodes.as_slice()))
    }
}
