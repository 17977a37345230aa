//! The files of a graph-data folder, read from disk or from the copy compiled into the binary.
//!
//! This is the only place in `data/` that touches the file system for graph-data; it
//! classifies files by their place in the layout (schema.toml, sources.toml, entities/,
//! relations/, queries/) and leaves their meaning to the loader.

use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Location, SourceMap};

/// A graph-data folder's text, ready to load.
#[derive(Debug, Clone, Default)]
pub struct DataFiles {
    /// The folder, as people name it (`graph-data`).
    pub root: String,
    /// Every file, by the name people see (`graph-data/relations/labour.toml`).
    pub map: SourceMap,
    pub schema: Option<FileId>,
    pub sources: Option<FileId>,
    pub entities: Vec<FileId>,
    pub relations: Vec<FileId>,
    /// Query scripts under `queries/`.
    pub scripts: Vec<FileId>,
    /// Files that are not part of the layout, reported as warnings.
    pub stray: Vec<FileId>,
}

/// Why a folder could not be read at all (as opposed to read with problems in it).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} is not a graph-data folder: it has no schema.toml and no bulk (.csv, .jsonl) files")]
    NoSchema(PathBuf),
}

impl DataFiles {
    /// Reads every `.toml`, `.csv`, `.jsonl` and `.kgq` file of a graph-data folder. A folder
    /// of bulk files alone may leave out schema.toml: its vocabulary is then inferred.
    pub fn read_dir(root: &Path) -> Result<DataFiles, ReadError> {
        if !root.is_dir() {
            let source = io::Error::new(io::ErrorKind::NotFound, "no such folder");
            return Err(ReadError::Io { path: root.to_path_buf(), source });
        }
        let mut files = Vec::new();
        collect(root, root, &mut files)?;
        files.sort();
        let data = DataFiles::from_files(&root.display().to_string(), files);
        if data.schema.is_none() && !data.has_bulk() {
            return Err(ReadError::NoSchema(root.to_path_buf()));
        }
        Ok(data)
    }

    /// Whether any entity or relation file is a bulk (CSV or JSON Lines) file.
    pub fn has_bulk(&self) -> bool {
        self.entities.iter().chain(&self.relations).any(|&f| super::bulk::is_bulk(&self.map.get(f).name))
    }

    /// Whether any entity or relation file is curated TOML.
    pub fn has_toml(&self) -> bool {
        self.entities.iter().chain(&self.relations).any(|&f| self.map.get(f).name.ends_with(".toml"))
    }

    /// Classifies `(path relative to the root, text)` pairs by their place in the layout.
    pub fn from_files(root: &str, files: impl IntoIterator<Item = (String, String)>) -> DataFiles {
        let root = root.trim_end_matches('/');
        let mut out = DataFiles { root: root.to_string(), ..DataFiles::default() };
        // The vocabulary first, so diagnostics read in the order a person fixes them.
        let mut files: Vec<(String, String)> = files.into_iter().collect();
        files.sort_by_key(|(rel, _)| (rank(rel), rel.clone()));
        for (rel, text) in files {
            let id = out.map.add(format!("{root}/{rel}"), text);
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
            match (dir, name) {
                ("", "schema.toml") => out.schema = Some(id),
                ("", "sources.toml") => out.sources = Some(id),
                ("entities", n) if n.ends_with(".toml") || super::bulk::is_bulk(n) => out.entities.push(id),
                ("relations", n) if n.ends_with(".toml") || super::bulk::is_bulk(n) => out.relations.push(id),
                ("queries", n) if n.ends_with(".kgq") => out.scripts.push(id),
                _ => out.stray.push(id),
            }
        }
        out
    }

    /// Warnings for files the loader does not read.
    pub fn stray_warnings(&self) -> Vec<Diagnostic> {
        self.stray
            .iter()
            .map(|&id| {
                Diagnostic::warning(format!(
                    "{} is not part of the graph-data layout and is ignored",
                    self.map.get(id).name
                ))
                .at(Location::new(id, 0..0), "ignored")
                .help("entities go in entities/*.toml, relations in relations/*.toml, scripts in queries/*.kgq")
            })
            .collect()
    }
}

fn rank(rel: &str) -> u8 {
    match rel {
        "schema.toml" => 0,
        "sources.toml" => 1,
        _ if rel.starts_with("entities/") => 2,
        _ if rel.starts_with("relations/") => 3,
        _ => 4,
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> Result<(), ReadError> {
    fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReadError + '_ {
        move |source| ReadError::Io { path: path.to_path_buf(), source }
    }
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
            continue;
        }
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("toml" | "kgq" | "csv" | "jsonl")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
        let rel = path.strip_prefix(root).expect("walked below root");
        let rel = rel.to_string_lossy().replace('\\', "/");
        files.push((rel, text));
    }
    Ok(())
}
