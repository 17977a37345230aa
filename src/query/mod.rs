//! The query language: text → [`ast::Query`] (`parser`) → checked [`plan::Plan`] (`plan`,
//! names resolved against the graph and schema) → [`Rows`] (`eval`).
//!
//! No IO happens here: the caller supplies the text and the graph, and renders the rows.
//! Every error carries the byte span of the query text it is about.

pub mod ast;
mod commentary;
mod eval;
mod evidence;
mod fields;
mod parser;
mod pattern;
pub mod plan;
mod rows;
pub mod script;
pub mod syntax;
mod text_search;

use std::ops::Range;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use eval::{EvalError, eval};
pub use fields::{ENTITY_FIELDS, RELATION_FIELDS};
pub use parser::parse;
pub use plan::plan;
pub use rows::{Card, Locator, RELATION_COLUMNS, RELATION_DETAILS, Rows, Shape, Value, relation_row};

use crate::diag::{Diagnostic, FileId, Location, SourceMap, Style};
use crate::graph::KnowledgeGraph;

/// A problem with a query, located in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub span: Range<usize>,
    pub label: String,
    pub help: Option<String>,
}

impl QueryError {
    pub fn new(message: impl Into<String>, span: Range<usize>, label: impl Into<String>) -> QueryError {
        QueryError { message: message.into(), span, label: label.into(), help: None }
    }

    pub fn help(mut self, help: impl Into<String>) -> QueryError {
        self.help = Some(help.into());
        self
    }

    /// The query text as a diagnostic source: with a trailing space, so that a caret at the
    /// end of the text has a character to stand under.
    pub fn source_text(text: &str) -> String {
        format!("{text} ")
    }

    /// As a diagnostic pointing into the query text registered as `file`.
    pub fn to_diagnostic(&self, file: FileId) -> Diagnostic {
        let diag =
            Diagnostic::error(self.message.clone()).at(Location::new(file, self.span.clone()), self.label.clone());
        match &self.help {
            Some(help) => diag.help(help.clone()),
            None => diag,
        }
    }
}

/// Bounds every query runs under.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// Wall-clock limit for one statement.
    pub timeout: Duration,
    /// Set from another thread (Ctrl-C) to stop a running statement.
    pub cancel: Option<&'a AtomicBool>,
}

impl Default for Settings<'_> {
    fn default() -> Self {
        Settings { timeout: Duration::from_secs(10), cancel: None }
    }
}

/// Why a statement produced no rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The text does not parse, or names something unknown.
    Query(QueryError),
    /// Evaluation stopped (time limit, cancellation, refused enumeration).
    Eval(EvalError),
}

impl Failure {
    /// The failure as kgq prints it: for a query error, the text named `name` with a caret
    /// under the words (the statement starts at byte `offset` of `text`); for an evaluation
    /// error, the message and what to do.
    pub fn render(&self, name: &str, text: &str, offset: usize, style: Style) -> String {
        let mut map = SourceMap::default();
        let file = map.add(name, QueryError::source_text(text));
        let diag = match self {
            Failure::Query(e) => {
                let span = e.span.start + offset..e.span.end + offset;
                QueryError { span, ..e.clone() }.to_diagnostic(file)
            }
            // Evaluation is about the whole statement: its first word marks where it is.
            Failure::Eval(e) => {
                let lead = text.len() - text.trim_start().len();
                let word = text.split_whitespace().next().map_or(0, str::len);
                let span = offset + lead..offset + lead + word;
                let label = match e {
                    EvalError::Cancelled => "this statement was cancelled",
                    _ => "this statement was stopped",
                };
                Diagnostic::error(e.to_string()).at(Location::new(file, span), label).help(e.help())
            }
        };
        crate::diag::render(&[diag], &map, style)
    }
}

/// Parses, checks and evaluates one statement.
pub fn run(kg: &KnowledgeGraph, text: &str, settings: &Settings) -> Result<(Rows, Option<ast::Format>), Failure> {
    let query = parse(text).map_err(Failure::Query)?;
    plan::take_unknown_names();
    let plan = plan(kg, &query).map_err(Failure::Query)?;
    let unknown = plan::take_unknown_names();
    let mut rows = eval(kg, &plan, settings).map_err(Failure::Eval)?;
    rows.notes.extend(unknown);
    Ok((rows, query.format))
}
