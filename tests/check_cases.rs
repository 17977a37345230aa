//! Broken-data fixtures: each `tests/check/*.case` overlays files on the valid fixture
//! `tests/fixtures/base`, loads it, and snapshots the rendered diagnostics.
//!
//! A case file starts with comment lines (`#`); a line `#! sources` asks for evidence
//! verification against `tests/fixtures/docs`. Each `=== PATH` line starts a file that
//! replaces (or adds) `PATH` in the base folder; `=== -PATH` removes it.

use kgq::data::{self, DataFiles};
use kgq::diag::{self, Style};

use crate::support::{fixture, read_tree};

pub fn overlay(case: &str) -> (Vec<(String, String)>, bool) {
    let mut files = read_tree(&fixture("base"));
    let verify = case.lines().any(|l| l.trim() == "#! sources");
    let mut current: Option<(String, String)> = None;
    let mut sections = Vec::new();
    for line in case.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("=== ") {
            sections.extend(current.take());
            current = Some((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
        }
    }
    sections.extend(current);
    for (path, text) in sections {
        let removed = path.strip_prefix('-').map(str::to_string);
        let key = removed.clone().unwrap_or_else(|| path.clone());
        files.retain(|(p, _)| *p != key);
        if removed.is_none() {
            files.push((key, text));
        }
    }
    files.sort();
    (files, verify)
}

fn report(case: &str) -> String {
    let (files, verify) = overlay(case);
    let files = DataFiles::from_files("fixture", files);
    // As `kgq check` does: the accepted records are verified against the documents even
    // when other records have errors.
    let (dataset, mut diags) = data::load_accepted(&files);
    if verify {
        // A relative path (tests run in the crate root) keeps machine paths out of snapshots.
        diags.extend(data::verify_sources(&dataset, std::path::Path::new("tests/fixtures/docs")));
        data::sort(&mut diags);
    }
    assert!(!diags.is_empty(), "a broken-data case must produce diagnostics");
    format!("{}{}\n", diag::render(&diags, &files.map, Style::Plain), diag::summary(&diags))
}

#[test]
fn broken_data_cases() {
    let _serial = crate::support::glob_lock();
    insta::glob!("check/*.case", |path| {
        let case = std::fs::read_to_string(path).expect("case file is readable");
        insta::assert_snapshot!(report(&case));
    });
}

#[test]
fn the_base_fixture_is_clean() {
    let (files, _) = overlay("");
    let files = DataFiles::from_files("fixture", files);
    let loaded = data::load(&files);
    let dataset = loaded.dataset.expect("base fixture is valid");
    assert!(loaded.diagnostics.is_empty());
    assert!(data::verify_sources(&dataset, &fixture("docs")).is_empty());
}

/// `ONE.CSV`, `People.Toml`: a file's extension is read in any case, by `--data FILE`, by
/// the folder reader and by `-o FILE`.
#[test]
fn extensions_are_read_in_any_case() {
    use crate::support::{kgq, stderr, stdout};
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ONE.CSV");
    std::fs::write(&csv, "id,kind,name\nada,person,Ada\nbob,person,Bob\n").unwrap();
    let out = kgq(&["--data", csv.to_str().unwrap(), "query", "count person as csv"], dir.path());
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "count\n2\n"), "{}", stderr(&out));
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("entities")).unwrap();
    std::fs::create_dir_all(graph.join("relations")).unwrap();
    std::fs::copy(&csv, graph.join("entities/People.Csv")).unwrap();
    std::fs::write(graph.join("relations/Knows.JSONL"), "{\"from\": \"ada\", \"rel\": \"knows\", \"to\": \"bob\"}\n")
        .unwrap();
    let out = kgq(&["check", graph.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with(": ok, 2 entities, 1 relations\n"), "{}", stdout(&out));
    let json = dir.path().join("ANSWER.JSON");
    let out = kgq(&["--data", graph.to_str().unwrap(), "query", "count *", "-o", json.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&json).unwrap().contains("\"kgq-rows\""));
}

/// Through the real binary: a misspelt `[[sources]]` in a copy of the shipped graph is one
/// error (it was 1,000 errors about citations, entities and relations: its records are read
/// as the sources they were meant to be), and
/// a syntax error in one entity file leaves `--sources` checking the quotes of the others.
#[test]
fn kgq_check_reports_a_broken_file_once_and_checks_the_rest() {
    use crate::support::{kgq, root, shared_sources, stderr};
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in crate::support::read_tree(&root().join("graph-data")) {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let sources = dir.path().join("sources.toml");
    let declared = std::fs::read_to_string(&sources).unwrap();
    std::fs::write(&sources, declared.replace("[[source]]", "[[sources]]")).unwrap();
    let out = kgq(&["check", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("did you mean `[[source]]`?") && err.contains("sources.toml:4:3"), "{err}");
    assert!(err.trim_end().ends_with(": 1 error, 0 warnings"), "{err}");
    let Some(documents) = shared_sources("quotes checked past a broken file") else { return };
    std::fs::write(&sources, declared).unwrap();
    let people = dir.path().join("entities/people.toml");
    let text = std::fs::read_to_string(&people).unwrap();
    std::fs::write(&people, text.replacen("name = \"", "name = ", 1)).unwrap();
    let money = dir.path().join("relations/money.toml");
    let text = std::fs::read_to_string(&money).unwrap();
    std::fs::write(&money, text.replacen("quote = \"", "quote = \"not in the document ", 1)).unwrap();
    let out = kgq(&["check", dir.path().to_str().unwrap(), "--sources", documents.to_str().unwrap()], dir.path());
    let err = stderr(&out);
    assert!(err.contains("TOML syntax error") && err.contains("people.toml"), "{err}");
    assert!(err.contains("money.toml") && err.contains("the quote is not on line"), "{err}");
}
