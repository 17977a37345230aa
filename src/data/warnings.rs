//! Warnings that keep a graph honest once it is loaded: entities in no relation, sources
//! nobody cites. An entity a `same_as` names is not isolated (its relations may be in the
//! dataset it joins), and a `same_as`'s evidence cites its sources.

use std::collections::HashSet;

use super::Dataset;
use crate::diag::{Diagnostic, FileId, Location};

/// The warnings for `data`, whose entities are written at `origins` (file, start, end).
pub fn coverage(data: &Dataset, origins: &[(u32, u32, u32)]) -> Vec<Diagnostic> {
    let mut linked = vec![false; data.entities.len()];
    for e in 0..data.relations.len() as u32 {
        let (a, b) = data.relations.ends(e);
        linked[a as usize] = true;
        linked[b as usize] = true;
    }
    for s in &data.same_as {
        for id in [&s.kept, &s.joined] {
            if let Some(n) = data.entities.find(id) {
                linked[n as usize] = true;
            }
        }
    }
    let mut out = Vec::new();
    for (n, _) in linked.iter().enumerate().filter(|(_, linked)| !**linked) {
        let (file, start, end) = origins[n];
        out.push(
            Diagnostic::warning(format!("entity `{}` takes part in no relation", data.entities.id(n as u32)))
                .at(Location::new(FileId(file), start as usize..end as usize), "isolated")
                .help("add the relations the sources state for it, or remove it"),
        );
    }
    let same_as = data.same_as.iter().flat_map(|s| &s.evidence);
    let cited: HashSet<&str> =
        data.entity_evidence().chain(data.relation_evidence()).chain(same_as).map(|ev| &*ev.source).collect();
    for s in data.sources.iter().filter(|s| !cited.contains(s.id.as_str())) {
        out.push(
            Diagnostic::warning(format!("source `{}` is never cited", s.id))
                .at(s.origin.clone(), "not cited")
                .help("cite it from the entities and relations it supports, or remove it"),
        );
    }
    out
}
