//! Results as CSV: a header of column names, then one line per row. Entities are written as
//! ids (stable and joinable), relations as `from rel to`, paths with ids, evidence as
//! `source:line "quote"`, lists joined by `; `. A table whose rows hold paths ends with a
//! `relations` column: every relation each hop stands for, with the facts a table prints
//! under the hop (period, status, attributes, note, evidence), hops separated by ` | `, so
//! a path's row says why it holds. What does not fit the answer's one table comes as
//! another table, after an empty line: an entity's card (`show`) first, as `field,value`
//! with one line per fact (and per evidence locator); the paths a `connect` ranking numbers
//! last. The answer's notes are not CSV: `render::produce` hands them to the caller for
//! standard error.

use crate::graph::KnowledgeGraph;
use crate::graph::paths::Path;
use crate::query::{Rows, Shape, Value, relation_row};

/// An answer as CSV: its table, after the entity's card for `show` and before the paths a
/// `connect` ranking refers to (each part a table, with an empty line between).
pub fn render(kg: &KnowledgeGraph, rows: &Rows) -> String {
    tables(kg, rows, Cells::Ids).into_iter().map(|t| table(&t.header, t.records)).collect::<Vec<_>>().join("\n")
}

/// How entities are written in cells: by id (CSV, for joining), or by name and id
/// (markdown, for reading).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Cells {
    Ids,
    Names,
}

/// One of an answer's tables: its header and its records, made as they are written.
pub(super) struct Table<'a> {
    pub header: Vec<String>,
    pub records: Box<dyn Iterator<Item = Vec<String>> + 'a>,
}

/// The tables an answer is written as (see the module's doc): the card, the rows, the
/// paths of a `connect` ranking. Shared with `markdown`, which writes the same tables.
pub(super) fn tables<'a>(kg: &'a KnowledgeGraph, rows: &'a Rows, cells: Cells) -> Vec<Table<'a>> {
    let mut parts = Vec::new();
    let cell = move |v: &Value| cell(kg, v, cells);
    if let Shape::Card(card) = &rows.shape {
        let e = kg.entity(card.entity);
        let mut facts = vec![vec!["id".to_string(), e.id().to_string()], vec!["name".into(), e.name().to_string()]];
        for (label, value) in &card.facts {
            match value {
                Value::List(items) if label == "evidence" => {
                    facts.extend(items.iter().map(|ev| vec![label.clone(), cell(ev)]));
                }
                other => facts.push(vec![label.clone(), cell(other)]),
            }
        }
        parts.push(Table { header: vec!["field".into(), "value".into()], records: Box::new(facts.into_iter()) });
    }
    // The first column that holds paths, if any: its path's relations end each row.
    let path_column = (0..rows.columns.len()).find(|&c| rows.rows.iter().any(|row| matches!(row[c], Value::Path(_))));
    let mut header = rows.columns.clone();
    header.extend(path_column.map(|_| "relations".to_string()));
    let records = rows.rows.iter().map(move |row| {
        let mut record: Vec<String> = row.iter().map(cell).collect();
        if let Some(c) = path_column {
            record.push(if let Value::Path(p) = &row[c] { relations(kg, rows, p, cells) } else { String::new() });
        }
        record
    });
    parts.push(Table { header, records: Box::new(records) });
    if !rows.paths.is_empty() {
        let paths = rows.paths.iter().enumerate();
        let records = paths.map(move |(i, p)| {
            vec![(i + 1).to_string(), p.len().to_string(), path_text(kg, p, cells), relations(kg, rows, p, cells)]
        });
        let header = ["see paths", "hops", "path", "relations"].map(String::from).to_vec();
        parts.push(Table { header, records: Box::new(records) });
    }
    parts
}

/// One CSV table: a header, then the records until the answer's budget is spent.
fn table(header: &[String], records: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |record: &[String]| w.write_record(record).expect("writing CSV to memory cannot fail");
    write(header);
    let mut written = 0;
    for record in records {
        written += record.iter().map(|c| c.len() + 3).sum::<usize>();
        // Past the budget the answer is refused whole (see `render::produce`): stop writing.
        if written > super::ANSWER_BUDGET {
            break;
        }
        write(&record);
    }
    let bytes = w.into_inner().expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
}

fn cell(kg: &KnowledgeGraph, v: &Value, cells: Cells) -> String {
    match (v, cells) {
        (Value::Entity(n), Cells::Ids) => kg.entity(*n).id().to_string(),
        (Value::Relation(h), Cells::Ids) => {
            let r = kg.relation(h.edge);
            format!("{} {} {}", r.from(), r.rel(), r.to())
        }
        (Value::Path(p), _) => path_text(kg, p, cells),
        (Value::List(items), _) => items.iter().map(|i| cell(kg, i, cells)).collect::<Vec<_>>().join("; "),
        (Value::Map(entries), _) => {
            entries.iter().map(|(k, v)| format!("{k}={}", cell(kg, v, cells))).collect::<Vec<_>>().join("; ")
        }
        (other, _) => super::text::value(kg, other),
    }
}

/// Every relation each hop of `p` stands for, as `why` gives it: the relation, then its
/// period, status and attributes in brackets, its note and its evidence; hops separated by
/// ` | `, parallel relations of one hop by ` & `.
fn relations(kg: &KnowledgeGraph, rows: &Rows, p: &Path, cells: Cells) -> String {
    let cell = |v: &Value| cell(kg, v, cells);
    let hop = |h| {
        let members = rows.route(h).into_iter().map(|member| {
            let row = relation_row(kg, member);
            let [relation, when, status, attrs, note, evidence] = &row[..] else {
                unreachable!("a relation row has the relation columns")
            };
            let facts: Vec<String> = [when, status, attrs].into_iter().map(cell).filter(|t| !t.is_empty()).collect();
            let mut text = format!("{} [{}]", cell(relation), facts.join(", "));
            if !matches!(note, Value::Null) {
                text.push_str(&format!(" note: {}", cell(note)));
            }
            if !matches!(evidence, Value::List(items) if items.is_empty()) {
                text.push_str(&format!(" evidence: {}", cell(evidence)));
            }
            text
        });
        members.collect::<Vec<_>>().join(" & ")
    };
    p.hops.iter().map(hop).collect::<Vec<_>>().join(" | ")
}

fn path_text(kg: &KnowledgeGraph, p: &Path, cells: Cells) -> String {
    match cells {
        Cells::Ids => path_ids(kg, p),
        Cells::Names => super::text::path(kg, p),
    }
}

fn path_ids(kg: &KnowledgeGraph, p: &Path) -> String {
    let mut out = kg.entity(p.nodes[0]).id().to_string();
    for (h, &n) in p.hops.iter().zip(&p.nodes[1..]) {
        out.push_str(&format!(" {} {}", super::text::arrow(kg, h), kg.entity(n).id()));
    }
    out
}
