//! Graphviz DOT for a [`Picture`]: a query's answer or the whole graph.
//!
//! Nodes are styled by kind (`crate::style`, overridable in schema.toml), with a legend of
//! the kinds shown; edges are labelled with the relation's wording and carry their evidence
//! in tooltips; the entities a query named are drawn bold; with [`Cluster::Country`],
//! entities sit in a box per country. Output is deterministic, and every string from the
//! data goes through [`label`] or [`tooltip`], so no name can end a quoted string, add an
//! attribute, or be read by Graphviz as an escape sequence.

mod escape;
mod layout;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use escape::{label, tooltip, wrap};
use layout::Placement;

use super::picture::{Edge, Layout, Picture};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::model::Status;
use crate::style;

/// How entities are grouped into boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// One box per country, for the entities whose `country` is set.
    Country,
}

/// Choices about a picture that are not about what it shows.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub cluster: Option<Cluster>,
    /// Overrides the picture's own direction: a report page suits top to bottom, a slide
    /// left to right, whatever the answer was.
    pub layout: Option<Layout>,
}

/// The legend's box. Its name has an underscore after `cluster_`, which no entity id (a
/// kebab-case slug) has, so it never meets a country's box.
const LEGEND: &str = "cluster_kgq_legend";

/// The whole graph as DOT, with default options.
pub fn graph(kg: &KnowledgeGraph) -> String {
    render(kg, &Picture::of_graph(kg), &Options::default())
}

/// A picture as DOT.
pub fn render(kg: &KnowledgeGraph, pic: &Picture, options: &Options) -> String {
    let mut out = String::from("digraph kgq {\n");
    header(&mut out, options.layout.unwrap_or(pic.layout));
    let nodes = pic.nodes(kg);
    let (loose, boxes) = clusters(kg, &nodes, options.cluster);
    for n in &loose {
        node(&mut out, kg, *n, pic.is_focus(*n), "  ");
    }
    for (country, members) in &boxes {
        cluster(&mut out, kg, country, members, pic);
    }
    layout::ends(&mut out, kg, pic);
    let edges = pic.edges(kg);
    for (e, placement) in edges.iter().zip(layout::place(kg, pic, &edges)) {
        edge(&mut out, kg, e, &placement);
    }
    legend(&mut out, kg, &nodes);
    out.push_str("}\n");
    out
}

fn header(out: &mut String, layout: Layout) {
    let rankdir = match layout {
        Layout::LeftToRight => "LR",
        Layout::TopToBottom => "TB",
    };
    let _ = writeln!(
        out,
        "  graph [newrank=true, rankdir={rankdir}, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.5];"
    );
    out.push_str("  node [style=\"filled\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\", fontcolor=\"#333333\"];\n");
}

/// Splits the nodes into those drawn loose and those in a box per country (by country id).
fn clusters(
    kg: &KnowledgeGraph,
    nodes: &[EntityRef],
    by: Option<Cluster>,
) -> (Vec<EntityRef>, BTreeMap<String, Vec<EntityRef>>) {
    let mut loose = Vec::new();
    let mut boxes: BTreeMap<String, Vec<EntityRef>> = BTreeMap::new();
    for &n in nodes {
        match (by, kg.entity(n).country()) {
            (Some(Cluster::Country), Some(country)) => boxes.entry(country.to_string()).or_default().push(n),
            _ => loose.push(n),
        }
    }
    (loose, boxes)
}

fn cluster(out: &mut String, kg: &KnowledgeGraph, country: &str, members: &[EntityRef], pic: &Picture) {
    let name = kg.by_id(country).map_or(country, |c| kg.entity(c).name());
    let _ = writeln!(out, "  subgraph \"cluster_{}\" {{", label(country));
    let _ = writeln!(
        out,
        "    graph [label=\"{}\", style=\"rounded\", color=\"#94a3b8\", fontcolor=\"#475569\", fontsize=11];",
        label(name)
    );
    for &n in members {
        node(out, kg, n, pic.is_focus(n), "    ");
    }
    out.push_str("  }\n");
}

