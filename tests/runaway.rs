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

/// A statement whose text is `prefix`, then `unit` `n` times, then `suffix`.
fn long_statement(prefix: &str, unit: &str, n: usize, suffix: &str) -> String {
    format!("{prefix}{}{suffix}", unit.repeat(n))
}

#[test]
fn deeply_nested_brackets_are_refused_before_they_can_exhaust_the_stack() {
    let kg = crate::queries::shipped_graph();
    let statement = format!("find * where {}id = \"poland\"{}", "(".repeat(3500), ")".repeat(3500));
    let Err(Failure::Query(err)) = query::run(kg, &statement, &Settings::default()) else {
        panic!("3500 nested brackets must be refused");
    };
    assert_eq!(err.message, "brackets nest more than 64 deep");
    assert_eq!(err.span, 13 + 64..13 + 65, "the caret is under the first bracket too deep");
    let ok = format!("find * where {}id = \"poland\"{}", "(".repeat(60), ")".repeat(60));
    assert!(query::run(kg, &ok, &Settings::default()).is_ok(), "60 levels are fine");
}

#[test]
fn a_long_chain_of_nots_keeps_its_parity_without_nesting() {
    let kg = crate::queries::shipped_graph();
    for (n, expected) in [(100_000, 1), (99_999, 368)] {
        let statement = long_statement("count * where ", "not ", n, "id = \"poland\"");
        let (rows, _) = query::run(kg, &statement, &Settings::default()).expect("a chain of nots runs");
        assert_eq!(rows.rows[0][0], kgq::query::Value::Int(expected), "{n} nots");
    }
}

#[test]
fn a_match_with_thousands_of_patterns_is_refused_at_the_first_one_too_many() {
    let kg = crate::queries::shipped_graph();
    let statement = format!("match {} return count(*)", vec!["(a)"; 30_000].join(", "));
    let Err(Failure::Query(err)) = query::run(kg, &statement, &Settings::default()) else {
        panic!("30000 patterns must be refused");
    };
    assert_eq!(err.message, "a `match` takes at most 32 comma-separated patterns");
    assert_eq!(err.span.start, "match ".len() + 32 * "(a), ".len());
}

#[test]
fn counts_are_exact_past_a_hundred_thousand_matches() {
    // 60 companies, every pair related once: a walk a-r-b-s-c with r != s has n(n-1)(n-2).
    let loaded = data::load(&DataFiles::from_files("dense", dense_files(60)));
    let kg = KnowledgeGraph::build(loaded.dataset.expect("the dense graph is valid"));
    let (rows, _) = query::run(&kg, "match (a)-[r]-(b)-[s]-(c) return count(*)", &Settings::default()).unwrap();
    assert_eq!(rows.rows, vec![vec![kgq::query::Value::Int(60 * 59 * 58)]]);
    assert!(rows.notes.is_empty(), "an exact count carries no note: {:?}", rows.notes);
}

#[test]
fn an_answer_too_large_to_write_is_refused_not_cut() {
    let kg = dense_graph();
    let (rows, _) = query::run(&kg, "paths c0 to c1 max 6 limit 100000", &Settings::default()).unwrap();
    assert_eq!(rows.len(), 100_000);
    // As JSON, 100000 paths of up to six hops with their evidence pass 64 MiB.
    let answer = kgq::render::Subject::Answer(&rows);
    match kgq::render::produce(&kg, answer, kgq::render::Format::Json, &Default::default(), &Default::default()) {
        Err(err) => assert_eq!(err.to_string(), "the answer is larger than 64 MiB as text"),
        Ok(produced) => panic!("an answer of {} bytes was not refused", produced.bytes.len()),
    }
}

#[test]
fn a_timeout_too_large_for_the_clock_is_no_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let out = kgq(&["query", "count *", "--timeout", "1e19"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("369"));
}

/// An `exists` block searched once per row polls the same time budget as the match around
/// it: a block that can never match, over a segment that explodes, stops the statement.
#[test]
fn an_exists_block_runs_under_the_statements_time_budget() {
    let kg = dense_graph();
    let settings = Settings { timeout: Duration::from_millis(300), cancel: None };
    let statement = "match (a {id: \"c0\"}) where not exists { (a)-[*1..12]-(b) where b.id = \"none\" } return a";
    let started = std::time::Instant::now();
    let result = query::run(&kg, statement, &settings);
    assert!(matches!(result, Err(Failure::Eval(query::EvalError::TimedOut(_)))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped after {:?}", started.elapsed());
    let cancel = AtomicBool::new(true);
    let settings = Settings { timeout: Duration::from_secs(60), cancel: Some(&cancel) };
    let result = query::run(&kg, statement, &settings);
    assert!(matches!(result, Err(Failure::Eval(query::EvalError::Cancelled))), "{result:?}");
}

/// What aggregates hold (distinct keys, collected values) counts against the statement's
/// memory budget: collecting every path of a dense graph fails the statement, never the process.
#[test]
fn collected_values_count_against_the_memory_budget() {
    let kg = dense_graph();
    let settings = Settings { timeout: Duration::from_secs(120), cancel: None };
    let result = query::run(&kg, "match (a {id: \"c0\"})-[p*1..5]-(b) return collect(p)", &settings);
    assert!(matches!(result, Err(Failure::Eval(query::EvalError::OverBudget(_)))), "{result:?}");
}
