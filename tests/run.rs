//! `kgq run`: scripts with assertions and expected-output blocks, exit codes, `--bail`,
//! `--update` and JUnit XML.

use std::path::Path;

use crate::support::{fixture, kgq, root, stderr, stdout};

fn run(args: &[&str]) -> std::process::Output {
    let net = fixture("net");
    let mut all = vec!["--data", net.to_str().unwrap(), "run"];
    all.extend_from_slice(args);
    kgq(&all, &root())
}

#[test]
fn passing_scripts_exit_0_and_count_every_assertion() {
    let out = run(&["tests/scripts/passing.kgq"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).lines().last(), Some("11 passed, 0 failed"));
    assert!(stdout(&out).contains("ok   tests/scripts/passing.kgq:2  count company"));
}

#[test]
fn each_failing_assertion_names_its_line_and_shows_expected_and_actual() {
    let out = run(&["tests/scripts/failing.kgq"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().last(), Some("0 passed, 11 failed"));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn bail_stops_at_the_first_failure() {
    let out = run(&["--bail", "--quiet", "tests/scripts/failing.kgq", "tests/scripts/passing.kgq"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().last(), Some("0 passed, 1 failed"));
    assert!(!stdout(&out).contains("passing.kgq"));
}

#[test]
fn update_rewrites_blocks_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("update.kgq");
    std::fs::copy(root().join("tests/scripts/update.kgq"), &script).unwrap();
    let before = run(&[script.to_str().unwrap()]);
    assert_eq!(before.status.code(), Some(1), "the wrong blocks fail first");
    let out = run(&["--update", script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = std::fs::read_to_string(&script).unwrap();
    assert_eq!(
        text,
        "-- A comment that --update leaves alone.\n\
         find company where name starts with \"g\"\n\
         ----\n\
         Globex (globex) | company |\n\
         \n  -- an indented comment, also untouched\n\
         count group\n\
         ----\n\
         3\n\
         \n\
         expect count company returns 4   -- trailing comment\n"
    );
    let after = run(&[script.to_str().unwrap()]);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

#[test]
fn junit_lists_one_testcase_per_assertion() {
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("results.xml");
    let out = run(&[
        "--quiet",
        "--junit",
        xml_path.to_str().unwrap(),
        "tests/scripts/passing.kgq",
        "tests/scripts/failing.kgq",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the JUnit file is well-formed XML");
    let root_node = doc.root_element();
    assert_eq!(root_node.tag_name().name(), "testsuites");
    assert_eq!(root_node.attribute("tests"), Some("22"));
    assert_eq!(root_node.attribute("failures"), Some("11"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 22);
    assert_eq!(cases[0].attribute("name"), Some("tests/scripts/passing.kgq:2"));
    let failed: Vec<_> = cases.iter().filter(|c| c.children().any(|n| n.has_tag_name("failure"))).collect();
    assert_eq!(failed.len(), 11);
    assert!(failed.iter().all(|c| c.attribute("name").unwrap().starts_with("tests/scripts/failing.kgq:")));
    let message = failed[0].children().find(|n| n.has_tag_name("failure")).unwrap().attribute("message");
    assert_eq!(message, Some("expected a count of 5, got a count of 4"));
}

#[test]
fn unreadable_or_unparsable_scripts_exit_2_with_a_location_and_the_others_still_run() {
    let out = run(&["--quiet", "tests/scripts/no-such.kgq", "tests/scripts/passing.kgq"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("cannot read script tests/scripts/no-such.kgq"), "{}", stdout(&out));
    assert_eq!(stdout(&out).lines().last(), Some("11 passed, 1 failed"));
    let out = run(&["tests/scripts/broken.kgq"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("`expect` without an assertion") && text.contains("[tests/scripts/broken.kgq:5:1]"),
        "{text}"
    );
    assert!(
        text.contains("an expected-output block must follow a statement")
            && text.contains("[tests/scripts/broken.kgq:1:1]"),
        "{text}"
    );
    assert!(text.find("broken.kgq:1:1").unwrap() < text.find("broken.kgq:5:1").unwrap(), "errors in file order");
    assert!(text.ends_with("\n0 passed, 2 failed\n"), "{text}");
    assert!(Path::new("tests/scripts/broken.kgq").exists());
}

#[test]
fn the_shipped_scripts_pass_on_the_shipped_graph() {
    let out = kgq(
        &["run", "--quiet", "graph-data/queries/analyst-questions.kgq", "graph-data/queries/invariants.kgq"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with(" passed, 0 failed\n"));
}

/// One meaning per exit status wherever a statement runs: a statement that does not parse
/// is a failed statement (1) in `kgq query`, the shell and `kgq run` alike (a script may
/// even expect the error); a script whose own lines cannot be read as a script is 2.
#[test]
fn a_statement_that_does_not_parse_fails_alike_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("typo.kgq");
    std::fs::write(&script, "count dprk_organ\ncoutn x\n").unwrap();
    let query = kgq(&["query", "coutn x"], &root());
    let shell = crate::support::kgq_with_input(&["--no-history"], &root(), "count dprk_organ\ncoutn x\n");
    let run = kgq(&["run", script.to_str().unwrap()], &root());
    for (what, out) in [("query", &query), ("shell", &shell), ("run", &run)] {
        assert_eq!(out.status.code(), Some(1), "{what}");
    }
    assert!(stderr(&query).contains("did you mean `count`?") && stderr(&shell).contains("did you mean `count`?"));
    std::fs::write(&script, "count dprk_organ\nexpect 3 rowz\n").unwrap();
    assert_eq!(kgq(&["run", script.to_str().unwrap()], &root()).status.code(), Some(2));
}

#[test]
fn the_summary_counts_plain_statements_run_as_well_as_assertions() {
    let out = run(&["tests/scripts/report.kgq"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("\n5 statements run\n2 passed, 0 failed\n"), "{}", stdout(&out));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("plain.kgq");
    std::fs::write(&script, "count company\nfind group\ncount nosuchkind\n").unwrap();
    let xml = dir.path().join("results.xml");
    let out = run(&["--junit", xml.to_str().unwrap(), script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("this statement failed") && !text.contains("assertion"), "{text}");
    assert!(text.ends_with("\n3 statements run\n0 passed, 1 failed\n"), "{text}");
    // JUnit lists what can fail on its own: assertions, and plain statements that failed.
    let xml = std::fs::read_to_string(&xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert_eq!(doc.root_element().attribute("tests"), Some("1"));
    assert_eq!(doc.root_element().attribute("failures"), Some("1"));
    let out = run(&["--quiet", script.to_str().unwrap()]);
    assert!(stdout(&out).ends_with("\n3 statements run\n0 passed, 1 failed\n"), "{}", stdout(&out));
}

#[test]
fn echo_prints_each_statement_as_written_with_its_answer() {
    let out = run(&["--echo", "tests/scripts/report.kgq"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    let refused = run(&["--echo", "--quiet", "tests/scripts/report.kgq"]);
    assert_eq!(refused.status.code(), Some(2), "--echo and --quiet contradict each other");
}

/// The README's pipeline step for a data repository runs as written: its `run:` lines,
/// through a shell with `kgq` on the `PATH`, in a data repository laid out as the README
/// says (graph-data/ with its scripts in queries/, the cited documents in sources/).
#[test]
fn the_readme_ci_step_runs_as_written_in_a_data_repository() {
    let Some(documents) = crate::support::shared_sources("the README's CI step") else { return };
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let (_, yaml) = readme.split_once("```yaml\n").expect("the README shows the CI step");
    let (yaml, _) = yaml.split_once("```").unwrap();
    let (_, commands) = yaml.split_once("run: |\n").expect("the step runs commands");
    let repo = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &str| {
        for (rel, text) in crate::support::read_tree(from) {
            let path = repo.path().join(to).join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    };
    copy(&root().join("graph-data"), "graph-data");
    copy(&documents, "sources");
    let bin = Path::new(env!("CARGO_BIN_EXE_kgq")).parent().unwrap().to_path_buf();
    let path =
        std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("set -e\n{commands}"))
        .current_dir(repo.path())
        .env("PATH", path.unwrap())
        .env("NO_COLOR", "1")
        .output()
        .expect("a shell runs");
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("evidence locators verified") && stdout(&out).ends_with(" passed, 0 failed\n"));
    let xml = std::fs::read_to_string(repo.path().join("kgq-results.xml")).expect("the JUnit file");
    roxmltree::Document::parse(&xml).expect("well-formed XML");
}
