//! The texts diagnostics point into ([`SourceMap`], [`SourceFile`]) and places in them
//! ([`Location`]): byte spans, and the line and column a person reads, found from each
//! file's line starts (computed once, when a place in it is first described).
//!
//! A file too large to hold (an FtM stream of a million records) is a [`Stream`]: only its
//! path is kept, and it is read again, line by line, when a place in it is described or
//! shown. Its lines end at `\n`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Location {
    pub fn new(file: FileId, span: Range<usize>) -> Location {
        Location { file, span }
    }
}

/// A named text that diagnostics can point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to people, e.g. `graph-data/relations/labour.toml`.
    pub name: String,
    /// Shared with rendered reports; an `Arc<String>` so that adding a file read into a
    /// `String` (a bulk file of a hundred megabytes) moves it rather than copying it.
    pub text: Arc<String>,
    /// Where each line starts, found when a place in the file is first described, so that
    /// describing many places costs a search each rather than a walk from the start.
    lines: OnceLock<Arc<Vec<usize>>>,
    /// The file on disk, when its text is not held (`text` is then empty).
    pub stream: Option<Arc<Stream>>,
}

impl SourceFile {
    pub(super) fn lines(&self) -> &Arc<Vec<usize>> {
        self.lines.get_or_init(|| {
            Arc::new(match &self.stream {
                None => line_starts(&self.text),
                Some(stream) => stream.line_starts().unwrap_or_else(|_| vec![0]),
            })
        })
    }

    /// 1-based line and column (in characters) of a byte offset, lines broken as the
    /// rendered snippets break them (`\n`, `\r\n`, a lone `\r`; a stream's at `\n`).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let Some(stream) = &self.stream else { return position(&self.text, self.lines(), offset) };
        let lines = self.lines();
        let line = lines.partition_point(|&start| start <= offset) - 1;
        // The column needs the line's text up to the place: read that much again.
        let col =
            stream.read(lines[line]..offset).map_or(1, |bytes| String::from_utf8_lossy(&bytes).chars().count() + 1);
        (line + 1, col)
    }

    /// How many bytes the file holds.
    pub fn len(&self) -> u64 {
        self.stream.as_ref().map_or(self.text.len() as u64, |s| s.len)
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A file read line by line rather than held: its path, and its length and modification
/// time when it was first read. A file that changed since is not read again (its places
/// would point into other text).
#[derive(Debug)]
pub struct Stream {
    pub path: PathBuf,
    pub len: u64,
    modified: Option<SystemTime>,
}

impl Stream {
    /// The file at `path` as it is now (its metadata `meta`).
    pub fn new(path: &Path, meta: &std::fs::Metadata) -> Stream {
        Stream { path: path.to_path_buf(), len: meta.len(), modified: meta.modified().ok() }
    }

    /// The file opened for reading, if it is as it was.
    pub fn reopen(&self) -> io::Result<File> {
        let file = crate::fsutil::open_for_reading(&self.path)?;
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() != self.len || meta.modified().ok() != self.modified {
            return Err(io::Error::other("it changed since it was read; read it again"));
        }
        Ok(file)
    }

    /// The bytes of `range` (at most 1 MiB of them).
    fn read(&self, range: Range<usize>) -> io::Result<Vec<u8>> {
        let mut file = self.reopen()?;
        file.seek(SeekFrom::Start(range.start as u64))?;
        let mut bytes = Vec::new();
        file.take((range.end.saturating_sub(range.start) as u64).min(1 << 20)).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Where each line starts (lines end at `\n`).
    fn line_starts(&self) -> io::Result<Vec<usize>> {
        let mut reader = BufReader::with_capacity(1 << 20, self.reopen()?);
        let mut starts = vec![0];
        let mut at = 0;
        loop {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(starts);
            }
            starts.extend(memchr::memchr_iter(b'\n', buf).map(|i| at + i + 1));
            let n = buf.len();
            at += n;
            reader.consume(n);
        }
    }
}

/// Reads the next line of `reader` (up to and without its `\n`) into `line`, keeping at
/// most `cap` bytes of it; the rest of a longer line is read past, not kept. Returns how
/// many bytes the line took in the file, its `\n` included (0 at the end), and whether a
/// `\n` ended it. A line was cut when it took more than `line.len()` and its `\n`.
pub fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>, cap: usize) -> io::Result<(usize, bool)> {
    line.clear();
    let mut taken = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((taken, false));
        }
        let (part, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let content = if done { part - 1 } else { part };
        let room = cap.saturating_sub(line.len());
        line.extend_from_slice(&buf[..content.min(room)]);
        reader.consume(part);
        taken += part;
        if done {
            return Ok((taken, true));
        }
    }
}

/// 1-based line and column (in characters) of a byte offset in a text that is not a
/// [`SourceFile`] (a statement typed in the shell), lines broken as in files.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    position(text, &line_starts(text), offset)
}

fn position(text: &str, lines: &[usize], offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line = lines.partition_point(|&start| start <= offset) - 1;
    let col = text[lines[line]..offset].chars().count() + 1;
    (line + 1, col)
}

/// The files that diagnostics point into.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(name.into(), text.into(), None)
    }

    /// A file that is read from disk when needed rather than held (see [`Stream`]).
    pub fn add_stream(&mut self, name: impl Into<String>, stream: Stream) -> FileId {
        self.push(name.into(), String::new(), Some(Arc::new(stream)))
    }

    fn push(&mut self, name: String, text: String, stream: Option<Arc<Stream>>) -> FileId {
        self.files.push(SourceFile { name, text: Arc::new(text), lines: OnceLock::new(), stream });
        FileId(u32::try_from(self.files.len() - 1).expect("fewer than 2^32 files"))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// `name:line:col` (1-based) of a location, for messages that name a second place.
    pub fn describe(&self, loc: &Location) -> String {
        let file = self.get(loc.file);
        let (line, col) = file.line_col(loc.span.start);
        format!("{}:{line}:{col}", file.name)
    }
}

pub(super) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub(super) fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// Where each line of `text` starts, line breaks counted as miette counts them: `\n`,
/// `\r\n` and a lone `\r`.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}
