//! Query snapshots: every statement in `tests/queries/shipped/*.kgq` runs against the
//! built-in graph, every one in `tests/queries/net/*.kgq` against `tests/fixtures/net`; each
//! file's answers (or rendered errors) are one snapshot.
//!
//! One statement per line; `--` lines are comments. A statement's `as FORMAT` picks the
//! format, table otherwise (uncut, as when piped).

use std::sync::OnceLock;

use kgq::data::{self, DataFiles};
use kgq::diag::Style;
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings};
use kgq::render;

use crate::support::fixture;

pub fn shipped_graph() -> &'static KnowledgeGraph {
    static GRAPH: OnceLock<KnowledgeGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        KnowledgeGraph::build(data::load(&kgq::builtin::files()).dataset.expect("built-in graph loads"))
    })
}

pub fn net_graph() -> &'static KnowledgeGraph {
    static GRAPH: OnceLock<KnowledgeGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let files = DataFiles::read_dir(&fixture("net")).expect("net fixture is readable");
        KnowledgeGraph::build(data::load(&files).dataset.expect("net fixture loads"))
    })
}

/// Runs one statement and renders its answer or error as the CLI would print it.
pub fn answer(kg: &KnowledgeGraph, statement: &str) -> String {
    match query::run(kg, statement, &Settings::default()) {
        Ok((rows, format)) => {
            let format = format.unwrap_or(render::Format::Table);
            match render::produce(kg, render::Subject::Answer(&rows), format, &Default::default(), &Default::default())
            {
                Ok(produced) => String::from_utf8(produced.bytes).expect("answers are UTF-8"),
                Err(too_large) => format!("{too_large}\n"),
            }
        }
        Err(failure) => failure.render("query", statement, 0, Style::Plain),
    }
}

fn transcript(kg: &KnowledgeGraph, script: &str) -> String {
    let mut out = String::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("--")) {
        out.push_str(&format!("> {line}\n{}\n", answer(kg, line)));
    }
    out
}

#[test]
fn shipped_graph_answers() {
    let _serial = crate::support::glob_lock();
    insta::glob!("queries/shipped/*.kgq", |path| {
        let script = std::fs::read_to_string(path).expect("query file is readable");
        insta::assert_snapshot!(transcript(shipped_graph(), &script));
    });
}

#[test]
fn fixture_graph_answers() {
    let _serial = crate::support::glob_lock();
    insta::glob!("queries/net/*.kgq", |path| {
        let script = std::fs::read_to_string(path).expect("query file is readable");
        insta::assert_snapshot!(transcript(net_graph(), &script));
    });
}

#[test]
fn help_examples_answer_on_the_shipped_graph() {
    for (keyword, example) in kgq::query::syntax::EXAMPLES {
        let result = query::run(shipped_graph(), example, &Settings::default());
        let (rows, _) = result.unwrap_or_else(|e| panic!("the :help example for {keyword} fails: {e:?}"));
        assert!(!rows.rows.is_empty(), "the :help example for {keyword} has no answer: {example}");
    }
}
