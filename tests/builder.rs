//! The builder's tools through the real binary: `kgq coverage` on the `base` fixture and
//! its memo (and on the shipped graph when the source documents are beside the checkout),
//! waivers in coverage.toml and their errors, and `kgq mentions` on a new document, down
//! to a skeleton that `kgq check --sources` accepts once a person has chosen its relations.

use std::path::{Path, PathBuf};

use crate::support::{fixture, kgq, read_tree, root, shared_sources, stderr, stdout};

/// A copy of the `base` graph (with `coverage` as its coverage.toml, if given) and a
/// sources folder holding its memo; returns (data folder, sources folder).
fn base_with(dir: &Path, coverage: Option<&str>) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    for (rel, text) in read_tree(&fixture("base")) {
        let path = data.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    if let Some(text) = coverage {
        std::fs::write(data.join("coverage.toml"), text).unwrap();
    }
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(fixture("docs/memo.txt"), docs.join("memo.txt")).unwrap();
    (data, docs)
}

fn coverage(data: &Path, docs: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["coverage", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()];
    args.extend(extra);
    kgq(&args, &root())
}

#[test]
fn coverage_lists_lines_that_name_entities_and_are_not_cited() {
    let dir = tempfile::tempdir().unwrap();
    let (data, docs) = base_with(dir.path(), None);
    let out = coverage(&data, &docs, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Lines 1, 3 and 4 name entities; 3, 4 and 5 are cited; line 1 (the title) is not.
    assert_eq!(
        stdout(&out),
        "source    lines mentioning  cited waived uncovered  covered\n\
         memo          5          3      3      0         1    66.6%\n\
         all                      3                       1    66.6%\n\
         \n\
         memo Memo on the Harbour Shipyard case\n  \
         memo:1      Harbour Shipyard\n"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&coverage(&data, &docs, &["--format", "json"]).stdout).unwrap();
    let memo = &json["documents"][0];
    assert_eq!((memo["mentioning"].as_u64(), memo["cited"].as_u64()), (Some(3), Some(3)));
    assert_eq!(memo["uncovered"][0]["line"], 1);
    assert_eq!(memo["uncovered"][0]["entities"][0], "harbour-shipyard");

    let below = coverage(&data, &docs, &["--min", "90"]);
    assert_eq!(below.status.code(), Some(1));
    assert!(stderr(&below).contains("below --min 90%: memo (66.6%)"), "{}", stderr(&below));
    assert!(coverage(&data, &docs, &["--min", "60"]).status.success());
    assert_eq!(coverage(&data, &docs, &["--min", "120"]).status.code(), Some(2));
}

#[test]
fn waived_lines_count_as_covered_and_are_listed_apart() {
    let dir = tempfile::tempdir().unwrap();
    let waiver = "[[waiver]]\nsource = \"memo\"\nlines = \"1-2\"\nreason = \"title and blank line\"\n";
    let (data, docs) = base_with(dir.path(), Some(waiver));
    let out = coverage(&data, &docs, &["--min", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("memo          5          3      3      1         0   100.0%"), "{text}");
    assert!(text.contains("memo:1-2    waived (1 mentioning): title and blank line"), "{text}");
    // The waiver file is part of the layout: `check` reads it and does not call it stray.
    let check = kgq(&["check", data.to_str().unwrap()], &root());
    assert!(check.status.success() && !stderr(&check).contains("coverage.toml"), "{}", stderr(&check));
}

#[test]
fn a_broken_waiver_is_an_error_at_its_place_in_coverage_and_in_check() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = "[[waiver]]\nsource = \"mem\"\nlines = 1\nreason = \"title\"\n\n\
                   [[waiver]]\nsource = \"memo\"\nlines = \"4-2\"\nreason = \"x\"\n\n\
                   [[waiver]]\nsource = \"memo\"\nlines = 3\nreason = \" \"\n\n\
                   [[waiver]]\nsource = \"memo\"\nline = 3\nreason = \"typo\"\n";
    let (data, docs) = base_with(dir.path(), Some(waivers));
    let out = coverage(&data, &docs, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for expected in [
        "unknown source `mem`",
        "did you mean `memo`",
        "`lines` must be a line number or a range",
        "a waiver needs a `reason`",
        "coverage.toml:1:1",
        "coverage.toml:6:1",
        "coverage not measured",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
    assert!(stdout(&out).is_empty());
    let check = kgq(&["check", data.to_str().unwrap()], &root());
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("unknown source `mem`"), "{}", stderr(&check));

    let past = "[[waiver]]\nsource = \"memo\"\nlines = \"4-9\"\nreason = \"footer\"\n";
    let (data, docs) = base_with(dir.path(), Some(past));
    let err = stderr(&coverage(&data, &docs, &[]));
    assert!(err.contains("source memo has 5 lines; this waiver ends at line 9"), "{err}");
    // `check --sources` reads the documents too, and says the same.
    let check = kgq(&["check", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("this waiver ends at line 9"), "{}", stderr(&check));
}

#[test]
fn coverage_needs_the_documents() {
    let out = kgq(&["coverage"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give --sources DIR"), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = base_with(dir.path(), None);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = coverage(&data, &empty, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read source `memo`"), "{}", stderr(&out));
}

#[test]
fn coverage_of_the_shipped_graph() {
    let Some(sources) = shared_sources("coverage of the shipped graph") else { return };
    let out = kgq(&["coverage", "--sources", sources.to_str().unwrap(), "--format", "json"], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["documents"].as_array().unwrap().iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(ids, ["000", "001", "002", "003", "004"]);
    for d in json["documents"].as_array().unwrap() {
        let (mentioning, cited) = (d["mentioning"].as_u64().unwrap(), d["cited"].as_u64().unwrap());
        assert!(mentioning > 0 && cited > 0, "{d}");
    }
}

/// A report that names two known entities on one line and a firm the graph does not know,
/// twice; and a hostile line.
const REPORT: &str = "Report on Freedonia\n\
                      \n\
                      In 2017 Acme paid the Revenue Bureau through Blue Lagoon Holdings.\n\
                      Blue Lagoon Holdings also hired welders.\n\
                      \u{1b}[31m Acme \u{1b}[0m said \"no\" to the \u{7}press.\n";

#[test]
fn mentions_lists_known_names_candidate_relations_and_new_names() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(&report, REPORT).unwrap();
    let base = fixture("base");
    let out = kgq(&["--data", base.to_str().unwrap(), "mentions", report.to_str().unwrap()], &root());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("     1  Freedonia (freedonia)\n"), "{text}");
    assert!(text.contains("     3  Acme Trading Corporation (acme), Revenue Bureau (revenue-bureau)\n"), "{text}");
    assert!(text.contains("     3  acme -- revenue-bureau:"), "{text}");
    assert!(text.contains("     3  Blue Lagoon Holdings (2 times)\n"), "{text}");
    // The escape sequences of line 5 are shown, not sent to the terminal.
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    assert!(text.contains("     5  Acme Trading Corporation (acme)\n"), "{text}");
}

#[test]
fn the_toml_skeleton_loads_once_a_person_has_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(&report, REPORT).unwrap();
    let (data, docs) = base_with(dir.path(), None);
    let skeleton = dir.path().join("new.toml");
    let out = kgq(
        &[
            "--data",
            data.to_str().unwrap(),
            "mentions",
            report.to_str().unwrap(),
            "--format",
            "toml",
            "--source",
            "report",
            "-o",
            skeleton.to_str().unwrap(),
        ],
        &root(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&skeleton).unwrap();
    let parsed: toml::Table = text.parse().expect("the skeleton is valid TOML");
    let relations = parsed["relation"].as_array().unwrap();
    assert!(relations.iter().all(|r| r["rel"].as_str() == Some("?")), "{text}");
    // Candidate entities are offered commented out, for entities/.
    assert!(parsed.get("entity").is_none());
    assert!(
        text.contains(
            "# [[entity]]\n# id = \"blue-lagoon-holdings\"\n# name = \"Blue Lagoon Holdings\"\n# kind = \"?\"\n"
        ),
        "{text}"
    );
    // As written it does not load: the choices are left to a person.
    std::fs::write(data.join("relations/new.toml"), &text).unwrap();
    assert_eq!(kgq(&["check", data.to_str().unwrap()], &root()).status.code(), Some(1));
    // Choose the first relation offered for each record (every record offers one from
    // `from` to `to`) and declare the document: every quote is verbatim on its line.
    let mut chosen = String::new();
    for line in text.lines() {
        if let Some(choices) = line.strip_prefix("rel = \"?\"  # -> ") {
            let first = choices.split(['|', ';', ' ']).next().unwrap();
            chosen.push_str(&format!("rel = {first:?}\n"));
        } else {
            chosen.push_str(line);
            chosen.push('\n');
        }
    }
    std::fs::write(data.join("relations/new.toml"), &chosen).unwrap();
    std::fs::copy(&report, docs.join("report.txt")).unwrap();
    let mut sources = std::fs::read_to_string(data.join("sources.toml")).unwrap();
    sources.push_str("\n[[source]]\nid = \"report\"\ntitle = \"Report\"\npublisher = \"test\"\ndate = \"2017\"\nfile = \"report.txt\"\n");
    std::fs::write(data.join("sources.toml"), sources).unwrap();
    let check = kgq(&["check", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
    assert!(check.status.success(), "{}\n{chosen}", stderr(&check));
}
