//! Graphviz DOT for a query result or the whole graph.
//!
//! Nodes are styled by kind from one table, with a legend of the kinds shown; edges are
//! labelled with the relation's wording and carry their evidence in tooltips; the entities
//! a query named are drawn bold. Output is deterministic (nodes by id, edges by ends and
//! relation) so exported files diff well, and every string from the data is escaped.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::graph::paths::Path;
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef, edge_ref, node_ref};
use crate::query::{Rows, Shape, Value};

/// Shape and fill colour of each entity kind.
const STYLES: &[(&str, &str, &str)] = &[
    ("country", "ellipse", "#dbeafe"),
    ("region", "ellipse", "#e0f2fe"),
    ("city", "ellipse", "#f0f9ff"),
    ("worker_group", "house", "#fde68a"),
    ("dprk_company", "box", "#fca5a5"),
    ("company", "box", "#e5e7eb"),
    ("dprk_organ", "octagon", "#f87171"),
    ("state_body", "component", "#bfdbfe"),
    ("intl_body", "component", "#c7d2fe"),
    ("instrument", "note", "#fef3c7"),
    ("person", "oval", "#f5d0fe"),
    ("organisation", "tab", "#d9f99d"),
];
const DEFAULT_STYLE: (&str, &str) = ("box", "#ffffff");

fn style(kind: &str) -> (&'static str, &'static str) {
    STYLES.iter().find(|(k, _, _)| *k == kind).map_or(DEFAULT_STYLE, |(_, shape, fill)| (shape, fill))
}

/// Escapes text for a double-quoted DOT string: backslashes, quotes and line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// What a picture shows.
#[derive(Default)]
struct Picture {
    nodes: BTreeSet<EntityRef>,
    edges: BTreeSet<RelationRef>,
    focus: BTreeSet<EntityRef>,
    left_to_right: bool,
}

impl Picture {
    fn value(&mut self, kg: &KnowledgeGraph, v: &Value) {
        match v {
            Value::Entity(n) => {
                self.nodes.insert(*n);
            }
            Value::Relation(h) => self.edge(kg, edge_ref(h.edge)),
            Value::Path(p) => self.path(kg, p),
            Value::List(items) => items.iter().for_each(|i| self.value(kg, i)),
            _ => {}
        }
    }

    fn edge(&mut self, kg: &KnowledgeGraph, e: RelationRef) {
        let (a, b) = kg.ends(e);
        self.nodes.extend([a, b]);
        self.edges.insert(e);
    }

    fn path(&mut self, kg: &KnowledgeGraph, p: &Path) {
        self.nodes.extend(p.nodes.iter().map(|&n| node_ref(n)));
        for h in &p.hops {
            self.edge(kg, edge_ref(h.edge));
        }
    }
}

/// A query result as DOT.
pub fn rows(kg: &KnowledgeGraph, rows: &Rows) -> String {
    let mut pic = Picture {
        left_to_right: matches!(rows.shape, Shape::Paths | Shape::Connect | Shape::Relations),
        ..Picture::default()
    };
    pic.focus.extend(rows.focus.iter().copied());
    pic.nodes.extend(rows.focus.iter().copied());
    for row in &rows.rows {
        // A `connect` row's last cell holds path numbers, not values to draw.
        for v in row.iter().filter(|v| !matches!(v, Value::List(_)) || rows.shape != Shape::Connect) {
            pic.value(kg, v);
        }
    }
    for p in &rows.paths {
        pic.path(kg, p);
    }
    write(kg, &pic)
}

/// The whole graph as DOT.
pub fn graph(kg: &KnowledgeGraph) -> String {
    let mut pic = Picture::default();
    pic.nodes.extend(kg.entities().map(|(n, _)| n));
    pic.edges.extend(kg.relations().map(|(e, _)| e));
    write(kg, &pic)
}

