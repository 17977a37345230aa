//! Hostile graph-data folders, checked through the real binary: links that loop, pipes,
//! devices and oversized or undecodable files. Each must end promptly with a located
//! message that says what to do, under a 1 GiB memory limit, never a panic or a hang.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{fixture, read_tree};

/// A copy of the valid base fixture in a fresh folder.
fn base_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("g");
    for (rel, text) in read_tree(&fixture("base")) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

/// `kgq check g` in the folder above `root`, with at most 1 GiB of address space, killed
/// (and failed) if it runs past a minute: a hang must fail the test, not stall the suite.
fn check(root: &Path) -> Output {
    let script = format!("ulimit -v 1048576 && exec '{}' check g", env!("CARGO_BIN_EXE_kgq"));
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .current_dir(root.parent().unwrap())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("kgq check did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs `kgq check`, expects `code`, and returns what it said (stdout and stderr).
fn said(root: &Path, code: i32) -> String {
    let out = check(root);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

#[test]
fn links_that_loop_are_followed_once_and_reported() {
    let (_dir, root) = base_copy();
    std::os::unix::fs::symlink(".", root.join("a")).unwrap();
    std::os::unix::fs::symlink(".", root.join("b")).unwrap();
    std::os::unix::fs::symlink("..", root.join("entities/up")).unwrap();
    let text = said(&root, 0);
    for link in ["g/a", "g/b", "g/entities/up"] {
        assert!(text.contains(&format!("{link} is a link to the folder ")), "{link}: {text}");
        assert!(text.contains(&format!("[{link}:1:1]")), "{link} is located: {text}");
    }
    assert!(text.contains("which is already read; it is not read again"), "{text}");
    assert!(text.contains("help: remove the link"), "{text}");
}

#[test]
fn a_linked_folder_is_read_under_its_own_name_when_it_is_in_the_folder_too() {
    let (dir, root) = base_copy();
    // Outside the folder: read through the link, once.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("notes.toml"), "x = 1\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("extra")).unwrap();
    // Inside it: `entities` is read as itself, and the link sorting before it is the repeat.
    std::os::unix::fs::symlink("entities", root.join("alias-of-entities")).unwrap();
    let text = said(&root, 0);
    assert!(text.contains("g/extra/notes.toml is not part of the graph-data layout"), "{text}");
    assert!(text.contains("g/alias-of-entities is a link to the folder "), "{text}");
    assert!(!text.contains("g/entities is a link"), "{text}");
}

#[test]
fn a_named_pipe_is_reported_and_never_opened() {
    let (_dir, root) = base_copy();
    let fifo = root.join("entities/x.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let text = said(&root, 1);
    assert!(text.contains("g/entities/x.toml is a named pipe (FIFO), not a regular file"), "{text}");
    assert!(text.contains("[g/entities/x.toml:1:1]"), "{text}");
    assert!(text.contains("help: kgq reads only regular files"), "{text}");
}

#[test]
fn a_link_to_an_endless_device_is_reported_and_never_read() {
    let (_dir, root) = base_copy();
    std::os::unix::fs::symlink("/dev/zero", root.join("relations/zero.csv")).unwrap();
    let text = said(&root, 1);
    assert!(text.contains("g/relations/zero.csv is a link to a device, not a regular file"), "{text}");
    assert!(text.contains("[g/relations/zero.csv:1:1]"), "{text}");
}

#[test]
fn an_oversized_file_is_refused_with_its_size_and_the_limit() {
    let (_dir, root) = base_copy();
    // Sparse: 300 MiB on paper, nothing on disk.
    let big = std::fs::File::create(root.join("entities/big.csv")).unwrap();
    big.set_len(300 << 20).unwrap();
    let text = said(&root, 1);
    assert!(
        text.contains("g/entities/big.csv is 300.0 MiB, more than the 256.0 MiB kgq reads from one file"),
        "{text}"
    );
    assert!(text.contains("[g/entities/big.csv:1:1]"), "{text}");
    assert!(text.contains("help: split it into several files"), "{text}");
}

#[test]
fn a_file_that_is_not_utf8_is_reported_and_the_others_still_checked() {
    let (_dir, root) = base_copy();
    std::fs::write(root.join("entities/latin1.toml"), b"# caf\xe9\n").unwrap();
    std::fs::write(root.join("relations/extra.toml"), "[[relation]]\nfrom = \"nobody\"\n").unwrap();
    let text = said(&root, 1);
    assert!(text.contains("g/entities/latin1.toml is not UTF-8 text (invalid byte at offset 5)"), "{text}");
    assert!(text.contains("help: save the file as UTF-8"), "{text}");
    assert!(text.contains("g/relations/extra.toml"), "the other files are still checked: {text}");
}

#[test]
fn a_snapshot_path_that_is_a_device_or_a_pipe_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.snap")).unwrap();
    let fifo = dir.path().join("pipe.snap");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for name in ["zero.snap", "pipe.snap"] {
        let script = format!(
            "ulimit -v 1048576 && exec timeout 60 '{}' --data {name} query 'count *'",
            env!("CARGO_BIN_EXE_kgq")
        );
        let out = Command::new("sh").args(["-c", &script]).current_dir(dir.path()).output().expect("sh runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("it is not a regular file"), "{name}: {err}");
    }
}
