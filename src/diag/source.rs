//! The texts diagnostics point into ([`SourceMap`], [`SourceFile`]) and places in them
//! ([`Location`]): byte spans, and the line and column a person reads, found from each
//! file's line starts (computed once, when a place in it is first described).

use std::ops::Range;
use std::sync::{Arc, OnceLock};

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
}

impl SourceFile {
    pub(super) fn lines(&self) -> &Arc<Vec<usize>> {
        self.lines.get_or_init(|| Arc::new(line_starts(&self.text)))
    }

    /// 1-based line and column (in characters) of a byte offset, lines broken as the
    /// rendered snippets break them (`\n`, `\r\n`, a lone `\r`).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        position(&self.text, self.lines(), offset)
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
        self.files.push(SourceFile { name: name.into(), text: Arc::new(text.into()), lines: OnceLock::new() });
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
