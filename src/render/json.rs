//! The JSON export of a whole graph.
//!
//! Schema (version 1), documented in the README:
//! `{"format":"kgq-graph","version":1,"schema":{kinds,relations},"sources":[...],`
//! `"entities":[{id,kind,name,aliases,country,attrs,note,evidence}],`
//! `"relations":[{from,rel,to,since,until,date,status,attrs,note,evidence}]}`
//! with evidence items `{source,line,quote}`. Entities and relations keep declaration order.

use serde::Serialize;
use serde_json::json;

use super::{ANSWER_BUDGET, TooLarge};
use crate::graph::paths::{Hop, Path};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::model::{Schema, Source};
use crate::query::{Locator, Rows, Shape, Value};
use crate::store::{EntityView, RelationView};

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    version: u32,
    schema: &'a Schema,
    sources: &'a [Source],
    entities: Vec<EntityView<'a>>,
    relations: Vec<RelationView<'a>>,
}

/// The whole graph as pretty-printed JSON, ending in a newline.
pub fn graph(kg: &KnowledgeGraph) -> String {
    let export = Export {
        format: "kgq-graph",
        version: 1,
        schema: &kg.schema,
        sources: &kg.sources,
        entities: kg.entities().map(|(_, e)| e).collect(),
        relations: kg.relations().map(|(_, r)| r).collect(),
    };
    let mut out = serde_json::to_string_pretty(&export).expect("the export holds only JSON-safe values");
    out.push('\n');
    out
}

/// Query results as JSON (version 1): `{"columns":[...],"rows":[{column: cell}],"notes":[...]}`
/// plus `"entity"` for `show` and `"paths"` for `connect`. Cells: entities as
/// `{id,name,kind}`; relations as `{from,rel,to,forward,since,until,date,status,attrs,note,
/// evidence:[{source,line,quote,title}]}`; paths as `{length,nodes:[entity],hops:[relation]}`;
/// dates as strings; lists as arrays.
pub fn rows(kg: &KnowledgeGraph, rows: &Rows) -> Result<String, TooLarge> {
    // Each row's cells become JSON values one row at a time, straight into a buffer that
    // refuses to grow past the budget: a huge answer costs its budget, never more.
    let mut out = Capped::new(ANSWER_BUDGET);
    serde_json::to_writer_pretty(&mut out, &RowsDoc { kg, rows }).map_err(|_| TooLarge(ANSWER_BUDGET))?;
    out.push(b"\n")?;
    Ok(String::from_utf8(out.bytes).expect("serde_json writes UTF-8"))
}

/// The `kgq-rows` document, serialised as it is written.
struct RowsDoc<'a> {
    kg: &'a KnowledgeGraph,
    rows: &'a Rows,
}

impl Serialize for RowsDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (kg, rows) = (self.kg, self.rows);
        let mut doc = s.serialize_map(None)?;
        doc.serialize_entry("format", "kgq-rows")?;
        doc.serialize_entry("version", &1)?;
        doc.serialize_entry("columns", &rows.columns)?;
        doc.serialize_entry(
            "rows",
            &Lazy(|| {
                rows.rows.iter().map(move |r| {
                    let obj: serde_json::Map<String, serde_json::Value> =
                        rows.columns.iter().zip(r).map(|(c, v)| (c.clone(), cell(kg, rows, v))).collect();
                    serde_json::Value::Object(obj)
                })
            }),
        )?;
        // The card's facts are the entity's record, which JSON writes as the export does.
        if let Shape::Card(card) = &rows.shape {
            doc.serialize_entry("entity", &kg.entity(card.entity))?;
        }
        if !rows.paths.is_empty() {
            doc.serialize_entry("paths", &Lazy(|| rows.paths.iter().map(move |p| path(kg, rows, p))))?;
        }
        doc.serialize_entry("notes", &rows.notes)?;
        doc.end()
    }
}

/// A sequence whose items are made as they are written.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator<Item = serde_json::Value>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// A byte buffer that refuses writes past its cap.
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
}

impl Capped {
    fn new(cap: usize) -> Capped {
        Capped { bytes: Vec::new(), cap }
    }

    fn push(&mut self, buf: &[u8]) -> Result<(), TooLarge> {
        if self.bytes.len() + buf.len() > self.cap {
            return Err(TooLarge(self.cap));
        }
        self.bytes.extend_from_slice(buf);
        Ok(())
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.push(buf).map_err(std::io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn cell(kg: &KnowledgeGraph, rows: &Rows, v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Date(d) => json!(d.to_string()),
        Value::Entity(n) => entity(kg, *n),
        Value::Relation(h) => relation(kg, h),
        Value::Path(p) => path(kg, rows, p),
        Value::List(items) => json!(items.iter().map(|i| cell(kg, rows, i)).collect::<Vec<_>>()),
        Value::Evidence(ev) => evidence(kg, ev),
        Value::Map(entries) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.clone(), cell(kg, rows, v))).collect())
        }
    }
}

fn entity(kg: &KnowledgeGraph, n: EntityRef) -> serde_json::Value {
    let e = kg.entity(n);
    json!({ "id": e.id(), "name": e.name(), "kind": e.kind() })
}

fn relation(kg: &KnowledgeGraph, h: &Hop) -> serde_json::Value {
    let e = h.edge;
    let r = kg.relation(e);
    let evidence: Vec<serde_json::Value> = r.evidence().iter().map(|ev| evidence(kg, &ev.into())).collect();
    json!({
        "from": r.from(), "rel": r.rel(), "to": r.to(), "forward": h.forward,
        "since": r.since(), "until": r.until(), "date": r.date(), "status": r.status(),
        "attrs": r.attrs(), "note": r.note(), "evidence": evidence,
    })
}

/// One evidence locator with its source's title, as answers and pictures write it.
pub fn evidence(kg: &KnowledgeGraph, ev: &Locator) -> serde_json::Value {
    let title = kg.source(&ev.source).map(|s| s.title.as_str());
    match &ev.record {
        None => json!({ "source": ev.source, "line": ev.line, "quote": ev.quote, "title": title }),
        Some(record) => json!({ "source": ev.source, "record": record.id, "url": record.url, "title": title }),
    }
}

/// A path: its nodes, and per hop the relation walked; a hop that stands for parallel
/// relations (same ends and kind) is its first relation plus `relations`, all of them.
fn path(kg: &KnowledgeGraph, rows: &Rows, p: &Path) -> serde_json::Value {
    let hop = |h: &Hop| {
        let route = rows.route(h);
        let mut first = relation(kg, &route[0]);
        if route.len() > 1 {
            first["relations"] = json!(route.iter().map(|m| relation(kg, m)).collect::<Vec<_>>());
        }
        first
    };
    json!({
        "length": p.len(),
        "nodes": p.nodes.iter().map(|&n| entity(kg, n)).collect::<Vec<_>>(),
        "hops": p.hops.iter().map(hop).collect::<Vec<_>>(),
    })
}
