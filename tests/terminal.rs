//! Terminal injection, through the real binary: names, quotes and query text holding
//! escape sequences (`tests/fixtures/escapes`) are shown as visible escapes in every format
//! meant for a terminal, and kept exactly in JSON and CSV.

use crate::support::{fixture, kgq, kgq_with_input, root, stderr, stdout};

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
        let out = escapes(&["query", statement]);
        assert_eq!(out.status.code(), Some(0), "{statement}: {}", stderr(&out));
        assert_shown_safely(&stdout(&out));
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
