//! Bulk formats next to TOML: CSV and JSON Lines files of entities and relations, for
//! imports too large to curate by hand. A plain CSV row (the required columns and nothing
//! else, the bulk of any import) reaches the loader as borrowed cells with their spans,
//! which lend the record checks their view ([`Plain::entity`], [`Plain::relation`]);
//! every other row or line becomes the same raw record the TOML reader produces, with
//! spans on the CSV cell or JSON line. Both are checked by the same checks
//! ([`super::check`]), so the rules and diagnostics (file:line:col, every problem
//! collected) are one. `csv_text` reads CSV rows, `jsonl` JSON Lines.
//!
//! CSV columns. Entities: `id`, `kind`, `name` (required), `aliases` (separated by `;`),
//! `country`, `note`, `source`/`line`/`quote` (one evidence locator), `attr.KEY` (an
//! attribute; numbers and true/false are typed). Relations: `from` (or `src`), `rel`, `to`
//! (or `dst`), `since`, `until`, `date`, `status`, `note`, `source`/`line`/`quote`,
//! `attr.KEY`. JSON Lines: one object per line with the TOML record's fields.

mod csv_text;
mod jsonl;
mod lookahead;

use std::ops::Range;

use toml::Spanned;

use self::csv_text::Row;
use super::check::{EntityRecord, Field, RelationRecord};
use super::files::has_extension;
use super::parse::{ENTITY_FIELDS, RELATION_FIELDS, RawEntity, RawEvidence, RawRelation, Record, Text};
use crate::diag::{Diagnostic, FileId, Location};
use crate::store::Entities;

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
    has_extension(name, "csv") || has_extension(name, "jsonl")
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
    /// `to`, `status` (the last may be empty), with the entities their ends' ids find
    /// (`found`, two a row), looked up together.
    fn plain_relations(&mut self, rows: &[Plain], found: &[Option<u32>]);
    /// The entities relation ends are looked up among (read-only while relations are read).
    fn entities(&self) -> &Entities;
    fn entity(&mut self, record: Record<RawEntity>);
    fn relation(&mut self, record: Record<RawRelation>);
}

/// A plain row: its place and its cells in the order the [`Sink`] method names them.
pub struct Plain<'a> {
    pub file: FileId,
    pub span: Range<usize>,
    pub cells: [Field<'a>; 4],
}

impl<'a> Plain<'a> {
    /// The entity of a plain entity row, as its check reads it.
    #[inline]
    pub fn entity(&self) -> EntityRecord<'a> {
        let [id, kind, name, _] = &self.cells;
        EntityRecord {
            at: Location::new(self.file, self.span.clone()),
            id: id.clone(),
            kind: kind.clone(),
            name: name.clone(),
            aliases: &[],
            country: None,
            extra: None,
        }
    }

    /// The relation of a plain relation row, as its check reads it (an empty status is
    /// none given).
    #[inline]
    pub fn relation(&self) -> RelationRecord<'a> {
        let [from, rel, to, status] = &self.cells;
        RelationRecord {
            at: Location::new(self.file, self.span.clone()),
            from: from.clone(),
            rel: rel.clone(),
            to: to.clone(),
            status: (!status.text.is_empty()).then(|| status.clone()),
            since: None,
            until: None,
            date: None,
            extra: None,
        }
    }
}

/// Reads a bulk file of entities or relations into `sink`, reporting what is wrong with it.
pub fn read(file: FileId, name: &str, text: &str, table: Table, sink: &mut dyn Sink) {
    if has_extension(name, "jsonl") {
        let fields = match table {
            Table::Entities => ENTITY_FIELDS.names,
            Table::Relations => RELATION_FIELDS.names,
        };
        for line in jsonl::lines(file, text, fields, sink.diags()) {
            match table {
                Table::Entities => entity_row(&line, sink),
                Table::Relations => relation_row(&line, sink),
            }
        }
        return;
    }
    let Some(header) = csv_text::header(file, text, table, sink.diags()) else { return };
    let plan = PlainPlan::new(&header, table);
    if text.contains('"') {
        csv_text::quoted_rows(file, text, &header, sink, &mut |row, sink| {
            // Cells may be unescaped copies that live as long as their row: batches of one.
            let mut dispatch = Dispatch { file, table, plan: plan.as_ref(), pending: Vec::new() };
            dispatch.row(row, sink);
            dispatch.flush(sink);
        });
    } else if let (Table::Relations, Some(plan)) = (table, &plan) {
        lookahead::relations(file, text, &header, plan, sink);
    } else {
        let mut dispatch = Dispatch { file, table, plan: plan.as_ref(), pending: Vec::with_capacity(BATCH) };
        let body = text.find('\n').map_or(text.len(), |n| n + 1)..text.len();
        csv_text::simple_rows(file, text, body, &header, &mut |row| dispatch.row(row, sink));
        dispatch.flush(sink);
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
                Table::Relations => {
                    let found = lookahead::ends(sink.entities(), &self.pending);
                    sink.plain_relations(&self.pending, &found);
                }
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

    /// The row's cells by role, when it is plain.
    fn cells<'t>(&self, row: &Row<'_, 't>) -> Option<[Field<'t>; 4]> {
        self.pick(row.cells.iter().map(|(text, span)| (*text, span.clone())), &row.span)
    }

    /// The cells by role of the unquoted row at `row`, whose cells are at `places` in
    /// `text`, when it is plain: the same as [`PlainPlan::cells`] of the row
    /// [`csv_text::simple_rows`] makes of the line, without making it.
    fn cells_at<'t>(&self, text: &'t str, places: &[(usize, usize)], row: &Range<usize>) -> Option<[Field<'t>; 4]> {
        self.pick(places.iter().map(|&(a, b)| (csv_text::trim(&text[a..b]), a..b)), row)
    }

    /// Picks a row's cells by role from its cells in column order, when the row is plain:
    /// every role that has a column is present, the required ones filled, every other
    /// column empty. A role no column fills gets an empty text at the row's place.
    #[inline]
    fn pick<'t>(
        &self,
        cells: impl Iterator<Item = (&'t str, Range<usize>)>,
        row: &Range<usize>,
    ) -> Option<[Field<'t>; 4]> {
        let mut picked = [(); 4].map(|()| Field { text: "", span: row.clone() });
        let mut seen = 0u8;
        for ((text, span), &role) in cells.zip(&self.roles) {
            if role == OTHER {
                if !text.is_empty() {
                    return None;
                }
            } else {
                seen |= 1 << role;
                picked[usize::from(role)] = Field { text, span };
            }
        }
        (seen == self.needed && picked[..3].iter().all(|f| !f.text.is_empty())).then_some(picked)
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
