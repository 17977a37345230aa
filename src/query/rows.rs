//! Query results: typed rows (entities, relations, paths, numbers, text, evidence), with
//! the notes a reader needs (truncation) and the entities the query was about.
//!
//! This is where an answer's content is decided, once: every output format prints the facts
//! a `Rows` holds and no others (`render` only lays them out). So an entity's card
//! ([`Card`]) and the details of a relation row ([`RELATION_DETAILS`]: attributes, note,
//! evidence) are values here, not something each format looks up for itself.

use std::collections::BTreeMap;

use crate::graph::paths::{Hop, Path};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::{Evidence, PartialDate, Record};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Date(PartialDate),
    Entity(EntityRef),
    /// A relation, as traversed.
    Relation(Hop),
    Path(Path),
    List(Vec<Value>),
    /// An evidence locator: a line of a source document and the quote on it.
    Evidence(Locator),
    /// Named values in order: `properties(x)`.
    Map(Vec<(String, Value)>),
}

/// A piece of evidence as an answer carries it: which source, which line, the quote; or
/// which dataset and which of its records (`record`, see [`crate::model::Evidence`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    pub source: String,
    pub line: u32,
    pub quote: String,
    pub record: Option<Box<Record>>,
}

/// How the rows are best presented.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Plain columns.
    Table,
    /// An entity card (`show`): the entity's own facts, then one row per relation it takes
    /// part in.
    Card(Card),
    /// One path per row (`path`, `paths`, `neighbors`), drawn left to right.
    Paths,
    /// Ranked entities with the paths behind them (`connect`); `Rows::paths` holds the paths
    /// and each row's last cell lists the numbers (1-based) of its paths.
    Connect,
    /// Direct relations with their evidence (`why`).
    Relations,
}

/// What `show` says about the entity itself: its facts in order, each a label and a value
/// (`kind`, `dataset` in a graph of several, `joined` records, `aliases`, `country`, each attribute, `note`, `evidence`), the empty ones left
/// out.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub entity: EntityRef,
    pub facts: Vec<(String, Value)>,
}

impl From<&Evidence> for Locator {
    fn from(ev: &Evidence) -> Locator {
        Locator { source: ev.source.to_string(), line: ev.line, quote: ev.quote.clone(), record: ev.record.clone() }
    }
}

impl Card {
    pub fn of(kg: &KnowledgeGraph, n: EntityRef) -> Card {
        let e = kg.entity(n);
        let mut facts = vec![("kind".to_string(), Value::Text(e.kind().to_string()))];
        // In a graph of several datasets, the one the entity comes from (the first that has it).
        if let Some(dataset) = kg.dataset_of(n) {
            facts.push(("dataset".into(), Value::Text(dataset.to_string())));
        }
        // The records joined into it, and why (see `data::identity`).
        let joins = kg.joins_of(n);
        if !joins.is_empty() {
            let said = joins.iter().map(|j| Value::Text(format!("{} `{}` ({})", j.dataset, j.id, j.rule))).collect();
            facts.push(("joined".into(), Value::List(said)));
        }
        if !e.aliases().is_empty() {
            facts.push(("aliases".into(), Value::List(e.aliases().iter().map(|a| Value::Text(a.clone())).collect())));
        }
        if let Some(country) = e.country().and_then(|c| kg.by_id(c)) {
            facts.push(("country".into(), Value::Entity(country)));
        }
        facts.extend(e.attrs().iter().map(|(k, v)| (k.clone(), Value::Text(v.to_string()))));
        if let Some(note) = e.note() {
            facts.push(("note".into(), Value::Text(note.to_string())));
        }
        if !e.evidence().is_empty() {
            facts.push(("evidence".into(), evidence(e.evidence())));
        }
        Card { entity: n, facts }
    }
}

/// The last columns of `show` and `why` rows: what else the data says of a relation. A
/// table prints them under the row; other formats as columns.
pub const RELATION_DETAILS: [&str; 3] = ["attrs", "note", "evidence"];

/// The columns of a relation row (see [`relation_row`]).
pub const RELATION_COLUMNS: [&str; 6] = ["relation", "when", "status", "attrs", "note", "evidence"];

/// One relation as `why` lists it and a path's hop stands for: the relation as walked, its
/// period (or nothing), its status, then its [`RELATION_DETAILS`]: attributes as
/// `key = value` texts, its note (or nothing), its evidence locators.
pub fn relation_row(kg: &KnowledgeGraph, h: Hop) -> Vec<Value> {
    let r = kg.relation(h.edge);
    let when = r.period().map_or(Value::Null, Value::Text);
    let status = Value::Text(r.status().as_str().to_string());
    let attrs = r.attrs().iter().map(|(k, v)| Value::Text(format!("{k} = {v}"))).collect();
    let note = r.note().map_or(Value::Null, |n| Value::Text(n.to_string()));
    vec![Value::Relation(h), when, status, Value::List(attrs), note, evidence(r.evidence())]
}

