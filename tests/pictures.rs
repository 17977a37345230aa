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

#[test]
fn the_whole_shipped_graph() {
    let text = dot::graph(shipped_graph());
    assert!(text.contains("rankdir=TB"));
    svg(&text);
    insta::assert_snapshot!(text);
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
            if r.rel() == "links" {
                assert_eq!(&edge.text, links, "{what}: edge label");
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
    for kind in &kg.schema.kinds {
        let legend = drawing.node(&format!("legend:{}", kind.name.replace('\\', "\\\\")));
        assert_eq!(legend.map(|n| n.text.as_str()), Some(kind.name.as_str()), "{:?}", drawing.nodes);
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
            list.push(Drawn { title, text: texts.join("\n"), tooltip });
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
