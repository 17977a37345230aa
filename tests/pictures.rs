//! Pictures: DOT snapshots of the shipped graph and of answers, every one drawn by the real
//! Graphviz `dot`, which must accept it without a word on standard error; hostile names
//! that must come back out of the SVG exactly; the accepted styles; and the `graph-json`
//! view, which must show what the DOT shows.
//!
//! Graphviz is required, not optional: CI installs it (`.ci/run`), and a missing `dot`
//! fails these tests rather than skipping them, so a picture is never shipped untried.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings};
use kgq::render::dot::{self, Cluster, Options};
use kgq::render::graph_json;
use kgq::render::picture::{Layout, Picture};

use crate::queries::shipped_graph;
use crate::support::fixture;

/// The statement behind the README's picture (docs/poland-mid.svg).
pub const README_PICTURE: &str = "connect \"Poland\" and \"Munitions Industry Department\" \
     via works_in, part_of, supplies_workers, employs, sends_revenue_to max 5 limit 6";

/// Runs `dot -T<format>` on `text`; fails the test unless it exits 0 and says nothing.
pub fn graphviz(text: &str, format: &str) -> Vec<u8> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("these tests need Graphviz `dot` on PATH (apt-get install graphviz): {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::scope(|s| {
        let w = s.spawn(move || stdin.write_all(text.as_bytes()));
        let out = child.wait_with_output().expect("dot runs");
        (w.join().expect("writer"), out)
    });
    let (written, out) = writer;
    written.expect("dot reads its input");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "dot -T{format} failed ({}):\n{stderr}", out.status);
    out.stdout
}

fn svg(text: &str) -> String {
    String::from_utf8(graphviz(text, "svg")).expect("SVG is UTF-8")
}

fn answer_dot(kg: &KnowledgeGraph, statement: &str, options: &Options) -> String {
    let (rows, _) = query::run(kg, statement, &Settings::default()).expect("the statement answers");
    dot::render(kg, &Picture::of_rows(kg, &rows), options)
}

fn clustered() -> Options {
    Options { cluster: Some(Cluster::Country), ..Options::default() }
}

/// The whole graph fits a screen: drawn force-directed, it is about as wide as a screen
/// is (it was a strip of 17,590 x 2,321 pt under `dot`), and its legend is a small table
/// (a row of kinds took a quarter of the width). Bounds, not exact sizes: Graphviz versions
/// place nodes a little differently.
#[test]
fn the_whole_shipped_graph_fits_a_screen() {
    let text = dot::graph(shipped_graph());
    assert!(text.contains("layout=sfdp") && !text.contains("rankdir"));
    let picture = svg(&text);
    let (width, height) = size(&picture);
    assert!(width <= 6000.0 && height <= 4000.0, "{width} x {height} pt");
    assert!((1.0..=2.5).contains(&(width / height)), "{width} x {height} pt is no screen's shape");
    let drawing = Svg::parse(&picture);
    let legend = drawing.node(dot::LEGEND).expect("a legend");
    assert!(legend.bbox.width() <= width / 8.0, "the legend is {} of {width} pt wide", legend.bbox.width());
    insta::assert_snapshot!(text);
}

/// `--cluster country` boxes each entity in the country it is in: workers in Poland in
/// Poland's box (their `country` is North Korea), a company with no place in its own
/// country's, workers in many countries in none. Checked in the DOT and in the drawing,
/// where each node must lie inside its box.
#[test]
fn country_boxes_hold_what_is_in_each_country() {
    let kg = shipped_graph();
    let text = dot::render(kg, &Picture::of_graph(kg), &clustered());
    let boxed = |country: &str| {
        let start = text.find(&format!("subgraph \"cluster_{country}\" {{")).expect("a box");
        text[start..start + text[start..].find("\n  }\n").expect("the box ends")].to_string()
    };
    let (poland, north_korea) = (boxed("poland"), boxed("north-korea"));
    for inside in ["\"dprk-workers-poland\" [", "\"dprk-shipyard-workers-poland\" [", "\"poland\" ["] {
        assert!(poland.contains(inside), "{inside} in {poland}");
        assert!(!north_korea.contains(inside), "{inside} not in North Korea's box");
    }
    assert!(north_korea.contains("\"rungrado\" ["), "a company with no place is in its own country's box");
    assert!(!text.contains("    \"dprk-overseas-workers\" ["), "workers in many countries are in no box");
    let drawing = Svg::parse(&svg(&text));
    let area = drawing.clusters.iter().find(|c| c.title == "cluster_poland").expect("Poland's box").bbox;
    for id in ["dprk-workers-poland", "dprk-shipyard-workers-poland", "poland"] {
        let node = drawing.node(id).expect("drawn").bbox;
        assert!(area.holds(&node), "{id} at {node:?} is outside Poland's box {area:?}");
    }
}

