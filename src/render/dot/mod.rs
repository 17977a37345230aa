//! Graphviz DOT for a [`Picture`]: a query's answer or the whole graph.
//!
//! Nodes are styled by kind (`crate::style`, overridable in schema.toml), with a legend of
//! the kinds shown (one table, a few kinds a column, so it stays small beside any
//! picture); edges are labelled with the relation's wording and carry their evidence in
//! tooltips; the entities a query named are drawn bold; with [`Cluster::Country`],
//! entities sit in the box of the country they are in (`boxes.rs`). Output is
//! deterministic, and every string from the data goes through [`label`], [`tooltip`] or
//! [`html`], so no name can end a quoted string, add an attribute, or be read by Graphviz
//! as an escape sequence or markup.
//!
//! An answer is drawn by `dot`, in ranks from its start (`layout.rs`). The whole graph is
//! not: hundreds of entities with hubs of dozens of neighbours made `dot` draw a strip
//! 17,590 × 2,321 pt (a hairball when fitted to a page, and too wide for common image
//! tools). It is drawn force-directed instead (`sfdp`; `fdp` when boxed by country, since
//! `sfdp` ignores boxes), without edge labels (each edge's wording is in its tooltip), so
//! that related entities sit together and the picture is about as wide as a screen: 3,939 ×
//! 2,276 pt for the shipped graph, names readable at full size.

mod boxes;
mod escape;
mod layout;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use boxes::host;
pub use escape::{html, label, tooltip, wrap};
use layout::Placement;

use super::picture::{Edge, Layout, Picture};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::model::Status;
use crate::style;

/// How entities are grouped into boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// One box per country, holding the entities that are in it (see [`host`]).
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

/// The legend's node. No entity id (a kebab-case slug) has a colon, so it never meets one.
pub const LEGEND: &str = "legend:kinds";

/// Kinds in one column of the legend; more make more columns.
const LEGEND_ROWS: usize = 6;

/// The whole graph as DOT, with default options.
pub fn graph(kg: &KnowledgeGraph) -> String {
    render(kg, &Picture::of_graph(kg), &Options::default())
}

/// A picture as DOT.
pub fn render(kg: &KnowledgeGraph, pic: &Picture, options: &Options) -> String {
    let mut out = String::from("digraph kgq {\n");
    if pic.whole {
        spring_header(&mut out, options.cluster.is_some());
    } else {
        header(&mut out, options.layout.unwrap_or(pic.layout));
    }
    if let Some(centre) = pic.start.filter(|_| pic.neighbourhood) {
        // Only the answer's paths are drawn: say what a reader might look for and not find.
        let caption = format!(
            "Each entity is drawn on its shortest path from {}; other relations between them are not drawn (a match statement lists them).",
            kg.entity(centre).name()
        );
        let _ = writeln!(out, "  graph [label=\"{}\", labelloc=b, labeljust=l, fontsize=9];", escape::label(&caption));
    }
    let nodes = pic.nodes(kg);
    let (loose, boxes) = match options.cluster {
        Some(Cluster::Country) => boxes::by_country(kg, &nodes),
        None => (nodes.clone(), BTreeMap::new()),
    };
    for n in &loose {
        node(&mut out, kg, *n, pic.is_focus(*n), "  ");
    }
    for (country, members) in &boxes {
        cluster(&mut out, kg, country, members, pic);
    }
    layout::ends(&mut out, kg, pic);
    let edges = pic.edges(kg);
    for (e, placement) in edges.iter().zip(layout::place(kg, pic, &edges)) {
        edge(&mut out, kg, e, &placement, !pic.whole);
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

/// The whole graph's attributes: a force-directed layout (`fdp` when boxed, which draws
/// boxes; `sfdp` otherwise, faster and as good), nodes kept apart, straight edges drawn
/// under the nodes.
fn spring_header(out: &mut String, boxed: bool) {
    let engine = if boxed { "fdp" } else { "sfdp" };
    let _ = writeln!(
        out,
        "  graph [layout={engine}, overlap=prism, overlap_scaling=-4, sep=\"+6\", splines=false, \
         outputorder=edgesfirst, fontname=\"Helvetica\", fontsize=11];"
    );
    out.push_str("  node [style=\"filled\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [color=\"#555555\", arrowsize=0.7];\n");
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
        let _ = write!(tip, "\n{} ({title})", crate::render::text::locator(&ev.into()));
    }
    tip
}

/// An edge, written as `placement` says; `labelled` with the relation's wording.
fn edge(out: &mut String, kg: &KnowledgeGraph, e: &Edge, placement: &Placement, labelled: bool) {
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
    let wording = if labelled { format!("label=\"{}\", ", label(e.label())) } else { String::new() };
    let _ = writeln!(
        out,
        "  \"{}\" -> \"{}\" [{wording}tooltip=\"{}\"{dir}{dashed}{minlen}];",
        label(tail.id()),
        label(head.id()),
        tooltip(&edge_tooltip(kg, e))
    );
}

/// A table of the kinds drawn, each in its colour, in schema order: [`LEGEND_ROWS`] a
/// column, so that it stays small beside the picture (it once was a row of nodes as wide
/// as a quarter of the whole graph). Colours tell kinds apart; shapes are the nodes' own.
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
    let columns = kinds.len().div_ceil(LEGEND_ROWS);
    let rows = kinds.len().div_ceil(columns);
    let mut table = String::from("<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"3\" CELLPADDING=\"3\">");
    let _ = write!(table, "<TR><TD BORDER=\"0\" COLSPAN=\"{columns}\"><B>kinds</B></TD></TR>");
    for row in 0..rows {
        table.push_str("<TR>");
        for column in 0..columns {
            match kinds.get(column * rows + row) {
                Some(kind) => {
                    let look = style::of_kind(&kg.schema, kind);
                    let _ = write!(table, "<TD BGCOLOR=\"{}\">{}</TD>", html(look.color), html(kind));
                }
                None => table.push_str("<TD BORDER=\"0\"></TD>"),
            }
        }
        table.push_str("</TR>");
    }
    table.push_str("</TABLE>");
    let tip = format!("kinds: {}", kinds.join(", "));
    let _ = writeln!(
        out,
        "  \"{LEGEND}\" [shape=none, margin=0, style=\"\", fontsize=9, label=<{table}>, tooltip=\"{}\"];",
        tooltip(&tip)
    );
}
