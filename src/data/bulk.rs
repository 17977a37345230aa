//! Bulk formats next to TOML: CSV and JSON Lines files of entities and relations, for
//! imports too large to curate by hand. A plain CSV row (the required columns and nothing
//! else, the bulk of any import) reaches the loader as borrowed cells with their spans;
//! every other row or line becomes the same raw record the TOML reader produces, with
//! spans on the CSV cell or JSON line, so validation and diagnostics (file:line:col, every
//! problem collected) are shared. Unquoted relation files are checked on two cores; see
//! [`QuietCheck`].
//!
//! CSV columns. Entities: `id`, `kind`, `name` (required), `aliases` (separated by `;`),
//! `country`, `note`, `source`/`line`/`quote` (one evidence locator), `attr.KEY` (an
//! attribute; numbers and true/false are typed). Relations: `from` (or `src`), `rel`, `to`
//! (or `dst`), `since`, `until`, `date`, `status`, `note`, `source`/`line`/`quote`,
//! `attr.KEY`. JSON Lines: one object per line with the TOML record's fields.

use std::ops::Range;

use toml::Spanned;

use super::parse::{ENTITY_FIELDS, RELATION_FIELDS, RawEntity, RawEvidence, RawRelation, Record, Text};
use crate::diag::{Diagnostic, FileId, Location};
use crate::model::Status;
use crate::suggest::help_for_unknown;

/// Which records a bulk file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Entities,
    Relations,
}

const ENTITY_COLUMNS: &[&str] = &["id", "kind", "name", "aliases", "country", "note", "source", "line", "quote"];
const RELATION_COLUMNS: &[&str] =
    &["from", "src", "rel", "to", "dst", "since", "until", "date", "status", "note", "source", "line", "quote"];

/// Whether a file name is a bulk file.
pub fn is_bulk(name: &str) -> bool {
    name.ends_with(".csv") || name.ends_with(".jsonl")
}

/// Where a bulk file's rows go: plain rows (the required columns and nothing else) as
/// borrowed cells, every other row as the raw record the TOML reader would produce.
pub trait Sink {
    fn diags(&mut self) -> &mut Vec<Diagnostic>;
    /// Entity rows with an id, a kind and a name only, in file order: cells `id`, `kind`,
    /// `name`. They come in batches, so that the sink can fetch what their checks read
    /// together.
    fn plain_entities(&mut self, rows: &[Plain]);
    /// Relation rows with ends and a relation only, in file order: cells `from`, `rel`,
    /// `to`, `status` (the last may be empty). They come in batches, so that the sink can
    /// look their ends up together.
    fn plain_relations(&mut self, rows: &[Plain]);
    fn entity(&mut self, record: Record<RawEntity>);
    fn relation(&mut self, record: Record<RawRelation>);
    /// A checker for plain relation rows that may run on other threads meanwhile.
    fn quiet(&self) -> Box<dyn QuietCheck + '_>;
    /// Rows `range` of `rows`, which the quiet checker accepted: consecutive rows of
    /// `file` (one a line, blank lines aside), the first of them starting at byte `from`.
    fn checked(&mut self, file: FileId, rows: &Accepted, range: Range<usize>, from: usize);
}

/// Checks plain relation rows without reporting anything, so that several threads can
/// share it. A row that would need a report, or would teach an inferred vocabulary a new
/// relation, is refused and comes back to the [`Sink`] in its turn, which then reports or
/// learns as it always does; every row it accepts, the sink would accept silently.
pub trait QuietCheck: Sync {
    /// Appends the rows it accepts to `accepted`, in order, and the positions in `rows` of
    /// the others to `refused`. A row is the texts of a [`Plain`] row's cells.
    fn check(&self, rows: &[[&str; 4]], accepted: &mut Accepted, refused: &mut Vec<usize>);
}

/// Relation rows accepted by a [`QuietCheck`], as the relation table's columns: ends,
/// relation kinds, statuses.
#[derive(Default)]
pub struct Accepted {
    pub ends: Vec<(u32, u32)>,
    pub rel: Vec<u16>,
    pub status: Vec<Status>,
}

impl Accepted {
    pub fn push(&mut self, ends: (u32, u32), rel: u16, status: Status) {
        self.ends.push(ends);
        self.rel.push(rel);
        self.status.push(status);
    }

    pub fn len(&self) -> usize {
        self.rel.len()
    }