/// The `width` and `height` of an SVG, in points.
fn size(svg: &str) -> (f64, f64) {
    let number = |name: &str| {
        between(svg, &format!("{name}=\""), "pt\"").and_then(|n| n.parse::<f64>().ok()).expect("a size in pt")
    };
    (number("width"), number("height"))
}

#[test]
fn a_path_reads_left_to_right_from_its_start() {
    let text = answer_dot(shipped_graph(), "path \"Poland\" to \"Munitions Industry Department\"", &Options::default());
    assert!(text.contains("rankdir=LR"));
    assert!(
        text.contains("{ rank=min; \"poland\"; }") && text.contains("{ rank=max; \"munitions-industry-department\"; }")
    );
    svg(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn a_neighbourhood_spreads_top_to_bottom_from_its_centre() {
    let text = answer_dot(shipped_graph(), "neighbors \"Office 39\" depth 2", &Options::default());
    assert!(text.contains("rankdir=TB"));
    assert!(text.contains("{ rank=min; \"office-39\"; }"));
    svg(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn the_readme_picture() {
    // As the README's command draws it: `kgq export --format svg --rankdir tb ...`.
    let text = answer_dot(
        shipped_graph(),
        README_PICTURE,
        &Options { layout: Some(Layout::TopToBottom), ..Options::default() },
    );
    assert!(text.contains("rankdir=TB"));
    svg(&text);
    insta::assert_snapshot!(text);
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).expect("README.md exists");
    let command = format!("kgq export --format svg --rankdir tb -o docs/poland-mid.svg --query '{README_PICTURE}'");
    assert!(readme.contains(&command), "the README documents the command that draws its picture:\n{command}");
}

#[test]
fn country_boxes_hold_the_entities_of_each_country() {
    let text = answer_dot(shipped_graph(), "neighbors \"Office 39\" depth 2", &clustered());
    let north_korea = text.split("subgraph \"cluster_north-korea\" {").nth(1).expect("a North Korea box");
    let north_korea = &north_korea[..north_korea.find("\n  }\n").expect("the box ends")];
    assert!(north_korea.contains("label=\"North Korea\""), "{north_korea}");
    assert!(north_korea.contains("\"office-39\" [label=\"Office 39\""), "{north_korea}");
    assert!(!north_korea.contains("\"china\" ["), "a country without a `country` stays outside");
    svg(&text);
}

#[test]
fn clustering_the_whole_graph_by_country_does_not_crash_graphviz() {
    // Without `newrank=true`, Graphviz 2.43 stops with "trouble in init_rank" on this graph.
    svg(&dot::render(shipped_graph(), &Picture::of_graph(shipped_graph()), &clustered()));
}

#[test]
fn every_accepted_shape_and_colour_draws_cleanly() {
    let mut text = String::from("digraph styles {\n  node [style=\"filled\"];\n");
    for (i, shape) in kgq::style::SHAPES.iter().enumerate() {
        text.push_str(&format!("  \"s{i}\" [shape={shape}, label=\"{shape}\"];\n"));
    }
    for (i, color) in kgq::style::COLOR_NAMES.iter().enumerate() {
        text.push_str(&format!("  \"c{i}\" [fillcolor=\"{color}\", label=\"{color}\"];\n"));
    }
    text.push_str("}\n");
    svg(&text);
}

fn hostile_graph() -> &'static KnowledgeGraph {
    static GRAPH: OnceLock<KnowledgeGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let files = DataFiles::read_dir(&fixture("hostile")).expect("hostile fixture is readable");
        let loaded = data::load(&files);
        assert!(loaded.diagnostics.is_empty(), "the hostile fixture is clean data");
        KnowledgeGraph::build(loaded.dataset.expect("hostile fixture loads"))
    })
}

