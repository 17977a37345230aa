//! Where graph-data comes from, opened one way for every caller: `--data` on any command,
//! the shell's `:data`, and `kgq run` (through `--data`). A [`DataSource`] is a folder, one
//! data file, or a snapshot from `kgq build`; [`DataSource::open`] reads and validates it
//! into a [`Dataset`], and [`DataSource::files`] reads the files alone, for commands that
//! check or rebuild graph-data. Without `--data` the source is the built-in graph, the
//! shipped folder's files embedded in the binary ([`super::builtin`]). Failures say whether nothing could be read
//! ([`OpenError::Unreadable`]) or the data has errors ([`OpenError::Invalid`]); the caller
//! decides how to show them and what that means for its exit status.

use std::path::{Path, PathBuf};

use super::files::MAX_FILE_BYTES;
use super::{DataFiles, Dataset, Unread, load, read_regular, snapshot};
use crate::diag::Diagnostic;

/// The largest snapshot read: one of 10^7 entities and 5·10^7 relations is about 1 GiB.
const MAX_SNAPSHOT_BYTES: u64 = 4 << 30;

/// The built-in graph, a graph-data folder, one data file, or a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The shipped graph-data folder, embedded in the binary.
    Builtin,
    /// A graph-data folder (also what a path that does not exist is taken for, so that the
    /// error says "no such folder").
    Folder(PathBuf),
    /// One `.toml`, `.csv` or `.jsonl` file of entities, read as a folder holding it alone
    /// (its vocabulary inferred, as for a folder without schema.toml).
    File(PathBuf),
    /// A snapshot from `kgq build`: any other file, which the snapshot reader checks.
    Snapshot(PathBuf),
}

/// Why a source gave no dataset.
#[derive(Debug)]
pub enum OpenError {
    /// Nothing could be read: a missing folder, an unreadable file, a damaged snapshot.
    /// The message names the path; `help` says what to do, when there is more to say.
    Unreadable { message: String, help: Option<&'static str> },
    /// The files were read and have errors: `errors`, located in `files`.
    Invalid { files: Box<DataFiles>, errors: Vec<Diagnostic> },
}

impl OpenError {
    fn unreadable(message: String) -> OpenError {
        OpenError::Unreadable { message, help: None }
    }
}

/// A step of [`DataSource::open`], for a caller that shows progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The files are read (this many bytes of text) and are being validated.
    Validating { bytes: usize },
}

impl DataSource {
    /// The source `path` names: a folder, a data file by its extension, else a snapshot.
    pub fn at(path: &Path) -> DataSource {
        let path = path.to_path_buf();
        if !path.exists() || path.is_dir() {
            return DataSource::Folder(path);
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml" | "csv" | "jsonl") => DataSource::File(path),
            _ => DataSource::Snapshot(path),
        }
    }

    /// The source `--data` names, or the built-in graph without it.
    pub fn given(path: Option<&Path>) -> DataSource {
        path.map_or(DataSource::Builtin, DataSource::at)
    }

    /// Reads the graph-data files of a folder or a data file. A snapshot has none: it is
    /// refused, for commands that check or rebuild graph-data.
    pub fn files(&self) -> Result<DataFiles, OpenError> {
        match self {
            DataSource::Builtin => Ok(super::builtin::files()),
            DataSource::Folder(dir) => DataFiles::read_dir(dir).map_err(|err| OpenError::unreadable(err.to_string())),
            DataSource::File(path) => read_file(path),
            DataSource::Snapshot(path) => Err(OpenError::Unreadable {
                message: format!("{} is a file; this command reads a graph-data folder", path.display()),
                help: Some("give it the folder the snapshot was built from, or one .toml, .csv or .jsonl file"),
            }),
        }
    }

    /// Reads and validates the source. `watch` hears when validation starts, with the size
    /// of the text read (a snapshot is decoded, not validated, and says nothing).
    pub fn open(&self, mut watch: impl FnMut(Step)) -> Result<Dataset, OpenError> {
        if let DataSource::Snapshot(path) = self {
            return read_snapshot(path);
        }
        let files = self.files()?;
        watch(Step::Validating { bytes: files.map.files().map(|(_, f)| f.text.len()).sum() });
        let loaded = load(&files);
        match loaded.dataset {
            Some(dataset) => Ok(dataset),
            None => {
                let errors = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
                Err(OpenError::Invalid { files: Box::new(files), errors })
            }
        }
    }
}

/// One data file, placed in a folder of its own: schema.toml and sources.toml where those
/// go, any other file among the entities.
fn read_file(path: &Path) -> Result<DataFiles, OpenError> {
    let cannot = |why: String| OpenError::unreadable(format!("cannot read {}: {why}", path.display()));
    let bytes = read_regular(path, MAX_FILE_BYTES).map_err(|unread| cannot(unread.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|err| cannot(format!("it is not UTF-8 text (at byte {})", err.utf8_error().valid_up_to())))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("data.toml");
    let place = match name {
        "schema.toml" | "sources.toml" => name.to_string(),
        _ => format!("entities/{name}"),
    };
    let root = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok(DataFiles::from_files(&root.display().to_string(), [(place, text)]))
}

/// Reads a snapshot file written by `kgq build`.
fn read_snapshot(path: &Path) -> Result<Dataset, OpenError> {
    let bytes = read_regular(path, MAX_SNAPSHOT_BYTES).map_err(|unread| {
        let why = match &unread {
            Unread::NotRegular(what) => format!(
                "it is not a regular file ({what}); --data takes a graph-data folder or a snapshot from `kgq build`"
            ),
            other => other.to_string(),
        };
        OpenError::unreadable(format!("cannot read {}: {why}", path.display()))
    })?;
    snapshot::decode(&bytes)
        .map_err(|err| OpenError::Unreadable { message: format!("{}: {err}", path.display()), help: Some(err.help()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_folder_a_data_file_or_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "").unwrap();
            DataSource::at(&path)
        };
        assert!(matches!(at("people.csv"), DataSource::File(_)));
        assert!(matches!(at("people.jsonl"), DataSource::File(_)));
        assert!(matches!(at("people.toml"), DataSource::File(_)));
        assert!(matches!(at("graph.snap"), DataSource::Snapshot(_)));
        assert!(matches!(DataSource::at(dir.path()), DataSource::Folder(_)));
        assert!(matches!(DataSource::at(&dir.path().join("missing.toml")), DataSource::Folder(_)));
    }

    #[test]
    fn one_csv_file_is_a_graph_of_its_entities() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, "id,kind,name\nann,person,Ann\nbob,person,Bob\n").unwrap();
        let mut heard = Vec::new();
        let dataset = DataSource::at(&path).open(|step| heard.push(step)).expect("the file loads");
        assert_eq!(dataset.entities.len(), 2);
        assert_eq!(heard.len(), 1);
    }

    #[test]
    fn a_snapshot_opens_and_is_refused_where_files_are_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("people.csv");
        std::fs::write(&csv, "id,kind,name\nann,person,Ann\n").unwrap();
        let dataset = DataSource::at(&csv).open(|_| {}).unwrap();
        let snap = dir.path().join("people.snap");
        std::fs::write(&snap, snapshot::encode(&dataset)).unwrap();
        let source = DataSource::at(&snap);
        assert_eq!(source.open(|_| panic!("a snapshot is not validated")).unwrap().entities.len(), 1);
        assert!(matches!(source.files(), Err(OpenError::Unreadable { .. })));
    }
}
