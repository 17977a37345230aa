//! The knowledge graph: the dataset's tables of entities and relations, one adjacency
//! structure ([`Topology`]) holding how they connect, and the indexes that queries need
//! (id, case-insensitive name and alias, kind, relation kind).
//!
//! Built once from a validated [`Dataset`]; read-only afterwards. Entities and relations
//! are named by [`EntityRef`] and [`RelationRef`], in-memory numbers: the data format and
//! the output formats speak of ids only.

mod ids;
pub mod paths;
mod resolve;
mod stats;
pub mod topology;
mod visit;

pub use ids::{EntityRef, RelationRef};
pub use resolve::{Candidate, ResolveError};
pub use stats::{SourceCoverage, Stats};
pub use topology::Topology;
pub use visit::Visited;

use rustc_hash::FxHashMap;

use crate::data::Dataset;
use crate::data::identity::Join;
use crate::data::merge::Part;
use crate::model::{Schema, Source};
use crate::store::{Entities, EntityView, RelationView, Relations};

/// Entities, relations, their vocabulary and sources, indexed for lookup.
///
/// The topology holds the structure (the ends of every relation, the relations at every
/// node, each relation's kind); the records themselves stay in the dataset's compact
/// tables, numbered alike, and are read through views.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    pub schema: Schema,
    pub sources: Vec<Source>,
    entities: Entities,
    /// The relations' statuses and rarer parts; their ends and kinds are in `topology`.
    relations: Relations,
    /// Lower-cased alias -> the entities it names.
    by_alias: FxHashMap<String, Vec<EntityRef>>,
    /// Entities of each kind, by kind index.
    by_kind: Vec<Vec<EntityRef>>,
    /// How many relations of each relation kind there are, by index.
    rel_counts: Vec<usize>,
    topology: Topology,
    /// The datasets of a graph of several, in order (see `data::merge`); empty for one.
    parts: Vec<Part>,
    /// The records joined into entities across datasets, by entity (see `data::identity`).
    joins: Vec<Join>,
    /// Names and aliases indexed for "did you mean", built when first needed.
    suggestions: std::sync::OnceLock<resolve::Labels>,
}

impl KnowledgeGraph {
    /// Builds the graph. The dataset must be validated: its tables agree with its schema.
    pub fn build(data: Dataset) -> KnowledgeGraph {
        let Dataset { schema, sources, entities, mut relations, parts, joins, .. } = data;
        let ends = relations.take_ends();
        let edge_rel = relations.take_rels();
        let source_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
        let topology = Topology::build(ends, entities.kinds().to_vec(), edge_rel, &relations, &schema, &source_ids);
        let mut by_alias: FxHashMap<String, Vec<EntityRef>> = FxHashMap::default();
        for (n, more) in entities.with_more() {
            for alias in &more.aliases {
                let nodes = by_alias.entry(alias.to_lowercase()).or_default();
                if !nodes.contains(&EntityRef::new(n)) {
                    nodes.push(EntityRef::new(n));
                }
            }
        }
        let mut by_kind = vec![Vec::new(); schema.kinds.len()];
        for (n, &k) in entities.kinds().iter().enumerate() {
            by_kind[usize::from(k)].push(EntityRef::new(n as u32));
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
            by_alias,
            by_kind,
            rel_counts,
            topology,
            parts,
            joins,
            suggestions: std::sync::OnceLock::new(),
        }
    }

    /// The datasets of a graph made of several (`--data A --data B`), in order; empty when
    /// it is one.
    pub fn datasets(&self) -> &[Part] {
        &self.parts
    }

    /// The records joined into `node` from other datasets (or by `same_as`), and why.
    pub fn joins_of(&self, node: EntityRef) -> &[Join] {
        let n = node.number();
        let start = self.joins.partition_point(|j| j.entity < n);
        let end = start + self.joins[start..].partition_point(|j| j.entity == n);
        &self.joins[start..end]
    }

    /// Every record joined into an entity, by entity.
    pub fn joins(&self) -> &[Join] {
        &self.joins
    }

    /// The dataset an entity comes from, in a graph of several.
    pub fn dataset_of(&self, node: EntityRef) -> Option<&str> {
        let i = self.parts.partition_point(|p| p.entities <= node.number());
        self.parts.get(i).map(|p| p.name.as_str())
    }

    /// The dataset a relation comes from, in a graph of several.
    pub fn dataset_of_relation(&self, edge: RelationRef) -> Option<&str> {
        let i = self.parts.partition_point(|p| p.relations <= edge.number());
        self.parts.get(i).map(|p| p.name.as_str())
    }

    pub fn entity(&self, node: EntityRef) -> EntityView<'_> {
        EntityView::new(&self.schema, &self.entities, node.number())
    }

    pub fn relation(&self, edge: RelationRef) -> RelationView<'_> {
        let (a, b) = self.ends(edge);
        let (e, ends) = (edge.number(), (a.number(), b.number()));
        RelationView::new(&self.schema, &self.entities, &self.relations, e, ends, self.topology.rel(edge))
    }

    /// The two ends of a relation, as stored (from, to).
    pub fn ends(&self, edge: RelationRef) -> (EntityRef, EntityRef) {
        self.topology.ends(edge)
    }

    /// The entity with this id, or the entity a record of this id was joined into (see
    /// `data::identity`), so that an id keeps finding its entity whichever record is kept.
    pub fn by_id(&self, id: &str) -> Option<EntityRef> {
        let joined = || self.joins.iter().find(|j| j.id == id).map(|j| j.entity);
        self.entities.find(id).or_else(joined).map(EntityRef::new)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn entity_count(&self) -> usize {
        self.topology.node_count()
    }

    pub fn relation_count(&self) -> usize {
        self.topology.edge_count()
    }

    /// All entities, in the order they were declared.
    pub fn entities(&self) -> impl Iterator<Item = (EntityRef, EntityView<'_>)> {
        (0..self.entity_count() as u32).map(EntityRef::new).map(|n| (n, self.entity(n)))
    }

    /// All relations, in the order they were declared.
    pub fn relations(&self) -> impl Iterator<Item = (RelationRef, RelationView<'_>)> {
        (0..self.relation_count() as u32).map(RelationRef::new).map(|e| (e, self.relation(e)))
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

    /// Relations touching `node`: those leaving it, then those arriving, latest first.
    pub fn incident(&self, node: EntityRef) -> impl Iterator<Item = RelationRef> + '_ {
        self.topology.incident(node)
    }

    /// The graph's structure, which path searches and petgraph's algorithms run on.
    pub fn topology(&self) -> &Topology {
        &self.topology
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
