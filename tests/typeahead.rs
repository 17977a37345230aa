//! What the shell keeps of what is typed: lines that reach the terminal in one burst (a
//! fast typist, a slow network, a terminal that sends a block at once) each run, in order
//! (each test writes its lines to the pseudo-terminal in a single write); and the history
//! file is where the README says.

use rexpect::session::{PtySession, spawn_command};
use std::process::Command;

use crate::support::root;

fn shell(history: &std::path::Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.current_dir(root()).env("KGQ_HISTORY", history).env("NO_COLOR", "1").env("TERM", "xterm").env("COLUMNS", "200");
    let mut p = spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    p.exp_string("kgq> ").expect("a prompt");
    p
}

/// Writes `text` to the terminal at once, as one burst.
fn burst(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.flush().unwrap();
}

/// What `count ...` answers on the shipped graph, asked through `kgq query`, so that the
/// shell's answers are compared with the command line's and not with numbers that change
/// whenever graph-data does.
fn count(statement: &str) -> String {
    let out = crate::support::kgq(&["query", &format!("{statement} as csv")], &root());
    crate::support::stdout(&out).lines().nth(1).expect("a count answers one row").to_string()
}

/// Ends the session the way a person does, and waits for it to end.
fn leave(mut p: PtySession) {
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn statements_typed_ahead_in_one_burst_all_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));
    burst(&mut p, ":format csv\ncount country\ncount city\ncount person\n");
    p.exp_string(&format!("count\r\n{}", count("count country"))).expect("the first statement's answer");
    p.exp_string(&format!("count\r\n{}", count("count city"))).expect("the second statement's answer, typed ahead");
    p.exp_string(&format!("count\r\n{}", count("count person"))).expect("the third statement's answer, typed ahead");
    leave(p);
    let history = std::fs::read_to_string(dir.path().join("history")).unwrap();
    assert!(history.contains("count city") && history.contains("count person"), "{history}");
}

#[test]
fn a_meta_command_typed_ahead_applies_to_the_statement_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));
    burst(&mut p, ":timing on\ncount country\n");
    p.exp_string(&count("count country")).unwrap();
    p.exp_string("(time: ").expect(":timing on was read before the statement ran");
    leave(p);
}

#[test]
fn a_statement_continued_over_typed_ahead_lines_runs_once_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));
    burst(&mut p, ":format csv\ncount person where\nname contains \"Kim\"\ncount country\n");
    p.exp_string(" ...> ").expect("the unfinished line continues");
    let kims = count("count person where name contains \"Kim\"");
    p.exp_string(&format!("count\r\n{kims}\r\n")).expect("the continued statement, run once whole");
    p.exp_string(&format!("count\r\n{}", count("count country"))).expect("the statement after the continued one");
    leave(p);
}

#[test]
fn a_paste_followed_by_typed_ahead_lines_runs_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = shell(&dir.path().join("history"));
    burst(&mut p, ":format csv\n\x1b[200~count relations\ncount person\x1b[201~\rcount country\n");
    p.exp_string(&format!("count\r\n{}", count("count relations"))).expect("the first pasted statement");
    p.exp_string(&format!("count\r\n{}", count("count person"))).expect("the second pasted statement");
    p.exp_string(&format!("count\r\n{}", count("count country"))).expect("the line typed after the paste");
    leave(p);
}

/// Without `KGQ_HISTORY`, history goes to `kgq/history` in the data folder: on Linux
/// `$XDG_DATA_HOME`, else `~/.local/share`.
#[cfg(target_os = "linux")]
#[test]
fn history_is_kept_where_the_readme_says() {
    let home = tempfile::tempdir().unwrap();
    for xdg in [Some(home.path().join("xdg")), None] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kgq"));
        cmd.current_dir(root()).env_remove("KGQ_HISTORY").env("HOME", home.path()).env("NO_COLOR", "1");
        match &xdg {
            Some(dir) => cmd.env("XDG_DATA_HOME", dir),
            None => cmd.env_remove("XDG_DATA_HOME"),
        };
        let mut p = spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
        p.exp_string("kgq> ").unwrap();
        burst(&mut p, "count city\n:quit\n");
        p.exp_eof().unwrap();
        let file = xdg.unwrap_or_else(|| home.path().join(".local/share")).join("kgq/history");
        let history = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(history.contains("count city"), "{history}");
    }
}
