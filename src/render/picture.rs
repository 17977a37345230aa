//! What a picture of an answer shows: its entities and relations, the entities the query
//! named, and which way it reads. One selection, written by two writers: `dot` (Graphviz)
//! and `graph_json` (the `kgq-graph-view` document for web viewers), so both always show
//! the same thing.
//!
//! Relations with the same ends, kind and status are one edge of the picture, carrying the
//! evidence of them all: the data may state one relation several times, each with its own
//! source, and a picture with three parallel "works in" lines is harder to read, not truer.
//! Order is fixed (entities by id, edges by ends, relation and status) so output diffs well.

use std::collections::BTreeSet;

use crate::graph::paths::Path;
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::{Evidence, RelDef, Status};
use crate::query::{Rows, Shape, Value};
use crate::store::{EntityView, RelationView};

/// Which way a picture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Paths and relations read left to right, as sentences do.
    LeftToRight,
    /// Neighbourhoods and whole graphs spread top to bottom.
    TopToBottom,
}

/// The entities and relations a picture draws.
#[derive(Debug)]
pub struct Picture {
    nodes: BTreeSet<EntityRef>,
    relations: BTreeSet<RelationRef>,
    focus: BTreeSet<EntityRef>,
    pub layout: Layout,
    /// Where the picture starts (a path's first end, a neighbourhood's centre) and ends (a
    /// path's other end), so that it reads from the one to the other.
    pub start: Option<EntityRef>,
    pub end: Option<EntityRef>,
    /// The whole graph, not an answer: drawn by a force-directed layout (see `dot`).
    pub whole: bool,
    /// A neighbourhood (`neighbors`): each entity is drawn on its shortest path from the
    /// centre, so relations between the others are not drawn, and the picture says so.
    pub neighbourhood: bool,
}

/// One drawn edge: the relations with the same ends, kind and status.
pub struct Edge<'g> {
    pub from: EntityView<'g>,
    pub to: EntityView<'g>,
    pub rel: &'g str,
    /// The relation kind's schema entry (absent only for a kind the schema lost).
    pub def: Option<&'g RelDef>,
    pub status: Status,
    /// In declaration order.
    pub relations: Vec<RelationView<'g>>,
}

impl Edge<'_> {
    /// The relation's wording, "supplies"; its name when the schema has none.
    pub fn label(&self) -> &str {
        self.def.map_or(self.rel, |d| d.reads.as_str())
    }

    pub fn directed(&self) -> bool {
        self.def.is_none_or(|d| d.directed)
    }

    /// The evidence of every relation of the edge, each locator once.
    pub fn evidence(&self) -> Vec<&Evidence> {
        let mut out: Vec<&Evidence> = Vec::new();
        for ev in self.relations.iter().flat_map(|r| r.evidence()) {
            let same = |o: &&Evidence| {
                (&o.source, o.line, &o.quote, &o.record) == (&ev.source, ev.line, &ev.quote, &ev.record)
            };
            if !out.iter().any(same) {
                out.push(ev);
            }
        }
        out
    }
}

impl Picture {
    fn new(layout: Layout) -> Picture {
        Picture {
            nodes: BTreeSet::new(),
            relations: BTreeSet::new(),
            focus: BTreeSet::new(),
            layout,
            start: None,
            end: None,
            whole: false,
            neighbourhood: false,
        }
    }

