//! Terminal injection, through the real binary: names, quotes and query text holding
//! escape sequences (`tests/fixtures/escapes`) are shown as visible escapes in every format
//! meant for a terminal or a reader (table, line, markdown), and kept exactly in JSON and CSV.
//!
//! And tables on a terminal, in a pseudo-terminal: fitted to its width, capped at 40 rows
//! with a footer, ASCII rules without a UTF-8 locale, long answers in the shell through the
//! pager; and never any of that in a pipe or a file.

use crate::support::{SHIPPED_ENTITIES, fixture, kgq, kgq_with_input, root, stderr, stdout};

/// The first character a terminal would act on rather than show, other than a line break.
/// Written independently of kgq's own test: C0 and C1 controls, DEL, bidirectional
/// controls, line and paragraph separators.
fn first_raw_control(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c != '\n' && (c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c)))
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{2028}' | '\u{2029}')
    })
}

#[track_caller]
fn assert_shown_safely(text: &str) {
    if let Some((at, c)) = first_raw_control(text) {
        panic!("raw {c:?} at byte {at} in:\n{text}");
    }
}

fn escapes(args: &[&str]) -> std::process::Output {
    let data = fixture("escapes");
    let mut all = vec!["--data", data.to_str().unwrap()];
    all.extend_from_slice(args);
    kgq(&all, &root())
}

