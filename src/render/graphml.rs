//! GraphML, for Gephi, Cytoscape, yEd, networkx and igraph: the entities and relations of a
//! [`Selection`] as nodes and edges, each fact a `<data>` value under a typed `<key>`.
//!
//! Nodes carry `label` (the name, which Gephi and yEd show), `kind`, `name`, `aliases`,
//! `country` (an entity id), `note`, `evidence` and one key per attribute; edges carry
//! `rel`, `label` (the relation's wording), `directed`, `since`, `until`, `date`, `status`,
//! `note`, `evidence` and their attributes. Attribute keys are typed (`boolean`, `long`,
//! `double`, `string`) by the values they hold (see `exchange`); lists, aliases and
//! evidence, which GraphML has no type for, are JSON arrays in a string (evidence items
//! as `{source,line,quote,title}`, as in the JSON formats). A missing value is no `<data>`.
//!
//! The graph is declared directed, and an undirected relation kind says so in its
//! `directed` value rather than the edge's `directed` attribute, which networkx refuses in
//! a graph of both. Parallel relations are separate edges, with ids from
//! `exchange::relation_keys`. Every string is escaped by quick-xml, characters XML 1.0
//! forbids are written as visible escapes (`\x1b`), and a carriage return as `&#13;` so
//! that it survives the parser's line-end handling.
//!
//! The document is written as it is made, element by element, into any writer: an export
//! of a large graph is never held in memory (see `fsutil::write_atomic_with`).

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::json;

use super::exchange::{self, AttrColumn, Scalar, Selection};
use crate::graph::KnowledgeGraph;
use crate::model::{AttrValue, Attrs, Evidence};
use crate::scripts::junit::xml_safe;

const NODE_KEYS: [&str; 7] = ["label", "kind", "name", "aliases", "country", "note", "evidence"];
const EDGE_KEYS: [&str; 10] =
    ["rel", "label", "directed", "since", "until", "date", "status", "note", "evidence", "key"];

/// Writes the selection as a GraphML document, ending in a newline; stops at the first
/// error of `out`.
pub fn write(kg: &KnowledgeGraph, selection: &Selection, out: &mut dyn Write) -> io::Result<()> {
    let node_attrs = exchange::attr_columns(selection.nodes.iter().map(|n| kg.entity(*n).attrs()), &NODE_KEYS);
    let edge_attrs = exchange::attr_columns(selection.relations().map(|e| kg.relation(e).attrs()), &EDGE_KEYS);
    let mut doc = Document { w: Writer::new_with_indent(out, b' ', 2) };
    doc.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("graphml");
    root.push_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"));
    root.push_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    root.push_attribute((
        "xsi:schemaLocation",
        "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
    ));
    doc.event(Event::Start(root))?;
    for (i, key) in NODE_KEYS.iter().enumerate() {
        doc.key(&format!("n{i}"), "node", key, "string")?;
    }
    for (i, col) in node_attrs.iter().enumerate() {
        doc.key(&format!("na{i}"), "node", &col.column, type_name(col))?;
    }
    for (i, key) in EDGE_KEYS.iter().enumerate() {
        doc.key(&format!("e{i}"), "edge", key, if *key == "directed" { "boolean" } else { "string" })?;
    }
    for (i, col) in edge_attrs.iter().enumerate() {
        doc.key(&format!("ea{i}"), "edge", &col.column, type_name(col))?;
    }
    let mut graph = BytesStart::new("graph");
    graph.push_attribute(("id", "kgq"));
    graph.push_attribute(("edgedefault", "directed"));
    doc.event(Event::Start(graph))?;
    for n in &selection.nodes {
        let e = kg.entity(*n);
        let mut node = BytesStart::new("node");
        node.push_attribute(("id", xml_safe(e.id()).as_ref()));
        doc.event(Event::Start(node))?;
        let values = [
            Some(e.name().to_string()),
            Some(e.kind().to_string()),
            Some(e.name().to_string()),
            (!e.aliases().is_empty()).then(|| json!(e.aliases()).to_string()),
            e.country().map(str::to_string),
            e.note().map(str::to_string),
            evidence(kg, e.evidence()),
        ];
        doc.values("n", &values)?;
        doc.attrs("na", &node_attrs, e.attrs())?;
        doc.event(Event::End(BytesEnd::new("node")))?;
    }
    for e in selection.relations() {
        let key = selection.key(kg, e);
        let r = kg.relation(e);
        let def = kg.schema.relation(r.rel());
        let mut edge = BytesStart::new("edge");
        edge.push_attribute(("id", xml_safe(&key).as_ref()));
        edge.push_attribute(("source", xml_safe(r.from()).as_ref()));
        edge.push_attribute(("target", xml_safe(r.to()).as_ref()));
        doc.event(Event::Start(edge))?;
        let values = [
            Some(r.rel().to_string()),
            Some(def.map_or(r.rel(), |d| d.reads.as_str()).to_string()),
            Some(def.is_none_or(|d| d.directed).to_string()),
            r.since().map(|d| d.to_string()),
            r.until().map(|d| d.to_string()),
            r.date().map(|d| d.to_string()),
            Some(r.status().as_str().to_string()),
            r.note().map(str::to_string),
            evidence(kg, r.evidence()),
            Some(key),
        ];
        doc.values("e", &values)?;
        doc.attrs("ea", &edge_attrs, r.attrs())?;
        doc.event(Event::End(BytesEnd::new("edge")))?;
    }
    doc.event(Event::End(BytesEnd::new("graph")))?;
    doc.event(Event::End(BytesEnd::new("graphml")))?;
    doc.w.into_inner().write_all(b"\n")
}

