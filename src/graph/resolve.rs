//! Name resolution: a name, alias or id to one entity, case-insensitively, or an error that
//! lists the candidates (ambiguous) or the nearest names (unknown).

use std::fmt;

use super::{EntityRef, KnowledgeGraph};
use crate::suggest;

/// An entity offered in an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub kind: String,
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" ({}, id {})", self.name, self.kind, self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no entity is called {}", quoted(name))]
    Unknown { name: String, nearest: Vec<Candidate> },
    #[error("{} names {} entities", quoted(name), candidates.len())]
    Ambiguous { name: String, candidates: Vec<Candidate> },
}

impl ResolveError {
    /// What to do about it, in one sentence.
    pub fn help(&self) -> String {
        match self {
            ResolveError::Unknown { nearest, .. } if nearest.is_empty() => {
                "check the spelling; `find *` lists every entity".into()
            }
            ResolveError::Unknown { nearest, .. } => format!("did you mean {}?", list(nearest)),
            ResolveError::Ambiguous { candidates, .. } => {
                format!("say which one by id or full name: {}", list(candidates))
            }
        }
    }
}

/// A name as an error message repeats it, in quotes: whole when short, else its start and
/// its length (the caret already points at all of it).
fn quoted(name: &str) -> String {
    const SHOWN: usize = 80;
    let count = name.chars().count();
    if count <= SHOWN {
        return format!("\"{name}\"");
    }
    format!("\"{}…\" ({count} characters)", name.chars().take(SHOWN).collect::<String>())
}

fn list(candidates: &[Candidate]) -> String {
    candidates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl KnowledgeGraph {
    /// Resolves an id, name or alias (case-insensitive) to one entity.
    /// Runs of whitespace count as one space, so a name typed across lines still resolves.
    pub fn resolve(&self, name: &str) -> Result<EntityRef, ResolveError> {
        match self.named(name).as_slice() {
            [one] => Ok(*one),
            [] => Err(ResolveError::Unknown { name: name.to_string(), nearest: self.nearest(name, 3) }),
            many => Err(ResolveError::Ambiguous {
                name: name.to_string(),
                candidates: many.iter().map(|&n| self.candidate(n)).collect(),
            }),
        }
    }

    /// The entities a reference may mean, as [`KnowledgeGraph::resolve`] reads it: the one
    /// with that id, else every one with that name or alias. Unlike `resolve`, it never looks
    /// for near misses, for callers to whom no entity is an answer rather than a mistake.
    pub fn named(&self, name: &str) -> Vec<EntityRef> {
        let key = name.split_whitespace().collect::<Vec<_>>().join(" ");
        // Imported ids keep their case (FtM's `NK-2vZc…`); curated ids are lower-case slugs.
        if let Some(node) = self.by_id(&key) {
            return vec![node];
        }
        let key = key.to_lowercase();
        match self.by_id(&key) {
            Some(node) => vec![node],
            None => self.labelled(&key),
        }
    }

    /// The entities with this name or alias (given lower-cased), in the order they were declared.
    fn labelled(&self, lowered: &str) -> Vec<EntityRef> {
        let mut nodes: Vec<EntityRef> = self.entity_table().named(lowered).map(EntityRef::new).collect();
        nodes.extend(self.aliased(lowered));
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// The entities `name` most likely means: those whose name or alias holds every word of
    /// it (fewest other words first, so "workers in poland" offers the Polish worker groups),
    /// or else those whose name or alias is closest to it as a whole (a typo).
    pub fn nearest(&self, name: &str, n: usize) -> Vec<Candidate> {
        let holding: Vec<Candidate> = self.holding_words(name, n).into_iter().map(|e| self.candidate(e)).collect();
        if !holding.is_empty() {
            return holding;
        }
        let labels = self.suggestions.get_or_init(|| Labels::new(self));
        let mut out: Vec<Candidate> = Vec::new();
        for label in labels.index.nearest(name, n * 3) {
            let candidate = self.candidate(labels.owners[label as usize]);
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
        out.truncate(n);
        out
    }

    /// Up to `n` entities whose name or an alias holds every word of `text` (by
    /// [`suggest::contains_word`]), those with the fewest words first, then by name. One
    /// pass over the names and aliases, made only when a name is not found.
    fn holding_words(&self, text: &str, n: usize) -> Vec<EntityRef> {
        let words = suggest::words(text);
        if words.is_empty() || n == 0 {
            return Vec::new();
        }
        let holds = |label: &str| words.iter().all(|w| suggest::contains_word(label, w));
        let length = |label: &str| label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count();
        let mut found: Vec<(usize, &str, EntityRef)> = Vec::new();
        for (node, e) in self.entities() {
            let best = std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str)).filter(|l| holds(l));
            if let Some(fewest) = best.map(length).min() {
                found.push((fewest, e.name(), node));
            }
        }
        found.sort_unstable();
        found.into_iter().take(n).map(|(_, _, node)| node).collect()
    }

    pub fn candidate(&self, node: EntityRef) -> Candidate {
        let e = self.entity(node);
        Candidate { id: e.id().to_string(), name: e.name().to_string(), kind: e.kind().to_string() }
    }
}

/// Every name and alias with the entity it belongs to, indexed for "did you mean". Built
/// when a name is first not found, so a graph that resolves every name never pays for it.
#[derive(Debug, Clone)]
pub(super) struct Labels {
    index: suggest::Index,
    /// The entity of each label, by the label's number in `index`.
    owners: Vec<EntityRef>,
}

impl Labels {
    fn new(kg: &KnowledgeGraph) -> Labels {
        let table = kg.entity_table();
        let names = (0..table.len() as u32).map(|e| (table.name(e), EntityRef::new(e)));
        let aliases = kg.aliases().flat_map(|(alias, nodes)| nodes.iter().map(move |&node| (alias, node)));
        let mut labels: Vec<(&str, EntityRef)> = names.chain(aliases).collect();
        // Aliases come from a hash map: a fixed order keeps suggestions deterministic.
        labels[table.len()..].sort_unstable();
        let index = suggest::Index::new(labels.iter().map(|&(label, _)| label));
        Labels { index, owners: labels.into_iter().map(|(_, node)| node).collect() }
    }
}
