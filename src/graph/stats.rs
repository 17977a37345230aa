//! Counts over the graph: entities by kind, relations by kind, and how much of the graph
//! each source document supports (so thin coverage of a document is visible).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::KnowledgeGraph;
use crate::data::identity::Rule;
use crate::model::Evidence;

#[derive(Debug, Serialize)]
pub struct Stats {
    pub entities: usize,
    pub relations: usize,
    /// (kind, count) for every declared kind, in schema order.
    pub entities_by_kind: Vec<(String, usize)>,
    /// (relation, count) for every declared relation, in schema order.
    pub relations_by_rel: Vec<(String, usize)>,
    pub sources: Vec<SourceCoverage>,
    /// (dataset, entities, relations) each dataset of a graph of several added, in order;
    /// empty (and not written) for one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<(String, usize, usize)>,
    /// (rule, records) joined into entities by each rule of `data::identity`; empty (and
    /// not written) when none was.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub joins: Vec<(String, usize)>,
}

/// How much of the graph one source document supports.
#[derive(Debug, Serialize)]
pub struct SourceCoverage {
    pub id: String,
    pub title: String,
    /// Entities with at least one locator into the source.
    pub entities: usize,
    /// Relations with at least one locator into the source.
    pub relations: usize,
    /// Locators into the source, in all.
    pub locators: usize,
    /// Distinct lines of the source cited (none for an imported dataset, whose evidence is records).
    pub lines: usize,
}

/// What cites one source, while counting.
#[derive(Default)]
struct Tally {
    entities: BTreeSet<usize>,
    relations: BTreeSet<usize>,
    locators: usize,
    lines: BTreeSet<u32>,
}

impl Tally {
    fn count(&mut self, entity: Option<usize>, relation: Option<usize>, ev: &Evidence) {
        let line = if ev.record.is_none() { Some(ev.line) } else { None };
        self.entities.extend(entity);
        self.relations.extend(relation);
        self.locators += 1;
        self.lines.extend(line);
    }
}

impl KnowledgeGraph {
    pub fn stats(&self) -> Stats {
        let entities_by_kind =
            self.schema.kinds.iter().map(|k| (k.name.clone(), self.of_kind(&k.name).len())).collect();
        let relations_by_rel =
            self.schema.relations.iter().map(|r| (r.name.clone(), self.count_of_rel(&r.name))).collect();
        let mut cov: BTreeMap<&str, Tally> = BTreeMap::new();
        for (i, (_, e)) in self.entities().enumerate() {
            for ev in e.evidence() {
                cov.entry(&ev.source).or_default().count(Some(i), None, ev);
            }
        }
        for (i, (_, r)) in self.relations().enumerate() {
            for ev in r.evidence() {
                cov.entry(&ev.source).or_default().count(None, Some(i), ev);
            }
        }
        let sources = self
            .sources
            .iter()
            .map(|s| {
                let c = cov.remove(s.id.as_str()).unwrap_or_default();
                SourceCoverage {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    entities: c.entities.len(),
                    relations: c.relations.len(),
                    locators: c.locators,
                    lines: c.lines.len(),
                }
            })
            .collect();
        Stats {
            entities: self.entity_count(),
            relations: self.relation_count(),
            entities_by_kind,
            relations_by_rel,
            sources,
            datasets: self.dataset_counts(),
            joins: self.join_counts(),
        }
    }

    /// How many records each identity rule joined into entities, the rules in their order.
    fn join_counts(&self) -> Vec<(String, usize)> {
        let counts = Rule::NAMES.map(|name| self.joins().iter().filter(|j| j.rule.name() == name).count());
        Rule::NAMES.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(name, n)| (name.to_string(), n)).collect()
    }

    /// What each dataset of a graph of several added: entities, relations.
    fn dataset_counts(&self) -> Vec<(String, usize, usize)> {
        let mut start = (0, 0);
        let mut out = Vec::new();
        for p in self.datasets() {
            out.push((p.name.clone(), (p.entities - start.0) as usize, (p.relations - start.1) as usize));
            start = (p.entities, p.relations);
        }
        out
    }
}
