//! Runaway searches stop at a limit with a message that says what to do, and never hang.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Failure, Settings};

use crate::support::{kgq, stderr, stdout};

/// A complete graph on `n` companies: every pair is related, so simple paths explode.
fn dense_files(n: usize) -> Vec<(String, String)> {
    let schema = "[[kind]]\nname = \"company\"\n\n[[relation]]\nname = \"knows\"\nfrom = [\"company\"]\nto = [\"company\"]\ndirected = false\nreads = \"knows\"\ninverse = \"knows\"\n";
    let sources = "[[source]]\nid = \"s\"\ntitle = \"S\"\nfile = \"s.txt\"\n";
    let evidence = "evidence = [{ source = \"s\", line = 1, quote = \"x\" }]\n";
    let entities: String = (0..n)
        .map(|i| format!("[[entity]]\nid = \"c{i}\"\nkind = \"company\"\nname = \"C{i}\"\n{evidence}\n"))
        .collect();
    let mut relations = String::new();
    for i in 0..n {
        for j in i + 1..n {
            relations.push_str(&format!("[[relation]]\nfrom = \"c{i}\"\nrel = \"knows\"\nto = \"c{j}\"\n{evidence}\n"));
        }
    }
    vec![
        ("schema.toml".into(), schema.into()),
        ("sources.toml".into(), sources.into()),
        ("entities/all.toml".into(), entities),
        ("relations/all.toml".into(), relations),
    ]
}

fn dense_graph() -> KnowledgeGraph {
    let loaded = data::load(&DataFiles::from_files("dense", dense_files(30)));
    KnowledgeGraph::build(loaded.dataset.expect("the dense graph is valid"))
}

#[test]
fn an_exhausted_time_budget_stops_the_search_with_advice() {
    let kg = dense_graph();
    let settings = Settings { timeout: Duration::ZERO, cancel: None };
    let Err(Failure::Eval(err)) = query::run(&kg, "paths c0 to c1 max 12 limit 100000", &settings) else {
        panic!("a search with no time left must stop");
    };
    assert_eq!(err.to_string(), "the query ran for 0 s and was stopped");
    assert!(err.help().contains("narrow the search"));
}

#[test]
fn a_cancelled_search_stops() {
    let kg = dense_graph();
    let cancel = AtomicBool::new(true);
    let settings = Settings { timeout: Duration::from_secs(60), cancel: Some(&cancel) };
    for statement in ["paths c0 to c1 max 12", "connect c0 and c1 max 12", "match (a)-[*1..12]-(b) return count(*)"] {
        let result = query::run(&kg, statement, &settings);
        assert!(matches!(result, Err(Failure::Eval(query::EvalError::Cancelled))), "{statement} was not cancelled");
    }
}

#[test]
fn the_row_cap_stops_enumeration_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in dense_files(30) {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let out = kgq(&["--data", ".", "query", "paths c0 to c1 max 12 limit 50 as csv"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 51, "a header and 50 rows");
    let out = kgq(&["--data", ".", "query", "paths c0 to c1 max 12 limit 50"], dir.path());
    assert!(stdout(&out).contains("(showing 50 of at least 51; use limit, or narrow with via, avoid or max)"));
}
