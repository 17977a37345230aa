//! The interactive shell, driven in a pseudo-terminal like a person would, and piped input.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rexpect::session::{PtySession, spawn_command};

use crate::support::{root, stderr, stdout};

/// Starts `kgq` in a pseudo-terminal with its history in `history`.
fn shell(history: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.current_dir(root()).env("KGQ_HISTORY", history).env("NO_COLOR", "1").env("TERM", "xterm").env("COLUMNS", "200");
    let mut p = spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    p.exp_string("kgq: the built-in graph, 369 entities, 807 relations. Type :help for help, :quit to leave.")
        .expect("the banner names the graph and how to get help");
    p.exp_string("kgq> ").expect("a prompt");
    p
}

#[test]
fn a_session_answers_completes_continues_survives_errors_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));

    // A query and its table.
    p.send_line("find dprk_organ where name contains \"munitions\"").unwrap();
    p.exp_string("Munitions Industry Department (munitions-industry-department)").expect("the answer");
    p.exp_string("kgq> ").unwrap();

    // Tab completes a partial entity name, quoted.
    p.send("show \"Munitions Ind").unwrap();
    p.flush().unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("show \"Munitions Industry Department\"").expect("Tab completes the name");
    p.send_line("").unwrap();
    p.exp_string("kind       dprk_organ").expect("the card of the completed entity");
    p.exp_string("kgq> ").unwrap();

    // A line ending in `and` (or an open quote) continues the statement on the next line.
    p.send_line("connect \"Poland\" and").unwrap();
    p.exp_string(" ...> ").expect("a continuation prompt");
    p.send_line("\"Munitions").unwrap();
    p.exp_string(" ...> ").expect("an open quote continues too");
    p.send_line(" Industry Department\" via works_in, part_of, sends_revenue_to").unwrap();
    p.exp_string("North Korean workers in Poland (dprk-workers-poland)").expect("the connect answer");
    p.exp_string("kgq> ").unwrap();

    // An error shows a caret and the session goes on.
    p.send_line("shwo rungrado").unwrap();
    p.exp_string("unknown statement `shwo`").unwrap();
    p.exp_string("did you mean `show`?").unwrap();
    p.send_line("count *").unwrap();
    p.exp_string("369").expect("the session is alive after an error");

    // Ctrl-C cancels a long statement, not the session.
    p.send_line("match (a)-[p*1..12]-(b) return count(*)").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("cancelled").expect("the statement is cancelled");
    p.send_line("count dprk_organ").unwrap();
    p.exp_string("12").expect("the session is alive after Ctrl-C");
    // Paste at the prompt, as a person would: between statements the terminal is not in
    // the editor's raw mode, and a paste arriving then is read differently.
    p.exp_string("kgq> ").unwrap();

    // A pasted block of statements runs them all.
    p.send("\x1b[200~count relations\ncount person\x1b[201~\r").unwrap();
    p.flush().unwrap();
    p.exp_string("807").expect("the first pasted statement");
    p.exp_string("58").expect("the second pasted statement");

    // Ctrl-C at the prompt clears the line; Ctrl-D leaves.
    p.send("show nonsense").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    // The editor discards typeahead when it handles Ctrl-C; give it a moment, as a person would.
    std::thread::sleep(Duration::from_millis(300));
    p.send_line(":format csv").unwrap();
    p.exp_string(":format csv").unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line("count *").unwrap();
    p.exp_string("count\r\n369").expect("the cleared line was not run");
    // Ctrl-D at the next prompt, as a person would press it: a key sent while the editor is
    // still switching the terminal back to raw mode can be flushed with the typeahead.
    p.exp_string("kgq> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().expect("Ctrl-D ends the session");
}

