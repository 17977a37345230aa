//! Helpers shared by the integration tests.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shipped graph's size, as tests that run statements on it expect to see it printed;
/// `shipped::the_shipped_graph_has_the_size_the_tests_expect` keeps these true, so a change to
/// graph-data updates them here once.
pub const SHIPPED_ENTITIES: usize = 369;
pub const SHIPPED_RELATIONS: usize = 807;
pub const SHIPPED_COUNTRIES: usize = 51;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// The source documents of the shipped graph, when they are beside the checkout
/// (`../shared/sources`; a plain clone has no such folder). A test that needs them and finds
/// none says so on standard error and skips that check, unless `KGQ_REQUIRE_SOURCES` is
/// set (CI sets it), when their absence fails the test.
pub fn shared_sources(check: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/sources");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("KGQ_REQUIRE_SOURCES").is_none(),
        "KGQ_REQUIRE_SOURCES is set but {} is missing, so {check} cannot be checked",
        dir.display()
    );
    // Straight to standard error, past the test harness's capture, so the skip is seen.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {check}: the source documents are not at {} (see the README)",
        dir.display()
    );
    None
}

/// Runs the real `kgq` binary with `NO_COLOR` set.
pub fn kgq(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the kgq binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Reads every file of a fixture folder as `(relative path, text)`.
pub fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("fixture folder exists") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("below root").to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).expect("fixture is UTF-8")));
        }
    }
}

/// insta's `glob!` counts failures process-wide: with two glob tests running at once, one
/// test's failing snapshot can be reported by the other. Glob tests hold this lock, so a
/// failure is reported by the test that owns it.
pub fn glob_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the real `kgq` binary with `NO_COLOR` set and `input` on its standard input.
pub fn kgq_with_input(args: &[&str], cwd: &Path, input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kgq binary runs");
    // A closed pipe is the binary's answer too (it may stop reading early).
    let _ = child.stdin.take().expect("stdin is piped").write_all(input.as_bytes());
    child.wait_with_output().expect("the kgq binary ends")
}

/// The evidence every generated record carries: source `s`, line 1.
pub const EVIDENCE: &str = "evidence = [{ source = \"s\", line = 1, quote = \"x\" }]\n";

/// A graph from generated TOML records (which cite source `s`), for property tests.
pub fn toml_graph(schema: &str, entities: String, relations: String) -> kgq::graph::KnowledgeGraph {
    let files = vec![
        ("schema.toml".to_string(), schema.to_string()),
        ("sources.toml".to_string(), "[[source]]\nid = \"s\"\ntitle = \"S\"\nfile = \"s.txt\"\n".to_string()),
        ("entities/e.toml".to_string(), entities),
        ("relations/r.toml".to_string(), relations),
    ];
    let loaded = kgq::data::load(&kgq::data::DataFiles::from_files("random", files));
    kgq::graph::KnowledgeGraph::build(loaded.dataset.expect("generated data is valid"))
}
