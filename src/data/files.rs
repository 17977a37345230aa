//! The files of a graph-data folder, read from disk or from the copy compiled into the binary.
//!
//! This is the only place in `data/` that touches the file system for graph-data; it
//! classifies files by their place in the layout (schema.toml, sources.toml, entities/,
//! relations/, queries/) and leaves their meaning to the loader.

use std::collections::{HashSet, VecDeque};
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Location, SourceMap};

/// The largest file kgq reads: twice a bulk file of 5·10^6 relations (about 110 MiB);
/// larger imports are split into several files of a folder. It keeps a runaway file (a
/// link to `/dev/zero`, a log written into the folder) from taking the machine's memory.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The most a whole folder may hold, for the same reason: 8 files at the cap.
pub const MAX_TOTAL_BYTES: u64 = 8 * MAX_FILE_BYTES;

/// A graph-data folder's text, ready to load.
#[derive(Debug, Clone, Default)]
pub struct DataFiles {
    /// The folder, as people name it (`graph-data`).
    pub root: String,
    /// Every file, by the name people see (`graph-data/relations/labour.toml`).
    pub map: SourceMap,
    pub schema: Option<FileId>,
    pub sources: Option<FileId>,
    /// `coverage.toml`: source lines left unused on purpose (see `builder::waivers`).
    pub coverage: Option<FileId>,
    pub entities: Vec<FileId>,
    pub relations: Vec<FileId>,
    /// Query scripts under `queries/`.
    pub scripts: Vec<FileId>,
    /// Files that are not part of the layout, reported as warnings.
    pub stray: Vec<FileId>,
    /// FollowTheMoney entity streams (`--data FILE.ftm.json`; see `data::ftm`).
    pub ftm: Vec<FileId>,
    /// `ftm-mapping.toml` beside an FtM stream, when there is one.
    pub ftm_mapping: Option<FileId>,
    /// Files that were found but not read (not regular files, too large, not UTF-8) and
    /// links to folders already read, each with its diagnostic.
    pub unread: Vec<Diagnostic>,
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
        let walk = Walk::run(root)?;
        let mut data = DataFiles::from_files(&root.display().to_string(), walk.files);
        for (rel, problem) in walk.problems {
            let file = data.map.add(format!("{}/{rel}", data.root), "");
            data.unread.push(problem.diagnostic(&data.map.get(file).name, file));
        }
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
        self.entities.iter().chain(&self.relations).any(|&f| has_extension(&self.map.get(f).name, "toml"))
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
                ("", "coverage.toml") => out.coverage = Some(id),
                ("entities", n) if has_extension(n, "toml") || super::bulk::is_bulk(n) => out.entities.push(id),
                ("relations", n) if has_extension(n, "toml") || super::bulk::is_bulk(n) => out.relations.push(id),
                ("queries", n) if has_extension(n, "kgq") => out.scripts.push(id),
                _ => out.stray.push(id),
            }
        }
        out
    }

    /// Warnings for files the loader does not read, and the problems of those it could not.
    pub fn stray_warnings(&self) -> Vec<Diagnostic> {
        let unread = self.unread.iter().cloned();
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
            .chain(unread)
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

/// Why a file of the folder was not read.
#[derive(Debug)]
enum Problem {
    /// A FIFO, socket or device (or a link to one): reading it could block or never end.
    NotRegular(String),
    TooLarge(u64),
    FolderTooLarge,
    NotUtf8(usize),
    Io(io::Error),
    /// A link to a folder already read (a loop, or the same folder twice).
    Revisited(PathBuf),
    /// A FollowTheMoney stream (`*.ftm.json`, `*.ftm.jsonl`, `*.ftm`): data of its own, not
    /// a file of the layout, and not read.
    Ftm,
}

impl Problem {
    fn diagnostic(&self, name: &str, file: FileId) -> Diagnostic {
        let at = Location::new(file, 0..0);
        let mib = |n: u64| format!("{:.1} MiB", n as f64 / f64::from(1 << 20));
        match self {
            Problem::NotRegular(what) => Diagnostic::error(format!("{name} is {what}, not a regular file"))
                .at(at, "not read")
                .help("kgq reads only regular files: replace it with one, or move it out of the folder"),
            Problem::TooLarge(size) => Diagnostic::error(format!(
                "{name} is {}, more than the {} kgq reads from one file",
                mib(*size),
                mib(MAX_FILE_BYTES)
            ))
            .at(at, "not read")
            .help("split it into several files in the same folder"),
            Problem::FolderTooLarge => Diagnostic::error(format!(
                "{name} is not read: the folder's files hold more than the {} kgq reads in all",
                mib(MAX_TOTAL_BYTES)
            ))
            .at(at, "not read")
            .help("split the graph-data into several graphs, or move files that are not graph-data out of it"),
            Problem::NotUtf8(at_byte) => {
                Diagnostic::error(format!("{name} is not UTF-8 text (invalid byte at offset {at_byte})"))
                    .at(at, "not read")
                    .help("save the file as UTF-8")
            }
            Problem::Io(err) => Diagnostic::error(format!("cannot read {name}: {err}"))
                .at(at, "not read")
                .help("check that the file exists and is readable"),
            Problem::Revisited(real) => Diagnostic::warning(format!(
                "{name} is a link to the folder {}, which is already read; it is not read again",
                real.display()
            ))
            .at(at, "not followed")
            .help("remove the link if it was not meant to be there"),
            Problem::Ftm => Diagnostic::warning(format!("{name} is an FtM stream, which is not read with the folder"))
                .at(at, "not read")
                .help(format!("give the stream with a --data of its own: kgq --data FOLDER --data {name}")),
        }
    }
}

/// A walk of a folder: each real folder is entered once however many links lead to it, and
/// only regular files are opened. Links to folders are followed after every folder reached
/// without one, so a folder is read under its own name rather than a link's. An explicit
/// stack, so deep nesting cannot overflow ours.
struct Walk {
    files: Vec<(String, String)>,
    problems: Vec<(String, Problem)>,
    /// Real (canonical) paths of the folders entered.
    seen: HashSet<PathBuf>,
    /// Folders to enter, and links to folders to follow once they are all entered.
    folders: Vec<PathBuf>,
    links: VecDeque<(PathBuf, String)>,
    bytes: u64,
}

impl Walk {
    fn run(root: &Path) -> Result<Walk, ReadError> {
        fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReadError + '_ {
            move |source| ReadError::Io { path: path.to_path_buf(), source }
        }
        let mut walk = Walk {
            files: Vec::new(),
            problems: Vec::new(),
            seen: HashSet::new(),
            folders: Vec::new(),
            links: VecDeque::new(),
            bytes: 0,
        };
        walk.seen.insert(root.canonicalize().map_err(io_err(root))?);
        walk.folders.push(root.to_path_buf());
        while let Some(dir) = walk.next_folder() {
            let mut entries: Vec<PathBuf> = Vec::new();
            for entry in std::fs::read_dir(&dir).map_err(io_err(&dir))? {
                entries.push(entry.map_err(io_err(&dir))?.path());
            }
            // Sorted, so that which of two links to one folder is followed does not depend
            // on the order the file system lists them in.
            entries.sort();
            for path in entries {
                let rel = path.strip_prefix(root).expect("walked below root").to_string_lossy().replace('\\', "/");
                walk.visit(path, rel);
            }
        }
        walk.files.sort();
        walk.problems.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(walk)
    }

    /// The next folder to read: those reached without a link first.
    fn next_folder(&mut self) -> Option<PathBuf> {
        loop {
            if let Some(dir) = self.folders.pop() {
                return Some(dir);
            }
            let (path, rel) = self.links.pop_front()?;
            self.enter(path, rel);
        }
    }

    /// Queues a folder to read unless its real path was entered already.
    fn enter(&mut self, path: PathBuf, rel: String) {
        match path.canonicalize() {
            Ok(real) if self.seen.insert(real.clone()) => self.folders.push(path),
            Ok(real) => self.problems.push((rel, Problem::Revisited(real))),
            Err(err) => self.problems.push((rel, Problem::Io(err))),
        }
    }

    /// One entry of a folder: a folder to enter, a file to read, or something to report.
    fn visit(&mut self, path: PathBuf, rel: String) {
        // Follows links: a link is judged by what it leads to.
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            // A dangling link to a file kgq would not read anyway is none of its business.
            Err(_) if !wanted(&path) => return,
            Err(err) => return self.problems.push((rel, Problem::Io(err))),
        };
        if meta.is_dir() {
            let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if link {
                self.links.push_back((path, rel))
            } else {
                self.enter(path, rel)
            }
            return;
        }
        if super::open::is_ftm(&path) {
            return self.problems.push((rel, Problem::Ftm));
        }
        if !wanted(&path) {
            return;
        }
        match self.read(&path, &meta) {
            Ok(text) => self.files.push((rel, text)),
            Err(Problem::NotRegular(what)) if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) => {
                self.problems.push((rel, Problem::NotRegular(format!("a link to {what}"))));
            }
            Err(problem) => self.problems.push((rel, problem)),
        }
    }

    /// Reads a regular file of at most [`MAX_FILE_BYTES`], never opening anything else.
    fn read(&mut self, path: &Path, meta: &Metadata) -> Result<String, Problem> {
        check_regular(meta)?;
        if self.bytes + meta.len() > MAX_TOTAL_BYTES {
            return Err(Problem::FolderTooLarge);
        }
        let bytes = read_regular(path, MAX_FILE_BYTES)?;
        self.bytes += bytes.len() as u64;
        String::from_utf8(bytes).map_err(|err| Problem::NotUtf8(err.utf8_error().valid_up_to()))
    }
}