fn write(kg: &KnowledgeGraph, pic: &Picture) -> String {
    let mut out = String::from("digraph kgq {\n");
    let rankdir = if pic.left_to_right { "LR" } else { "TB" };
    let _ = writeln!(out, "  graph [rankdir={rankdir}, fontname=\"Helvetica\", fontsize=11, overlap=false];");
    out.push_str("  node [style=\"filled\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    let mut nodes: Vec<EntityRef> = pic.nodes.iter().copied().collect();
    nodes.sort_by(|a, b| kg.entity(*a).id.cmp(&kg.entity(*b).id));
    for n in &nodes {
        node(&mut out, kg, *n, pic.focus.contains(n));
    }
    let mut edges: Vec<RelationRef> = pic.edges.iter().copied().collect();
    edges.sort_by_key(|e| {
        let r = kg.relation(*e);
        (r.from.clone(), r.to.clone(), r.rel.clone(), e.index())
    });
    for e in edges {
        edge(&mut out, kg, e);
    }
    legend(&mut out, kg, &nodes);
    out.push_str("}\n");
    out
}

fn node(out: &mut String, kg: &KnowledgeGraph, n: EntityRef, focus: bool) {
    let e = kg.entity(n);
    let (shape, fill) = style(&e.kind);
    let mut tooltip = format!("{} ({})", e.name, e.kind);
    if !e.aliases.is_empty() {
        tooltip.push_str(&format!("\naliases: {}", e.aliases.join(", ")));
    }
    let emphasis = if focus { ", penwidth=3, fontname=\"Helvetica-Bold\"" } else { "" };
    let _ = writeln!(
        out,
        "  \"{}\" [label=\"{}\", shape={shape}, fillcolor=\"{fill}\", tooltip=\"{}\"{emphasis}];",
        escape(&e.id),
        escape(&e.name),
        escape(&tooltip)
    );
}

fn edge(out: &mut String, kg: &KnowledgeGraph, e: RelationRef) {
    let r = kg.relation(e);
    let def = kg.schema.relation(&r.rel);
    let label = def.map_or(r.rel.as_str(), |d| d.reads.as_str());
    let mut tooltip = format!("{} {} {}", r.from, r.rel, r.to);
    if let Some(period) = r.period() {
        tooltip.push_str(&format!(" ({period})"));
    }
    for ev in &r.evidence {
        let title = kg.source(&ev.source).map_or("", |s| s.title.as_str());
        tooltip.push_str(&format!("\n{}:{} \"{}\" - {title}", ev.source, ev.line, ev.quote));
    }
    let dir = if def.is_some_and(|d| !d.directed) { ", dir=none" } else { "" };
    let dashed = if matches!(r.status, crate::model::Status::Alleged | crate::model::Status::Disputed) {
        ", style=dashed"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  \"{}\" -> \"{}\" [label=\"{}\", tooltip=\"{}\"{dir}{dashed}];",
        escape(&r.from),
        escape(&r.to),
        escape(label),
        escape(&tooltip)
    );
}

/// A box listing the kinds drawn, each in its own style.
fn legend(out: &mut String, kg: &KnowledgeGraph, nodes: &[EntityRef]) {
    let shown: BTreeSet<&str> = nodes.iter().map(|n| kg.entity(*n).kind.as_str()).collect();
    if shown.is_empty() {
        return;
    }
    out.push_str("  subgraph cluster_legend {\n    label=\"kinds\"; fontsize=10; color=\"#999999\";\n");
    let kinds: Vec<&str> = kg.schema.kinds.iter().map(|k| k.name.as_str()).filter(|k| shown.contains(k)).collect();
    for kind in &kinds {
        let (shape, fill) = style(kind);
        let _ = writeln!(
            out,
            "    \"legend:{}\" [label=\"{}\", shape={shape}, fillcolor=\"{fill}\", fontsize=9];",
            escape(kind),
            escape(kind)
        );
    }
    // Invisible edges keep the legend in one column.
    for pair in kinds.windows(2) {
        let _ = writeln!(out, "    \"legend:{}\" -> \"legend:{}\" [style=invis];", escape(pair[0]), escape(pair[1]));
    }
    out.push_str("  }\n");
}