fn node(out: &mut String, kg: &KnowledgeGraph, n: EntityRef, focus: bool, indent: &str) {
    let e = kg.entity(n);
    let look = style::of_kind(&kg.schema, e.kind());
    let mut tip = format!("{} ({})", e.name(), e.kind());
    if !e.aliases().is_empty() {
        let _ = write!(tip, "\naliases: {}", e.aliases().join(", "));
    }
    if let Some(country) = e.country().and_then(|c| kg.by_id(c)) {
        let _ = write!(tip, "\ncountry: {}", kg.entity(country).name());
    }
    let emphasis = if focus { ", penwidth=3, fontname=\"Helvetica-Bold\"" } else { "" };
    let _ = writeln!(
        out,
        "{indent}\"{}\" [label=\"{}\", shape={}, fillcolor=\"{}\", tooltip=\"{}\"{emphasis}];",
        label(e.id()),
        label(&wrap(e.name())),
        look.shape,
        look.color,
        tooltip(&tip)
    );
}

/// The tooltip of an edge: what it says, then each relation's period and figures, then
/// every source line behind it with the source's title.
fn edge_tooltip(kg: &KnowledgeGraph, e: &Edge) -> String {
    let mut tip = format!("{} {} {} [{}]", e.from.name(), e.label(), e.to.name(), e.status.as_str());
    for r in &e.relations {
        let mut facts: Vec<String> = r.period().into_iter().collect();
        facts.extend(r.attrs().iter().map(|(k, v)| format!("{k} = {v}")));
        if !facts.is_empty() {
            let _ = write!(tip, "\n{}", facts.join("; "));
        }
    }
    for ev in e.evidence() {
        let title = kg.source(&ev.source).map_or("", |s| s.title.as_str());
        let _ = write!(tip, "\n{}:{} \"{}\" ({title})", ev.source, ev.line, ev.quote);
    }
    tip
}

/// An edge, written as `placement` says.
fn edge(out: &mut String, kg: &KnowledgeGraph, e: &Edge, placement: &Placement) {
    let (tail, head) = if placement.backwards { (e.to, e.from) } else { (e.from, e.to) };
    let dir = match (e.directed(), placement.backwards) {
        (false, _) => ", dir=none",
        (true, true) => ", dir=back",
        (true, false) => "",
    };
    let dashed = if matches!(e.status, Status::Alleged | Status::Disputed) { ", style=dashed" } else { "" };
    let minlen = match placement.minlen {
        1 => String::new(),
        n => format!(", minlen={n}"),
    };
    let _ = writeln!(
        out,
        "  \"{}\" -> \"{}\" [label=\"{}\", tooltip=\"{}\"{dir}{dashed}{minlen}];",
        label(tail.id()),
        label(head.id()),
        label(e.label()),
        tooltip(&edge_tooltip(kg, e))
    );
}

/// A box listing the kinds drawn, each in its own style, in schema order.
fn legend(out: &mut String, kg: &KnowledgeGraph, nodes: &[EntityRef]) {
    let kinds: Vec<&str> = kg
        .schema
        .kinds
        .iter()
        .map(|k| k.name.as_str())
        .filter(|k| nodes.iter().any(|n| kg.entity(*n).kind() == *k))
        .collect();
    if kinds.is_empty() {
        return;
    }
    let _ = writeln!(out, "  subgraph \"{LEGEND}\" {{");
    out.push_str("    graph [label=\"kinds\", fontsize=10, color=\"#999999\", style=\"solid\"];\n");
    for kind in &kinds {
        let look = style::of_kind(&kg.schema, kind);
        let _ = writeln!(
            out,
            "    \"legend:{}\" [label=\"{}\", shape={}, fillcolor=\"{}\", fontsize=9, tooltip=\"{}\"];",
            label(kind),
            label(kind),
            look.shape,
            look.color,
            tooltip(kind)
        );
    }
    // Invisible edges keep the legend in one line.
    for pair in kinds.windows(2) {
        let _ = writeln!(out, "    \"legend:{}\" -> \"legend:{}\" [style=invis];", label(pair[0]), label(pair[1]));
    }
    out.push_str("  }\n");
}