/// Reads the regular file at `path`, of at most `cap` bytes. Nothing else is opened for
/// reading (a pipe could block, a device never end), and the read stops past the cap in
/// case the file grows meanwhile. For the folder walk and for `--data FILE` alike.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, Unread> {
    let (file, meta) = open_regular(path, cap)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Unread::TooLarge { size: bytes.len() as u64, cap });
    }
    Ok(bytes)
}

/// The regular file at `path`, of at most `cap` bytes, opened, with its size: for a file
/// read as it is needed (an FtM stream, a snapshot) rather than whole.
pub fn open_regular(path: &Path, cap: u64) -> Result<(File, Metadata), Unread> {
    check_regular(&std::fs::metadata(path)?)?;
    let file = crate::fsutil::open_for_reading(path)?;
    // The file may have been replaced since it was looked at: judge what was opened.
    let meta = file.metadata()?;
    check_regular(&meta)?;
    if meta.len() > cap {
        return Err(Unread::TooLarge { size: meta.len(), cap });
    }
    Ok((file, meta))
}

/// Why [`read_regular`] read nothing.
#[derive(Debug, thiserror::Error)]
pub enum Unread {
    /// A FIFO, socket or device (or a link to one): reading it could block or never end.
    #[error("it is {0}, not a regular file")]
    NotRegular(String),
    #[error("it is {} MiB, more than the {} MiB read from one file", .size >> 20, .cap >> 20)]
    TooLarge { size: u64, cap: u64 },
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl From<Unread> for Problem {
    fn from(unread: Unread) -> Problem {
        match unread {
            Unread::NotRegular(what) => Problem::NotRegular(what),
            Unread::TooLarge { size, .. } => Problem::TooLarge(size),
            Unread::Io(err) => Problem::Io(err),
        }
    }
}

/// Whether a file's name says it is graph-data or a script.
fn wanted(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    ["toml", "kgq", "csv", "jsonl"].iter().any(|ext| has_extension(name, ext))
}

/// Whether the file `name` ends in `.ext`, in any case (`ONE.CSV` is CSV): the one rule by
/// which the folder reader, `--data FILE` and the bulk readers tell files apart.
pub fn has_extension(name: &str, ext: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, e)| !stem.is_empty() && e.eq_ignore_ascii_case(ext))
}

fn check_regular(meta: &Metadata) -> Result<(), Unread> {
    if meta.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let what = if t.is_fifo() {
            "a named pipe (FIFO)"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else if t.is_dir() {
            "a folder"
        } else {
            "neither a file nor a folder"
        };
        Err(Unread::NotRegular(what.into()))
    }
    #[cfg(not(unix))]
    Err(Unread::NotRegular("neither a file nor a folder".into()))
}
