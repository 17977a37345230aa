//! CSV text to rows: the header (unknown columns reported), then each row as its cells'
//! trimmed texts and spans. Text that quotes nothing (no `"` anywhere, as most imports)
//! is split at commas and line breaks found with `memchr`, borrowing every cell; other
//! text goes through the csv crate, which unescapes quoted cells.

use std::ops::Range;

use toml::Spanned;

use super::{Cells, ENTITY_COLUMNS, RELATION_COLUMNS, Sink, Table};
use crate::data::parse::{RawEvidence, Text};
use crate::diag::{Diagnostic, FileId, Location};
use crate::suggest::help_for_unknown;

/// Reads the rows of unquoted CSV in `text[lines]` (whole lines), blank lines skipped:
/// calls `each` with where a row starts, the line without its `\n`, and the places of its
/// cells, `content.split(',')` of the line's content (the line without a `\r` either).
pub fn csv_lines<'t>(text: &'t str, lines: Range<usize>, mut each: impl FnMut(usize, &'t str, &[(usize, usize)])) {
    let bytes = text.as_bytes();
    let (first, end) = (lines.start, lines.end);
    // The line `line..at` ends; its last cell starts at `cell`.
    let mut row = |line: usize, at: usize, cell: usize, cells: &mut Vec<(usize, usize)>| {
        let content_end = if at > line && bytes[at - 1] == b'\r' { at - 1 } else { at };
        cells.push((cell.min(content_end), content_end));
        if content_end > line {
            each(line, &text[line..at], cells);
        }
        cells.clear();
    };
    let (mut line, mut cell) = (first, first);
    let mut cells = Vec::new();
    for at in memchr::memchr2_iter(b',', b'\n', &bytes[lines]).map(|p| p + first) {
        if bytes[at] == b',' {
            cells.push((cell, at));
        } else {
            row(line, at, cell, &mut cells);
            line = at + 1;
        }
        cell = at + 1;
    }
    if line < end {
        row(line, end, cell, &mut cells);
    }
}

/// A cell's text without surrounding white space (`str::trim`), quickly when it has none
/// at either end, as most cells.
pub fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(&a), Some(&b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// One CSV row: its cells by column name, with their spans.
pub struct Row<'r, 't> {
    pub file: FileId,
    pub span: Range<usize>,
    header: &'r [String],
    /// Each cell's text and span, by column.
    pub cells: &'r [(&'t str, Range<usize>)],
}

impl Row<'_, '_> {
    fn columns(&self) -> impl Iterator<Item = (&str, Text)> + '_ {
        self.header.iter().zip(self.cells).map(|(c, (v, span))| (c.as_str(), Spanned::new(span.clone(), v.to_string())))
    }
}

impl Cells for Row<'_, '_> {
    fn get(&self, names: &[&str]) -> Option<Text> {
        let (_, (value, span)) =
            self.header.iter().zip(self.cells).find(|(c, (v, _))| names.contains(&c.as_str()) && !v.is_empty())?;
        Some(Spanned::new(span.clone(), value.to_string()))
    }

    fn location(&self) -> Location {
        Location::new(self.file, self.span.clone())
    }

    fn aliases(&self) -> Vec<Text> {
        self.get(&["aliases"]).map_or_else(Vec::new, |a| {
            a.get_ref()
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Spanned::new(a.span(), s.to_string()))
                .collect()
        })
    }

    /// `attr.KEY` cells as a typed table.
    fn attrs(&self, _diags: &mut Vec<Diagnostic>) -> Option<Spanned<toml::Table>> {
        let mut table = toml::Table::new();
        for (column, value) in self.columns() {
            if let Some(key) = column.strip_prefix("attr.")
                && !value.get_ref().is_empty()
            {
                table.insert(key.to_string(), typed(value.get_ref()));
            }
        }
        (!table.is_empty()).then(|| Spanned::new(self.span.clone(), table))
    }

    /// The `source`/`line`/`quote` cells as one evidence locator.
    fn evidence(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<Vec<Spanned<RawEvidence>>>> {
        let source = self.get(&["source"])?;
        let line = self.required(&["line"], diags)?;
        let quote = self.required(&["quote"], diags)?;
        let Ok(number) = line.get_ref().trim().parse::<i64>() else {
            diags.push(
                Diagnostic::error(format!("line `{}` is not a number", line.get_ref()))
                    .at(Location::new(self.file, line.span()), "not a line number")
                    .help("lines are counted from 1"),
            );
            return None;
        };
        let ev = RawEvidence { source, line: Spanned::new(line.span(), number), quote };
        Some(Spanned::new(self.span.clone(), vec![Spanned::new(self.span.clone(), ev)]))
    }
}

/// A cell's text as a typed attribute value.
fn typed(text: &str) -> toml::Value {
    if let Ok(i) = text.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(f) = text.parse::<f64>()
        && f.is_finite()
    {
        return toml::Value::Float(f);
    }
    match text {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(text.to_string()),
    }
}

