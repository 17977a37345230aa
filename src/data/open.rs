//! Where graph-data comes from, opened one way for every caller: `--data` on any command,
//! the shell's `:data`, and `kgq run` (through `--data`). A [`DataSource`] is a folder, one
//! data file, a FollowTheMoney stream, a snapshot from `kgq build`, or several of these
//! (`--data` given more than once, `builtin` naming the built-in graph), merged into one
//! graph by [`super::merge`]; [`DataSource::open`] reads and validates it
//! into a [`Dataset`], and [`DataSource::files`] reads the files alone, for commands that
//! check or rebuild graph-data. Without `--data` the source is the built-in graph, the
//! shipped folder's files embedded in the binary ([`super::builtin`]). Failures say whether nothing could be read
//! ([`OpenError::Unreadable`]) or the data has errors ([`OpenError::Invalid`]); the caller
//! decides how to show them and what that means for its exit status. A folder's `same_as`
//! statements are resolved once every dataset given is open ([`merge_sources`]), alone or
//! with others, so an end may be an entity of another dataset; one no dataset has is an
//! error at the end.

use std::path::{Path, PathBuf};

use super::files::{MAX_FILE_BYTES, has_extension, open_regular};
use super::{DataFiles, Dataset, Unread, load, merge, read_regular, snapshot};
use crate::diag::{Diagnostic, Stream};

/// The largest snapshot read: one of 10^7 entities and 5·10^7 relations is about 1 GiB.
const MAX_SNAPSHOT_BYTES: u64 = 4 << 30;

/// The built-in graph, a graph-data folder, one data file, or a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The shipped graph-data folder, embedded in the binary.
    Builtin,
    /// A graph-data folder (also what a missing path is taken for, unless its extension
    /// names a data file, so that the error says "no such folder").
    Folder(PathBuf),
    /// One `.csv` or `.jsonl` file of entities, a graph of its
    /// own, its vocabulary inferred as for a folder without schema.toml. A `.toml` file is
    /// refused with what to give instead: its records would cite sources it cannot declare.
    File(PathBuf),
    /// A snapshot from `kgq build`: any other file, which the snapshot reader checks.
    Snapshot(PathBuf),
    /// A FollowTheMoney entity stream: a file named `*.ftm.json`, `*.ftm.jsonl` or `*.ftm`,
    /// read with the `ftm-mapping.toml` beside it, when there is one (see `data::ftm`).
    Ftm(PathBuf),
    /// Several sources as one graph, in the order given.
    Several(Vec<DataSource>),
}

