//! Where `-o` writes, through the real binary: regular files are replaced atomically and
//! keep their permissions, links are followed, devices and pipes stay what they are, and
//! every error names the path the user gave. The exports for other tools, written as they
//! are made, are held to the bytes the renderer wrote when it built them whole, and meet a
//! full disk or a closed pipe half way as a whole write would.

#![cfg(unix)]

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{fixture, kgq, root, stderr, stdout};

/// `kgq --data base export --format json -o TARGET`.
fn export_to(target: &Path) -> std::process::Output {
    let base = fixture("base");
    kgq(&["--data", base.to_str().unwrap(), "export", "--format", "json", "-o", target.to_str().unwrap()], &root())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn is_graph_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| v["format"] == "kgq-graph")
}

#[test]
fn an_exported_file_keeps_the_permissions_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("private.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = export_to(&target);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(mode(&target), 0o600);
    assert!(is_graph_json(&std::fs::read(&target).unwrap()));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["private.json"], "no temporary file is left behind");
}

#[test]
fn dev_null_stays_a_character_device() {
    let out = export_to(Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

#[test]
fn dev_stdout_and_a_dash_write_to_standard_output() {
    for target in ["/dev/stdout", "-"] {
        let out = export_to(Path::new(target));
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr(&out));
        assert!(is_graph_json(&out.stdout), "{target}: {}", stdout(&out));
    }
    assert!(Path::new("/dev/stdout").is_symlink(), "/dev/stdout is still a link");
}

#[test]
fn dev_stdout_appends_when_standard_output_appends() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.txt");
    std::fs::write(&log, "earlier line\n").unwrap();
    let appending = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let base = fixture("base");
    let status = Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(["--data", base.to_str().unwrap(), "export", "--format", "json", "-o", "/dev/stdout"])
        .stdout(appending)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier line\n{"), "{text}");
}

#[test]
fn a_named_pipe_gets_the_bytes_and_stays_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo works");
    let base = fixture("base");
    let child = Command::new(env!("CARGO_BIN_EXE_kgq"))
        .args(["--data", base.to_str().unwrap(), "export", "--format", "json", "-o", fifo.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(&fifo).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(is_graph_json(&bytes));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_link_stays_a_link_and_its_target_gets_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/graph.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("graph.json");
    std::os::unix::fs::symlink("real/graph.json", &link).unwrap();
    let out = export_to(&link);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(is_graph_json(&std::fs::read(&target).unwrap()));
    assert_eq!(mode(&target), 0o640);
    let names: Vec<_> = std::fs::read_dir(dir.path().join("real")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["graph.json"], "the temporary file was beside the target, and is gone");
}

#[test]
fn an_unwritable_path_is_named_as_given_never_as_a_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    // Root may write anywhere; below a regular file or in a missing folder nobody can.
    for target in [file.join("graph.json"), dir.path().join("missing/graph.json"), dir.path().to_path_buf()] {
        let out = export_to(&target);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.starts_with(&format!("kgq: cannot write {}: ", target.display())), "{err}");
        assert!(!err.contains(".kgq-"), "{err}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn a_snapshot_to_standard_output_is_followed_by_nothing_there() {
    let base = fixture("base");
    let out = kgq(&["build", base.to_str().unwrap(), "-o", "-"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("-: 5 entities"), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("graph.snap");
    std::fs::write(&snap, &out.stdout).unwrap();
    let count = kgq(&["--data", snap.to_str().unwrap(), "query", "count *"], &root());
    assert_eq!(count.status.code(), Some(0), "the snapshot on standard output loads: {}", stderr(&count));
}

/// Each file an export writes, as `name: bytes, crc32`: the export of `args` to standard
/// output, to a file, or (neo4j) to a folder, which must agree byte for byte.
fn export_digests(data: Option<&Path>, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut all: Vec<&str> = Vec::new();
    if let Some(data) = data {
        all.extend(["--data", data.to_str().unwrap()]);
    }
    all.push("export");
    all.extend(args);
    let digest =
        |name: &str, bytes: &[u8]| format!("{name}: {} bytes, crc32 {:08x}\n", bytes.len(), crc32fast::hash(bytes));
    let target = dir.path().join("out");
    let to_file = kgq(&[&all[..], &["-o", target.to_str().unwrap()]].concat(), &root());
    assert_eq!(to_file.status.code(), Some(0), "{all:?}: {}", stderr(&to_file));
    if target.is_dir() {
        let mut names: Vec<String> =
            std::fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        return names.iter().map(|name| digest(name, &std::fs::read(target.join(name)).unwrap())).collect();
    }
    let to_stdout = kgq(&all, &root());
    assert_eq!(to_stdout.status.code(), Some(0), "{all:?}: {}", stderr(&to_stdout));
    let written = std::fs::read(&target).unwrap();
    assert!(written == to_stdout.stdout, "{all:?}: the file and standard output get the same bytes");
    digest("-", &written)
}

/// The exports were rendered whole in memory before they were streamed: this snapshot,
/// taken from that renderer, holds the streamed ones to the same bytes, for the shipped
/// graph, an answer and hostile data. (A change to graph-data changes the shipped
/// graph's lines; the answer's and the fixture's stay.)
#[test]
fn streamed_exports_are_the_bytes_the_whole_rendering_wrote() {
    let hostile = fixture("hostile");
    let mut report = String::new();
    let cases = [(None, "shipped graph", "show \"Poland\""), (Some(hostile.as_path()), "hostile fixture", "show home")];
    for (data, name, statement) in cases {
        for format in ["graphml", "ftm", "neo4j"] {
            report.push_str(&format!("## {name}, {format}\n{}", export_digests(data, &["--format", format])));
            let answer = export_digests(data, &["--format", format, "--query", statement]);
            report.push_str(&format!("## {name}, {format}, {statement}\n{answer}"));
        }
    }
    insta::assert_snapshot!(report);
}

/// Found streaming the exports: a whole graph is written as it is made, so a failing disk
/// is met half way; the error still names the file, and a closed pipe is still no error.
#[test]
fn a_streamed_export_to_a_full_disk_fails_naming_it() {
    if !Path::new("/dev/full").exists() {
        return eprintln!("SKIPPED: a streamed export to a full disk: this system has no /dev/full");
    }
    for format in ["graphml", "ftm"] {
        let out = kgq(&["export", "--format", format, "-o", "/dev/full"], &root());
        assert_eq!(out.status.code(), Some(2), "{format}");
        let err = stderr(&out);
        assert!(err.starts_with("kgq: cannot write /dev/full: No space left on device"), "{format}: {err}");
    }
}

#[test]
fn a_streamed_export_into_a_pipe_closed_early_is_not_an_error() {
    use std::io::Read as _;
    for format in ["graphml", "ftm"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kgq"))
            .args(["export", "--format", format])
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The shipped graph's export is many times a pipe's buffer: the writer meets the
        // closed end while it is still writing.
        let mut head = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}");
    }
}

#[test]
fn a_neo4j_import_of_an_answer_without_entities_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("neo");
    let args =
        ["export", "--format", "neo4j", "-o", folder.to_str().unwrap(), "--query", "find person where name = \"zzz\""];
    let out = kgq(&args, &root());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("this answer has no entities: a Neo4j import needs at least one"));
    assert!(!folder.exists(), "no folder is made");
}
