//! Output formats. Rendering never decides what is in a result: it writes what it is given.
//!
//! `table` (aligned text for terminals), `json` (the graph export and query results),
//! `csv`, `dot` (Graphviz), `graph_json` (a picture's nodes and edges for web viewers),
//! `stats` (the counts of `kgq stats`), with `picture` choosing what a picture shows (for
//! `dot` and `graph_json` alike) and `text` holding the plain-text forms of values that
//! several of them share.

pub mod csv;
pub mod dot;
pub mod graph_json;
pub mod json;
pub mod picture;
pub mod stats;
pub mod table;
pub mod text;

use crate::graph::KnowledgeGraph;
use crate::query::Rows;
use crate::query::ast::Format;

/// The most text one answer may render to. Rows are capped by their statements, but a row
/// can be long (a 12-hop path with the evidence of every relation), so the written text is
/// bounded too, and an answer past it is refused rather than cut.
pub const ANSWER_BUDGET: usize = 64 << 20;

/// An answer whose rendering would pass [`ANSWER_BUDGET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the answer is larger than {} MiB as text", .0 >> 20)]
pub struct TooLarge(pub usize);

impl TooLarge {
    pub fn help(&self) -> &'static str {
        "ask for fewer rows with `limit`, or narrow the question (a lower `max`, `via`, `avoid`)"
    }
}

/// Renders query results in `format`; `width` cuts table cells to a terminal's width.
pub fn rows(kg: &KnowledgeGraph, rows: &Rows, format: Format, width: Option<usize>) -> Result<String, TooLarge> {
    let text = match format {
        Format::Table => table::render(kg, rows, width),
        Format::Json => return json::rows(kg, rows),
        Format::Csv => csv::render(kg, rows),
        Format::Dot => dot::rows(kg, rows),
    };
    if text.len() > ANSWER_BUDGET { Err(TooLarge(ANSWER_BUDGET)) } else { Ok(text) }
}
