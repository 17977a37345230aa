//! Query results: typed rows (entities, relations, paths, numbers, text), with the notes a
//! reader needs (truncation) and the entities the query was about.

use std::collections::BTreeMap;

use crate::graph::paths::{Hop, Path};
use crate::graph::{EntityRef, RelationRef};
use crate::model::PartialDate;

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
}

/// How the rows are best presented.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Plain columns.
    Table,
    /// An entity card (`show`): the entity, then one row per relation it takes part in.
    Card(EntityRef),
    /// One path per row (`path`, `paths`, `neighbors`), drawn left to right.
    Paths,
    /// Ranked entities with the paths behind them (`connect`); `Rows::paths` holds the paths
    /// and each row's last cell lists the numbers (1-based) of its paths.
    Connect,
    /// Direct relations with their evidence (`why`).
    Relations,
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
        }
    }

    /// Roughly how many bytes the value holds, for the memory budget of a statement.
    pub fn held_bytes(&self) -> usize {
        let own = std::mem::size_of::<Value>();
        own + match self {
            Value::Text(s) => s.len(),
            Value::Path(p) => p.nodes.len() * 4 + p.hops.len() * 8,
            Value::List(items) => items.iter().map(Value::held_bytes).sum(),
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
