//! Name resolution: a name, alias or id to one entity, case-insensitively, or an error that
//! lists the candidates (ambiguous) or the nearest names (unknown).

use std::fmt;

use super::{EntityRef, KnowledgeGraph, node_ref};
use crate::suggest::nearest;

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
    #[error("no entity is called \"{name}\"")]
    Unknown { name: String, nearest: Vec<Candidate> },
    #[error("\"{name}\" names {} entities", candidates.len())]
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

fn list(candidates: &[Candidate]) -> String {
    candidates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl KnowledgeGraph {
    /// Resolves an id, name or alias (case-insensitive) to one entity.
    /// Runs of whitespace count as one space, so a name typed across lines still resolves.
    pub fn resolve(&self, name: &str) -> Result<EntityRef, ResolveError> {
        let key = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if let Some(node) = self.by_id(&key) {
            return Ok(node);
        }
        match self.labelled(&key).as_slice() {
            [one] => Ok(*one),
            [] => Err(ResolveError::Unknown { name: name.to_string(), nearest: self.nearest(name, 3) }),
            many => Err(ResolveError::Ambiguous {
                name: name.to_string(),
                candidates: many.iter().map(|&n| self.candidate(n)).collect(),
            }),
        }
    }

    /// The entities with this name or alias (given lower-cased), in the order they were declared.
    fn labelled(&self, lowered: &str) -> Vec<EntityRef> {
        let mut nodes: Vec<EntityRef> = self.entity_table().named(lowered).map(node_ref).collect();
        nodes.extend(self.aliased(lowered));
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// The entities whose name or alias is closest to `name`.
    pub fn nearest(&self, name: &str, n: usize) -> Vec<Candidate> {
        let table = self.entity_table();
        let mut labels: Vec<String> = (0..table.len() as u32).map(|e| table.name(e).to_lowercase()).collect();
        labels.extend(self.aliases().map(|(alias, _)| alias.to_string()));
        labels.sort_unstable();
        labels.dedup();
        let mut out: Vec<Candidate> = Vec::new();
        for label in nearest(name, labels.iter().map(String::as_str), n * 3) {
            for node in self.labelled(label) {
                let candidate = self.candidate(node);
                if !out.contains(&candidate) {
                    out.push(candidate);
                }
            }
        }
        out.truncate(n);
        out
    }

    pub fn candidate(&self, node: EntityRef) -> Candidate {
        let e = self.entity(node);
        Candidate { id: e.id().to_string(), name: e.name().to_string(), kind: e.kind().to_string() }
    }
}