    fn clear(&mut self) {
        self.ends.clear();
        self.rel.clear();
        self.status.clear();
    }
}

/// Where the row `k` rows on from the one starting at `from` starts, counting one row a
/// line and skipping blank lines, as unquoted CSV is read.
pub fn nth_row(text: &str, from: usize, k: usize) -> usize {
    let mut seen = 0;
    let mut found = text.len();
    csv_lines(text, from..text.len(), |start, _, _| {
        if seen == k {
            found = start;
        }
        seen += 1;
    });
    found
}

/// Reads the rows of unquoted CSV in `text[lines]` (whole lines), blank lines skipped:
/// calls `each` with where a row starts, the line without its `\n`, and the places of its
/// cells, `content.split(',')` of the line's content (the line without a `\r` either).
fn csv_lines<'t>(text: &'t str, lines: Range<usize>, mut each: impl FnMut(usize, &'t str, &[(usize, usize)])) {
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
    for at in Separators::new(&bytes[lines]).map(|p| p + first) {
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

/// The places of the commas and line breaks in some bytes, in order, found eight bytes at
/// a time: each word gives a mask of its separator bytes, whose set bits are read off.
struct Separators<'a> {
    bytes: &'a [u8],
    /// Where the next word starts, and where the one the mask is of started.
    next: usize,
    base: usize,
    mask: u64,
}

impl<'a> Separators<'a> {
    fn new(bytes: &'a [u8]) -> Separators<'a> {
        Separators { bytes, next: 0, base: 0, mask: 0 }
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        /// `0x01` in every byte.
        const BYTES: u64 = u64::MAX / 255;
        /// Bit 7 set in each byte of `x` that is zero, and no other bit.
        fn zero_bytes(x: u64) -> u64 {
            let low = BYTES * 0x7F;
            !(((x & low) + low) | x) & (BYTES << 7)
        }
        while self.mask == 0 {
            let at = self.next;
            let word = match self.bytes.get(at..at + 8) {
                Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
                None if at < self.bytes.len() => {
                    let mut word = [0u8; 8];
                    word[..self.bytes.len() - at].copy_from_slice(&self.bytes[at..]);
                    u64::from_le_bytes(word)
                }
                None => return None,
            };
            self.mask = zero_bytes(word ^ (BYTES * u64::from(b','))) | zero_bytes(word ^ (BYTES * u64::from(b'\n')));
            (self.base, self.next) = (at, at + 8);
        }
        let place = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(place)
    }
}

/// A cell's trimmed text and where it is written.
pub struct Cell<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

/// A plain row: its place and its cells in the order the [`Sink`] method names them.
pub struct Plain<'a> {
    pub file: FileId,
    pub span: Range<usize>,
    pub cells: [Cell<'a>; 4],
}

/// Reads a bulk file of entities or relations into `sink`, reporting what is wrong with it.
pub fn read(file: FileId, name: &str, text: &str, table: Table, sink: &mut dyn Sink) {
    if name.ends_with(".jsonl") {
        let fields = match table {
            Table::Entities => ENTITY_FIELDS.names,
            Table::Relations => RELATION_FIELDS.names,
        };
        for line in json_lines(file, text, fields, sink.diags()) {
            match table {
                Table::Entities => entity_row(&line, sink),
                Table::Relations => relation_row(&line, sink),
            }
        }
        return;
    }
    let Some(header) = csv_header(file, text, table, sink.diags()) else { return };
    let plan = PlainPlan::new(&header, table);
    if text.contains('"') {
        csv_rows(file, text, &header, sink, &mut |row, sink| {
            // Cells may be unescaped copies that live as long as their row: batches of one.
            let mut dispatch = Dispatch { file, table, plan: plan.as_ref(), pending: Vec::new() };
            dispatch.row(row, sink);
            dispatch.flush(sink);
        });
    } else if let (Table::Relations, Some(plan)) = (table, &plan) {
        parallel_relations(file, text, &header, plan, sink);
    } else {
        let mut dispatch = Dispatch { file, table, plan: plan.as_ref(), pending: Vec::with_capacity(BATCH) };
        let body = text.find('\n').map_or(text.len(), |n| n + 1)..text.len();
        simple_rows(file, text, body, &header, &mut |row| dispatch.row(row, sink));
        dispatch.flush(sink);
    }
}

/// Text per block of a parallel read: big enough that starting threads costs nothing, small
/// enough that a block's outcomes take little memory.
#[cfg(not(test))]
const BLOCK_BYTES: usize = 4 << 20;
/// Small blocks under test, so that small files cross many block and half-block borders.
#[cfg(test)]
const BLOCK_BYTES: usize = 97;

/// A part of a block, checked off the main thread: the rows accepted, and each refused
/// row as (how many accepted rows come before it, where it starts). The sink reads a
/// refused row again from its start, with reports.
#[derive(Default)]
struct Part {
    accepted: Accepted,
    refused: Vec<(usize, usize)>,
}

/// Relations from unquoted CSV, on two cores: each block of lines is cut in two halves,
/// checked quietly at once; then, in file order, runs of accepted rows go to the sink as
/// they are and the others take the usual way, with their reports.
fn parallel_relations(file: FileId, text: &str, header: &[String], plan: &PlainPlan, sink: &mut dyn Sink) {
    let mut at = text.find('\n').map_or(text.len(), |n| n + 1);
    let mut dispatch = Dispatch { file, table: Table::Relations, plan: Some(plan), pending: Vec::new() };
    let (mut first, mut second) = (Part::default(), Part::default());
    // A small first block: rows its checker refuses (a relation an inferred vocabulary has
    // not learnt yet, say) are checked again on the main thread, and after it the
    // vocabulary knows the relations that come early, usually all of them.
    let mut block = BLOCK_BYTES.min(64 << 10);
    while at < text.len() {
        let end = line_end_after(text, at + block);
        block = BLOCK_BYTES;
        let mid = line_end_after(text, at + (end - at) / 2);
        {
            let quiet = sink.quiet();
            let quiet = &*quiet;
            let (first, second) = (&mut first, &mut second);
            std::thread::scope(|scope| {
                scope.spawn(|| check_part(text, mid..end, plan, quiet, second));
                check_part(text, at..mid, plan, quiet, first);
            });
        }
        for (part, mut from) in [(&mut first, at), (&mut second, mid)] {
            let mut done = 0;
            for &(before, start) in &part.refused {
                if before > done {
                    // Refused rows read so far go first, in a batch.
                    dispatch.flush(sink);
                    sink.checked(file, &part.accepted, done..before, from);
                }
                let line = start..line_end_after(text, start);
                simple_rows(file, text, line.clone(), header, &mut |row| dispatch.row(row, sink));
                (done, from) = (before, line.end);
            }
            dispatch.flush(sink);
            sink.checked(file, &part.accepted, done..part.accepted.len(), from);
            part.accepted.clear();
            part.refused.clear();
        }
        at = end;
    }
}

/// The end of the line that `pos` falls in (just past its line break), or the text's end.
fn line_end_after(text: &str, pos: usize) -> usize {
    if pos >= text.len() {
        return text.len();
    }
    text.as_bytes()[pos..].iter().position(|&b| b == b'\n').map_or(text.len(), |n| pos + n + 1)
}

/// Checks the rows of `text[range]` quietly, in batches, into `part`. Lines are read as
/// [`simple_rows`] reads them, but plain rows go to the checker as bare texts.
fn check_part(text: &str, range: Range<usize>, plan: &PlainPlan, quiet: &dyn QuietCheck, part: &mut Part) {
    // Each batched row's texts, and where it starts.
    let mut batch: Vec<[&str; 4]> = Vec::with_capacity(BATCH);
    let mut starts: Vec<usize> = Vec::with_capacity(BATCH);
    let mut refused = Vec::new();
    let settle = |batch: &mut Vec<[&str; 4]>, starts: &mut Vec<usize>, part: &mut Part, refused: &mut Vec<usize>| {
        let before = part.accepted.len();
        quiet.check(batch, &mut part.accepted, refused);
        // The k-th refused row of the batch follows (its place - k) accepted ones.
        for (k, &i) in refused.iter().enumerate() {
            part.refused.push((before + i - k, starts[i]));
        }
        batch.clear();
        starts.clear();
        refused.clear();
    };
    csv_lines(text, range, |start, _, cells| match plan.texts(text, cells) {
        Some(texts) => {
            batch.push(texts);
            starts.push(start);
            if batch.len() == BATCH {
                settle(&mut batch, &mut starts, part, &mut refused);
            }
        }
        None => {
            settle(&mut batch, &mut starts, part, &mut refused);
            part.refused.push((part.accepted.len(), start));
        }
    });
    settle(&mut batch, &mut starts, part, &mut refused);
}

/// A cell's text without surrounding white space (`str::trim`), quickly when it has none
/// at either end, as most cells.
fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(&a), Some(&b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// Plain rows handed to the sink at once.
const BATCH: usize = 512;

/// Sends each row its way: plain rows as cells, in batches, others as records.
struct Dispatch<'p, 't> {
    file: FileId,
    table: Table,
    plan: Option<&'p PlainPlan>,
    pending: Vec<Plain<'t>>,
}

impl<'t> Dispatch<'_, 't> {
    fn row(&mut self, row: &Row<'_, 't>, sink: &mut dyn Sink) {
        match self.plan.and_then(|p| p.cells(row)) {
            Some(cells) => {
                self.pending.push(Plain { file: self.file, span: row.span.clone(), cells });
                if self.pending.len() == BATCH {
                    self.flush(sink);
                }
            }
            None => {
                // Records keep file order (an entity's names are checked against earlier
                // ones): the batch so far goes first.
                self.flush(sink);
                match self.table {
                    Table::Entities => entity_row(row, sink),
                    Table::Relations => relation_row(row, sink),
                }
            }
        }
    }

    fn flush(&mut self, sink: &mut dyn Sink) {
        if !self.pending.is_empty() {
            match self.table {
                Table::Entities => sink.plain_entities(&self.pending),
                Table::Relations => sink.plain_relations(&self.pending),
            }
            self.pending.clear();
        }
    }
}

/// Which role (cell of a plain row) each column fills, and so which columns must be empty
/// for a row to be plain. None when the header does not allow plain rows (a role named
/// twice, or a required column missing: such rows go the general way, which reports the
/// problem).
struct PlainPlan {
    /// Per column of the header: the role it fills (0 to 3), or [`OTHER`].
    roles: Vec<u8>,
    /// The roles that have a column, as bits.
    needed: u8,
}

/// A column of no role in a plain row, which must be empty.
const OTHER: u8 = u8::MAX;

impl PlainPlan {
    fn new(header: &[String], table: Table) -> Option<PlainPlan> {
        let roles: [&[&str]; 4] = match table {
            Table::Entities => [&["id"], &["kind"], &["name"], &[]],
            Table::Relations => [&["from", "src"], &["rel"], &["to", "dst"], &["status"]],
        };
        let mut columns = [None; 4];
        for (slot, names) in columns.iter_mut().zip(roles) {
            let mut found = header.iter().enumerate().filter(|(_, c)| names.contains(&c.as_str())).map(|(i, _)| i);
            *slot = found.next();
            if found.next().is_some() {
                return None;
            }
        }
        if columns[..3].iter().any(Option::is_none) {
            return None;
        }
        let role = |i| columns.iter().position(|&c| c == Some(i)).map_or(OTHER, |r| r as u8);
        let roles = (0..header.len()).map(role).collect();
        let needed = columns.iter().enumerate().filter(|(_, c)| c.is_some()).fold(0, |bits, (r, _)| bits | 1 << r);
        Some(PlainPlan { roles, needed })
    }

    /// Picks a row's cells by role from its cells in column order (each a text and what
    /// comes with it; `blank` with an empty text for a role no column fills), when the row
    /// is plain: every role that has a column is present, the required ones filled, every
    /// other column empty. The one rule behind [`PlainPlan::cells`] and [`PlainPlan::texts`].
    fn pick<'t, S: Clone>(&self, cells: impl Iterator<Item = (&'t str, S)>, blank: S) -> Option<[(&'t str, S); 4]> {
        let mut picked = [(); 4].map(|()| ("", blank.clone()));
        let mut seen = 0u8;
        for (cell, &role) in cells.zip(&self.roles) {
            if role == OTHER {
                if !cell.0.is_empty() {
                    return None;
                }
            } else {
                seen |= 1 << role;
                picked[usize::from(role)] = cell;
            }
        }
        (seen == self.needed && picked[..3].iter().all(|(text, _)| !text.is_empty())).then_some(picked)
    }

    /// The texts of a plain row read straight from the places of its cells in `text`: the
    /// same rows and texts as [`PlainPlan::cells`] of the row [`simple_rows`] makes of the
    /// line, for a checker that needs no places.
    fn texts<'t>(&self, text: &'t str, cells: &[(usize, usize)]) -> Option<[&'t str; 4]> {
        let picked = self.pick(cells.iter().map(|&(start, end)| (trim(&text[start..end]), ())), ())?;
        Some(picked.map(|(text, ())| text))
    }

    /// The row's plain cells, when it is plain.
    fn cells<'t>(&self, row: &Row<'_, 't>) -> Option<[Cell<'t>; 4]> {
        let picked = self.pick(row.cells.iter().map(|(text, span)| (*text, span.clone())), row.span.clone())?;
        Some(picked.map(|(text, span)| Cell { text, span }))
    }
}

