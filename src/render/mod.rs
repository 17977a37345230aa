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

/// Renders query results in `format`; `width` cuts table cells to a terminal's width.
pub fn rows(kg: &KnowledgeGraph, rows: &Rows, format: Format, width: Option<usize>) -> String {
    match format {
        Format::Table => table::render(kg, rows, width),
        Format::Json => json::rows(kg, rows),
        Format::Csv => csv::render(kg, rows),
        Format::Dot => dot::rows(kg, rows),
    }
}
