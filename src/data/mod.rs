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
use crate::model::{Entity, Evidence, Relation, Schema, Source};

/// Everything a graph-data folder declares, validated.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub schema: Schema,
    pub sources: Vec<Source>,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
}

impl Dataset {
    pub fn entity_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.entities.iter().flat_map(|e| &e.evidence)
    }

    pub fn relation_evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.relations.iter().flat_map(|r| &r.evidence)
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