#[test]
fn tables_show_escape_sequences_from_the_data_as_escapes() {
    for statement in
        ["find *", "show clear", "show lines", "path clear to lines", "neighbors clear depth 4", "why clear and title"]
    {
        for format in ["table", "line", "markdown"] {
            let out = escapes(&["query", statement, "--format", format]);
            assert_eq!(out.status.code(), Some(0), "{statement}: {}", stderr(&out));
            assert_shown_safely(&stdout(&out));
        }
    }
    let table = stdout(&escapes(&["query", "find *"]));
    for shown in [
        r"Clear\e[2J\e[Hscreen",
        r"Title\e]0;pwned\x07set",
        r"C1\u{9b}31mred",
        r"bidi \u{202e}evil",
        r"first\nsecond\ttabbed\rback\x7fdel\x00nul",
    ] {
        assert!(table.contains(shown), "{shown} in\n{table}");
    }
    let card = stdout(&escapes(&["query", "show clear"]));
    assert!(card.contains(r#"memo:1 "clear\e[2J""#) && card.contains(r"A memo that rings\x07"), "{card}");
}

#[test]
fn json_and_csv_keep_the_data_exactly() {
    let json = escapes(&["query", "find * where id = \"clear\" as json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let text = value.to_string();
    assert!(text.contains(r"Clear\u001b[2J\u001b[Hscreen"), "{text}");
    let csv = escapes(&["query", "match (e {id: \"title\"}) return e.name as csv"]);
    assert!(stdout(&csv).contains("Title\u{1b}]0;pwned\u{7}set"), "{}", stdout(&csv));
}

#[test]
fn errors_quoting_the_query_show_its_controls_as_escapes() {
    let out = escapes(&["query", "show \"Clear\u{1b}[2J\u{9b}\""]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_shown_safely(&err);
    assert!(err.contains(r#"show "Clear\e[2J\u{9b}""#), "{err}");
    assert!(err.contains(r"did you mean"), "the suggestion quotes a hostile name too: {err}");
}

#[test]
fn stats_show_source_titles_escaped() {
    let out = escapes(&["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_shown_safely(&stdout(&out));
}

#[test]
fn the_shell_shows_answers_and_listings_escaped() {
    let data = fixture("escapes");
    let input = "find *\nshow clear\n:sources\n:schema\nshow \"x\u{1b}[2J\"\n:save /nonexistent\u{7}/x\n:data /none\u{1b}x\n:frob\u{1b}[2J\n";
    let out = kgq_with_input(&["--data", data.to_str().unwrap(), "--no-history"], &root(), input);
    assert_shown_safely(&stdout(&out));
    assert_shown_safely(&stderr(&out));
    assert!(stdout(&out).contains(r"Clear\e[2J"), "{}", stdout(&out));
    for shown in [r"/nonexistent\x07/x", r"/none\ex", r":frob\e[2j"] {
        assert!(stderr(&out).contains(shown), "{shown} in {}", stderr(&out));
    }
}

#[test]
fn run_reports_show_hostile_names_and_script_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("hostile.kgq");
    std::fs::write(
        &script,
        "expect find * contains \"nobody\u{1b}[2J\"\nexpect find * empty\nfind *\n----\nnot\u{1b}]0;this\u{7}\n\nshow \"x\u{9b}\"\n",
    )
    .unwrap();
    let out = escapes(&["run", script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_shown_safely(&text);
    assert!(text.ends_with("0 passed, 4 failed\n"), "{text}");
    assert!(text.contains(r#"contains "nobody\e[2J""#), "{text}");
}

#[test]
fn diagnostics_show_raw_control_bytes_in_data_files_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("escapes");
    for (rel, text) in crate::support::read_tree(&data) {
        let path = dir.path().join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    // TOML forbids raw control characters in strings: the error quotes the line holding them.
    std::fs::write(
        dir.path().join("entities/raw.toml"),
        "[[entity]]\nid = \"raw\"\nkind = \"company\"\nname = \"Raw\u{1b}[2J\u{1b}]0;t\u{7}\"\n",
    )
    .unwrap();
    let out = kgq(&["check", dir.path().to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_shown_safely(&err);
    assert!(err.contains(r#"name = "Raw\e[2J\e]0;t\x07""#), "{err}");
}

#[test]
fn a_name_with_a_line_break_stays_on_its_path_line() {
    let out = stdout(&escapes(&["query", "path clear to lines"]));
    let line = out.lines().next().unwrap_or_default();
    assert!(line.starts_with("1. (") && line.ends_with(r"first\nsecond\ttabbed\rback\x7fdel\x00nul"), "{out}");
    let hop = out.lines().find(|l| l.contains("-[links]->") && l.contains("first")).unwrap_or_default();
    assert!(hop.contains(r"first\nsecond"), "{out}");
}

/// Columns line up by what a terminal shows: a CJK character or an emoji takes two columns
/// (`tests/fixtures/wide`), so padding by characters or bytes would push later columns.
#[test]
fn tables_align_names_with_wide_characters() {
    let data = fixture("wide");
    let run = |statement: &str| {
        let out = kgq(&["--data", data.to_str().unwrap(), "query", statement], &root());
        assert_eq!(out.status.code(), Some(0), "{statement}: {}", stderr(&out));
        stdout(&out)
    };
    let expected = "\
entity                   kind     country
───────────────────────  ───────  ───────
Café ☕ Trading (cafe)   company
Plain Co (plain)         company
東京 (tokyo)             city
桜商事株式会社 (sakura)  company
";
    assert_eq!(run("find *"), expected);
    let card = run("show tokyo");
    for line in [
        "is the location of  Café ☕ Trading (cafe)         reported",
        "is the location of  Plain Co (plain)               reported",
        "is the location of  桜商事株式会社 (sakura)        reported",
    ] {
        assert!(card.lines().any(|l| l == line), "{line:?} in\n{card}");
    }
}

/// Runs `kgq ARGS` in a pseudo-terminal (a UTF-8 locale unless `env` says otherwise; no
/// COLUMNS or LINES unless given) and returns all it printed, with `\n` line ends.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.args(args).current_dir(root()).env_remove("COLUMNS").env_remove("LINES").env("NO_COLOR", "1");
    cmd.env("LC_ALL", "C.UTF-8");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    // rexpect hands back each byte as a character; the bytes are UTF-8.
    let bytes: Vec<u8> = p.exp_eof().expect("kgq ends").chars().map(|c| c as u8).collect();
    String::from_utf8(bytes).expect("UTF-8").replace("\r\n", "\n")
}

/// The issue's case: at 80 columns every row of `neighbors "Poland" limit 6` wrapped over
/// two or three lines, because the entity column was as wide as the longest name.
#[test]
fn at_80_columns_each_row_of_a_table_is_one_line() {
    let shown = on_a_terminal(&["query", "neighbors \"Poland\" with commentary limit 6"], &[("COLUMNS", "80")]);
    let lines: Vec<&str> = shown.lines().collect();
    // Header, rule, six rows, then notes (a long one wrapped to the width).
    assert!(lines[2..8].iter().all(|l| !l.starts_with('(') && !l.starts_with(' ')), "{shown}");
    assert!(lines[8..].iter().all(|l| l.starts_with('(') || l.starts_with(' ')), "{shown}");
    assert!(lines.iter().all(|l| unicode_width::UnicodeWidthStr::width(*l) <= 80), "{shown}");
    assert!(lines[2].starts_with("Polish employers of North Ko… "), "{shown}");
    assert!(lines[1].starts_with("──────"), "box-drawing rules on a UTF-8 terminal: {shown}");
    assert_eq!(lines[8], "(cells cut for a width of 80 columns; --format line shows them whole)");
    // Piped, every value is whole.
    let piped = stdout(&kgq(&["query", "neighbors \"Poland\" limit 6"], &root()));
    assert!(piped.contains("\nPolish employers of North Korean workers (polish-employers) "), "{piped}");
    assert!(!piped.contains('…') && !piped.contains("cells cut"), "{piped}");
    // Records keep every value whole, wrapped under their first line.
    let records = on_a_terminal(&["query", "neighbors \"Poland\" limit 1 as line"], &[("COLUMNS", "50")]);
    assert!(
        records.starts_with(
            "entity = Polish employers of North Korean workers\n         (polish-employers)\n  kind = company\n"
        ),
        "{records}"
    );
}

#[test]
fn a_terminal_without_a_utf8_locale_gets_ascii_rules_and_cut_marks() {
    let shown = on_a_terminal(&["query", "find person limit 2"], &[("COLUMNS", "30"), ("LC_ALL", "C")]);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[1].starts_with("-------") && !shown.contains('─'), "{shown}");
    assert!(lines[2].ends_with('~') || lines[2].contains("~ "), "{shown}");
    assert!(!shown.contains('…'), "{shown}");
}

#[test]
fn a_terminal_shows_at_most_40_rows_and_says_how_many_more_there_are() {
    let shown = on_a_terminal(&["query", "find *"], &[("COLUMNS", "200")]);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2 + 40 + 1, "{shown}");
    assert_eq!(lines[42], format!("({} more rows not shown; --max-rows all prints them)", SHIPPED_ENTITIES - 40));
    let all = on_a_terminal(&["query", "find *", "--max-rows", "all"], &[("COLUMNS", "1000")]);
    assert_eq!(all.lines().count(), 2 + SHIPPED_ENTITIES, "{all}");
    let five = on_a_terminal(&["query", "find *", "--max-rows", "5"], &[("COLUMNS", "200")]);
    let more = SHIPPED_ENTITIES - 5;
    assert!(five.ends_with(&format!("\n({more} more rows not shown; --max-rows all prints them)\n")), "{five}");
    // Never capped in a pipe, in JSON or CSV.
    assert_eq!(stdout(&kgq(&["query", "find *"], &root())).lines().count(), 2 + SHIPPED_ENTITIES);
    let csv = on_a_terminal(&["query", "find * as csv"], &[("COLUMNS", "200")]);
    assert_eq!(csv.lines().count(), 1 + SHIPPED_ENTITIES, "{csv}");
}

/// Starts the shell in a pseudo-terminal of 20 lines with `pager` as PAGER.
fn shell_paging_through(pager: &str, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kgq"));
    cmd.args(["--no-history"]).args(args).current_dir(root());
    cmd.env("NO_COLOR", "1").env("TERM", "xterm").env("COLUMNS", "200").env("LINES", "20").env("LC_ALL", "C.UTF-8");
    cmd.env("PAGER", pager);
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("kgq starts in a pseudo-terminal");
    p.exp_string("kgq> ").expect("a prompt");
    p
}

/// A pager that marks each line it shows.
const MARKING_PAGER: &str = "sed 's/^/paged: /'";

#[test]
fn the_shell_pages_long_answers_until_told_not_to() {
    let mut p = shell_paging_through(MARKING_PAGER, &[]);
    p.send_line("find *").unwrap();
    p.exp_string("paged: entity").expect("a long answer goes through $PAGER");
    p.exp_string(&format!(
        "paged: ({} more rows not shown; :rows all prints them; :save FILE writes them)",
        SHIPPED_ENTITIES - 40
    ))
    .unwrap();
    p.exp_string("kgq> ").unwrap();
    // A short answer is printed straight.
    p.send_line("count person").unwrap();
    p.exp_string("\r\n58\r\n").expect("a short answer is not paged");
    p.exp_string("kgq> ").unwrap();
    p.send_line(":pager off").unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line(":rows 30").unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line("find person").unwrap();
    p.exp_string("\r\n(28 more rows not shown; :rows all prints them; :save FILE writes them)\r\n")
        .expect(":pager off prints straight to the terminal, :rows caps");
    p.exp_string("kgq> ").unwrap();
    // Ctrl-C still cancels a statement after the pager has run. Last, and with a pause
    // after it as in tests/repl.rs: a line typed just after a cancelled statement was once
    // lost under load.
    p.send_line(":pager on").unwrap();
    p.exp_string("kgq> ").unwrap();
    p.send_line("match (a)-[p*1..12]-(b) return count(*)").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("cancelled").expect("Ctrl-C cancels");
    p.exp_string("kgq> ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();

    let mut p = shell_paging_through(MARKING_PAGER, &["--no-pager"]);
    p.send_line("find *").unwrap();
    p.exp_string(&format!(
        "\r\n({} more rows not shown; :rows all prints them; :save FILE writes them)\r\n",
        SHIPPED_ENTITIES - 40
    ))
    .expect("--no-pager prints straight to the terminal");
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}

/// A file written from a terminal is a file: every row and cell whole; `.md` is markdown.
#[test]
fn files_written_from_a_terminal_hold_every_row_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, md) = (dir.path().join("all.txt"), dir.path().join("report.md"));
    for file in [&txt, &md] {
        let shown = on_a_terminal(&["query", "find *", "-o", file.to_str().unwrap()], &[("COLUMNS", "80")]);
        assert_eq!(shown, "", "nothing on the terminal");
    }
    let table = std::fs::read_to_string(&txt).unwrap();
    assert_eq!(table.lines().count(), 2 + SHIPPED_ENTITIES);
    assert!(!table.contains('…') && !table.contains("not shown"), "{table}");
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(report.starts_with("| entity | kind | country |\n| --- | --- | --- |\n"), "{report}");
    assert_eq!(report.lines().count(), 2 + SHIPPED_ENTITIES);
}

/// A PAGER that names no command loses no answer: `sh` says so, and the answer is printed.
#[test]
fn a_pager_that_cannot_run_leaves_the_answer_printed() {
    let mut p = shell_paging_through("no-such-pager-anywhere", &[]);
    p.send_line("find *").unwrap();
    p.exp_string(&format!(
        "\r\n({} more rows not shown; :rows all prints them; :save FILE writes them)\r\n",
        SHIPPED_ENTITIES - 40
    ))
    .expect("the answer is printed");
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
}