/// What Graphviz should draw for a string: line breaks as lines, other control characters
/// as spaces.
fn drawn(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

#[test]
fn hostile_names_survive_graphviz_exactly() {
    let kg = hostile_graph();
    for (what, text) in [
        ("whole graph", dot::graph(kg)),
        ("by country", dot::render(kg, &Picture::of_graph(kg), &clustered())),
        ("a path", answer_dot(kg, "paths quotes to home max 12", &clustered())),
    ] {
        let drawing = Svg::parse(&svg(&text));
        for (_, e) in kg.entities() {
            let node = drawing.node(e.id()).unwrap_or_else(|| panic!("{what}: no node {}", e.id()));
            assert_eq!(node.text, drawn(&dot::wrap(e.name())), "{what}: the label of {}", e.id());
            assert!(node.tooltip.starts_with(&drawn(&format!("{} ({})", e.name(), e.kind()))), "{what}: {node:?}");
            for alias in e.aliases() {
                assert!(node.tooltip.contains(alias.as_str()), "{what}: alias {alias:?} in {node:?}");
            }
        }
        let links = &kg.schema.relation("links").expect("declared").reads;
        let source = &kg.sources[0].title;
        for (_, r) in kg.relations() {
            let edge =
                drawing.edge(r.from(), r.to()).unwrap_or_else(|| panic!("{what}: no edge {} {}", r.from(), r.to()));
            // The whole graph writes an edge's wording in its tooltip only.
            if r.rel() == "links" && what == "a path" {
                assert_eq!(&edge.text, links, "{what}: edge label");
            } else if r.rel() == "links" {
                assert!(edge.text.is_empty() && edge.tooltip.contains(links.as_str()), "{what}: {edge:?}");
            }
            for ev in r.evidence() {
                let line = format!("{}:{} \"{}\" ({source})", ev.source, ev.line, ev.quote);
                assert!(edge.tooltip.contains(&line), "{what}: {line:?} in {edge:?}");
            }
        }
    }
}

#[test]
fn hostile_kinds_and_countries_label_the_legend_and_the_boxes() {
    let kg = hostile_graph();
    let drawing = Svg::parse(&svg(&dot::render(kg, &Picture::of_graph(kg), &clustered())));
    let home = kg.entity(kg.by_id("home").expect("home exists"));
    let texts: Vec<&str> = drawing.clusters.iter().map(|c| c.text.as_str()).collect();
    assert!(texts.contains(&home.name()), "{texts:?}");
    let legend = drawing.node(dot::LEGEND).expect("a legend");
    let cells: Vec<&str> = legend.text.lines().collect();
    for kind in &kg.schema.kinds {
        assert!(cells.contains(&kind.name.as_str()), "{:?} in the legend {cells:?}", kind.name);
    }
}

#[test]
fn graph_json_shows_what_the_dot_shows() {
    let kg = shipped_graph();
    let (rows, _) = query::run(kg, README_PICTURE, &Settings::default()).expect("answers");
    let pic = Picture::of_rows(kg, &rows);
    let view: serde_json::Value = serde_json::from_str(&graph_json::render(kg, &pic)).expect("valid JSON");
    assert_eq!(view["format"], "kgq-graph-view");
    assert_eq!(view["version"], 1);
    let text = dot::render(kg, &pic, &Options::default());
    let dot_nodes: BTreeSet<String> = text
        .lines()
        .filter(|l| l.starts_with("  \"") && l.contains("\" [label=") && !l.contains("legend:"))
        .map(|l| l.trim_start()[1..].split('"').next().expect("an id").to_string())
        .collect();
    let json_nodes: BTreeSet<String> =
        view["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id").to_string()).collect();
    assert_eq!(dot_nodes, json_nodes);
    let dot_edges = text.lines().filter(|l| l.contains("\" -> \"") && !l.contains("legend:")).count();
    assert_eq!(view["edges"].as_array().expect("edges").len(), dot_edges);
    let poland = view["nodes"].as_array().expect("nodes").iter().find(|n| n["id"] == "poland").expect("Poland");
    assert_eq!(poland["focus"], true);
    assert_eq!(poland["aliases"], serde_json::json!(["Polish government"]));
    let edge = &view["edges"][0];
    for key in ["from", "to", "rel", "label", "directed", "status", "evidence"] {
        assert!(edge.get(key).is_some(), "an edge has `{key}`: {edge}");
    }
    let evidence = &edge["evidence"][0];
    for key in ["source", "line", "quote", "title"] {
        assert!(evidence.get(key).is_some(), "evidence has `{key}`: {evidence}");
    }
}

