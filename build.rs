//! Embeds the shipped `graph-data/` folder into the binary: every file under it becomes an
//! entry `(relative path, contents)` in `$OUT_DIR/builtin_files.rs`, read with
//! `include_str!`. Only the file list is made here; the crate loads and checks the files
//! itself (`builtin::dataset`), and the tests prove the shipped graph loads without errors.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("graph-data");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from("/// Files of the shipped graph-data folder, by path relative to it.\n");
    out.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(&root).expect("collected under root");
        let rel = rel.to_str().expect("graph-data paths are UTF-8").replace('\\', "/");
        writeln!(out, "    ({rel:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dest.join("builtin_files.rs"), out).expect("OUT_DIR is writable");
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