    /// What a statement's answer shows: every entity, relation and path in its cells (and
    /// a `connect` answer's paths), with the entities the statement named as focus.
    pub fn of_rows(kg: &KnowledgeGraph, rows: &Rows) -> Picture {
        let layout = match rows.shape {
            Shape::Paths | Shape::Connect | Shape::Relations => Layout::LeftToRight,
            Shape::Table | Shape::Card(_) => Layout::TopToBottom,
        };
        let mut pic = Picture::new(layout);
        // `focus` lists a path statement's ends in order; a single focus is a centre.
        pic.start = rows.focus.first().copied();
        pic.end = if layout == Layout::LeftToRight { rows.focus.get(1).copied() } else { None };
        pic.focus.extend(rows.focus.iter().copied());
        pic.nodes.extend(rows.focus.iter().copied());
        pic.neighbourhood = rows.shape == Shape::Table && rows.focus.len() == 1;
        for row in &rows.rows {
            // A `connect` row's last cell holds path numbers, not values to draw.
            for v in row.iter().filter(|v| !matches!(v, Value::List(_)) || rows.shape != Shape::Connect) {
                pic.value(kg, rows, v);
            }
        }
        for p in &rows.paths {
            pic.path(kg, rows, p);
        }
        pic
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every entity and relation of the graph.
    pub fn of_graph(kg: &KnowledgeGraph) -> Picture {
        let mut pic = Picture::new(Layout::TopToBottom);
        pic.whole = true;
        pic.nodes.extend(kg.entities().map(|(n, _)| n));
        pic.relations.extend(kg.relations().map(|(e, _)| e));
        pic
    }

    fn value(&mut self, kg: &KnowledgeGraph, rows: &Rows, v: &Value) {
        match v {
            Value::Entity(n) => {
                self.nodes.insert(*n);
            }
            Value::Relation(h) => self.relation(kg, h.edge),
            Value::Path(p) => self.path(kg, rows, p),
            Value::List(items) => items.iter().for_each(|i| self.value(kg, rows, i)),
            _ => {}
        }
    }

    fn relation(&mut self, kg: &KnowledgeGraph, e: RelationRef) {
        let (a, b) = kg.ends(e);
        self.nodes.extend([a, b]);
        self.relations.insert(e);
    }

    /// A path's entities and every relation its hops stand for.
    fn path(&mut self, kg: &KnowledgeGraph, rows: &Rows, p: &Path) {
        self.nodes.extend(p.nodes.iter().copied());
        for h in p.hops.iter().flat_map(|h| rows.route(h)) {
            self.relation(kg, h.edge);
        }
    }

    /// The relations, each one apart (the exports for other tools keep parallel relations
    /// apart), in declaration order.
    pub fn relations(&self) -> impl Iterator<Item = RelationRef> + '_ {
        self.relations.iter().copied()
    }

    /// Whether the statement named this entity (a path's ends, a neighbourhood's centre).
    pub fn is_focus(&self, n: EntityRef) -> bool {
        self.focus.contains(&n)
    }

    /// The entities, by id.
    pub fn nodes(&self, kg: &KnowledgeGraph) -> Vec<EntityRef> {
        let mut nodes: Vec<EntityRef> = self.nodes.iter().copied().collect();
        nodes.sort_by(|a, b| kg.entity(*a).id().cmp(kg.entity(*b).id()));
        nodes
    }

    /// The edges, by ends (ids), relation and status.
    pub fn edges<'g>(&self, kg: &'g KnowledgeGraph) -> Vec<Edge<'g>> {
        let mut relations: Vec<RelationRef> = self.relations.iter().copied().collect();
        relations.sort_by_key(|e| {
            let r = kg.relation(*e);
            (r.from(), r.to(), r.rel(), r.status(), e.index())
        });
        let mut edges: Vec<Edge<'g>> = Vec::new();
        for e in relations {
            let r = kg.relation(e);
            match edges.last_mut() {
                Some(last) if same_edge(last, &r) => last.relations.push(r),
                _ => {
                    let (from, to) = kg.ends(e);
                    edges.push(Edge {
                        from: kg.entity(from),
                        to: kg.entity(to),
                        rel: r.rel(),
                        def: kg.schema.relation(r.rel()),
                        status: r.status(),
                        relations: vec![r],
                    });
                }
            }
        }
        edges
    }
}

fn same_edge(edge: &Edge, r: &RelationView) -> bool {
    edge.from.id() == r.from() && edge.to.id() == r.to() && edge.rel == r.rel() && edge.status == r.status()
}
