//! Unquoted relation files on two cores without a second copy of any rule: each block of
//! lines is cut in two halves that are split into plain rows and have their ends looked up
//! at once (reading the entity table only, which is complete before relations are read);
//! then, in file order, the rows meet the one relation check on this core, and the rows
//! that are not plain are read again the general way. The lookups are the memory-bound part
//! of a relation load, so they are what the second core takes.

use std::ops::Range;

use super::csv_text::{csv_lines, simple_rows};
use super::{BATCH, Dispatch, Plain, PlainPlan, Sink, Table};
use crate::diag::FileId;
use crate::store::Entities;

/// Text per block: big enough that starting a thread costs nothing, small enough that a
/// block's rows take little memory.
#[cfg(not(test))]
const BLOCK_BYTES: usize = 1 << 20;
/// Small blocks under test, so that small files cross many block and half-block borders.
#[cfg(test)]
const BLOCK_BYTES: usize = 97;

/// The entities the ends of `rows` find, two a row (`from`, `to`), looked up in batches.
pub fn ends(entities: &Entities, rows: &[Plain]) -> Vec<Option<u32>> {
    let mut found = Vec::with_capacity(rows.len() * 2);
    for batch in rows.chunks(BATCH) {
        let ids: Vec<&str> = batch.iter().flat_map(|row| [row.cells[0].text, row.cells[2].text]).collect();
        found.extend(entities.find_many(&ids));
    }
    found
}

/// Half a block, prepared off the check: its plain rows with their ends found, and the
/// lines of the other rows, each with how many plain rows come before it.
struct Half<'t> {
    rows: Vec<Plain<'t>>,
    found: Vec<Option<u32>>,
    others: Vec<(usize, Range<usize>)>,
}

fn prepare<'t>(file: FileId, text: &'t str, lines: Range<usize>, plan: &PlainPlan, entities: &Entities) -> Half<'t> {
    // Rows are seldom shorter than 16 bytes: room for them all at once.
    let (mut rows, mut others) = (Vec::with_capacity(lines.len() / 16), Vec::new());
    csv_lines(text, lines, |start, line, places| {
        let span = start..start + line.len();
        match plan.cells_at(text, places, &span) {
            Some(cells) => rows.push(Plain { file, span, cells }),
            None => others.push((rows.len(), span)),
        }
    });
    let found = ends(entities, &rows);
    Half { rows, found, others }
}

/// Reads the rows of unquoted relation CSV (whose header allows plain rows) into `sink`.
pub fn relations(file: FileId, text: &str, header: &[String], plan: &PlainPlan, sink: &mut dyn Sink) {
    let mut at = text.find('\n').map_or(text.len(), |n| n + 1);
    let mut dispatch = Dispatch { file, table: Table::Relations, plan: Some(plan), pending: Vec::new() };
    while at < text.len() {
        let end = line_end_after(text, at + BLOCK_BYTES);
        let mid = line_end_after(text, at + (end - at) / 2);
        let halves = {
            let entities = sink.entities();
            std::thread::scope(|scope| {
                let second = scope.spawn(|| prepare(file, text, mid..end, plan, entities));
                let first = prepare(file, text, at..mid, plan, entities);
                [first, second.join().expect("preparing rows does not panic")]
            })
        };
        for half in halves {
            let mut done = 0;
            for (before, line) in half.others.iter().cloned().chain([(half.rows.len(), 0..0)]) {
                if before > done {
                    sink.plain_relations(&half.rows[done..before], &half.found[2 * done..2 * before]);
                }
                simple_rows(file, text, line, header, &mut |row| dispatch.row(row, sink));
                dispatch.flush(sink);
                done = before;
            }
        }
        at = end;
    }
}

/// The end of the line that `pos` falls in (just past its line break), or the text's end.
fn line_end_after(text: &str, pos: usize) -> usize {
    if pos >= text.len() {
        return text.len();
    }
    memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |n| pos + n + 1)
}