fn type_name(col: &AttrColumn) -> &'static str {
    match (col.list, col.scalar) {
        (true, _) | (false, Scalar::Text) => "string",
        (false, Scalar::Boolean) => "boolean",
        (false, Scalar::Long) => "long",
        (false, Scalar::Double) => "double",
    }
}

/// Evidence as a JSON array of `{source,line,quote,title}`, or nothing when there is none.
fn evidence(kg: &KnowledgeGraph, evidence: &[Evidence]) -> Option<String> {
    if evidence.is_empty() {
        return None;
    }
    let items: Vec<serde_json::Value> = evidence.iter().map(|ev| super::json::evidence(kg, &ev.into())).collect();
    Some(serde_json::Value::Array(items).to_string())
}

/// An attribute's value as its column holds it: a list column holds a JSON array.
fn attr_text(col: &AttrColumn, value: &AttrValue) -> String {
    if !col.list {
        // A column is a list when any value is one, so this value is a scalar: one item.
        return exchange::items(value).concat();
    }
    let typed: Vec<serde_json::Value> = match value {
        AttrValue::List(values) => values.iter().map(attr_json).collect(),
        scalar => vec![attr_json(scalar)],
    };
    serde_json::Value::Array(typed).to_string()
}

fn attr_json(value: &AttrValue) -> serde_json::Value {
    serde_json::to_value(value).expect("attribute values are JSON values")
}

/// The writer, with the few shapes of element a GraphML document is made of.
struct Document<'w> {
    w: Writer<&'w mut dyn Write>,
}

impl Document<'_> {
    fn event(&mut self, event: Event) -> io::Result<()> {
        self.w.write_event(event)
    }

    fn key(&mut self, id: &str, target: &str, name: &str, kind: &str) -> io::Result<()> {
        let mut key = BytesStart::new("key");
        key.push_attribute(("id", id));
        key.push_attribute(("for", target));
        key.push_attribute(("attr.name", xml_safe(name).as_ref()));
        key.push_attribute(("attr.type", kind));
        self.event(Event::Empty(key))
    }

    fn data(&mut self, key: &str, text: &str) -> io::Result<()> {
        let mut data = BytesStart::new("data");
        data.push_attribute(("key", key));
        self.event(Event::Start(data))?;
        let escaped = escape(xml_safe(text).into_owned()).replace('\r', "&#13;");
        self.event(Event::Text(BytesText::from_escaped(escaped)))?;
        self.event(Event::End(BytesEnd::new("data")))
    }

    /// The built-in values, keyed `{prefix}{i}`; absent ones are left out.
    fn values(&mut self, prefix: &str, values: &[Option<String>]) -> io::Result<()> {
        for (i, value) in values.iter().enumerate() {
            if let Some(value) = value {
                self.data(&format!("{prefix}{i}"), value)?;
            }
        }
        Ok(())
    }

    fn attrs(&mut self, prefix: &str, columns: &[AttrColumn], attrs: &Attrs) -> io::Result<()> {
        for (i, col) in columns.iter().enumerate() {
            if let Some(value) = attrs.get(&col.key) {
                self.data(&format!("{prefix}{i}"), &attr_text(col, value))?;
            }
        }
        Ok(())
    }
}
