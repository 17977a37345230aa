//! A file's text as a diagnostic's snippet shows it ([`Shown`]): line breaks, CRLF endings
//! and tabs (which miette expands) as they are, everything else that acts on a terminal
//! escaped, with what each escape adds, so that spans move onto the shown text. A byte
//! order mark opening a file is not shown.
//!
//! Of a [`Stream`] (a file not held in memory) only the lines near the places shown are
//! read again; every other line is shown empty, so line numbers stay those of the file
//! while the text held is a byte a line. Bytes that are not UTF-8 are shown as `\xNN`.

use std::io::BufReader;
use std::ops::Range;
use std::sync::Arc;

use super::source::{SourceFile, Stream, line_starts, read_line_capped};
use super::visible::{acts_on_terminal, push_escape};

/// Lines shown around a place: miette shows one either side; a span over many lines is
/// shown from its first line, at most this many more.
const AROUND: usize = 2;
const SPAN_LINES: usize = 64;
/// The most of one line of a stream that is shown (an FtM record is far shorter).
const LINE_CAP: usize = 1 << 20;

pub(super) struct Shown {
    pub text: Arc<String>,
    /// Where each line of the shown text starts.
    pub lines: Arc<Vec<usize>>,
    /// (byte offset in the file, bytes added (or taken away) up to and including it).
    growth: Vec<(usize, isize)>,
}

impl Shown {
    /// The shown text of `file`, for diagnostics at `places` (which only a stream needs).
    pub fn of(file: &SourceFile, places: &[Range<usize>]) -> Shown {
        if let Some(stream) = &file.stream {
            return Shown::of_stream(file, stream, places);
        }
        let text = &file.text;
        let mut out = Escaper::default();
        let skip = out.bom(text.as_bytes(), 0);
        out.push(&text[skip..], skip);
        match out.shown {
            None => Shown { text: Arc::clone(text), lines: Arc::clone(file.lines()), growth: out.growth },
            Some(shown) => Shown { lines: Arc::new(line_starts(&shown)), text: Arc::new(shown), growth: out.growth },
        }
    }

    /// The lines of a stream near `places`, every other line empty. A stream that cannot
    /// be read again (gone, or changed since) shows empty lines, and its places still get
    /// their file, line and column.
    fn of_stream(file: &SourceFile, stream: &Stream, places: &[Range<usize>]) -> Shown {
        let starts = file.lines();
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let mut wanted: Vec<Range<usize>> = places
            .iter()
            .map(|span| {
                let (first, last) = (line_of(span.start), line_of(span.end));
                first.saturating_sub(AROUND)..last.min(first + SPAN_LINES) + AROUND + 1
            })
            .collect();
        wanted.sort_by_key(|r| r.start);
        let mut out = Escaper { shown: Some(String::new()), ..Escaper::default() };
        let mut read = stream.reopen().map(|file| BufReader::with_capacity(1 << 16, file)).ok();
        let mut line = Vec::new();
        let (mut at, mut number, mut next) = (0usize, 0usize, 0usize);
        while let Some(reader) = read.as_mut() {
            let Ok((taken, newline)) = read_line_capped(reader, &mut line, LINE_CAP) else { break };
            if taken == 0 {
                break;
            }
            while next < wanted.len() && wanted[next].end <= number {
                next += 1;
            }
            let content = taken - usize::from(newline);
            let cut = content - line.len();
            if !wanted.get(next).is_some_and(|r| r.contains(&number)) {
                out.drop_bytes(at, content);
                out.raw(newline);
            } else if cut == 0 {
                // With its line break, so that a CRLF ending shows as one.
                if newline {
                    line.push(b'\n');
                }
                let skip = out.bom(&line, at);
                out.push_bytes(&line[skip..], at + skip);
            } else {
                let skip = out.bom(&line, at);
                out.push_bytes(&line[skip..], at + skip);
                out.drop_bytes(at + line.len(), cut);
                out.raw(newline);
            }
            at += taken;
            number += 1;
            if next >= wanted.len() {
                // Nothing more is shown: the rest of the file's lines are empty lines.
                let rest = starts.len().saturating_sub(number + 1);
                out.shown.as_mut().expect("a stream's shown text").extend(std::iter::repeat_n('\n', rest));
                break;
            }
        }
        let shown = out.shown.unwrap_or_default();
        Shown { lines: Arc::new(line_starts(&shown)), text: Arc::new(shown), growth: out.growth }
    }

    /// Where a byte offset of the file lies in the shown text.
    pub fn offset(&self, offset: usize) -> usize {
        let before = self.growth.partition_point(|&(at, _)| at < offset);
        let delta = before.checked_sub(1).map_or(0, |i| self.growth[i].1);
        offset.saturating_add_signed(delta)
    }
}

/// Builds a shown text from pieces of a file, recording what each escape adds and each
/// left-out piece takes away. `shown` stays `None` while the text needs no change.
#[derive(Default)]
struct Escaper {
    shown: Option<String>,
    growth: Vec<(usize, isize)>,
    added: isize,
}

impl Escaper {
    /// `text`, which starts at byte `base` of the file.
    fn push(&mut self, text: &str, base: usize) {
        let kept = |c: char, next: Option<char>| c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'));
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let escaped = acts_on_terminal(c) && !kept(c, chars.peek().map(|&(_, n)| n));
            if escaped && self.shown.is_none() {
                self.shown = Some(text[..at].to_string());
            }
            let Some(out) = self.shown.as_mut() else { continue };
            if escaped {
                let before = out.len();
                push_escape(c, out);
                self.added += (out.len() - before - c.len_utf8()) as isize;
                self.growth.push((base + at, self.added));
            } else {
                out.push(c);
            }
        }
    }

    /// Bytes that may not be UTF-8: the valid runs as [`Escaper::push`] shows them, each
    /// other byte as `\xNN`.
    fn push_bytes(&mut self, bytes: &[u8], base: usize) {
        let mut at = base;
        for chunk in bytes.utf8_chunks() {
            self.push(chunk.valid(), at);
            at += chunk.valid().len();
            for &b in chunk.invalid() {
                let out = self.shown.get_or_insert_with(String::new);
                out.push_str(&format!("\\x{b:02x}"));
                self.added += 3;
                self.growth.push((at, self.added));
                at += 1;
            }
        }
    }

    /// Leaves out a byte order mark opening the file (`bytes` start at byte `at`), which
    /// readers pass over and a terminal would show as nothing; how many bytes it took.
    fn bom(&mut self, bytes: &[u8], at: usize) -> usize {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        if at != 0 || !bytes.starts_with(BOM) {
            return 0;
        }
        self.shown.get_or_insert_with(String::new);
        self.drop_bytes(0, BOM.len());
        BOM.len()
    }

    /// A line break, when there is one, that adds or takes nothing.
    fn raw(&mut self, newline: bool) {
        if newline {
            self.shown.get_or_insert_with(String::new).push('\n');
        }
    }

    /// `len` bytes of the file from `at` left out.
    fn drop_bytes(&mut self, at: usize, len: usize) {
        if len > 0 {
            self.added -= len as isize;
            self.growth.push((at + len - 1, self.added));
        }
    }
}