/// The parts of a Graphviz SVG the tests read back: each node's, edge's and cluster's
/// title, drawn text (lines joined by `\n`) and tooltip, XML-unescaped.
#[derive(Debug)]
struct Svg {
    nodes: Vec<Drawn>,
    edges: Vec<Drawn>,
    clusters: Vec<Drawn>,
}

#[derive(Debug)]
struct Drawn {
    title: String,
    text: String,
    tooltip: String,
    /// Where it is drawn: the box around its shapes' points.
    bbox: Box2,
}

/// A box: least and greatest x and y.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    min: (f64, f64),
    max: (f64, f64),
}

impl Box2 {
    /// The box around the points of the shapes in an SVG group: polygons, paths, ellipses.
    fn around(group: &str) -> Box2 {
        let mut points: Vec<(f64, f64)> = Vec::new();
        for attr in ["points=\"", " d=\""] {
            for part in group.split(attr).skip(1) {
                let value = &part[..part.find('"').unwrap_or(0)];
                let numbers: Vec<f64> = value
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|n| n.parse().ok())
                    .collect();
                points.extend(numbers.chunks_exact(2).map(|p| (p[0], p[1])));
            }
        }
        for part in group.split("<ellipse").skip(1) {
            let get = |name: &str| between(part, &format!(" {name}=\""), "\"").and_then(|n| n.parse::<f64>().ok());
            if let (Some(cx), Some(cy), Some(rx), Some(ry)) = (get("cx"), get("cy"), get("rx"), get("ry")) {
                points.extend([(cx - rx, cy - ry), (cx + rx, cy + ry)]);
            }
        }
        let min = points.iter().fold((f64::MAX, f64::MAX), |m, p| (m.0.min(p.0), m.1.min(p.1)));
        let max = points.iter().fold((f64::MIN, f64::MIN), |m, p| (m.0.max(p.0), m.1.max(p.1)));
        Box2 { min, max }
    }

    fn width(&self) -> f64 {
        self.max.0 - self.min.0
    }

    fn holds(&self, other: &Box2) -> bool {
        self.min.0 <= other.min.0 && self.min.1 <= other.min.1 && other.max.0 <= self.max.0 && other.max.1 <= self.max.1
    }
}

impl Svg {
    fn parse(svg: &str) -> Svg {
        let mut out = Svg { nodes: Vec::new(), edges: Vec::new(), clusters: Vec::new() };
        // Each node, edge and cluster is a group `<g id="node7" class="node">` holding its
        // title and, in nested groups, its tooltip and text; it runs to the next such group.
        let starts: Vec<usize> =
            svg.match_indices("<g id=\"").map(|(i, _)| i).filter(|&i| top_group(&svg[i..])).collect();
        for (n, &start) in starts.iter().enumerate() {
            let group = &svg[start..starts.get(n + 1).copied().unwrap_or(svg.len())];
            let list = match &group[7..11] {
                "node" => &mut out.nodes,
                "edge" => &mut out.edges,
                _ => &mut out.clusters,
            };
            let title = between(group, "<title>", "</title>").map(unescape).unwrap_or_default();
            let texts: Vec<String> = group
                .split("<text")
                .skip(1)
                .filter_map(|t| between(t, ">", "</text>"))
                .map(|t| unescape(t).replace('\u{a0}', " "))
                .collect();
            let tooltip = between(group, "xlink:title=\"", "\"").map(unescape).unwrap_or_default();
            list.push(Drawn { title, text: texts.join("\n"), tooltip, bbox: Box2::around(group) });
        }
        out
    }

    fn node(&self, id: &str) -> Option<&Drawn> {
        self.nodes.iter().find(|n| n.title == id)
    }

    /// The edge between two entities, drawn either way.
    fn edge(&self, a: &str, b: &str) -> Option<&Drawn> {
        let (one, other) = (format!("{a}->{b}"), format!("{b}->{a}"));
        self.edges.iter().find(|e| e.title == one || e.title == other)
    }
}

/// Whether `text` starts a node, edge or cluster group: `<g id="node7" class=...`.
fn top_group(text: &str) -> bool {
    let id = &text[7..];
    ["node", "edge", "clust"].iter().any(|kind| {
        id.strip_prefix(kind).is_some_and(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with("\" class=")
        })
    })
}

fn between<'t>(text: &'t str, start: &str, end: &str) -> Option<&'t str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// XML character references and the five named entities.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';') else {
            out.push_str(after);
            return out;
        };
        let entity = &after[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if entity.starts_with("#x") => u32::from_str_radix(&entity[2..], 16).ok().and_then(char::from_u32),
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