#[test]
fn history_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let mut p = shell(&history);
    p.send_line("count relations by status").unwrap();
    p.exp_string("reported").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    assert!(std::fs::read_to_string(&history).unwrap().contains("count relations by status"));

    let mut p = shell(&history);
    p.send("\x1b[A").unwrap();
    p.flush().unwrap(); // Up arrow recalls the last statement.
    p.exp_string("count relations by status").expect("history is reloaded");
    p.send_line("").unwrap();
    p.exp_string("official").unwrap();
    p.send_line(":q").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn meta_commands_save_answers_and_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));
    let dot = dir.path().join("answer.dot");
    p.send_line("path \"Poland\" to \"Munitions Industry Department\"").unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line(&format!(":dot {}", dot.display())).unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line(":help connect").unwrap();
    p.exp_string("connect <entity> and <entity> [max N] [path options]").unwrap();
    p.send_line(":s x").unwrap();
    p.exp_string(":s could be :save, :schema, :sources; type more letters").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    let text = std::fs::read_to_string(&dot).expect(":dot wrote the file");
    assert!(text.starts_with("digraph kgq {") && text.contains("\"munitions-industry-department\""));
}

fn piped(input: &str, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kgq runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn piped_statements_print_answers_and_fail_the_exit_status() {
    let out = piped("count dprk_organ\n:format csv\ncount *;\n", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "count\n─────\n12\ncount\n369\n", "no banner, no prompts");

    let out = piped("count *\nshwo x\ncount dprk_organ\n", &[]);
    assert_eq!(out.status.code(), Some(1), "a failed statement fails the run");
    assert!(stdout(&out).contains("369") && stdout(&out).contains("12"), "later statements still run");
    assert!(stderr(&out).contains("[stdin:2:1]"), "errors point into the input: {}", stderr(&out));

    let out = piped("count *\nshwo x\ncount dprk_organ\n", &["--bail"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains("12"), "--bail stops at the first failure");
}

/// The shell writes pictures as the command line does: `:save` in svg or png draws the last
/// answer with Graphviz, `:dot` writes DOT, and a PNG answer is kept for `:save`, not
/// printed.
#[test]
fn the_shell_saves_answers_as_svg_and_png_through_graphviz() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, png, dot) = (dir.path().join("a.svg"), dir.path().join("a.png"), dir.path().join("a.dot"));
    let input = format!(
        "why \"Malta\" and \"Rite Mix\"\n:format svg\n:save {}\n:dot {}\n:format png\npath \"Poland\" to \"Malta\"\n:save {}\n",
        svg.display(),
        dot.display(),
        png.display()
    );
    let out = piped(&input, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"), "an SVG image");
    assert!(std::fs::read_to_string(&dot).unwrap().starts_with("digraph kgq {"), "DOT");
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"), "a PNG image");
    assert!(stdout(&out).contains("(a PNG image: :save FILE writes it)"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("PNG\r\n"), "no image bytes on the terminal");
}

#[test]
fn save_dot_and_data_say_what_they_wrote_or_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, dot) = (dir.path().join("answer.txt"), dir.path().join("answer.dot"));
    let bulk = root().join("tests/fixtures/bulk");
    let input = format!(
        "path \"Poland\" to \"Malta\"\n:save {}\n:dot {}\n:data {}\ncount *\n",
        txt.display(),
        dot.display(),
        bulk.display()
    );
    let out = piped(&input, &["--no-history"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len();
    assert!(err.contains(&format!("wrote {} (table, {} bytes)", txt.display(), size(&txt))), "{err}");
    assert!(err.contains(&format!("wrote {} (dot, {} bytes)", dot.display(), size(&dot))), "{err}");
    assert!(err.contains(&format!("loaded {}: 4 entities, 3 relations", bulk.display())), "{err}");
    let answers = String::from_utf8_lossy(&out.stdout);
    assert!(!answers.contains("wrote") && !answers.contains("loaded"), "answers stay answers: {answers}");
}

/// `:run` of a script with assertions gave each statement no time at all ("ran for 0 s and
/// was stopped"): the shell's own time limit now applies, as in `kgq run`.
#[test]
fn run_in_the_shell_checks_a_script_as_kgq_run_does() {
    let out = piped(":run graph-data/queries/invariants.kgq\n", &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains(" passed, 0 failed") && !text.contains("stopped"), "{text}");
}