fn evidence(items: &[Evidence]) -> Value {
    Value::List(items.iter().map(|ev| Value::Evidence(ev.into())).collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub shape: Shape,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Paths a `connect` ranking refers to.
    pub paths: Vec<Path>,
    /// Things the reader must know, such as truncation.
    pub notes: Vec<String>,
    /// The entities the query named, emphasised in pictures.
    pub focus: Vec<EntityRef>,
    /// For a path hop whose relation stands for several parallel ones (same ends and kind;
    /// see `Topology::route_members`): every relation of the route that meets the
    /// statement's filter, each with whether it is stored the same way round as the hop's.
    pub routes: BTreeMap<RelationRef, Vec<(RelationRef, bool)>>,
}

impl Rows {
    pub fn new(shape: Shape, columns: &[&str]) -> Rows {
        Rows {
            shape,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            paths: Vec::new(),
            notes: Vec::new(),
            focus: Vec::new(),
            routes: BTreeMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The relations a path hop stands for, each as walked in the hop's direction: the
    /// hop itself unless it is a route of parallel relations.
    pub fn route(&self, h: &Hop) -> Vec<Hop> {
        match self.routes.get(&h.edge).filter(|members| !members.is_empty()) {
            None => vec![*h],
            Some(members) => members.iter().map(|&(edge, same)| Hop { edge, forward: h.forward == same }).collect(),
        }
    }
}

impl Value {
    /// Appends a byte encoding of the value that is equal for equal values and different
    /// for different ones, so rows can be grouped and de-duplicated by hashing (a float is
    /// taken by its bits, with -0 as 0).
    pub fn key_into(&self, out: &mut Vec<u8>) {
        let text = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        match self {
            Value::Null => out.push(0),
            Value::Bool(b) => out.extend([1, u8::from(*b)]),
            Value::Int(i) => {
                out.push(2);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::Float(f) => {
                out.push(3);
                let f = if *f == 0.0 { 0.0 } else { *f };
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Text(s) => {
                out.push(4);
                text(out, s);
            }
            Value::Date(d) => {
                out.push(5);
                text(out, &d.to_string());
            }
            Value::Entity(n) => {
                out.push(6);
                out.extend_from_slice(&(n.index() as u64).to_le_bytes());
            }
            Value::Relation(h) => {
                out.push(7);
                out.extend_from_slice(&h.edge.number().to_le_bytes());
                out.push(u8::from(h.forward));
            }
            Value::Path(p) => {
                out.push(8);
                out.extend_from_slice(&(p.nodes.len() as u64).to_le_bytes());
                p.nodes.iter().for_each(|n| out.extend_from_slice(&n.number().to_le_bytes()));
                for h in &p.hops {
                    out.extend_from_slice(&h.edge.number().to_le_bytes());
                    out.push(u8::from(h.forward));
                }
            }
            Value::List(items) => {
                out.push(9);
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                items.iter().for_each(|v| v.key_into(out));
            }
            Value::Evidence(ev) => {
                out.push(10);
                text(out, &ev.source);
                out.extend_from_slice(&ev.line.to_le_bytes());
                text(out, &ev.quote);
                out.push(u8::from(ev.record.is_some()));
                if let Some(record) = &ev.record {
                    text(out, &record.id);
                    text(out, record.url.as_deref().unwrap_or_default());
                }
            }
            Value::Map(entries) => {
                out.push(11);
                out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
                for (k, v) in entries {
                    text(out, k);
                    v.key_into(out);
                }
            }
        }
    }

    /// Roughly how many bytes the value holds, for the memory budget of a statement.
    pub fn held_bytes(&self) -> usize {
        let own = std::mem::size_of::<Value>();
        own + match self {
            Value::Text(s) => s.len(),
            Value::Path(p) => p.nodes.len() * 4 + p.hops.len() * 8,
            Value::List(items) => items.iter().map(Value::held_bytes).sum(),
            Value::Map(entries) => entries.iter().map(|(k, v)| k.len() + 24 + v.held_bytes()).sum(),
            Value::Evidence(ev) => ev.source.len() + ev.quote.len(),
            _ => 0,
        }
    }
}

/// The byte key of a row (see [`Value::key_into`]).
pub fn row_key(values: &[Value]) -> Vec<u8> {
    let mut key = Vec::new();
    values.iter().for_each(|v| v.key_into(&mut key));
    key
}
