//! Query results: typed rows (entities, relations, paths, numbers, text), with the notes a
//! reader needs (truncation) and the entities the query was about.

use crate::graph::EntityRef;
use crate::graph::paths::{Hop, Path};
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
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
