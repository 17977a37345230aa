//! Loading graph-data: files to a validated [`Dataset`], with every problem reported.
//!
//! `files` reads a folder (or the built-in copy), `parse` turns TOML into raw records,
//! `validate` checks them against the schema and each other, and `evidence` checks
//! locators against the source documents. The entry point is [`load`]; it never stops at
//! the first problem and never panics on bad input.

mod bulk;
mod evidence;
mod files;
mod parse;
pub mod snapshot;
mod validate;

pub use evidence::{normalise, verify_sources};
pub use files::{DataFiles, ReadError};
pub use validate::MAX_QUOTE_WORDS;

use crate::diag::Diagnostic;
use crate::model::{Evidence, Schema, Source};
use crate::table::{Entities, EntityView, RelationView, Relations};

/// Everything a graph-data folder declares, validated, in compact tables.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub schema: Schema,
    pub sources: Vec<Source>,
    pub entities: Entities,
    pub relations: Relations,
}

impl Dataset {
    /// The entity numbered `n` (entities are numbered in the order they are declared).
    pub fn entity(&self, n: u32) -> EntityView<'_> {
        EntityView::new(&self.schema, &self.entities, n)
    }

    /// The relation numbered `e` (relations are numbered in the order they are declared).
    pub fn relation(&self, e: u32) -> RelationView<'_> {
        let (ends, rel) = (self.relations.ends(e), self.relations.rels()[e as usize]);
        RelationView::new(&self.schema, &self.entities, &self.relations, e, ends, rel)
    }

    /// Every entity, in the order declared.
    pub fn all_entities(&self) -> impl Iterator<Item = EntityView<'_>> {
        (0..self.entities.len() as u32).map(|n| self.entity(n))
    }

    /// Every relation, in the order declared.
    pub fn all_relations(&self) -> impl Iterator<Item = RelationView<'_>> {
        (0..self.relations.len() as u32).map(|e| self.relation(e))
    }

    pub fn entity_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.entities.with_more().flat_map(|(_, m)| &m.evidence)
    }

    pub fn relation_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.relations.with_more().flat_map(|(_, m)| &m.evidence)
    }
}

/// The outcome of loading: the dataset when there are no errors, and every diagnostic
/// (errors and warnings) in file order.
pub struct Loaded {
    pub dataset: Option<Dataset>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and validates graph-data.
pub fn load(files: &DataFiles) -> Loaded {
    let (dataset, mut diagnostics) = validate::validate(files);
    sort(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Loaded { dataset: (!failed).then_some(dataset), diagnostics }
}

/// Orders diagnostics by file and position, so each file's problems read top to bottom.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.location.as_ref().map(|l| (l.file.0, l.span.start)));
}
