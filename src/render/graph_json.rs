//! The `kgq-graph-view` JSON document: a [`Picture`] as nodes and edges, for a web viewer
//! to lay out and draw. It is the DOT picture's data, from the same selection, so a
//! viewer shows exactly what `--format dot` draws.
//!
//! Schema (version 1), documented in the README:
//! `{"format":"kgq-graph-view","version":1,"nodes":[{id,name,kind,aliases,focus}],`
//! `"edges":[{from,to,rel,label,directed,status,evidence:[{source,line,quote,title}]}]}`
//! with `from` and `to` node ids; nodes by id, edges by ends, relation and status.

use serde_json::json;

use super::picture::{Edge, Picture};
use crate::graph::KnowledgeGraph;

/// A picture as pretty-printed JSON, ending in a newline.
pub fn render(kg: &KnowledgeGraph, pic: &Picture) -> String {
    let nodes: Vec<serde_json::Value> = pic
        .nodes(kg)
        .into_iter()
        .map(|n| {
            let e = kg.entity(n);
            json!({ "id": e.id(), "name": e.name(), "kind": e.kind(), "aliases": e.aliases(), "focus": pic.is_focus(n) })
        })
        .collect();
    let edges: Vec<serde_json::Value> = pic.edges(kg).iter().map(|e| edge(kg, e)).collect();
    let doc = json!({ "format": "kgq-graph-view", "version": 1, "nodes": nodes, "edges": edges });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
    out.push('\n');
    out
}

fn edge(kg: &KnowledgeGraph, e: &Edge) -> serde_json::Value {
    let evidence: Vec<serde_json::Value> =
        e.evidence().into_iter().map(|ev| super::json::evidence(kg, &ev.into())).collect();
    json!({
        "from": e.from.id(), "to": e.to.id(), "rel": e.rel, "label": e.label(),
        "directed": e.directed(), "status": e.status, "evidence": evidence,
    })
}
