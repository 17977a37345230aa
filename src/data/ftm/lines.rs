//! The lines of an FtM stream, one at a time, from the text held or from the file on disk
//! ([`Lines`]): blank lines passed over, a line that is not UTF-8 or is longer than
//! [`MAX_LINE`] a located error, a CRLF ending and a byte order mark opening the stream
//! (which RFC 8259 lets a reader pass over) not part of the line.

use std::io::{self, BufRead, BufReader};
use std::ops::Range;

use super::MAX_LINE;
use crate::diag::{Diagnostic, FileId, Location, SourceFile, read_line_capped};

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The lines of a stream, one at a time, held or read from disk.
pub(super) struct Lines<'a> {
    reader: Box<dyn BufRead + 'a>,
    /// The last line read; its room is reused for the next.
    text: String,
    /// Where the next line starts.
    at: usize,
}

/// A line of a stream as [`Lines`] reads it.
pub(super) enum Next<'a> {
    /// A line that is not blank: its span (without its line break) and its text.
    Line(Range<usize>, &'a str),
    /// A line that could not be read as text: a located error.
    Bad(Diagnostic),
    End,
}

impl<'a> Lines<'a> {
    pub(super) fn open(source: &'a SourceFile) -> io::Result<Lines<'a>> {
        let reader: Box<dyn BufRead> = match &source.stream {
            Some(stream) => Box::new(BufReader::with_capacity(1 << 20, stream.reopen()?)),
            None => Box::new(source.text.as_bytes()),
        };
        Ok(Lines { reader, text: String::new(), at: 0 })
    }

    pub(super) fn next(&mut self, file: FileId) -> io::Result<Next<'_>> {
        let mut line = std::mem::take(&mut self.text).into_bytes();
        loop {
            let (taken, newline) = read_line_capped(&mut self.reader, &mut line, MAX_LINE)?;
            if taken == 0 {
                return Ok(Next::End);
            }
            let start = self.at;
            self.at += taken;
            let content = taken - usize::from(newline);
            if content > line.len() {
                let diag = Diagnostic::error(format!("this line is longer than {} MiB", MAX_LINE >> 20))
                    .at(Location::new(file, start..start + 1), "this line")
                    .help("an FtM stream holds one entity a line; split the record or check that the file is an FtM stream");
                return Ok(Next::Bad(diag));
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            // A byte order mark opening the stream is not part of its first line (RFC 8259
            // lets a reader pass over it).
            let skip = if start == 0 && line.starts_with(BOM) { BOM.len() } else { 0 };
            // Checked once, as the line becomes the `String` the caller borrows.
            match String::from_utf8(line) {
                Err(err) => {
                    let bad = start + err.utf8_error().valid_up_to();
                    let diag = Diagnostic::error("this line is not UTF-8 text")
                        .at(Location::new(file, bad..bad + 1), "not UTF-8")
                        .help("FtM streams are UTF-8: convert the file (iconv -f ... -t UTF-8)");
                    return Ok(Next::Bad(diag));
                }
                Ok(text) if text[skip..].trim().is_empty() => line = text.into_bytes(),
                Ok(text) => {
                    self.text = text;
                    let body = &self.text[skip..];
                    return Ok(Next::Line(start + skip..start + skip + body.len(), body));
                }
            }
        }
    }
}