/// Why a source gave no dataset.
#[derive(Debug)]
pub enum OpenError {
    /// Nothing could be read: a missing folder, an unreadable file, a damaged snapshot.
    /// The message names the path; `help` says what to do, when there is more to say.
    Unreadable { message: String, help: Option<&'static str> },
    /// The files were read and have errors: `errors`, located in `files`. `hint` says
    /// how to see them again when `kgq check` of `files` alone would not (errors of
    /// several datasets together).
    Invalid { files: Box<DataFiles>, errors: Vec<Diagnostic>, hint: Option<String> },
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
    /// The source `path` names: `builtin`, a folder, an FtM stream or a data file by its
    /// extension, else a snapshot.
    pub fn at(path: &Path) -> DataSource {
        if path.as_os_str() == "builtin" {
            return DataSource::Builtin;
        }
        if is_ftm(path) {
            return DataSource::Ftm(path.to_path_buf());
        }
        let is_data_file = ["toml", "csv", "jsonl"].iter().any(|ext| extension_is(path, ext));
        let path = path.to_path_buf();
        if path.is_dir() || (!path.exists() && !is_data_file) {
            return DataSource::Folder(path);
        }
        if is_data_file { DataSource::File(path) } else { DataSource::Snapshot(path) }
    }

    /// The source `--data` names (each `--data` one, several as one graph), or the built-in
    /// graph without it.
    pub fn given(paths: &[PathBuf]) -> DataSource {
        match paths {
            [] => DataSource::Builtin,
            [one] => DataSource::at(one),
            several => DataSource::Several(several.iter().map(|p| DataSource::at(p)).collect()),
        }
    }

    /// The name of the source as commands and a graph of several datasets say it.
    pub fn name(&self) -> String {
        match self {
            DataSource::Builtin => "builtin".into(),
            DataSource::Folder(p) | DataSource::File(p) | DataSource::Snapshot(p) | DataSource::Ftm(p) => {
                p.display().to_string()
            }
            DataSource::Several(all) => all.iter().map(DataSource::name).collect::<Vec<_>>().join(" + "),
        }
    }

    /// Reads the graph-data files of a folder or a data file. A snapshot has none: it is
    /// refused, for commands that check or rebuild graph-data.
    pub fn files(&self) -> Result<DataFiles, OpenError> {
        match self {
            DataSource::Builtin => Ok(super::builtin::files()),
            DataSource::Folder(dir) => DataFiles::read_dir(dir).map_err(|err| OpenError::unreadable(err.to_string())),
            DataSource::File(path) => read_file(path),
            DataSource::Ftm(path) => read_ftm(path),
            DataSource::Snapshot(path) => Err(OpenError::Unreadable {
                message: format!("{} is a file; this command reads a graph-data folder", path.display()),
                help: Some("give it the folder the snapshot was built from, or one .toml, .csv or .jsonl file"),
            }),
            DataSource::Several(_) => Err(OpenError::Unreadable {
                message: "this command reads one graph-data folder, and --data names several".into(),
                help: Some("give it one folder or file"),
            }),
        }
    }

    /// Reads and validates the source. `watch` hears when validation starts, with the size
    /// of the text read (a snapshot is decoded, not validated, and says nothing).
    pub fn open(&self, mut watch: impl FnMut(Step)) -> Result<Dataset, OpenError> {
        let dataset = self.open_watched(&mut watch, true)?;
        // Alone, a dataset's `same_as` statements are resolved among its own entities.
        merge_sources(std::slice::from_ref(self), vec![(self.name(), dataset)]).map(|(data, _)| data)
    }

    /// Reads the source as one of several datasets: its `same_as` statements are left for
    /// the merge to resolve ([`merge::merge`]), since an end may be an entity of another.
    pub fn open_part(&self) -> Result<Dataset, OpenError> {
        self.open_watched(&mut |_| {}, false)
    }

    /// The dataset, its `same_as` statements not yet resolved: when it is one of several
    /// (not `alone`), an end may be an entity of another.
    fn open_watched(&self, watch: &mut dyn FnMut(Step), alone: bool) -> Result<Dataset, OpenError> {
        if let DataSource::Snapshot(path) = self {
            return read_snapshot(path);
        }
        if let DataSource::Several(all) = self {
            let mut sets = Vec::with_capacity(all.len());
            for source in all {
                sets.push((source.name(), source.open_watched(watch, false)?));
            }
            return merge_sources(all, sets).map(|(data, _)| data);
        }
        let files = self.files()?;
        watch(Step::Validating { bytes: files.map.files().map(|(_, f)| f.len() as usize).sum() });
        let loaded = load(&files);
        match loaded.dataset {
            Some(dataset) if alone => {
                // Opened alone, a same_as end the folder lacks is an error at the end.
                let errors = unresolved(&dataset);
                if errors.is_empty() {
                    return Ok(dataset);
                }
                let hint = "give the dataset that has each end with another --data".to_string();
                Err(OpenError::Invalid { files: Box::new(files), errors, hint: Some(hint) })
            }
            Some(dataset) => Ok(dataset),
            None => {
                let errors = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
                Err(OpenError::Invalid { files: Box::new(files), errors, hint: None })
            }
        }
    }
}

/// The datasets of `sources` (`sets`, in the same order) merged ([`merge::merge_reporting`]),
/// with the records it did not join; or why they cannot be: a `same_as` that cannot be
/// made is shown at its end, in the files of the dataset that writes it (read again).
pub fn merge_sources(
    sources: &[DataSource],
    sets: Vec<(String, Dataset)>,
) -> Result<(Dataset, merge::Report), OpenError> {
    merge::merge_reporting(sets).map_err(|unmade| {
        if let Some((set, at)) = &unmade.at
            && let Ok(files) = sources[*set].files()
        {
            let error = Diagnostic::error(unmade.message.clone()).at(at.clone(), "here");
            let errors = vec![match unmade.help {
                Some(help) => error.help(help),
                None => error,
            }];
            let data: Vec<String> =
                sources.iter().map(|s| format!("--data {}", crate::diag::visible(&s.name()))).collect();
            let hint = format!("run `kgq {} check` for details", data.join(" "));
            return OpenError::Invalid { files: Box::new(files), errors, hint: Some(hint) };
        }
        // The message quotes ids and file names from the data.
        let message = crate::diag::visible(&unmade.to_string()).into_owned();
        OpenError::Unreadable { message, help: unmade.help.filter(|_| unmade.place.is_none()) }
    })
}

/// An error at each `same_as` end that is not an entity of the dataset, opened alone.
fn unresolved(data: &Dataset) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for s in &data.same_as {
        for (id, at) in [&s.kept, &s.joined].into_iter().zip(&s.ends) {
            if data.entities.find(id).is_none() {
                let message = format!("`{id}` is not an entity of this dataset, and no other dataset is given");
                let help = "give the dataset that has it with another --data, or correct the id";
                errors.push(Diagnostic::error(message).at(at.clone(), "no entity has this id here").help(help));
            }
        }
    }
    errors
}