/// What a bulk record's builder reads: a CSV row or a JSON line.
trait Cells {
    /// The first non-empty value among `names`.
    fn get(&self, names: &[&str]) -> Option<Text>;
    fn location(&self) -> Location;
    fn aliases(&self) -> Vec<Text>;
    fn attrs(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<toml::Table>>;
    fn evidence(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<Vec<Spanned<RawEvidence>>>>;

    fn required(&self, names: &[&str], diags: &mut Vec<Diagnostic>) -> Option<Text> {
        let found = self.get(names);
        if found.is_none() {
            diags.push(
                Diagnostic::error(format!("missing `{}`", names[0]))
                    .at(self.location(), "in this record")
                    .help(format!("give the record a `{}`", names[0])),
            );
        }
        found
    }
}

/// One CSV row: its cells by column name, with their spans.
struct Row<'r, 't> {
    file: FileId,
    span: Range<usize>,
    header: &'r [String],
    /// Each cell's text and span, by column.
    cells: &'r [(&'t str, Range<usize>)],
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
type EachRow<'f, 't> = dyn FnMut(&Row<'_, 't>) + 'f;

/// Reads the header's column names, reporting unknown ones. None when it cannot be read.
fn csv_header(file: FileId, text: &str, table: Table, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
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
fn csv_rows(
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
fn simple_rows<'t>(file: FileId, text: &'t str, lines: Range<usize>, header: &[String], each: &mut EachRow<'_, 't>) {
    let mut cells: Vec<(&'t str, Range<usize>)> = Vec::with_capacity(header.len());
    csv_lines(text, lines, |start, row, places| {
        cells.clear();
        cells.extend(places.iter().take(header.len()).map(|&(a, b)| (text[a..b].trim(), a..b)));
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

fn entity_row(row: &dyn Cells, sink: &mut dyn Sink) {
    let diags = sink.diags();
    let (id, kind, name) =
        (row.required(&["id"], diags), row.required(&["kind"], diags), row.required(&["name"], diags));
    let evidence = row.evidence(diags);
    let (Some(id), Some(kind), Some(name)) = (id, kind, name) else { return };
    let attrs = row.attrs(diags);
    let value = RawEntity {
        id,
        kind,
        name,
        aliases: row.aliases(),
        country: row.get(&["country"]),
        attrs,
        note: row.get(&["note"]).map(Spanned::into_inner),
        evidence,
    };
    sink.entity(Record { value, location: row.location(), bulk: true });
}

fn relation_row(row: &dyn Cells, sink: &mut dyn Sink) {
    let diags = sink.diags();
    let (from, rel, to) =
        (row.required(&["from", "src"], diags), row.required(&["rel"], diags), row.required(&["to", "dst"], diags));
    let (Some(from), Some(rel), Some(to)) = (from, rel, to) else { return };
    let attrs = row.attrs(diags);
    let evidence = row.evidence(diags);
    let value = RawRelation {
        from,
        rel,
        to,
        since: row.get(&["since"]),
        until: row.get(&["until"]),
        date: row.get(&["date"]),
        status: row.get(&["status"]),
        attrs,
        note: row.get(&["note"]).map(Spanned::into_inner),
        evidence,
    };
    sink.relation(Record { value, location: row.location(), bulk: true });
}

/// One JSON Lines record.
struct JsonLine {
    file: FileId,
    span: Range<usize>,
    body: String,
    object: serde_json::Map<String, serde_json::Value>,
}

impl JsonLine {
    /// Where a key's value is written, for carets; the whole line when it cannot be found.
    fn span_of(&self, key: &str) -> Range<usize> {
        match self.body.find(&format!("\"{key}\"")) {
            Some(i) => self.span.start + i..self.span.start + i + key.len() + 2,
            None => self.span.clone(),
        }
    }

    fn wrong_type(&self, key: &str, want: &str, diags: &mut Vec<Diagnostic>) {
        diags.push(
            Diagnostic::error(format!("`{key}` must be {want}"))
                .at(Location::new(self.file, self.span_of(key)), "wrong type")
                .help(format!("write `{key}` as {want}")),
        );
    }
}

impl Cells for JsonLine {
    fn get(&self, names: &[&str]) -> Option<Text> {
        let key = names.iter().find(|k| self.object.contains_key(**k))?;
        match self.object.get(*key)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(Spanned::new(self.span_of(key), s.clone())),
            _ => None,
        }
    }

    fn location(&self) -> Location {
        Location::new(self.file, self.span.clone())
    }

    fn aliases(&self) -> Vec<Text> {
        let items = self.object.get("aliases").and_then(|a| a.as_array()).into_iter().flatten();
        items.filter_map(|a| a.as_str()).map(|a| Spanned::new(self.span_of("aliases"), a.to_string())).collect()
    }

    fn attrs(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<toml::Table>> {
        let value = self.object.get("attrs")?;
        match json_to_toml(value) {
            Some(toml::Value::Table(table)) => Some(Spanned::new(self.span_of("attrs"), table)),
            _ => {
                self.wrong_type("attrs", "an object", diags);
                None
            }
        }
    }

    fn evidence(&self, diags: &mut Vec<Diagnostic>) -> Option<Spanned<Vec<Spanned<RawEvidence>>>> {
        let items = self.object.get("evidence")?;
        let Some(items) = items.as_array() else {
            self.wrong_type("evidence", "a list of {source, line, quote} objects", diags);
            return None;
        };
        let span = self.span_of("evidence");
        let mut out = Vec::new();
        for item in items {
            let field = |k: &str| item.get(k);
            let (Some(source), Some(line), Some(quote)) = (
                field("source").and_then(|v| v.as_str()),
                field("line").and_then(|v| v.as_i64()),
                field("quote").and_then(|v| v.as_str()),
            ) else {
                self.wrong_type("evidence", "a list of {source, line, quote} objects", diags);
                return None;
            };
            let ev = RawEvidence {
                source: Spanned::new(span.clone(), source.to_string()),
                line: Spanned::new(span.clone(), line),
                quote: Spanned::new(span.clone(), quote.to_string()),
            };
            out.push(Spanned::new(span.clone(), ev));
        }
        Some(Spanned::new(span, out))
    }
}

/// Parses JSON Lines: one object per non-blank line, with the TOML record's fields.
fn json_lines(file: FileId, text: &str, fields: &[&str], diags: &mut Vec<Diagnostic>) -> Vec<JsonLine> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end();
        if body.trim().is_empty() {
            continue;
        }
        let span = start..start + body.len();
        let value: serde_json::Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(err) => {
                let col = err.column().saturating_sub(1).min(body.len());
                diags.push(
                    Diagnostic::error(format!("invalid JSON: {err}"))
                        .at(Location::new(file, start + col..start + col + 1), "here")
                        .help("each line holds one JSON object"),
                );
                continue;
            }
        };
        let serde_json::Value::Object(object) = value else {
            diags.push(
                Diagnostic::error("expected a JSON object")
                    .at(Location::new(file, span), "not an object")
                    .help("each line holds one JSON object"),
            );
            continue;
        };
        let line = JsonLine { file, span, body: body.to_string(), object };
        for key in line.object.keys().filter(|k| !fields.contains(&k.as_str())) {
            diags.push(
                Diagnostic::error(format!("unknown field `{key}`"))
                    .at(Location::new(file, line.span_of(key)), "unknown field")
                    .help(help_for_unknown(key, fields.iter().copied(), "fields")),
            );
        }
        out.push(line);
    }
    out
}

/// JSON to TOML values (nulls dropped; TOML has none).
fn json_to_toml(value: &serde_json::Value) -> Option<toml::Value> {
    Some(match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        serde_json::Value::Array(items) => toml::Value::Array(items.iter().filter_map(json_to_toml).collect()),
        serde_json::Value::Object(map) => {
            toml::Value::Table(map.iter().filter_map(|(k, v)| Some((k.clone(), json_to_toml(v)?))).collect())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The word-at-a-time reader finds the lines and cells that splitting at `\n`, then
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
