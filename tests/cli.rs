//! The real binary: exit codes, output files and formats.

use std::path::Path;

use crate::check_cases::overlay;
use crate::support::{fixture, kgq, root, stderr, stdout};

fn write_tree(dir: &Path, files: &[(String, String)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("files have a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write fixture file");
    }
}

#[test]
fn check_passes_a_clean_folder_and_verifies_its_locators() {
    let base = fixture("base");
    let docs = fixture("docs");
    let out = kgq(&["check", base.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("ok, 5 entities, 4 relations, 9 evidence locators verified\n"), "{}", stdout(&out));
}

#[test]
fn check_reports_problems_in_every_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(root().join("tests/check/many_problems.case")).unwrap();
    write_tree(dir.path(), &overlay(&case).0);
    let out = kgq(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for file in ["./schema.toml", "./entities/more.toml", "./relations/more.toml"] {
        assert!(err.contains(&format!("[{file}:")), "no diagnostic in {file}:\n{err}");
    }
    assert!(err.lines().last().unwrap().starts_with(".: 8 errors"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn check_of_a_missing_folder_is_a_usage_error() {
    let out = kgq(&["check", "no/such/folder"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "kgq: cannot read no/such/folder: no such folder\n");
    let out = kgq(&["check", "tests"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "kgq: tests is not a graph-data folder: it has no schema.toml and no bulk (.csv, .jsonl) files\n"
    );
}

#[test]
fn unknown_commands_and_flags_are_usage_errors() {
    assert_eq!(kgq(&["frobnicate"], &root()).status.code(), Some(2));
    assert_eq!(kgq(&["export", "--format", "yaml"], &root()).status.code(), Some(2));
    assert_eq!(kgq(&["--help"], &root()).status.code(), Some(0));
}

#[test]
fn stats_counts_by_kind_relation_and_source() {
    let base = fixture("base");
    let out = kgq(&["--data", base.to_str().unwrap(), "stats"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn export_json_writes_the_documented_schema_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixture("base");
    let target = dir.path().join("graph.json");
    let out =
        kgq(&["--data", base.to_str().unwrap(), "export", "--format", "json", "-o", target.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec!["graph.json"], "no temporary file is left behind");
    let text = std::fs::read_to_string(&target).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], "kgq-graph");
    assert_eq!(json["version"], 1);
    let acme = &json["entities"][1];
    assert_eq!(acme["id"], "acme");
    assert_eq!(acme["aliases"], serde_json::json!(["Acme"]));
    let rel = &json["relations"][0];
    for key in ["from", "rel", "to", "since", "until", "date", "status", "attrs", "note", "evidence"] {
        assert!(rel.get(key).is_some(), "relation lacks `{key}`");
    }
    assert_eq!(rel["since"], "2015");
    assert_eq!(rel["until"], serde_json::Value::Null);
    assert_eq!(rel["attrs"]["headcount"], 120);
    assert_eq!(
        rel["evidence"][0],
        serde_json::json!({"source": "memo", "line": 3, "quote": "sent 120 welders to the Harbour Shipyard"})
    );
    assert_eq!(json["sources"][0]["id"], "memo");
    // Standard output carries the same document.
    let out = kgq(&["--data", base.to_str().unwrap(), "export", "--format", "json"], &root());
    assert_eq!(stdout(&out), text);
}

#[test]
fn export_into_a_missing_folder_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing/graph.json");
    let base = fixture("base");
    let out =
        kgq(&["--data", base.to_str().unwrap(), "export", "--format", "json", "-o", target.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("kgq: cannot write "), "{}", stderr(&out));
}

#[test]
fn a_broken_data_folder_stops_other_commands_with_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(root().join("tests/check/unknown_kind.case")).unwrap();
    write_tree(dir.path(), &overlay(&case).0);
    let out = kgq(&["--data", ".", "stats"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown kind `contry`"), "{}", stderr(&out));
}

#[test]
fn a_bulk_folder_without_schema_loads_with_an_inferred_vocabulary() {
    let bulk = fixture("bulk");
    let out = kgq(&["check", bulk.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("bulk: ok, 4 entities, 3 relations\n"), "{}", stdout(&out));
    let out = kgq(&["--data", bulk.to_str().unwrap(), "query", "path pat to lee as csv"], &root());
    assert_eq!(
        stdout(&out),
        "hops,path,relations\n3,pat -[works_for]-> acme -[partner_of]-> globex <-[works_for]- lee,\"pat works_for acme \
         [since 2015, reported] | acme partner_of globex [reported] | lee works_for globex [since 2018, reported]\"\n"
    );
    let out = kgq(&["--data", bulk.to_str().unwrap(), "query", "find * where founded > 2000 as csv"], &root());
    assert_eq!(stdout(&out), "entity,kind,country\nglobex,company,\n", "attributes are typed");
}

/// Runs the real `kgq` with `PATH` set to `path` (where it looks for Graphviz).
fn kgq_with_path(args: &[&str], path: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(args)
        .current_dir(root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("the kgq binary runs")
}

const PICTURE: &str = "path \"Poland\" to \"Munitions Industry Department\"";

#[test]
fn export_draws_svg_and_png_with_graphviz() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("picture.svg");
    let out = kgq(&["export", "--format", "svg", "--query", PICTURE, "-o", target.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "Graphviz had nothing to say");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec!["picture.svg"], "no temporary file is left behind");
    let svg = std::fs::read_to_string(&target).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("Munitions Industry"), "{svg}");

    // PNG is binary, and goes to standard output when that is not a terminal.
    let out = kgq(&["export", "--format", "png", "--query", PICTURE, "--cluster", "country"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image");

    // `kgq query` draws too, and takes --cluster.
    let out = kgq(&["query", PICTURE, "--format", "svg", "--cluster", "country"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("<svg"));
}

#[test]
fn images_without_graphviz_say_what_to_install_and_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    for args in [&["export", "--format", "svg"][..], &["query", PICTURE, "--format", "png"]] {
        let out = kgq_with_path(args, empty.path());
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "kgq: Graphviz `dot` was not found on PATH; install graphviz, or export --format dot\n"
        );
        assert!(out.stdout.is_empty());
    }
    // DOT itself needs no Graphviz.
    let out = kgq_with_path(&["export", "--format", "dot", "--query", PICTURE], empty.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_failing_graphviz_shows_what_it_said_and_exits_1() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("dot");
    std::fs::write(&fake, "#!/bin/sh\necho 'Error: <stdin>: syntax error in line 3' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let target = bin.path().join("picture.svg");
    let out = kgq_with_path(&["export", "--format", "svg", "-o", target.to_str().unwrap()], bin.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "Error: <stdin>: syntax error in line 3\nkgq: Graphviz `dot` failed (exit status: 1)\n");
    assert!(!target.exists(), "nothing is written when Graphviz fails");
}

#[test]
fn png_is_never_written_to_a_terminal() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.args(["export", "--format", "png", "--query", PICTURE]).current_dir(root()).env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    p.exp_string("kgq: refusing to write a PNG image to the terminal; give -o FILE, or redirect: > picture.png")
        .expect("a clear refusal");
    let status = p.process().wait().expect("kgq exits");
    assert!(matches!(status, rexpect::process::WaitStatus::Exited(_, 2)), "{status:?}");
}

#[test]
fn a_snapshot_is_never_written_to_a_terminal() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.args(["build", "-o", "-"]).current_dir(root()).env("NO_COLOR", "1");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    p.exp_string("kgq: refusing to write a binary snapshot to the terminal").expect("a clear refusal");
    let status = p.process().wait().expect("kgq exits");
    assert!(matches!(status, rexpect::process::WaitStatus::Exited(_, 2)), "{status:?}");
}

#[test]
fn picture_options_are_for_pictures_only() {
    let out = kgq(&["export", "--format", "json", "--cluster", "country"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "kgq: --cluster and --rankdir shape a picture; use them with --format dot, svg or png\n");
    let out = kgq(&["query", "count *", "--rankdir", "tb"], &root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn graph_json_exports_a_picture_for_web_viewers() {
    let out = kgq(&["export", "--format", "graph-json", "--query", PICTURE], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let view: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(view["format"], "kgq-graph-view");
    let ids: Vec<&str> = view["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"poland") && ids.contains(&"munitions-industry-department"), "{ids:?}");
    let whole = kgq(&["export", "--format", "graph-json"], &root());
    let whole: serde_json::Value = serde_json::from_str(&stdout(&whole)).unwrap();
    assert_eq!(whole["nodes"].as_array().unwrap().len(), 369);
}

#[test]
fn a_large_load_prints_no_progress_when_not_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("entities")).unwrap();
    // Past the spinner's threshold (16 MB), in few rows so the test stays quick.
    let filler = "x".repeat(900);
    let mut rows = String::from("id,kind,name,attr.filler\n");
    for i in 0..20_000 {
        rows.push_str(&format!("e{i},thing,Thing {i},{filler}\n"));
    }
    assert!(rows.len() > 16 << 20);
    std::fs::write(dir.path().join("entities/things.csv"), rows).unwrap();
    let out = kgq(&["--data", ".", "query", "count * as csv"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "count\n20000\n");
    assert_eq!(stderr(&out), "", "no spinner and no warning for isolated entities on stderr");
}

/// CSV holds the answer's table and nothing else: its notes (truncation, "no direct
/// relation") go to standard error, so they are still said and the file stays one table.
#[test]
fn csv_answers_say_their_notes_on_standard_error() {
    let out = kgq(&["query", "find person limit 2", "--format", "csv"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3, "a header and two rows");
    assert_eq!(stderr(&out), "(showing 2 of 58 entities; use limit to see more)\n");
}

#[test]
fn a_graph_that_does_not_load_still_leaves_its_junit_report() {
    let dir = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(root().join("tests/check/unknown_kind.case")).unwrap();
    write_tree(dir.path(), &overlay(&case).0);
    let junit = dir.path().join("report.xml");
    let script = root().join("graph-data/queries/invariants.kgq");
    let out = kgq(&["--data", ".", "run", script.to_str().unwrap(), "--junit", junit.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "0 passed, 1 failed\n");
    let xml = std::fs::read_to_string(&junit).expect("the report is written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suites = doc.root_element();
    assert_eq!(suites.attribute("failures"), Some("1"));
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).expect("one failure");
    assert_eq!(failure.attribute("message"), Some("the graph did not load; no script ran"));
    assert!(failure.text().unwrap_or("").contains("unknown kind `contry`"), "{xml}");
}

#[test]
fn an_answer_with_nothing_to_draw_is_refused_as_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("count.png");
    let out = kgq(&["export", "--format", "png", "--query", "count country", "-o", target.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("kgq: this answer has no entities or relations to draw"), "{}", stderr(&out));
    assert!(!target.exists(), "no empty picture is written");
}

#[test]
fn query_writes_its_answer_where_o_says() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("countries.csv");
    let out = kgq(&["query", "count country", "--format", "csv", "-o", target.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "nothing on standard output");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "count\n51\n");
}

#[test]
fn every_subcommand_and_argument_says_what_it_is_for() {
    use clap::CommandFactory;
    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in command.get_arguments().filter(|a| !matches!(a.get_id().as_str(), "help" | "version")) {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands().filter(|c| c.get_name() != "help") {
            if sub.get_about().is_none() {
                missing.push(format!("{path} {}", sub.get_name()));
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&kgq::cli::Cli::command(), "kgq", &mut missing);
    assert!(missing.is_empty(), "no help line: {missing:?}");
}

#[test]
fn completions_and_the_manual_page_are_printed_for_installing() {
    for shell in ["bash", "zsh", "fish"] {
        let out = kgq(&["completions", shell], &root());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("connect") || stdout(&out).contains("query"), "{shell} completes subcommands");
    }
    let out = kgq(&["man"], &root());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(".TH kgq 1"), "a roff manual page");
    // Options that mean nothing to a subcommand are not offered on it.
    let out = kgq(&["query", "count *", "--no-history"], &root());
    assert_eq!(out.status.code(), Some(2), "--no-history is the shell's");
}

#[test]
fn the_extension_of_o_chooses_the_format_when_none_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("countries.csv");
    let out = kgq(&["query", "count country", "-o", csv.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "count\n51\n");
    let dot = dir.path().join("graph.DOT");
    let out = kgq(&["export", "-o", dot.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&dot).unwrap().starts_with("digraph kgq {"));
    let out = kgq(&["export", "-o", dir.path().join("graph").to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(2), "no format and no extension to infer it from");
    assert!(stderr(&out).starts_with("kgq: give --format"), "{}", stderr(&out));
}

#[test]
fn color_follows_the_flag_and_the_conventional_variables() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kgq"));
        cmd.args(args)
            .current_dir(root())
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        cmd.envs(env.iter().copied());
        let out = cmd.output().expect("kgq runs");
        String::from_utf8_lossy(&out.stderr).contains('\u{1b}')
    };
    let broken = ["query", "shwo rungrado"];
    assert!(!run(&broken, &[]), "not a terminal: plain");
    assert!(run(&[&broken[..], &["--color", "always"]].concat(), &[]), "--color always");
    assert!(run(&broken, &[("FORCE_COLOR", "1")]), "FORCE_COLOR colours a CI log");
    assert!(run(&broken, &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&broken, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
    assert!(!run(&[&broken[..], &["--color", "never"]].concat(), &[("FORCE_COLOR", "1")]), "--color never");
}

#[test]
fn the_shell_and_run_take_a_timeout_like_query() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("runaway.kgq");
    std::fs::write(&script, "match (a)-[p*1..12]-(b) return count(*)\n").unwrap();
    let out = kgq(&["run", script.to_str().unwrap(), "--timeout", "1"], &root());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("the query ran for 1 s and was stopped"), "{}", stdout(&out));
    let out = crate::support::kgq_with_input(
        &["repl", "--no-history", "--timeout", "1"],
        &root(),
        "match (a)-[p*1..12]-(b) return count(*)\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the query ran for 1 s and was stopped"), "{}", stderr(&out));
    for args in [&["run", "--timeout", "0", script.to_str().unwrap()][..], &["repl", "--timeout", "0"]] {
        let out = kgq(args, &root());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out), "kgq: --timeout must be a positive number of seconds\n");
    }
}

/// The shell's flags work before it (`kgq --timeout 30`), and before another subcommand,
/// where they would mean nothing, they are refused rather than ignored.
#[test]
fn the_shells_flags_go_with_the_shell() {
    let out = crate::support::kgq_with_input(&["--timeout", "30", "--no-history"], &root(), "count country\n");
    assert!(out.status.success() && stdout(&out).contains("count"), "{}", stderr(&out));
    let out = kgq(&["--timeout", "3", "query", "count *"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("are the shell's"), "{}", stderr(&out));
}

/// `-o answer.xlsx` wrote a text table under a name that promises a spreadsheet.
#[test]
fn an_output_file_whose_extension_names_no_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.xlsx");
    let out = kgq(&["query", "count *", "-o", file.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot tell a format from `.xlsx`"), "{}", stderr(&out));
    assert!(!file.exists());
    let plain = dir.path().join("answer");
    assert!(kgq(&["query", "count *", "-o", plain.to_str().unwrap()], &root()).status.success());
    assert!(std::fs::read_to_string(plain).unwrap().starts_with("count"));
}

/// A skeleton citing a source id that is already declared would point into that document.
#[test]
fn mentions_refuses_a_skeleton_citing_a_declared_source() {
    let out = kgq(&["mentions", "tests/fixtures/docs/memo.txt", "--format", "toml", "--source", "002"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("source `002` is already declared"), "{}", stderr(&out));
}
