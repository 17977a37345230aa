//! The JSON export of a whole graph.
//!
//! Schema (version 1), documented in the README:
//! `{"format":"kgq-graph","version":1,"schema":{kinds,relations},"sources":[...],`
//! `"entities":[{id,kind,name,aliases,country,attrs,note,evidence}],`
//! `"relations":[{from,rel,to,since,until,date,status,attrs,note,evidence}]}`
//! with evidence items `{source,line,quote}`. Entities and relations keep declaration order.

use serde::Serialize;
use serde_json::json;

use crate::graph::paths::{Hop, Path};
use crate::graph::{EntityRef, KnowledgeGraph, edge_ref, node_ref};
use crate::model::{Schema, Source};
use crate::query::{Rows, Shape, Value};
use crate::table::{EntityView, RelationView};

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
pub fn rows(kg: &KnowledgeGraph, rows: &Rows) -> String {
    let mut doc = serde_json::Map::new();
    doc.insert("format".into(), json!("kgq-rows"));
    doc.insert("version".into(), json!(1));
    doc.insert("columns".into(), json!(rows.columns));
    let items: Vec<serde_json::Value> = rows
        .rows
        .iter()
        .map(|r| {
            let obj: serde_json::Map<String, serde_json::Value> =
                rows.columns.iter().zip(r).map(|(c, v)| (c.clone(), cell(kg, rows, v))).collect();
            serde_json::Value::Object(obj)
        })
        .collect();
    doc.insert("rows".into(), json!(items));
    if let Shape::Card(n) = rows.shape {
        doc.insert("entity".into(), serde_json::to_value(kg.entity(n)).expect("entities serialise"));
    }
    if !rows.paths.is_empty() {
        doc.insert("paths".into(), json!(rows.paths.iter().map(|p| path(kg, rows, p)).collect::<Vec<_>>()));
    }
    doc.insert("notes".into(), json!(rows.notes));
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
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
    }
}

fn entity(kg: &KnowledgeGraph, n: EntityRef) -> serde_json::Value {
    let e = kg.entity(n);
    json!({ "id": e.id(), "name": e.name(), "kind": e.kind() })
}

fn relation(kg: &KnowledgeGraph, h: &Hop) -> serde_json::Value {
    let e = edge_ref(h.edge);
    let r = kg.relation(e);
    let evidence: Vec<serde_json::Value> = r.evidence().iter().map(|ev| evidence(kg, ev)).collect();
    json!({
        "from": r.from(), "rel": r.rel(), "to": r.to(), "forward": h.forward,
        "since": r.since(), "until": r.until(), "date": r.date(), "status": r.status(),
        "attrs": r.attrs(), "note": r.note(), "evidence": evidence,
    })
}

/// One evidence locator with its source's title, as answers and pictures write it.
pub fn evidence(kg: &KnowledgeGraph, ev: &crate::model::Evidence) -> serde_json::Value {
    let title = kg.source(&ev.source).map(|s| s.title.as_str());
    json!({ "source": ev.source, "line": ev.line, "quote": ev.quote, "title": title })
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
        "nodes": p.nodes.iter().map(|&n| entity(kg, node_ref(n))).collect::<Vec<_>>(),
        "hops": p.hops.iter().map(hop).collect::<Vec<_>>(),
    })
}