/// A row handler: receives each row as it is read, so rows are never all held at once.
pub type EachRow<'f, 't> = dyn FnMut(&Row<'_, 't>) + 'f;

/// Reads the header's column names, reporting unknown ones. None when it cannot be read.
pub fn header(file: FileId, text: &str, table: Table, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let known = match table {
        Table::Entities => ENTITY_COLUMNS,
        Table::Relations => RELATION_COLUMNS,
    };
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(err) => {
            diags
                .push(Diagnostic::error(format!("unreadable CSV header: {err}")).at(Location::new(file, 0..0), "here"));
            return None;
        }
    };
    let header_end = text.find('\n').unwrap_or(text.len());
    let mut column_start = 0;
    for column in &header {
        let span = column_start..column_start + column.len();
        column_start += column.len() + 1;
        if column.starts_with("attr.") || known.contains(&column.as_str()) {
            continue;
        }
        diags.push(
            Diagnostic::error(format!("unknown column `{column}`"))
                .at(Location::new(file, span.start.min(header_end)..span.end.min(header_end)), "unknown column")
                .help(format!(
                    "{} (attributes are `attr.NAME` columns)",
                    help_for_unknown(column, known.iter().copied(), "columns")
                )),
        );
    }
    Some(header)
}

/// Reads the rows of CSV text that may quote cells, with the csv crate.
pub fn quoted_rows(
    file: FileId,
    text: &str,
    header: &[String],
    sink: &mut dyn Sink,
    each: &mut dyn FnMut(&Row, &mut dyn Sink),
) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let at = err.position().map_or(0, |p| p.byte() as usize);
                sink.diags().push(
                    Diagnostic::error(format!("unreadable CSV row: {err}")).at(Location::new(file, at..at), "here"),
                );
                continue;
            }
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let span = start..end.max(start);
        let cells: Vec<(&str, Range<usize>)> = (0..header.len().min(record.len()))
            .map(|i| {
                let bytes = record.get(i).expect("i is below the record's length");
                // The text is UTF-8, and a cell is a piece of it with quote escapes removed.
                let value = std::str::from_utf8(bytes).expect("cells of UTF-8 text are UTF-8").trim();
                (value, cell_span(text, &record, i, &span))
            })
            .collect();
        each(&Row { file, span, header, cells: &cells }, sink);
    }
}

/// Reads the rows in `text[lines]` (whole lines) of CSV text that quotes nothing (no `"`
/// anywhere), by splitting lines at commas: the same rows the csv crate reads, several
/// times faster. Empty lines are skipped, as the csv crate skips them.
pub fn simple_rows<'t>(
    file: FileId,
    text: &'t str,
    lines: Range<usize>,
    header: &[String],
    each: &mut EachRow<'_, 't>,
) {
    let mut cells: Vec<(&'t str, Range<usize>)> = Vec::with_capacity(header.len());
    csv_lines(text, lines, |start, row, places| {
        cells.clear();
        cells.extend(places.iter().take(header.len()).map(|&(a, b)| (trim(&text[a..b]), a..b)));
        each(&Row { file, span: start..start + row.len(), header, cells: &cells });
    });
}

/// The cell's bytes in the text, when it is written as is (unquoted); else the whole row.
fn cell_span(text: &str, record: &csv::ByteRecord, i: usize, row: &Range<usize>) -> Range<usize> {
    let Some(range) = record.range(i) else { return row.clone() };
    // Unquoted cells sit at their offset in the record plus one separator per cell before.
    let start = row.start + range.start + i;
    let end = start + range.len();
    match (text.get(start..end), record.get(i)) {
        (Some(raw), Some(bytes)) if raw.as_bytes() == bytes => start..end,
        _ => row.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The line reader finds the lines and cells that splitting at `\n`, then
        /// at `,`, finds: blank lines (and lone `\r` line ends) skipped, a last line without
        /// a line break kept, multi-byte text left whole.
        #[test]
        fn lines_and_cells_are_those_of_splitting(text in "[a,\n\r é]{0,40}", cut in 0usize..8) {
            let start = text.char_indices().map(|(i, _)| i).filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n').nth(cut).unwrap_or(text.len());
            let mut want = Vec::new();
            let mut at = start;
            for line in text[start..].split_inclusive('\n') {
                let row = line.strip_suffix('\n').unwrap_or(line);
                let content = row.strip_suffix('\r').unwrap_or(row);
                if !content.is_empty() {
                    want.push((at, row.to_string(), content.split(',').map(str::to_string).collect::<Vec<_>>()));
                }
                at += line.len();
            }
            let mut got = Vec::new();
            csv_lines(&text, start..text.len(), |at, row, cells| {
                got.push((at, row.to_string(), cells.iter().map(|&(a, b)| text[a..b].to_string()).collect::<Vec<_>>()));
            });
            proptest::prop_assert_eq!(got, want);
        }
    }
}
