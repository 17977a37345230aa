//! Results as CSV: a header of column names, then one line per row. Entities are written as
//! ids (stable and joinable), relations as `from rel to`, paths with ids, evidence as
//! `source:line "quote"`, lists joined by `; `. An entity's card (`show`) comes first as a
//! table of its own, `field,value` with one line per fact (and per evidence locator),
//! followed by an empty line and the answer's table.

use crate::graph::paths::Path;
use crate::graph::{KnowledgeGraph, edge_ref, node_ref};
use crate::query::{Rows, Shape, Value};

pub fn render(kg: &KnowledgeGraph, rows: &Rows) -> String {
    if let Shape::Card(card) = &rows.shape {
        let mut facts = vec![["field".to_string(), "value".to_string()]];
        let e = kg.entity(card.entity);
        facts.push(["id".into(), e.id().to_string()]);
        facts.push(["name".into(), e.name().to_string()]);
        for (label, value) in &card.facts {
            match value {
                Value::List(items) if label == "evidence" => {
                    facts.extend(items.iter().map(|ev| [label.clone(), cell(kg, ev)]));
                }
                other => facts.push([label.clone(), cell(kg, other)]),
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        facts.iter().for_each(|f| w.write_record(f).expect("writing CSV to memory cannot fail"));
        let mut bytes = w.into_inner().expect("flushing CSV to memory cannot fail");
        bytes.push(b'\n');
        let table = render_table(kg, rows);
        return String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8") + &table;
    }
    render_table(kg, rows)
}

fn render_table(kg: &KnowledgeGraph, rows: &Rows) -> String {
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
            let r = kg.relation(edge_ref(h.edge));
            format!("{} {} {}", r.from(), r.rel(), r.to())
        }
        Value::Path(p) => path_ids(kg, p),
        Value::List(items) => items.iter().map(|i| cell(kg, i)).collect::<Vec<_>>().join("; "),
        other => super::text::value(kg, other),
    }
}

fn path_ids(kg: &KnowledgeGraph, p: &Path) -> String {
    let mut out = kg.entity(node_ref(p.nodes[0])).id().to_string();
    for (h, &n) in p.hops.iter().zip(&p.nodes[1..]) {
        out.push_str(&format!(" {} {}", super::text::arrow(kg, h), kg.entity(node_ref(n)).id()));
    }
    out
}
