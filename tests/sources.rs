//! `check --sources` reads only documents inside the sources folder: a source whose `file`
//! climbs out with `..`, is absolute, or is a link leading out is an error at its
//! declaration, and nothing of the file outside is read or hinted at.

use std::path::Path;

use crate::support::{fixture, kgq, read_tree, root, stderr};

/// A copy of the `base` graph whose source names `file`, and a sources folder holding
/// `memo.txt`; returns (data folder, sources folder).
fn graph_citing(dir: &Path, file: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let data = dir.join("data");
    for (rel, text) in read_tree(&fixture("base")) {
        let path = data.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text =
            if rel == "sources.toml" { text.replace("file = \"memo.txt\"", &format!("file = {file:?}")) } else { text };
        std::fs::write(path, text).unwrap();
    }
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(fixture("docs/memo.txt"), docs.join("memo.txt")).unwrap();
    (data, docs)
}

#[test]
fn source_files_outside_the_sources_folder_are_refused_at_their_declaration() {
    let dir = tempfile::tempdir().unwrap();
    // A document outside the folder that holds every quote: an oracle if it were read.
    std::fs::copy(fixture("docs/memo.txt"), dir.path().join("secret.txt")).unwrap();
    let secret = dir.path().join("secret.txt");
    for (file, problem) in [
        ("../secret.txt", "is not a path inside the --sources folder"),
        (secret.to_str().unwrap(), "is not a path inside the --sources folder"),
        ("link.txt", "leads out of the --sources folder through a link"),
        (".", "is not a regular file"),
    ] {
        let (data, docs) = graph_citing(dir.path(), file);
        #[cfg(unix)]
        if file == "link.txt" {
            std::os::unix::fs::symlink(&secret, docs.join("link.txt")).unwrap();
        }
        let out = kgq(&["check", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = stderr(&out);
        assert!(err.contains(&format!("source `memo`: `file = \"{file}\"` {problem}")), "{file}: {err}");
        assert!(err.contains("sources.toml:1:1]"), "located at the declaration: {err}");
        assert!(!err.contains("occurs on line"), "nothing is said of the file's content: {err}");
        std::fs::remove_dir_all(&data).unwrap();
        std::fs::remove_dir_all(&docs).unwrap();
    }
}

#[test]
fn documents_in_subfolders_of_the_sources_folder_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (data, docs) = graph_citing(dir.path(), "./reports/memo.txt");
    std::fs::create_dir(docs.join("reports")).unwrap();
    std::fs::rename(docs.join("memo.txt"), docs.join("reports/memo.txt")).unwrap();
    let out = kgq(&["check", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_misquoted_locator_is_reported_beside_other_errors_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (data, docs) = graph_citing(dir.path(), "memo.txt");
    // One entity misquotes line 3, and one relation names an entity that does not exist.
    let entities = data.join("entities/all.toml");
    let text = std::fs::read_to_string(&entities).unwrap();
    std::fs::write(&entities, text.replacen("quote = \"sent 120 welders\"", "quote = \"sent 900 welders\"", 1))
        .unwrap();
    std::fs::write(data.join("relations/broken.toml"), "[[relation]]\nfrom = \"nobody-at-all\"\nrel = \"employs\"\nto = \"nobody-else\"\nevidence = [{ source = \"memo\", line = 3, quote = \"sent 120 welders\" }]\n").unwrap();
    let out = kgq(&["check", data.to_str().unwrap(), "--sources", docs.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown entity `nobody-at-all`"), "{err}");
    assert!(err.contains("the quote is not on line 3 of source memo"), "the misquote is reported too: {err}");
}
