//! The JSON export of a whole graph.
//!
//! Schema (version 1), documented in the README:
//! `{"format":"kgq-graph","version":1,"schema":{kinds,relations},"sources":[...],`
//! `"entities":[{id,kind,name,aliases,country,attrs,note,evidence}],`
//! `"relations":[{from,rel,to,since,until,date,status,attrs,note,evidence}]}`
//! with evidence items `{source,line,quote}`. Entities and relations keep declaration order.

use serde::Serialize;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Relation, Schema, Source};

#[derive(Serialize)]
struct Export<'a> {
    format: &'static str,
    version: u32,
    schema: &'a Schema,
    sources: &'a [Source],
    entities: Vec<&'a Entity>,
    relations: Vec<&'a Relation>,
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
    let mut out =
        serde_json::to_string_pretty(&export).expect("the export holds only JSON-safe values");
    out.push('\n');
    out
}
