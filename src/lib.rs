//! kgq builds a knowledge graph from curated data files and answers questions about it.
//!
//! The pipeline, one module per stage:
//! `data` (graph-data files to a validated [`data::Dataset`], with located diagnostics) →
//! `graph` ([`graph::KnowledgeGraph`]: one adjacency structure plus indexes) → `render` (JSON and the
//! other output formats). `diag` renders problems with snippets and carets; `cli` is the
//! command line, which the binary only calls.

pub mod builder;
pub mod cli;
pub mod data;
pub mod diag;
pub mod format;
pub mod fsutil;
pub mod graph;
pub mod graphviz;
pub mod model;
pub mod query;
pub mod render;
pub mod repl;
pub mod scripts;
pub mod serve;
pub mod store;
pub mod style;
pub mod suggest;

pub use data::builtin;
