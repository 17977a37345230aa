//! `kgq run` on hostile input, through the real binary: `--update` writes blocks that read
//! back as the same answer whatever the names hold, JUnit stays well-formed XML, and a
//! script that is not text is reported where it goes wrong without stopping the run.

use std::path::Path;

use crate::support::{fixture, kgq, root, stdout};

fn run_on(data: &str, args: &[&str]) -> std::process::Output {
    let data = fixture(data);
    let mut all = vec!["--data", data.to_str().unwrap(), "run"];
    all.extend_from_slice(args);
    kgq(&all, &root())
}

/// Statements whose answers hold escape sequences, line breaks, bars, backslashes,
/// trailing spaces, empty cells, rows that are one empty cell, and no rows at all.
const STATEMENTS: &str = "find *\n----\n\n\
match (e) return e.name, e.note\n----\n\n\
match (e {id: \"title\"}) return e.note\n----\nstale\n\n\
find * where name = \"nobody\"\n----\nstale row\n\n\
path clear to lines\n----\n";

fn update_then_run(data: &str, script: &Path) {
    let first = run_on(data, &["--update", script.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    let written = std::fs::read_to_string(script).unwrap();
    let after = run_on(data, &[script.to_str().unwrap()]);
    assert_eq!(after.status.code(), Some(0), "run after --update fails:\n{}\n{written}", stdout(&after));
    let again = run_on(data, &["--update", script.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(script).unwrap(), written, "a second --update changes nothing");
}

#[test]
fn update_then_run_passes_on_escape_sequences_line_breaks_and_empty_rows() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("escapes.kgq");
    std::fs::write(&script, STATEMENTS).unwrap();
    update_then_run("escapes", &script);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains(r"first\nsecond\ttabbed\rback\x7fdel\x00nul (lines)"), "{text}");
    assert!(text.contains("\\empty\n"), "a row of one empty cell: {text}");
    assert!(text.contains("find * where name = \"nobody\"\n----\n\npath"), "no rows: {text}");
}

#[test]
fn update_then_run_passes_on_bars_backslashes_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("hostile.kgq");
    std::fs::write(
        &script,
        "find *\n----\n\nmatch (e) return e.name, e.aliases\n----\n\npaths home to quotes max 12\n----\n",
    )
    .unwrap();
    update_then_run("hostile", &script);
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains(r"{braces} \| <ports> \| [brackets]"), "{text}");
    assert!(text.contains(r"Ends in a backslash \\"), "{text}");
}

#[test]
fn junit_is_well_formed_whatever_the_failures_hold() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("fails\u{1b}[2J.kgq");
    std::fs::write(
        &script,
        "expect find * contains \"nobody\u{1b}\u{1}\"\nexpect find * empty\nfind *\n----\nwrong\u{1b}]0;x\u{7}\n\nshow \"x\u{2}\u{fffe}\"\n",
    )
    .unwrap();
    let xml_path = dir.path().join("results.xml");
    let out = run_on("escapes", &["--junit", xml_path.to_str().unwrap(), script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the JUnit file is well-formed XML");
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(failures.len(), 4);
    assert!(failures[0].attribute("message").unwrap().contains(r"nobody\x1b\x01"), "{xml}");
    assert!(doc.root_element().children().any(|n| n.attribute("name").is_some_and(|a| a.contains(r"fails\x1b[2J"))));
}

#[test]
fn a_binary_script_is_located_counted_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary.kgq");
    std::fs::write(&binary, b"count *\nexpect count * returns 5\n\x7fELF\x02\x01\x00\x00\xff\xfe").unwrap();
    let latin1 = dir.path().join("latin1.kgq");
    std::fs::write(&latin1, b"count *\nshow \"Caf\xe9\"\n").unwrap();
    let xml_path = dir.path().join("results.xml");
    let args = [
        "--junit",
        xml_path.to_str().unwrap(),
        binary.to_str().unwrap(),
        latin1.to_str().unwrap(),
        "tests/scripts/passing.kgq",
    ];
    let out = run_on("net", &args);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("holds a NUL byte") && text.contains(&format!("[{}:3:", binary.display())), "{text}");
    assert!(text.contains("not UTF-8") && text.contains(&format!("[{}:2:10]", latin1.display())), "{text}");
    assert!(text.ends_with("\n11 passed, 2 failed\n"), "{text}");
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    assert!(roxmltree::Document::parse(&xml).is_ok(), "{xml}");
}

#[test]
fn a_device_as_a_script_ends_with_a_message() {
    let out = run_on("net", &["/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).ends_with("0 passed, 1 failed\n"), "{}", stdout(&out));
}

/// The shell reading `input` on standard input in `dir`.
fn shell(dir: &Path, input: &str) -> std::process::Output {
    let net = fixture("net");
    crate::support::kgq_with_input(&["--data", net.to_str().unwrap(), "--no-history"], dir, input)
}

#[test]
fn a_script_that_runs_itself_is_refused_with_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("loop.kgq"), "count *\n:run loop.kgq\n").unwrap();
    std::fs::write(dir.path().join("a.kgq"), ":run b.kgq\n").unwrap();
    std::fs::write(dir.path().join("b.kgq"), "count *\n:run ./a.kgq\n").unwrap();
    let out = shell(dir.path(), ":run loop.kgq\n:run a.kgq\n");
    assert_eq!(out.status.code(), Some(1));
    let err = crate::support::stderr(&out);
    assert!(err.contains("kgq: loop.kgq:2:1: `:run loop.kgq` would run a script inside itself"), "{err}");
    assert!(err.contains("chain: stdin:1:1 runs loop.kgq → loop.kgq:2:1 runs loop.kgq\n"), "{err}");
    assert!(err.contains("chain: stdin:2:1 runs a.kgq → a.kgq:1:1 runs b.kgq → b.kgq:2:1 runs ./a.kgq\n"), "{err}");
}

#[test]
fn a_long_chain_of_scripts_is_cut_at_the_nesting_bound() {
    let dir = tempfile::tempdir().unwrap();
    for i in 1..=30 {
        std::fs::write(dir.path().join(format!("s{i}.kgq")), format!(":run s{}.kgq\n", i + 1)).unwrap();
    }
    let out = shell(dir.path(), ":run s1.kgq\n");
    assert_eq!(out.status.code(), Some(1));
    let err = crate::support::stderr(&out);
    assert!(err.starts_with("kgq: s16.kgq:1:1: `:run` nests more than 16 scripts deep"), "{err}");
}

#[test]
fn a_graph_that_does_not_load_still_ends_the_run_with_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.toml"), "[[kind]\nname = ").unwrap();
    let broken = dir.path().to_str().unwrap();
    for (data, code) in [(broken, 1), ("no/such/folder", 2)] {
        let out = kgq(&["--data", data, "run", "tests/scripts/passing.kgq"], &root());
        assert_eq!(out.status.code(), Some(code), "{data}");
        assert_eq!(stdout(&out), "0 passed, 1 failed\n", "{data}");
    }
}
