//! Embeds the shipped `graph-data/` folder into the binary: every file under it becomes an
//! entry `(relative path, contents)` in `$OUT_DIR/builtin_files.rs`, and the folder, loaded
//! and validated by the crate's own data modules, becomes the snapshot
//! `$OUT_DIR/builtin.snap`. A shipped graph with errors fails the build, with the same
//! diagnostics `kgq check` prints.

#![allow(dead_code, unused_imports)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/data/mod.rs"]
mod data;
#[path = "src/diag.rs"]
mod diag;
#[path = "src/model.rs"]
mod model;
#[path = "src/style.rs"]
mod style;
#[path = "src/suggest.rs"]
mod suggest;
#[path = "src/table.rs"]
mod table;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("graph-data");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out = String::from("/// Files of the shipped graph-data folder, by path relative to it.\n");
    out.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    let mut texts = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(&root).expect("collected under root");
        let rel = rel.to_str().expect("graph-data paths are UTF-8").replace('\\', "/");
        writeln!(out, "    ({rel:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String cannot fail");
        texts.push((rel, std::fs::read_to_string(path).expect("graph-data files are readable UTF-8")));
    }
    out.push_str("];\n");
    std::fs::write(dest.join("builtin_files.rs"), out).expect("OUT_DIR is writable");

    let folder = data::DataFiles::from_files("graph-data", texts);
    let loaded = data::load(&folder);
    let Some(dataset) = loaded.dataset else {
        let errors: Vec<diag::Diagnostic> = loaded.diagnostics.into_iter().filter(|d| d.is_error()).collect();
        panic!(
            "the shipped graph-data has errors; run `kgq check graph-data`:\n{}",
            diag::render(&errors, &folder.map, diag::Style::Plain)
        );
    };
    std::fs::write(dest.join("builtin.snap"), data::snapshot::encode(&dataset)).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("toml" | "kgq" | "csv" | "jsonl")) {
            files.push(path);
        }
    }
}