/// One bulk data file (`.csv`, `.jsonl`) of entities, a graph of its own, named by its own
/// path in diagnostics. A `.toml` file is refused: curated records cite sources, which only
/// a folder's sources.toml declares.
fn read_file(path: &Path) -> Result<DataFiles, OpenError> {
    if extension_is(path, "toml") {
        return Err(OpenError::Unreadable {
            message: format!(
                "{} is one file of a graph-data folder: its records cite sources that sources.toml declares",
                path.display()
            ),
            help: Some("give the folder that holds it (with its sources.toml), or one .csv or .jsonl file of entities"),
        });
    }
    let cannot = |why: String| OpenError::unreadable(format!("cannot read {}: {why}", path.display()));
    let bytes = read_regular(path, MAX_FILE_BYTES).map_err(|unread| cannot(unread.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|err| cannot(format!("it is not UTF-8 text (at byte {})", err.utf8_error().valid_up_to())))?;
    let name = path.display().to_string();
    let mut files = DataFiles { root: name.clone(), ..DataFiles::default() };
    let id = files.map.add(name, text);
    files.entities.push(id);
    Ok(files)
}

/// Whether a file's name makes it an FtM stream: `*.ftm.json`, `*.ftm.jsonl` or `*.ftm`, in any case.
pub(super) fn is_ftm(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let name = name.to_ascii_lowercase();
    [".ftm.json", ".ftm.jsonl", ".ftm"].iter().any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// The largest FtM stream read: OpenSanctions' whole collection is about this size.
const MAX_FTM_BYTES: u64 = 4 << 30;

/// An FtM stream, with the `ftm-mapping.toml` beside it when there is one; both are named
/// by their paths in diagnostics.
fn read_ftm(path: &Path) -> Result<DataFiles, OpenError> {
    let read = |path: &Path, cap: u64| -> Result<String, OpenError> {
        let cannot = |why: String| OpenError::unreadable(format!("cannot read {}: {why}", path.display()));
        let bytes = read_regular(path, cap).map_err(|unread| cannot(unread.to_string()))?;
        String::from_utf8(bytes)
            .map_err(|err| cannot(format!("it is not UTF-8 text (at byte {})", err.utf8_error().valid_up_to())))
    };
    let beside = path.parent().unwrap_or(Path::new("")).join("ftm-mapping.toml");
    let mapping =
        if beside.exists() { Some((beside.display().to_string(), read(&beside, MAX_FILE_BYTES)?)) } else { None };
    // The stream is read line by line by the import, not held (see `data::ftm`).
    let (_, meta) = open_regular(path, MAX_FTM_BYTES).map_err(|unread| {
        let message = format!("cannot read {}: {unread}", path.display());
        let help = path.is_dir().then_some("an FtM stream is a file, one entity a line: give the stream's file");
        OpenError::Unreadable { message, help }
    })?;
    Ok(super::ftm::stream_file(path.display().to_string(), Stream::new(path, &meta), mapping))
}

/// Whether a path's extension is `ext`, in any case, as the folder reader reads file names.
fn extension_is(path: &Path, ext: &str) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|name| has_extension(name, ext))
}

/// Reads a snapshot file written by `kgq build`.
fn read_snapshot(path: &Path) -> Result<Dataset, OpenError> {
    // Decoded as it is read: a snapshot of a large graph is never held whole.
    let (file, meta) = open_regular(path, MAX_SNAPSHOT_BYTES).map_err(|unread| {
        let why = match &unread {
            Unread::NotRegular(what) => format!(
                "it is not a regular file ({what}); --data takes a graph-data folder or a snapshot from `kgq build`"
            ),
            other => other.to_string(),
        };
        OpenError::unreadable(format!("cannot read {}: {why}", path.display()))
    })?;
    snapshot::decode_from(file, meta.len())
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
        // Extensions in any case: what a Windows share or a camera-era export names files.
        assert!(matches!(at("PEOPLE.CSV"), DataSource::File(_)));
        assert!(matches!(at("people.JsonL"), DataSource::File(_)));
        assert!(matches!(at("graph.snap"), DataSource::Snapshot(_)));
        assert!(matches!(at(".csv"), DataSource::Snapshot(_)), "a dot file has no extension");
        assert!(matches!(DataSource::at(dir.path()), DataSource::Folder(_)));
        // A missing path is a folder ("no such folder"), unless it names a data file.
        assert!(matches!(DataSource::at(&dir.path().join("missing")), DataSource::Folder(_)));
        assert!(matches!(DataSource::at(&dir.path().join("missing.csv")), DataSource::File(_)));
    }

    #[test]
    fn one_toml_file_is_refused_with_what_to_give_instead() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.toml");
        std::fs::write(&path, "[[entity]]\nid = \"ann\"\nkind = \"person\"\nname = \"Ann\"\n").unwrap();
        let Err(OpenError::Unreadable { message, help }) = DataSource::at(&path).open(|_| {}) else {
            panic!("a single TOML file is refused")
        };
        assert!(message.contains("sources.toml"), "{message}");
        assert!(help.is_some_and(|h| h.contains("folder")));
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
