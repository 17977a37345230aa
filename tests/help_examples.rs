//! Every example the help prints runs on the shipped graph: statements answer without an
//! error, and `expect` lines hold when `kgq run` runs them. The test walks the help's
//! tables (`query::syntax::EXAMPLE_TABLES`), so an example added to any of them is checked.

use std::time::Duration;

use kgq::data;
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings, syntax::EXAMPLE_TABLES};

use crate::support::{kgq, root, stdout};

#[test]
fn every_statement_example_in_the_help_runs_on_the_shipped_graph() {
    let kg = KnowledgeGraph::build(data::load(&kgq::builtin::files()).dataset.expect("built-in graph loads"));
    let settings = Settings { timeout: Duration::from_secs(60), cancel: None };
    let mut ran = 0;
    for (topic, table) in EXAMPLE_TABLES {
        for (form, example) in table.iter().filter(|(_, e)| !e.starts_with("expect ")) {
            let answer = query::run(&kg, example, &settings);
            assert!(answer.is_ok(), "the {topic} example of `{form}` fails: {example}\n{:?}", answer.err());
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} examples found");
}

#[test]
fn every_expect_example_in_the_help_holds_on_the_shipped_graph() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = EXAMPLE_TABLES
        .iter()
        .flat_map(|(_, t)| t.iter())
        .map(|(_, e)| *e)
        .filter(|e| e.starts_with("expect "))
        .collect();
    assert!(lines.len() >= 8, "{lines:?}");
    let script = dir.path().join("help.kgq");
    std::fs::write(&script, lines.join("\n") + "\n").unwrap();
    let out = kgq(&["run", script.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("{} passed, 0 failed", lines.len())), "{}", stdout(&out));
}
