//! Results as CSV: a header of column names, then one line per row. Entities are written as
//! ids (stable and joinable), relations as `from rel to`, paths with ids, lists joined by `; `.

use crate::graph::KnowledgeGraph;
use crate::graph::paths::Path;
use crate::query::{Rows, Value};

pub fn render(kg: &KnowledgeGraph, rows: &Rows) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |record: Vec<String>| w.write_record(&record).expect("writing CSV to memory cannot fail");
    write(rows.columns.clone());
    let mut written = 0;
    for row in &rows.rows {
        let record: Vec<String> = row.iter().map(|v| cell(kg, v)).collect();
        written += record.iter().map(|c| c.len() + 3).sum::<usize>();
        // Past the budget the answer is refused whole (see `render::rows`): stop writing.
        if written > super::ANSWER_BUDGET {
            break;
        }
        write(record);
    }
    let bytes = w.into_inner().expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
}

fn cell(kg: &KnowledgeGraph, v: &Value) -> String {
    match v {
        Value::Entity(n) => kg.entity(*n).id().to_string(),
        Value::Relation(h) => {
            let r = kg.relation(h.edge);
            format!("{} {} {}", r.from(), r.rel(), r.to())
        }
        Value::Path(p) => path_ids(kg, p),
        Value::List(items) => items.iter().map(|i| cell(kg, i)).collect::<Vec<_>>().join("; "),
        other => super::text::value(kg, other),
    }
}

fn path_ids(kg: &KnowledgeGraph, p: &Path) -> String {
    let mut out = kg.entity(p.nodes[0]).id().to_string();
    for (h, &n) in p.hops.iter().zip(&p.nodes[1..]) {
        out.push_str(&format!(" {} {}", super::text::arrow(kg, h), kg.entity(n).id()));
    }
    out
}
