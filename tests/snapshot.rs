//! Snapshots: `kgq build` writes one, `--data FILE` answers from it exactly as from the
//! folder, and a damaged file is refused with a reason and a way out, never a panic.

use crate::support::{fixture, kgq, root, stderr, stdout};

fn build(dir: &std::path::Path) -> std::path::PathBuf {
    let snap = dir.join("net.kgqs");
    let out = kgq(&["build", fixture("net").to_str().unwrap(), "-o", snap.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(": 12 entities, 15 relations, "), "{}", stdout(&out));
    snap
}

#[test]
fn a_snapshot_answers_like_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let snap = build(dir.path());
    for statement in [
        "connect acme and ministry as json",
        "show \"Free State\"",
        "count relations by rel",
        "paths acme to freedonia max 4 as of \"2017-06\"",
    ] {
        let from_folder = kgq(&["--data", fixture("net").to_str().unwrap(), "query", statement], &root());
        let from_snapshot = kgq(&["--data", snap.to_str().unwrap(), "query", statement], &root());
        assert_eq!(stdout(&from_snapshot), stdout(&from_folder), "{statement}");
        assert_eq!(from_snapshot.status.code(), Some(0));
    }
}

#[test]
fn damaged_snapshots_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let snap = build(dir.path());
    let good = std::fs::read(&snap).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    let mut other_version = good.clone();
    other_version[8] = 99;
    let other =
        format!("snapshot format version 99 is not the version this kgq reads ({})", kgq::data::snapshot::VERSION);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("truncated", good[..good.len() / 2].to_vec(), "the snapshot is truncated"),
        ("corrupted", flipped, "the snapshot is corrupted: its checksum does not match its data"),
        ("other-version", other_version, &other),
        ("not-a-snapshot", b"[[entity]]\nid = \"x\"\n".to_vec(), "not a kgq snapshot"),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = kgq(&["--data", path.to_str().unwrap(), "query", "count *"], &root());
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(message), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("help: "), "{name} says what to do");
        assert!(!stderr(&out).contains("panicked"), "{name}");
        assert!(stdout(&out).is_empty(), "{name} answers nothing");
    }
}

#[test]
fn build_refuses_broken_data_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("entities")).unwrap();
    std::fs::write(data.join("entities/a.csv"), "id,kind,name\nx,thing,\n").unwrap();
    let snap = dir.path().join("out.kgqs");
    let out = kgq(&["build", data.to_str().unwrap(), "-o", snap.to_str().unwrap()], &root());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing `name`"), "{}", stderr(&out));
    assert!(!snap.exists());
}

#[test]
fn a_snapshot_of_the_previous_format_is_refused_with_a_way_out() {
    // Format 8 had no imported records as evidence and no datasets; format 9 has. A file of
    // the old format is refused by its version, asking for a rebuild, rather than misread.
    let dir = tempfile::tempdir().unwrap();
    let snap = build(dir.path());
    let mut old = std::fs::read(&snap).unwrap();
    old[8..12].copy_from_slice(&8u32.to_le_bytes());
    std::fs::write(&snap, old).unwrap();
    let out = kgq(&["--data", snap.to_str().unwrap(), "query", "show acme"], &root());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("snapshot format version 8 is not the version this kgq reads"), "{}", stderr(&out));
    assert!(stderr(&out).contains("help: rebuild it from its graph-data folder with `kgq build"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

/// A snapshot of the base fixture, made by the library as `kgq build` makes it.
fn base_snapshot() -> Vec<u8> {
    let files = kgq::data::DataFiles::from_files("base", crate::support::read_tree(&fixture("base")));
    kgq::data::snapshot::encode(&kgq::data::load(&files).dataset.expect("the base fixture loads"))
}

#[test]
fn every_truncation_of_a_snapshot_is_refused() {
    use kgq::data::snapshot::{SnapshotError, decode};
    let good = base_snapshot();
    for len in 0..good.len() {
        let err = decode(&good[..len]).expect_err("a truncated snapshot never decodes");
        // Shorter than the magic, it cannot be told from any other file.
        let right =
            if len < 8 { err == SnapshotError::NotASnapshot } else { matches!(err, SnapshotError::Truncated { .. }) };
        assert!(right, "{len} bytes: {err:?}");
    }
}

#[test]
fn every_flipped_bit_of_a_snapshot_is_refused_with_the_reason_for_its_place() {
    use kgq::data::snapshot::{SnapshotError, decode};
    let good = base_snapshot();
    for byte in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            let err = decode(&bad).expect_err("a damaged snapshot never decodes");
            let right = match byte {
                0..8 => err == SnapshotError::NotASnapshot,
                8..12 => matches!(err, SnapshotError::Version { .. }),
                12..20 => matches!(err, SnapshotError::Truncated { .. }),
                _ => err == SnapshotError::Corrupted,
            };
            assert!(right, "byte {byte} bit {bit}: {err:?}");
        }
    }
}

/// `:data` opens what `--data` opens: a snapshot, a folder, one data file; what it cannot
/// open leaves the current graph loaded.
#[test]
fn the_shell_loads_a_snapshot_a_folder_and_one_file_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let snap = build(dir.path());
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "id,kind,name\nann,person,Ann\nbob,person,Bob\ncy,person,Cy\n").unwrap();
    let input = format!(
        ":data {}\ncount *\n:data {}\ncount *\n:data {}\ncount *\n:data no/such/folder\ncount *\n",
        snap.display(),
        fixture("base").display(),
        people.display()
    );
    let out = crate::support::kgq_with_input(&["--no-history"], &root(), &input);
    let base = kgq(&["--data", fixture("base").to_str().unwrap(), "query", "count * as csv"], &root());
    let base = stdout(&base).lines().nth(1).expect("a count").to_string();
    let counts: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(counts, ["12", base.as_str(), "3", "3"], "{}", stdout(&out));
    assert!(stderr(&out).contains("cannot read no/such/folder: no such folder"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1), "a failed `:data` is a failed statement");
}

/// `--data FILE` takes one TOML, CSV or JSON Lines file as a graph of its entities.
#[test]
fn one_data_file_is_a_graph() {
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.jsonl");
    std::fs::write(&people, "{\"id\":\"ann\",\"kind\":\"person\",\"name\":\"Ann\"}\n").unwrap();
    let out = kgq(&["--data", people.to_str().unwrap(), "query", "show ann"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Ann"), "{}", stdout(&out));
    let out = kgq(&["check", people.to_str().unwrap()], &root());
    assert!(stdout(&out).contains("ok, 1 entities, 0 relations"), "{}{}", stdout(&out), stderr(&out));
}
