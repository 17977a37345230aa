//! The knowledge graph: entities and relations in a petgraph graph, with the indexes that
//! queries need (id, case-insensitive name and alias, kind, relation kind).
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

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::data::Dataset;
use crate::model::{Entity, Relation, Schema, Source};

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

/// Adds `item` under `key`, copying the key only the first time it is seen.
fn push_keyed<T>(map: &mut BTreeMap<String, Vec<T>>, key: &str, item: T) {
    match map.get_mut(key) {
        Some(items) => items.push(item),
        None => {
            map.insert(key.to_string(), vec![item]);
        }
    }
}

/// Entities, relations, their vocabulary and sources, indexed for lookup.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    pub schema: Schema,
    pub sources: Vec<Source>,
    graph: DiGraph<Entity, Relation, u32>,
    by_id: HashMap<String, EntityRef>,
    /// Lower-cased id, name or alias -> the entities it names.
    by_label: HashMap<String, Vec<EntityRef>>,
    by_kind: BTreeMap<String, Vec<EntityRef>>,
    by_rel: BTreeMap<String, Vec<RelationRef>>,
    topology: Topology,
}

impl KnowledgeGraph {
    /// Builds the graph. The dataset must be validated: every relation end is a known id.
    pub fn build(data: Dataset) -> KnowledgeGraph {
        let Dataset { schema, sources, entities, relations } = data;
        let mut graph = DiGraph::with_capacity(entities.len(), relations.len());
        let mut by_id = HashMap::with_capacity(entities.len());
        let mut by_label: HashMap<String, Vec<EntityRef>> = HashMap::new();
        let mut by_kind: BTreeMap<String, Vec<EntityRef>> = BTreeMap::new();
        for entity in entities {
            // Ids are found through `by_id` (they are lower-case slugs); names and aliases here.
            let labels: Vec<String> =
                std::iter::once(&entity.name).chain(&entity.aliases).map(|l| l.to_lowercase()).collect();
            let node = graph.add_node(entity);
            by_id.insert(graph[node].id.clone(), node);
            push_keyed(&mut by_kind, &graph[node].kind, node);
            for label in labels {
                let nodes = by_label.entry(label).or_default();
                if !nodes.contains(&node) {
                    nodes.push(node);
                }
            }
        }
        let mut by_rel: BTreeMap<String, Vec<RelationRef>> = BTreeMap::new();
        for relation in relations {
            let (from, to) = (by_id[&relation.from], by_id[&relation.to]);
            let edge = graph.add_edge(from, to, relation);
            push_keyed(&mut by_rel, &graph[edge].rel, edge);
        }
        let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
        let topology = Topology::build(&graph, &schema, &source_ids);
        KnowledgeGraph { schema, sources, graph, by_id, by_label, by_kind, by_rel, topology }
    }

    pub fn entity(&self, node: EntityRef) -> &Entity {
        &self.graph[node]
    }

    pub fn relation(&self, edge: RelationRef) -> &Relation {
        &self.graph[edge]
    }

    /// The two ends of a relation, as stored (from, to).
    pub fn ends(&self, edge: RelationRef) -> (EntityRef, EntityRef) {
        self.graph.edge_endpoints(edge).expect("edge refs come from this graph")
    }

    pub fn by_id(&self, id: &str) -> Option<EntityRef> {
        self.by_id.get(id).copied()
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
    pub fn entities(&self) -> impl Iterator<Item = (EntityRef, &Entity)> {
        self.graph.node_indices().map(|n| (n, &self.graph[n]))
    }

    /// All relations, in the order they were declared.
    pub fn relations(&self) -> impl Iterator<Item = (RelationRef, &Relation)> {
        self.graph.edge_indices().map(|e| (e, &self.graph[e]))
    }

    /// Entities of one kind.
    pub fn of_kind(&self, kind: &str) -> &[EntityRef] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }

    /// Relations of one kind.
    pub fn of_rel(&self, rel: &str) -> &[RelationRef] {
        self.by_rel.get(rel).map_or(&[], Vec::as_slice)
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

    /// The underlying petgraph graph, for algorithms.
    pub fn petgraph(&self) -> &DiGraph<Entity, Relation, u32> {
        &self.graph
    }
}
